//! The answer service over HTTP, with a test engine: every route, every kind of bad input,
//! reloads under concurrent requests, refusal of a broken index, panics, slow clients and
//! graceful shutdown. The real engine behind the same service is tested in `api_answerer.rs`.

mod api_support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use api_support::*;
use guichet::serve::api::Limits;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// A knowledge-base-like folder with a published test index of `version`.
fn index_with(version: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let index_dir = root.path().join(".guichet").join("index");
    std::fs::create_dir_all(index_dir.parent().unwrap()).unwrap();
    publish_fake(&index_dir, version);
    (root, index_dir)
}

async fn started(version: &str) -> (tempfile::TempDir, std::path::PathBuf, TestServer) {
    let (root, index_dir) = index_with(version);
    let server = TestServer::start::<FakeEngine>(&index_dir, Limits::default()).await;
    server.wait_for_version(version).await;
    (root, index_dir, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn get_answers_one_post_with_the_index_version() {
    let (_root, _index, server) = started("v1").await;
    let response = get(server.addr, "/api/answer?q=cr%C3%A9dit+d%27imp%C3%B4t&lang=fr&top=5&id=p-1").await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json(),
        serde_json::json!({"id": "p-1", "query": "crédit d'impôt", "lang": "fr",
                           "decision": "answer", "top": 5, "index_version": "v1"})
    );
    // Without lang or top: no language (the engine detects it) and the default top.
    let body = get(server.addr, "/api/answer?q=bonjour").await.json();
    assert_eq!(body["lang"], serde_json::Value::Null);
    assert_eq!(body["top"], Limits::default().default_top);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn post_answers_one_post_or_a_batch_in_order() {
    let (_root, _index, server) = started("v1").await;
    let one = post(
        server.addr,
        "/api/answer",
        br#"{"text": "Quand produire ma declaration?", "id": "x", "lang": "fr"}"#,
    )
    .await;
    assert_eq!(one.status, 200, "{}", one.text());
    assert_eq!(one.json()["query"], "Quand produire ma declaration?");
    assert_eq!(one.json()["id"], "x");

    let posts: Vec<_> =
        (0..100).map(|i| serde_json::json!({"text": format!("post {i}"), "id": format!("id-{i}")})).collect();
    let batch =
        post(server.addr, "/api/answer?top=2", serde_json::json!({ "posts": posts }).to_string().as_bytes())
            .await;
    assert_eq!(batch.status, 200, "{}", batch.text());
    let answers = batch.json()["answers"].as_array().unwrap().clone();
    assert_eq!(answers.len(), 100);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer["id"], format!("id-{i}"));
        assert_eq!(answer["query"], format!("post {i}"));
        assert_eq!(answer["top"], 2);
    }
    // No Content-Type is taken as JSON.
    let untyped = post_typed(server.addr, "/api/answer", None, br#"{"text": "allo"}"#).await;
    assert_eq!(untyped.status, 200, "{}", untyped.text());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn healthz_is_ready_only_once_an_index_is_open() {
    let root = tempfile::tempdir().unwrap();
    let index_dir = root.path().join(".guichet").join("index");
    let server = TestServer::start::<FakeEngine>(&index_dir, Limits::default()).await;
    let health = get(server.addr, "/healthz").await;
    assert_eq!(health.status, 503);
    assert_eq!(health.error_code(), "not_ready");
    let answer = get(server.addr, "/api/answer?q=bonjour").await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.error_code(), "not_ready");

    // The parent folder does not even exist yet: polling finds the first build.
    std::fs::create_dir_all(index_dir.parent().unwrap()).unwrap();
    publish_fake(&index_dir, "first");
    server.wait_for_version("first").await;
    let health = get(server.addr, "/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json(), serde_json::json!({"status": "ok", "index_version": "first"}));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn metrics_count_requests_latency_decisions_and_the_index() {
    let (_root, _index, server) = started("v7").await;
    get(server.addr, "/api/answer?q=bonjour").await;
    get(server.addr, "/api/answer?q=NONE").await;
    get(server.addr, "/api/answer").await;
    get(server.addr, "/nowhere").await;
    let response = get(server.addr, "/metrics").await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = response.text();
    for line in [
        "guichet_api_requests_total{route=\"/api/answer\",status=\"200\"} 2",
        "guichet_api_requests_total{route=\"/api/answer\",status=\"400\"} 1",
        "guichet_api_requests_total{route=\"other\",status=\"404\"} 1",
        "guichet_api_request_duration_seconds_count{route=\"/api/answer\"} 3",
        "guichet_api_request_duration_seconds_bucket{route=\"/api/answer\",le=\"+Inf\"} 3",
        "guichet_api_answers_total{decision=\"answer\"} 1",
        "guichet_api_answers_total{decision=\"none\"} 1",
        "guichet_api_index_info{version=\"v7\"} 1",
        "guichet_api_index_reloads_total{result=\"ok\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_gets_a_json_error_and_the_service_goes_on() {
    let (_root, _index, server) = started("v1").await;
    let addr = server.addr;
    let long = "é".repeat(4001);
    let at_limit = "é".repeat(4000);
    let too_many: Vec<_> = (0..101).map(|_| serde_json::json!({"text": "a"})).collect();
    let huge = format!("{{\"text\": \"{}\"}}", "a".repeat(3 * 1024 * 1024));

    let cases: Vec<(&str, Response, u16, &str)> = vec![
        ("missing q", get(addr, "/api/answer?lang=fr").await, 400, "missing_text"),
        ("empty q", get(addr, "/api/answer?q=").await, 400, "missing_text"),
        ("blank q", get(addr, "/api/answer?q=+%20+").await, 400, "missing_text"),
        (
            "q over 4000 characters",
            get(addr, &format!("/api/answer?q={}", long.replace('é', "%C3%A9"))).await,
            400,
            "text_too_long",
        ),
        ("bad percent-encoding", get(addr, "/api/answer?q=%ZZ").await, 400, "invalid_query"),
        ("truncated escape", get(addr, "/api/answer?q=abc%E").await, 400, "invalid_query"),
        ("invalid UTF-8 in q", get(addr, "/api/answer?q=caf%E9").await, 400, "invalid_query"),
        ("unknown lang", get(addr, "/api/answer?q=allo&lang=de").await, 400, "unknown_lang"),
        ("top zero", get(addr, "/api/answer?q=allo&top=0").await, 400, "invalid_top"),
        ("top not a number", get(addr, "/api/answer?q=allo&top=x").await, 400, "invalid_top"),
        ("top too large", get(addr, "/api/answer?q=allo&top=1000").await, 400, "invalid_top"),
        ("unknown parameter", get(addr, "/api/answer?text=allo").await, 400, "invalid_query"),
        ("repeated parameter", get(addr, "/api/answer?q=a&q=b").await, 400, "invalid_query"),
        ("malformed JSON", post(addr, "/api/answer", b"{\"text\": ").await, 400, "invalid_json"),
        ("JSON not an object", post(addr, "/api/answer", b"[1, 2]").await, 400, "invalid_json"),
        ("text not a string", post(addr, "/api/answer", b"{\"text\": 5}").await, 400, "invalid_json"),
        (
            "unknown field",
            post(addr, "/api/answer", b"{\"text\": \"a\", \"txt\": \"b\"}").await,
            400,
            "invalid_json",
        ),
        ("body without text", post(addr, "/api/answer", b"{\"lang\": \"fr\"}").await, 400, "missing_text"),
        ("empty text", post(addr, "/api/answer", b"{\"text\": \"\"}").await, 400, "missing_text"),
        (
            "text over 4000 characters",
            post(addr, "/api/answer", serde_json::json!({"text": long}).to_string().as_bytes()).await,
            400,
            "text_too_long",
        ),
        (
            "unknown lang in body",
            post(addr, "/api/answer", b"{\"text\": \"a\", \"lang\": \"xx\"}").await,
            400,
            "unknown_lang",
        ),
        (
            "invalid UTF-8 body",
            post(addr, "/api/answer", b"{\"text\": \"caf\xe9\"}").await,
            400,
            "invalid_utf8",
        ),
        ("oversized body", post(addr, "/api/answer", huge.as_bytes()).await, 413, "body_too_large"),
        (
            "batch over 100 posts",
            post(addr, "/api/answer", serde_json::json!({"posts": too_many}).to_string().as_bytes()).await,
            413,
            "batch_too_large",
        ),
        ("empty batch", post(addr, "/api/answer", b"{\"posts\": []}").await, 400, "empty_batch"),
        (
            "invalid post in a batch",
            post(addr, "/api/answer", b"{\"posts\": [{\"text\": \"a\"}, {\"text\": \"\"}]}").await,
            400,
            "missing_text",
        ),
        (
            "posts and text together",
            post(addr, "/api/answer", b"{\"text\": \"a\", \"posts\": [{\"text\": \"b\"}]}").await,
            400,
            "invalid_json",
        ),
        (
            "form body",
            post_typed(addr, "/api/answer", Some("application/x-www-form-urlencoded"), b"q=a").await,
            415,
            "unsupported_media_type",
        ),
        ("query on POST", post(addr, "/api/answer?q=a", b"{\"text\": \"a\"}").await, 400, "invalid_query"),
        ("unknown path", get(addr, "/api/answers?q=a").await, 404, "not_found"),
        ("root path", get(addr, "/").await, 404, "not_found"),
        ("DELETE on answer", method(addr, "DELETE", "/api/answer").await, 405, "method_not_allowed"),
        ("PUT on answer", method(addr, "PUT", "/api/answer").await, 405, "method_not_allowed"),
        ("POST on healthz", method(addr, "POST", "/healthz").await, 405, "method_not_allowed"),
        ("DELETE on metrics", method(addr, "DELETE", "/metrics").await, 405, "method_not_allowed"),
    ];
    for (what, response, status, code) in cases {
        assert_eq!(response.status, status, "{what}: {}", response.text());
        assert_eq!(response.error_code(), code, "{what}");
    }

    // Errors say where: the parameter, the post of a batch, the position in the JSON.
    let message = |r: Response| r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message(get(addr, "/api/answer?q=%ZZ").await).contains("\"q\""));
    assert!(
        message(post(addr, "/api/answer", b"{\"posts\": [{\"text\": \"a\"}, {\"text\": \"\"}]}").await)
            .contains("posts[1]")
    );
    assert!(message(post(addr, "/api/answer", b"{\n\"text\": 5}").await).contains("line 2"));
    let allow = method(addr, "DELETE", "/api/answer").await;
    assert_eq!(allow.header("allow"), Some("GET, HEAD, POST"));

    // At the limit is fine, and the service still answers after all of the above.
    let fine = post(addr, "/api/answer", serde_json::json!({"text": at_limit}).to_string().as_bytes()).await;
    assert_eq!(fine.status, 200, "{}", fine.text());
    assert_eq!(get(addr, "/healthz").await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_panicking_request_gets_a_500_and_the_service_goes_on() {
    let (_root, _index, server) = started("v1").await;
    let response = get(server.addr, "/api/answer?q=PANIC").await;
    assert_eq!(response.status, 500);
    assert_eq!(response.error_code(), "internal");
    let batch = post(server.addr, "/api/answer", br#"{"posts": [{"text": "a"}, {"text": "PANIC"}]}"#).await;
    assert_eq!(batch.status, 500);
    assert_eq!(get(server.addr, "/api/answer?q=allo").await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_body_gets_a_408_and_silent_clients_are_disconnected() {
    let (_root, index_dir) = index_with("v1");
    let limits = Limits {
        body_timeout: Duration::from_millis(300),
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let server = TestServer::start::<FakeEngine>(&index_dir, limits).await;
    server.wait_for_version("v1").await;

    // Announces 100 bytes, sends 10, then nothing.
    let mut slow_body = TcpStream::connect(server.addr).await.unwrap();
    slow_body
        .write_all(b"POST /api/answer HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{\"text\": ")
        .await
        .unwrap();
    let response = read_response(&mut slow_body).await;
    assert_eq!(response.status, 408);
    assert_eq!(response.error_code(), "body_timeout");

    // Half a request line, then nothing: the connection is closed (read_response would time
    // out otherwise), and it does not stop others from being served meanwhile.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    silent.write_all(b"GET /api/ans").await.unwrap();
    assert_eq!(get(server.addr, "/api/answer?q=allo").await.status, 200);
    let mut rest = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        tokio::io::AsyncReadExt::read_to_end(&mut silent, &mut rest),
    )
    .await
    .expect("the service closes a connection that sends no complete request")
    .ok();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_shedding_refuses_requests_over_the_in_flight_limit() {
    let (_root, index_dir) = index_with("v1");
    let limits = Limits { max_in_flight: 1, body_timeout: Duration::from_secs(10), ..Limits::default() };
    let server = TestServer::start::<FakeEngine>(&index_dir, limits).await;
    server.wait_for_version("v1").await;
    // The holder takes the only slot: its body never completes until we send it. On a loaded
    // machine the first probe may reach the slot before the holder does, and the holder is the
    // one refused: then the probes all pass, and a new holder tries again.
    let (mut holder, shed) = 'attempts: {
        for _ in 0..5 {
            let mut holder = TcpStream::connect(server.addr).await.unwrap();
            holder
                .write_all(b"POST /api/answer HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 12\r\n\r\n{\"text\":")
                .await
                .unwrap();
            for _ in 0..100 {
                let response = get(server.addr, "/api/answer?q=allo").await;
                if response.status == 503 {
                    break 'attempts (holder, response);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        panic!("a request over the limit is refused");
    };
    assert_eq!(shed.error_code(), "overloaded");
    holder.write_all(b"\"a\"}").await.unwrap();
    let held = read_response(&mut holder).await;
    assert_eq!(held.status, 200, "{}", held.text());
    assert_eq!(get(server.addr, "/api/answer?q=allo").await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn new_indexes_are_picked_up_under_load_with_no_failed_or_mixed_request() {
    let (_root, index_dir, server) = started("v0").await;
    let addr = server.addr;
    const VERSIONS: usize = 15;

    // The clients keep asking until the last index is published (at least 150 requests each),
    // so that the load overlaps every publication however fast the requests are.
    let publishing = Arc::new(AtomicBool::new(true));
    let publisher = {
        let index_dir = index_dir.clone();
        let publishing = publishing.clone();
        tokio::spawn(async move {
            for v in 1..=VERSIONS {
                tokio::time::sleep(Duration::from_millis(40)).await;
                let index_dir = index_dir.clone();
                tokio::task::spawn_blocking(move || publish_fake(&index_dir, &format!("v{v}")))
                    .await
                    .unwrap();
            }
            publishing.store(false, Ordering::SeqCst);
        })
    };
    let clients: Vec<_> = (0..6)
        .map(|c| {
            let publishing = publishing.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut i = 0;
                while i < 150 || publishing.load(Ordering::SeqCst) {
                    i += 1;
                    if (i + c) % 3 == 0 {
                        // A batch must be answered from one index from start to end.
                        let posts: Vec<_> =
                            (0..20).map(|j| serde_json::json!({"text": format!("post {j}")})).collect();
                        let response = post(
                            addr,
                            "/api/answer",
                            serde_json::json!({"posts": posts}).to_string().as_bytes(),
                        )
                        .await;
                        assert_eq!(response.status, 200, "{}", response.text());
                        let versions: HashSet<String> = response.json()["answers"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| a["index_version"].as_str().unwrap().to_owned())
                            .collect();
                        assert_eq!(versions.len(), 1, "one batch, several indexes: {versions:?}");
                        seen.extend(versions);
                    } else {
                        let response = get(addr, "/api/answer?q=allo").await;
                        assert_eq!(response.status, 200, "{}", response.text());
                        seen.push(response.json()["index_version"].as_str().unwrap().to_owned());
                    }
                }
                seen
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for client in clients {
        seen.extend(client.await.unwrap());
    }
    publisher.await.unwrap();
    server.wait_for_version(&format!("v{VERSIONS}")).await;
    assert!(seen.len() > 1, "no new index was served during the load: {seen:?}");
    for version in &seen {
        let n: usize = version[1..].parse().unwrap();
        assert!(n <= VERSIONS, "{version}");
    }
    let metrics = get(addr, "/metrics").await.text();
    assert!(metrics.contains("guichet_api_index_reloads_total{result=\"failed\"} 0"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_broken_index_is_refused_and_the_previous_one_keeps_serving() {
    let (_root, index_dir, server) = started("good-1").await;
    publish_broken(&index_dir, "broken");
    // Reloads are asynchronous: wait until the refusal is counted.
    server.wait_for_metric("guichet_api_index_reloads_total{result=\"failed\"} 1").await;
    let answer = get(server.addr, "/api/answer?q=allo").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["index_version"], "good-1");
    assert_eq!(get(server.addr, "/healthz").await.json()["index_version"], "good-1");
    // An index missing its files altogether is refused too, then a good one is taken.
    let empty = index_dir.parent().unwrap().join(".new-empty");
    std::fs::create_dir_all(&empty).unwrap();
    publish(&index_dir, &empty);
    publish_fake(&index_dir, "good-2");
    server.wait_for_version("good-2").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_lets_in_flight_requests_finish_and_stops_accepting() {
    let (_root, _index, mut server) = started("v1").await;
    let addr = server.addr;
    let mut in_flight = TcpStream::connect(addr).await.unwrap();
    in_flight
        .write_all(b"POST /api/answer HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 15\r\n\r\n{\"text\":")
        .await
        .unwrap();
    // Let the service read the head and start the handler, then ask it to stop.
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.signal_shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    in_flight.write_all(b" \"fin\"}").await.unwrap();
    let response = read_response(&mut in_flight).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["query"], "fin");
    server.stop().await;
    assert!(TcpStream::connect(addr).await.is_err(), "the service still accepts connections after shutdown");
}
