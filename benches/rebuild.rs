//! The incremental rebuild of `guichet serve`: one page of a synthetic site edited on disk,
//! then the rebuild of that change (the affected pages rendered and written, and the answer
//! index updated), as the preview's rebuild thread does it.
//!
//!     cargo bench --bench rebuild                            # 10,000 pages
//!     GUICHET_BENCH_PAGES=1000 cargo bench --bench rebuild   # a quicker run
//!
//! The site is generated once by `../shared/bench/gen_corpus.py` into
//! `target/bench-sites/corpus-N/` (the same cache as `bench/compare.sh`), copied into a
//! temporary folder beside it, and rendered and indexed in full before anything is measured.
//! Each iteration rewrites one page with a different answer (or title), so every rebuild has
//! something to do; one benchmark adds and removes a page instead (the site's structure
//! changes). The answer index is updated on disk as part of the edit; opening the
//! answerer of `/api/answer` on the updated index is measured apart: `serve` does it in a
//! thread of its own (`Answers::refresh`). So are the listings of every page (search index,
//! feeds, deadlines), which `serve` renders once the edited page is served.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use guichet::serve::preview::answers::Answers;
use guichet::serve::preview::workspace::{Change, Workspace};

mod support;

// The allocator of the `guichet` binary, so that the figures are those of `serve`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The knowledge base of the synthetic site of `pages` pages, generated when missing.
fn corpus(pages: usize) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = manifest.join(format!("target/bench-sites/corpus-{pages}"));
    support::generate_corpus(pages, &out);
    out.join("guichet")
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A preview workspace over a copy of the synthetic site, fully rendered and indexed.
struct Fixture {
    _copy: tempfile::TempDir,
    root: PathBuf,
    workspace: Workspace,
    answers: Answers,
    /// The page edited, relative to the root, and its text as generated.
    page: PathBuf,
    original: String,
    edits: u64,
}

impl Fixture {
    fn new() -> Fixture {
        let pages = std::env::var("GUICHET_BENCH_PAGES").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
        let corpus = corpus(pages);
        let copy = tempfile::Builder::new().prefix("rebuild-").tempdir_in(corpus.parent().unwrap()).unwrap();
        let root = copy.path().join("kb");
        copy_tree(&corpus, &root);
        // A page in the middle of the site (not a section page).
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
            .collect();
        files.sort();
        let page = files[files.len() / 2].strip_prefix(&root).unwrap().to_path_buf();
        let original = std::fs::read_to_string(root.join(&page)).unwrap();

        let preview = root.join(".guichet/preview");
        let mut workspace = Workspace::new(root.clone(), false, preview.join("site")).unwrap();
        let start = Instant::now();
        let rebuilt = workspace.rebuild(Change::Full).unwrap_or_else(|d| panic!("{d}"));
        let answers = Answers::new(preview.join("index"));
        answers.rebuild(workspace.site().unwrap()).unwrap();
        // The first render wrote some 70,000 files: let the disk take them before measuring, or
        // the commits of the answer index wait on that.
        let _ = Command::new("sync").status();
        eprintln!(
            "{pages} pages: first render ({} files) and index in {:.1} s; editing {}",
            rebuilt.written.len(),
            start.elapsed().as_secs_f64(),
            page.display()
        );
        Fixture { _copy: copy, root, workspace, answers, page, original, edits: 0 }
    }

    /// Rewrites the page with a changed first answer, or a changed title.
    fn write_edit(&mut self, title: bool) {
        self.edits += 1;
        let n = self.edits;
        let text = if title {
            self.original.replacen("title = \"", &format!("title = \"Modifié {n} : "), 1)
        } else {
            // The first paragraph after the first question heading.
            let heading = self.original.find("\n## ").unwrap();
            let paragraph = heading + self.original[heading..].find("\n\n").unwrap() + 2;
            let mut text = self.original.clone();
            text.insert_str(paragraph, &format!("Modification numéro {n} de cette réponse. "));
            text
        };
        std::fs::write(self.root.join(&self.page), text).unwrap();
    }

    /// One edit and its rebuild: pages, then the answer index, as `serve` does after an edit.
    fn edit(&mut self, title: bool, index: bool) {
        self.write_edit(title);
        let change = Change::Content(BTreeSet::from([self.page.clone()]));
        let rebuilt = self.workspace.rebuild(change).unwrap_or_else(|d| panic!("{d}"));
        assert!(!rebuilt.full);
        if index {
            self.answers.update(self.workspace.site().unwrap(), &rebuilt.sources).unwrap();
        }
    }

    /// The time `then` takes after each of `iters` edits (not counting the edits).
    fn after_edits(&mut self, iters: u64, index: bool, mut then: impl FnMut(&mut Fixture)) -> Duration {
        let mut spent = Duration::ZERO;
        for _ in 0..iters {
            self.edit(false, index);
            let start = Instant::now();
            then(self);
            spent += start.elapsed();
        }
        spent
    }

    /// Adds a copy of the page beside it, or removes the copy: a change of the site's structure.
    fn add_or_remove(&mut self) {
        let copy = self.page.with_file_name("copie-pour-le-banc-d-essai.md");
        let path = self.root.join(&copy);
        if path.exists() {
            std::fs::remove_file(&path).unwrap();
        } else {
            std::fs::write(&path, self.original.replace("translation_key = ", "# translation_key = "))
                .unwrap();
        }
        let rebuilt =
            self.workspace.rebuild(Change::Content(BTreeSet::from([copy]))).unwrap_or_else(|d| panic!("{d}"));
        assert!(!rebuilt.full);
        self.answers.update(self.workspace.site().unwrap(), &rebuilt.sources).unwrap();
    }
}

fn rebuild(c: &mut Criterion) {
    let mut fx = Fixture::new();
    let mut group = c.benchmark_group("rebuild");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    // Some iterations take seconds: the same number of iterations in every sample.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("edit one answer: pages + answer index", |b| b.iter(|| fx.edit(false, true)));
    group.bench_function("edit one answer: pages only", |b| b.iter(|| fx.edit(false, false)));
    group.bench_function("edit one title: pages + answer index", |b| b.iter(|| fx.edit(true, true)));
    group.bench_function("add or remove one page: pages + answer index", |b| b.iter(|| fx.add_or_remove()));
    // Not part of the edit either: `serve` renders the listings of every page (search index,
    // feeds, calendar, deadlines page) once the edited page is served.
    group.bench_function("listings rendered again after an edit (after the page)", |b| {
        b.iter_custom(|iters| {
            fx.after_edits(iters, false, |fx| {
                fx.workspace.render_listings().unwrap_or_else(|d| panic!("{d}"));
            })
        })
    });
    // Not part of the edit: `serve` opens the answerer again in a thread of its own.
    group.bench_function("answerer opened again after an edit (background)", |b| {
        b.iter_custom(|iters| fx.after_edits(iters, true, |fx| fx.answers.refresh().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, rebuild);
criterion_main!(benches);
