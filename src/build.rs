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
    let site = content::load(root, &LoadOptions { drafts });
    let theme = Theme::load(root);
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
    let bar = progress_bar(outputs.len());
    renderer
        .write(&outputs, &new_site, &|| {
            if let Some(b) = &bar {
                b.inc(1)
            }
        })
        .map_err(BuildError::Invalid)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    renderer.copy_static(&new_site).map_err(BuildError::Invalid)?;

    publish(&new_site, &output, staging.path())?;

    Ok(BuildReport {
        pages: site.pages.len(),
        questions: site.question_count(),
        languages: site.languages.len(),
        files: outputs.len(),
        output,
        elapsed: start.elapsed(),
        warnings: Diagnostics::default(),
    })
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
