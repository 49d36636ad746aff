//! Language analysis registered on the answer index.
//!
//! Every language gets one [`TextAnalyzer`] composed from small filters, used both when the
//! index is written and when a post is turned into query terms, so both sides always agree:
//!
//! - French: words (apostrophes kept inside) -> lower case -> elision (`l'`, `d'`, `qu'`... with
//!   `'` or `’`) -> stop words -> Snowball French stemming -> ASCII folding. Stemming runs
//!   before folding because the French stemmer expects accents; folding its output makes
//!   "impots" and "impôts" meet on `impot`.
//! - English: words -> lower case -> possessive `'s` removed -> stop words -> Snowball English
//!   stemming -> ASCII folding (for loan words such as "Québec").
//! - Any other language: words -> lower case -> ASCII folding.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RegexTokenizer, RemoveLongFilter, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use super::stopwords;

/// A word: letters and digits, with apostrophes allowed between them so elision and
/// possessive filters see `l'impôt` and `client's` whole.
const WORD_PATTERN: &str = r"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*";

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
    let words = || RegexTokenizer::new(WORD_PATTERN).expect("the word pattern is a valid regex");
    match analysis_family(lang) {
        "fr" => TextAnalyzer::builder(words())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(ElisionFilter)
            .filter(StopWordFilter::remove(
                stopwords::FRENCH.iter().map(|w| w.to_string()),
            ))
            .filter(Stemmer::new(Language::French))
            .filter(AsciiFoldingFilter)
            .build(),
        "en" => TextAnalyzer::builder(words())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(PossessiveFilter)
            .filter(StopWordFilter::remove(
                stopwords::ENGLISH.iter().map(|w| w.to_string()),
            ))
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
const ELIDED: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// Removes a French elided article or pronoun glued to a word (`l'impôt`, `d’avis`), with
/// either the ASCII apostrophe or the typographic one. Expects lower-cased tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct ElisionFilter;

impl TokenFilter for ElisionFilter {
    type Tokenizer<T: Tokenizer> = MapFilter<T, fn(&mut String)>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MapFilter {
            inner: tokenizer,
            map: strip_elision,
        }
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

/// Removes an English possessive (`client's` -> `client`, `parents’` stays `parents`).
/// Expects lower-cased tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct PossessiveFilter;

impl TokenFilter for PossessiveFilter {
    type Tokenizer<T: Tokenizer> = MapFilter<T, fn(&mut String)>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MapFilter {
            inner: tokenizer,
            map: strip_possessive,
        }
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
        MapStream {
            tail: self.inner.token_stream(text),
            map: self.map,
        }
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
        assert_eq!(
            terms("fr", "qu’avis d'avis j'attends"),
            terms("fr", "avis avis attends")
        );
        assert!(!terms("fr", "l'impôt").is_empty());
    }

    #[test]
    fn french_accents_fold_after_stemming() {
        assert_eq!(terms("fr", "impots"), terms("fr", "impôts"));
        assert_eq!(terms("fr", "Déclaration"), terms("fr", "declaration"));
        assert_eq!(terms("fr", "crédit"), vec!["credit".to_string()]);
    }

    #[test]
    fn french_stemming_joins_inflections() {
        assert_eq!(terms("fr", "déclarations"), terms("fr", "déclaration"));
        assert_eq!(terms("fr", "versements"), terms("fr", "versement"));
    }

    #[test]
    fn french_stop_words_are_removed() {
        assert_eq!(
            terms("fr", "le crédit de la personne"),
            terms("fr", "crédit personne")
        );
    }

    #[test]
    fn english_possessives_and_stemming() {
        assert_eq!(
            terms("en", "my client's refunds"),
            terms("en", "client refund")
        );
        assert_eq!(terms("en", "client’s"), vec!["client".to_string()]);
        assert_eq!(terms("en", "Filing"), terms("en", "file"));
        assert!(terms("en", "the and of").is_empty());
    }

    #[test]
    fn generic_languages_fold_and_lower() {
        assert_eq!(terms("de", "Größe"), vec!["grosse".to_string()]);
    }

    #[test]
    fn analyzer_names_group_languages() {
        assert_eq!(analyzer_name("fr"), "guichet_fr");
        assert_eq!(analyzer_name("es"), "guichet_generic");
    }
}
