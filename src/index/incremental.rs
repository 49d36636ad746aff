//! Updating an answer index in place when a few pages change (the preview server): the
//! documents of each changed page are deleted by URL and added again, in one commit.
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

/// Replaces, in the index written into `dir` for `site`'s languages, the documents whose URL
/// is in `remove` by the documents of `pages`. One commit: a reader sees all or nothing.
pub fn update_pages(dir: &Path, site: &Site, remove: &[String], pages: &[&Page]) -> anyhow::Result<()> {
    let index = Index::open_in_dir(dir)
        .with_context(|| format!("cannot open the answer index in {}", dir.display()))?;
    analyzer::register(index.tokenizers(), site.languages.iter().map(String::as_str));
    let fields = Fields::resolve(&index.schema(), &site.languages)?;
    // tantivy's smallest budget: a few pages at a time.
    let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(1, 15_000_000)?;
    for url in remove {
        writer.delete_term(Term::from_field_text(fields.url, url));
    }
    for page in pages {
        for doc in documents_of(&fields, &site.languages, page) {
            writer.add_document(doc)?;
        }
    }
    writer.commit().context("cannot update the answer index")?;
    // Deleted documents still count in the answerer's term statistics: merge them away once
    // they are more than a tenth of the index.
    let searcher = index.reader()?.searcher();
    let deleted: u32 = searcher.segment_readers().iter().map(|s| s.num_deleted_docs()).sum();
    let total: u32 = searcher.segment_readers().iter().map(|s| s.max_doc()).sum();
    if deleted * 10 > total {
        let segments = index.searchable_segment_ids()?;
        writer.merge(&segments).wait().context("cannot compact the answer index")?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

/// Every URL a page's documents may have: its path (introduction) and its deep links.
pub fn urls_of(page: &Page) -> Vec<String> {
    std::iter::once(page.path.clone()).chain(page.entries.iter().map(|e| page.deep_link(e))).collect()
}
