//! `ask` latency (index opened once, one post at a time) and the normalisation of a post.
//!
//!     cargo bench --bench answer                              # 10,000 synthetic pages
//!     GUICHET_BENCH_PAGES=1000 cargo bench --bench answer     # quicker
//!     cargo bench --bench answer -- normalize                 # normalisation only, no index
//!     cargo bench --bench answer -- "personal policy"         # the personal policy, no index
//!     cargo bench --bench answer -- ask                       # `ask` only
//!
//! The posts are the texts of `../shared/eval/questions-dev.jsonl`, given without their
//! `lang` (as the held-out set is run), answered in turn, each iteration one post.
//!
//! `ask` is measured on two indexes:
//! - the synthetic site of `../shared/bench/gen_corpus.py` (`GUICHET_BENCH_PAGES` pages,
//!   10,000 by default). Its vocabulary is not the one of the dev posts, so it measures the
//!   cost of a large index rather than useful answers. Generating and building it takes one to
//!   two minutes for 10,000 pages, so both are cached in `$CARGO_TARGET_DIR/bench-data/corpus-N/`
//!   (`target/` when the variable is not set) and reused as they are: set
//!   `GUICHET_BENCH_REBUILD=1` after changing the indexing (`src/index/`), or delete the folder.
//! - the reference corpus `../shared/corpus`, what the API serves, built into a temporary
//!   folder on every run (a second).
//!
//! Criterion's figure is the time of an iteration averaged over the mix of posts, so a mean per
//! post, not a median or a p99. Before each `ask` benchmark, every post is therefore also timed
//! on its own over a few rounds, and the per-post p50 / p99 / max, the time to open the index
//! and the slowest posts are printed to stderr (lines starting with `ask latency`).

use std::cell::OnceCell;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use guichet::answer::ask::{DEFAULT_TOP, default_index_dir};
use guichet::answer::personal_model::{PERSONAL_MODEL, PersonalModel};
use guichet::answer::{Answerer, Post, language, normalize, policy};
use guichet::build::{BuildOptions, build};
use guichet::index::IndexMeta;

mod support;

/// Rounds over the dev posts for the per-post percentiles.
const ROUNDS: usize = 20;

fn shared(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")).join(rel)
}

/// The dev posts, `id` and `text` only.
fn dev_posts() -> Vec<Post> {
    let path = shared("eval/questions-dev.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON object per line");
            Post {
                text: v["text"].as_str().expect("a text").to_string(),
                id: v["id"].as_str().map(String::from),
                lang: None,
            }
        })
        .collect()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The index of the synthetic site with `pages` pages, generated and built when missing.
fn synthetic_index(pages: usize) -> PathBuf {
    let out = target_dir().join("bench-data").join(format!("corpus-{pages}"));
    let root = out.join("guichet");
    let index = default_index_dir(&root);
    let rebuild = std::env::var_os("GUICHET_BENCH_REBUILD").is_some_and(|v| v != "0");
    // Reading `meta.json` checks the layout version without opening the whole index (seconds).
    if !rebuild && IndexMeta::read(&index).is_ok() {
        eprintln!("using the cached index {}", index.display());
        return index;
    }
    support::generate_corpus(pages, &out);
    eprintln!("building {} (20 to 40 s for 10,000 pages; cached afterwards)", root.display());
    let opts = BuildOptions { root, accept_removals: true, ..BuildOptions::default() };
    let report = build(&opts).unwrap_or_else(|e| panic!("build failed: {e}"));
    eprintln!("{report}");
    index
}

/// The reference corpus built into a temporary folder; returns the folder and its index.
fn reference_index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let opts = BuildOptions {
        root: shared("corpus"),
        output_dir: Some(tmp.path().join("site")),
        ..BuildOptions::default()
    };
    build(&opts).unwrap_or_else(|e| panic!("build of the reference corpus failed: {e}"));
    let index = guichet::build::state_dir_for(&tmp.path().join("site")).join("index");
    (tmp, index)
}

/// Opens the index and prints the opening time and the per-post latency percentiles.
fn open_and_report(label: &str, index: &Path, posts: &[Post]) -> Answerer {
    let start = Instant::now();
    let answerer = Answerer::open(index).expect("the index opens");
    let opened = start.elapsed();
    for post in posts {
        black_box(answerer.answer(post, DEFAULT_TOP)); // warm-up round
    }
    // by_post[i][round]: the time of post i in each round.
    let mut by_post: Vec<Vec<Duration>> = vec![Vec::with_capacity(ROUNDS); posts.len()];
    for _ in 0..ROUNDS {
        for (post, times) in posts.iter().zip(&mut by_post) {
            let start = Instant::now();
            black_box(answerer.answer(black_box(post), DEFAULT_TOP));
            times.push(start.elapsed());
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let quantile = |times: &[Duration], q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    let mut all: Vec<Duration> = by_post.iter().flatten().copied().collect();
    all.sort();
    eprintln!(
        "ask latency, {label} ({} documents, opened in {:.0} ms): {} posts x {ROUNDS} rounds, \
         per post p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms, mean {:.3} ms",
        answerer.meta().documents,
        ms(opened),
        posts.len(),
        quantile(&all, 0.50),
        quantile(&all, 0.99),
        ms(all[all.len() - 1]),
        ms(all.iter().sum::<Duration>()) / all.len() as f64,
    );
    // The posts that are slow every time (median over the rounds), not noise of the machine.
    let mut medians: Vec<(f64, &Post)> = by_post
        .iter_mut()
        .zip(posts)
        .map(|(times, post)| {
            times.sort();
            (quantile(times, 0.5), post)
        })
        .collect();
    medians.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> = medians
        .iter()
        .take(3)
        .map(|(t, p)| format!("{} {t:.3} ms", p.id.as_deref().unwrap_or("?")))
        .collect();
    eprintln!("ask latency, {label}: slowest posts (median of their rounds): {}", slowest.join(", "));
    answerer
}

/// One benchmark of `ask` over `posts`, each iteration the next post. The index is built and
/// opened only when criterion selects the benchmark.
fn bench_ask(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    posts: &[Post],
    index: impl FnOnce() -> (Answerer, Keep),
) {
    let state = OnceCell::new();
    let mut index = Some(index);
    let mut next = 0;
    group.bench_function(name, |b| {
        let (answerer, _) = state.get_or_init(|| (index.take().expect("opened once"))());
        b.iter(|| {
            let post = &posts[next % posts.len()];
            next += 1;
            black_box(answerer.answer(black_box(post), DEFAULT_TOP))
        })
    });
}

/// What must outlive an opened index (the temporary folder of the reference corpus).
type Keep = Option<tempfile::TempDir>;

fn ask(c: &mut Criterion) {
    let posts = dev_posts();
    let pages: usize = match std::env::var("GUICHET_BENCH_PAGES") {
        Ok(v) => v.parse().expect("GUICHET_BENCH_PAGES is a number of pages"),
        Err(_) => 10_000,
    };
    let label = format!("{pages} synthetic pages");
    let mut group = c.benchmark_group("ask one dev post");
    // 100 samples of a few-millisecond routine do not fit criterion's default 5 s.
    group.sample_size(50);
    bench_ask(&mut group, &label, &posts, || {
        (open_and_report(&label, &synthetic_index(pages), &posts), None)
    });
    bench_ask(&mut group, "reference corpus", &posts, || {
        let (tmp, index) = reference_index();
        (open_and_report("reference corpus", &index, &posts), Some(tmp))
    });
    group.finish();
}

fn normalize(c: &mut Criterion) {
    let posts = dev_posts();
    let texts: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
    let languages = ["fr".to_string(), "en".to_string()];
    let mut group = c.benchmark_group("normalize one dev post");
    let mut next = 0;
    let mut post = || {
        next += 1;
        texts[next % texts.len()]
    };
    group.bench_function("clean", |b| b.iter(|| black_box(normalize::clean(black_box(post())))));
    let cleaned: Vec<String> = texts.iter().map(|t| normalize::clean(t)).collect();
    let detected: Vec<String> = cleaned.iter().map(|t| language::detect(t, &languages, "fr").lang).collect();
    let mut i = 0;
    group.bench_function("language::detect", |b| {
        b.iter(|| {
            i += 1;
            black_box(language::detect(black_box(&cleaned[i % cleaned.len()]), &languages, "fr"))
        })
    });
    group.bench_function("SPELLINGS.rewrite", |b| {
        b.iter(|| {
            i += 1;
            let k = i % cleaned.len();
            black_box(normalize::SPELLINGS.rewrite(black_box(&cleaned[k]), &detected[k]))
        })
    });
    group.bench_function("clean + detect + rewrite", |b| {
        b.iter(|| {
            let cleaned = normalize::clean(black_box(post()));
            let lang = language::detect(&cleaned, &languages, "fr").lang;
            black_box(normalize::SPELLINGS.rewrite(&cleaned, &lang))
        })
    });
    group.finish();
}

/// The personal policy on its own: the rules, and the learned model's share of them.
fn personal_policy(c: &mut Criterion) {
    let languages = ["fr".to_string(), "en".to_string()];
    let posts: Vec<(String, String)> = dev_posts()
        .iter()
        .map(|p| {
            let cleaned = normalize::clean(&p.text);
            let lang = language::detect(&cleaned, &languages, "fr").lang;
            (cleaned, lang)
        })
        .collect();
    let prepared: Vec<String> = posts.iter().map(|(t, l)| policy::prepare(t, l)).collect();
    let mut group = c.benchmark_group("personal policy, one dev post");
    let mut i = 0;
    group.bench_function("judge (rules + model)", |b| {
        b.iter(|| {
            i += 1;
            let (text, lang) = &posts[i % posts.len()];
            black_box(policy::POLICY.judge(black_box(text), lang))
        })
    });
    group.bench_function("parse the model (once, at startup)", |b| {
        b.iter(|| black_box(PersonalModel::parse(include_str!("../src/answer/personal-model.tsv")).unwrap()))
    });
    group.bench_function("model alone", |b| {
        b.iter(|| {
            i += 1;
            black_box(PERSONAL_MODEL.probability(black_box(&prepared[i % prepared.len()])))
        })
    });
    group.finish();
}

criterion_group!(benches, ask, normalize, personal_policy);
criterion_main!(benches);
