//! Nothing the service logs or says in an error carries a social insurance number, whatever the request: answered
//! posts, refused ones, a panicking one. Own test binary: it installs a process-wide log
//! subscriber at the most verbose level and the service's panic hook.

mod api_support;

use std::sync::{Arc, Mutex};

use api_support::*;
use guichet::serve::api::{self, Limits};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logs_and_errors_never_carry_a_social_insurance_number() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    api::install_panic_hook();

    let root = tempfile::tempdir().unwrap();
    let index_dir = root.path().join(".guichet").join("index");
    std::fs::create_dir_all(index_dir.parent().unwrap()).unwrap();
    publish_fake(&index_dir, "v1");
    let server = TestServer::start::<FakeEngine>(&index_dir, Limits::default()).await;
    server.wait_for_version("v1").await;
    let addr = server.addr;

    let sin = "046 454 286";
    let encoded = "046%20454%20286";
    let responses = [
        get(addr, &format!("/api/answer?q=Mon+NAS+{encoded}")).await,
        get(addr, &format!("/api/answer?q={encoded}&lang={encoded}")).await,
        get(addr, &format!("/api/answer?q={encoded}&{encoded}=1")).await,
        get(addr, &format!("/api/answer?q={encoded}%ZZ")).await,
        get(addr, &format!("/{encoded}")).await,
        post(addr, "/api/answer", format!("{{\"text\": \"NAS {sin}\", \"id\": \"{sin}\"}}").as_bytes()).await,
        post(addr, "/api/answer", format!("{{\"text\": \"NAS {sin}\", \"x\": 1}}").as_bytes()).await,
        post(addr, "/api/answer", format!("{{\"posts\": \"{sin}\"}}").as_bytes()).await,
        post(addr, "/api/answer", format!("{{\"text\": \"PANIC {sin}\"}}").as_bytes()).await,
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 400, 400, 400, 404, 200, 400, 400, 500]);
    // Error messages do not echo it either (answers mask it: that is the engine's part).
    for response in responses.iter().filter(|r| r.status >= 400) {
        let digits: String = response.text().chars().filter(|c| c.is_ascii_digit()).collect();
        assert!(!digits.contains("046454286"), "{}", response.text());
    }
    server.stop().await;

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    // The log did record these requests and the panic, so the check below means something.
    assert!(text.contains("request"), "{text}");
    assert!(text.contains("panic at"), "{text}");
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    assert!(!digits.contains("046454286"), "a SIN in the log:\n{text}");
}
