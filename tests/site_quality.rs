//! Site quality on the reference corpus: structured data, link previews, share pages, the
//! deadlines page and feeds, the search index, and page weight. What needs a real browser
//! (axe, vnu, the search script) is checked by `.ci/browser/run`.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use scraper::{Html, Selector};
use serde_json::Value;

const BASE: &str = "https://aide.example.qc.ca";

fn built() -> &'static (tempfile::TempDir, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("out/site");
        let out = build(&corpus(), &["--output-dir", site.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        (tmp, site)
    })
}

fn site() -> &'static Path {
    &built().1
}

fn read(url_path: &str) -> String {
    let mut file = site().join(url_path.trim_start_matches('/'));
    if url_path.ends_with('/') {
        file = file.join("index.html");
    }
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn html(url_path: &str) -> Html {
    Html::parse_document(&read(url_path))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn meta(doc: &Html, attr: &str, name: &str) -> Option<String> {
    doc.select(&sel(&format!("meta[{attr}=\"{name}\"]")))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_string))
}

/// URL paths of the corpus' FAQ pages (`kind = page`) with the anchors of their questions,
/// read from the built pages' self links.
fn faq_pages() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(site()) {
        let e = e.unwrap();
        if e.file_name() != "index.html" {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        if !text.contains("<article class=\"faq\">") {
            continue;
        }
        let rel =
            e.path().parent().unwrap().strip_prefix(site()).unwrap().to_string_lossy().replace('\\', "/");
        let doc = Html::parse_document(&text);
        let ids = doc
            .select(&sel("section.entry h2[id]"))
            .map(|h| h.value().attr("id").unwrap().to_string())
            .collect();
        out.push((format!("/{rel}/"), ids));
    }
    out.sort();
    assert!(out.len() > 50, "only {} FAQ pages", out.len());
    out
}

/// The JSON-LD graph of a page.
fn json_ld(doc: &Html) -> Vec<Value> {
    let scripts: Vec<String> =
        doc.select(&sel("script[type=\"application/ld+json\"]")).map(|s| s.text().collect()).collect();
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    let v: Value = serde_json::from_str(&scripts[0]).expect("JSON-LD parses");
    assert_eq!(v["@context"], "https://schema.org");
    v["@graph"].as_array().unwrap().clone()
}

#[test]
fn every_faq_page_has_faqpage_and_breadcrumb_json_ld_with_all_its_questions() {
    for (path, ids) in faq_pages() {
        let doc = html(&path);
        let graph = json_ld(&doc);
        let faq = graph.iter().find(|n| n["@type"] == "FAQPage").unwrap_or_else(|| panic!("{path}: FAQPage"));
        let questions = faq["mainEntity"].as_array().unwrap();
        assert_eq!(questions.len(), ids.len(), "{path}: every question in FAQPage");
        for (q, id) in questions.iter().zip(&ids) {
            assert_eq!(q["@type"], "Question");
            assert_eq!(q["url"], format!("{BASE}{path}#{id}"));
            let heading: String =
                doc.select(&sel(&format!("h2[id=\"{id}\"]"))).next().unwrap().text().collect();
            assert_eq!(q["name"].as_str().unwrap(), heading.trim(), "{path}#{id}");
            assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
            assert!(!q["acceptedAnswer"]["text"].as_str().unwrap().is_empty(), "{path}#{id}: answer text");
        }
        let crumbs = graph.iter().find(|n| n["@type"] == "BreadcrumbList").expect("BreadcrumbList");
        let items = crumbs["itemListElement"].as_array().unwrap();
        assert!(items.len() >= 2, "{path}: home, then the page");
        assert_eq!(items.last().unwrap()["item"], format!("{BASE}{path}"));
        assert_eq!(items[0]["position"], 1);
    }
}

#[test]
fn pages_have_open_graph_and_x_cards_with_locales() {
    let doc = html("/fr/particuliers/credit-solidarite/");
    assert_eq!(meta(&doc, "property", "og:locale").as_deref(), Some("fr_CA"));
    assert_eq!(meta(&doc, "property", "og:locale:alternate").as_deref(), Some("en_CA"));
    assert_eq!(
        meta(&doc, "property", "og:url").unwrap(),
        format!("{BASE}/fr/particuliers/credit-solidarite/")
    );
    assert_eq!(meta(&doc, "property", "og:site_name").as_deref(), Some("Aide fiscale"));
    assert_eq!(meta(&doc, "name", "twitter:card").as_deref(), Some("summary"));
    let title = meta(&doc, "property", "og:title").unwrap();
    assert_eq!(meta(&doc, "name", "twitter:title").unwrap(), title);
    assert!(!meta(&doc, "property", "og:description").unwrap().is_empty());
    let en = html("/en/individuals/solidarity-credit/");
    assert_eq!(meta(&en, "property", "og:locale").as_deref(), Some("en_CA"));
    assert_eq!(meta(&en, "property", "og:locale:alternate").as_deref(), Some("fr_CA"));
    // Every page gets a description for its card, from the front matter or the text.
    for (path, _) in faq_pages() {
        assert!(meta(&html(&path), "property", "og:description").is_some_and(|d| d.len() > 10), "{path}");
    }
}

#[test]
fn every_question_has_a_share_page_whose_card_is_that_question() {
    let mut checked = 0;
    for (path, ids) in faq_pages() {
        let page = html(&path);
        for id in ids {
            let share = format!("{path}{id}/");
            let doc = html(&share);
            let question: String =
                page.select(&sel(&format!("h2[id=\"{id}\"]"))).next().unwrap().text().collect();
            assert_eq!(meta(&doc, "property", "og:title").unwrap(), question.trim(), "{share}");
            assert_eq!(meta(&doc, "property", "og:url").unwrap(), format!("{BASE}{share}"));
            let excerpt = meta(&doc, "property", "og:description").unwrap();
            assert!(!excerpt.is_empty() && excerpt.chars().count() <= 201, "{share}: {excerpt}");
            assert_eq!(meta(&doc, "name", "robots").as_deref(), Some("noindex, follow"));
            let deep = format!("{path}#{id}");
            let root = doc.select(&sel("html")).next().unwrap();
            assert_eq!(root.value().attr("data-target"), Some(deep.as_str()), "{share}: sends readers on");
            assert!(doc.select(&sel(&format!("a[href=\"{deep}\"]"))).next().is_some(), "{share}: link");
            // Crawlers follow meta refresh: a share page must not have one.
            assert!(doc.select(&sel("meta[http-equiv]")).next().is_none(), "{share}");
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} share pages");
    let doc = html("/fr/particuliers/credit-solidarite/versements/");
    assert!(read("/fr/particuliers/credit-solidarite/versements/").contains("location.replace"));
    assert!(!doc.select(&sel("h1")).next().unwrap().text().collect::<String>().is_empty());
}

#[test]
fn a_share_page_that_would_overwrite_a_page_or_an_alias_fails_the_build_naming_both() {
    // `content/fr/particuliers/credit.md` has the question `#admissibilite`.
    let mut files = valid_files();
    files.push((
        "content/fr/particuliers/credit/admissibilite.md",
        page("title = \"Admissibilité\"", "## Q {#q}\n\nR.\n"),
    ));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/fr/particuliers/credit.md"), "{err}");
    assert!(err.contains("content/fr/particuliers/credit/admissibilite.md"), "{err}");
    assert!(err.contains("/fr/particuliers/credit/admissibilite/"), "{err}");
    assert!(!kb.path().join("site").exists(), "nothing published");

    let mut files = valid_files();
    files.push((
        "content/fr/autre.md",
        page("title = \"Autre\"\naliases = [\"/fr/particuliers/delais/date/\"]", "Texte.\n"),
    ));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/fr/particuliers/delais.md"), "{err}");
    assert!(err.contains("alias of content/fr/autre.md"), "{err}");

    // A page where the deadlines page goes: the error names the page and the UI string.
    let mut files = valid_files();
    files.push(("content/fr/echeances.md", page("title = \"Échéances\"", "Texte.\n")));
    let kb = write_kb(&files);
    let out = build(kb.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/fr/echeances.md") && err.contains("slug_deadlines"), "{err}");
}

/// The `(date, label)` of every `[[deadlines]]` of the corpus in one language.
fn corpus_deadlines(lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(corpus().join("content").join(lang)) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let front = text.split("+++").nth(1).unwrap();
        let table: toml::Table = toml::from_str(front).unwrap();
        if table.get("draft").and_then(|d| d.as_bool()) == Some(true) {
            continue;
        }
        for d in table.get("deadlines").and_then(|d| d.as_array()).into_iter().flatten() {
            out.push((d["date"].to_string(), d["label"].as_str().unwrap().to_string()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_calendar_feeds_have_one_event_per_deadline_with_stable_uids() {
    for (lang, file) in [("fr", "/fr/echeances.ics"), ("en", "/en/deadlines.ics")] {
        let text = read(file);
        let cal: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
        let expected = corpus_deadlines(lang);
        let events: Vec<&icalendar::Event> = cal.events().collect();
        assert_eq!(events.len(), expected.len(), "{file}");
        assert!(expected.len() > 10);
        use icalendar::Component;
        let mut got: Vec<(String, String)> = events
            .iter()
            .map(|e| {
                let start = e.property_value("DTSTART").unwrap();
                let date = format!("{}-{}-{}", &start[..4], &start[4..6], &start[6..8]);
                (date, e.get_summary().unwrap().to_string())
            })
            .collect();
        got.sort();
        assert_eq!(got, expected, "{file}");
        let uids: HashSet<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
        assert_eq!(uids.len(), events.len(), "{file}: unique UIDs");
        assert!(uids.iter().all(|u| u.ends_with("@aide.example.qc.ca")));
        assert!(
            events.iter().all(|e| e.get_url().is_some_and(|u| u.starts_with(&format!("{BASE}/{lang}/"))))
        );
    }
    // Same content, another build: the same UIDs.
    let tmp = tempfile::tempdir().unwrap();
    let again = tmp.path().join("site");
    assert!(build(&corpus(), &["--output-dir", again.to_str().unwrap()]).status.success());
    let uids = |text: &str| -> BTreeSet<String> {
        text.lines().filter_map(|l| l.strip_prefix("UID:")).map(str::to_string).collect()
    };
    assert_eq!(
        uids(&std::fs::read_to_string(again.join("fr/echeances.ics")).unwrap()),
        uids(&read("/fr/echeances.ics"))
    );
}

#[test]
fn the_deadlines_page_lists_upcoming_dates_first_by_date_and_links_the_calendar() {
    for (path, ics) in [("/fr/echeances/", "/fr/echeances.ics"), ("/en/deadlines/", "/en/deadlines.ics")] {
        let doc = html(path);
        let dates = |s: &str| -> Vec<String> {
            doc.select(&sel(s)).map(|t| t.value().attr("datetime").unwrap().to_string()).collect()
        };
        let upcoming = dates("li.upcoming time");
        let past = dates("li.past time");
        let mut sorted = upcoming.clone();
        sorted.sort();
        assert_eq!(upcoming, sorted, "{path}: soonest first");
        let build_date =
            doc.select(&sel("footer .built time")).next().unwrap().value().attr("datetime").unwrap();
        assert!(upcoming.iter().all(|d| d.as_str() >= build_date), "{path}");
        assert!(past.iter().all(|d| d.as_str() < build_date), "{path}");
        let lang = &path[1..3];
        assert_eq!(upcoming.len() + past.len(), corpus_deadlines(lang).len(), "{path}: every deadline");
        assert!(doc.select(&sel(&format!("a[href=\"{ics}\"]"))).next().is_some(), "{path}: calendar link");
    }
    let sitemap = read("/sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE}/fr/echeances/</loc>")));
    assert!(sitemap.contains(&format!("<loc>{BASE}/en/deadlines/</loc>")));
    // The switcher leads to the other language's deadlines page.
    let doc = html("/fr/echeances/");
    let en = doc.select(&sel("a[hreflang=en]")).next().unwrap();
    assert_eq!(en.value().attr("href"), Some("/en/deadlines/"));
}

#[test]
fn the_atom_feeds_list_reviewed_pages_newest_first() {
    for lang in ["fr", "en"] {
        let text = read(&format!("/{lang}/atom.xml"));
        assert!(text.starts_with("<?xml"));
        assert!(text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        let updated: Vec<&str> = text
            .split("<entry>")
            .skip(1)
            .map(|e| e.split("<updated>").nth(1).unwrap().split('<').next().unwrap())
            .collect();
        assert!(updated.len() > 20, "{lang}: {} entries", updated.len());
        let mut sorted = updated.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(updated, sorted);
        assert!(text.contains(&format!("<id>{BASE}/{lang}/")));
    }
}

#[test]
fn the_search_index_holds_every_question_as_a_deep_link_and_stays_small() {
    for (lang, file) in [("fr", "/fr/recherche.json"), ("en", "/en/search.json")] {
        let text = read(file);
        let index: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(index["v"], 1);
        let pages = index["pages"].as_array().unwrap();
        let links: HashSet<String> = index["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}#{}",
                    pages[e[0].as_u64().unwrap() as usize][0].as_str().unwrap(),
                    e[1].as_str().unwrap()
                )
            })
            .collect();
        for (path, ids) in faq_pages().into_iter().filter(|(p, _)| p.starts_with(&format!("/{lang}/"))) {
            for id in ids {
                assert!(links.contains(&format!("{path}#{id}")), "{file} lacks {path}#{id}");
            }
        }
        // Answer tokens are folded: no capitals, no accents.
        for e in index["entries"].as_array().unwrap() {
            let tokens = e[3].as_str().unwrap();
            assert!(
                tokens.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == ' '),
                "{tokens}"
            );
        }
        assert!(text.len() < 150_000, "{file} is {} bytes", text.len());
    }
    let search = html("/fr/recherche/");
    let form = search.select(&sel("form[role=search]")).next().unwrap();
    assert_eq!(form.value().attr("data-index"), Some("/fr/recherche.json"));
    assert!(search.select(&sel("label[for=q]")).next().is_some());
}

#[test]
fn a_typical_page_weighs_under_50_kb_with_its_css_and_js() {
    let assets = read("/guichet.css").len() + read("/guichet.js").len();
    let mut sizes: Vec<usize> = faq_pages().iter().map(|(p, _)| read(p).len() + assets).collect();
    sizes.sort();
    let median = sizes[sizes.len() / 2];
    assert!(median < 50_000, "median page {median} bytes");
    let search = read("/fr/recherche/").len() + assets + read("/guichet-search.js").len();
    assert!(search < 50_000, "search page {search} bytes before its index");
}

#[test]
fn every_page_has_a_lang_a_main_landmark_and_a_skip_link() {
    for e in walkdir::WalkDir::new(site()) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let doc = Html::parse_document(&text);
        let root = doc.select(&sel("html")).next().unwrap();
        assert!(root.value().attr("lang").is_some_and(|l| !l.is_empty()), "{}", e.path().display());
        // Redirect pages (root, aliases, share pages) have no header to skip.
        if text.contains("class=\"skip\"") {
            assert_eq!(doc.select(&sel("main#main_content")).count(), 1, "{}", e.path().display());
            assert_eq!(doc.select(&sel("h1")).count(), 1, "{}: one h1", e.path().display());
        }
    }
}
