//! TOML front matter between two `+++` lines, as in Zola.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, line_col};

/// The front matter keys of the content format. Unknown keys are rejected so that a typo
/// (`tilte`, `alias`) is caught instead of silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub translation_key: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub updated: Option<toml::value::Datetime>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub deadlines: Vec<RawDeadline>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeadline {
    pub date: toml::value::Datetime,
    pub label: String,
}

/// A file split into its front matter and its Markdown body.
pub struct Split<'a> {
    pub front: &'a str,
    /// Byte offset of the front matter's first line in the file.
    pub front_offset: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text` at its `+++` fences. The opening fence must be the first line.
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let missing = || {
        Diagnostic::error(
            "",
            "the file does not start with TOML front matter between `+++` lines",
        )
        .at(1, 1)
        .help("start the file with `+++`, a line `title = \"...\"`, and a closing `+++` line")
    };
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let first_end = text_no_bom.find('\n').map_or(text_no_bom.len(), |i| i + 1);
    if text_no_bom[..first_end].trim_end() != "+++" {
        return Err(missing());
    }
    let front_offset = bom + first_end;
    let mut pos = front_offset;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            return Ok(Split {
                front: &text[front_offset..pos],
                front_offset,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
    }
    Err(Diagnostic::error("", "the front matter is never closed")
        .at(1, 1)
        .help("add a line with only `+++` after the last front matter key"))
}

/// Parses the front matter. Errors carry a position in the whole file.
pub fn parse(text: &str, split: &Split<'_>) -> Result<FrontMatter, Diagnostic> {
    let front: FrontMatter = toml::from_str(split.front).map_err(|e| {
        let offset = split.front_offset + e.span().map_or(0, |s| s.start);
        let (line, col) = line_col(text, offset);
        Diagnostic::error("", format!("invalid front matter: {}", e.message()))
            .at(line, col)
            .help("front matter is TOML: `key = \"text\"`, dates as 2026-10-15, lists as [\"a\", \"b\"]")
    })?;
    Ok(front)
}

/// A TOML date (no time) as a calendar date.
pub fn to_date(value: &toml::value::Datetime) -> Option<NaiveDate> {
    let d = value.date?;
    if value.time.is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\n\nBody\n";
        let s = split(text).unwrap();
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(s.body, "\nBody\n");
        assert_eq!(parse(text, &s).unwrap().title.as_deref(), Some("A"));
    }

    #[test]
    fn reports_toml_errors_at_their_line_in_the_file() {
        let text = "+++\ntitle = \"A\"\ntags = [\"x\"\n+++\n";
        let s = split(text).unwrap();
        let d = parse(text, &s).unwrap_err();
        assert!(d.line.unwrap() >= 3, "{d}");
    }

    #[test]
    fn rejects_unknown_keys() {
        let text = "+++\ntilte = \"A\"\n+++\n";
        let d = parse(text, &split(text).unwrap()).unwrap_err();
        assert!(d.message.contains("tilte"), "{d}");
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn missing_fences_are_errors() {
        assert!(split("title = \"A\"\n").is_err());
        assert!(split("+++\ntitle = \"A\"\n").is_err());
    }

    #[test]
    fn dates_without_time_only() {
        let d: toml::value::Datetime = "2026-10-15".parse().unwrap();
        assert_eq!(to_date(&d), NaiveDate::from_ymd_opt(2026, 10, 15));
        let dt: toml::value::Datetime = "2026-10-15T10:00:00".parse().unwrap();
        assert_eq!(to_date(&dt), None);
    }
}
