//! `guichet api` as a process: it serves the index of a knowledge base and stops cleanly on
//! SIGTERM.

mod api_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use api_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guichet_api_serves_and_stops_cleanly_on_sigterm() {
    let root = tempfile::tempdir().unwrap();
    let index_dir = root.path().join(".guichet").join("index");
    std::fs::create_dir_all(index_dir.parent().unwrap()).unwrap();
    // An index that is not an answer index: the service starts anyway and is not ready.
    publish_fake(&index_dir, "v1");

    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--root", root.path().to_str().unwrap(), "api", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log is read on a thread, so that every wait on it is bounded and the child never
    // blocks on a full pipe.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (lines, log) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in stderr.lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let addr: std::net::SocketAddr = loop {
        let Ok(line) = log.recv_timeout(Duration::from_secs(20)) else {
            let _ = child.kill();
            panic!("guichet api did not log its address; its log:\n{}", seen.join("\n"));
        };
        if let Some(rest) = line.split("address=").nth(1) {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
        seen.push(line);
    };

    let health = get(addr, "/healthz").await;
    assert_eq!(health.status, 503);
    assert_eq!(health.error_code(), "not_ready");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Some(status) = exited else {
        child.kill().unwrap();
        panic!("guichet api did not stop within 10 s of SIGTERM");
    };
    assert!(status.success(), "{status}");
    seen.extend(log.iter());
    let log = seen.join("\n");
    assert!(log.contains("refused the index"), "{log}");
    assert!(log.contains("answer API stopped"), "{log}");
}
