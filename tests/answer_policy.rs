//! The personal-file policy on posts written blind (by writers who saw neither the dev set nor
//! the code), 80 per set: 40 that need the sender's own file, 40 general questions that only
//! look personal ("if my income is...", "how do I change my address?"). A personal post
//! answered in public breaks the agency's rule; a general one sent to a private channel wastes
//! an agent's time. Each set records how many personal posts the rules alone may miss; no
//! general post may be made personal, by the rules or by the whole policy.
//!
//! The whole policy adds the learned model (`src/answer/personal_model.rs`), trained on the
//! first six sets among others: that it catches their personal posts only shows the model and
//! its features are read as trained. The seventh set is never trained on and measures the model
//! on posts it has not seen; the trainer also holds each training set out in turn
//! (`scripts/train-personal-model.py --report`, see the README).

use guichet::answer::normalize::clean;
use guichet::answer::personal_model::PERSONAL_MODEL;
use guichet::answer::policy::{POLICY, prepare};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    lang: String,
    text: String,
    /// "personal" or "general".
    kind: String,
}

/// A set, the personal posts the rules alone may miss, those the whole policy may miss and the
/// general posts either may make personal (recorded).
///
/// The first three sets were first run as written, then the general gaps each showed were
/// fixed: before its own fixes, the policy caught 23, 21 and 16 of the 40 personal posts of
/// the three sets. The fourth was written after the fixes and left as it came (22 of 40): the
/// level to expect from a new writer (see the README). The fifth was written after the learned
/// model came: the rules caught 28 and made 3 general posts personal, rules and model 39 and 4,
/// before the rules' fixes. The sixth and seventh were written by writers asked to avoid the
/// obvious "can you check my file" and to make general posts look personal. As written, the
/// sixth: rules 14 of 40, rules and model 27, 1 general post made personal; the seventh (with
/// the model trained again on the sixth): rules 6, rules and model 27, 1 general post made
/// personal. Their general gaps were then fixed as rules (waiting on what the agency owes,
/// nobody explains, "c'est-tu rentré?"; whether a request "went through", something "refusée.
/// Pourquoi?", a notice received "mais on a payé", the agency "saisit" or "pulled" money, an
/// amount "au lieu de" the usual one...), with tests of posts written apart in
/// `src/answer/policy.rs`.
const SETS: [(&str, usize, usize, usize); 8] = [
    // Missed: "Mon remboursement??? 😤😤", which says too little.
    ("policy-written-blind.jsonl", 1, 0, 0),
    // Missed: being under audit, a collections agent's call.
    ("policy-written-blind-2.jsonl", 2, 0, 0),
    // Missed: a notice about under-reported tips, an exact amount to come.
    ("policy-written-blind-3.jsonl", 2, 0, 0),
    // Rules not fixed: 16 missed (1 of them gets a public link). The whole policy misses one,
    // which the rules read as a hypothesis.
    ("policy-written-blind-4.jsonl", 16, 1, 0),
    ("policy-written-blind-5.jsonl", 10, 0, 0),
    // Made personal: "My notice of assessment ... you changed an amount I claimed. Does that
    // mean I'm being audited?", which reads either way.
    ("policy-written-blind-6.jsonl", 15, 0, 1),
    // Made personal by the model before it was trained on this set: a support payer who
    // stopped paying, asked in general terms ("qu'est-ce que vous faites quand il paie pas?").
    ("policy-written-blind-7.jsonl", 20, 0, 0),
    // Written on 2026-12-08; as written the rules caught 25 of 40 and the whole policy 33.
    // Missed: a support payer who has not paid for two months, told without a word of one's
    // own file.
    ("policy-written-blind-8.jsonl", 9, 1, 0),
];

/// The set the model is never trained on (`scripts/train-personal-model.py` leaves it out).
const HELD_OUT: &str = "policy-written-blind-8.jsonl";

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
    for (k, &(file, _, _, may_make_personal)) in SETS.iter().enumerate() {
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
        if made_personal.len() > may_make_personal {
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
    // Recorded: 32 of 40 caught, no general post made personal (the model trained on 1,706
    // posts on 2026-12-08; the models trained on 1,526 and on 1,026 posts also caught 32). On
    // the seventh set, before it was trained on, the model trained on 1,026 posts caught 27.
    assert!(caught.len() >= 32, "personal posts caught by the model alone: {}", caught.len());
    assert!(made_personal.is_empty(), "general posts made personal by the model: {made_personal:?}");
}

#[test]
fn the_whole_policy_gets_posts_written_blind_right_as_recorded() {
    check_sets(|post| POLICY.judge(&clean(&post.text), &post.lang).personal, |k| SETS[k].2);
}
