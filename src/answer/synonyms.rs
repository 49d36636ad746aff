//! Synonyms and abbreviations: groups of equivalent terms per language, written by authors.
//!
//! The file is TOML, one array of groups per language code; every term of a group is
//! equivalent to the others (a term may be several words):
//!
//! ```toml
//! fr = [
//!   ["TPS", "taxe sur les produits et services", "GST"],
//!   ["NAS", "numéro d'assurance sociale", "SIN"],
//! ]
//! en = [
//!   ["GST", "goods and services tax", "TPS"],
//! ]
//! ```
//!
//! Read at build time and stored with the index; when a knowledge base has no file, the
//! built-in starter vocabulary ([`BUILT_IN`], the same as the sample knowledge base's
//! `synonyms.toml`) applies.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

use crate::index::analyzer::{analyze, analyzer_for};

/// The starter vocabulary used when a knowledge base has no synonyms file.
pub const BUILT_IN: &str = include_str!("../../synonyms.toml");

/// Equivalent terms per language code, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Synonyms {
    pub groups: BTreeMap<String, Vec<Vec<String>>>,
}

impl Synonyms {
    /// Parses and checks a synonyms file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Synonyms> {
        let synonyms: Synonyms = toml::from_str(text).with_context(|| {
            format!("{origin}: not a valid synonyms file (expected `fr = [[\"TPS\", \"GST\"], ...]`)")
        })?;
        for (lang, groups) in &synonyms.groups {
            for (n, group) in groups.iter().enumerate() {
                if group.len() < 2 {
                    bail!("{origin}: group {} of `{lang}` needs at least two terms: {group:?}", n + 1);
                }
                if let Some(blank) = group.iter().find(|t| t.trim().is_empty()) {
                    bail!("{origin}: group {} of `{lang}` has an empty term {blank:?}", n + 1);
                }
            }
        }
        Ok(synonyms)
    }

    /// The knowledge base's file at `path`, or the built-in vocabulary when it does not exist.
    pub fn load_or_built_in(path: &Path) -> anyhow::Result<Synonyms> {
        match std::fs::read_to_string(path) {
            Ok(text) => Synonyms::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Synonyms::parse(BUILT_IN, "built-in synonyms")
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// A member of several words that analysis reads as one word: its other words are stop words
/// ("faire ses impôts" is read as `impot`), so it adds its group to every post with that one
/// word, and the group is far looser than its author meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseMember {
    pub lang: String,
    /// The member as written.
    pub member: String,
    /// The one term it is read as.
    pub term: String,
}

impl Synonyms {
    /// The members read as one word, in file order. A member whose one word a one-word member
    /// of its group gives too ("se plaindre" beside "plaindre") adds nothing and is not listed.
    pub fn loose_members(&self) -> Vec<LooseMember> {
        let mut loose = Vec::new();
        for (lang, groups) in &self.groups {
            let mut analyzer = analyzer_for(lang);
            for group in groups {
                let analyzed: Vec<(usize, Vec<String>)> = group
                    .iter()
                    .map(|m| {
                        (
                            m.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count(),
                            analyze(&mut analyzer, m),
                        )
                    })
                    .collect();
                for (member, (words, terms)) in group.iter().zip(&analyzed) {
                    let [term] = terms.as_slice() else { continue };
                    let said_alone = analyzed.iter().any(|(w, t)| *w == 1 && t == terms);
                    if *words >= 2 && !said_alone {
                        loose.push(LooseMember {
                            lang: lang.clone(),
                            member: member.clone(),
                            term: term.clone(),
                        });
                    }
                }
            }
        }
        loose
    }
}

/// Synonym groups of one language, analyzed once so that matching a query is a scan of short
/// term sequences.
#[derive(Debug, Clone, Default)]
pub struct Expander {
    /// Each group: the analyzed term sequence of every member.
    groups: Vec<Vec<Vec<String>>>,
}

impl Expander {
    /// Analyzes the groups of `lang` with that language's analyzer.
    pub fn new(synonyms: &Synonyms, lang: &str) -> Expander {
        let mut analyzer: TextAnalyzer = analyzer_for(lang);
        let groups = synonyms
            .groups
            .get(lang)
            .into_iter()
            .flatten()
            .map(|group| {
                group
                    .iter()
                    .map(|term| analyze(&mut analyzer, term))
                    .filter(|terms| !terms.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|group| group.len() >= 2)
            .collect();
        Expander { groups }
    }

    /// What the synonyms make of `query` (analyzed terms), read in one pass over the groups:
    /// see [`Expansion`].
    pub fn expand(&self, query: &[String]) -> Expansion {
        let mut expansion = Expansion::default();
        for group in &self.groups {
            let matched: Vec<usize> = (0..group.len()).filter(|&m| contains_run(query, &group[m])).collect();
            if matched.is_empty() {
                continue;
            }
            for term in group.iter().flatten() {
                if !query.contains(term) && !expansion.extra.contains(term) {
                    expansion.extra.push(term.clone());
                }
            }
            for &m in &matched {
                for term in &group[m] {
                    let list = expansion.alternatives.entry(term.clone()).or_default();
                    for (o, other) in group.iter().enumerate() {
                        if o != m && !list.contains(other) {
                            list.push(other.clone());
                        }
                    }
                }
            }
        }
        expansion
    }
}

/// The synonyms of a query.
#[derive(Debug, Default)]
pub struct Expansion {
    /// For every group with a member found as a contiguous run in the query, the terms of the
    /// other members that the query lacks: queried at a lower weight.
    pub extra: Vec<String>,
    /// For each query term of a member found, the other members of its group (as term lists):
    /// a document holding one of them speaks of that term, as the author declared ("impôts" is
    /// covered by "déclaration de revenus").
    pub alternatives: HashMap<String, Vec<Vec<String>>>,
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_vocabulary_parses() {
        let synonyms = Synonyms::parse(BUILT_IN, "built-in").unwrap();
        assert!(synonyms.groups.contains_key("fr"));
        assert!(synonyms.groups.contains_key("en"));
    }

    #[test]
    fn members_read_as_one_word_are_listed_unless_that_word_is_a_member() {
        let text = r#"
            fr = [["travailleur autonome", "pigiste", "à son compte"], ["plainte", "se plaindre", "plaindre"]]
            en = [["deduct", "write off"], ["late filing", "file late"]]
        "#;
        let loose = Synonyms::parse(text, "test").unwrap().loose_members();
        let found: Vec<(&str, &str, &str)> =
            loose.iter().map(|l| (l.lang.as_str(), l.member.as_str(), l.term.as_str())).collect();
        assert_eq!(found, [("en", "write off", "write"), ("fr", "à son compte", "compt")]);
    }

    #[test]
    fn the_starter_vocabulary_has_no_member_read_as_one_word() {
        assert_eq!(Synonyms::parse(BUILT_IN, "built-in").unwrap().loose_members(), []);
    }

    #[test]
    fn each_post_term_of_a_matched_member_gets_the_other_members() {
        let synonyms =
            Synonyms::parse("fr = [[\"impôts\", \"déclaration de revenus\", \"rapport d'impôt\"]]", "test")
                .unwrap();
        let fr = Expander::new(&synonyms, "fr");
        let mut analyzer = analyzer_for("fr");
        let alternatives = fr.expand(&analyze(&mut analyzer, "mes impôts sont en retard")).alternatives;
        let impot = &analyze(&mut analyzer, "impôts")[0];
        assert_eq!(
            alternatives[impot],
            [analyze(&mut analyzer, "déclaration de revenus"), analyze(&mut analyzer, "rapport d'impôt")]
        );
        assert_eq!(alternatives.len(), 1, "{alternatives:?}");
        assert!(fr.expand(&analyze(&mut analyzer, "crédit solidarité")).alternatives.is_empty());
    }

    #[test]
    fn a_group_of_one_term_is_an_error_naming_the_file() {
        let err = Synonyms::parse("fr = [[\"TPS\"]]", "kb/synonyms.toml").unwrap_err();
        assert!(format!("{err:#}").contains("kb/synonyms.toml"));
        assert!(Synonyms::parse("fr = \"TPS\"", "kb/synonyms.toml").is_err());
    }

    #[test]
    fn abbreviations_expand_to_their_long_form() {
        let synonyms = Synonyms::parse(
            "fr = [[\"NAS\", \"numéro d'assurance sociale\"]]\nen = [[\"SIN\", \"social insurance number\"]]",
            "test",
        )
        .unwrap();
        let fr = Expander::new(&synonyms, "fr");
        let mut analyzer = analyzer_for("fr");
        let query = analyze(&mut analyzer, "où trouver mon NAS");
        let extra = fr.expand(&query).extra;
        assert_eq!(extra, analyze(&mut analyzer, "numéro assurance sociale"));
        // A multi-word member matches as a run and expands to the abbreviation.
        let query = analyze(&mut analyzer, "mon numéro d’assurance sociale");
        assert_eq!(fr.expand(&query).extra, analyze(&mut analyzer, "NAS"));
        // Nothing to expand, and languages stay apart.
        assert!(fr.expand(&analyze(&mut analyzer, "crédit solidarité")).extra.is_empty());
        assert!(Expander::new(&synonyms, "en").expand(&query).extra.is_empty());
    }
}
