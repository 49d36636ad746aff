//! What the benchmarks share: the synthetic site of `../shared/bench/gen_corpus.py`.

use std::path::Path;
use std::process::Command;

/// Writes the synthetic FAQ site of `pages` pages (seed 1; guichet's, Hugo's and Zola's
/// layouts) into `out`, unless it is there already.
pub fn generate_corpus(pages: usize, out: &Path) {
    if out.join(".gen-corpus.json").is_file() {
        return;
    }
    eprintln!("generating {pages} synthetic pages into {}", out.display());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    let status = Command::new("python3")
        .arg(script)
        .args(["-n", &pages.to_string(), "--seed", "1", "-o"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs ../shared/bench/gen_corpus.py");
    assert!(status.success(), "gen_corpus.py failed");
}
