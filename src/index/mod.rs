//! The answer index: a tantivy index of every question entry and page introduction of a
//! [`Site`], plus `meta.json`, everything the answerer needs besides the index itself
//! (base URL, languages, synonyms, reply templates, answer settings), so `ask` reads
//! nothing but the index folder.

pub mod analyzer;
pub mod meta;
pub mod schema;
mod stopwords;
mod writer;

pub use meta::{IndexMeta, META_FILE};
pub use writer::{IndexStats, write_index};
