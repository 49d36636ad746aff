//! Walking `content/` and assembling the [`Site`] model.
//!
//! Files are read and parsed in parallel, each on its own ([`parse_page`]); the cross-page work
//! (URLs, sections, translations, aliases) is done once afterwards ([`assemble`]). The preview
//! server keeps the parsed pages and re-parses only the files that change. Every problem is
//! collected, none stops the walk.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::front_matter::{self, FrontMatter};
use super::markdown::{self, Body};
use super::model::{Deadline, Entry, Link, Page, PageId, PageKind, Site};
use crate::config::{self, Config};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, line_col, relative};

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Publish pages marked `draft = true` too (for previews).
    pub drafts: bool,
}

/// One Markdown file, parsed on its own but not yet placed in the site: its page has no
/// parent, children or translations yet, and its aliases are not checked.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub page: Page,
    /// Line of each alias of `page.aliases` in the file, for messages.
    alias_lines: Vec<Option<usize>>,
}

impl ParsedPage {
    /// Source file relative to the knowledge base root.
    pub fn source(&self) -> &Path {
        self.page.source.as_deref().unwrap_or(Path::new(""))
    }
}

/// Loads the knowledge base at `root`. On failure, returns every error found.
pub fn load(root: &Path, opts: &LoadOptions) -> Result<Site, Diagnostics> {
    let config = config::load(root).map_err(|d| Diagnostics(vec![d]))?;
    let mut diags = Diagnostics::default();
    let files = walk(root, &mut diags);
    let results: Vec<Result<Option<ParsedPage>, Vec<Diagnostic>>> =
        files.par_iter().map(|file| parse_page(root, file, &config, opts)).collect();
    let mut parsed = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(Some(p)) => parsed.push(p),
            Ok(None) => {}
            Err(ds) => diags.extend(ds),
        }
    }
    match assemble(root, config, parsed) {
        Ok(site) if !diags.has_errors() => Ok(site),
        Ok(_) => {
            diags.sort();
            Err(diags)
        }
        Err(more) => {
            diags.extend(more);
            diags.sort();
            Err(diags)
        }
    }
}

/// Every `.md` file under `content/`, sorted. Walk errors (symlink loops, unreadable folders)
/// become diagnostics.
pub fn walk(root: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("content", "the knowledge base has no `content/` folder")
                .help("create `content/fr/` (one folder per language) with Markdown pages in it"),
        );
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&content).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if e.path().extension().is_some_and(|x| x == "md") {
                    files.push(e.into_path());
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| relative(p, root)).unwrap_or_else(|| "content".into());
                let d = if let Some(ancestor) = e.loop_ancestor() {
                    Diagnostic::error(
                        path,
                        format!(
                            "symbolic link loop: this link points back to `{}`",
                            relative(ancestor, root).display()
                        ),
                    )
                    .help("remove the link or point it outside its own parent folders")
                } else {
                    Diagnostic::error(path, format!("cannot read: {e}"))
                };
                diags.push(d);
            }
        }
    }
    files
}

/// Reads and parses one Markdown file (`file` is absolute or relative to the working folder;
/// it must be under `root/content/`). `Ok(None)` for a draft left out by `opts`. Every problem
/// of the file on its own is returned; problems between pages are found by [`assemble`].
pub fn parse_page(
    root: &Path,
    file: &Path,
    config: &Config,
    opts: &LoadOptions,
) -> Result<Option<ParsedPage>, Vec<Diagnostic>> {
    let rel = relative(file, root);
    let located = |ds: Vec<Diagnostic>| -> Vec<Diagnostic> {
        ds.into_iter().map(|d| Diagnostic { file: rel.clone(), ..d }).collect()
    };
    let bytes = std::fs::read(file)
        .map_err(|e| vec![Diagnostic::error(rel.clone(), format!("cannot read the file: {e}"))])?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, col) = line_col(valid, valid.len());
        vec![
            Diagnostic::error(rel.clone(), "the file is not valid UTF-8")
                .at(line, col)
                .help("save the file with the UTF-8 encoding (most editors: \"Save with encoding\")"),
        ]
    })?;

    let (lang, path, kind) = url_of(&rel, config).map_err(|d| located(vec![d]))?;
    let split = front_matter::split(&text).map_err(|d| located(vec![d]))?;
    let front = front_matter::parse(&text, &split).map_err(|d| located(vec![d]))?;
    if front.draft && !opts.drafts {
        return Ok(None);
    }
    let mut errors = Vec::new();
    if front.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(
            Diagnostic::error(rel.clone(), "the page has no `title`")
                .at(2, 1)
                .help("add a line `title = \"...\"` to the front matter"),
        );
    }
    let body = match markdown::parse(&text, split.body_offset) {
        Ok(body) => Some(body),
        Err(ds) => {
            errors.extend(located(ds));
            None
        }
    };
    if let Some(body) = &body {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let lines = LineIndex::new(&text);
        for entry in &body.entries {
            let (line, col) = lines.line_col(&text, entry.offset);
            if let Some(first) = seen.insert(&entry.id, line) {
                errors.push(
                    Diagnostic::error(
                        rel.clone(),
                        format!("the anchor `#{}` is already used on line {first}", entry.id),
                    )
                    .at(line, col)
                    .help("anchors must be unique in a page: give this question its own `{#anchor}`"),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let body_line = line_col(&text, split.body_offset).0;
    let alias_lines = front.aliases.iter().map(|a| line_of(&text, a)).collect();
    let file = ParsedFile { rel, lang, path, kind, front, body: body.unwrap_or_default(), text, body_line };
    Ok(Some(ParsedPage { page: into_page(file, config.base()), alias_lines }))
}

/// The pieces of one file on their way to a [`Page`].
struct ParsedFile {
    /// Path relative to the knowledge base root.
    rel: PathBuf,
    lang: String,
    path: String,
    kind: PageKind,
    front: FrontMatter,
    body: Body,
    text: String,
    body_line: usize,
}

/// Language, URL path and kind of a file from its place under `content/`.
fn url_of(rel: &Path, config: &Config) -> Result<(String, String, PageKind), Diagnostic> {
    let parts: Vec<&str> = rel
        .iter()
        .skip(1) // "content"
        .map(|c| c.to_str().unwrap_or("\u{fffd}"))
        .collect();
    let known = || config.languages.keys().cloned().collect::<Vec<_>>().join(", ");
    if parts.len() < 2 {
        return Err(Diagnostic::error(rel, "a page must be inside a language folder")
            .help(format!("move it to `content/<language>/`, one of: {}", known())));
    }
    let lang = parts[0];
    if !config.languages.contains_key(lang) {
        return Err(Diagnostic::error(rel, format!("unknown language folder `{lang}`")).help(format!(
            "use one of the languages of config.toml ({}), or add a `[languages.{lang}]` table there",
            known()
        )));
    }
    let file = parts[parts.len() - 1];
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let mut segments: Vec<&str> = parts[..parts.len() - 1].to_vec();
    let kind = if stem == "_index" {
        if segments.len() == 1 { PageKind::Home } else { PageKind::Section }
    } else {
        segments.push(stem);
        PageKind::Page
    };
    for segment in &segments {
        if !is_url_segment(segment) {
            return Err(Diagnostic::error(rel, format!("`{segment}` cannot be part of a URL"))
                .help("name files and folders with letters, digits, `-` and `_` only (no spaces)"));
        }
    }
    Ok((lang.to_string(), format!("/{}/", segments.join("/")), kind))
}

fn is_url_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An alias as a site path: `/` at both ends (unless it names a file such as `old.html`),
/// with no `.` or `..` segment that could write outside the output folder.
pub fn normalize_alias(alias: &str) -> Result<String, String> {
    if !alias.starts_with('/') {
        return Err("an alias is a path on this site and starts with `/`".into());
    }
    if alias.contains(['?', '#', '\\', '\0']) {
        return Err("an alias is a plain path: no `?`, `#` or `\\`".into());
    }
    let segments: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err("the site root `/` cannot be an alias".into());
    }
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err("`.` and `..` would write outside the output folder".into());
    }
    let last = segments[segments.len() - 1];
    let is_file = last.ends_with(".html") || last.ends_with(".htm");
    let mut path = format!("/{}", segments.join("/"));
    if !is_file {
        path.push('/');
    }
    Ok(path)
}

/// Line of the first occurrence of `needle` in `text`, for positions inside front matter.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| line_col(text, i).0)
}

/// Places parsed pages in one site: URL collisions, generated home pages, aliases, sections
/// and translations. The result does not depend on the order of `parsed`. On failure, returns
/// every problem between pages.
pub fn assemble(root: &Path, config: Config, mut parsed: Vec<ParsedPage>) -> Result<Site, Diagnostics> {
    // Stable order whatever the file system and the thread pool did.
    parsed.sort_by(|a, b| a.source().cmp(b.source()));
    let mut diags = Diagnostics::default();
    let site = assemble_sorted(root, config, parsed, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(site)
}

fn assemble_sorted(root: &Path, config: Config, parsed: Vec<ParsedPage>, diags: &mut Diagnostics) -> Site {
    let mut languages: Vec<String> = config.languages.keys().cloned().collect();
    languages.sort_by_key(|l| (*l != config.default_language, l.clone()));
    let base = config.base().to_string();

    let mut pages: Vec<Page> = Vec::with_capacity(parsed.len() + languages.len());
    // URL path -> (file that claims it, line) to report both sides of a collision.
    let mut claims: HashMap<String, (PathBuf, Option<usize>)> = HashMap::new();
    let mut by_path = HashMap::new();
    // Line of each alias in its file, by page id, for messages.
    let mut alias_lines: Vec<Vec<Option<usize>>> = Vec::new();

    for ParsedPage { page, alias_lines: lines } in parsed {
        let rel = page.source.clone().unwrap_or_default();
        if let Some((other, _)) = claims.get(&page.path) {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("the URL `{}` is also produced by `{}`", page.path, other.display()),
                )
                .help("two files cannot publish the same URL: rename or remove one of them"),
            );
            continue;
        }
        claims.insert(page.path.clone(), (rel, None));
        alias_lines.push(lines);
        by_path.insert(page.path.clone(), pages.len());
        pages.push(page);
    }

    // A home page per language, generated when `content/{lang}/_index.md` is absent.
    for lang in &languages {
        let path = format!("/{lang}/");
        if !by_path.contains_key(&path) {
            by_path.insert(path.clone(), pages.len());
            pages.push(generated_home(lang, &path, &config, &base));
        }
    }

    // Aliases after every page, so that an alias colliding with a page is always reported.
    for (id, lines) in alias_lines.into_iter().enumerate() {
        let mut aliases = Vec::new();
        let source = pages[id].source.clone().unwrap_or_default();
        for (raw, line) in std::mem::take(&mut pages[id].aliases).into_iter().zip(lines) {
            let at = |d: Diagnostic| match line {
                Some(l) => d.at_line(l),
                None => d,
            };
            match normalize_alias(&raw) {
                Err(why) => {
                    diags.push(at(Diagnostic::error(source.clone(), format!("invalid alias `{raw}`: {why}"))
                        .help("write the old URL as a path, e.g. `/fr/ancienne-page/`")))
                }
                Ok(path) => {
                    if let Some((other, _)) = claims.get(&path) {
                        diags.push(at(Diagnostic::error(
                            source.clone(),
                            format!("the alias `{path}` is also claimed by `{}`", other.display()),
                        )
                        .help("an old URL can redirect to one page only: remove one of the claims")));
                    } else {
                        claims.insert(path.clone(), (source.clone(), line));
                        aliases.push(path);
                    }
                }
            }
        }
        pages[id].aliases = aliases;
    }

    link_sections(&mut pages, &by_path);
    link_translations(&mut pages, &languages, diags);

    Site { root: root.to_path_buf(), config, languages, pages, by_path }
}

fn into_page(file: ParsedFile, base: &str) -> Page {
    let ParsedFile { rel, lang, path, kind, front, body, text, body_line } = file;
    let lines = LineIndex::new(&text);
    let entries = body
        .entries
        .into_iter()
        .map(|e| Entry {
            line: lines.line_col(&text, e.offset).0,
            id: e.id,
            explicit_id: e.explicit_id,
            question: e.question,
            question_html: e.question_html,
            answer_html: e.answer_html,
            answer_text: e.answer_text,
        })
        .collect();
    let links = body
        .links
        .into_iter()
        .map(|l| {
            let (line, column) = lines.line_col(&text, l.offset);
            let (p, anchor) = match l.dest.split_once('#') {
                Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
                None => (l.dest.as_str(), None),
            };
            let p = p.split('?').next().unwrap_or_default();
            let target = if p.is_empty() { path.clone() } else { normalize_link_path(p) };
            Link { path: target, anchor, line, column }
        })
        .collect();
    let mut deadlines: Vec<Deadline> = front
        .deadlines
        .iter()
        .filter_map(|d| Some(Deadline { date: front_matter::to_date(&d.date)?, label: d.label.clone() }))
        .collect();
    deadlines.sort();
    Page {
        unknown_keys: front.extra.keys().cloned().collect(),
        kind,
        permalink: format!("{base}{path}"),
        lang,
        source: Some(rel),
        path,
        title: front.title.unwrap_or_default(),
        description: front.description,
        translation_key: front.translation_key,
        tags: front.tags,
        updated: front.updated.as_ref().and_then(front_matter::to_date),
        aliases: front.aliases,
        weight: front.weight,
        draft: front.draft,
        deadlines,
        intro_html: body.intro_html,
        intro_text: body.intro_text,
        entries,
        links,
        parent: None,
        children: Vec::new(),
        translations: Vec::new(),
        body_line,
    }
}

/// A link path with a trailing `/` unless it names a file (`/guide.pdf`).
pub fn normalize_link_path(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or_default();
    if p.ends_with('/') || last.contains('.') { p.to_string() } else { format!("{p}/") }
}

fn generated_home(lang: &str, path: &str, config: &Config, base: &str) -> Page {
    Page {
        unknown_keys: Vec::new(),
        kind: PageKind::Home,
        lang: lang.to_string(),
        source: None,
        path: path.to_string(),
        permalink: format!("{base}{path}"),
        title: config.language_title(lang).to_string(),
        description: None,
        translation_key: None,
        tags: Vec::new(),
        updated: None,
        aliases: Vec::new(),
        weight: None,
        draft: false,
        deadlines: Vec::new(),
        intro_html: String::new(),
        intro_text: String::new(),
        entries: Arc::default(),
        links: Arc::default(),
        parent: None,
        children: Vec::new(),
        translations: Vec::new(),
        body_line: 1,
    }
}

/// Parent and children: a page belongs to the nearest folder above it that has a section
/// page, or to its language's home.
fn link_sections(pages: &mut [Page], by_path: &HashMap<String, PageId>) {
    for id in 0..pages.len() {
        if pages[id].kind == PageKind::Home {
            continue;
        }
        let mut path = pages[id].path.trim_end_matches('/').to_string();
        let parent = loop {
            match path.rfind('/') {
                Some(i) if i > 0 => {
                    path.truncate(i);
                    if let Some(&p) = by_path.get(&format!("{path}/")) {
                        break Some(p);
                    }
                }
                _ => break None,
            }
        };
        pages[id].parent = parent;
        if let Some(p) = parent {
            pages[p].children.push(id);
        }
    }
    for id in 0..pages.len() {
        let mut children = std::mem::take(&mut pages[id].children);
        sort_children(pages, &mut children);
        pages[id].children = children;
    }
}

/// The order of the children of a section or home page: by weight (pages without one last),
/// then title, then place in the site.
pub fn sort_children(pages: &[Page], children: &mut [PageId]) {
    children.sort_unstable();
    children.sort_by_cached_key(|&c| {
        let p = &pages[c];
        (p.weight.is_none(), p.weight, p.title.to_lowercase())
    });
}

/// Pages that share a `translation_key` are translations of each other; one per language.
fn link_translations(pages: &mut [Page], languages: &[String], diags: &mut Diagnostics) {
    let mut groups: BTreeMap<&str, Vec<PageId>> = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        if let Some(key) = page.translation_key.as_deref() {
            groups.entry(key).or_default().push(id);
        }
    }
    let order = |lang: &str| languages.iter().position(|l| l == lang).unwrap_or(usize::MAX);
    let mut links: Vec<(PageId, Vec<PageId>)> = Vec::new();
    for (key, mut ids) in groups {
        ids.sort_by_key(|&id| order(&pages[id].lang));
        for pair in ids.windows(2) {
            let (a, b) = (&pages[pair[0]], &pages[pair[1]]);
            if a.lang == b.lang {
                let file = b.source.clone().unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "`translation_key = \"{key}\"` is also used by `{}` in the same language",
                            a.source.as_deref().unwrap_or(Path::new(&a.path)).display()
                        ),
                    )
                    .help("a page has at most one translation per language: give one page another key"),
                );
            }
        }
        for &id in &ids {
            links.push((id, ids.iter().copied().filter(|&o| o != id).collect()));
        }
    }
    for (id, others) in links {
        pages[id].translations = others;
    }
    // Home pages are always translations of each other, whatever their front matter says.
    let homes: Vec<PageId> = languages
        .iter()
        .filter_map(|l| pages.iter().position(|p| p.kind == PageKind::Home && &p.lang == l))
        .collect();
    for &id in &homes {
        pages[id].translations = homes.iter().copied().filter(|&o| o != id).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_normalised_and_escapes_refused() {
        assert_eq!(normalize_alias("/fr/vieux").unwrap(), "/fr/vieux/");
        assert_eq!(normalize_alias("/fr//vieux/").unwrap(), "/fr/vieux/");
        assert_eq!(normalize_alias("/old/page.html").unwrap(), "/old/page.html");
        assert!(normalize_alias("/fr/../../etc/").is_err());
        assert!(normalize_alias("fr/x/").is_err());
        assert!(normalize_alias("/").is_err());
    }

    #[test]
    fn link_paths_get_a_trailing_slash_unless_files() {
        assert_eq!(normalize_link_path("/fr/a"), "/fr/a/");
        assert_eq!(normalize_link_path("/fr/a/"), "/fr/a/");
        assert_eq!(normalize_link_path("/doc.pdf"), "/doc.pdf");
    }
}
