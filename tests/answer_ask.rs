//! `guichet ask`: the command-line behaviour bots rely on.

mod answer_support;
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn guichet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
}

#[test]
fn answers_standard_input_line_by_line_with_errors_numbered() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let input = [
        "c koi la date limite pour les impots?",
        r#"{"id": "p2", "text": "What is the filing deadline?", "lang": "en"}"#,
        "{not json",
        r#"{"id": "p4", "lang": "fr"}"#,
        "",
        r#"{"id": "p6", "text": "mon NAS 046-454-287, pouvez-vous vérifier mon dossier?"}"#,
    ]
    .join("\n");
    let mut child = guichet()
        .args(["--root"])
        .arg(kb.root())
        .args(["ask", "--top", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert_eq!(lines[0]["results"][0]["url"], "https://aide.test/fr/particuliers/date-limite/#date-limite");
    assert_eq!(lines[0]["lang"], "fr");
    assert!(lines[0]["results"].as_array().unwrap().len() <= 2);
    assert_eq!(lines[1]["id"], "p2");
    assert_eq!(lines[1]["results"][0]["url"], "https://aide.test/en/individuals/filing-deadline/#deadline");
    for (i, field) in [(2, "JSON"), (3, "text"), (4, "empty")] {
        let error = lines[i]["error"].as_str().unwrap();
        assert!(error.starts_with(&format!("line {}:", i + 1)) && error.contains(field), "{error}");
    }
    assert_eq!(lines[3]["id"], "p4");
    assert_eq!(lines[5]["decision"], "personal");
    for key in ["id", "query", "lang", "decision", "confidence", "results", "reply", "why", "index_version"] {
        assert!(lines[5].get(key).is_some(), "missing {key}");
    }
    // Why, for the human agent: the identifier and the request to look at the file.
    let why: Vec<&str> = lines[5]["why"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(why.contains(&"social-insurance-number") && why.contains(&"look-at-my-file"), "{why:?}");
    for line in [&lines[0], &lines[1]] {
        let reasons = line["why"].as_array().unwrap().len();
        assert_eq!(reasons == 0, line["decision"] == "answer", "only an answer needs no reason: {line}");
    }
    assert!(!stdout.replace([' ', '-'], "").contains("046454287"));
}

/// What `guichet --root ROOT ask ARGS...` prints.
fn ask(root: &std::path::Path, args: &[&str]) -> String {
    let out = guichet().arg("--root").arg(root).arg("ask").args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_question_argument_prints_a_readable_answer_or_json() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let text = ask(kb.root(), &["quand est versé le crédit solidarité?"]);
    assert!(text.contains("https://aide.test/fr/particuliers/credit-solidarite/#versements"), "{text}");
    assert!(text.starts_with("decision:"), "{text}");

    // Posts left to an agent say why.
    let text = ask(kb.root(), &["Merci beaucoup, bonne journée!"]);
    assert!(text.starts_with("decision: none") && text.contains("why: courtesy"), "{text}");

    let answer: serde_json::Value =
        serde_json::from_str(&ask(kb.root(), &["--json", "--lang", "en", "deadline to file?"])).unwrap();
    assert_eq!(answer["lang"], "en");
    assert!(answer.get("id").is_none());
}

#[test]
fn without_an_index_ask_says_which_command_builds_it() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&answer_support::fixture(), dir.path());
    let out = guichet().arg("--root").arg(dir.path()).args(["ask", "hello"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("guichet build"), "{stderr}");
}

#[test]
fn explain_shows_how_a_post_was_read() {
    let kb = answer_support::build_kb(&answer_support::fixture(), |_| {});
    let post = "c koi la date limite pour les impots?";
    let answer: serde_json::Value =
        serde_json::from_str(&ask(kb.root(), &["--json", "--explain", post])).unwrap();
    let explain = &answer["explain"];
    let list = |key: &str| -> Vec<String> {
        explain[key].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    // Analyzed terms (accents folded, stemmed), what the starter synonyms add for "impôts", and
    // the question type that makes date headings rank higher.
    assert!(list("terms").contains(&"impot".to_string()), "{explain}");
    assert!(list("synonyms").contains(&"declar".to_string()), "{explain}");
    assert!(list("question_types").contains(&"date".to_string()), "{explain}");
    let coverage = explain["coverage"].as_array().unwrap();
    assert_eq!(coverage.len(), answer["results"].as_array().unwrap().len());
    assert!(coverage.iter().all(|c| (0.0..=1.0).contains(&c.as_f64().unwrap())), "{explain}");
    // What the confidence reads (scripts/fit-confidence.py fits it on them).
    assert!((0.0..=1.0).contains(&explain["margin"].as_f64().unwrap()), "{explain}");
    assert!(explain["score_on_scale"].as_f64().unwrap() > 0.0, "{explain}");

    // Bots get the same object as before unless they ask for it.
    let plain: serde_json::Value = serde_json::from_str(&ask(kb.root(), &["--json", post])).unwrap();
    assert!(plain.get("explain").is_none(), "{plain}");
    let text = ask(kb.root(), &["--explain", post]);
    assert!(
        text.contains("\nterms: ") && text.contains("question types: date") && text.contains("coverage "),
        "{text}"
    );
}
