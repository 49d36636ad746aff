//! The personal-file policy on posts written blind (by writers who saw neither the dev set nor
//! the code), 80 per set: 40 that need the sender's own file, 40 general questions that only
//! look personal ("if my income is...", "how do I change my address?"). A personal post
//! answered in public breaks the agency's rule; a general one sent to a private channel wastes
//! an agent's time. Each set records how many personal posts the policy may miss; no general
//! post may be made personal.

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

/// A set and the personal posts it may miss (recorded).
///
/// The first three sets were first run as written, then the general gaps each showed were
/// fixed: before its own fixes, the policy caught 23, 21 and 16 of the 40 personal posts of
/// the three sets. The fourth was written after the fixes and left as it came (22 of 40): the
/// level to expect from a new writer (see the README).
const SETS: [(&str, usize); 4] = [
    // Missed: "Mon remboursement??? 😤😤", which says too little.
    ("policy-written-blind.jsonl", 1),
    // Missed: being under audit, a collections agent's call.
    ("policy-written-blind-2.jsonl", 2),
    // Missed: a notice about under-reported tips, an exact amount to come.
    ("policy-written-blind-3.jsonl", 2),
    // Not fixed: 18 missed (1 of them gets a public link), no general post made personal.
    ("policy-written-blind-4.jsonl", 18),
];

#[test]
fn posts_written_blind_get_the_policy_decision_they_need() {
    let mut failures = Vec::new();
    for (file, may_miss) in SETS {
        let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
        let posts: Vec<Labelled> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(posts.len(), 80, "{file}");
        let mut missed = Vec::new();
        let mut made_personal = Vec::new();
        for post in &posts {
            let personal = POLICY.judge(&clean(&post.text), &post.lang).personal;
            match (post.kind.as_str(), personal) {
                ("personal", false) => missed.push(&post.id),
                ("general", true) => made_personal.push(&post.id),
                ("personal" | "general", _) => {}
                (other, _) => panic!("{file} {}: unknown kind {other}", post.id),
            }
        }
        if missed.len() > may_miss {
            failures.push(format!("{file}: personal posts missed: {missed:?}"));
        }
        if !made_personal.is_empty() {
            failures.push(format!("{file}: general posts made personal: {made_personal:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
