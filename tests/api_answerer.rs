//! The answer service with the real engine, on an index built from the reference corpus:
//! the same JSON as `Answerer::answer` and `guichet ask --json`, reloads of real indexes
//! under concurrent requests, and refusal of a corrupted index.

mod api_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use api_support::*;
use guichet::answer::{Answerer, Post};
use guichet::serve::api::Limits;

fn reference_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn dev_posts(n: usize) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/questions-dev.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .take(n)
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// A temp copy of the reference corpus with its index published at `.guichet/index`.
fn corpus_with_index() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("kb");
    copy_dir(&reference_corpus(), &root);
    let index_dir = root.join(".guichet").join("index");
    publish_real(&root, &index_dir, "0");
    (temp, root, index_dir)
}

/// Builds the answer index of `root` in a staging folder and publishes it at `index_dir`.
fn publish_real(root: &Path, index_dir: &Path, name: &str) -> String {
    let site = guichet::content::load(root, &Default::default()).unwrap();
    let staging = index_dir.parent().unwrap().join(format!(".new-{name}"));
    std::fs::create_dir_all(&staging).unwrap();
    let stats = guichet::index::write_index(&site, &staging).unwrap();
    publish(index_dir, &staging);
    stats.index_version
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

async fn start(index_dir: &Path) -> (TestServer, String) {
    let version = Answerer::open(index_dir).unwrap().meta().index_version.clone();
    let server = TestServer::start::<Answerer>(index_dir, Limits::default()).await;
    server.wait_for_version(&version).await;
    (server, version)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_service_answers_exactly_what_the_engine_and_ask_json_answer() {
    let (_temp, root, index_dir) = corpus_with_index();
    let (server, version) = start(&index_dir).await;
    let answerer = Answerer::open(&index_dir).unwrap();
    let posts = dev_posts(40);
    let mut decisions = HashSet::new();

    let mut from_get = Vec::new();
    let mut texts_from_get = Vec::new();
    for post in &posts {
        let (text, id, lang) =
            (post["text"].as_str().unwrap(), post["id"].as_str().unwrap(), post["lang"].as_str().unwrap());
        let response =
            get(server.addr, &format!("/api/answer?q={}&id={}&lang={lang}", encode(text), encode(id))).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let answer = answerer.answer(
            &Post { text: text.to_owned(), id: Some(id.to_owned()), lang: Some(lang.to_owned()) },
            guichet::answer::ask::DEFAULT_TOP,
        );
        // Byte for byte what the engine's answer serialises to.
        assert_eq!(response.text(), serde_json::to_string(&answer).unwrap(), "post {id}");
        let expected = response.json();
        assert_eq!(response.json()["index_version"], version.as_str());
        decisions.insert(expected["decision"].as_str().unwrap().to_owned());
        from_get.push(expected);
        texts_from_get.push(response.text());
    }
    // The sample covers more than one kind of decision, so the comparison means something.
    assert!(decisions.len() >= 2, "{decisions:?}");

    // The same posts as one batch: the same objects, in order.
    let batch: Vec<_> = posts
        .iter()
        .map(|p| serde_json::json!({"text": p["text"], "id": p["id"], "lang": p["lang"]}))
        .collect();
    let response =
        post(server.addr, "/api/answer", serde_json::json!({"posts": batch}).to_string().as_bytes()).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["answers"], serde_json::Value::Array(from_get.clone()));

    // And `guichet ask --json` on the same posts prints the same objects.
    let input: String = batch.iter().map(|p| format!("{p}\n")).collect();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--root", root.to_str().unwrap(), "ask", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // Scores and confidences print as rounded (`0.818`), not as widened floats
    // (`0.8180000185966492`), whichever JSON writer prints them.
    for number in stdout.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|t| t.contains('.')) {
        let decimals = number.split('.').nth(1).unwrap_or("");
        assert!(decimals.len() <= 3, "{number} in {stdout}");
    }
    // Byte for byte, key order included.
    let from_ask: Vec<&str> = stdout.lines().collect();
    assert_eq!(from_ask, texts_from_get);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn social_insurance_numbers_are_masked_in_answers() {
    let (_temp, _root, index_dir) = corpus_with_index();
    let (server, _) = start(&index_dir).await;
    let response =
        get(server.addr, &format!("/api/answer?q={}", encode("Mon NAS est 046 454 286, mon avis?"))).await;
    assert_eq!(response.status, 200);
    let digits: String = response.text().chars().filter(|c| c.is_ascii_digit()).collect();
    assert!(!digits.contains("046454286"), "{}", response.text());
    assert!(response.json()["query"].as_str().unwrap().starts_with("Mon NAS est "));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn real_indexes_published_under_load_are_picked_up_with_no_failed_request() {
    let (_temp, root, index_dir) = corpus_with_index();
    let (server, first) = start(&index_dir).await;
    let addr = server.addr;
    let targets: Vec<String> = dev_posts(30)
        .iter()
        .map(|p| {
            format!(
                "/api/answer?q={}&lang={}",
                encode(p["text"].as_str().unwrap()),
                p["lang"].as_str().unwrap()
            )
        })
        .collect();

    let publisher = {
        let (root, index_dir) = (root.clone(), index_dir.clone());
        tokio::task::spawn_blocking(move || {
            let page = root.join("content/fr/particuliers/acomptes-provisionnels.md");
            let mut versions = Vec::new();
            for i in 1..=4 {
                // A change of content makes a new index version.
                let mut text = std::fs::read_to_string(&page).unwrap();
                text.push_str(&format!("\nMise à jour {i}.\n"));
                std::fs::write(&page, text).unwrap();
                versions.push(publish_real(&root, &index_dir, &i.to_string()));
                std::thread::sleep(Duration::from_millis(100));
            }
            versions
        })
    };
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let targets = targets.clone();
            tokio::spawn(async move {
                let mut seen = HashSet::new();
                for i in 0..200 {
                    let response = get(addr, &targets[(i + c * 7) % targets.len()]).await;
                    assert_eq!(response.status, 200, "{}", response.text());
                    seen.insert(response.json()["index_version"].as_str().unwrap().to_owned());
                }
                seen
            })
        })
        .collect();
    let versions = publisher.await.unwrap();
    let mut seen = HashSet::new();
    for client in clients {
        seen.extend(client.await.unwrap());
    }
    let last = versions.last().unwrap();
    server.wait_for_version(last).await;
    let known: HashSet<_> = versions.iter().chain([&first]).cloned().collect();
    assert!(seen.is_subset(&known), "answers from unknown versions: {seen:?} vs {known:?}");
    let metrics = get(addr, "/metrics").await.text();
    assert!(metrics.contains("guichet_api_index_reloads_total{result=\"failed\"} 0"), "{metrics}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_corrupted_real_index_is_refused_and_the_previous_one_keeps_serving() {
    let (_temp, root, index_dir) = corpus_with_index();
    let (server, version) = start(&index_dir).await;

    // A new build whose files were damaged: every file but the metadata is truncated.
    let site = guichet::content::load(&root, &Default::default()).unwrap();
    let staging = index_dir.parent().unwrap().join(".new-corrupt");
    std::fs::create_dir_all(&staging).unwrap();
    guichet::index::write_index(&site, &staging).unwrap();
    for entry in std::fs::read_dir(&staging).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != guichet::index::META_FILE {
            std::fs::write(&path, b"").unwrap();
        }
    }
    publish(&index_dir, &staging);

    server.wait_for_metric("guichet_api_index_reloads_total{result=\"failed\"} 1").await;
    let response = get(server.addr, "/api/answer?q=acomptes+provisionnels&lang=fr").await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["index_version"], version.as_str());
    assert_eq!(get(server.addr, "/healthz").await.json()["index_version"], version.as_str());

    // The next good build is taken.
    publish_real(&root, &index_dir, "good");
    server.wait_for_metric("guichet_api_index_reloads_total{result=\"ok\"} 2").await;
    assert_eq!(get(server.addr, "/healthz").await.status, 200);
    server.stop().await;
}
