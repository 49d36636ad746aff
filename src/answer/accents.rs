//! Restoring the accents a post left out, from the knowledge base's own words.
//!
//! Posts often drop accents ("credit solidarite", "decedee"). Folding after stemming makes most
//! such spellings meet their accented form, not all: the French stemmer treats `é` specially.
//! So the build records, per language, the accented spelling of every word of the knowledge
//! base whose accent-less form differs, and a post's accent-less words are given them back
//! before analysis.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::fold::fold;

/// The words of `text` (runs of letters) with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut chars = text.char_indices().chain(std::iter::once((text.len(), ' ')));
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            match (start, c.is_alphabetic()) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    start = None;
                    return Some((s, &text[s..i]));
                }
                _ => {}
            }
        }
        None
    })
}

/// Accent-less form -> the most frequent accented spelling, over `texts`. A form the texts
/// also use without accents ("du" and "dû", "sur" and "sûr") is left out: it is ambiguous.
pub fn vocabulary<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut counts: HashMap<String, HashMap<String, usize>> = HashMap::new();
    let mut plain: HashSet<String> = HashSet::new();
    // Allocates only for words not seen before: a knowledge base repeats its words.
    let mut word = String::new();
    for text in texts {
        for (_, w) in words(text) {
            word.clear();
            if w.is_ascii() {
                word.push_str(w);
                word.make_ascii_lowercase();
            } else {
                word.extend(w.chars().flat_map(char::to_lowercase));
            }
            let folded = if word.is_ascii() { None } else { Some(fold(&word)).filter(|f| *f != word) };
            match folded {
                Some(folded) => {
                    let spellings = counts.entry(folded).or_default();
                    match spellings.get_mut(word.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            spellings.insert(word.clone(), 1);
                        }
                    }
                }
                None if !plain.contains(word.as_str()) => {
                    plain.insert(word.clone());
                }
                None => {}
            }
        }
    }
    counts
        .into_iter()
        .filter(|(folded, _)| !plain.contains(folded))
        .filter_map(|(folded, spellings)| {
            let best = spellings.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
            Some((folded, best.0))
        })
        .collect()
}

/// `text` with every word written without accents replaced by its accented spelling.
pub fn restore(text: &str, vocabulary: &BTreeMap<String, String>) -> String {
    if vocabulary.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, word) in words(text) {
        if word.is_ascii()
            && let Some(accented) = vocabulary.get(&word.to_ascii_lowercase())
        {
            out.push_str(&text[copied..start]);
            out.push_str(accented);
            copied = start + word.len();
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accentless_words_get_the_knowledge_base_spelling() {
        let vocabulary = vocabulary([
            "Le crédit d'impôt pour solidarité",
            "personne décédée",
            "impôts",
            "le montant dû",
            "du revenu",
        ]);
        assert_eq!(
            restore("Credit solidarite decedee impots", &vocabulary),
            "crédit solidarité décédée impôts"
        );
        assert_eq!(restore("du", &vocabulary), "du");
        assert_eq!(restore("crédit maison", &vocabulary), "crédit maison");
    }
}
