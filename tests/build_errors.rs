//! Bad input: every problem is reported with its file (and line), the exit status is non-zero
//! and the previously published site is left byte for byte.

mod common;

use common::*;

/// Builds the valid fixture once, then applies `edit` and builds again: the second build must
/// fail with a message containing each of `expected`, leaving `site/` unchanged.
fn assert_rejected(edit: &[(&str, String)], remove: &[&str], expected: &[&str]) {
    let kb = write_kb(&valid_files());
    let first = build(kb.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&kb.path().join("site"));
    assert!(!before.is_empty());

    for path in remove {
        std::fs::remove_file(kb.path().join(path)).unwrap();
    }
    for (path, text) in edit {
        let p = kb.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let second = build(kb.path(), &[]);
    let err = stderr(&second);
    assert!(!second.status.success(), "the build should fail:\n{err}");
    for e in expected {
        assert!(err.contains(e), "expected `{e}` in:\n{err}");
    }
    assert_eq!(snapshot(&kb.path().join("site")), before, "the previous site changed");
    let leftovers: Vec<_> = std::fs::read_dir(kb.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".guichet-staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let text = page("title = \"Délais\"\ntags = [\"a\"", "x\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:3:", "invalid front matter"],
    );
}

#[test]
fn missing_title_is_reported() {
    let text = page("description = \"sans titre\"", "x\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:2:1", "no `title`"],
    );
}

#[test]
fn unknown_language_folder_is_reported() {
    let text = page("title = \"Hallo\"", "x\n");
    assert_rejected(
        &[("content/de/hallo.md", text)],
        &[],
        &["content/de/hallo.md", "unknown language folder `de`"],
    );
}

#[test]
fn two_files_claiming_one_url_are_reported() {
    // `delais.md` and `delais/_index.md` both publish /fr/particuliers/delais/.
    let text = page("title = \"Délais bis\"", "x\n");
    assert_rejected(
        &[("content/fr/particuliers/delais/_index.md", text)],
        &[],
        &["/fr/particuliers/delais/", "also produced by"],
    );
}

#[test]
fn alias_claiming_a_page_url_is_reported() {
    let text =
        page("title = \"Délais\"\naliases = [\"/fr/particuliers/credit/\"]", "## Date limite {#date}\n\nx\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:3", "alias `/fr/particuliers/credit/`"],
    );
}

#[test]
fn duplicate_anchors_are_reported_with_both_lines() {
    let text = page("title = \"Délais\"", "## Date limite {#date}\n\nx\n\n## Autre {#date}\n\ny\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:8:1", "`#date` is already used on line 4"],
    );
}

#[test]
fn link_to_a_missing_page_is_reported() {
    let text =
        page("title = \"Délais\"", "## Date limite {#date}\n\nVoir [ceci](/fr/particuliers/inexistant/).\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:6:6", "no page at `/fr/particuliers/inexistant/`"],
    );
}

#[test]
fn deep_link_to_a_missing_anchor_is_reported() {
    let text = page(
        "title = \"Délais\"",
        "## Date limite {#date}\n\nVoir [ceci](/fr/particuliers/credit/#montant).\n",
    );
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:6", "has no question `#montant`", "#admissibilite"],
    );
}

#[test]
fn removing_a_linked_page_breaks_the_build() {
    assert_rejected(
        &[],
        &["content/fr/particuliers/delais.md"],
        &["content/fr/particuliers/credit.md:14:18", "no page at `/fr/particuliers/delais/`"],
    );
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let kb_text = b"+++\ntitle = \"D\xe9lais\"\n+++\n".to_vec();
    let kb = write_kb(&valid_files());
    assert!(build(kb.path(), &[]).status.success());
    let before = snapshot(&kb.path().join("site"));
    std::fs::write(kb.path().join("content/fr/particuliers/delais.md"), kb_text).unwrap();
    let out = build(kb.path(), &[]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("content/fr/particuliers/delais.md:2:"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert_eq!(snapshot(&kb.path().join("site")), before);
}

#[test]
fn alias_escaping_the_output_folder_is_refused() {
    let text =
        page("title = \"Délais\"\naliases = [\"/fr/../../../etc/x/\"]", "## Date limite {#date}\n\nx\n");
    assert_rejected(
        &[("content/fr/particuliers/delais.md", text)],
        &[],
        &["content/fr/particuliers/delais.md:3", "outside the output folder"],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported() {
    let kb = write_kb(&valid_files());
    assert!(build(kb.path(), &[]).status.success());
    let before = snapshot(&kb.path().join("site"));
    std::os::unix::fs::symlink(
        kb.path().join("content/fr"),
        kb.path().join("content/fr/particuliers/boucle"),
    )
    .unwrap();
    let out = build(kb.path(), &[]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("content/fr/particuliers/boucle"), "{err}");
    assert!(err.contains("symbolic link loop"), "{err}");
    assert_eq!(snapshot(&kb.path().join("site")), before);
}

#[test]
fn all_problems_are_reported_together() {
    let bad_title = page("description = \"x\"", "x\n");
    let bad_link = page("title = \"Délais\"", "## Date limite {#date}\n\n[x](/fr/nulle-part/)\n");
    let kb = write_kb(&valid_files());
    std::fs::write(kb.path().join("content/fr/particuliers/_index.md"), bad_title).unwrap();
    std::fs::write(kb.path().join("content/fr/particuliers/delais.md"), bad_link).unwrap();
    std::fs::create_dir_all(kb.path().join("content/de")).unwrap();
    std::fs::write(kb.path().join("content/de/x.md"), page("title = \"x\"", "")).unwrap();
    let out = build(kb.path(), &[]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("content/fr/particuliers/_index.md"), "{err}");
    assert!(err.contains("content/de/x.md"), "{err}");
    assert!(!kb.path().join("site").exists(), "a failed first build must write nothing");
}

#[test]
fn page_without_questions_builds() {
    let mut files = valid_files();
    files.push(("content/en/about.md", page("title = \"About\"", "Just an introduction.\n")));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(kb.path().join("site/en/about/index.html").is_file());
}
