//! guichet: a bilingual FAQ knowledge base in Markdown, built into a static site and an answer
//! index that social-network reply bots query.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod serve;
