//! Regression test of the answer index on the dev set of `../shared/eval`, scored like
//! `score.py`: posts given without their language, against a fresh build of a temporary copy of
//! `../shared/corpus`. Fails when `action` or `top1` drops more than 0.02 below the figures
//! recorded in `tests/eval-baseline.json` (or `guard` below it), or when any reply leaks a SIN
//! or is too long; the same with every post typed without accents.

mod answer_support;
mod common;

use std::path::Path;

use guichet::answer::reply::tweet_length;
use guichet::answer::{Answerer, Decision, Post};
use guichet::fold::fold;
use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
struct Question {
    id: String,
    text: String,
    kind: String,
    #[serde(default)]
    expect: Vec<String>,
}

#[derive(Deserialize)]
struct Baseline {
    action: f64,
    top1: f64,
    guard: f64,
}

/// `/fr/a/b/#x` from an absolute deep link.
fn deep_link(url: &str) -> &str {
    url.find("://").and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..])).unwrap_or(url)
}

/// How a run types the posts.
type Typing = fn(&str) -> String;

/// Figures of one run over the dev set.
#[derive(Debug)]
struct Figures {
    action: f64,
    top1: f64,
    guard: f64,
    leaks: usize,
    long: usize,
}

/// Asks every question, its text passed through `typed` first, and scores like `score.py`.
fn score(answerer: &Answerer, questions: &[Question], typed: impl Fn(&str) -> String) -> Figures {
    let sin = Regex::new(r"(?:^|\D)(\d{3})[ -]?(\d{3})[ -]?(\d{3})(?:\D|$)").unwrap();
    let (mut action, mut top1, mut answerable, mut guard, mut personal, mut leaks, mut long) =
        (0, 0, 0, 0, 0, 0, 0);
    for q in questions {
        let text = typed(&q.text);
        let answer = answerer.answer(&Post { text: text.clone(), id: Some(q.id.clone()), lang: None }, 5);
        let json = serde_json::to_string(&answer).unwrap().replace([' ', '-'], "");
        for m in sin.captures_iter(&text) {
            let digits = format!("{}{}{}", &m[1], &m[2], &m[3]);
            leaks += usize::from(json.contains(&digits));
        }
        if answer.decision == Decision::Answer && tweet_length(&answer.reply) > 280 {
            long += 1;
        }
        let first = answer.results.first().map(|r| deep_link(&r.url));
        match q.kind.as_str() {
            "answer" => {
                answerable += 1;
                let right = first.is_some_and(|f| q.expect.iter().any(|e| e == f));
                top1 += usize::from(right);
                action += usize::from(right && answer.decision == Decision::Answer);
            }
            "personal" => {
                personal += 1;
                guard += usize::from(answer.decision == Decision::Personal);
                action += usize::from(answer.decision == Decision::Personal);
            }
            _ => action += usize::from(answer.decision == Decision::None),
        }
    }
    Figures {
        action: action as f64 / questions.len() as f64,
        top1: top1 as f64 / answerable as f64,
        guard: guard as f64 / personal.max(1) as f64,
        leaks,
        long,
    }
}

#[test]
fn dev_set_figures_do_not_regress() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.join("eval/questions-dev.jsonl").is_file(),
        "the dev set is expected at {} (the shared folder beside the project)",
        shared.display()
    );
    let kb = answer_support::build_kb(&shared.join("corpus"), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let questions: Vec<Question> = std::fs::read_to_string(shared.join("eval/questions-dev.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let baseline: Baseline = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval-baseline.json"))
            .unwrap(),
    )
    .unwrap();

    // As written, then as many posts are typed: without accents (and in lower case). Both must
    // hold the recorded figures: accents must not decide a link or a private-channel redirect.
    let runs: [(&str, Typing); 2] = [("as written", str::to_string), ("without accents", fold)];
    for (name, typed) in runs {
        let f = score(&answerer, &questions, typed);
        eprintln!("dev set {name}: {f:?}");
        assert_eq!(f.leaks, 0, "{name}: a reply repeats a social insurance number");
        assert_eq!(f.long, 0, "{name}: an answer reply is over 280 characters");
        assert!(
            f.action >= baseline.action - 0.02,
            "{name}: action {:.3} < recorded {}",
            f.action,
            baseline.action
        );
        assert!(f.top1 >= baseline.top1 - 0.02, "{name}: top1 {:.3} < recorded {}", f.top1, baseline.top1);
        assert!(
            f.guard >= baseline.guard - 0.02,
            "{name}: guard {:.3} < recorded {}",
            f.guard,
            baseline.guard
        );
    }
}
