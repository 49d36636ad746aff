//! `guichet check` reports everything `build` rejects, with file and line, in text and JSON,
//! and exits non-zero; it writes nothing.

mod common;

use std::path::Path;

use common::*;

fn check(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--root", root.to_str().unwrap(), "check"];
    args.extend_from_slice(extra);
    guichet(&args)
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The valid fixture with `edit` applied: `check` fails and names each of `expected`.
fn assert_error(edit: &[(&str, String)], expected: &[&str]) {
    let kb = write_kb(&valid_files());
    for (path, text) in edit {
        let p = kb.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = check(kb.path(), &[]);
    let text = stdout(&out);
    assert!(!out.status.success(), "check should fail:\n{text}");
    for e in expected {
        assert!(text.contains(e), "expected `{e}` in:\n{text}");
    }
    assert!(!kb.path().join("site").exists(), "check must not write the site");
    assert!(!kb.path().join(".guichet").exists(), "check must not write the state folder");
}

#[test]
fn valid_knowledge_base_passes() {
    let kb = write_kb(&valid_files());
    let out = check(kb.path(), &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 error(s)"), "{}", stdout(&out));
}

#[test]
fn front_matter_syntax_error() {
    let text = page("title = \"Délais\"\ntags = [\"a\"", "x\n");
    assert_error(
        &[("content/fr/particuliers/delais.md", text)],
        &["content/fr/particuliers/delais.md:3:", "error: invalid front matter"],
    );
}

#[test]
fn missing_title() {
    assert_error(
        &[("content/fr/particuliers/delais.md", page("description = \"x\"", "x\n"))],
        &["content/fr/particuliers/delais.md:2:1: error: the page has no `title`"],
    );
}

#[test]
fn unknown_language_folder() {
    assert_error(
        &[("content/de/hallo.md", page("title = \"Hallo\"", "x\n"))],
        &["unknown language folder `de`"],
    );
}

#[test]
fn two_files_for_one_url() {
    assert_error(
        &[("content/fr/particuliers/delais/_index.md", page("title = \"Bis\"", "x\n"))],
        &["the URL `/fr/particuliers/delais/` is also produced by"],
    );
}

#[test]
fn alias_claiming_a_page() {
    let text =
        page("title = \"Délais\"\naliases = [\"/fr/particuliers/credit/\"]", "## Date limite {#date}\n\nx\n");
    assert_error(
        &[("content/fr/particuliers/delais.md", text)],
        &["content/fr/particuliers/delais.md:3", "alias `/fr/particuliers/credit/`"],
    );
}

#[test]
fn duplicate_anchor() {
    let text = page("title = \"Délais\"", "## Date limite {#date}\n\nx\n\n## Autre {#date}\n\ny\n");
    assert_error(
        &[("content/fr/particuliers/delais.md", text)],
        &["content/fr/particuliers/delais.md:8:1", "`#date` is already used on line 4"],
    );
}

#[test]
fn internal_link_to_a_missing_page() {
    let text =
        page("title = \"Délais\"", "## Date limite {#date}\n\nVoir [ceci](/fr/particuliers/inexistant/).\n");
    assert_error(
        &[("content/fr/particuliers/delais.md", text)],
        &["content/fr/particuliers/delais.md:6:6", "no page at `/fr/particuliers/inexistant/`"],
    );
}

#[test]
fn deep_link_to_a_missing_anchor() {
    let text = page(
        "title = \"Délais\"",
        "## Date limite {#date}\n\nVoir [ceci](/fr/particuliers/credit/#montant).\n",
    );
    assert_error(
        &[("content/fr/particuliers/delais.md", text)],
        &["content/fr/particuliers/delais.md:6", "has no question `#montant`"],
    );
}

#[test]
fn template_error_that_only_shows_when_rendering() {
    // Parses fine, fails on every page: an unknown variable.
    assert_error(
        &[("templates/page.html", "<html><body>{{ nothing_here.at_all }}</body></html>".to_string())],
        &["template `page.html` failed"],
    );
}

#[test]
fn json_format_lists_the_diagnostics() {
    let kb = write_kb(&valid_files());
    let text = page("title = \"Délais\"", "## Date limite {#date}\n\nVoir [ceci](/fr/nulle-part/).\n");
    std::fs::write(kb.path().join("content/fr/particuliers/delais.md"), text).unwrap();
    let out = check(kb.path(), &["--format", "json"]);
    assert!(!out.status.success());
    let diags: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    let list = diags.as_array().expect("an array of diagnostics");
    let link = list
        .iter()
        .find(|d| d["message"].as_str().unwrap_or_default().contains("no page at `/fr/nulle-part/`"))
        .unwrap_or_else(|| panic!("no broken link error in {diags:#}"));
    assert_eq!(link["severity"], "error");
    assert_eq!(link["file"], "content/fr/particuliers/delais.md");
    assert_eq!(link["line"], 6);
    assert_eq!(link["column"], 6);
    assert!(link["help"].as_str().is_some());
    // The fixture's derived anchor is a warning, reported alongside.
    assert!(list.iter().any(|d| d["severity"] == "warning"), "{diags:#}");
}

#[test]
fn warnings_alone_do_not_fail() {
    // The valid fixture has warnings (a question without `{#id}`, pages without translation).
    let kb = write_kb(&valid_files());
    let out = check(kb.path(), &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning:"), "{}", stdout(&out));
}
