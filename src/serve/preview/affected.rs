//! Which outputs an edit touches: the pages that show something of a changed page, and the
//! files that are no longer produced.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::{Page, PageId, PageKind, Site};
use crate::render::share::share_path;
use crate::render::{Output, url_to_file};

/// What to write and delete to go from the render of `old` to the render of `new`.
#[derive(Debug, Default)]
pub struct Plan {
    /// Outputs of `new` to render again.
    pub render: Vec<Output>,
    /// Files (relative to the output folder) that `old` produced and `new` does not.
    pub remove: Vec<PathBuf>,
    /// Where the author most likely looks: the changed page and its first changed question.
    pub focus: Option<(String, Option<String>)>,
}

/// The plan after the source files `changed` (relative to the knowledge base root) were
/// edited, added or removed between `old` and `new`.
///
/// A changed page re-renders itself, its ancestors (their lists show its title and question
/// count), its translations (language switcher, `hreflang`) and, for a section, everything
/// below it (breadcrumbs). Any page whose parent, children or translations differ re-renders
/// too, which covers added and removed sections. Aliases re-render when their target moved;
/// the sitemap always does; a changed page's share pages do, and those of its questions that
/// went away are removed.
pub fn plan(old: &Site, new: &Site, changed: &BTreeSet<PathBuf>) -> Plan {
    let old_by_source = by_source(old);
    let new_by_source = by_source(new);
    let mut dirty: HashSet<&str> = HashSet::new();

    for source in changed {
        for (site, index) in [(old, &old_by_source), (new, &new_by_source)] {
            if let Some(&id) = index.get(source.as_path()) {
                showing(site, id, &mut dirty);
            }
        }
    }
    for page in &new.pages {
        match old.page_by_path(&page.path) {
            None => {
                dirty.insert(&page.path);
            }
            Some(before) if structure(old, before) != structure(new, page) => {
                dirty.insert(&page.path);
            }
            Some(_) => {}
        }
    }

    let mut render: Vec<Output> =
        dirty.iter().filter_map(|path| new.by_path.get(*path)).map(|&id| Output::Page(id)).collect();
    let old_aliases = aliases(old);
    for (id, page) in new.pages.iter().enumerate() {
        for alias in &page.aliases {
            if old_aliases.get(alias.as_str()) != Some(&page.path.as_str()) {
                render.push(Output::Alias(id, alias.clone()));
            }
        }
    }
    render.push(Output::Sitemap);
    // The share pages of a changed page show its title and answers.
    let mut gone_shares = Vec::new();
    for source in changed {
        let new_page = new_by_source.get(source.as_path()).map(|&id| {
            render.extend(shares(new, id));
            &new.pages[id]
        });
        if let Some(&id) = old_by_source.get(source.as_path()) {
            gone_shares.extend(shares_gone(&old.pages[id], new_page));
        }
    }
    render.sort();
    render.dedup();

    // Compared by URL first (cheap), then by file: two URLs may name one file (`/a/` and the
    // alias `/a/index.html`).
    let new_urls = urls(new);
    let gone: BTreeSet<PathBuf> =
        urls(old).into_iter().filter(|u| !new_urls.contains(u)).map(url_to_file).collect();
    let mut remove: Vec<PathBuf> = if gone.is_empty() {
        Vec::new()
    } else {
        let produced: HashSet<PathBuf> = new_urls.iter().map(|u| url_to_file(u)).collect();
        gone.into_iter().filter(|f| !produced.contains(f)).collect()
    };
    remove.extend(gone_shares);

    let focus = match changed.iter().filter_map(|s| new_by_source.get(s.as_path())).collect::<Vec<_>>()[..] {
        [&id] => {
            let page = &new.pages[id];
            let before = page.source.as_deref().and_then(|s| old_by_source.get(s)).map(|&o| &old.pages[o]);
            Some((page.path.clone(), before.and_then(|b| first_changed_entry(b, page))))
        }
        _ => None,
    };
    Plan { render, remove, focus }
}

/// The plan after pages of `site` were edited in place: `before` holds each edited page as it
/// was, by id. Nothing but the pages themselves and the order of children changed (same URLs,
/// kinds, aliases and translations): the same as [`plan`] of the site before and after, but
/// for the sitemap, rendered only when it would differ (an `updated` date changed).
pub fn plan_in_place(site: &Site, before: &[(PageId, Page)]) -> Plan {
    let mut dirty: HashSet<&str> = HashSet::new();
    for &(id, _) in before {
        showing(site, id, &mut dirty);
    }
    let mut render: Vec<Output> =
        dirty.iter().filter_map(|path| site.by_path.get(*path)).map(|&id| Output::Page(id)).collect();
    // The sitemap shows the URL, translations and `updated` date of every page (and nothing
    // else of them): only the date can differ here.
    if before.iter().any(|(id, old)| old.updated != site.pages[*id].updated) {
        render.push(Output::Sitemap);
    }
    let mut remove = Vec::new();
    for (id, old) in before {
        render.extend(shares(site, *id));
        remove.extend(shares_gone(old, Some(&site.pages[*id])));
    }
    render.sort();
    render.dedup();
    let focus = match before {
        [(id, old)] => {
            let page = &site.pages[*id];
            Some((page.path.clone(), first_changed_entry(old, page)))
        }
        _ => None,
    };
    Plan { render, remove, focus }
}

/// Marks the pages that show something of page `id`: itself, its ancestors (their lists show
/// its title and question count), its translations (language switcher, `hreflang`) and, for a
/// section, everything below it (breadcrumbs).
fn showing<'s>(site: &'s Site, id: PageId, dirty: &mut HashSet<&'s str>) {
    let page = &site.pages[id];
    dirty.insert(&page.path);
    let mut parent = page.parent;
    while let Some(p) = parent {
        dirty.insert(&site.pages[p].path);
        parent = site.pages[p].parent;
    }
    dirty.extend(page.translations.iter().map(|&t| site.pages[t].path.as_str()));
    if page.kind != PageKind::Page {
        descendants(site, id, dirty);
    }
}

fn by_source(site: &Site) -> HashMap<&Path, PageId> {
    site.pages.iter().enumerate().filter_map(|(id, p)| Some((p.source.as_deref()?, id))).collect()
}

/// The share pages of page `id`, one per question.
fn shares(site: &Site, id: PageId) -> impl Iterator<Item = Output> {
    (0..site.pages[id].entries.len()).map(move |i| Output::Share(id, i))
}

/// Files of the share pages of `old` that `new` (the same source after the edit, if it still
/// exists) no longer produces: questions removed or renamed, or the page moved.
fn shares_gone(old: &Page, new: Option<&Page>) -> Vec<PathBuf> {
    let kept: HashSet<String> =
        new.map(|p| p.entries.iter().map(|e| share_path(p, e)).collect()).unwrap_or_default();
    old.entries
        .iter()
        .map(|e| share_path(old, e))
        .filter(|u| !kept.contains(u))
        .map(|u| url_to_file(&u))
        .collect()
}

/// Every URL path a site produces: its pages and their aliases.
fn urls(site: &Site) -> HashSet<&str> {
    site.pages
        .iter()
        .flat_map(|p| std::iter::once(p.path.as_str()).chain(p.aliases.iter().map(String::as_str)))
        .collect()
}

fn aliases(site: &Site) -> HashMap<&str, &str> {
    site.pages.iter().flat_map(|p| p.aliases.iter().map(move |a| (a.as_str(), p.path.as_str()))).collect()
}

/// A page's place in the site, by URL path: parent, children in order, translations.
fn structure<'s>(site: &'s Site, page: &'s Page) -> (Option<&'s str>, Vec<&'s str>, Vec<&'s str>) {
    let path = |id: &PageId| site.pages[*id].path.as_str();
    (
        page.parent.as_ref().map(path),
        page.children.iter().map(path).collect(),
        page.translations.iter().map(path).collect(),
    )
}

fn descendants<'s>(site: &'s Site, id: PageId, out: &mut HashSet<&'s str>) {
    for &child in &site.pages[id].children {
        out.insert(&site.pages[child].path);
        descendants(site, child, out);
    }
}

/// The anchor of the first question that is new or reads differently in `after`.
fn first_changed_entry(before: &Page, after: &Page) -> Option<String> {
    after
        .entries
        .iter()
        .find(|e| {
            !before
                .entries
                .iter()
                .any(|b| b.id == e.id && b.question_html == e.question_html && b.answer_html == e.answer_html)
        })
        .map(|e| e.id.clone())
}
