//! The link manifest: every URL and anchor a build published, kept in `.guichet/manifest.json`
//! so that the next build can refuse to drop one that posts already point to.
//!
//! A URL is covered when the new site still publishes it, as a page or as an alias. An anchor
//! of a page is covered when the page reached at that URL (directly or through an alias, whose
//! redirect keeps the `#anchor`) still has a question with that anchor. So a question moved to
//! another page stays covered only when its whole old page becomes an alias of the new one.
//! Draft pages are never recorded: they were not published.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::content::{PageId, Site};
use crate::diagnostics::Diagnostic;

/// File name of the manifest in the state folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Bumped when the format changes incompatibly; an unknown version is ignored, not trusted.
const VERSION: u32 = 1;

/// Every published URL path and anchor of one build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Page URL path (`/fr/a/`) to what it published.
    pub pages: BTreeMap<String, PublishedPage>,
    /// Alias URL path to the URL path of its target.
    pub aliases: BTreeMap<String, String>,
}

/// One published page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPage {
    /// Its source file then, relative to the knowledge base root (absent for a generated home).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PathBuf>,
    /// The anchors of its questions, in page order.
    pub anchors: Vec<String>,
}

impl Manifest {
    /// What `site` publishes (drafts excepted).
    pub fn of(site: &Site) -> Manifest {
        let mut manifest = Manifest { version: VERSION, ..Manifest::default() };
        for page in site.pages.iter().filter(|p| !p.draft) {
            manifest.pages.insert(
                page.path.clone(),
                PublishedPage {
                    source: page.source.clone(),
                    anchors: page.entries.iter().map(|e| e.id.clone()).collect(),
                },
            );
            for alias in &page.aliases {
                manifest.aliases.insert(alias.clone(), page.path.clone());
            }
        }
        manifest
    }

    /// The manifest in `state_dir`, `None` when there is none yet (first build) or when it
    /// was written by an incompatible version of guichet.
    pub fn read(state_dir: &Path) -> Result<Option<Manifest>, Diagnostic> {
        let path = state_dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::error(path, format!("cannot read the link manifest: {e}"))),
        };
        match serde_json::from_str::<Manifest>(&text) {
            Ok(m) if m.version == VERSION => Ok(Some(m)),
            Ok(_) => Ok(None),
            Err(e) => Err(Diagnostic::error(path, format!("the link manifest is damaged: {e}"))
                .help("restore it from a backup, or delete it to start recording published links afresh")),
        }
    }

    /// Writes the manifest into `state_dir` atomically (a reader never sees half of it).
    pub fn write(&self, state_dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        let path = state_dir.join(MANIFEST_FILE);
        let tmp = state_dir.join(format!(".{MANIFEST_FILE}.tmp"));
        std::fs::write(&tmp, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Every URL and anchor of `previous` that `site` no longer publishes, as errors: one per URL
/// or anchor, in the file that dropped it, with what to do.
pub fn removals(previous: &Manifest, site: &Site) -> Vec<Diagnostic> {
    let aliases = site.alias_targets();
    let reached = |path: &str| -> Option<PageId> {
        site.by_path.get(path).copied().or_else(|| aliases.get(path).copied())
    };
    let accept = "or, if the loss is intended, run again with `--accept-removals`";
    let mut out = Vec::new();
    for (path, old) in &previous.pages {
        let file = old.source.clone().unwrap_or_else(|| PathBuf::from("content"));
        let Some(id) = reached(path) else {
            out.push(
                Diagnostic::error(
                    file,
                    format!(
                        "`{path}` was published and no longer is: links already posted to it would break"
                    ),
                )
                .help(format!(
                    "add `aliases = [\"{path}\"]` to the front matter of the page that replaces it, {accept}"
                )),
            );
            continue;
        };
        let page = &site.pages[id];
        let file = page.source.clone().unwrap_or(file);
        for anchor in old.anchors.iter().filter(|a| !page.has_anchor(a)) {
            let moved = if page.path == *path { String::new() } else { format!(" (now `{}`)", page.path) };
            out.push(
                Diagnostic::error(
                    file.clone(),
                    format!(
                        "the deep link `{path}#{anchor}` was published and the page{moved} has no question `#{anchor}` any more"
                    ),
                )
                .help(format!(
                    "keep `{{#{anchor}}}` at the end of the question that replaces it, {accept}"
                )),
            );
        }
    }
    for (alias, target) in &previous.aliases {
        if reached(alias).is_none() {
            let file = previous
                .pages
                .get(target)
                .and_then(|p| p.source.clone())
                .unwrap_or_else(|| PathBuf::from("content"));
            out.push(
                Diagnostic::error(
                    file,
                    format!("the old URL `{alias}` (an alias of `{target}`) was published and no longer is"),
                )
                .help(format!("keep `\"{alias}\"` in the `aliases` of a page, {accept}")),
            );
        }
    }
    out
}
