//! Restoring the accents a post left out, from the knowledge base's own words.
//!
//! Posts often drop accents ("credit solidarite", "decedee"). Folding after stemming makes most
//! such spellings meet their accented form, not all: the French stemmer treats `é` specially.
//! So the build records, per language, the accented spelling of every word of the knowledge
//! base whose accent-less form differs, and a post's accent-less words are given them back
//! before analysis.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}]+").expect("valid word pattern"));

/// `word` in lower case without diacritics.
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Accent-less form -> the most frequent accented spelling, over `texts`. A form the texts
/// also use without accents ("du" and "dû", "sur" and "sûr") is left out: it is ambiguous.
pub fn vocabulary<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut counts: HashMap<String, HashMap<String, usize>> = HashMap::new();
    let mut plain: HashSet<String> = HashSet::new();
    for text in texts {
        for m in WORD.find_iter(text) {
            let word = m.as_str().to_lowercase();
            let folded = fold(&word);
            if folded != word {
                *counts.entry(folded).or_default().entry(word).or_default() += 1;
            } else {
                plain.insert(word);
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
    WORD.replace_all(text, |caps: &regex::Captures| {
        let word = &caps[0];
        if word.is_ascii()
            && let Some(accented) = vocabulary.get(&word.to_lowercase())
        {
            return accented.clone();
        }
        word.to_string()
    })
    .into_owned()
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
