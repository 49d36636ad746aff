//! `config.toml` at the root of a knowledge base.
//!
//! Only `base_url`, `title`, `default_language` and `[languages.*]` are required by the content
//! format; every other table is a guichet extension with defaults, so a knowledge base that omits
//! it still builds. Unknown keys are kept in `extra` and handed to templates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The parsed `config.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    /// Absolute site URL without trailing slash, e.g. `https://aide.example.qc.ca`.
    pub base_url: String,
    pub title: String,
    pub default_language: String,
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Settings of the answer index and the reply bot (`[answer]`).
    #[serde(default)]
    pub answer: AnswerConfig,
    /// Any other key, available to templates as `config.extra`.
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// One `[languages.xx]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LanguageConfig {
    pub title: String,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// `[answer]`: how the bot matches posts and replies. Owned by `crate::answer`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerConfig {
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Config {
    /// `base_url` without its trailing slash, ready to prefix a path that starts with `/`.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Title of a language's site, falling back to the site title.
    pub fn language_title(&self, lang: &str) -> &str {
        self.languages.get(lang).map_or(self.title.as_str(), |l| l.title.as_str())
    }
}
