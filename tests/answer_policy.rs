//! The personal-file policy on 80 posts written blind (by a writer who saw neither the dev set
//! nor the code): 40 that need the sender's own file, 40 general questions that only look
//! personal ("if my income is...", "how do I change my address?"). A personal post answered in
//! public breaks the agency's rule; a general one sent to a private channel wastes an agent's
//! time. Recorded: 1 personal post missed ("Mon remboursement??? 😤😤", which says too little),
//! no general post made personal.

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

#[test]
fn posts_written_blind_get_the_policy_decision_they_need() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policy-written-blind.jsonl");
    let posts: Vec<Labelled> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(posts.len(), 80);
    let mut missed = Vec::new();
    let mut made_personal = Vec::new();
    for post in &posts {
        let personal = POLICY.judge(&clean(&post.text), &post.lang).personal;
        match (post.kind.as_str(), personal) {
            ("personal", false) => missed.push(&post.id),
            ("general", true) => made_personal.push(&post.id),
            ("personal" | "general", _) => {}
            (other, _) => panic!("{}: unknown kind {other}", post.id),
        }
    }
    assert!(missed.len() <= 1, "personal posts missed: {missed:?}");
    assert!(made_personal.is_empty(), "general posts made personal: {made_personal:?}");
}
