//! `guichet init` scaffolds a knowledge base that builds; a knowledge base's own templates and
//! UI strings override the built-in theme by name.

mod common;

use common::*;

#[test]
fn init_scaffolds_a_knowledge_base_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    let out = guichet(&["init", kb.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(kb.join("config.toml").is_file());
    let built = build(&kb, &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    let fr_pages = walkdir::WalkDir::new(kb.join("site/fr"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() == "index.html")
        .count();
    assert!(fr_pages >= 2, "a home and at least one French page");
    assert!(kb.join("site/en/index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_and_keeps_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.md"), "mine").unwrap();
    let out = guichet(&["init", tmp.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(tmp.path().join("notes.md")).unwrap(), "mine");
    assert!(!tmp.path().join("config.toml").exists());
}

#[test]
fn the_project_sample_knowledge_base_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = guichet(&["--root", root, "build", "--output-dir", tmp.path().join("site").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Built "), "one-line summary: {}", stderr(&out));
    assert!(tmp.path().join("site/fr/index.html").is_file());
}

#[test]
fn knowledge_base_templates_override_the_built_in_ones_by_name() {
    let mut files = valid_files();
    files.push((
        "templates/page.html",
        "<!doctype html><title>{{ page.title }}</title><p>CUSTOM {{ page.entries | length }}</p>".into(),
    ));
    files.push(("templates/i18n/fr.toml", "skip = \"Sauter au contenu\"\n".into()));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(kb.path().join("site/fr/particuliers/credit/index.html")).unwrap();
    assert!(page.contains("CUSTOM 2"), "{page}");
    // Section pages still use the built-in template, with the overridden string only.
    let section = std::fs::read_to_string(kb.path().join("site/fr/particuliers/index.html")).unwrap();
    assert!(section.contains("<html lang=\"fr\""), "{section}");
    assert!(section.contains("Sauter au contenu"), "{section}");
    assert!(
        section.contains("aria-label=\"Fil d&#39;Ariane\""),
        "other built-in strings are kept: {section}"
    );
}

#[test]
fn a_broken_template_override_names_the_template() {
    let mut files = valid_files();
    files.push(("templates/page.html", "{% if %}".into()));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("templates/page.html"), "{}", stderr(&out));
}

#[test]
fn static_files_are_copied_as_is_over_the_theme_assets() {
    let mut files = valid_files();
    files.push(("static/docs/guide.txt", "guide v1".into()));
    files.push(("static/guichet.css", "/* my own stylesheet */".into()));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(kb.path().join("site/docs/guide.txt")).unwrap(), "guide v1");
    assert_eq!(
        std::fs::read_to_string(kb.path().join("site/guichet.css")).unwrap(),
        "/* my own stylesheet */"
    );
    assert!(kb.path().join("site/guichet.js").is_file(), "other theme assets stay");
}

#[test]
fn templates_get_the_section_translations_and_deadlines_of_a_page() {
    let mut files = valid_files();
    files[2].1 = page(
        "title = \"Crédit\"\ntranslation_key = \"credit\"\naliases = [\"/fr/vieux-credit/\"]\n\n[[deadlines]]\ndate = 2000-01-31\nlabel = \"Ancienne date\"",
        "## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé?\n\nEn juillet. Voir [délais](/fr/particuliers/delais/#date).\n",
    );
    files.push((
        "templates/page.html",
        "{{ section.title }}|{% for t in translations %}{{ t.lang }}:{{ t.path }}{% endfor %}|{% for d in page.deadlines %}{{ d.label }}={{ d.past }}{% endfor %}".into(),
    ));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(kb.path().join("site/fr/particuliers/credit/index.html")).unwrap();
    assert_eq!(text, "Particuliers|en:/en/individuals/credit/|Ancienne date=true");
}
