//! Internal links and deep links written in pages must land on something that is published.

use crate::content::{Page, PageId, Site};
use crate::diagnostics::Diagnostic;

/// What a site path resolves to.
enum Target<'s> {
    Page(&'s Page),
    /// A file: static asset or generated file (`/sitemap.xml`).
    File,
}

/// Every internal link (`/fr/...`, `#anchor`) that does not resolve to a published page,
/// alias, anchor or file. `files` are the other published files, as site paths (`/logo.svg`).
pub fn broken_links(site: &Site, files: &[String]) -> Vec<Diagnostic> {
    broken_links_from(site, files, 0..site.pages.len())
}

/// [`broken_links`] among the links written in some pages only (the preview checks the pages
/// just edited when no anchor went away), in the order of `pages`.
pub fn broken_links_from(
    site: &Site,
    files: &[String],
    pages: impl IntoIterator<Item = PageId>,
) -> Vec<Diagnostic> {
    let aliases = site.alias_targets();
    let resolve = |path: &str| -> Option<Target<'_>> {
        if let Some(page) = site.page_by_path(path) {
            return Some(Target::Page(page));
        }
        if let Some(&id) = aliases.get(path) {
            return Some(Target::Page(&site.pages[id]));
        }
        let file = path.trim_end_matches('/');
        if path == "/" || files.iter().any(|f| f == path || f == file) {
            return Some(Target::File);
        }
        None
    };

    let mut out = Vec::new();
    for page in pages.into_iter().map(|id| &site.pages[id]) {
        let Some(source) = &page.source else { continue };
        for link in page.links.iter() {
            let written = match &link.anchor {
                Some(a) => format!("{}#{a}", link.path),
                None => link.path.clone(),
            };
            match resolve(&link.path) {
                None => out.push(
                    Diagnostic::error(source.clone(), format!("broken link: no page at `{}`", link.path))
                        .at(link.line, link.column)
                        .help(suggest_page(site, &link.path)),
                ),
                Some(Target::Page(target)) => {
                    if let Some(anchor) = &link.anchor
                        && !target.has_anchor(anchor)
                    {
                        out.push(
                            Diagnostic::error(
                                source.clone(),
                                format!(
                                    "broken deep link `{written}`: `{}` has no question `#{anchor}`",
                                    target.path
                                ),
                            )
                            .at(link.line, link.column)
                            .help(suggest_anchor(target, anchor)),
                        );
                    }
                }
                Some(Target::File) => {}
            }
        }
    }
    out
}

fn suggest_page(site: &Site, path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let near = site.pages.iter().find(|p| {
        let l = p.path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        !last.is_empty() && (l.contains(last) || last.contains(l)) && !l.is_empty()
    });
    match near {
        Some(p) => format!("did you mean `{}`? If the page moved, add its old URL to `aliases`", p.path),
        None => "check the path: internal links look like `/fr/section/page/#question`".into(),
    }
}

fn suggest_anchor(page: &Page, anchor: &str) -> String {
    let ids: Vec<&str> = page.entries.iter().map(|e| e.id.as_str()).collect();
    if ids.is_empty() {
        return format!("`{}` has no questions: link to the page without `#{anchor}`", page.path);
    }
    format!("anchors of that page: {}", ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", "))
}
