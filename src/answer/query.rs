//! Matching a normalised post against the index of one language.
//!
//! The query is a tantivy `BooleanQuery` of boosted term queries over the language's fields
//! (question heading strongest, then title, tags and description, then the answer text),
//! synonyms of the post's terms at a lower weight, fuzzy terms for long words the index does
//! not know (typos), and phrase queries with slop over consecutive terms in the heading
//! (proximity).
//! The best candidates are then re-scored with their coverage of the post's terms, which also
//! drives the confidence.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, Term};

use crate::index::analyzer::analyze;
use crate::index::schema::{Fields, Part};

use super::intent::{INTENTS, IntentSet};
use super::synonyms::Expander;
use super::typos::Vocabulary;

/// Weight of each part of a document. The heading weighs most: a question is what a post
/// asks, the answer text also speaks of its neighbours' subjects. Measured on 30 November over
/// the dev set and five sets written apart or blind, a heading weight of 2 -> 4, 5 or 6 raised
/// top1 on nearly every set (see the README).
const BOOSTS: [(Part, f32); 5] = [
    (Part::Question, 5.0),
    (Part::Title, 1.0),
    (Part::Tags, 1.0),
    (Part::Description, 0.5),
    (Part::Body, 3.0),
];
/// Weight of a synonym of a post's term, relative to the term.
const SYNONYM_WEIGHT: f32 = 0.6;
/// Weight of a fuzzy (typo-tolerant) term.
const FUZZY_WEIGHT: f32 = 0.5;
/// Weight of two consecutive post terms found close together in a heading.
const PROXIMITY_BOOST: f32 = 0.5;
/// Words shorter than this are never fuzzy: short words have too many neighbours.
const FUZZY_MIN_LEN: usize = 5;
/// Share of the score a candidate keeps whatever its coverage of the post.
const COVERAGE_FLOOR: f32 = 0.2;
/// Weight of a page introduction against a question: on a tie, the precise deep link wins.
const INTRO_WEIGHT: f32 = 0.8;
/// Bonus of a candidate whose heading asks the same type of question as the post (a date, an
/// amount...): on the dev set, 0.2 to 0.5 gain the same; 0.3 sits in the middle.
const INTENT_BOOST: f32 = 0.3;
/// How many candidates are re-scored.
const CANDIDATES: usize = 30;

/// The index of one language, with what re-scoring needs.
#[derive(Clone)]
pub struct LangIndex {
    pub lang: String,
    pub analyzer: TextAnalyzer,
    pub expander: Expander,
    /// Number of this language's documents containing a term, in any part.
    pub doc_freq: HashMap<String, u32>,
    pub docs: u32,
    /// Every term of the language, for typo tolerance.
    pub vocabulary: Vocabulary,
}

/// A document's terms, for re-scoring.
#[derive(Debug, Default)]
pub struct DocTerms {
    /// Numbers ([`DocTable::ids`]) of the terms of all its parts, sorted.
    pub terms: Vec<u32>,
    /// Whether the document is a page introduction rather than a question.
    pub intro: bool,
    /// The question types its heading asks.
    pub intents: IntentSet,
}

/// One scored candidate.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Global document number (see [`DocTable`]).
    pub doc: usize,
    /// Final score.
    pub score: f32,
    /// Share of the post's (idf-weighted) terms the document contains.
    pub coverage: f32,
}

/// Maps tantivy addresses to global document numbers and holds every document's terms.
pub struct DocTable {
    pub segment_offsets: Vec<usize>,
    pub terms: Vec<DocTerms>,
    /// Number of every term of the index.
    pub ids: HashMap<String, u32>,
    /// Numbers of the terms each searchable field holds.
    pub field_terms: HashMap<Field, HashSet<u32>>,
}

impl DocTable {
    pub fn global(&self, address: DocAddress) -> usize {
        self.segment_offsets[address.segment_ord as usize] + address.doc_id as usize
    }

    /// Whether some document holds `term` in `field`. A query clause for a term its field
    /// lacks matches nothing but still costs a dictionary lookup and a scorer: most post terms
    /// are absent from the short fields (title, tags, description).
    pub fn has(&self, field: Field, term: &str) -> bool {
        let set = self.field_terms.get(&field);
        self.ids.get(term).is_some_and(|id| set.is_some_and(|set| set.contains(id)))
    }
}

/// The outcome of matching one post in one language.
#[derive(Debug, Clone, Default)]
pub struct Matched {
    pub candidates: Vec<Candidate>,
    /// Analyzed terms of the post.
    pub terms: Vec<String>,
    /// Terms added by the synonyms file, queried at a lower weight.
    pub synonyms: Vec<String>,
    /// The question types the post asks (a date, an amount...).
    pub intents: IntentSet,
    /// Sum of the idf of the post's distinct terms: what a document holding every term once
    /// would roughly score, the scale of this post's scores.
    pub post_idf: f32,
    /// Whether every term of the post is common: found in at least one document in
    /// [`COMMON_ONE_IN`] of its language and in at least [`COMMON_MIN_DOCS`] documents. Such a post names no
    /// subject. False for a post without terms or with a word the index does not know.
    pub only_common_terms: bool,
}

/// A word found in at least one document in this many of its language is common.
pub const COMMON_ONE_IN: u32 = 5;
/// A word found in fewer documents still names a subject, however small the knowledge base.
pub const COMMON_MIN_DOCS: u32 = 10;

/// French posts often drop the apostrophe of an elision ("limpot", "luniversite", "dimpot"):
/// a term the index does not know (`known`) that is a known term behind an elided letter
/// becomes that term.
pub fn restore_elisions(terms: &mut [String], known: impl Fn(&str) -> bool) {
    for term in terms {
        let mut chars = term.chars();
        let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
            continue;
        };
        if !"cdjlmnst".contains(first) || !"aeiouyh".contains(second) || known(term) {
            continue;
        }
        let rest = &term[first.len_utf8()..];
        if rest.chars().count() >= 3 && known(rest) {
            *term = rest.to_string();
        }
    }
}

impl LangIndex {
    fn idf(&self, term: &str) -> f32 {
        let df = self.doc_freq.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (self.docs as f32 - df + 0.5) / (df + 0.5)).ln()
    }

    /// Matches a normalised post.
    pub fn search(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        table: &DocTable,
        text: &str,
    ) -> tantivy::Result<Matched> {
        let mut analyzer = self.analyzer.clone();
        let mut terms = analyze(&mut analyzer, text);
        if self.lang == "fr" {
            restore_elisions(&mut terms, |t| self.doc_freq.contains_key(t));
        }
        let intents = INTENTS.of(text, &self.lang);
        let mut unique: Vec<&String> = Vec::new();
        for t in &terms {
            if !unique.contains(&t) {
                unique.push(t);
            }
        }
        let expansion = self.expander.expand(&terms);
        let synonyms = expansion.extra;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // (term, weight, whether the post wrote it rather than the synonyms file)
        let weighted = unique
            .iter()
            .map(|t| (t.as_str(), 1.0, true))
            .chain(synonyms.iter().map(|t| (t.as_str(), SYNONYM_WEIGHT, false)));
        for (term, weight, written) in weighted {
            // A word the index does not know may be a typo of words it knows: they count, at a
            // lower constant weight (tf and idf of a guess mean little). Only a word the post
            // wrote: a synonym the knowledge base lacks is no typo.
            let near = if self.doc_freq.contains_key(term) {
                None
            } else if written
                && term.chars().count() >= FUZZY_MIN_LEN
                && !term.chars().any(|c| c.is_ascii_digit())
            {
                let distance = if term.chars().count() >= 8 { 2 } else { 1 };
                let near = self.vocabulary.near(term, distance);
                if near.is_empty() {
                    continue;
                }
                Some(near)
            } else {
                continue;
            };
            for (part, boost) in BOOSTS {
                let Some(field) = fields.get(&self.lang, part) else {
                    continue;
                };
                let q: Box<dyn Query> = match &near {
                    None if !table.has(field, term) => continue,
                    None => Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        )),
                        boost * weight,
                    )),
                    Some(near) => {
                        let any: Vec<(Occur, Box<dyn Query>)> = near
                            .iter()
                            .filter(|t| table.has(field, t))
                            .map(|t| {
                                let q =
                                    TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::Basic);
                                (Occur::Should, Box::new(q) as Box<dyn Query>)
                            })
                            .collect();
                        if any.is_empty() {
                            continue;
                        }
                        Box::new(ConstScoreQuery::new(
                            Box::new(BooleanQuery::new(any)),
                            boost * weight * FUZZY_WEIGHT,
                        ))
                    }
                };
                clauses.push((Occur::Should, q));
            }
        }
        for pair in terms.windows(2) {
            if pair[0] == pair[1]
                || !self.doc_freq.contains_key(&pair[0])
                || !self.doc_freq.contains_key(&pair[1])
            {
                continue;
            }
            for part in Part::ALL.into_iter().filter(|p| p.has_positions()) {
                let Some(field) = fields.get(&self.lang, part) else {
                    continue;
                };
                if !table.has(field, &pair[0]) || !table.has(field, &pair[1]) {
                    continue;
                }
                let q = PhraseQuery::new_with_offset_and_slop(
                    vec![
                        (0, Term::from_field_text(field, &pair[0])),
                        (1, Term::from_field_text(field, &pair[1])),
                    ],
                    2,
                );
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), PROXIMITY_BOOST))));
            }
        }
        if clauses.is_empty() {
            return Ok(Matched { candidates: Vec::new(), terms, synonyms, intents, ..Matched::default() });
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;

        // Re-score with coverage: how much of the post the document speaks about.
        let total: f32 = unique.iter().map(|t| self.idf(t)).sum();
        let only_common_terms = !unique.is_empty()
            && unique.iter().all(|t| {
                let df = self.doc_freq.get(t.as_str()).copied().unwrap_or(0);
                df >= COMMON_MIN_DOCS && df.saturating_mul(COMMON_ONE_IN) >= self.docs
            });
        // Each post term: its number, its weight and the synonyms that cover it too (each the
        // numbers of a member's terms; a member with a term the index lacks covers nothing).
        let alternatives = expansion.alternatives;
        let weighted_ids: Vec<(Option<u32>, f32, Vec<Vec<u32>>)> = unique
            .iter()
            .map(|t| {
                let others = alternatives.get(t.as_str()).into_iter().flatten();
                let others: Vec<Vec<u32>> = others
                    .filter_map(|member| member.iter().map(|m| table.ids.get(m.as_str()).copied()).collect())
                    .collect();
                (table.ids.get(t.as_str()).copied(), self.idf(t), others)
            })
            .filter(|(id, _, others)| id.is_some() || !others.is_empty())
            .collect();
        let mut candidates: Vec<Candidate> = top
            .into_iter()
            .map(|(score, address)| {
                let doc = table.global(address);
                let dt = &table.terms[doc];
                let holds = |id: &u32| dt.terms.binary_search(id).is_ok();
                let covered: f32 = weighted_ids
                    .iter()
                    .filter(|(id, _, others)| {
                        id.as_ref().is_some_and(holds)
                            || others.iter().any(|member: &Vec<u32>| member.iter().all(holds))
                    })
                    .map(|(_, idf, _)| idf)
                    .sum();
                let coverage = if total > 0.0 { covered / total } else { 0.0 };
                // A document that speaks about little of the post ranks lower.
                let mut score = score * (COVERAGE_FLOOR + coverage);
                if dt.intro {
                    score *= INTRO_WEIGHT;
                }
                if intents.shares(dt.intents) {
                    score *= 1.0 + INTENT_BOOST;
                }
                Candidate { doc, score, coverage }
            })
            .collect();
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(Matched { candidates, terms, synonyms, intents, post_idf: total, only_common_terms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elision_written_without_its_apostrophe_is_restored() {
        let known = |t: &str| ["impot", "universit", "lait", "avis"].contains(&t);
        let mut terms: Vec<String> =
            ["limpot", "luniversit", "dimpot", "lait", "savis", "lxyz", "lun", "bimpot"]
                .map(String::from)
                .into();
        restore_elisions(&mut terms, known);
        // A known word stays itself ("lait" is not "l'ait"); a consonant after the letter, a
        // rest of under three letters or a letter that is never elided change nothing.
        assert_eq!(terms, ["impot", "universit", "impot", "lait", "avis", "lxyz", "lun", "bimpot"]);
    }
}
