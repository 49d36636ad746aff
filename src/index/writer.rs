//! Writing the answer index of a site.

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use tantivy::{Index, TantivyDocument};

use super::meta::{FORMAT, IndexMeta, META_FILE};
use super::schema::{Fields, Part};
use super::{analyzer, stopwords};
use crate::answer::synonyms::Synonyms;
use crate::answer::{accents, reply};
use crate::content::{Page, PageKind, Site};

/// What [`write_index`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// Question entries indexed.
    pub entries: usize,
    /// Page introductions indexed.
    pub intros: usize,
    /// Content version recorded in the index.
    pub index_version: String,
}

/// Writes the answer index of `site` into `dir`, an existing empty folder: a tantivy index
/// with one document per question entry and one per non-empty page introduction, and
/// [`META_FILE`]. Reads the knowledge base's synonyms file and reply templates (checking
/// them), nothing else besides the site model.
pub fn write_index(site: &Site, dir: &Path) -> anyhow::Result<IndexStats> {
    let root = &site.root;
    let answer = &site.config.answer;
    let synonyms = Synonyms::load_or_built_in(&root.join(&answer.synonyms))?;
    let templates = reply::load_overrides(&root.join("templates").join("replies"))?;

    let languages = site.languages.clone();
    let schema = Fields::build_schema(&languages);
    let fields = Fields::resolve(&schema, &languages)?;
    let index = Index::create_in_dir(dir, schema)
        .with_context(|| format!("cannot create the answer index in {}", dir.display()))?;
    analyzer::register(index.tokenizers(), languages.iter().map(String::as_str));
    // One thread: the knowledge base is small and a single segment keeps doc ids in order.
    let mut writer = index.writer_with_num_threads(1, 50_000_000)?;

    let mut hash = Fnv::default();
    let mut stats = IndexStats { entries: 0, intros: 0, index_version: String::new() };
    for page in site.pages.iter().filter(|p| !p.draft) {
        if !languages.contains(&page.lang) {
            continue;
        }
        let intro = page.intro_text.trim();
        // A home or section page introduction is navigation text, not an answer.
        if !intro.is_empty() && page.kind == PageKind::Page {
            writer.add_document(document(&fields, page, None, &mut hash))?;
            stats.intros += 1;
        }
        for entry in page.entries.iter() {
            writer.add_document(document(&fields, page, Some(entry), &mut hash))?;
            stats.entries += 1;
        }
    }
    writer.commit().context("cannot write the answer index")?;
    writer.wait_merging_threads()?;

    let private_channels = private_channels(site);
    let started = std::time::Instant::now();
    let accents = languages
        .iter()
        .map(|lang| {
            let pages = site.pages_in(lang).map(|(_, p)| p).filter(|p| !p.draft);
            let texts = pages.flat_map(|p| {
                let entries = p.entries.iter().flat_map(|e| [e.question.as_str(), e.answer_text.as_str()]);
                [p.title.as_str(), p.description.as_deref().unwrap_or(""), p.intro_text.as_str()]
                    .into_iter()
                    .chain(p.tags.iter().map(String::as_str))
                    .chain(entries)
            });
            (lang.clone(), accents::vocabulary(texts, stopwords::of(lang)))
        })
        .collect();
    tracing::debug!(elapsed = ?started.elapsed(), "accent vocabulary");
    let settings = serde_json::to_string(&(&synonyms, &templates, &private_channels, answer.min_confidence))?;
    hash.write(settings.as_bytes());
    stats.index_version = format!("{:016x}", hash.finish());

    let meta = IndexMeta {
        format: FORMAT,
        index_version: stats.index_version.clone(),
        base_url: site.config.base().to_string(),
        default_language: site.config.default_language.clone(),
        languages,
        private_channels,
        min_confidence: answer.min_confidence,
        synonyms,
        templates,
        documents: stats.entries + stats.intros,
        accents,
    };
    let path = dir.join(META_FILE);
    std::fs::write(&path, serde_json::to_string_pretty(&meta)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(stats)
}

/// The documents [`write_index`] adds for one page, in the same order and under the same
/// conditions, for the in-place updates of [`super::incremental`].
pub(super) fn documents_of(fields: &Fields, languages: &[String], page: &Page) -> Vec<TantivyDocument> {
    let mut hash = Fnv::default();
    let mut docs = Vec::new();
    if page.draft || !languages.contains(&page.lang) {
        return docs;
    }
    if !page.intro_text.trim().is_empty() && page.kind == PageKind::Page {
        docs.push(document(fields, page, None, &mut hash));
    }
    docs.extend(page.entries.iter().map(|e| document(fields, page, Some(e), &mut hash)));
    docs
}

/// The tantivy document of one entry, or of the page introduction when `entry` is `None`.
fn document(
    fields: &Fields,
    page: &Page,
    entry: Option<&crate::content::Entry>,
    hash: &mut Fnv,
) -> TantivyDocument {
    let (url, question, body) = match entry {
        Some(e) => (page.deep_link(e), e.question.as_str(), e.answer_text.as_str()),
        None => (page.path.clone(), page.title.as_str(), page.intro_text.as_str()),
    };
    let tags = page.tags.join(" ; ");
    let description = page.description.as_deref().unwrap_or("");
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.url, &url);
    doc.add_text(fields.page, &page.title);
    doc.add_text(fields.question, question);
    doc.add_text(fields.lang, &page.lang);
    let lang = page.lang.as_str();
    let parts = [
        (Part::Question, if entry.is_some() { question } else { "" }),
        (Part::Title, page.title.as_str()),
        (Part::Tags, tags.as_str()),
        (Part::Description, description),
        (Part::Body, body),
    ];
    for (part, text) in parts {
        if let Some(field) = fields.get(lang, part) {
            doc.add_text(field, text);
            // A heading is read in its page's context: in "Quand le crédit est-il versé?" on the
            // solidarity credit's page, "le crédit" is that credit. Without the title, the
            // headings that repeat the page's subject ("Qui a droit au crédit d'impôt pour
            // solidarité?") outranked their siblings on any post naming the subject.
            if part == Part::Question && entry.is_some() {
                doc.add_text(field, &page.title);
            }
        }
        hash.write(text.as_bytes());
    }
    hash.write(url.as_bytes());
    doc
}

/// Absolute URL of the private channel of every language: the configured one, else the page
/// with translation key `contact-us` or `contact`, else the language home page.
fn private_channels(site: &Site) -> BTreeMap<String, String> {
    let base = site.config.base();
    let absolute = |target: &str| {
        if target.starts_with("http://") || target.starts_with("https://") {
            target.to_string()
        } else {
            format!("{base}/{}", target.trim_start_matches('/'))
        }
    };
    site.languages
        .iter()
        .map(|lang| {
            let configured = site.config.answer.private_channels.get(lang).map(|t| absolute(t));
            let contact = || {
                site.pages_in(lang)
                    .find(|(_, p)| matches!(p.translation_key.as_deref(), Some("contact-us" | "contact")))
                    .map(|(_, p)| absolute(&p.path))
            };
            let home = || absolute(&format!("/{lang}/"));
            (lang.clone(), configured.or_else(contact).unwrap_or_else(home))
        })
        .collect()
}

/// FNV-1a: a hash that stays the same across Rust versions, for the content version.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
