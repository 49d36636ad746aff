//! Building the reference corpus: every page, anchor, link, translation, alias and sitemap
//! entry is where a reader, a search engine and a reply bot expect it.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use scraper::{Html, Selector};

/// The corpus built once for all tests of this file: (temp dir, site dir).
fn built() -> &'static (tempfile::TempDir, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("out/site");
        let out =
            guichet(&["--root", corpus().to_str().unwrap(), "build", "--output-dir", site.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        (tmp, site)
    })
}

fn site() -> &'static Path {
    &built().1
}

fn html(url_path: &str) -> Html {
    let file = site().join(url_path.trim_start_matches('/')).join("index.html");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    Html::parse_document(&text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Every page of the corpus: (lang, url path, front matter text, body) from the source files.
fn corpus_pages() -> Vec<(String, String, String)> {
    let content = corpus().join("content");
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&content) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = e.path().strip_prefix(&content).unwrap().to_string_lossy().into_owned();
        let lang = rel.split('/').next().unwrap().to_string();
        let path = if rel.ends_with("/_index.md") {
            format!("/{}/", rel.trim_end_matches("/_index.md"))
        } else {
            format!("/{}/", rel.trim_end_matches(".md"))
        };
        out.push((lang, path, std::fs::read_to_string(e.path()).unwrap()));
    }
    out
}

/// Anchors the source declares with `{#id}` on level-2 headings.
fn declared_anchors(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with("## "))
        .filter_map(|l| l.rsplit_once("{#").map(|(_, id)| id.trim_end_matches('}').to_string()))
        .collect()
}

#[test]
fn every_page_is_at_its_url_with_its_language() {
    for (lang, path, _) in corpus_pages() {
        let doc = html(&path);
        let root = doc.select(&sel("html")).next().unwrap();
        assert_eq!(root.value().attr("lang"), Some(lang.as_str()), "{path}");
        let canonical = doc.select(&sel("link[rel=canonical]")).next().expect("canonical");
        assert_eq!(
            canonical.value().attr("href"),
            Some(format!("https://aide.example.qc.ca{path}").as_str())
        );
    }
    for home in ["/fr/", "/en/"] {
        html(home);
    }
    assert!(site().join("index.html").is_file());
    assert!(site().join("404.html").is_file());
    assert!(site().join("robots.txt").is_file());
}

#[test]
fn every_question_has_its_anchor_and_a_self_link() {
    let mut checked = 0;
    for (_, path, source) in corpus_pages() {
        let doc = html(&path);
        for id in declared_anchors(&source) {
            let target = doc.select(&sel(&format!("[id=\"{id}\"]"))).count();
            assert_eq!(target, 1, "{path}#{id} must exist once");
            let self_links = doc.select(&sel(&format!("a[href=\"#{id}\"]"))).count();
            assert!(self_links >= 1, "{path}#{id} has no visible self link");
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} anchors checked");
}

#[test]
fn every_internal_link_resolves() {
    let mut anchors: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut links = Vec::new();
    for e in walkdir::WalkDir::new(site()) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let rel = e.path().strip_prefix(site()).unwrap().to_string_lossy().replace('\\', "/");
        let url = format!("/{}", rel.trim_end_matches("index.html"));
        let doc = Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
        let ids = doc.select(&sel("[id]")).map(|n| n.value().attr("id").unwrap().to_string()).collect();
        anchors.insert(url.clone(), ids);
        for a in doc.select(&sel("a[href]")) {
            links.push((url.clone(), a.value().attr("href").unwrap().to_string()));
        }
    }
    let mut checked = 0;
    for (from, href) in links {
        if href.starts_with("http") || href.starts_with("mailto:") || href.starts_with("tel:") {
            continue;
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (if p.is_empty() { from.clone() } else { p.to_string() }, Some(f.to_string())),
            None => (href.clone(), None),
        };
        if path.contains('.') {
            assert!(site().join(path.trim_start_matches('/')).is_file(), "{from}: {href}");
            continue;
        }
        let ids = anchors.get(&path).unwrap_or_else(|| panic!("{from} links to missing {href}"));
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            assert!(ids.contains(&f), "{from} links to missing anchor {href}");
        }
        checked += 1;
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn translations_point_at_each_other_with_hreflang() {
    let pages = corpus_pages();
    let key_of = |src: &str| {
        src.lines()
            .find_map(|l| l.strip_prefix("translation_key = ").map(|k| k.trim_matches('"').to_string()))
    };
    let mut by_key: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (lang, path, src) in &pages {
        if let Some(k) = key_of(src) {
            by_key.entry(k).or_default().push((lang.clone(), path.clone()));
        }
    }
    let mut pairs = 0;
    for versions in by_key.values().filter(|v| v.len() == 2) {
        for (lang, path) in versions {
            let doc = html(path);
            for (other_lang, other_path) in versions.iter().filter(|(l, _)| l != lang) {
                let link = doc
                    .select(&sel(&format!("link[rel=alternate][hreflang=\"{other_lang}\"]")))
                    .next()
                    .unwrap_or_else(|| panic!("{path} lacks hreflang {other_lang}"));
                assert_eq!(
                    link.value().attr("href").unwrap(),
                    format!("https://aide.example.qc.ca{other_path}")
                );
                let switch = doc.select(&sel(&format!("a[hreflang=\"{other_lang}\"]"))).next();
                assert_eq!(
                    switch.and_then(|a| a.value().attr("href")),
                    Some(other_path.as_str()),
                    "{path} switcher"
                );
            }
            let xdefault = doc.select(&sel("link[rel=alternate][hreflang=x-default]")).next().unwrap();
            let fr = versions.iter().find(|(l, _)| l == "fr").unwrap();
            assert_eq!(xdefault.value().attr("href").unwrap(), format!("https://aide.example.qc.ca{}", fr.1));
        }
        pairs += 1;
    }
    assert!(pairs >= 30, "only {pairs} translated pairs");
}

#[test]
fn every_alias_redirects_to_its_target_keeping_the_fragment() {
    let mut checked = 0;
    for (_, path, src) in corpus_pages() {
        let Some(line) = src.lines().find(|l| l.starts_with("aliases = ")) else {
            continue;
        };
        let aliases: Vec<String> = toml::from_str::<toml::Table>(line).unwrap()["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        for alias in aliases {
            let file = site().join(alias.trim_start_matches('/')).join("index.html");
            let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("no redirect at {alias}"));
            assert!(
                text.contains(&format!("content=\"0; url={path}\"")) || text.contains(&format!("url={path}")),
                "{alias}: meta refresh to {path}"
            );
            assert!(text.contains("location.hash"), "{alias}: the fragment must be kept");
            let doc = Html::parse_document(&text);
            let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
            assert_eq!(canonical.value().attr("href").unwrap(), format!("https://aide.example.qc.ca{path}"));
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} aliases");
}

#[test]
fn sitemap_lists_every_page_once_with_alternates() {
    let text = std::fs::read_to_string(site().join("sitemap.xml")).unwrap();
    assert!(text.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let locs: Vec<&str> =
        text.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap().trim()).collect();
    let unique: BTreeSet<&str> = locs.iter().copied().collect();
    assert_eq!(unique.len(), locs.len(), "a page is listed twice");
    for (_, path, _) in corpus_pages() {
        assert!(unique.contains(format!("https://aide.example.qc.ca{path}").as_str()), "{path} missing");
    }
    assert!(text.matches("<xhtml:link").count() >= 60 * 3, "alternates missing");
}

#[test]
fn drafts_are_absent_unless_asked() {
    let kb = tempfile::tempdir().unwrap();
    let mut files = valid_files();
    files.push(("content/fr/brouillon.md", page("title = \"Brouillon\"\ndraft = true", "## Q {#q}\n\nA\n")));
    for (path, text) in &files {
        let p = kb.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    assert!(build(kb.path(), &[]).status.success());
    assert!(!kb.path().join("site/fr/brouillon").exists());
    let sitemap = std::fs::read_to_string(kb.path().join("site/sitemap.xml")).unwrap();
    assert!(!sitemap.contains("brouillon"));
    assert!(build(kb.path(), &["--drafts"]).status.success());
    assert!(kb.path().join("site/fr/brouillon/index.html").is_file());
}
