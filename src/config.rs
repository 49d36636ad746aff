//! `config.toml` at the root of a knowledge base.
//!
//! Only `base_url`, `title`, `default_language` and `[languages.*]` are required by the content
//! format; every other table is a guichet extension with defaults, so a knowledge base that omits
//! it still builds. Unknown keys are kept in `extra` and handed to templates.

use std::collections::BTreeMap;
use std::path::PathBuf;

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
///
/// ```toml
/// [answer]
/// synonyms = "synonyms.toml"        # relative to the knowledge base root
/// min_confidence = 0.5              # below it the decision is "none" (a human takes the post)
///
/// [answer.private_channels]         # where personal-file questions are redirected
/// fr = "/fr/revenu-quebec/nous-joindre/"
/// en = "https://aide.example.qc.ca/en/revenu-quebec/contact-us/"
/// ```
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerConfig {
    /// Synonyms and abbreviations file, relative to the knowledge base root. When the file does
    /// not exist the built-in starter vocabulary applies.
    pub synonyms: PathBuf,
    /// Private channel per language (a site path or an absolute URL) named in `personal`
    /// replies. A language without one gets the page whose `translation_key` is `contact-us`
    /// or `contact`, else the language's home page.
    pub private_channels: BTreeMap<String, String>,
    /// Confidence (0..1) a post must reach for a public answer.
    pub min_confidence: f32,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Default for AnswerConfig {
    fn default() -> Self {
        AnswerConfig {
            synonyms: PathBuf::from("synonyms.toml"),
            private_channels: BTreeMap::new(),
            min_confidence: 0.5,
            extra: toml::Table::new(),
        }
    }
}

impl Config {
    /// `base_url` without its trailing slash, ready to prefix a path that starts with `/`.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Title of a language's site, falling back to the site title.
    pub fn language_title(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .map_or(self.title.as_str(), |l| l.title.as_str())
    }
}

/// Reads and validates `root/config.toml`.
pub fn load(root: &std::path::Path) -> Result<Config, crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Diagnostic, line_col};
    let file = std::path::PathBuf::from("config.toml");
    let text = std::fs::read_to_string(root.join(&file)).map_err(|e| {
        Diagnostic::error(root.join(&file), format!("cannot read the configuration: {e}"))
            .help("run guichet from a knowledge base folder, pass `--root DIR`, or create one with `guichet init DIR`")
    })?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        let (line, col) = line_col(&text, e.span().map_or(0, |s| s.start));
        Diagnostic::error(file.clone(), format!("invalid configuration: {}", e.message()))
            .at(line, col)
            .help("config.toml needs `base_url`, `title`, `default_language` and a `[languages.xx]` table per language")
    })?;
    if !config.languages.contains_key(&config.default_language) {
        return Err(Diagnostic::error(
            file,
            format!(
                "`default_language = \"{}\"` has no `[languages.{}]` table",
                config.default_language, config.default_language
            ),
        )
        .help("add the table or set `default_language` to one of the configured languages"));
    }
    if !(config.base_url.starts_with("https://") || config.base_url.starts_with("http://")) {
        return Err(Diagnostic::error(
            file,
            format!("`base_url = \"{}\"` is not an absolute URL", config.base_url),
        )
        .help("write the published address, e.g. `base_url = \"https://aide.example.qc.ca\"`"));
    }
    Ok(config)
}
