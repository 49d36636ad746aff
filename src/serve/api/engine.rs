//! What the service needs from an answer engine.
//!
//! The service is written against this trait rather than directly against
//! [`crate::answer::Answerer`] so that tests can plug in engines that panic or answer slowly,
//! which the real engine never does on purpose.

use std::path::Path;

use serde::Serialize;

pub use crate::answer::Post;

/// The kind of decision an answer carries, counted in `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Answer,
    Personal,
    None,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Answer, Decision::Personal, Decision::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Answer => "answer",
            Decision::Personal => "personal",
            Decision::None => "none",
        }
    }
}

/// An opened answer index.
///
/// Contract: `open` validates the whole index and fails on a broken or half-written one;
/// `answer` never blocks on I/O and is cheap enough to run on the async worker threads;
/// the serialised answer is exactly the object `guichet ask --json` prints.
pub trait Engine: Send + Sync + Sized + 'static {
    type Answer: Serialize + Send;

    /// Opens and validates the index in `index_dir`.
    fn open(index_dir: &Path) -> anyhow::Result<Self>;

    /// Answers one post with at most `top` results.
    fn answer(&self, post: Post, top: usize) -> Self::Answer;

    /// The decision carried by an answer.
    fn decision(answer: &Self::Answer) -> Decision;

    /// The version (build time or hash) of the opened index, as found in every answer.
    fn index_version(&self) -> &str;

    /// Whether the index has content in language `lang`.
    fn knows_lang(&self, lang: &str) -> bool;
}
