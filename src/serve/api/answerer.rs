//! The production engine: the answer index opened by [`Answerer`].

use std::path::Path;

use super::engine::{Decision, Engine};
use crate::answer::{self, Answer, Answerer, Post};

impl Engine for Answerer {
    type Answer = Answer;

    fn open(index_dir: &Path) -> anyhow::Result<Self> {
        Answerer::open(index_dir)
    }

    fn answer(&self, post: Post, top: usize) -> Answer {
        Answerer::answer(self, &post, top)
    }

    fn decision(answer: &Answer) -> Decision {
        match answer.decision {
            answer::Decision::Answer => Decision::Answer,
            answer::Decision::Personal => Decision::Personal,
            answer::Decision::None => Decision::None,
        }
    }

    fn index_version(&self) -> &str {
        &self.meta().index_version
    }

    fn knows_lang(&self, lang: &str) -> bool {
        self.meta().languages.iter().any(|l| l == lang)
    }
}
