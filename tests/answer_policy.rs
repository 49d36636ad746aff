//! The personal-file policy on posts written blind (by writers who saw neither the dev set nor
//! the code), 80 per set: 40 that need the sender's own file, 40 general questions that only
//! look personal ("if my income is...", "how do I change my address?"). A personal post
//! answered in public breaks the agency's rule; a general one sent to a private channel wastes
//! an agent's time. Each set records how many personal posts the rules alone may miss; no
//! general post may be made personal, by the rules or by the whole policy.
//!
//! The whole policy adds the learned model (`src/answer/personal_model.rs`), trained on these
//! sets among others: that it catches every personal post here only shows the model and its
//! features are read as trained. What it does on posts it was not trained on is measured by
//! holding each set out in turn (`scripts/train-personal-model.py --report`, see the README).

use guichet::answer::normalize::clean;
use guichet::answer::policy::POLICY;
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    lang: String,
    text: String,
    /// "personal" or "general".
    kind: String,
}

/// A set, the personal posts the rules alone may miss and those the whole policy may miss
/// (recorded).
///
/// The first three sets were first run as written, then the general gaps each showed were
/// fixed: before its own fixes, the policy caught 23, 21 and 16 of the 40 personal posts of
/// the three sets. The fourth was written after the fixes and left as it came (22 of 40): the
/// level to expect from a new writer (see the README).
const SETS: [(&str, usize, usize); 4] = [
    // Missed: "Mon remboursement??? 😤😤", which says too little.
    ("policy-written-blind.jsonl", 1, 0),
    // Missed: being under audit, a collections agent's call.
    ("policy-written-blind-2.jsonl", 2, 0),
    // Missed: a notice about under-reported tips, an exact amount to come.
    ("policy-written-blind-3.jsonl", 2, 0),
    // Rules not fixed: 18 missed (1 of them gets a public link), no general post made
    // personal. The whole policy misses one, which the rules read as a hypothesis.
    ("policy-written-blind-4.jsonl", 18, 1),
];

fn read_set(file: &str) -> Vec<Labelled> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let posts: Vec<Labelled> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(posts.len(), 80, "{file}");
    posts
}

/// Runs every set through `personal`, allowing each set the misses `may_miss` gives it.
fn check_sets(personal: impl Fn(&Labelled) -> bool, may_miss: impl Fn(usize) -> usize) {
    let mut failures = Vec::new();
    for (k, (file, ..)) in SETS.iter().enumerate() {
        let mut missed = Vec::new();
        let mut made_personal = Vec::new();
        for post in &read_set(file) {
            match (post.kind.as_str(), personal(post)) {
                ("personal", false) => missed.push(post.id.clone()),
                ("general", true) => made_personal.push(post.id.clone()),
                ("personal" | "general", _) => {}
                (other, _) => panic!("{file} {}: unknown kind {other}", post.id),
            }
        }
        if missed.len() > may_miss(k) {
            failures.push(format!("{file}: personal posts missed: {missed:?}"));
        }
        if !made_personal.is_empty() {
            failures.push(format!("{file}: general posts made personal: {made_personal:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_rules_alone_get_posts_written_blind_right_as_recorded() {
    check_sets(|post| POLICY.judge(&clean(&post.text), &post.lang).by_rules, |k| SETS[k].1);
}

#[test]
fn the_whole_policy_gets_the_posts_it_was_trained_on_right() {
    check_sets(|post| POLICY.judge(&clean(&post.text), &post.lang).personal, |k| SETS[k].2);
}
