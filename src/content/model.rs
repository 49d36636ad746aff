//! The content model: what `load` builds from `config.toml` and `content/`, and what rendering,
//! the answer index and the checks all borrow. Parsed once; nothing downstream re-reads Markdown.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;

/// A whole knowledge base, ready to render and index.
#[derive(Debug, Serialize)]
pub struct Site {
    /// Root folder of the knowledge base (holds `config.toml`).
    #[serde(skip)]
    pub root: PathBuf,
    pub config: Config,
    /// Language codes, the default language first, then the others in alphabetical order.
    pub languages: Vec<String>,
    /// Every published page, section page and home page. Indices into this vector are the
    /// identity of a page everywhere (`PageId`).
    pub pages: Vec<Page>,
    /// URL path (`/fr/particuliers/credit-solidarite/`) to page id.
    #[serde(skip)]
    pub by_path: HashMap<String, PageId>,
}

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// What a Markdown file is to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// `content/{lang}/_index.md`, or a generated home page when the file is absent.
    Home,
    /// `_index.md` of a folder: lists the pages of that folder.
    Section,
    /// Any other `.md` file.
    Page,
}

/// One page of the site.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub kind: PageKind,
    /// Language code: the first folder under `content/`.
    pub lang: String,
    /// Source file relative to the knowledge base root (`content/fr/a/b.md`); `None` for a
    /// generated home page.
    pub source: Option<PathBuf>,
    /// URL path, always with leading and trailing `/` (`/fr/particuliers/credit-solidarite/`).
    pub path: String,
    /// Absolute URL: `base_url` + `path`.
    pub permalink: String,
    pub title: String,
    pub description: Option<String>,
    pub translation_key: Option<String>,
    pub tags: Vec<String>,
    pub updated: Option<NaiveDate>,
    /// Old URL paths that redirect here, normalised with leading and trailing `/`.
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub deadlines: Vec<Deadline>,
    /// HTML of the text before the first question.
    pub intro_html: String,
    /// Plain text of the introduction (for the index, descriptions and cards).
    pub intro_text: String,
    /// The question-and-answer entries, in document order. Shared, not copied, by the copies
    /// of a page (the preview keeps each page both as parsed and in the site it rendered).
    pub entries: Arc<[Entry]>,
    /// Internal links found in the body (`/fr/...`, with optional `#anchor`), for checks.
    pub links: Arc<[Link]>,
    /// Parent section page (the nearest folder with an `_index.md`, or the language home).
    pub parent: Option<PageId>,
    /// Child pages and sections for section and home pages, sorted by weight then title.
    pub children: Vec<PageId>,
    /// The same content in the other languages (same `translation_key`), in language order.
    pub translations: Vec<PageId>,
    /// Front matter keys that are not part of the content format (kept for `check` to warn).
    #[serde(skip)]
    pub unknown_keys: Vec<String>,
    /// Line of the first body line in the source file (1-based), to report body positions.
    #[serde(skip)]
    pub body_line: usize,
}

/// A level-2 heading and everything up to the next one: one question and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Anchor, unique in the page: the `{#id}` attribute, or the slug of the heading.
    pub id: String,
    /// Whether the anchor was written by the author (`{#id}`) rather than derived.
    pub explicit_id: bool,
    /// Plain text of the heading.
    pub question: String,
    /// Inline HTML of the heading (emphasis, code...), without the `<h2>` element.
    pub question_html: String,
    /// HTML of the answer.
    pub answer_html: String,
    /// Plain text of the answer, paragraphs separated by blank lines.
    pub answer_text: String,
    /// Line of the heading in the source file (1-based).
    pub line: usize,
}

/// A dated deadline from the front matter's `[[deadlines]]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline {
    pub date: NaiveDate,
    pub label: String,
}

/// An internal link written in a page body.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// URL path as written, normalised with a trailing `/` (`/fr/particuliers/releve-31/`).
    pub path: String,
    /// Fragment without `#`, if any.
    pub anchor: Option<String>,
    /// Position in the source file (1-based).
    pub line: usize,
    pub column: usize,
}

impl Site {
    /// The page at a URL path (`/fr/a/b/`), if published.
    pub fn page_by_path(&self, path: &str) -> Option<&Page> {
        self.by_path.get(path).map(|&id| &self.pages[id])
    }

    /// Pages and sections of one language, in `pages` order.
    pub fn pages_in(&self, lang: &str) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages.iter().enumerate().filter(move |(_, p)| p.lang == lang)
    }

    /// Every alias path with the page it redirects to.
    pub fn alias_targets(&self) -> HashMap<&str, PageId> {
        let pages = self.pages.iter().enumerate();
        pages.flat_map(|(id, p)| p.aliases.iter().map(move |a| (a.as_str(), id))).collect()
    }

    /// Number of question entries over the whole site.
    pub fn question_count(&self) -> usize {
        self.pages.iter().map(|p| p.entries.len()).sum()
    }
}

impl Page {
    /// Deep link to one entry: `path#id`.
    pub fn deep_link(&self, entry: &Entry) -> String {
        format!("{}#{}", self.path, entry.id)
    }

    /// Whether an anchor exists on this page.
    pub fn has_anchor(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }
}
