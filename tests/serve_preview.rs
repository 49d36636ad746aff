//! `guichet serve` driven for real: started on a free port over a temporary knowledge base,
//! edited on disk, and observed over HTTP as a browser would (pages, overlay, reload events).
//! Waits poll with a generous timeout; nothing here measures speed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const PATIENCE: Duration = Duration::from_secs(60);

/// A running `guichet serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
            .args(["--root", root.to_str().unwrap(), "serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("serve printed no address; stderr:\n{}", stderr.lock().unwrap()));
        let port = line
            .rsplit("127.0.0.1:")
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child, port, stderr }
    }

    /// `(status, body)` of a GET.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    fn body(&self, path: &str) -> String {
        self.get(path).1
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.body("/__guichet/status")).unwrap()
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().unwrap()
    }

    /// Polls until `done` holds, panicking with `what` and the server's output on timeout.
    fn wait_for(&self, what: &str, mut done: impl FnMut(&Server) -> bool) {
        let start = Instant::now();
        while !done(self) {
            if start.elapsed() > PATIENCE {
                panic!("timed out waiting for {what}; stderr:\n{}", self.stderr.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until a rebuild after generation `after` has finished.
    fn wait_rebuild(&self, after: u64) {
        self.wait_for("a rebuild", |s| s.generation() > after);
    }

    fn terminal(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGTERM, then wait for a clean exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status}; stderr:\n{}", self.terminal());
                return;
            }
            assert!(start.elapsed() < PATIENCE, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kb() -> tempfile::TempDir {
    let mut files = valid_files();
    files.push((
        "content/fr/particuliers/autre.md",
        page("title = \"Autre page\"", "## Une question {#une}\n\nUne réponse.\n"),
    ));
    write_kb(&files)
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn delais(answer: &str) -> String {
    page("title = \"Délais\"", &format!("## Date limite {{#date}}\n\n{answer}\n"))
}

/// The folder the server currently serves (`.guichet/preview/site/<n>/`).
fn served_dir(root: &Path) -> PathBuf {
    let base = root.join(".guichet/preview/site");
    let dirs: Vec<PathBuf> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

#[test]
fn edit_rerenders_the_page_its_section_and_sitemap_only() {
    let kb = kb();
    let server = Server::start(kb.path());
    let (status, body) = server.get("/fr/particuliers/delais/");
    assert_eq!(status, 200);
    assert!(body.contains("Le 30 avril"), "{body}");
    assert!(body.contains("data-guichet-preview"), "the reload script is injected");

    // Mark two untouched pages in the served folder: an incremental rebuild leaves them be.
    let dir = served_dir(kb.path());
    std::fs::write(dir.join("en/individuals/credit/index.html"), "UNTOUCHED").unwrap();
    std::fs::write(dir.join("fr/particuliers/autre/index.html"), "UNTOUCHED").unwrap();

    let g = server.generation();
    // A new date of review: the sitemap shows it.
    write(
        kb.path(),
        "content/fr/particuliers/delais.md",
        &page("title = \"Délais\"\nupdated = 2026-05-01", "## Date limite {#date}\n\nLe 15 mai.\n"),
    );
    server.wait_for("the edit to be served", |s| s.body("/fr/particuliers/delais/").contains("Le 15 mai"));
    server.wait_rebuild(g);

    assert_eq!(server.body("/en/individuals/credit/"), "UNTOUCHED");
    assert_eq!(server.body("/fr/particuliers/autre/"), "UNTOUCHED");
    let status = server.status();
    let written: Vec<&str> =
        status["written"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for expected in ["/fr/particuliers/delais/index.html", "/fr/particuliers/index.html", "/sitemap.xml"] {
        assert!(written.contains(&expected), "{expected} not in {written:?}");
    }
    assert!(!written.contains(&"/fr/particuliers/credit/index.html"), "{written:?}");
    assert_eq!(status["full"], false);
    assert!(server.body("/sitemap.xml").contains("<lastmod>2026-05-01</lastmod>"));

    // The same date: the sitemap would be the same, it is left as it is.
    let g = server.generation();
    write(
        kb.path(),
        "content/fr/particuliers/delais.md",
        &page("title = \"Délais\"\nupdated = 2026-05-01", "## Date limite {#date}\n\nLe 16 mai.\n"),
    );
    server.wait_for("the edit to be served", |s| s.body("/fr/particuliers/delais/").contains("Le 16 mai"));
    server.wait_rebuild(g);
    let status = server.status();
    let written: Vec<&str> =
        status["written"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(written.contains(&"/fr/particuliers/delais/index.html"), "{written:?}");
    assert!(!written.contains(&"/sitemap.xml"), "{written:?}");
    server.stop();
}

/// The search index lists every question: an incremental rebuild updates it after the page.
#[test]
fn an_edited_question_reaches_the_served_search_index() {
    let kb = kb();
    let server = Server::start(kb.path());
    assert!(server.body("/fr/recherche.json").contains("Date limite"));
    write(
        kb.path(),
        "content/fr/particuliers/delais.md",
        &page("title = \"Délais\"", "## Jusqu'à quand payer? {#date}\n\nLe 30 avril.\n"),
    );
    server.wait_for("the edited question in the search index", |s| {
        s.body("/fr/recherche.json").contains("Jusqu'à quand payer?")
    });
    assert!(!server.body("/fr/recherche.json").contains("Date limite"));
    assert_eq!(server.status()["full"], false, "an incremental rebuild");
    server.stop();
}

#[test]
fn broken_file_shows_an_overlay_and_fixing_it_recovers() {
    let kb = kb();
    let server = Server::start(kb.path());
    let g = server.generation();
    // An unclosed array in the front matter: line 3.
    write(kb.path(), "content/fr/particuliers/delais.md", "+++\ntitle = \"Délais\"\ntags = [\"a\"\n+++\nx\n");
    server.wait_rebuild(g);
    server.wait_for("the overlay", |s| {
        s.body("/fr/particuliers/delais/").contains("particuliers/delais.md:3:")
    });

    let (status, body) = server.get("/fr/particuliers/delais/");
    assert_eq!(status, 200, "the last good page stays served");
    assert!(body.contains("Le 30 avril"), "{body}");
    assert!(body.contains("guichet-error-overlay"), "{body}");
    assert!(body.contains("content/fr/particuliers/delais.md:3:"), "{body}");
    // Every page shows it, not only the broken one.
    assert!(server.body("/en/").contains("guichet-error-overlay"));
    assert!(server.terminal().contains("content/fr/particuliers/delais.md:3:"), "{}", server.terminal());

    write(kb.path(), "content/fr/particuliers/delais.md", &delais("Le 1er mai."));
    server.wait_for("the fix to be served without the overlay", |s| {
        let body = s.body("/fr/particuliers/delais/");
        body.contains("Le 1er mai") && !body.contains("guichet-error-overlay")
    });
    assert_eq!(server.status()["errors"], serde_json::json!([]));
    server.stop();
}

#[test]
fn renamed_page_leaves_no_stale_url_and_an_alias_brings_it_back() {
    let kb = kb();
    let server = Server::start(kb.path());
    assert_eq!(server.get("/fr/particuliers/autre/").0, 200);
    let section = server.body("/fr/particuliers/");
    assert!(section.contains("/fr/particuliers/autre/"), "{section}");

    std::fs::rename(
        kb.path().join("content/fr/particuliers/autre.md"),
        kb.path().join("content/fr/particuliers/nouvelle.md"),
    )
    .unwrap();
    server.wait_for("the new URL", |s| s.get("/fr/particuliers/nouvelle/").0 == 200);
    server.wait_for("the old URL to be gone", |s| s.get("/fr/particuliers/autre/").0 == 404);
    // The question's share page moved with it.
    assert_eq!(server.get("/fr/particuliers/autre/une/").0, 404);
    assert_eq!(server.get("/fr/particuliers/nouvelle/une/").0, 200);
    let section = server.body("/fr/particuliers/");
    assert!(section.contains("/fr/particuliers/nouvelle/"), "{section}");
    assert!(!section.contains("/fr/particuliers/autre/"), "{section}");

    write(
        kb.path(),
        "content/fr/particuliers/nouvelle.md",
        &page(
            "title = \"Autre page\"\naliases = [\"/fr/particuliers/autre/\"]",
            "## Une question {#une}\n\nUne réponse.\n",
        ),
    );
    server.wait_for("the alias", |s| s.get("/fr/particuliers/autre/").0 == 200);
    let alias = server.body("/fr/particuliers/autre/");
    assert!(alias.contains("/fr/particuliers/nouvelle/"), "{alias}");
    server.stop();
}

#[test]
fn a_rename_that_breaks_a_link_is_an_error_until_aliased() {
    let kb = kb();
    let server = Server::start(kb.path());
    let g = server.generation();
    // credit.md links to /fr/particuliers/delais/#date.
    std::fs::rename(
        kb.path().join("content/fr/particuliers/delais.md"),
        kb.path().join("content/fr/particuliers/echeances.md"),
    )
    .unwrap();
    server.wait_for("the broken link error", |s| {
        s.generation() > g && s.body("/fr/").contains("no page at `/fr/particuliers/delais/`")
    });
    assert!(server.body("/fr/").contains("content/fr/particuliers/credit.md:14:18"));
    write(
        kb.path(),
        "content/fr/particuliers/echeances.md",
        &page(
            "title = \"Délais\"\naliases = [\"/fr/particuliers/delais/\"]",
            "## Date limite {#date}\n\nLe 30 avril.\n",
        ),
    );
    server.wait_for("recovery", |s| {
        s.get("/fr/particuliers/echeances/").0 == 200 && !s.body("/fr/").contains("guichet-error-overlay")
    });
    assert!(server.body("/fr/particuliers/delais/").contains("/fr/particuliers/echeances/"));
    server.stop();
}

#[test]
fn new_section_and_removed_page_are_handled() {
    let kb = kb();
    let server = Server::start(kb.path());
    write(
        kb.path(),
        "content/fr/entreprises/_index.md",
        &page("title = \"Entreprises\"", "Pour les entreprises.\n"),
    );
    write(kb.path(), "content/fr/entreprises/tps.md", &page("title = \"TPS\"", "## Taux {#taux}\n\n5 %.\n"));
    server.wait_for("the new section", |s| s.body("/fr/entreprises/").contains("/fr/entreprises/tps/"));
    server.wait_for("the home to list it", |s| s.body("/fr/").contains("/fr/entreprises/"));
    let tps = server.body("/fr/entreprises/tps/");
    assert!(tps.contains("Entreprises"), "the breadcrumb names the new section: {tps}");

    std::fs::remove_file(kb.path().join("content/fr/particuliers/autre.md")).unwrap();
    server.wait_for("the removed page to be gone", |s| s.get("/fr/particuliers/autre/").0 == 404);
    assert!(!server.body("/fr/particuliers/").contains("/fr/particuliers/autre/"));
    assert!(!server.body("/sitemap.xml").contains("/fr/particuliers/autre/"));
    server.stop();
}

#[test]
fn config_change_rerenders_everything() {
    let kb = kb();
    let server = Server::start(kb.path());
    let g = server.generation();
    let config = CONFIG.replace("title = \"Aide fiscale\"", "title = \"Aide fiscale renouvelée\"");
    write(kb.path(), "config.toml", &config);
    server.wait_for("the new site title", |s| {
        s.body("/fr/particuliers/autre/").contains("Aide fiscale renouvelée")
    });
    server.wait_rebuild(g);
    assert_eq!(server.status()["full"], true);
    assert!(server.body("/fr/particuliers/delais/").contains("Aide fiscale renouvelée"));
    server.stop();
}

#[test]
fn editor_lock_and_swap_files_are_ignored() {
    let kb = kb();
    let server = Server::start(kb.path());
    // Would be an error if parsed: not valid front matter, and an `.md` name.
    write(kb.path(), "content/fr/particuliers/.#delais.md", "garbage");
    write(kb.path(), "content/fr/particuliers/delais.md~", "garbage");
    write(kb.path(), "content/fr/particuliers/.delais.md.swp", "garbage");
    write(kb.path(), "content/fr/particuliers/delais.md", &delais("Le 2 mai."));
    server.wait_for("the real edit", |s| s.body("/fr/particuliers/delais/").contains("Le 2 mai"));
    assert_eq!(server.status()["errors"], serde_json::json!([]), "{}", server.terminal());
    server.stop();
}

#[test]
fn browsers_are_told_to_reload_with_the_edited_question() {
    let kb = kb();
    let server = Server::start(kb.path());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(stream, "GET /__guichet/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut next_line = || {
        let mut line = String::new();
        let n = reader.read_line(&mut line).unwrap_or(0);
        assert!(n > 0, "event stream closed");
        line
    };
    while next_line() != "event: hello\n" {}

    write(
        kb.path(),
        "content/fr/particuliers/credit.md",
        &page(
            "title = \"Crédit\"\ntranslation_key = \"credit\"\naliases = [\"/fr/vieux-credit/\"]",
            "Intro.\n\n## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé?\n\nEn août. Voir [délais](/fr/particuliers/delais/#date).\n",
        ),
    );
    while next_line() != "event: reload\n" {}
    let data = next_line();
    assert!(data.starts_with("data: "), "{data}");
    assert!(data.contains("\"path\":\"/fr/particuliers/credit/\""), "{data}");
    assert!(data.contains("\"anchor\":\"quand-est-il-verse\""), "{data}");
    server.stop();
}

#[test]
fn the_built_site_has_no_reload_script() {
    let kb = kb();
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(kb.path().join("site/fr/particuliers/delais/index.html")).unwrap();
    assert!(!page.contains("data-guichet-preview"));
    assert!(!page.contains("__guichet"));
}

#[test]
fn serve_does_not_touch_the_authors_site_folder_and_cleans_up() {
    let kb = kb();
    let server = Server::start(kb.path());
    assert!(kb.path().join(".guichet/preview").is_dir());
    server.stop();
    assert!(!kb.path().join("site").exists());
    assert!(!kb.path().join(".guichet/preview").exists());
}

/// `q` as a query string value.
fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn answer(server: &Server, q: &str) -> serde_json::Value {
    let (status, body) = server.get(&format!("/api/answer?q={}", encode(q)));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn result_urls(answer: &serde_json::Value) -> Vec<String> {
    answer["results"].as_array().unwrap().iter().map(|r| r["url"].as_str().unwrap().to_string()).collect()
}

#[test]
fn api_answer_is_the_json_of_ask() {
    let kb = kb();
    let server = Server::start(kb.path());
    let q = "Quand est-il versé, le crédit?";
    let served = answer(&server, q);
    let root = kb.path().to_str().unwrap();
    assert!(guichet(&["--root", root, "build"]).status.success());
    let out = guichet(&["--root", root, "ask", "--json", q]);
    assert!(out.status.success(), "{}", stderr(&out));
    let asked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(served, asked);
    assert!(
        result_urls(&served).iter().any(|u| u.ends_with("/fr/particuliers/credit/#quand-est-il-verse")),
        "{served:#}"
    );
    server.stop();
}

#[test]
fn api_answer_follows_edits() {
    let kb = kb();
    let server = Server::start(kb.path());
    let q = "remboursement de la taxe sur les bateaux";
    let deep_link = "https://aide.example.qc.ca/fr/particuliers/delais/#bateaux";
    assert!(!result_urls(&answer(&server, q)).contains(&deep_link.to_string()));

    write(
        kb.path(),
        "content/fr/particuliers/delais.md",
        &page(
            "title = \"Délais\"",
            "## Date limite {#date}\n\nLe 30 avril.\n\n## Remboursement de la taxe sur les bateaux {#bateaux}\n\nDemandez le remboursement de la taxe sur les bateaux avant le 1er juin.\n",
        ),
    );
    server.wait_for("the new question to be answered", |s| {
        result_urls(&answer(s, q)).first().map(String::as_str) == Some(deep_link)
    });
    assert_eq!(server.status()["full"], false, "an edit re-indexes incrementally");

    write(kb.path(), "content/fr/particuliers/delais.md", &delais("Le 30 avril."));
    server.wait_for("the removed question to leave the answers", |s| {
        !result_urls(&answer(s, q)).contains(&deep_link.to_string())
    });
    server.stop();
}

#[test]
fn a_translation_change_updates_the_other_language_switcher() {
    let kb = kb();
    let server = Server::start(kb.path());
    assert!(server.body("/fr/particuliers/credit/").contains("href=\"/en/individuals/credit/\""));
    // The English page loses its `translation_key`: the French page's switcher must now lead
    // to the English home, though only the English file changed.
    write(
        kb.path(),
        "content/en/individuals/credit.md",
        &page("title = \"Credit\"", "## Who is eligible? {#eligibility}\n\nYou.\n"),
    );
    server.wait_for("the French switcher to change", |s| {
        !s.body("/fr/particuliers/credit/").contains("href=\"/en/individuals/credit/\"")
    });
    assert!(server.body("/fr/particuliers/credit/").contains("href=\"/en/\""));
    server.stop();
}

/// The preview's answer index without the server: edit after edit (each deleting a good part of
/// the index, so merges run), with the answerer opened again by another thread meanwhile, an
/// answer always reflects the last edit.
#[test]
fn answers_follow_every_edit_while_reopened_in_the_background() {
    use guichet::content::{LoadOptions, load};
    use guichet::serve::preview::answers::Answers;

    let kb = kb();
    let answers = Arc::new(Answers::new(kb.path().join(".guichet/answers")));
    let site = load(kb.path(), &LoadOptions::default()).unwrap();
    answers.rebuild(&site).unwrap();
    let source = PathBuf::from("content/fr/particuliers/delais.md");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let refresher = {
        let (answers, stop) = (Arc::clone(&answers), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                answers.refresh().unwrap();
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let first_question = |q: &str| -> String {
        let json: serde_json::Value = serde_json::from_str(&answers.answer(q, None, 5).unwrap()).unwrap();
        json["results"][0]["question"].as_str().unwrap_or_default().to_string()
    };
    let words = ["bateaux", "chevaux", "tracteurs", "vélos", "piscines", "serres"];
    for round in 0..24 {
        let word = words[round % words.len()];
        write(
            kb.path(),
            source.to_str().unwrap(),
            &page(
                "title = \"Délais\"",
                &format!(
                    "## Date limite {{#date}}\n\nLe 30 avril.\n\n## Remboursement de la taxe sur les {word} {{#taxe}}\n\nDemandez le remboursement de la taxe sur les {word} avant le 1er juin.\n"
                ),
            ),
        );
        let site = load(kb.path(), &LoadOptions::default()).unwrap();
        answers.update(&site, std::slice::from_ref(&source)).unwrap();
        let found = first_question(&format!("remboursement de la taxe sur les {word}"));
        assert_eq!(found, format!("Remboursement de la taxe sur les {word}"), "round {round}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    refresher.join().unwrap();
}

/// What a fresh full render of the knowledge base gives: the model as JSON, and the text of
/// every page, of every question's share page, of the sitemap (the outputs an edit
/// re-renders) and of each language's search index (which the preview renders after them).
fn full_render(root: &Path) -> (serde_json::Value, Vec<(String, String)>) {
    use guichet::serve::preview::workspace::{Change, Workspace};
    let base = tempfile::tempdir().unwrap();
    let mut fresh = Workspace::new(root.to_path_buf(), false, base.path().join("site")).unwrap();
    fresh.rebuild(Change::Full).unwrap_or_else(|d| panic!("{d}"));
    let site = fresh.site().unwrap();
    let mut files: Vec<String> =
        site.pages.iter().map(|p| format!("{}index.html", p.path.trim_start_matches('/'))).collect();
    for p in &site.pages {
        files.extend(
            p.entries.iter().map(|e| format!("{}{}/index.html", p.path.trim_start_matches('/'), e.id)),
        );
    }
    files.push("sitemap.xml".into());
    for lang in &site.languages {
        for entry in std::fs::read_dir(fresh.dir().join(lang)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                files.push(format!("{lang}/{name}"));
            }
        }
    }
    assert!(files.iter().any(|f| f.ends_with(".json")), "no search index in {files:?}");
    let texts = files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(fresh.dir().join(&f)).unwrap();
            (f, text)
        })
        .collect();
    (serde_json::to_value(site).unwrap(), texts)
}

/// Edits that keep every page in its place (an answer, a title that reorders a section, a
/// weight, a section's text) patch the served site and model in place; what is served then is
/// what a full render gives. A broken deep link is refused and the site left as it was.
#[test]
fn edits_in_place_serve_what_a_full_render_gives() {
    use guichet::serve::preview::workspace::{Change, Workspace};
    let kb = kb();
    let root = kb.path();
    let preview = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new(root.to_path_buf(), false, preview.path().join("site")).unwrap();
    ws.rebuild(Change::Full).unwrap();
    let edit = |ws: &mut Workspace, rel: &str, text: &str| {
        write(root, rel, text);
        ws.rebuild(Change::Content([PathBuf::from(rel)].into()))
    };
    let autre = "content/fr/particuliers/autre.md";
    let section = "content/fr/particuliers/_index.md";
    let steps: Vec<(&str, String)> = vec![
        ("content/fr/particuliers/delais.md", delais("Le 15 mai.")),
        // "Autre page" was listed after "Crédit" and before "Délais": now first.
        (autre, page("title = \"Aaa, une autre page\"", "## Une question {#une}\n\nUne réponse.\n")),
        (autre, page("title = \"Aaa, une autre page\"\nweight = 5", "## Une question {#une}\n\nRéponse.\n")),
        (section, page("title = \"Les particuliers\"\ntranslation_key = \"ind\"", "Section revue.\n")),
        (autre, page("title = \"Zzz, autre page\"", "## Une question {#une}\n\nUne réponse.\n")),
        // A question renamed: its old share page goes, the new one comes.
        (autre, page("title = \"Zzz, autre page\"", "## Une question {#deux}\n\nUne réponse.\n")),
        (autre, page("title = \"Zzz, autre page\"", "## Une question {#une}\n\nUne réponse.\n")),
    ];
    for (rel, text) in steps {
        let rebuilt = edit(&mut ws, rel, &text).unwrap_or_else(|d| panic!("{rel}: {d}"));
        assert!(!rebuilt.full, "{rel}");
        let listings = ws.render_listings().unwrap_or_else(|d| panic!("{rel}: {d}"));
        assert!(listings.iter().any(|f| f.to_string_lossy().ends_with(".json")), "{listings:?}");
        let (model, files) = full_render(root);
        assert_eq!(serde_json::to_value(ws.site().unwrap()).unwrap(), model, "after editing {rel}");
        for (file, text) in files {
            let served = std::fs::read_to_string(ws.dir().join(&file)).unwrap();
            assert!(served == text, "after editing {rel}, {file} differs from a full render:\n{served}");
        }
        let stale = if text.contains("{#deux}") { "une" } else { "deux" };
        assert!(!ws.dir().join(format!("fr/particuliers/autre/{stale}/index.html")).exists(), "{rel}");
    }
    let listed = std::fs::read_to_string(ws.dir().join("fr/particuliers/index.html")).unwrap();
    let (credit, autre_at) =
        (listed.find("/fr/particuliers/credit/").unwrap(), listed.find("/fr/particuliers/autre/").unwrap());
    assert!(listed.contains("Zzz, autre page") && credit < autre_at, "{listed}");

    // credit.md links to delais#date: removing that question is refused, nothing changes.
    let before = serde_json::to_value(ws.site().unwrap()).unwrap();
    let served = std::fs::read_to_string(ws.dir().join("fr/particuliers/delais/index.html")).unwrap();
    let errors = edit(
        &mut ws,
        "content/fr/particuliers/delais.md",
        &page("title = \"Délais\"", "## Autre {#autre}\n\nx\n"),
    )
    .unwrap_err();
    assert!(errors.to_string().contains("content/fr/particuliers/credit.md:14:18"), "{errors}");
    assert_eq!(serde_json::to_value(ws.site().unwrap()).unwrap(), before);
    assert_eq!(std::fs::read_to_string(ws.dir().join("fr/particuliers/delais/index.html")).unwrap(), served);
    // A broken link in the edited page itself too.
    let errors =
        edit(&mut ws, autre, &page("title = \"Zzz\"", "## Q {#une}\n\nVoir [ici](/fr/nulle-part/).\n"))
            .unwrap_err();
    assert!(errors.to_string().contains("no page at `/fr/nulle-part/`"), "{errors}");
    assert_eq!(serde_json::to_value(ws.site().unwrap()).unwrap(), before);
    // Fixed: both pending files are rendered.
    edit(&mut ws, "content/fr/particuliers/delais.md", &delais("Le 20 mai.")).unwrap_err();
    let rebuilt = edit(&mut ws, autre, &page("title = \"Zzz\"", "## Q {#une}\n\nR.\n")).unwrap();
    assert!(rebuilt.sources.len() == 2, "{:?}", rebuilt.sources);
    let (model, _) = full_render(root);
    assert_eq!(serde_json::to_value(ws.site().unwrap()).unwrap(), model);
}
