//! Prints the features the personal model reads, for `scripts/train-personal-model.py`.
//!
//!     cargo run --release --example personal_features < posts.jsonl
//!
//! Reads one JSON post a line (`text`, optional `lang`), prints one JSON object a line, in
//! order: the post as the model reads it (`prepared`), its `features`, and whether the rules of
//! the policy alone make it personal (`rules`), whether a signal weighs against (`against`), the signals matched and the built-in model's probability (`model`). A post without `lang` gets the language `ask` would detect (French or
//! English), as the held-out posts come.

use std::io::{BufRead, Write};

use guichet::answer::personal_model::{PERSONAL_MODEL, features};
use guichet::answer::{Post, language, normalize, policy};

fn main() -> anyhow::Result<()> {
    let languages = ["fr".to_string(), "en".to_string()];
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        let post: Post = serde_json::from_str(&line).map_err(|e| anyhow::anyhow!("line {}: {e}", n + 1))?;
        let cleaned = normalize::clean(&post.text);
        let lang = post.lang.unwrap_or_else(|| language::detect(&cleaned, &languages, "fr").lang);
        let prepared = policy::prepare(&cleaned, &lang);
        let verdict = policy::POLICY.judge(&cleaned, &lang);
        let line = serde_json::json!({
            "prepared": prepared,
            "features": features(&prepared),
            "rules": verdict.by_rules,
            "against": verdict.against,
            "signals": verdict.signals,
            "model": PERSONAL_MODEL.probability(&prepared),
        });
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}
