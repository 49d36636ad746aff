//! `guichet check` warnings: each one on a knowledge base that otherwise has none, with its
//! file and line; warnings alone leave the exit status at zero. Thresholds come from the
//! `[check]` table of `config.toml`.

mod common;

use common::*;

/// A knowledge base without any warning: every page translated, every question with its
/// `{#id}`, short answers, no dates.
fn clean_files() -> Vec<(&'static str, String)> {
    vec![
        ("config.toml", CONFIG.to_string()),
        (
            "content/fr/credit.md",
            page(
                "title = \"Crédit\"\ntranslation_key = \"credit\"",
                "## Qui a droit? {#admissibilite}\n\nVous.\n\n## Quand est-il versé? {#versements}\n\nEn juillet.\n",
            ),
        ),
        (
            "content/en/credit.md",
            page(
                "title = \"Credit\"\ntranslation_key = \"credit\"",
                "## Who is eligible? {#eligibility}\n\nYou.\n",
            ),
        ),
    ]
}

/// Warnings (lines starting with a file name and containing `warning:`) of `check`.
fn warnings_of(files: &[(&str, String)]) -> Vec<String> {
    let kb = write_kb(files);
    let out = guichet(&["--root", kb.path().to_str().unwrap(), "check"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "warnings must not fail check:\n{text}");
    text.lines().filter(|l| l.contains(": warning: ")).map(String::from).collect()
}

fn with(
    mut files: Vec<(&'static str, String)>,
    path: &'static str,
    text: String,
) -> Vec<(&'static str, String)> {
    files.retain(|(p, _)| *p != path);
    files.push((path, text));
    files
}

fn assert_one_warning(files: &[(&str, String)], expected: &[&str]) {
    let warnings = warnings_of(files);
    assert_eq!(warnings.len(), 1, "expected exactly one warning, got {warnings:#?}");
    for e in expected {
        assert!(warnings[0].contains(e), "expected `{e}` in {:?}", warnings[0]);
    }
}

#[test]
fn clean_knowledge_base_has_no_warning() {
    let kb = write_kb(&clean_files());
    let out = guichet(&["--root", kb.path().to_str().unwrap(), "check"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "no problems found");
}

#[test]
fn page_without_its_translation() {
    let files = with(clean_files(), "content/fr/seul.md", page("title = \"Seul\"", "## Q {#q}\n\nR.\n"));
    assert_one_warning(&files, &["content/fr/seul.md:2: warning:", "no translation (en)"]);
}

#[test]
fn page_whose_translation_key_has_no_match() {
    let files = with(
        clean_files(),
        "content/fr/seul.md",
        page("title = \"Seul\"\ntranslation_key = \"alone\"", "## Q {#q}\n\nR.\n"),
    );
    assert_one_warning(&files, &["content/fr/seul.md:3: warning:", "no translation in en", "\"alone\""]);
}

#[test]
fn question_without_explicit_anchor() {
    let files = with(
        clean_files(),
        "content/en/credit.md",
        page("title = \"Credit\"\ntranslation_key = \"credit\"", "## Who is eligible?\n\nYou.\n"),
    );
    assert_one_warning(
        &files,
        &["content/en/credit.md:5: warning:", "no explicit anchor", "`#who-is-eligible`"],
    );
}

#[test]
fn page_not_reviewed_for_too_long() {
    let files = with(
        clean_files(),
        "content/en/credit.md",
        page(
            "title = \"Credit\"\ntranslation_key = \"credit\"\nupdated = 2001-02-03",
            "## Who is eligible? {#eligibility}\n\nYou.\n",
        ),
    );
    assert_one_warning(
        &files,
        &["content/en/credit.md:4: warning:", "last reviewed on 2001-02-03", "max_age_days = 365"],
    );
}

#[test]
fn max_age_days_is_configurable() {
    let updated = chrono::Local::now().date_naive() - chrono::Days::new(40);
    let front = format!("title = \"Credit\"\ntranslation_key = \"credit\"\nupdated = {updated}");
    let files = with(
        clean_files(),
        "content/en/credit.md",
        page(&front, "## Who is eligible? {#eligibility}\n\nYou.\n"),
    );
    assert!(warnings_of(&files).is_empty(), "40 days is recent enough by default");
    let config = format!("{CONFIG}[check]\nmax_age_days = 30\n");
    let files = with(files, "config.toml", config);
    assert_one_warning(&files, &["content/en/credit.md:4", "max_age_days = 30"]);
}

#[test]
fn past_deadline_still_listed() {
    let files = with(
        clean_files(),
        "content/en/credit.md",
        page(
            "title = \"Credit\"\ntranslation_key = \"credit\"\n[[deadlines]]\ndate = 2002-04-30\nlabel = \"File the 2001 return\"",
            "## Who is eligible? {#eligibility}\n\nYou.\n",
        ),
    );
    assert_one_warning(
        &files,
        &["content/en/credit.md:5: warning:", "\"File the 2001 return\" (2002-04-30) is past"],
    );
}

#[test]
fn same_question_on_two_pages() {
    let mut files = clean_files();
    files.push((
        "content/en/other.md",
        page("title = \"Other\"\ntranslation_key = \"other\"", "## Who is ELIGIBLE {#who}\n\nEveryone.\n"),
    ));
    files.push((
        "content/fr/autre.md",
        page("title = \"Autre\"\ntranslation_key = \"other\"", "## Autre question {#autre}\n\nR.\n"),
    ));
    assert_one_warning(
        &files,
        &[
            "content/en/other.md:5: warning:",
            "is also asked at `/en/credit/#eligibility` (content/en/credit.md:5)",
        ],
    );
}

#[test]
fn answer_too_long() {
    let long = "word ".repeat(251);
    let body = format!("## Who is eligible? {{#eligibility}}\n\n{long}\n");
    let files = with(
        clean_files(),
        "content/en/credit.md",
        page("title = \"Credit\"\ntranslation_key = \"credit\"", &body),
    );
    assert_one_warning(
        &files,
        &["content/en/credit.md:5: warning:", "251 words long", "max_answer_words = 250"],
    );
    // Raising the threshold silences it.
    let files = with(files, "config.toml", format!("{CONFIG}[check]\nmax_answer_words = 300\n"));
    assert!(warnings_of(&files).is_empty());
}

#[test]
fn unknown_check_setting_is_an_error() {
    let files = with(clean_files(), "config.toml", format!("{CONFIG}[check]\nmax_age = 3\n"));
    let kb = write_kb(&files);
    let out = guichet(&["--root", kb.path().to_str().unwrap(), "check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(text.contains("config.toml"), "{text}");
    assert!(text.contains("max_age"), "{text}");
}

#[test]
fn unknown_front_matter_key() {
    let files = with(
        clean_files(),
        "content/fr/credit.md",
        page(
            "title = \"Crédit\"\ntranslation_key = \"credit\"\ntgas = [\"x\"]",
            "## Qui a droit? {#admissibilite}\n\nVous.\n",
        ),
    );
    assert_one_warning(&files, &["content/fr/credit.md:4: warning:", "unknown front matter key `tgas`"]);
}

#[test]
fn synonym_read_as_one_word() {
    let synonyms =
        "fr = [\n  [\"TPS\", \"GST\"],\n  [\"travailleur autonome\", \"pigiste\", \"à son compte\"],\n]\n";
    let files = with(clean_files(), "synonyms.toml", synonyms.to_string());
    assert_one_warning(
        &files,
        &["synonyms.toml:3: warning:", "\"à son compte\" is read as the one word `compt`"],
    );
}
