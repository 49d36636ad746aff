//! The case-insensitive regular expressions of the rule files (`policy.toml`, `intents.toml`,
//! `courtesy.toml`), compiled once.
//!
//! Rules are matched on folded text ([`crate::fold::fold`]: lower case, no accents), because
//! posts often come without them ("reçu" typed "recu", "vérifier" typed "verifier"); their
//! patterns are folded the same way when compiled, so a rule may be written with accents or
//! without, in any case.

use regex::{Regex, RegexBuilder};

use crate::fold::fold;

/// Patterns compiled as one alternation, folded (see the module comment): a folded text
/// matches when any of them does. Compiling the patterns of a rule together takes a third of
/// the time of compiling them apart (measured on `policy.toml`'s patterns: 15 against 40 ms),
/// and the startup of `ask` is mostly that compilation.
#[derive(Debug, Clone, Default)]
pub struct Rule(Option<Regex>);

impl Rule {
    /// Compiles `patterns` (none: a rule that never matches); the error names the pattern
    /// that does not compile.
    pub fn compile<'a>(patterns: impl IntoIterator<Item = &'a String>) -> anyhow::Result<Rule> {
        let patterns: Vec<(&String, String)> = patterns.into_iter().map(|p| (p, fold_pattern(p))).collect();
        if patterns.is_empty() {
            return Ok(Rule(None));
        }
        let joined = patterns.iter().map(|(_, p)| format!("(?:{p})")).collect::<Vec<_>>().join("|");
        match build(&joined) {
            Ok(re) => Ok(Rule(Some(re))),
            // Name the culprit: compiled apart, one of them fails too.
            Err(e) => Err(patterns
                .iter()
                .find_map(|(p, folded)| {
                    build(folded).err().map(|e| anyhow::anyhow!("invalid pattern `{p}`: {e}"))
                })
                .unwrap_or_else(|| anyhow::anyhow!("invalid patterns: {e}"))),
        }
    }

    /// Whether any pattern matches `folded` (text passed through [`fold`]).
    pub fn is_match(&self, folded: &str) -> bool {
        self.0.as_ref().is_some_and(|re| re.is_match(folded))
    }

    /// Whether a pattern matches `folded` outside every match of `except` ("quand" asks for a
    /// date, not inside "quand même").
    pub fn is_match_except(&self, folded: &str, except: &Rule) -> bool {
        let Some(re) = &self.0 else {
            return false;
        };
        let Some(except) = &except.0 else {
            return re.is_match(folded);
        };
        let excepted: Vec<_> = except.find_iter(folded).map(|m| m.range()).collect();
        re.find_iter(folded).any(|m| !excepted.iter().any(|e| e.start <= m.start() && m.end() <= e.end))
    }
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).build()
}

/// `pattern` folded as the text it matches: letters in lower case and without accents, `\w`
/// an ASCII word character. Escapes keep their case (`\D` is not `\d`).
///
/// Rules match folded text, whose words are ASCII and in lower case. Compiled for that
/// instead of case-insensitive with Unicode's `\w` (hundreds of ranges), the rules compile in
/// 33 instead of 92 ms of CPU (policy and question types), most of the startup of `ask`
/// (measured on 30 November).
fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut buf = [0; 4];
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('w') if in_class => out.push_str("0-9a-z_"),
                Some('w') => out.push_str("[0-9a-z_]"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.push_str(&fold(c.encode_utf8(&mut buf))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_ignore_case_and_errors_name_the_pattern() {
        let rule = Rule::compile(&["\\bmerci\\b".to_string()]).unwrap();
        assert!(rule.is_match(&fold("MERCI!")));
        // Patterns in capitals match too: "I", "NEQ", a class of capitals.
        let capitals =
            Rule::compile(&["\\bI\\s+owe\\b".to_string(), "\\bNEQ\\s+[A-Z]{2}\\d".to_string()]).unwrap();
        assert!(capitals.is_match(&fold("How much do I owe?")));
        assert!(capitals.is_match(&fold("mon NEQ TQ0001")));
        // Written with accents or without, a rule matches the folded post.
        let accented = Rule::compile(&["\\bvérifier\\s+mon\\s+reçu\\b".to_string()]).unwrap();
        assert!(accented.is_match(&fold("Pouvez-vous VERIFIER mon recu")));
        let escapes = Rule::compile(&["\\D\\S".to_string()]).unwrap();
        assert!(escapes.is_match("a b"), "escapes keep their case");
        assert!(!escapes.is_match("1 "));
        let err = Rule::compile(&["ok".to_string(), "(unclosed".to_string()]).unwrap_err().to_string();
        assert!(err.contains("(unclosed"), "{err}");
    }

    #[test]
    fn word_characters_are_ascii_inside_and_outside_classes() {
        assert_eq!(fold_pattern("\\w+"), "[0-9a-z_]+");
        assert_eq!(fold_pattern("[\\w'-]+\\s\\W"), "[0-9a-z_'-]+\\s\\W");
        assert_eq!(fold_pattern("\\\\w reçu"), "\\\\w recu", "an escaped backslash is no \\w");
        let rule = Rule::compile(&["\\bmon\\s+(?:\\w+\\s+){0,2}avis\\b".to_string()]).unwrap();
        assert!(rule.is_match(&fold("Mon dernier AVIS")));
        assert!(!rule.is_match("mon, avis"));
    }

    #[test]
    fn a_match_inside_an_exception_does_not_count() {
        let rule = Rule::compile(&["\\bquand\\b".to_string()]).unwrap();
        let except = Rule::compile(&["\\bquand\\s+meme\\b".to_string()]).unwrap();
        assert!(!rule.is_match_except("je dois payer quand meme?", &except));
        assert!(rule.is_match_except("quand meme, c'est quand?", &except), "a second 'quand' counts");
        assert!(rule.is_match_except("c'est quand?", &Rule::default()));
    }

    #[test]
    fn a_rule_matches_when_any_of_its_patterns_does() {
        let rule = Rule::compile(&["^a$".to_string(), "\\bb\\b".to_string()]).unwrap();
        assert!(rule.is_match("a"));
        assert!(rule.is_match("x b y"));
        assert!(!rule.is_match("ab"), "each pattern keeps its own anchors");
        assert!(!Rule::compile(&Vec::<String>::new()).unwrap().is_match("anything"));
    }
}
