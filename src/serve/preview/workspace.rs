//! The preview's incremental model: the parsed pages of a knowledge base kept in memory, the
//! last site that rendered without error, and the folder it was rendered into.
//!
//! A change of some `content/**.md` files re-parses only those files. When each changed file
//! is still the same page at the same place (same URL, kind, aliases and translation key: an
//! edit of its text, title or weight), the pages are replaced in the last good site itself,
//! only their own links are checked (all links when a question went away), and only the
//! outputs that show them are rendered ([`super::affected::plan_in_place`]): nothing is done
//! for the rest of the site. Otherwise (a page added, removed, renamed...) the site is
//! assembled again from the parsed pages (no Markdown), every link is checked, and the outputs
//! that differ are rendered ([`super::affected::plan`]). A change of `config.toml`,
//! `templates/` or `static/` re-renders everything into a fresh folder that replaces the served
//! one when complete. Any error keeps the last good render, and the last good site, as they
//! are.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::affected;
use super::watch::is_editor_file;
use crate::build::published_files;
use crate::config::{self, Config};
use crate::content::load::{ParsedPage, assemble, normalize_alias, parse_page, sort_children, walk};
use crate::content::{LoadOptions, Page, PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{Output, Renderer, Theme, write_file};

/// What changed on disk, as the watcher saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These Markdown files (relative to the root) were written, created or removed.
    Content(BTreeSet<PathBuf>),
    /// Something under `content/` that is not one Markdown file (a folder renamed or removed):
    /// walk `content/` again, parsing only the files not known yet.
    Rescan,
    /// `config.toml`, `templates/` or `static/`: reload and render everything.
    Full,
}

impl Change {
    /// One change standing for both (the watcher may deliver several before a rebuild).
    pub fn merge(self, other: Change) -> Change {
        match (self, other) {
            (Change::Full, _) | (_, Change::Full) => Change::Full,
            (Change::Rescan, _) | (_, Change::Rescan) => Change::Rescan,
            (Change::Content(mut a), Change::Content(b)) => {
                a.extend(b);
                Change::Content(a)
            }
        }
    }
}

/// What one successful rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Everything was rendered again.
    pub full: bool,
    /// Files written, relative to the served folder (`fr/a/index.html`).
    pub written: Vec<PathBuf>,
    /// Files deleted, relative to the served folder.
    pub removed: Vec<PathBuf>,
    /// The page to show (URL path) and its first changed question, when one page changed.
    pub focus: Option<(String, Option<String>)>,
    /// Source files that changed since the previous good render.
    pub sources: Vec<PathBuf>,
}

/// The knowledge base as the preview server sees it.
pub struct Workspace {
    root: PathBuf,
    opts: LoadOptions,
    /// Parent of the served folders (`.guichet/preview/`).
    base: PathBuf,
    /// The folder being served; replaced as a whole by a full render.
    dir: PathBuf,
    generation: u64,
    config: Result<Config, Diagnostic>,
    theme: Result<Arc<Theme>, Diagnostics>,
    walk_errors: Vec<Diagnostic>,
    /// Every Markdown file under `content/` and what parsing it gave, by path from the root.
    files: BTreeMap<PathBuf, Result<Option<ParsedPage>, Vec<Diagnostic>>>,
    /// The site rendered in `dir`, `None` before the first good render.
    good: Option<Site>,
    /// The pages of `good` by source file.
    good_by_source: HashMap<PathBuf, PageId>,
    /// The published files that are not pages ([`published_files`]), which only a full
    /// rebuild changes; `None` until the first site assembles after one.
    published: Option<Vec<String>>,
    /// Sources changed since `good` was rendered (errors in between accumulate).
    changed: BTreeSet<PathBuf>,
    /// Everything must be rendered again at the next good state.
    full_due: bool,
}

impl Workspace {
    /// A workspace for the knowledge base at `root` (an absolute path), rendering under
    /// `base`, which it owns and empties. Nothing is loaded until the first [`Workspace::rebuild`].
    pub fn new(root: PathBuf, drafts: bool, base: PathBuf) -> std::io::Result<Workspace> {
        if base.exists() {
            std::fs::remove_dir_all(&base)?;
        }
        let dir = base.join("0");
        std::fs::create_dir_all(&dir)?;
        Ok(Workspace {
            root,
            opts: LoadOptions { drafts },
            base,
            dir,
            generation: 0,
            config: Err(Diagnostic::error("config.toml", "not loaded yet")),
            theme: Err(Diagnostics::default()),
            walk_errors: Vec::new(),
            files: BTreeMap::new(),
            good: None,
            good_by_source: HashMap::new(),
            published: None,
            changed: BTreeSet::new(),
            full_due: true,
        })
    }

    /// The folder to serve files from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last site that rendered without error.
    pub fn site(&self) -> Option<&Site> {
        self.good.as_ref()
    }

    /// The knowledge base root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Brings the render up to date after `change`. On error, the served folder is left as
    /// it was and every problem is returned; the next successful rebuild catches up on all
    /// changes since the last good one.
    pub fn rebuild(&mut self, change: Change) -> Result<Rebuilt, Diagnostics> {
        match change {
            Change::Full => {
                self.full_due = true;
                self.published = None;
                self.config = config::load(&self.root);
                self.theme = Theme::load(&self.root).map(Arc::new);
                self.rescan(true);
            }
            Change::Rescan => self.rescan(false),
            Change::Content(files) => {
                for rel in files {
                    self.reparse(&rel);
                    self.changed.insert(rel);
                }
            }
        }
        if !self.full_due
            && let Some(edits) = self.edits_in_place()
        {
            return self.rebuild_in_place(edits);
        }
        let (site, theme) = self.assemble()?;
        let rebuilt = if self.full_due || self.good.is_none() {
            self.render_all(&site, &theme)?
        } else {
            self.render_changes(&site, &theme)?
        };
        self.good_by_source =
            site.pages.iter().enumerate().filter_map(|(id, p)| Some((p.source.clone()?, id))).collect();
        self.good = Some(site);
        self.changed.clear();
        self.full_due = false;
        Ok(rebuilt)
    }

    /// Renders again the files that list every page of a language (search index, feed,
    /// calendar, deadlines page; see [`Renderer::listings`]) from the last good site, and
    /// returns them. An incremental rebuild leaves them out: on a large site they take longer
    /// than the edited page itself (0.6 to 0.8 s on 10,000 pages), so the
    /// preview serves the page first and calls this after.
    pub fn render_listings(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        let (Some(site), Ok(theme)) = (&self.good, &self.theme) else {
            return Ok(Vec::new());
        };
        let plan = affected::Plan { render: Self::renderer(site, theme).listings(), ..Default::default() };
        render_plan(&self.dir, site, theme, &plan).map(|(written, _)| written)
    }

    /// The changed files as pages of the last good site, placed as their previous versions
    /// were, if that is all they are: every changed file was and still is a published page
    /// at the same URL, of the same kind, with the same aliases and translation key, and
    /// nothing else stands in the way of a build (no file in error).
    fn edits_in_place(&self) -> Option<Vec<(PageId, Page)>> {
        let good = self.good.as_ref()?;
        if self.config.is_err()
            || self.theme.is_err()
            || !self.walk_errors.is_empty()
            || self.published.is_none()
        {
            return None;
        }
        if self.files.values().any(Result::is_err) {
            return None;
        }
        let mut edits = Vec::with_capacity(self.changed.len());
        for rel in &self.changed {
            let &id = self.good_by_source.get(rel)?;
            let Some(Ok(Some(parsed))) = self.files.get(rel) else { return None };
            let (old, new) = (&good.pages[id], &parsed.page);
            // An alias of the old page was valid and unclaimed: the same one still is.
            let same_aliases = new.aliases.len() == old.aliases.len()
                && new
                    .aliases
                    .iter()
                    .zip(&old.aliases)
                    .all(|(raw, a)| normalize_alias(raw).as_ref() == Ok(a));
            if new.path != old.path
                || new.kind != old.kind
                || new.lang != old.lang
                || new.translation_key != old.translation_key
                || !same_aliases
            {
                return None;
            }
            let mut page = new.clone();
            page.parent = old.parent;
            page.children = old.children.clone();
            page.translations = old.translations.clone();
            page.aliases = old.aliases.clone();
            edits.push((id, page));
        }
        Some(edits)
    }

    /// Puts the edited pages into the last good site, checks their links, and renders what
    /// shows them. On error, the site is put back as it was.
    fn rebuild_in_place(&mut self, edits: Vec<(PageId, Page)>) -> Result<Rebuilt, Diagnostics> {
        let (Ok(theme), Some(published), Some(site)) = (&self.theme, &self.published, self.good.as_mut())
        else {
            // Checked by `edits_in_place`.
            unreachable!("an edit in place needs a theme, a good site and its published files");
        };
        let mut before = Vec::with_capacity(edits.len());
        // Sections whose children are listed in another order now, with the previous order.
        let mut reordered: Vec<(PageId, Vec<PageId>)> = Vec::new();
        for (id, page) in edits {
            let old = std::mem::replace(&mut site.pages[id], page);
            let new = &site.pages[id];
            if (&old.title, old.weight) != (&new.title, new.weight)
                && let Some(parent) = new.parent
                && !reordered.iter().any(|(p, _)| *p == parent)
            {
                reordered.push((parent, site.pages[parent].children.clone()));
            }
            before.push((id, old));
        }
        for (parent, _) in &reordered {
            let mut children = std::mem::take(&mut site.pages[*parent].children);
            sort_children(&site.pages, &mut children);
            site.pages[*parent].children = children;
        }
        let undo = |site: &mut Site, before: Vec<(PageId, Page)>, reordered: Vec<(PageId, Vec<PageId>)>| {
            for (id, page) in before {
                site.pages[id] = page;
            }
            for (parent, children) in reordered {
                site.pages[parent].children = children;
            }
        };

        // Other pages' links can only break on a question that went away.
        let anchors_kept =
            before.iter().all(|(id, old)| old.entries.iter().all(|e| site.pages[*id].has_anchor(&e.id)));
        let broken = if anchors_kept {
            crate::check::broken_links_from(site, published, before.iter().map(|(id, _)| *id))
        } else {
            crate::check::broken_links(site, published)
        };
        if !broken.is_empty() {
            undo(site, before, reordered);
            let mut d = Diagnostics(broken);
            d.sort();
            return Err(d);
        }

        let plan = affected::plan_in_place(site, &before);
        match render_plan(&self.dir, site, theme, &plan) {
            Ok((written, removed)) => Ok(Rebuilt {
                full: false,
                written,
                removed,
                focus: plan.focus,
                sources: std::mem::take(&mut self.changed).into_iter().collect(),
            }),
            Err(d) => {
                undo(site, before, reordered);
                Err(d)
            }
        }
    }

    /// Walks `content/` again. `all`: re-parse every file (the configuration may have
    /// changed); otherwise only files not known yet, and forget files that are gone.
    fn rescan(&mut self, all: bool) {
        let mut diags = Diagnostics::default();
        let found: BTreeSet<PathBuf> = walk(&self.root, &mut diags)
            .into_iter()
            .map(|f| f.strip_prefix(&self.root).map(Path::to_path_buf).unwrap_or(f))
            .filter(|f| !f.file_name().and_then(|n| n.to_str()).is_some_and(is_editor_file))
            .collect();
        // An editor's lock file may be a dangling link: not an error of the knowledge base.
        diags.0.retain(|d| !d.file.file_name().and_then(|n| n.to_str()).is_some_and(is_editor_file));
        self.walk_errors = diags.0;
        let gone: Vec<PathBuf> = self.files.keys().filter(|k| !found.contains(*k)).cloned().collect();
        for rel in gone {
            self.files.remove(&rel);
            self.changed.insert(rel);
        }
        let todo: Vec<PathBuf> = found.into_iter().filter(|f| all || !self.files.contains_key(f)).collect();
        let Ok(config) = &self.config else {
            return;
        };
        let parsed: Vec<_> = todo
            .par_iter()
            .map(|rel| (rel.clone(), parse_page(&self.root, &self.root.join(rel), config, &self.opts)))
            .collect();
        for (rel, result) in parsed {
            self.files.insert(rel.clone(), result);
            self.changed.insert(rel);
        }
    }

    /// Parses one file again, or forgets it when it is gone.
    fn reparse(&mut self, rel: &Path) {
        let file = self.root.join(rel);
        match &self.config {
            Ok(config) if file.is_file() => {
                let result = parse_page(&self.root, &file, config, &self.opts);
                self.files.insert(rel.to_path_buf(), result);
            }
            _ => {
                self.files.remove(rel);
            }
        }
    }

    /// The site from the parsed files, if everything a build refuses is absent.
    fn assemble(&mut self) -> Result<(Site, Arc<Theme>), Diagnostics> {
        let mut diags = Diagnostics::default();
        if let Err(d) = &self.config {
            diags.push(d.clone());
        }
        if let Err(ds) = &self.theme {
            diags.extend(ds.0.iter().cloned());
        }
        diags.extend(self.walk_errors.iter().cloned());
        let mut pages = Vec::with_capacity(self.files.len());
        for result in self.files.values() {
            match result {
                Ok(Some(p)) => pages.push(p.clone()),
                Ok(None) => {}
                Err(ds) => diags.extend(ds.iter().cloned()),
            }
        }
        let (Ok(config), Ok(theme)) = (&self.config, &self.theme) else {
            diags.sort();
            return Err(diags);
        };
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        let site = assemble(&self.root, config.clone(), pages)?;
        let published = self.published.get_or_insert_with(|| published_files(&site, theme));
        let broken = crate::check::broken_links(&site, published);
        if !broken.is_empty() {
            let mut d = Diagnostics(broken);
            d.sort();
            return Err(d);
        }
        Ok((site, Arc::clone(theme)))
    }

    fn renderer<'a>(site: &'a Site, theme: &'a Theme) -> Renderer<'a> {
        let mut r = Renderer::new(site, theme);
        r.inject = Some(super::client::script());
        r
    }

    /// Renders everything into a new folder and serves it instead of the current one.
    fn render_all(&mut self, site: &Site, theme: &Theme) -> Result<Rebuilt, Diagnostics> {
        let renderer = Self::renderer(site, theme);
        let outputs = renderer.outputs();
        let next = self.base.join((self.generation + 1).to_string());
        let io = |e: std::io::Error| {
            Diagnostics(vec![Diagnostic::error(&next, format!("cannot write the preview: {e}"))])
        };
        if next.exists() {
            std::fs::remove_dir_all(&next).map_err(io)?;
        }
        let written = renderer.write(&outputs, &next, &|| {}).and_then(|()| renderer.copy_static(&next));
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&next);
            return Err(e);
        }
        let old = std::mem::replace(&mut self.dir, next);
        self.generation += 1;
        // Requests in flight may still read the old folder: a moment of 404 at worst.
        let _ = std::fs::remove_dir_all(old);
        Ok(Rebuilt {
            full: true,
            written: outputs.iter().map(|o| renderer.file_of(o)).collect(),
            removed: Vec::new(),
            focus: None,
            sources: std::mem::take(&mut self.changed).into_iter().collect(),
        })
    }

    /// Renders the outputs affected by the changed sources in memory, then writes them and
    /// deletes the files no longer produced: nothing is touched if one output fails.
    fn render_changes(&mut self, site: &Site, theme: &Theme) -> Result<Rebuilt, Diagnostics> {
        let Some(old) = &self.good else {
            return self.render_all(site, theme);
        };
        let plan = affected::plan(old, site, &self.changed);
        let (written, removed) = render_plan(&self.dir, site, theme, &plan)?;
        Ok(Rebuilt {
            full: false,
            written,
            removed,
            focus: plan.focus,
            sources: std::mem::take(&mut self.changed).into_iter().collect(),
        })
    }
}

/// Renders the outputs of `plan` in memory, then writes them into `dir` and deletes the files
/// no longer produced: nothing is touched if one output fails. Returns the files written and
/// removed, relative to `dir`.
fn render_plan(
    dir: &Path,
    site: &Site,
    theme: &Theme,
    plan: &affected::Plan,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostics> {
    let renderer = Workspace::renderer(site, theme);
    let rendered: Vec<Result<(PathBuf, Vec<u8>), Diagnostic>> = plan
        .render
        .par_iter()
        .map(|o: &Output| renderer.render(o).map(|text| (renderer.file_of(o), text)))
        .collect();
    let mut errors = Diagnostics::default();
    let mut files = Vec::with_capacity(rendered.len());
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        write_atomically(&dir.join(&rel), &text).map_err(|e| {
            Diagnostics(vec![Diagnostic::error(&rel, format!("cannot write the preview: {e}"))])
        })?;
        written.push(rel);
    }
    let produced: BTreeSet<&PathBuf> = written.iter().collect();
    let mut removed = Vec::new();
    for rel in plan.remove.iter().filter(|r| !produced.contains(r)) {
        let path = dir.join(rel);
        if std::fs::remove_file(&path).is_ok() {
            remove_empty_parents(&path, dir);
            removed.push(rel.clone());
        }
    }
    Ok((written, removed))
}

/// Writes through a temporary file and a rename, so the server never sends half a page.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_file_name(format!(
        ".{}.guichet-tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Removes the folders left empty by a deleted page, up to (not including) `top`.
fn remove_empty_parents(file: &Path, top: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == top || !d.starts_with(top) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
