//! Checks that keep a knowledge base publishable: links and deep links that resolve.

pub mod links;

pub use links::broken_links;
