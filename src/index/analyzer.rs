//! Language analysis registered on the answer index.
//!
//! Every language gets one [`TextAnalyzer`] composed from small filters, used both when the
//! index is written and when a post is turned into query terms, so both sides always agree:
//!
//! - French: words (apostrophes kept inside) -> lower case -> elision (`l'`, `d'`, `qu'`... with
//!   `'` or `’`) -> stop words -> Snowball French stemming -> ASCII folding. The stemmer
//!   expects accents and stems better with them (measured on the dev set: top1 0.644 against
//!   0.611 when folding first); folding its output makes most accent-less spellings meet
//!   ("impots" and "impôts" on `impot`), though not all ("decedee" stays `decede` while
//!   "décédée" gives `deced`).
//! - English: words -> lower case -> possessive `'s` removed -> stop words -> Snowball English
//!   stemming -> ASCII folding (for loan words such as "Québec").
//! - Any other language: words -> lower case -> ASCII folding.
//!
//! Every filter after the word tokenizer turns one word into at most one term, whatever its
//! neighbours, so [`Memoized`] runs them once per distinct word.

use foldhash::{HashMap, HashMapExt};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use super::stopwords;
use super::words::{WordStream, WordTokenizer};

/// Tokens longer than this are noise (hashes, glued URLs) and are dropped.
const MAX_TOKEN_LEN: usize = 40;

/// Name of the analyzer registered for a language code on the index.
pub fn analyzer_name(lang: &str) -> String {
    format!("guichet_{}", analysis_family(lang))
}

/// Which analysis a language code uses: `fr`, `en`, or `generic`.
pub fn analysis_family(lang: &str) -> &'static str {
    match lang {
        "fr" => "fr",
        "en" => "en",
        _ => "generic",
    }
}

/// The analyzer of a language code (unknown languages get the generic one).
pub fn analyzer_for(lang: &str) -> TextAnalyzer {
    // The memo feeds the filters one word at a time: the whole text is that word.
    TextAnalyzer::from(Memoized::new(pipeline(lang, RawTokenizer::default())))
}

/// The filters of a language after `tokenizer`.
fn pipeline<T: Tokenizer>(lang: &str, tokenizer: T) -> TextAnalyzer {
    let words = move || tokenizer;
    match analysis_family(lang) {
        "fr" => TextAnalyzer::builder(words())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(ElisionFilter)
            .filter(StopWordFilter::remove(stopwords::FRENCH.iter().map(|w| w.to_string())))
            .filter(KeepApartFilter)
            .filter(Stemmer::new(Language::French))
            .filter(AsciiFoldingFilter)
            .build(),
        "en" => TextAnalyzer::builder(words())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(PossessiveFilter)
            .filter(StopWordFilter::remove(stopwords::ENGLISH.iter().map(|w| w.to_string())))
            .filter(Stemmer::new(Language::English))
            .filter(AsciiFoldingFilter)
            .build(),
        _ => TextAnalyzer::builder(words())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// Registers the analyzers of `languages` on a tokenizer manager (an index's).
pub fn register<'a>(manager: &TokenizerManager, languages: impl IntoIterator<Item = &'a str>) {
    for lang in languages {
        manager.register(&analyzer_name(lang), analyzer_for(lang));
    }
}

/// Most distinct words one analyzer remembers; past it, it starts again (a long-running
/// service sees new words in posts forever).
const MEMO_CAPACITY: usize = 100_000;

/// The word tokenizer followed by per-word filters, each distinct word filtered once.
///
/// Indexing a knowledge base repeats the same few thousand words, and stemming was the
/// largest cost of writing the answer index (`perf` on a 10,000-page build). A clone starts
/// with nothing remembered, so cloning stays cheap.
pub struct Memoized {
    words: WordTokenizer,
    filters: TextAnalyzer,
    /// Word as written -> its term, or `None` when the filters drop it (a stop word).
    terms: HashMap<String, Option<String>>,
}

impl Memoized {
    fn new(filters: TextAnalyzer) -> Self {
        Memoized { words: WordTokenizer::default(), filters, terms: HashMap::new() }
    }
}

impl Clone for Memoized {
    fn clone(&self) -> Self {
        Memoized::new(self.filters.clone())
    }
}

impl Tokenizer for Memoized {
    type TokenStream<'a> = MemoizedStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoizedStream<'a> {
        if self.terms.len() >= MEMO_CAPACITY {
            self.terms.clear();
        }
        MemoizedStream {
            words: self.words.token_stream(text),
            filters: &mut self.filters,
            terms: &mut self.terms,
        }
    }
}

pub struct MemoizedStream<'a> {
    words: WordStream<'a>,
    filters: &'a mut TextAnalyzer,
    terms: &'a mut HashMap<String, Option<String>>,
}

impl TokenStream for MemoizedStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let token = self.words.token_mut();
            let term = match self.terms.get(token.text.as_str()) {
                Some(term) => term.as_deref(),
                None => {
                    let mut stream = self.filters.token_stream(&token.text);
                    let term = stream.advance().then(|| stream.token().text.clone());
                    self.terms.entry(token.text.clone()).or_insert(term).as_deref()
                }
            };
            // The word token keeps its offsets and position; only its text becomes the term.
            if let Some(term) = term {
                token.text.clear();
                token.text.push_str(term);
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        self.words.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

/// Runs an analyzer over a text and returns the terms, in order.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        terms.push(token.text.clone());
    }
    terms
}

/// French elisions: the short words that lose their vowel before another vowel.
const ELIDED: &[&str] =
    &["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];

/// Removes a French elided article or pronoun glued to a word (`l'impôt`, `d’avis`), with
/// either the ASCII apostrophe or the typographic one. Expects lower-cased tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct ElisionFilter;

impl TokenFilter for ElisionFilter {
    type Tokenizer<T: Tokenizer> = MapFilter<T, fn(&mut String)>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MapFilter { inner: tokenizer, map: strip_elision }
    }
}

fn strip_elision(text: &mut String) {
    if let Some((head, tail)) = split_apostrophe(text)
        && ELIDED.contains(&head)
        && !tail.is_empty()
    {
        let tail = tail.to_string();
        *text = tail;
    }
}

/// Replaces the forms of French "garder" (to keep) by "conserver", its equivalent. Snowball
/// stems them `gard`, the stem of "garde" (care: "frais de garde d'enfants"), so "peut-il
/// garder mon remboursement?" and "combien de temps garder mes factures?" both went to the
/// childcare pages; "conserver" stems apart (`conserv`), where the pages say "conservez".
/// Expects lower-cased tokens; the noun "garde" and its plural stay as they are.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeepApartFilter;

impl TokenFilter for KeepApartFilter {
    type Tokenizer<T: Tokenizer> = MapFilter<T, fn(&mut String)>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MapFilter { inner: tokenizer, map: keep_apart }
    }
}

/// Forms of "garder" that are never the noun "garde", with and without their accent.
const GARDER: [&str; 18] = [
    "garder",
    "gardé",
    "gardée",
    "gardés",
    "gardées",
    "gardee",
    "gardees",
    "gardent",
    "gardez",
    "gardons",
    "garderai",
    "garderais",
    "garderait",
    "garderez",
    "garderont",
    "gardais",
    "gardait",
    "gardaient",
];

fn keep_apart(text: &mut String) {
    if GARDER.contains(&text.as_str()) {
        *text = "conserver".to_string();
    }
}

/// Removes an English possessive (`client's` -> `client`, `parents’` stays `parents`).
/// Expects lower-cased tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct PossessiveFilter;

impl TokenFilter for PossessiveFilter {
    type Tokenizer<T: Tokenizer> = MapFilter<T, fn(&mut String)>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MapFilter { inner: tokenizer, map: strip_possessive }
    }
}

fn strip_possessive(text: &mut String) {
    for suffix in ["'s", "’s"] {
        if text.len() > suffix.len() && text.ends_with(suffix) {
            text.truncate(text.len() - suffix.len());
            return;
        }
    }
}

/// First apostrophe (`'` or `’`) of a token: the part before and the part after.
fn split_apostrophe(text: &str) -> Option<(&str, &str)> {
    let at = text.find(['\'', '’'])?;
    let width = text[at..].chars().next().map_or(1, char::len_utf8);
    Some((&text[..at], &text[at + width..]))
}

/// A filter that rewrites every token's text in place.
#[derive(Clone)]
pub struct MapFilter<T, F> {
    inner: T,
    map: F,
}

impl<T: Tokenizer> Tokenizer for MapFilter<T, fn(&mut String)> {
    type TokenStream<'a> = MapStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapStream { tail: self.inner.token_stream(text), map: self.map }
    }
}

pub struct MapStream<S> {
    tail: S,
    map: fn(&mut String),
}

impl<S: TokenStream> TokenStream for MapStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        (self.map)(&mut self.tail.token_mut().text);
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: &str, text: &str) -> Vec<String> {
        analyze(&mut analyzer_for(lang), text)
    }

    #[test]
    fn french_elision_with_both_apostrophes() {
        assert_eq!(terms("fr", "l'impôt"), terms("fr", "impôt"));
        assert_eq!(terms("fr", "l’impôt"), terms("fr", "impôt"));
        assert_eq!(terms("fr", "qu’avis d'avis j'attends"), terms("fr", "avis avis attends"));
        assert!(!terms("fr", "l'impôt").is_empty());
    }

    #[test]
    fn french_accents_fold_after_stemming() {
        assert_eq!(terms("fr", "impots"), terms("fr", "impôts"));
        assert_eq!(terms("fr", "Déclaration"), terms("fr", "declaration"));
        assert_eq!(terms("fr", "crédit"), terms("fr", "credit"));
        assert_eq!(terms("fr", "remboursement reçu"), terms("fr", "remboursement recu"));
        assert_eq!(terms("fr", "Québec"), terms("fr", "quebec"));
    }

    #[test]
    fn french_stemming_joins_inflections() {
        assert_eq!(terms("fr", "déclarations"), terms("fr", "déclaration"));
        assert_eq!(terms("fr", "versements"), terms("fr", "versement"));
    }

    #[test]
    fn to_keep_is_kept_apart_from_care() {
        assert_eq!(terms("fr", "garder mes factures"), terms("fr", "conservez mes factures"));
        assert_eq!(terms("fr", "ils ont gardé"), terms("fr", "ils ont gardee"));
        assert_ne!(terms("fr", "garder"), terms("fr", "garde"));
        assert_eq!(terms("fr", "frais de garde"), terms("fr", "frais de gardes"));
    }

    #[test]
    fn french_stop_words_are_removed() {
        assert_eq!(terms("fr", "le crédit de la personne"), terms("fr", "crédit personne"));
        // "y a-tu quelqu'un?" names nothing to search for.
        assert!(terms("fr", "quelqu'un quelqu’un").is_empty());
    }

    #[test]
    fn english_possessives_and_stemming() {
        assert_eq!(terms("en", "my client's refunds"), terms("en", "client refund"));
        assert_eq!(terms("en", "client’s"), vec!["client".to_string()]);
        assert_eq!(terms("en", "Filing"), terms("en", "file"));
        assert!(terms("en", "the and of").is_empty());
    }

    #[test]
    fn generic_languages_fold_and_lower() {
        assert_eq!(terms("de", "Größe"), vec!["grosse".to_string()]);
    }

    #[test]
    fn remembered_words_give_the_same_terms_and_positions() {
        let text = "Les impôts, l'impôt et d’autres impôts: the client's refunds, impôts";
        for lang in ["fr", "en", "de"] {
            let mut analyzer = analyzer_for(lang);
            let first = tokens(&mut analyzer, text);
            // The second pass reads every word from memory.
            assert_eq!(tokens(&mut analyzer, text), first);
            // The same pipeline over the whole text, without memory.
            let expected = tokens(&mut pipeline(lang, WordTokenizer::default()), text);
            assert_eq!(first, expected, "{lang}");
        }
        let mut fr = analyzer_for("fr");
        let positions: Vec<usize> = tokens(&mut fr, "le crédit de la personne").iter().map(|t| t.1).collect();
        assert_eq!(positions, [1, 4], "stop words keep their place");
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn analyzer_names_group_languages() {
        assert_eq!(analyzer_name("fr"), "guichet_fr");
        assert_eq!(analyzer_name("es"), "guichet_generic");
    }
}
