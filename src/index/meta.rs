//! `meta.json`: what the answerer needs besides the tantivy index, written by the build.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::answer::synonyms::Synonyms;

/// File name of the side file in the index folder.
pub const META_FILE: &str = "guichet-meta.json";

/// Layout version of guichet's index folder; an index of another layout must be rebuilt.
/// 2: the answer text keeps no word positions (proximity is read in the heading only).
pub const FORMAT: u32 = 2;

/// Everything about the knowledge base that answering a post needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// Identifies the indexed content: a hash of every indexed document and setting, so two
    /// builds of the same knowledge base have the same version.
    pub index_version: String,
    /// `base_url` without trailing slash.
    pub base_url: String,
    pub default_language: String,
    pub languages: Vec<String>,
    /// Absolute URL of the private channel per language.
    pub private_channels: BTreeMap<String, String>,
    /// Confidence a post must reach for a public answer.
    pub min_confidence: f32,
    pub synonyms: Synonyms,
    /// Reply templates of the knowledge base (`answer.fr.txt` -> source), overriding the
    /// built-in ones by name.
    pub templates: BTreeMap<String, String>,
    /// Per language, accent-less word -> accented spelling used in the knowledge base.
    #[serde(default)]
    pub accents: BTreeMap<String, BTreeMap<String, String>>,
    /// Number of indexed documents.
    pub documents: usize,
}

impl IndexMeta {
    /// Reads `meta.json` of an index folder.
    pub fn read(index_dir: &Path) -> anyhow::Result<IndexMeta> {
        let path = index_dir.join(META_FILE);
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let meta: IndexMeta = serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged; run `guichet build` again", path.display()))?;
        if meta.format != FORMAT {
            anyhow::bail!(
                "{} was written by another version of guichet (layout {}, expected {FORMAT}); run `guichet build` again",
                path.display(),
                meta.format
            );
        }
        Ok(meta)
    }
}
