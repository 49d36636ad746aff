//! Loading a knowledge base into the content model: `config.toml` and `content/` in, one
//! [`Site`] out that every later stage borrows.

pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod model;

pub use load::{LoadOptions, load};
pub use model::{Deadline, Entry, Link, Page, PageId, PageKind, Site};
