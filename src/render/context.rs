//! The data each template receives. This is the theme's contract; the README lists it.

use serde::Serialize;
use serde_json::{Value, json};

use super::Renderer;
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

/// Keys every HTML template gets: `config`, `lang`, `lang_title`, `t`, `build_date`.
fn common(r: &Renderer<'_>, lang: &str) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("config".into(), json!(r.site.config));
    map.insert("lang".into(), json!(lang));
    map.insert("lang_title".into(), json!(r.site.config.language_title(lang)));
    map.insert("t".into(), json!(r.theme.strings_for(lang)));
    map.insert("build_date".into(), json!(r.build_date.to_string()));
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
    map.insert("children".into(), json!(summaries(site, &page.children)));
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
    json!({"config": site.config, "urls": urls})
}

pub fn robots(r: &Renderer<'_>) -> Value {
    json!({"config": r.site.config, "sitemap_url": format!("{}/sitemap.xml", r.site.config.base())})
}
