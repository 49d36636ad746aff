//! The case-insensitive regular expressions of the rule files (`policy.toml`, `intents.toml`,
//! `courtesy.toml`), compiled once.

use regex::{Regex, RegexBuilder};

/// Compiles `patterns` case-insensitively; the error names the pattern that does not compile.
pub fn compile(patterns: &[String]) -> anyhow::Result<Vec<Regex>> {
    patterns
        .iter()
        .map(|p| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .map_err(|e| anyhow::anyhow!("invalid pattern `{p}`: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_ignore_case_and_errors_name_the_pattern() {
        let compiled = compile(&["\\bmerci\\b".to_string()]).unwrap();
        assert!(compiled[0].is_match("MERCI!"));
        let err = compile(&["(unclosed".to_string()]).unwrap_err().to_string();
        assert!(err.contains("(unclosed"), "{err}");
    }
}
