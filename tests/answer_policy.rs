//! The personal-file policy on posts written blind (by writers who saw neither the dev set nor
//! the code), 80 per set: 40 that need the sender's own file, 40 general questions that only
//! look personal ("if my income is...", "how do I change my address?"). A personal post
//! answered in public breaks the agency's rule; a general one sent to a private channel wastes
//! an agent's time. Each set records how many personal posts the rules alone may miss; no
//! general post may be made personal, by the rules or by the whole policy.
//!
//! The whole policy adds the learned model (`src/answer/personal_model.rs`), trained on the
//! first four sets among others: that it catches their personal posts only shows the model and
//! its features are read as trained. The fifth set is never trained on and measures the model
//! on posts it has not seen; the trainer also holds each training set out in turn
//! (`scripts/train-personal-model.py --report`, see the README).

use guichet::answer::normalize::clean;
use guichet::answer::personal_model::PERSONAL_MODEL;
use guichet::answer::policy::{POLICY, Verdict, prepare};
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
/// level to expect from a new writer (see the README). The fifth was written after the learned
/// model came, and is never trained on: the rules caught 28 and made 3 general posts personal,
/// rules and model 39 and 4, before the rules' fixes.
const SETS: [(&str, usize, usize); 5] = [
    // Missed: "Mon remboursement??? 😤😤", which says too little.
    ("policy-written-blind.jsonl", 1, 0),
    // Missed: being under audit, a collections agent's call.
    ("policy-written-blind-2.jsonl", 2, 0),
    // Missed: a notice about under-reported tips, an exact amount to come.
    ("policy-written-blind-3.jsonl", 2, 0),
    // Rules not fixed: 18 missed (1 of them gets a public link), no general post made
    // personal. The whole policy misses one, which the rules read as a hypothesis.
    ("policy-written-blind-4.jsonl", 18, 1),
    ("policy-written-blind-5.jsonl", 11, 0),
];

/// The set the model is never trained on (`scripts/train-personal-model.py` leaves it out).
const HELD_OUT: &str = "policy-written-blind-5.jsonl";

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

/// The learned model alone on posts it has never seen: what it will do on new writers' posts.
#[test]
fn the_model_alone_catches_most_personal_posts_of_a_set_it_never_saw() {
    let (mut caught, mut made_personal) = (Vec::new(), Vec::new());
    let posts = read_set(HELD_OUT);
    for post in &posts {
        let prepared = prepare(&clean(&post.text), &post.lang);
        if PERSONAL_MODEL.probability(&prepared) >= PERSONAL_MODEL.threshold {
            if post.kind == "personal" { &mut caught } else { &mut made_personal }.push(post.id.clone());
        }
    }
    // Recorded: 36 of 40 caught, 1 general post made personal (rules: 28 and 3 before their
    // fixes on this set). The first model, trained on 220 posts fewer, caught 37 here, and made
    // 4 general posts of the dev set personal where this one makes 1.
    assert!(caught.len() >= 36, "personal posts caught by the model alone: {}", caught.len());
    assert!(made_personal.len() <= 1, "general posts made personal by the model: {made_personal:?}");
}

#[test]
fn the_whole_policy_gets_posts_written_blind_right_as_recorded() {
    check_sets(|post| POLICY.judge(&clean(&post.text), &post.lang).personal, |k| SETS[k].2);
}

/// A sixth set, written blind on 30 November by a writer asked to avoid the obvious "can you
/// check my file" and to make general posts look personal. As written, the rules caught 14 of
/// its 40 personal posts, rules and model 27 (guard 0.675), and made 1 general post personal.
/// The rules' general gaps it showed were then fixed (waiting on what the agency owes, nobody
/// explains, "what's my client number?", "si je comprends bien" is no hypothesis...); the
/// model is not trained on it. Recorded now: rules 23, rules and model 36, and the one general
/// post still made personal, "My notice of assessment ... you changed an amount I claimed.
/// Does that mean I'm being audited?", which reads either way.
#[test]
fn a_sixth_set_written_blind_is_caught_as_recorded() {
    let posts = read_set("policy-written-blind-6.jsonl");
    let verdicts: Vec<_> = posts.iter().map(|p| (p, POLICY.judge(&clean(&p.text), &p.lang))).collect();
    let count = |f: &dyn Fn(&Verdict) -> bool, kind: &str| {
        verdicts.iter().filter(|(p, v)| p.kind == kind && f(v)).count()
    };
    assert!(count(&|v| v.by_rules, "personal") >= 23, "rules: {}", count(&|v| v.by_rules, "personal"));
    assert!(count(&|v| v.personal, "personal") >= 36, "whole policy: {}", count(&|v| v.personal, "personal"));
    let made_personal: Vec<_> = verdicts
        .iter()
        .filter(|(p, v)| p.kind == "general" && v.personal)
        .map(|(p, _)| p.id.as_str())
        .collect();
    assert!(made_personal.len() <= 1, "general posts made personal: {made_personal:?}");
}
