//! The data each template receives. This is the theme's contract; the README lists it.

use serde::Serialize;
use serde_json::{Value, json};

use super::Renderer;
use super::share::first_sentence;
use crate::content::{Page, PageId, PageKind, Site};

/// Entry of the language switcher.
#[derive(Serialize)]
struct LanguageLink<'a> {
    code: &'a str,
    title: &'a str,
    /// The translation of the current page, or that language's home.
    path: &'a str,
    current: bool,
}

#[derive(Serialize)]
struct Alternate<'a> {
    hreflang: &'a str,
    href: &'a str,
}

/// A page as listed by a section or home page.
#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    path: &'a str,
    description: Option<&'a str>,
    kind: PageKind,
    question_count: usize,
}

fn home_of<'s>(site: &'s Site, lang: &str) -> Option<&'s Page> {
    site.page_by_path(&format!("/{lang}/"))
}

/// Keys every HTML template gets: `config`, `lang`, `lang_title`, `t`, `build_date`,
/// `files` (the language's generated pages and feeds: `files.search`, `files.deadlines`,
/// `files.calendar`, `files.search_index`, `files.feed`) and `locale_alternates` (the
/// `locale` string of every other language, for `og:locale:alternate`).
/// Built once per language and build, then cloned: serialising the configuration and the
/// UI strings for each of thousands of pages showed in profiles.
fn common(r: &Renderer<'_>, lang: &str) -> serde_json::Map<String, Value> {
    let cache = r.common.get_or_init(|| {
        let mut langs: Vec<&str> = r.site.languages.iter().map(String::as_str).collect();
        langs.push(&r.site.config.default_language);
        langs.into_iter().map(|l| (l.to_string(), common_uncached(r, l))).collect()
    });
    cache.get(lang).cloned().unwrap_or_else(|| common_uncached(r, lang))
}

fn common_uncached(r: &Renderer<'_>, lang: &str) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("config".into(), json!(r.site.config));
    map.insert("lang".into(), json!(lang));
    map.insert("lang_title".into(), json!(r.site.config.language_title(lang)));
    map.insert("t".into(), json!(r.theme.strings_for(lang)));
    map.insert("build_date".into(), json!(r.build_date.to_string()));
    map.insert("files".into(), json!(r.lang_files(lang)));
    let locales: Vec<&str> = r
        .site
        .languages
        .iter()
        .filter(|l| *l != lang)
        .filter_map(|l| r.theme.strings_for(l).get("locale").and_then(|v| v.as_str()))
        .collect();
    map.insert("locale_alternates".into(), json!(locales));
    map
}

fn languages<'s>(site: &'s Site, page: &'s Page) -> Vec<LanguageLink<'s>> {
    site.languages
        .iter()
        .map(|code| {
            let path = if *code == page.lang {
                page.path.as_str()
            } else {
                page.translations
                    .iter()
                    .map(|&t| &site.pages[t])
                    .find(|t| &t.lang == code)
                    .or_else(|| home_of(site, code))
                    .map_or("/", |p| p.path.as_str())
            };
            LanguageLink { code, title: site.config.language_title(code), path, current: *code == page.lang }
        })
        .collect()
}

/// `hreflang` alternates: the page and its translations, and `x-default` for the version
/// in the default language (or the page itself when it has none).
fn alternates<'s>(site: &'s Site, page: &'s Page) -> Vec<Alternate<'s>> {
    let mut versions: Vec<&Page> =
        std::iter::once(page).chain(page.translations.iter().map(|&t| &site.pages[t])).collect();
    versions.sort_by_key(|p| site.languages.iter().position(|l| *l == p.lang));
    let default = versions.iter().find(|p| p.lang == site.config.default_language).copied().unwrap_or(page);
    let mut out: Vec<Alternate> =
        versions.iter().map(|p| Alternate { hreflang: &p.lang, href: &p.permalink }).collect();
    out.push(Alternate { hreflang: "x-default", href: &default.permalink });
    out
}

fn breadcrumbs(site: &Site, page: &Page) -> Vec<Value> {
    let mut crumbs = Vec::new();
    let mut parent = page.parent;
    while let Some(id) = parent {
        let p = &site.pages[id];
        crumbs.push(json!({"title": p.title, "path": p.path}));
        parent = p.parent;
    }
    if page.kind != PageKind::Home
        && let Some(home) = home_of(site, &page.lang)
        && !crumbs.iter().any(|c| c["path"] == home.path.as_str())
    {
        crumbs.push(json!({"title": home.title, "path": home.path}));
    }
    crumbs.reverse();
    crumbs
}

fn summaries(site: &Site, ids: &[PageId]) -> Vec<Value> {
    ids.iter()
        .map(|&id| {
            let p = &site.pages[id];
            json!(Summary {
                title: &p.title,
                path: &p.path,
                description: p.description.as_deref(),
                kind: p.kind,
                question_count: question_count(site, id),
            })
        })
        .collect()
}

/// Questions of a page, or of every page below a section.
fn question_count(site: &Site, id: PageId) -> usize {
    let p = &site.pages[id];
    p.entries.len() + p.children.iter().map(|&c| question_count(site, c)).sum::<usize>()
}

/// The `page` object: the model's page with `past` on each deadline.
fn page_value(r: &Renderer<'_>, page: &Page) -> Value {
    let mut value = json!(page);
    if let Some(obj) = value.as_object_mut() {
        // Ids of other pages mean nothing to a template: `children`, `translations` and
        // `breadcrumbs` are given resolved at the top level instead.
        for key in ["parent", "children", "translations", "links"] {
            obj.remove(key);
        }
        obj.insert(
            "deadlines".into(),
            page.deadlines
                .iter()
                .map(|d| json!({"date": d.date.to_string(), "label": d.label, "past": d.date < r.build_date}))
                .collect(),
        );
    }
    value
}

pub fn page(r: &Renderer<'_>, id: PageId) -> Value {
    let site = r.site;
    let page = &site.pages[id];
    let mut map = common(r, &page.lang);
    map.insert("page".into(), page_value(r, page));
    map.insert("languages".into(), json!(languages(site, page)));
    map.insert("alternates".into(), json!(alternates(site, page)));
    map.insert("breadcrumbs".into(), json!(breadcrumbs(site, page)));
    map.insert("section".into(), page.parent.map_or(Value::Null, |p| summaries(site, &[p]).remove(0)));
    let translations: Vec<Value> = page
        .translations
        .iter()
        .map(|&t| {
            let mut v = summaries(site, &[t]).remove(0);
            v["lang"] = json!(site.pages[t].lang);
            v
        })
        .collect();
    map.insert("translations".into(), Value::Array(translations));
    map.insert("children".into(), json!(summaries(site, &page.children)));
    let crumbs: Vec<(String, String)> = breadcrumbs(site, page)
        .iter()
        .map(|c| {
            (c["title"].as_str().unwrap_or("").to_string(), c["path"].as_str().unwrap_or("").to_string())
        })
        .collect();
    map.insert("json_ld".into(), json!(super::structured::json_ld(site, page, &crumbs)));
    map.insert("card_description".into(), json!(card_description(page)));
    map.insert(
        "share_paths".into(),
        page.entries.iter().map(|e| (e.id.clone(), json!(super::share::share_path(page, e)))).collect(),
    );
    if page.kind == PageKind::Home {
        let sections: Vec<PageId> =
            page.children.iter().copied().filter(|&c| site.pages[c].kind == PageKind::Section).collect();
        map.insert("sections".into(), json!(summaries(site, &sections)));
    }
    Value::Object(map)
}

pub fn alias(r: &Renderer<'_>, id: PageId) -> Value {
    let page = &r.site.pages[id];
    let mut map = common(r, &page.lang);
    map.insert("target_path".into(), json!(page.path));
    map.insert("target_permalink".into(), json!(page.permalink));
    Value::Object(map)
}

fn home_links(site: &Site) -> Vec<LanguageLink<'_>> {
    site.languages
        .iter()
        .map(|code| LanguageLink {
            code,
            title: site.config.language_title(code),
            path: home_of(site, code).map_or("/", |p| p.path.as_str()),
            current: *code == site.config.default_language,
        })
        .collect()
}

pub fn root(r: &Renderer<'_>) -> Value {
    let site = r.site;
    let lang = &site.config.default_language;
    let mut map = common(r, lang);
    map.insert("default_path".into(), json!(format!("/{lang}/")));
    map.insert("languages".into(), json!(home_links(site)));
    Value::Object(map)
}

pub fn not_found(r: &Renderer<'_>) -> Value {
    let site = r.site;
    let mut map = common(r, &site.config.default_language);
    map.insert("page".into(), Value::Null);
    map.insert("languages".into(), json!(home_links(site)));
    let strings: serde_json::Map<String, Value> =
        site.languages.iter().map(|l| (l.clone(), json!(r.theme.strings_for(l)))).collect();
    map.insert("i18n".into(), Value::Object(strings));
    map.insert("alternates".into(), json!([]));
    map.insert("breadcrumbs".into(), json!([]));
    Value::Object(map)
}

pub fn sitemap(r: &Renderer<'_>) -> Value {
    let site = r.site;
    let urls: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            json!({
                "permalink": p.permalink,
                "updated": p.updated.map(|d| d.to_string()),
                "alternates": if p.translations.is_empty() { json!([]) } else { json!(alternates(site, p)) },
            })
        })
        .collect();
    let mut urls = urls;
    // The deadlines page of every language, translations of each other. (Not the search
    // pages: empty until a reader types.)
    let deadlines = |l: &str| format!("{}{}", site.config.base(), r.lang_files(l).deadlines);
    let alternates: Vec<Value> =
        site.languages.iter().map(|l| json!({"hreflang": l, "href": deadlines(l)})).collect();
    for lang in &site.languages {
        urls.push(json!({"permalink": deadlines(lang), "updated": null, "alternates": alternates}));
    }
    json!({"config": site.config, "urls": urls})
}

pub fn robots(r: &Renderer<'_>) -> Value {
    json!({"config": r.site.config, "sitemap_url": format!("{}/sitemap.xml", r.site.config.base())})
}

/// Text of a page's link preview: its description, else the first sentence of its
/// introduction, else of its first answer.
fn card_description(page: &Page) -> Option<String> {
    page.description
        .clone()
        .or_else(|| {
            Some(page.intro_text.as_str()).filter(|t| !t.trim().is_empty()).map(|t| first_sentence(t, 200))
        })
        .or_else(|| page.entries.first().map(|e| first_sentence(&e.answer_text, 200)))
}

/// A page that is not in the content (deadlines, search), shaped like `page` for `base.html`:
/// `title`, `path`, `permalink`, `kind`, `description`, `lang`.
fn generated_page(
    r: &Renderer<'_>,
    lang: &str,
    kind: &str,
    title: &str,
    path: &str,
    description: &str,
) -> Value {
    json!({
        "kind": kind,
        "lang": lang,
        "title": title,
        "path": path,
        "permalink": format!("{}{}", r.site.config.base(), path),
        "description": description,
        "entries": [],
        "deadlines": [],
    })
}

/// Switcher, `hreflang` alternates and breadcrumb of a generated page, whose version in
/// language `l` is at `path_in(l)`.
fn generated_links(
    r: &Renderer<'_>,
    lang: &str,
    map: &mut serde_json::Map<String, Value>,
    path_in: impl Fn(&str) -> String,
) {
    let site = r.site;
    let languages: Vec<Value> = site
        .languages
        .iter()
        .map(|code| json!({"code": code, "title": site.config.language_title(code), "path": path_in(code), "current": code == lang}))
        .collect();
    let mut alternates: Vec<Value> = site
        .languages
        .iter()
        .map(|code| json!({"hreflang": code, "href": format!("{}{}", site.config.base(), path_in(code))}))
        .collect();
    let default = &site.config.default_language;
    alternates.push(
        json!({"hreflang": "x-default", "href": format!("{}{}", site.config.base(), path_in(default))}),
    );
    let crumbs: Vec<Value> =
        home_of(site, lang).map(|h| json!({"title": h.title, "path": h.path})).into_iter().collect();
    map.insert("languages".into(), json!(languages));
    map.insert("alternates".into(), json!(alternates));
    map.insert("breadcrumbs".into(), json!(crumbs));
    map.insert("children".into(), json!([]));
}

/// Context of a share page (`share.html`): `question`, `excerpt` (first sentence of the
/// answer), `page_title`, `target` (the deep link path), `target_permalink`, `share_permalink`.
pub fn share(r: &Renderer<'_>, id: PageId, index: usize) -> Value {
    let page = &r.site.pages[id];
    let entry = &page.entries[index];
    let mut map = common(r, &page.lang);
    let share_path = super::share::share_path(page, entry);
    map.insert("question".into(), json!(entry.question));
    map.insert("excerpt".into(), json!(first_sentence(&entry.answer_text, 200)));
    map.insert("page_title".into(), json!(page.title));
    map.insert("target".into(), json!(page.deep_link(entry)));
    map.insert("target_permalink".into(), json!(format!("{}#{}", page.permalink, entry.id)));
    map.insert("share_permalink".into(), json!(format!("{}{}", r.site.config.base(), share_path)));
    Value::Object(map)
}

/// Context of a language's deadlines page (`deadlines.html`): `upcoming` (from the build date
/// on, soonest first) and `past` (most recent first), each item with `date`, `label`, `past`,
/// `page_title`, `page_path`; plus `calendar_permalink`.
pub fn deadlines(r: &Renderer<'_>, lang: &str) -> Value {
    let mut map = common(r, lang);
    let files = r.lang_files(lang);
    let title = r.string(lang, "deadlines_page");
    let description = r.string(lang, "deadlines_page_text");
    map.insert("page".into(), generated_page(r, lang, "deadlines", &title, &files.deadlines, &description));
    generated_links(r, lang, &mut map, |l| r.lang_files(l).deadlines);
    let items = super::feeds::deadlines_of(r.site, lang);
    let item = |i: &super::feeds::DatedItem<'_>| {
        json!({
            "date": i.deadline.date.to_string(),
            "label": i.deadline.label,
            "past": i.deadline.date < r.build_date,
            "page_title": i.page.title,
            "page_path": i.page.path,
        })
    };
    let upcoming: Vec<Value> = items.iter().filter(|i| i.deadline.date >= r.build_date).map(item).collect();
    let past: Vec<Value> = items.iter().rev().filter(|i| i.deadline.date < r.build_date).map(item).collect();
    map.insert("upcoming".into(), json!(upcoming));
    map.insert("past".into(), json!(past));
    map.insert("calendar_permalink".into(), json!(format!("{}{}", r.site.config.base(), files.calendar)));
    Value::Object(map)
}

/// Context of a language's search page (`search.html`): the common keys; the page reads
/// `files.search_index`.
pub fn search(r: &Renderer<'_>, lang: &str) -> Value {
    let mut map = common(r, lang);
    let files = r.lang_files(lang);
    let title = r.string(lang, "search");
    let description = r.string(lang, "search_text");
    map.insert("page".into(), generated_page(r, lang, "search", &title, &files.search, &description));
    generated_links(r, lang, &mut map, |l| r.lang_files(l).search);
    Value::Object(map)
}
