//! The preview's answer index, kept up to date with the pages, and the answerer that
//! `/api/answer` queries.
//!
//! A full rebuild writes a fresh index into a new folder and swaps the answerer; an edit
//! re-indexes only the pages of the changed files ([`crate::index::incremental`]) and reopens
//! the answerer on the updated index.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use anyhow::Context as _;

use crate::answer::{Answerer, Post};
use crate::content::{Page, Site};
use crate::index::incremental::{update_pages, urls_of};
use crate::index::write_index;

/// The answer index of the preview, under a folder it owns.
pub struct Answers {
    base: PathBuf,
    state: Mutex<State>,
    answerer: RwLock<Option<Arc<Answerer>>>,
}

#[derive(Default)]
struct State {
    /// The index folder in use, once one was written.
    dir: Option<PathBuf>,
    generation: u64,
    /// URLs indexed for each source file, to delete them when the file changes.
    indexed: HashMap<PathBuf, Vec<String>>,
}

impl Answers {
    /// An empty set of answers; nothing is written under `base` before [`Answers::rebuild`].
    pub fn new(base: PathBuf) -> Answers {
        Answers { base, state: Mutex::new(State::default()), answerer: RwLock::new(None) }
    }

    /// Indexes the whole site into a new folder, then answers from it.
    pub fn rebuild(&self, site: &Site) -> anyhow::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
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
        self.swap(&dir)?;
        if let Some(old) = state.dir.replace(dir) {
            let _ = std::fs::remove_dir_all(old);
        }
        state.indexed = site.pages.iter().filter_map(|p| Some((p.source.clone()?, urls_of(p)))).collect();
        Ok(())
    }

    /// Re-indexes the pages of the changed `sources` (added, edited or removed files).
    pub fn update(&self, site: &Site, sources: &[PathBuf]) -> anyhow::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(dir) = state.dir.clone() else {
            drop(state);
            return self.rebuild(site);
        };
        let remove: Vec<String> =
            sources.iter().flat_map(|s| state.indexed.remove(s).unwrap_or_default()).collect();
        let pages: Vec<&Page> =
            site.pages.iter().filter(|p| p.source.as_ref().is_some_and(|s| sources.contains(s))).collect();
        update_pages(&dir, site, &remove, &pages)?;
        for page in &pages {
            if let Some(source) = &page.source {
                state.indexed.insert(source.clone(), urls_of(page));
            }
        }
        self.swap(&dir)
    }

    /// Answers from the index in `dir` from now on.
    fn swap(&self, dir: &Path) -> anyhow::Result<()> {
        let answerer = Answerer::open(dir)?;
        *self.answerer.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(answerer));
        Ok(())
    }

    /// The JSON that `ask --json` prints for `text`.
    pub fn answer(&self, text: &str, lang: Option<String>, top: usize) -> anyhow::Result<String> {
        let answerer = self.answerer.read().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(answerer) = answerer else {
            anyhow::bail!("no answer index yet: the site has not built; fix the errors shown in the preview");
        };
        let post = Post { text: text.to_string(), id: None, lang };
        Ok(serde_json::to_string(&answerer.answer(&post, top))?)
    }
}
