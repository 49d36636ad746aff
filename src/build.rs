//! `guichet build`: load, check, render and publish atomically.
//!
//! Everything is written into a staging folder beside the output, then swapped in by
//! renames at the very end, so a failed build leaves the previous `site/` exactly as it was.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::check;
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::Diagnostics;
use crate::render::{Renderer, Theme};

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Knowledge base root (holds `config.toml`).
    pub root: PathBuf,
    /// Output folder; `root/site` when `None`.
    pub output_dir: Option<PathBuf>,
    /// Publish drafts too.
    pub drafts: bool,
    /// Publish even if URLs or anchors of the previous build are gone (see
    /// [`check::manifest`]); without it such a build is refused.
    pub accept_removals: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output_dir.clone().unwrap_or_else(|| self.root.join("site"))
    }

    /// Folder of the unpublished build products (answer index, link manifest): `.guichet/`
    /// beside the output folder.
    pub fn state_dir(&self) -> PathBuf {
        state_dir_for(&self.output_dir())
    }
}

/// `.guichet/` beside an output folder.
pub fn state_dir_for(output: &Path) -> PathBuf {
    output.parent().unwrap_or(Path::new(".")).join(".guichet")
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub questions: usize,
    pub languages: usize,
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Warnings found on the way; they do not stop a build.
    pub warnings: Diagnostics,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Built {} pages ({} questions) in {} languages into {} in {:.2} s",
            self.pages,
            self.questions,
            self.languages,
            self.output.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// Why a build failed: problems in the knowledge base, or the machine (disk, permissions).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// Loads the site and the theme and checks everything a build refuses.
pub fn prepare(root: &Path, drafts: bool) -> Result<(Site, Theme), Diagnostics> {
    let start = Instant::now();
    let site = content::load(root, &LoadOptions { drafts });
    tracing::debug!(elapsed = ?start.elapsed(), "content loaded");
    let theme = Theme::load(root);
    tracing::debug!(elapsed = ?start.elapsed(), "theme loaded");
    let (site, theme) = match (site, theme) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => {
            let mut all = Diagnostics::default();
            all.extend(s.err().into_iter().flatten());
            all.extend(t.err().into_iter().flatten());
            all.sort();
            return Err(all);
        }
    };
    let errors = check::broken_links(&site, &published_files(&site, &theme));
    tracing::debug!(elapsed = ?start.elapsed(), "links checked");
    if !errors.is_empty() {
        let mut d = Diagnostics(errors);
        d.sort();
        return Err(d);
    }
    Ok((site, theme))
}

/// Site paths of the files that are not pages: generated files and static assets.
pub fn published_files(site: &Site, theme: &Theme) -> Vec<String> {
    let mut files: Vec<String> =
        ["/index.html", "/404.html", "/sitemap.xml", "/robots.txt"].map(String::from).to_vec();
    files.extend(theme.assets.keys().map(|k| format!("/{k}")));
    files.extend(Renderer::new(site, theme).generated_paths());
    let static_dir = site.root.join("static");
    if static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&static_dir).follow_links(true).into_iter().flatten() {
            if e.file_type().is_file()
                && let Ok(rel) = e.path().strip_prefix(&static_dir)
            {
                files.push(format!("/{}", rel.to_string_lossy().replace('\\', "/")));
            }
        }
    }
    files
}

/// Builds the site (and the answer index) and publishes them atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let (site, theme) = prepare(&opts.root, opts.drafts).map_err(BuildError::Invalid)?;
    if !opts.accept_removals {
        check_removals(&site, &opts.state_dir()).map_err(BuildError::Invalid)?;
    }
    tracing::debug!(elapsed = ?start.elapsed(), "loaded and checked");
    let output = opts.output_dir();
    let parent = output.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".guichet-staging-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a staging folder in {}", parent.display()))?;
    let new_site = staging.path().join("site");

    let renderer = Renderer::new(&site, &theme);
    let outputs = renderer.outputs();
    let new_index = staging.path().join("index");
    std::fs::create_dir_all(&new_index).context("cannot create the staging index folder")?;
    // The index writer (one thread) runs beside the rendering (rayon's pool): rendering waits
    // on the file system much of the time.
    let (rendered, indexed) = rayon::join(
        || -> Result<(), BuildError> {
            let bar = progress_bar(outputs.len());
            let tick = || {
                if let Some(b) = &bar {
                    b.inc(1)
                }
            };
            renderer.write(&outputs, &new_site, &tick).map_err(BuildError::Invalid)?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            renderer.copy_static(&new_site).map_err(BuildError::Invalid)?;
            tracing::debug!(elapsed = ?start.elapsed(), "rendered");
            Ok(())
        },
        || {
            let stats = crate::index::write_index(&site, &new_index);
            tracing::debug!(elapsed = ?start.elapsed(), "indexed");
            stats
        },
    );
    rendered?;
    indexed.map_err(|e| {
        BuildError::Invalid(Diagnostics(vec![
            crate::diagnostics::Diagnostic::error(opts.root.join("synonyms.toml"), format!("{e:#}"))
                .help("the answer index could not be written: fix the file named above"),
        ]))
    })?;

    // The site first, then the index: a bot never sees an index newer than the site it links to.
    let state = opts.state_dir();
    std::fs::create_dir_all(&state).with_context(|| format!("cannot create {}", state.display()))?;
    publish(&new_site, &output, staging.path())?;
    publish(&new_index, &state.join("index"), staging.path())?;
    // After publishing: the manifest records what is online now.
    check::Manifest::of(&site).write(&opts.state_dir())?;
    // The staging folder now holds the previous site and index: deleting them is part of the
    // build's time (on a large site, seconds of waiting on the disk).
    let trash = staging.path().to_path_buf();
    if let Err(e) = staging.close() {
        tracing::warn!("the previous site could not be deleted from {}: {e}", trash.display());
    }
    tracing::debug!(elapsed = ?start.elapsed(), "previous site deleted");

    Ok(BuildReport {
        pages: site.pages.len(),
        questions: site.question_count(),
        languages: site.languages.len(),
        files: outputs.len(),
        output,
        elapsed: start.elapsed(),
        warnings: Diagnostics(check::warnings(&site, chrono::Local::now().date_naive())),
    })
}

/// URLs and anchors recorded in the manifest of `state_dir` that `site` would drop.
pub fn check_removals(site: &Site, state_dir: &Path) -> Result<(), Diagnostics> {
    let previous = match check::Manifest::read(state_dir) {
        Ok(Some(m)) => m,
        Ok(None) => return Ok(()),
        Err(d) => return Err(Diagnostics(vec![d])),
    };
    let mut errors = Diagnostics(check::removals(&previous, site));
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort();
    Err(errors)
}

/// Replaces `target` by `staged`: the old folder is moved into `trash` (deleted with the
/// staging folder), the new one renamed into place. Both live on the same file system.
pub fn publish(staged: &Path, target: &Path, trash: &Path) -> anyhow::Result<()> {
    let old = trash.join(format!(
        "old-{}",
        target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old)
            .with_context(|| format!("cannot move the previous {} aside", target.display()))?;
    }
    if let Err(e) = std::fs::rename(staged, target) {
        if had_old {
            // Put the previous version back: a failed publish must not lose it.
            let _ = std::fs::rename(&old, target);
        }
        return Err(e).with_context(|| format!("cannot publish {}", target.display()));
    }
    Ok(())
}

fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if len < 2000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} rendering {pos}/{len} {wide_bar} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
