//! guichet: a bilingual FAQ knowledge base in Markdown, built into a static site and an answer
//! index that social-network reply bots query.
//!
//! Data flows one way: [`content`] loads `config.toml` and `content/` into one [`content::Site`];
//! [`render`] turns it into static files, [`index`] into the answer index, [`check`] finds what
//! must not be published, and [`build`] ties them together and publishes atomically. [`answer`]
//! matches a social-network post against the index and decides how to reply.

pub mod answer;
pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod fold;
pub mod index;
pub mod init;
pub mod render;
pub mod serve;
