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
/// also use without accents ("du" and "dû", "sur" and "sûr") is left out: it is ambiguous. So
/// is every form in `keep` (the language's stop words): a knowledge base may happen never to
/// write "ou" (or) but write "où" (where), and a post's "ou" must not become "où".
pub fn vocabulary<'a>(texts: impl IntoIterator<Item = &'a str>, keep: &[&str]) -> BTreeMap<String, String> {
    // A knowledge base repeats its words: count each lower-case spelling (allocating only for
    // spellings not seen before), then fold each distinct spelling once.
    let mut spellings: HashMap<String, usize> = HashMap::new();
    let mut word = String::new();
    for text in texts {
        for (_, w) in words(text) {
            // Most words are in lower case already: look them up as they are.
            let lower = if w.bytes().all(|b| b.is_ascii_lowercase()) {
                w
            } else {
                word.clear();
                for c in w.chars() {
                    match c.is_ascii() {
                        true => word.push(c.to_ascii_lowercase()),
                        false => word.extend(c.to_lowercase()),
                    }
                }
                word.as_str()
            };
            match spellings.get_mut(lower) {
                Some(n) => *n += 1,
                None => {
                    spellings.insert(lower.to_string(), 1);
                }
            }
        }
    }
    let mut best: HashMap<String, (String, usize)> = HashMap::new();
    let mut plain: HashSet<&str> = HashSet::new();
    for (spelling, n) in &spellings {
        if spelling.is_ascii() {
            plain.insert(spelling);
            continue;
        }
        let folded = fold(spelling);
        if folded == *spelling {
            plain.insert(spelling);
            continue;
        }
        // The most frequent spelling wins; on a tie, the one first in alphabetical order.
        let better = |(b, m): &(String, usize)| n > m || (n == m && spelling < b);
        match best.get_mut(&folded) {
            Some(current) if better(current) => *current = (spelling.clone(), *n),
            Some(_) => {}
            None => {
                best.insert(folded, (spelling.clone(), *n));
            }
        }
    }
    best.into_iter()
        .filter(|(folded, _)| !plain.contains(folded.as_str()) && !keep.contains(&folded.as_str()))
        .map(|(folded, (spelling, _))| (folded, spelling))
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
        let vocabulary = vocabulary(
            ["Le crédit d'impôt pour solidarité", "personne décédée", "impôts", "le montant dû", "du revenu"],
            &[],
        );
        assert_eq!(
            restore("Credit solidarite decedee impots", &vocabulary),
            "crédit solidarité décédée impôts"
        );
        assert_eq!(restore("du", &vocabulary), "du");
        assert_eq!(restore("crédit maison", &vocabulary), "crédit maison");
    }

    #[test]
    fn words_to_keep_are_never_given_accents() {
        let texts = ["Où envoyer le formulaire?", "Ce crédit est versé à la fin"];
        assert_eq!(restore("mensuel ou trimestriel", &vocabulary(texts, &[])), "mensuel où trimestriel");
        let vocabulary = vocabulary(texts, &["ou", "a"]);
        assert_eq!(
            restore("mensuel ou trimestriel, verse a la fin", &vocabulary),
            "mensuel ou trimestriel, versé a la fin"
        );
    }
}
