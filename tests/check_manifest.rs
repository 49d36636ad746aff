//! Link stability: `build` records every published URL and anchor in `.guichet/manifest.json`;
//! a later `build` or `check` that would drop one that no alias covers is refused, listing each,
//! unless `--accept-removals` says the loss is intended.

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

/// The valid fixture, built once so that its manifest exists.
fn published() -> tempfile::TempDir {
    let kb = write_kb(&valid_files());
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    kb
}

fn write(kb: &Path, rel: &str, text: String) {
    std::fs::write(kb.join(rel), text).unwrap();
}

/// `delais.md` without the link to it from `credit.md`, so it can be removed or renamed
/// without breaking an internal link.
fn unlink_delais(kb: &Path) {
    write(
        kb,
        "content/fr/particuliers/credit.md",
        page(
            "title = \"Crédit\"\ntranslation_key = \"credit\"\naliases = [\"/fr/vieux-credit/\"]",
            "Intro.\n\n## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé?\n\nEn juillet.\n",
        ),
    );
}

#[test]
fn build_writes_a_manifest_of_urls_and_anchors() {
    let kb = published();
    let text = std::fs::read_to_string(kb.path().join(".guichet/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let anchors = &manifest["pages"]["/fr/particuliers/credit/"]["anchors"];
    assert_eq!(anchors, &serde_json::json!(["admissibilite", "quand-est-il-verse"]), "{text}");
    assert!(manifest["pages"]["/en/individuals/credit/"].is_object(), "{text}");
    assert_eq!(manifest["aliases"]["/fr/vieux-credit/"], "/fr/particuliers/credit/", "{text}");
}

#[test]
fn removed_page_is_refused_by_build_and_check() {
    let kb = published();
    let before = snapshot(&kb.path().join("site"));
    unlink_delais(kb.path());
    std::fs::remove_file(kb.path().join("content/fr/particuliers/delais.md")).unwrap();

    let out = build(kb.path(), &[]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("content/fr/particuliers/delais.md"), "{err}");
    assert!(err.contains("`/fr/particuliers/delais/` was published and no longer is"), "{err}");
    assert!(err.contains("aliases = [\"/fr/particuliers/delais/\"]"), "{err}");
    assert_eq!(snapshot(&kb.path().join("site")), before, "a refused build must not publish");

    let out = check(kb.path(), &[]);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("`/fr/particuliers/delais/` was published"), "{}", stdout(&out));
}

#[test]
fn accept_removals_lets_the_loss_through_once() {
    let kb = published();
    unlink_delais(kb.path());
    std::fs::remove_file(kb.path().join("content/fr/particuliers/delais.md")).unwrap();
    let out = check(kb.path(), &["--accept-removals"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = build(kb.path(), &["--accept-removals"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!kb.path().join("site/fr/particuliers/delais/index.html").exists());
    // The new manifest no longer lists the page: the next build passes without the flag.
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn renamed_page_with_an_alias_keeps_its_links() {
    let kb = published();
    std::fs::remove_file(kb.path().join("content/fr/particuliers/delais.md")).unwrap();
    write(
        kb.path(),
        "content/fr/particuliers/echeances.md",
        page(
            "title = \"Échéances\"\naliases = [\"/fr/particuliers/delais/\"]",
            "## Date limite {#date}\n\nLe 30 avril.\n",
        ),
    );
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let alias = std::fs::read_to_string(kb.path().join("site/fr/particuliers/delais/index.html")).unwrap();
    assert!(alias.contains("/fr/particuliers/echeances/"), "{alias}");
}

#[test]
fn renamed_page_whose_alias_lacks_an_anchor_is_refused() {
    let kb = published();
    std::fs::remove_file(kb.path().join("content/fr/particuliers/delais.md")).unwrap();
    unlink_delais(kb.path());
    write(
        kb.path(),
        "content/fr/particuliers/echeances.md",
        page(
            "title = \"Échéances\"\naliases = [\"/fr/particuliers/delais/\"]",
            "## Date limite {#limite}\n\nx\n",
        ),
    );
    let out = check(kb.path(), &[]);
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("content/fr/particuliers/echeances.md"), "{text}");
    assert!(text.contains("`/fr/particuliers/delais/#date`"), "{text}");
    assert!(text.contains("(now `/fr/particuliers/echeances/`)"), "{text}");
}

#[test]
fn dropped_anchor_is_refused_with_the_anchor_named() {
    let kb = published();
    // The question keeps its words but loses its `{#admissibilite}`.
    write(
        kb.path(),
        "content/fr/particuliers/credit.md",
        page(
            "title = \"Crédit\"\ntranslation_key = \"credit\"\naliases = [\"/fr/vieux-credit/\"]",
            "Intro.\n\n## Qui a droit?\n\nVous.\n\n## Quand est-il versé?\n\nEn juillet. Voir [délais](/fr/particuliers/delais/#date).\n",
        ),
    );
    let out = build(kb.path(), &[]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("content/fr/particuliers/credit.md"), "{err}");
    assert!(err.contains("`/fr/particuliers/credit/#admissibilite`"), "{err}");
    assert!(err.contains("keep `{#admissibilite}`"), "{err}");
}

#[test]
fn dropped_alias_is_refused() {
    let kb = published();
    write(
        kb.path(),
        "content/fr/particuliers/credit.md",
        page(
            "title = \"Crédit\"\ntranslation_key = \"credit\"",
            "Intro.\n\n## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé?\n\nEn juillet. Voir [délais](/fr/particuliers/delais/#date).\n",
        ),
    );
    let out = check(kb.path(), &[]);
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("the old URL `/fr/vieux-credit/`"), "{text}");
}

#[test]
fn added_pages_and_anchors_are_fine() {
    let kb = published();
    write(
        kb.path(),
        "content/fr/particuliers/delais.md",
        page("title = \"Délais\"", "## Date limite {#date}\n\nLe 30 avril.\n\n## Et après? {#apres}\n\nx\n"),
    );
    write(kb.path(), "content/fr/nouveau.md", page("title = \"Nouveau\"", "x\n"));
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}
