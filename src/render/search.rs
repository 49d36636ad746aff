//! The static search index: one compact JSON file per language, read by `guichet-search.js`.
//!
//! Search must work on pure static hosting, so the whole index of a language is one file the
//! search page downloads once. To keep it small, the index carries each question's text and
//! page title as written (the script tokenises them itself, with the same rules) and, for the
//! answer, only its distinct normalised tokens that are not already in the question.
//!
//! Format (`v` is bumped on any incompatible change):
//!
//! ```json
//! {"v": 1, "lang": "fr", "stop": ["le", "la", ...],
//!  "pages": [["/fr/particuliers/credit-solidarite/", "Crédit d'impôt pour solidarité"], ...],
//!  "entries": [[0, "versements", "Quand le crédit est-il versé?", "juillet mois ..."], ...]}
//! ```
//!
//! An entry is `[index in pages, anchor, question, answer tokens separated by spaces]`; its
//! deep link is `pages[i][0] + "#" + anchor`.

use foldhash::HashSet;
use serde::Serialize;

use crate::content::Site;
use crate::fold::fold;

/// Words too common to help ranking, by language; the script receives the same list.
pub fn stopwords(lang: &str) -> &'static [&'static str] {
    match lang {
        "fr" => &[
            "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle",
            "en", "est", "et", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "m", "ma",
            "mais", "me", "mes", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour",
            "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sont", "sur", "t", "ta", "te", "tu", "un",
            "une", "vos", "votre", "vous", "y", "c", "ca", "etre", "avoir", "faire", "quoi", "comment",
            "quand", "quel", "quelle",
        ],
        _ => &[
            "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i",
            "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "s", "so", "that", "the",
            "their", "there", "this", "to", "was", "we", "what", "when", "where", "which", "who", "will",
            "with", "you", "your", "am", "have", "has", "should", "would",
        ],
    }
}

/// No stop word is longer: longer words skip the lookup.
const STOP_MAX_LEN: usize = 7;

/// The tokens the search compares: folded words (runs of ASCII letters and digits), stop
/// words dropped, a final `s` dropped from words of more than three letters (`impots` and
/// `impot` match). `guichet-search.js` implements exactly these rules for the query.
pub fn tokens(text: &str, lang: &str) -> Vec<String> {
    let stop = stopwords(lang).iter().copied().collect();
    split(&fold(text), &stop).map(String::from).collect()
}

/// The tokens of already folded text.
fn split<'t>(folded: &'t str, stop: &HashSet<&str>) -> impl Iterator<Item = &'t str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && (w.len() > STOP_MAX_LEN || !stop.contains(w)))
        .map(|w| if w.len() > 3 && w.ends_with('s') { &w[..w.len() - 1] } else { w })
}

/// The search index of one language, as JSON text. Fields in this order: they are written
/// sorted, as they always were.
#[derive(Serialize)]
struct SearchIndex<'a> {
    entries: Vec<(usize, &'a str, &'a str, String)>,
    lang: &'a str,
    pages: Vec<(&'a str, &'a str)>,
    stop: &'static [&'static str],
    v: u32,
}

/// The search index of one language, as JSON text.
pub fn index(site: &Site, lang: &str) -> serde_json::Result<String> {
    let mut pages = Vec::new();
    let mut entries = Vec::new();
    let stop: HashSet<&str> = stopwords(lang).iter().copied().collect();
    for (_, page) in site.pages_in(lang) {
        if page.entries.is_empty() {
            continue;
        }
        let page_index = pages.len();
        pages.push((page.path.as_str(), page.title.as_str()));
        for entry in page.entries.iter() {
            let (question, text) = (fold(&entry.question), fold(&entry.answer_text));
            // Sized for a typical answer at once: growing the set was a fifth of this function.
            let mut seen: HashSet<&str> = HashSet::with_capacity_and_hasher(256, Default::default());
            seen.extend(split(&question, &stop));
            let answer: Vec<&str> = split(&text, &stop).filter(|t| t.len() > 1 && seen.insert(t)).collect();
            entries.push((page_index, entry.id.as_str(), entry.question.as_str(), answer.join(" ")));
        }
    }
    serde_json::to_string(&SearchIndex { entries, lang, pages, stop: stopwords(lang), v: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_stop_word_is_longer_than_the_lookup_limit() {
        for lang in ["fr", "en"] {
            assert!(stopwords(lang).iter().all(|w| w.len() <= STOP_MAX_LEN), "{lang}");
        }
    }

    #[test]
    fn tokens_fold_case_accents_plurals_and_stop_words() {
        assert_eq!(tokens("Quand les IMPÔTS sont-ils dus?", "fr"), ["impot", "dus"]);
        assert_eq!(tokens("Œuvres d'été", "fr"), ["oeuvre", "ete"]);
        assert_eq!(tokens("When is the tax return due?", "en"), ["tax", "return", "due"]);
    }
}
