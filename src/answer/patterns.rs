//! The case-insensitive regular expressions of the rule files (`policy.toml`, `intents.toml`,
//! `courtesy.toml`), compiled once.
//!
//! Rules are matched on folded text ([`crate::fold::fold`]: no accents), because posts often
//! come without them ("reçu" typed "recu", "vérifier" typed "verifier"); their patterns are
//! folded the same way when compiled, so a rule may be written with accents or without.

use regex::{Regex, RegexBuilder};

use crate::fold::fold;

/// Compiles `patterns` case-insensitively, accents folded (see the module comment); the error
/// names the pattern that does not compile.
pub fn compile(patterns: &[String]) -> anyhow::Result<Vec<Regex>> {
    patterns
        .iter()
        .map(|p| {
            RegexBuilder::new(&fold_pattern(p))
                .case_insensitive(true)
                .build()
                .map_err(|e| anyhow::anyhow!("invalid pattern `{p}`: {e}"))
        })
        .collect()
}

/// `pattern` with its non-ASCII letters folded. ASCII is left alone: lower-casing `\D` or `\S`
/// would change what the pattern means.
fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut buf = [0; 4];
    for c in pattern.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&fold(c.encode_utf8(&mut buf)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_ignore_case_and_errors_name_the_pattern() {
        let compiled = compile(&["\\bmerci\\b".to_string()]).unwrap();
        assert!(compiled[0].is_match("MERCI!"));
        // Written with accents or without, a rule matches the folded post.
        let accented = compile(&["\\bvérifier\\s+mon\\s+reçu\\b".to_string(), "\\D\\S".to_string()]).unwrap();
        assert!(accented[0].is_match(&fold("Pouvez-vous VERIFIER mon recu")));
        assert!(accented[1].is_match("a b"), "escapes keep their case");
        assert!(!accented[1].is_match("1 "));
        let err = compile(&["(unclosed".to_string()]).unwrap_err().to_string();
        assert!(err.contains("(unclosed"), "{err}");
    }
}
