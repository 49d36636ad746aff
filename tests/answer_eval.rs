//! Regression test of the answer index on the dev set of `../shared/eval`, scored like
//! `score.py`: posts given without their language, against a fresh build of a temporary copy of
//! `../shared/corpus`. Fails when `action` or `top1` drops more than 0.02 below the figures
//! recorded in `tests/eval-baseline.json` (or `guard` below it), or when any reply leaks a SIN
//! or is too long; the same with every post typed without accents.

mod answer_support;
mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    /// Figures of the evaluation sets written apart from the dev set.
    #[serde(default)]
    other_sets: Vec<OtherSet>,
}

/// An evaluation set of `tests/fixtures` and its recorded figures (`top1` and `guard` only for
/// sets with answerable and personal posts).
#[derive(Deserialize)]
struct OtherSet {
    /// Path from the project root.
    set: String,
    action: f64,
    top1: Option<f64>,
    guard: Option<f64>,
}

fn baseline() -> Baseline {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval-baseline.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
    /// Share of all posts given a wrong public link.
    wrong: f64,
    leaks: usize,
    long: usize,
}

/// Asks every question, its text passed through `typed` first, and scores like `score.py`.
fn score(answerer: &Answerer, questions: &[Question], typed: impl Fn(&str) -> String) -> Figures {
    let sin = Regex::new(r"(?:^|\D)(\d{3})[ -]?(\d{3})[ -]?(\d{3})(?:\D|$)").unwrap();
    let (mut action, mut top1, mut answerable, mut guard, mut personal, mut leaks, mut long) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut wrong = 0;
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
                wrong += usize::from(!right && answer.decision == Decision::Answer);
            }
            "personal" => {
                personal += 1;
                guard += usize::from(answer.decision == Decision::Personal);
                action += usize::from(answer.decision == Decision::Personal);
            }
            _ => {
                action += usize::from(answer.decision == Decision::None);
                wrong += usize::from(answer.decision == Decision::Answer);
            }
        }
        if q.kind == "personal" {
            wrong += usize::from(answer.decision == Decision::Answer);
        }
    }
    Figures {
        action: action as f64 / questions.len() as f64,
        top1: top1 as f64 / answerable as f64,
        guard: guard as f64 / personal.max(1) as f64,
        wrong: wrong as f64 / questions.len() as f64,
        leaks,
        long,
    }
}

fn shared() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.join("eval/questions-dev.jsonl").is_file(),
        "the dev set is expected at {} (the shared folder beside the project)",
        shared.display()
    );
    shared
}

fn dev_questions() -> Vec<Question> {
    read_questions(&shared().join("eval/questions-dev.jsonl"))
}

fn read_questions(path: &Path) -> Vec<Question> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn dev_set_figures_do_not_regress() {
    let kb = answer_support::build_kb(&shared().join("corpus"), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let questions = dev_questions();
    let baseline = baseline();

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

/// Writes `pages` pages per language of filler FAQ: headings and answers drawn from the
/// everyday words of a tax agency's pages, about nothing in particular. To a post, they look
/// like what a knowledge base that grew to hundreds of pages offers besides the right answer.
fn write_filler_pages(root: &Path, pages: usize) {
    const FR: &[&str] = &[
        "crédit",
        "impôt",
        "déclaration",
        "revenus",
        "montant",
        "date",
        "limite",
        "remboursement",
        "paiement",
        "versement",
        "entreprise",
        "travailleur",
        "autonome",
        "famille",
        "enfant",
        "frais",
        "admissibles",
        "demande",
        "formulaire",
        "relevé",
        "cotisation",
        "avis",
        "solde",
        "pénalité",
        "intérêts",
        "acomptes",
        "taxe",
        "TPS",
        "TVQ",
        "société",
        "employeur",
        "salaire",
        "retenues",
        "source",
        "pension",
        "personne",
        "aînés",
        "logement",
        "loyer",
        "propriétaire",
        "dépenses",
        "reçus",
        "délai",
        "année",
        "trimestre",
        "dossier",
        "services",
        "ligne",
        "changement",
        "situation",
        "conjoint",
        "décès",
        "étudiant",
        "emploi",
        "retraite",
        "rente",
        "programme",
        "subvention",
        "réduction",
        "seuil",
        "calcul",
        "preuve",
        "exemption",
        "santé",
    ];
    const EN: &[&str] = &[
        "credit",
        "tax",
        "return",
        "income",
        "amount",
        "deadline",
        "refund",
        "payment",
        "business",
        "self-employed",
        "worker",
        "family",
        "child",
        "expenses",
        "eligible",
        "application",
        "form",
        "slip",
        "assessment",
        "notice",
        "balance",
        "penalty",
        "interest",
        "instalments",
        "GST",
        "QST",
        "corporation",
        "employer",
        "salary",
        "deductions",
        "source",
        "pension",
        "person",
        "seniors",
        "housing",
        "rent",
        "owner",
        "receipts",
        "period",
        "year",
        "quarter",
        "file",
        "online",
        "services",
        "change",
        "situation",
        "spouse",
        "death",
        "student",
        "job",
        "retirement",
        "program",
        "reduction",
        "threshold",
        "calculation",
        "proof",
        "exemption",
    ];
    let heads = [
        (
            "fr",
            "divers",
            FR,
            [
                "Qui a droit",
                "Comment obtenir",
                "Quel est le montant",
                "Quand faut-il",
                "Dois-je déclarer",
                "Où trouver",
            ],
        ),
        (
            "en",
            "misc",
            EN,
            [
                "Who can claim",
                "How do I get",
                "What is the amount of",
                "When must I",
                "Do I report",
                "Where do I find",
            ],
        ),
    ];
    // A fixed linear congruential sequence: the same pages on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut pick = |words: &[&'static str]| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        words[(state >> 33) as usize % words.len()]
    };
    for (lang, section, words, openings) in heads {
        let dir = root.join("content").join(lang).join(section);
        std::fs::create_dir_all(&dir).unwrap();
        for n in 0..pages {
            let mut page = format!("+++\ntitle = \"{} {} {}\"\n+++\n\n", pick(words), pick(words), n);
            for (q, opening) in openings.iter().enumerate() {
                let subject: Vec<&str> = (0..4).map(|_| pick(words)).collect();
                writeln!(page, "## {opening} {}? {{#q{q}}}\n", subject.join(" ")).unwrap();
                let answer: Vec<&str> = (0..40).map(|_| pick(words)).collect();
                writeln!(page, "{}.\n", answer.join(" ")).unwrap();
            }
            std::fs::write(dir.join(format!("page-{n}.md")), page).unwrap();
        }
    }
}

#[test]
fn a_larger_knowledge_base_does_not_post_more_wrong_links() {
    // BM25 scores grow with the number of documents (idf); a confidence read from raw scores
    // answered the same posts more boldly as pages were added, wrong links included.
    let kb = answer_support::build_kb(&shared().join("corpus"), |root| write_filler_pages(root, 500));
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let f = score(&answerer, &dev_questions(), str::to_string);
    eprintln!("dev set with 1,000 filler pages: {f:?}");
    assert!(f.wrong <= 0.05, "wrong public links for {:.3} of the posts", f.wrong);
}

#[test]
fn posts_written_apart_from_the_dev_set_do_not_regress() {
    // The dev set was read while the rules were written; these sets (personal, out of scope,
    // answerable posts) were written apart from it, two of them by writers who saw neither
    // the dev set nor the code, as a check of how the rules generalise.
    let sets = baseline().other_sets;
    assert!(!sets.is_empty(), "other_sets figures in tests/eval-baseline.json");
    let kb = answer_support::build_kb(&shared().join("corpus"), |_| {});
    let answerer = Answerer::open(&kb.index_dir()).unwrap();
    let mut failures = String::new();
    for recorded in &sets {
        let questions = read_questions(&Path::new(env!("CARGO_MANIFEST_DIR")).join(&recorded.set));
        let f = score(&answerer, &questions, str::to_string);
        eprintln!("{}: {f:?}", recorded.set);
        let checks = [
            ("action", f.action, Some(recorded.action)),
            ("top1", f.top1, recorded.top1),
            ("guard", f.guard, recorded.guard),
        ];
        for (name, now, then) in checks.into_iter().filter_map(|(n, now, then)| Some((n, now, then?))) {
            if now < then - 0.02 {
                writeln!(failures, "{}: {name} {now:.3} < recorded {then}", recorded.set).unwrap();
            }
        }
        if f.leaks > 0 {
            writeln!(failures, "{}: a reply repeats a social insurance number", recorded.set).unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
