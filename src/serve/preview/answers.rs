//! The answer index of the preview, kept up to date with the pages, and the answerer that
//! `/api/answer` queries.

use std::path::PathBuf;

/// The preview's answer index (PENDING: waits for the answer index engine of branch `answer`).
pub struct Answers {
    #[allow(dead_code)]
    dir: PathBuf,
}

impl Answers {
    pub fn new(dir: PathBuf) -> Answers {
        Answers { dir }
    }

    /// Indexes the whole site afresh.
    pub fn rebuild(&self, _site: &crate::content::Site) -> anyhow::Result<()> {
        Ok(())
    }

    /// Re-indexes the pages of the changed source files.
    pub fn update(&self, _site: &crate::content::Site, _sources: &[PathBuf]) -> anyhow::Result<()> {
        Ok(())
    }

    /// The JSON that `ask --json` prints for `text`.
    pub fn answer(&self, _text: &str, _lang: Option<String>, _top: usize) -> anyhow::Result<String> {
        anyhow::bail!("the answer index is not available in this build")
    }
}
