//! Updating an answer index in place when a few pages change (the preview server): the
//! documents of each changed page are deleted by URL and added again, in one commit.
//!
//! An [`Updater`] keeps the index and its writer open between updates, so an edit costs one
//! small commit: no re-opening, and merges run in the writer's background thread.
//!
//! `meta.json` is left as [`super::write_index`] wrote it: its `index_version` and document
//! count describe the last full write, not the updates since.

use std::path::Path;

use anyhow::Context as _;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::analyzer;
use super::schema::Fields;
use super::writer::documents_of;
use crate::content::{Page, Site};

/// An answer index open for updates. Holds the index's writer lock until dropped.
pub struct Updater {
    index: Index,
    fields: Fields,
    languages: Vec<String>,
    writer: IndexWriter<TantivyDocument>,
}

impl Updater {
    /// Opens the index written into `dir` for a site of these `languages`.
    pub fn open(dir: &Path, languages: &[String]) -> anyhow::Result<Updater> {
        let index = Index::open_in_dir(dir)
            .with_context(|| format!("cannot open the answer index in {}", dir.display()))?;
        analyzer::register(index.tokenizers(), languages.iter().map(String::as_str));
        let fields = Fields::resolve(&index.schema(), languages)?;
        // tantivy's smallest budget: a few pages at a time.
        let writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 15_000_000)?;
        Ok(Updater { index, fields, languages: languages.to_vec(), writer })
    }

    /// The languages the index was opened for.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Replaces the documents whose URL is in `remove` by the documents of `pages`. One
    /// commit: a reader sees all or nothing. On error, the updater should be dropped.
    pub fn update(&mut self, remove: &[String], pages: &[&Page]) -> anyhow::Result<()> {
        for url in remove {
            self.writer.delete_term(Term::from_field_text(self.fields.url, url));
        }
        for page in pages {
            for doc in documents_of(&self.fields, &self.languages, page) {
                self.writer.add_document(doc)?;
            }
        }
        self.writer.commit().context("cannot update the answer index")?;
        // Deleted documents still count in the answerer's term statistics: merge them away once
        // they are more than a tenth of the index. In the background: the merged segment
        // replaces the others when done, with the deletions committed meanwhile applied.
        let segments = self.index.searchable_segment_metas()?;
        let deleted: u32 = segments.iter().map(|s| s.num_deleted_docs()).sum();
        let total: u32 = segments.iter().map(|s| s.max_doc()).sum();
        if deleted * 10 > total {
            let ids: Vec<_> = segments.iter().map(|s| s.id()).collect();
            // Refused (with a logged warning) while a merge of these segments is running.
            drop(self.writer.merge(&ids));
        }
        Ok(())
    }

    /// Waits for the merges in progress, then releases the index.
    pub fn close(self) -> anyhow::Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// Replaces, in the index written into `dir` for `site`'s languages, the documents whose URL
/// is in `remove` by the documents of `pages`, and waits for merges: a one-off [`Updater`].
pub fn update_pages(dir: &Path, site: &Site, remove: &[String], pages: &[&Page]) -> anyhow::Result<()> {
    let mut updater = Updater::open(dir, &site.languages)?;
    updater.update(remove, pages)?;
    updater.close()
}

/// Every URL a page's documents may have: its path (introduction) and its deep links.
pub fn urls_of(page: &Page) -> Vec<String> {
    std::iter::once(page.path.clone()).chain(page.entries.iter().map(|e| page.deep_link(e))).collect()
}
