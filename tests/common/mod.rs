//! Helpers shared by the integration tests: fixture knowledge bases and running the binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The reference corpus shipped beside the project (`../shared/corpus`).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

pub const CONFIG: &str = r#"base_url = "https://aide.example.qc.ca"
title = "Aide"
default_language = "fr"
[languages.fr]
title = "Aide fiscale"
[languages.en]
title = "Tax help"
"#;

/// A page with front matter `front` (TOML lines) and a Markdown `body`.
pub fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

/// A small valid knowledge base: two translated pages with questions and a link between them.
pub fn valid_files() -> Vec<(&'static str, String)> {
    vec![
        ("config.toml", CONFIG.to_string()),
        (
            "content/fr/particuliers/_index.md",
            page("title = \"Particuliers\"\ntranslation_key = \"ind\"", "Section.\n"),
        ),
        (
            "content/fr/particuliers/credit.md",
            page(
                "title = \"Crédit\"\ntranslation_key = \"credit\"\naliases = [\"/fr/vieux-credit/\"]",
                "Intro.\n\n## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé?\n\nEn juillet. Voir [délais](/fr/particuliers/delais/#date).\n",
            ),
        ),
        (
            "content/fr/particuliers/delais.md",
            page("title = \"Délais\"", "## Date limite {#date}\n\nLe 30 avril.\n"),
        ),
        (
            "content/en/individuals/credit.md",
            page(
                "title = \"Credit\"\ntranslation_key = \"credit\"",
                "## Who is eligible? {#eligibility}\n\nYou.\n",
            ),
        ),
    ]
}

/// Writes `files` into a new temporary folder.
pub fn write_kb(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Copies a folder tree (the read-only corpus into a writable temp folder).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            let mut perms = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms).unwrap();
        }
    }
}

/// Runs the `guichet` binary.
pub fn guichet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet")).args(args).output().unwrap()
}

/// Runs `guichet --root ROOT build [extra]`.
pub fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--root", root.to_str().unwrap(), "build"];
    args.extend_from_slice(extra);
    guichet(&args)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes: compare two snapshots to prove nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}
