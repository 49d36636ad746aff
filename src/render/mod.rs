//! Rendering the site model into static files with the theme's tera templates.
//!
//! Every output is a pure function of the model, the theme and the build date, so pages can
//! be rendered in parallel and re-rendered one at a time by the preview server.

pub mod context;
pub mod feeds;
pub mod search;
pub mod share;
pub mod structured;
pub mod theme;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Context;

use crate::content::{PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
pub use theme::Theme;

/// One file the build writes, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Page(PageId),
    /// An old URL (normalised alias path) that redirects to a page.
    Alias(PageId, String),
    Root,
    NotFound,
    Sitemap,
    Robots,
    /// The share page of one question (page, index in `entries`): see [`share`].
    Share(PageId, usize),
    /// A language's "upcoming deadlines" page (`/fr/echeances/`).
    Deadlines(String),
    /// A language's deadlines as an iCalendar feed (`/fr/echeances.ics`).
    Calendar(String),
    /// A language's search page (`/fr/recherche/`).
    Search(String),
    /// A language's search index, read by the search page (`/fr/recherche.json`).
    SearchIndex(String),
    /// A language's Atom feed of reviewed pages (`/fr/atom.xml`).
    Feed(String),
}

/// URL paths of the files generated once per language. The slugs come from the UI strings
/// `slug_deadlines` and `slug_search` (`echeances`/`deadlines`, `recherche`/`search`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LangFiles {
    /// `/fr/echeances/`
    pub deadlines: String,
    /// `/fr/echeances.ics`
    pub calendar: String,
    /// `/fr/recherche/`
    pub search: String,
    /// `/fr/recherche.json`
    pub search_index: String,
    /// `/fr/atom.xml`
    pub feed: String,
}

/// Renders outputs of one site with one theme.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// ISO date of the build, which decides whether a deadline is past.
    pub build_date: chrono::NaiveDate,
    /// HTML inserted before `</body>` of every page (the preview's reload script).
    pub inject: Option<String>,
    /// Alias path -> page, built once: every share page is checked against it.
    aliases: std::sync::OnceLock<std::collections::HashMap<String, PageId>>,
    /// The keys every template of a language shares, serialised once per build.
    common:
        std::sync::OnceLock<std::collections::HashMap<String, serde_json::Map<String, serde_json::Value>>>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        Renderer {
            site,
            theme,
            build_date: chrono::Local::now().date_naive(),
            inject: None,
            common: std::sync::OnceLock::new(),
            aliases: std::sync::OnceLock::new(),
        }
    }

    /// Every output of the site, pages first.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out: Vec<Output> = (0..self.site.pages.len()).map(Output::Page).collect();
        for (id, page) in self.site.pages.iter().enumerate() {
            out.extend(page.aliases.iter().map(|a| Output::Alias(id, a.clone())));
        }
        out.extend([Output::Root, Output::NotFound, Output::Sitemap, Output::Robots]);
        out.extend(self.site.languages.iter().map(|lang| Output::Search(lang.clone())));
        out.extend(self.listings());
        for (id, page) in self.site.pages.iter().enumerate() {
            out.extend((0..page.entries.len()).map(|i| Output::Share(id, i)));
        }
        out
    }

    /// The outputs that list every page of a language: deadlines page and calendar, search
    /// index, Atom feed.
    pub fn listings(&self) -> Vec<Output> {
        let mut out = Vec::new();
        for lang in &self.site.languages {
            out.extend([
                Output::Deadlines(lang.clone()),
                Output::Calendar(lang.clone()),
                Output::SearchIndex(lang.clone()),
                Output::Feed(lang.clone()),
            ]);
        }
        out
    }

    /// Site paths of the generated files that are not pages nor aliases (root, 404, sitemap,
    /// feeds, search and deadlines pages...), which authors may link to.
    pub fn generated_paths(&self) -> Vec<String> {
        self.outputs()
            .iter()
            .filter(|o| !matches!(o, Output::Page(_) | Output::Alias(..) | Output::Share(..)))
            .map(|o| self.path_of(o))
            .collect()
    }

    /// The files generated for one language.
    pub fn lang_files(&self, lang: &str) -> LangFiles {
        let strings = self.theme.strings_for(lang);
        let slug = |key: &str, default: &str| {
            let s = strings.get(key).and_then(|v| v.as_str()).map(slug::slugify).unwrap_or_default();
            if s.is_empty() { default.to_string() } else { s }
        };
        let deadlines = slug("slug_deadlines", "deadlines");
        let search = slug("slug_search", "search");
        LangFiles {
            deadlines: format!("/{lang}/{deadlines}/"),
            calendar: format!("/{lang}/{deadlines}.ics"),
            search: format!("/{lang}/{search}/"),
            search_index: format!("/{lang}/{search}.json"),
            feed: format!("/{lang}/atom.xml"),
        }
    }

    /// Site path of an output (`/fr/a/`, `/fr/echeances.ics`, `/404.html`).
    pub fn path_of(&self, output: &Output) -> String {
        match output {
            Output::Page(id) => self.site.pages[*id].path.clone(),
            Output::Alias(_, alias) => alias.clone(),
            Output::Share(id, i) => {
                let page = &self.site.pages[*id];
                share::share_path(page, &page.entries[*i])
            }
            Output::Deadlines(lang) => self.lang_files(lang).deadlines,
            Output::Calendar(lang) => self.lang_files(lang).calendar,
            Output::Search(lang) => self.lang_files(lang).search,
            Output::SearchIndex(lang) => self.lang_files(lang).search_index,
            Output::Feed(lang) => self.lang_files(lang).feed,
            other => format!("/{}", self.file_of(other).to_string_lossy().replace('\\', "/")),
        }
    }

    /// What else of the site would be written at `path`, besides `except`: a page, an alias,
    /// or the deadlines or search page of that language. `None` when the path is free.
    fn occupant(&self, path: &str, lang: &str, except: &Output) -> Option<String> {
        let describe_page = |id: PageId| {
            let p = &self.site.pages[id];
            p.source.as_ref().map_or_else(|| format!("the page {}", p.path), |s| s.display().to_string())
        };
        if let Some(&id) = self.site.by_path.get(path)
            && *except != Output::Page(id)
        {
            return Some(describe_page(id));
        }
        let aliases = self.aliases.get_or_init(|| {
            let pages = self.site.pages.iter().enumerate();
            pages.flat_map(|(id, p)| p.aliases.iter().map(move |a| (a.clone(), id))).collect()
        });
        if let Some(&id) = aliases.get(path) {
            return Some(format!("an alias of {}", describe_page(id)));
        }
        let files = self.lang_files(lang);
        if path == files.deadlines && !matches!(except, Output::Deadlines(_)) {
            return Some(format!("the deadlines page {path} (UI string `slug_deadlines`)"));
        }
        if path == files.search && !matches!(except, Output::Search(_)) {
            return Some(format!("the search page {path} (UI string `slug_search`)"));
        }
        None
    }

    /// An error when a generated page would overwrite a page, an alias or another generated
    /// page: the build reports it, naming both, instead of writing one over the other.
    fn collision(&self, output: &Output) -> Option<Diagnostic> {
        let path = self.path_of(output);
        match output {
            Output::Share(id, i) => {
                let page = &self.site.pages[*id];
                let entry = &page.entries[*i];
                let other = self.occupant(&path, &page.lang, output)?;
                let file = page.source.clone().unwrap_or_else(|| self.file_of(output));
                Some(
                    Diagnostic::error(
                        file,
                        format!(
                            "the share page of question `#{}` would be at {path}, which is also {other}",
                            entry.id
                        ),
                    )
                    .at_line(entry.line)
                    .help("give the question another anchor with `{#id}`, or move the other page"),
                )
            }
            Output::Deadlines(lang) | Output::Search(lang) => {
                let other = self.occupant(&path, lang, output)?;
                let what = if matches!(output, Output::Search(_)) { "search" } else { "deadlines" };
                Some(
                    Diagnostic::error(
                        format!("templates/i18n/{lang}.toml"),
                        format!("the {what} page would be at {path}, which is also {other}"),
                    )
                    .help(format!(
                        "set another `slug_{what}` in templates/i18n/{lang}.toml, or move the page"
                    )),
                )
            }
            _ => None,
        }
    }

    /// Where an output is written, relative to the output folder.
    pub fn file_of(&self, output: &Output) -> PathBuf {
        match output {
            Output::Page(id) => url_to_file(&self.site.pages[*id].path),
            Output::Alias(_, alias) => url_to_file(alias),
            Output::Root => "index.html".into(),
            Output::NotFound => "404.html".into(),
            Output::Sitemap => "sitemap.xml".into(),
            Output::Robots => "robots.txt".into(),
            other => url_to_file(&self.path_of(other)),
        }
    }

    /// The bytes of one output (UTF-8 text). Bytes rather than a `String`: tera writes valid
    /// UTF-8, and checking it again for every file is a measurable share of a large build.
    pub fn render(&self, output: &Output) -> Result<Vec<u8>, Diagnostic> {
        if let Some(error) = self.collision(output) {
            return Err(error);
        }
        let (template, ctx) = match output {
            Output::Page(id) => {
                let page = &self.site.pages[*id];
                let template = match page.kind {
                    crate::content::PageKind::Home => "home.html",
                    crate::content::PageKind::Section => "section.html",
                    crate::content::PageKind::Page => "page.html",
                };
                (template, context::page(self, *id))
            }
            Output::Alias(id, _) => ("alias.html", context::alias(self, *id)),
            Output::Root => ("root.html", context::root(self)),
            Output::NotFound => ("404.html", context::not_found(self)),
            Output::Sitemap => ("sitemap.xml", context::sitemap(self)),
            Output::Robots => ("robots.txt", context::robots(self)),
            Output::Share(id, i) => ("share.html", context::share(self, *id, *i)),
            Output::Deadlines(lang) => ("deadlines.html", context::deadlines(self, lang)),
            Output::Search(lang) => ("search.html", context::search(self, lang)),
            Output::Calendar(lang) => {
                let name =
                    format!("{} | {}", self.string(lang, "deadlines"), self.site.config.language_title(lang));
                return Ok(feeds::calendar(self.site, lang, &name, self.build_date).into_bytes());
            }
            Output::Feed(lang) => {
                let files = self.lang_files(lang);
                let title = self.site.config.language_title(lang);
                return Ok(
                    feeds::atom(self.site, lang, title, &files.feed, &format!("/{lang}/")).into_bytes()
                );
            }
            Output::SearchIndex(lang) => {
                return search::index(self.site, lang).map(String::into_bytes).map_err(|e| {
                    Diagnostic::error(self.file_of(output), format!("cannot write the search index: {e}"))
                });
            }
        };
        let ctx = Context::from_value(ctx).map_err(|e| self.error(output, template, &e))?;
        let mut html = Vec::with_capacity(16 * 1024);
        self.theme.tera.render_to(template, &ctx, &mut html).map_err(|e| self.error(output, template, &e))?;
        if let Some(inject) = &self.inject
            && template.ends_with(".html")
        {
            const BODY_END: &[u8] = b"</body>";
            match html.windows(BODY_END.len()).rposition(|w| w == BODY_END) {
                Some(i) => drop(html.splice(i..i, inject.bytes())),
                None => html.extend_from_slice(inject.as_bytes()),
            }
        }
        Ok(html)
    }

    /// A UI string of a language, or `key` itself when the theme lacks it.
    pub fn string(&self, lang: &str, key: &str) -> String {
        self.theme.strings_for(lang).get(key).and_then(|v| v.as_str()).unwrap_or(key).to_string()
    }

    fn error(&self, output: &Output, template: &str, e: &tera::Error) -> Diagnostic {
        let file = match output {
            Output::Page(id) | Output::Alias(id, _) | Output::Share(id, _) => {
                self.site.pages[*id].source.clone().unwrap_or_else(|| self.file_of(output))
            }
            _ => self.file_of(output),
        };
        Diagnostic::error(file, format!("template `{template}` failed: {}", theme::error_chain(e)))
            .help("fix the template, or remove your override to use the built-in one")
    }

    /// Renders and writes the given outputs under `dir`, in parallel.
    pub fn write(
        &self,
        outputs: &[Output],
        dir: &Path,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(), Diagnostics> {
        let errors: Vec<Diagnostic> = outputs
            .par_iter()
            .filter_map(|output| {
                let result = self.render(output).and_then(|text| {
                    let path = dir.join(self.file_of(output));
                    write_file(&path, &text)
                        .map_err(|e| Diagnostic::error(path, format!("cannot write: {e}")))
                });
                progress();
                result.err()
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(collapse(errors)) }
    }

    /// Copies the theme's assets, then the knowledge base's `static/` over them.
    pub fn copy_static(&self, dir: &Path) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::default();
        for (name, bytes) in &self.theme.assets {
            let path = dir.join(name);
            if let Err(e) = write_file(&path, bytes) {
                diags.push(Diagnostic::error(path, format!("cannot write: {e}")));
            }
        }
        let source = self.site.root.join("static");
        if source.is_dir() {
            for entry in walkdir::WalkDir::new(&source).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let rel = e.path().strip_prefix(&source).unwrap_or(e.path());
                        let target = dir.join(rel);
                        let copied = target
                            .parent()
                            .map_or(Ok(()), std::fs::create_dir_all)
                            .and_then(|_| std::fs::copy(e.path(), &target).map(|_| ()));
                        if let Err(err) = copied {
                            diags.push(Diagnostic::error(
                                crate::diagnostics::relative(e.path(), &self.site.root),
                                format!("cannot copy: {err}"),
                            ));
                        }
                    }
                    Ok(_) => {}
                    Err(err) => diags.push(Diagnostic::error("static", format!("cannot read: {err}"))),
                }
            }
        }
        if diags.is_empty() { Ok(()) } else { Err(diags) }
    }
}

/// A broken template fails every page the same way: report it once, with a count.
fn collapse(errors: Vec<Diagnostic>) -> Diagnostics {
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    for e in errors {
        match out.iter_mut().find(|(d, _)| d.message == e.message) {
            Some((_, n)) => *n += 1,
            None => out.push((e, 0)),
        }
    }
    Diagnostics(
        out.into_iter()
            .map(|(mut d, n)| {
                if n > 0 {
                    d.message.push_str(&format!(" (and {n} other outputs)"));
                }
                d
            })
            .collect(),
    )
}

/// `/fr/a/` -> `fr/a/index.html`; `/old/page.html` -> `old/page.html`.
pub fn url_to_file(path: &str) -> PathBuf {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if path.ends_with('/') {
        Path::new(trimmed).join("index.html")
    } else {
        trimmed.into()
    }
}

/// Writes a file, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_index_files() {
        assert_eq!(url_to_file("/fr/a/"), PathBuf::from("fr/a/index.html"));
        assert_eq!(url_to_file("/old/page.html"), PathBuf::from("old/page.html"));
        assert_eq!(url_to_file("/"), PathBuf::from("index.html"));
    }
}
