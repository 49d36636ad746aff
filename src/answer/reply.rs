//! Ready-to-post replies, rendered from tera templates.
//!
//! One template per decision and language, named `{decision}.{lang}.txt` (`answer.fr.txt`,
//! `personal.en.txt`, `none.fr.txt`). Defaults are built in; a knowledge base's own
//! `templates/replies/*.txt` override them by name. Templates see `url` (absolute deep link,
//! answers only), `question` and `page` (the matched question and page title), `channel` (the
//! private channel's URL) and `lang`. A reply never exceeds 280 characters, counting every URL
//! as 23 (X's rule): the question is shortened, then dropped, when the text is too long.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, bail};
use regex::Regex;
use tera::Tera;

/// Longest reply, in X's count.
pub const MAX_LENGTH: usize = 280;
/// What X counts for any URL.
const URL_LENGTH: usize = 23;

/// The decisions that have templates.
pub const DECISIONS: [&str; 3] = ["answer", "personal", "none"];

const BUILT_IN: &[(&str, &str)] = &[
    (
        "answer.fr.txt",
        include_str!("../../templates/replies/answer.fr.txt"),
    ),
    (
        "answer.en.txt",
        include_str!("../../templates/replies/answer.en.txt"),
    ),
    (
        "personal.fr.txt",
        include_str!("../../templates/replies/personal.fr.txt"),
    ),
    (
        "personal.en.txt",
        include_str!("../../templates/replies/personal.en.txt"),
    ),
    (
        "none.fr.txt",
        include_str!("../../templates/replies/none.fr.txt"),
    ),
    (
        "none.en.txt",
        include_str!("../../templates/replies/none.en.txt"),
    ),
];

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https?://\S+").expect("valid URL pattern"));

/// Length of a text as X counts it.
pub fn tweet_length(text: &str) -> usize {
    let urls: Vec<_> = URL.find_iter(text).collect();
    let url_chars: usize = urls.iter().map(|m| m.as_str().chars().count()).sum();
    text.chars().count() - url_chars + urls.len() * URL_LENGTH
}

/// Reads a knowledge base's reply templates (`templates/replies/*.txt`); none when the folder
/// does not exist. Checks names and syntax, so a broken template fails the build.
pub fn load_overrides(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut templates = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(templates),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if !name.ends_with(".txt") {
            continue;
        }
        let decision = name.split('.').next().unwrap_or_default();
        if !DECISIONS.contains(&decision) || name.split('.').count() != 3 {
            bail!(
                "{}: a reply template is named {{decision}}.{{lang}}.txt with decision answer, personal or none",
                path.display()
            );
        }
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Tera::default()
            .add_raw_template(&name, &source)
            .with_context(|| format!("{}: invalid template", path.display()))?;
        templates.insert(name, source);
    }
    Ok(templates)
}

/// The compiled reply templates of an index.
#[derive(Debug)]
pub struct Replies {
    tera: Tera,
    default_language: String,
}

/// What a reply talks about.
#[derive(Debug, Default)]
pub struct ReplyContext<'a> {
    pub url: &'a str,
    pub question: &'a str,
    pub page: &'a str,
    pub channel: &'a str,
}

impl Replies {
    /// Built-in templates overridden by `overrides` (name -> source).
    pub fn new(
        overrides: &BTreeMap<String, String>,
        default_language: &str,
    ) -> anyhow::Result<Replies> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![]);
        for (name, source) in BUILT_IN {
            if !overrides.contains_key(*name) {
                tera.add_raw_template(name, source)?;
            }
        }
        for (name, source) in overrides {
            tera.add_raw_template(name, source).with_context(|| {
                format!("reply template {name} is invalid; fix it and run `guichet build`")
            })?;
        }
        Ok(Replies {
            tera,
            default_language: default_language.to_string(),
        })
    }

    /// Renders the reply of `decision` in `lang` (falling back to the default language, then
    /// English), fitted to [`MAX_LENGTH`].
    pub fn render(&self, decision: &str, lang: &str, ctx: &ReplyContext) -> anyhow::Result<String> {
        let name = [lang, self.default_language.as_str(), "en"]
            .iter()
            .map(|l| format!("{decision}.{l}.txt"))
            .find(|n| self.tera.get_template_names().any(|t| t == n))
            .with_context(|| format!("no reply template for `{decision}`"))?;
        let mut question: String = ctx.question.to_string();
        loop {
            let mut context = tera::Context::new();
            context.insert("url", ctx.url);
            context.insert("question", &question);
            context.insert("page", ctx.page);
            context.insert("channel", ctx.channel);
            context.insert("lang", lang);
            let text = self.tera.render(&name, &context)?.trim().to_string();
            if tweet_length(&text) <= MAX_LENGTH {
                return Ok(text);
            }
            if question.is_empty() {
                return Ok(cut(&text));
            }
            question = shorten(&question, tweet_length(&text) - MAX_LENGTH);
        }
    }
}

/// `text` without at least `excess` characters, cut at a word and marked with `…`; empty when
/// too little would remain.
fn shorten(text: &str, excess: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let keep = chars.len().saturating_sub(excess + 1);
    if keep < 12 {
        return String::new();
    }
    let kept: String = chars[..keep].iter().collect();
    let kept = kept
        .rsplit_once(' ')
        .map_or(kept.as_str(), |(head, _)| head)
        .trim_end_matches([',', ';', ':']);
    format!("{kept}…")
}

/// Last resort for a template too long by itself: keep the URLs, cut the words.
fn cut(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let candidate = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if tweet_length(&candidate) > MAX_LENGTH {
            break;
        }
        out = candidate;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_urls_as_23() {
        assert_eq!(
            tweet_length("voir https://aide.example.qc.ca/fr/particuliers/tres-long-chemin/#ancre"),
            5 + 23
        );
    }

    #[test]
    fn replies_fit_in_280_even_with_a_long_question() {
        let replies = Replies::new(&BTreeMap::new(), "fr").unwrap();
        let long = "Que faire si ".to_string() + &"très longue question ".repeat(30);
        let url = "https://aide.example.qc.ca/fr/particuliers/credit-solidarite/#admissibilite";
        let text = replies
            .render(
                "answer",
                "fr",
                &ReplyContext {
                    url,
                    question: &long,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(tweet_length(&text) <= MAX_LENGTH, "{text}");
        assert!(text.contains(url));
    }

    #[test]
    fn overrides_replace_built_in_templates_by_name() {
        let overrides = BTreeMap::from([(
            "none.en.txt".to_string(),
            "An agent will reply.".to_string(),
        )]);
        let replies = Replies::new(&overrides, "fr").unwrap();
        assert_eq!(
            replies
                .render("none", "en", &ReplyContext::default())
                .unwrap(),
            "An agent will reply."
        );
        assert_eq!(
            replies
                .render("none", "fr", &ReplyContext::default())
                .unwrap(),
            ""
        );
        let text = replies
            .render(
                "personal",
                "en",
                &ReplyContext {
                    channel: "https://x.test/contact/",
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(text.contains("https://x.test/contact/"));
    }

    #[test]
    fn badly_named_or_broken_templates_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("reply.fr.txt"), "x").unwrap();
        let err = load_overrides(dir.path()).unwrap_err().to_string();
        assert!(err.contains("reply.fr.txt"), "{err}");
        std::fs::remove_file(dir.path().join("reply.fr.txt")).unwrap();
        std::fs::write(dir.path().join("answer.fr.txt"), "{{ url").unwrap();
        let err = format!("{:#}", load_overrides(dir.path()).unwrap_err());
        assert!(err.contains("answer.fr.txt"), "{err}");
    }
}
