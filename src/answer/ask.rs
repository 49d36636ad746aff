//! `guichet ask`: answer posts from the command line.
//!
//! With a question, prints a readable answer (or one JSON object with `--json`). Without one,
//! reads standard input, one post a line (plain text, or a JSON object with `text` and optional
//! `id` and `lang`), and prints one JSON object per line, in order, flushing each line so a bot
//! can keep the command open as a co-process. A line that cannot be read gets an object with
//! an `error` naming its line number; the following lines are still answered.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::json;

use super::mask::mask_sin;
use super::{Answer, Answerer, Post};

/// Default number of results.
pub const DEFAULT_TOP: usize = 5;

/// Options of `guichet ask`.
#[derive(Debug, Clone)]
pub struct AskOptions {
    /// Knowledge base root (holds `config.toml`).
    pub root: PathBuf,
    /// Index folder; `<root>/.guichet/index/` when not given.
    pub index: Option<PathBuf>,
    /// Language of the posts when they do not say; detected otherwise.
    pub lang: Option<String>,
    /// Number of results per post.
    pub top: usize,
    /// Print JSON for a single question.
    pub json: bool,
    /// Add how each post was read (`explain`) to the answers.
    pub explain: bool,
    /// The question; standard input is read when absent.
    pub question: Option<String>,
}

/// Where `build` writes the answer index of a knowledge base by default.
pub fn default_index_dir(root: &Path) -> PathBuf {
    root.join(".guichet").join("index")
}

/// Runs `ask`.
pub fn run(opts: &AskOptions) -> anyhow::Result<()> {
    let dir = opts.index.clone().unwrap_or_else(|| default_index_dir(&opts.root));
    let answerer = Answerer::open(&dir)?;
    let stdout = std::io::stdout();
    match &opts.question {
        Some(question) => {
            let post = Post { text: question.clone(), id: None, lang: opts.lang.clone() };
            let answer = answerer.answer_with(&post, opts.top, opts.explain);
            let mut out = stdout.lock();
            if opts.json {
                writeln!(out, "{}", serde_json::to_string(&answer)?)?;
            } else {
                write!(out, "{}", readable(&answer))?;
            }
            Ok(())
        }
        None => {
            let stdin = std::io::stdin();
            answer_lines(&answerer, stdin.lock(), &mut stdout.lock(), opts)
        }
    }
}

/// Answers every line of `input`, writing one JSON object per line to `out` and flushing it.
pub fn answer_lines(
    answerer: &Answerer,
    input: impl BufRead,
    out: &mut impl Write,
    opts: &AskOptions,
) -> anyhow::Result<()> {
    for (n, line) in input.lines().enumerate() {
        let number = n + 1;
        // An answer is serialised as it is, as the API does: the same bytes for the same post.
        let object = match line {
            Ok(line) => match read_post(&line, opts.lang.as_deref()) {
                Ok(post) => serde_json::to_string(&answerer.answer_with(&post, opts.top, opts.explain))?,
                Err((id, message)) => error_object(id, number, &message).to_string(),
            },
            Err(e) => error_object(None, number, &format!("cannot read the line: {e}")).to_string(),
        };
        writeln!(out, "{object}").context("cannot write the answer")?;
        out.flush().context("cannot write the answer")?;
    }
    Ok(())
}

fn error_object(id: Option<String>, line: usize, message: &str) -> serde_json::Value {
    let error = mask_sin(&format!("line {line}: {message}")).into_owned();
    match id {
        Some(id) => json!({ "id": mask_sin(&id), "line": line, "error": error }),
        None => json!({ "line": line, "error": error }),
    }
}

/// A post from one input line; on failure the post's id (when readable) and what is wrong.
fn read_post(line: &str, lang: Option<&str>) -> Result<Post, (Option<String>, String)> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Err((None, "empty line: expected a post".into()));
    }
    let mut post = if trimmed.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|e| (None, format!("invalid JSON ({e})")))?;
        let id = value.get("id").and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let text = match value.get("text") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(serde_json::Value::String(_)) => return Err((id, "`text` is empty".into())),
            Some(_) => return Err((id, "`text` must be a string".into())),
            None => return Err((id, "no `text` field".into())),
        };
        let post_lang = value.get("lang").and_then(|v| v.as_str()).map(str::to_string);
        Post { text, id, lang: post_lang }
    } else {
        Post { text: trimmed.to_string(), id: None, lang: None }
    };
    if post.lang.is_none() {
        post.lang = lang.map(str::to_string);
    }
    Ok(post)
}

/// The human-readable form of an answer.
pub fn readable(answer: &Answer) -> String {
    let mut s = format!(
        "decision: {} (confidence {:.2}, language {})\n",
        answer.decision.as_str(),
        answer.confidence,
        answer.lang
    );
    if !answer.why.is_empty() {
        s.push_str(&format!("why: {}\n", answer.why.join(", ")));
    }
    if !answer.reply.is_empty() {
        s.push_str(&format!("reply: {}\n", answer.reply));
    }
    if answer.results.is_empty() {
        s.push_str("no matching question\n");
    }
    if let Some(explain) = &answer.explain {
        s.push_str(&format!("terms: {}\n", explain.terms.join(" ")));
        if !explain.synonyms.is_empty() {
            s.push_str(&format!("synonyms added: {}\n", explain.synonyms.join(" ")));
        }
        if !explain.question_types.is_empty() {
            s.push_str(&format!("question types: {}\n", explain.question_types.join(", ")));
        }
    }
    for (i, hit) in answer.results.iter().enumerate() {
        s.push_str(&format!(
            "{:>2}. {} ({})\n    {}  score {:.2}",
            i + 1,
            hit.question,
            hit.page,
            hit.url,
            hit.score
        ));
        if let Some(coverage) = answer.explain.as_ref().and_then(|e| e.coverage.get(i)) {
            s.push_str(&format!("  coverage {coverage:.2}"));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_json_lines() {
        let post = read_post("  c koi la date  ", Some("fr")).unwrap();
        assert_eq!((post.text.as_str(), post.lang.as_deref()), ("c koi la date", Some("fr")));
        let post = read_post(r#"{"id": "a1", "text": "GST?", "lang": "en"}"#, Some("fr")).unwrap();
        assert_eq!((post.id.as_deref(), post.lang.as_deref()), (Some("a1"), Some("en")));
    }

    #[test]
    fn unreadable_lines_say_what_is_wrong() {
        assert!(read_post("", None).unwrap_err().1.contains("empty"));
        assert!(read_post("{not json", None).unwrap_err().1.contains("invalid JSON"));
        let (id, msg) = read_post(r#"{"id": 7, "lang": "fr"}"#, None).unwrap_err();
        assert_eq!(id.as_deref(), Some("7"));
        assert!(msg.contains("text"));
    }

    #[test]
    fn error_objects_carry_the_line_number_and_mask_numbers() {
        let v = error_object(Some("046 454 287".into()), 3, "bad 046 454 287");
        assert_eq!(v["line"], 3);
        assert!(!v.to_string().contains("454"));
        assert!(v["error"].as_str().unwrap().starts_with("line 3:"));
    }
}
