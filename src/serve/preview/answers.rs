//! The preview's answer index, kept up to date with the pages, and the answerer that
//! `/api/answer` queries.
//!
//! A full rebuild writes a fresh index into a new folder and swaps the answerer; an edit
//! re-indexes only the pages of the changed files ([`crate::index::incremental`], the writer
//! kept open between edits) and marks the answerer out of date. Opening an answerer reads the
//! whole index (seconds on 10,000 pages), so it is done apart from the edit:
//! [`Answers::refresh`], which the preview calls from a thread of its own after each edit,
//! and which [`Answers::answer`] calls first, so an answer always reflects the last edit.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use anyhow::Context as _;

use crate::answer::{Answerer, Post};
use crate::content::{Page, Site};
use crate::index::incremental::{Updater, urls_of};
use crate::index::write_index;

/// The answer index of the preview, under a folder it owns.
pub struct Answers {
    base: PathBuf,
    state: Mutex<State>,
    /// Held while an answerer is opened (and by a full rebuild): one at a time. Taken before
    /// `state` when both are.
    opening: Mutex<()>,
    answerer: RwLock<Option<Arc<Answerer>>>,
}

#[derive(Default)]
struct State {
    /// The index folder in use, once one was written.
    dir: Option<PathBuf>,
    generation: u64,
    /// URLs indexed for each source file, to delete them when the file changes.
    indexed: HashMap<PathBuf, Vec<String>>,
    /// The index of `dir` open for updates, after the first update.
    updater: Option<Updater>,
    /// Changes of the index so far, and how many of them the answerer has seen.
    version: u64,
    answered: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Answers {
    /// An empty set of answers; nothing is written under `base` before [`Answers::rebuild`].
    pub fn new(base: PathBuf) -> Answers {
        Answers {
            base,
            state: Mutex::new(State::default()),
            opening: Mutex::new(()),
            answerer: RwLock::new(None),
        }
    }

    /// Indexes the whole site into a new folder, then answers from it.
    pub fn rebuild(&self, site: &Site) -> anyhow::Result<()> {
        let _opening = lock(&self.opening);
        let mut state = lock(&self.state);
        // Releases the writer's lock on the folder about to be deleted.
        state.updater = None;
        state.generation += 1;
        let dir = self.base.join(state.generation.to_string());
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        if let Err(e) = write_index(site, &dir) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        self.swap(Answerer::open(&dir)?);
        state.version += 1;
        state.answered = state.version;
        if let Some(old) = state.dir.replace(dir) {
            let _ = std::fs::remove_dir_all(old);
        }
        state.indexed = site.pages.iter().filter_map(|p| Some((p.source.clone()?, urls_of(p)))).collect();
        Ok(())
    }

    /// Re-indexes the pages of the changed `sources` (added, edited or removed files). The
    /// answerer is brought up to date by the next [`Answers::refresh`].
    pub fn update(&self, site: &Site, sources: &[PathBuf]) -> anyhow::Result<()> {
        let mut state = lock(&self.state);
        let Some(dir) = state.dir.clone() else {
            drop(state);
            return self.rebuild(site);
        };
        let remove: Vec<String> =
            sources.iter().flat_map(|s| state.indexed.remove(s).unwrap_or_default()).collect();
        let pages: Vec<&Page> =
            site.pages.iter().filter(|p| p.source.as_ref().is_some_and(|s| sources.contains(s))).collect();
        if state.updater.as_ref().is_none_or(|u| u.languages() != site.languages) {
            // The old writer first: it holds the folder's lock.
            state.updater = None;
            state.updater = Some(Updater::open(&dir, &site.languages)?);
        }
        state.version += 1;
        let updated = state.updater.as_mut().map(|u| u.update(&remove, &pages)).unwrap_or(Ok(()));
        if updated.is_err() {
            // Opened again at the next update.
            state.updater = None;
        }
        for page in &pages {
            if let Some(source) = &page.source {
                state.indexed.insert(source.clone(), urls_of(page));
            }
        }
        updated
    }

    /// Opens the answerer again if the index changed since it was opened. Updates may go on
    /// meanwhile; an answerer opened while one was committed is replaced at the next call.
    pub fn refresh(&self) -> anyhow::Result<()> {
        let _opening = lock(&self.opening);
        loop {
            let (dir, version) = {
                let state = lock(&self.state);
                match &state.dir {
                    Some(dir) if state.answered != state.version => (dir.clone(), state.version),
                    _ => return Ok(()),
                }
            };
            match Answerer::open(&dir) {
                Ok(answerer) => {
                    let old = self.swap(answerer);
                    let mut state = lock(&self.state);
                    state.answered = state.answered.max(version);
                    drop(state);
                    // Large: freed without holding any lock.
                    drop(old);
                    return Ok(());
                }
                // A commit or merge may have removed a file being opened: try the new version.
                Err(_) if lock(&self.state).version != version => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Answers from `answerer` from now on; returns the previous one.
    fn swap(&self, answerer: Answerer) -> Option<Arc<Answerer>> {
        let mut current = self.answerer.write().unwrap_or_else(|e| e.into_inner());
        current.replace(Arc::new(answerer))
    }

    /// The JSON that `ask --json` prints for `text`, from the index as last updated (which may
    /// first wait for the answerer to be opened again).
    pub fn answer(&self, text: &str, lang: Option<String>, top: usize) -> anyhow::Result<String> {
        self.refresh().context("cannot open the updated answer index")?;
        let answerer = self.answerer.read().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(answerer) = answerer else {
            anyhow::bail!("no answer index yet: the site has not built; fix the errors shown in the preview");
        };
        let post = Post { text: text.to_string(), id: None, lang };
        Ok(serde_json::to_string(&answerer.answer(&post, top))?)
    }
}
