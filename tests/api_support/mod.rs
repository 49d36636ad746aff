//! Shared by the `api_*` tests: starting the service on a free loopback port, a raw HTTP/1.1
//! client (raw so that tests can send what real clients would refuse to: invalid
//! percent-encoding, bytes that are not UTF-8, slow bodies), publishing indexes the way
//! `guichet build` does, and a test engine.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use guichet::serve::api::{self, Decision, Engine, Limits, Post, ServiceConfig};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A service running in the test's runtime.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start<E: Engine>(index_dir: &Path, limits: Limits) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let config =
            ServiceConfig { index_dir: index_dir.to_path_buf(), poll: Duration::from_millis(50), limits };
        let task = tokio::spawn(async move {
            api::serve::<E>(listener, config, async {
                let _ = rx.await;
            })
            .await
        });
        TestServer { addr, shutdown: Some(tx), task }
    }

    /// Waits until `/healthz` reports `version` (bounded: fails after about 10 s).
    pub async fn wait_for_version(&self, version: &str) {
        for _ in 0..1000 {
            let response = get(self.addr, "/healthz").await;
            if response.status == 200 && response.json()["index_version"] == version {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the service never served index version {version}");
    }

    /// Waits until `/metrics` has `line` (bounded: fails after about 10 s).
    pub async fn wait_for_metric(&self, line: &str) {
        for _ in 0..1000 {
            if get(self.addr, "/metrics").await.text().lines().any(|l| l == line) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("/metrics never had {line:?}");
    }

    /// Signals shutdown without waiting.
    pub fn signal_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Signals shutdown and waits until the service has stopped (bounded).
    pub async fn stop(mut self) {
        self.signal_shutdown();
        tokio::time::timeout(Duration::from_secs(20), &mut self.task)
            .await
            .expect("the service stops after a shutdown signal")
            .unwrap();
    }
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `code` of a JSON error, checking the error's shape on the way.
    pub fn error_code(&self) -> String {
        let body = self.json();
        assert_eq!(body["error"]["status"], self.status, "{body}");
        assert!(body["error"]["message"].is_string(), "{body}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        body["error"]["code"].as_str().unwrap().to_owned()
    }
}

/// Sends raw bytes (a whole request, with `Connection: close`) and reads the response.
pub async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The service may answer (413) and close before an oversized body is fully sent: the
    // response is still there to read.
    if let Err(e) = stream.write_all(request).await {
        assert!(
            matches!(e.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset),
            "{e}"
        );
    }
    read_response(&mut stream).await
}

pub async fn read_response(stream: &mut TcpStream) -> Response {
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut bytes))
        .await
        .expect("the service answers and closes the connection")
        .unwrap();
    parse_response(&bytes)
}

fn parse_response(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response: {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (n, v) = line.split_once(':').unwrap();
            (n.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let body = bytes[split + 4..].to_vec();
    Response { status, headers, body }
}

pub async fn get(addr: std::net::SocketAddr, target: &str) -> Response {
    raw(addr, format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes()).await
}

pub async fn method(addr: std::net::SocketAddr, method: &str, target: &str) -> Response {
    raw(
        addr,
        format!("{method} {target} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
}

pub async fn post(addr: std::net::SocketAddr, target: &str, body: &[u8]) -> Response {
    post_typed(addr, target, Some("application/json"), body).await
}

pub async fn post_typed(
    addr: std::net::SocketAddr,
    target: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Response {
    let mut request = format!(
        "POST {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        request.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes).await
}

/// Publishes `new` as the index at `index_dir` the way `guichet build` does: the old folder is
/// renamed away, the new one renamed into place, the old one removed.
pub fn publish(index_dir: &Path, new: &Path) {
    let parent = index_dir.parent().unwrap();
    let old = parent.join(format!(".old-{}", new.file_name().unwrap().to_string_lossy()));
    let had_old = std::fs::rename(index_dir, &old).is_ok();
    std::fs::rename(new, index_dir).unwrap();
    if had_old {
        std::fs::remove_dir_all(&old).unwrap();
    }
}

/// Writes a test-engine index of `version` beside `index_dir` and publishes it.
pub fn publish_fake(index_dir: &Path, version: &str) {
    let staging = staging_dir(index_dir, version);
    std::fs::write(
        staging.join(FakeEngine::FILE),
        serde_json::json!({"version": version, "langs": ["fr", "en"]}).to_string(),
    )
    .unwrap();
    publish(index_dir, &staging);
}

/// Publishes a folder the test engine refuses to open.
pub fn publish_broken(index_dir: &Path, name: &str) {
    let staging = staging_dir(index_dir, name);
    std::fs::write(staging.join(FakeEngine::FILE), "{\"version\": ").unwrap();
    publish(index_dir, &staging);
}

fn staging_dir(index_dir: &Path, name: &str) -> PathBuf {
    let staging = index_dir.parent().unwrap().join(format!(".new-{name}"));
    std::fs::create_dir_all(&staging).unwrap();
    staging
}

/// A test engine: answers with the index version it opened, panics on posts containing
/// `PANIC`, and refuses indexes whose file is not valid JSON. It exercises the service, not
/// answering (the real engine is tested in `api_answerer.rs`).
pub struct FakeEngine {
    version: String,
    langs: Vec<String>,
}

#[derive(Serialize)]
pub struct FakeAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    query: String,
    lang: Option<String>,
    decision: &'static str,
    top: usize,
    index_version: String,
}

impl FakeEngine {
    pub const FILE: &'static str = "fake-index.json";
}

impl Engine for FakeEngine {
    type Answer = FakeAnswer;

    fn open(index_dir: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(index_dir.join(Self::FILE))?;
        let value: serde_json::Value = serde_json::from_str(&text)?;
        Ok(FakeEngine {
            version: value["version"].as_str().unwrap().to_owned(),
            langs: serde_json::from_value(value["langs"].clone())?,
        })
    }

    fn answer(&self, post: Post, top: usize) -> FakeAnswer {
        if post.text.contains("PANIC") {
            panic!("asked to panic on {}", post.text);
        }
        FakeAnswer {
            id: post.id,
            decision: if post.text.contains("NONE") { "none" } else { "answer" },
            query: post.text,
            lang: post.lang,
            top,
            index_version: self.version.clone(),
        }
    }

    fn decision(answer: &FakeAnswer) -> Decision {
        match answer.decision {
            "none" => Decision::None,
            _ => Decision::Answer,
        }
    }

    fn index_version(&self) -> &str {
        &self.version
    }

    fn knows_lang(&self, lang: &str) -> bool {
        self.langs.iter().any(|l| l == lang)
    }
}
