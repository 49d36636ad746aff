//! A learned second opinion for the personal policy: a logistic regression over the words, word
//! pairs and letter groups of a post, trained on labelled posts.
//!
//! The rules of `policy.toml` catch what their authors have seen; posts written by someone else
//! say the same things in other words (of 40 personal posts written blind after three rounds of
//! rule fixes, the rules caught 22). The model generalises from the wording of every labelled
//! post instead. It only ever adds `personal` decisions, at a high threshold, so that general
//! questions that merely sound personal stay public.
//!
//! The weights are in `personal-model.tsv`, written by `scripts/train-personal-model.py` from
//! the features this module computes (`cargo run --example personal_features`), so training
//! and answering read posts the same way. The file's `check` lines are posts with the
//! probability the trainer gave them: a unit test asserts this module gives the same.

use std::hash::BuildHasher;
use std::sync::LazyLock;

use anyhow::{Context, bail};
use foldhash::{HashMap, HashMapExt};

/// Letter groups (of a word padded with a space on each side) of these lengths are features:
/// they meet informal and misspelled forms of a word ("remboursment", "rembours").
const LETTER_GROUPS: std::ops::RangeInclusive<usize> = 3..=5;

/// The features of a post as [`crate::answer::policy::prepare`] leaves it (folded, informal
/// spellings rewritten): `w WORD`, `b WORD WORD` for consecutive words and `c GROUP` for letter
/// groups, each once, sorted. Digits all read `0`: the model learns that a post carries an amount
/// or a number, never which one (so no identifier can end up in the weights).
pub fn features(prepared: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_feature(prepared, |f| out.push(f.to_string()));
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `visit` with every feature of [`features`], repeated ones as often as they occur,
/// without allocating a string for each.
fn for_each_feature(prepared: &str, mut visit: impl FnMut(&str)) {
    let text: String = prepared.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut feature = String::new();
    for (i, w) in words.iter().enumerate() {
        feature.clear();
        feature.push_str("w ");
        feature.push_str(w);
        visit(&feature);
        if let Some(next) = words.get(i + 1) {
            feature.clear();
            feature.push_str("b ");
            feature.push_str(w);
            feature.push(' ');
            feature.push_str(next);
            visit(&feature);
        }
        let padded: Vec<char> = std::iter::once(' ').chain(w.chars()).chain(std::iter::once(' ')).collect();
        for n in LETTER_GROUPS {
            for group in padded.windows(n) {
                feature.clear();
                feature.push_str("c ");
                feature.extend(group);
                visit(&feature);
            }
        }
    }
}

fn hash(feature: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0).hash_one(feature)
}

/// A trained model.
#[derive(Debug)]
pub struct PersonalModel {
    bias: f32,
    /// Probability from which a post is personal.
    pub threshold: f32,
    /// Weights by the hash of their feature: a post's hundreds of features are looked up
    /// without a string each (13,000 features: a collision is unlikely and would only shift one
    /// weight).
    weights: HashMap<u64, f32>,
    /// Posts with the probability the trainer gave them, for the consistency test.
    checks: Vec<(f32, String)>,
}

/// The built-in model.
pub static PERSONAL_MODEL: LazyLock<PersonalModel> = LazyLock::new(|| {
    PersonalModel::parse(include_str!("personal-model.tsv")).expect("personal-model.tsv is valid")
});

impl PersonalModel {
    /// Reads the trainer's file: `bias`, `threshold`, `check` and `weight` lines, tab-separated,
    /// `#` comments.
    pub fn parse(text: &str) -> anyhow::Result<PersonalModel> {
        let (mut bias, mut threshold) = (None, None);
        let mut weights = HashMap::with_capacity(text.len() / 24);
        let mut checks = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty() && !l.starts_with('#')) {
            let number =
                |s: &str| s.parse::<f32>().with_context(|| format!("line {}: not a number: {s}", n + 1));
            let mut fields = line.splitn(3, '\t');
            match (fields.next(), fields.next(), fields.next()) {
                (Some("weight"), Some(w), Some(feature)) => {
                    weights.insert(hash(feature), number(w)?);
                }
                (Some("bias"), Some(b), None) => bias = Some(number(b)?),
                (Some("threshold"), Some(t), None) => threshold = Some(number(t)?),
                (Some("check"), Some(p), Some(post)) => checks.push((number(p)?, post.to_string())),
                _ => {
                    bail!("line {}: expected `bias`, `threshold`, `check` or `weight` and its values", n + 1)
                }
            }
        }
        Ok(PersonalModel {
            bias: bias.context("no `bias` line")?,
            threshold: threshold.context("no `threshold` line")?,
            weights,
            checks,
        })
    }

    /// Probability that a post, as [`crate::answer::policy::prepare`] leaves it, needs the
    /// sender's own file.
    pub fn probability(&self, prepared: &str) -> f32 {
        // Features are binary: each counts once however often it occurs.
        let mut hashes = Vec::with_capacity(prepared.len() * 4);
        for_each_feature(prepared, |f| hashes.push(hash(f)));
        hashes.sort_unstable();
        hashes.dedup();
        let z = self.bias + hashes.iter().filter_map(|h| self.weights.get(h)).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Posts with the probability the trainer gave them.
    pub fn checks(&self) -> &[(f32, String)] {
        &self.checks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_words_pairs_and_letter_groups_with_digits_hidden() {
        let f = features("mon nas 123");
        for expected in ["w mon", "w nas", "w 000", "b mon nas", "b nas 000", "c  mo", "c mon ", "c  000 "] {
            assert!(f.contains(&expected.to_string()), "{expected:?} missing from {f:?}");
        }
        assert!(!f.iter().any(|x| x.contains('1')), "a digit leaked: {f:?}");
        let mut sorted = f.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(f, sorted);
    }

    #[test]
    fn the_built_in_model_gives_the_trainers_probabilities() {
        let model = &*PERSONAL_MODEL;
        assert!(model.checks().len() >= 10, "the model file should carry check posts");
        assert!(model.weights.len() > 1000);
        for (expected, post) in model.checks() {
            let p = model.probability(post);
            assert!((p - expected).abs() < 1e-3, "{post:?}: {p} here, {expected} when trained");
        }
    }

    #[test]
    fn a_broken_model_file_names_the_line() {
        let err = PersonalModel::parse("bias\t0.1\nthreshold\tx\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        let err = PersonalModel::parse("bias\t0.1\nweight\t0.5\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        assert!(PersonalModel::parse("threshold\t0.9\n").is_err());
    }
}
