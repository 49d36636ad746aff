//! Loading a knowledge base into the content model.

pub mod model;

pub use model::{Deadline, Entry, Link, Page, PageId, PageKind, Site};
