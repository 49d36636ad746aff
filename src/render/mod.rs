//! Rendering the site model into static files with the theme's tera templates.
//!
//! Every output is a pure function of the model, the theme and the build date, so pages can
//! be rendered in parallel and re-rendered one at a time by the preview server.

pub mod context;
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
}

/// Renders outputs of one site with one theme.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// ISO date of the build, which decides whether a deadline is past.
    pub build_date: chrono::NaiveDate,
    /// HTML inserted before `</body>` of every page (the preview's reload script).
    pub inject: Option<String>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        Renderer { site, theme, build_date: chrono::Local::now().date_naive(), inject: None }
    }

    /// Every output of the site, pages first.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out: Vec<Output> = (0..self.site.pages.len()).map(Output::Page).collect();
        for (id, page) in self.site.pages.iter().enumerate() {
            out.extend(page.aliases.iter().map(|a| Output::Alias(id, a.clone())));
        }
        out.extend([Output::Root, Output::NotFound, Output::Sitemap, Output::Robots]);
        out
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
        }
    }

    /// The text of one output.
    pub fn render(&self, output: &Output) -> Result<String, Diagnostic> {
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
        };
        let ctx = Context::from_value(ctx).map_err(|e| self.error(output, template, &e))?;
        let mut html =
            self.theme.tera.render(template, &ctx).map_err(|e| self.error(output, template, &e))?;
        if let Some(inject) = &self.inject
            && template.ends_with(".html")
        {
            match html.rfind("</body>") {
                Some(i) => html.insert_str(i, inject),
                None => html.push_str(inject),
            }
        }
        Ok(html)
    }

    fn error(&self, output: &Output, template: &str, e: &tera::Error) -> Diagnostic {
        let file = match output {
            Output::Page(id) | Output::Alias(id, _) => {
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
                    write_file(&path, text.as_bytes())
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
