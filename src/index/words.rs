//! The word tokenizer of every analyzer: runs of letters and digits, with an apostrophe
//! (`'` or `’`) kept inside a word when letters follow it, so that the elision and possessive
//! filters see `l'impôt` and `client's` whole.
//!
//! Written by hand rather than with tantivy's `RegexTokenizer`: a Unicode `\p{L}` pattern made
//! the regex engine rebuild its lazy DFA over and over on accented text, and indexing 60,000
//! questions took minutes instead of a second (seen with `perf`).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Splits text into words; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    /// Byte position of the next character to read.
    pos: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        self.token.position = usize::MAX;
        WordStream { text, pos: 0, token: &mut self.token }
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.pos..];
        let Some((start, _)) = rest.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
            self.pos = self.text.len();
            return false;
        };
        let start = self.pos + start;
        let mut end = start;
        let mut chars = self.text[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                end = start + i + c.len_utf8();
            } else if is_apostrophe(c) && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                continue;
            } else {
                break;
            }
        }
        self.pos = end;
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut t = WordTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn keeps_inner_apostrophes_and_splits_on_the_rest() {
        assert_eq!(words("L'impôt d’été, client's 2026!"), ["L'impôt", "d’été", "client's", "2026"]);
        assert_eq!(words("rock'n'roll 'quoted' l'"), ["rock'n'roll", "quoted", "l"]);
        assert_eq!(words("  --  "), Vec::<String>::new());
    }

    #[test]
    fn positions_and_offsets_follow_the_words() {
        let mut t = WordTokenizer::default();
        let mut s = t.token_stream("é a");
        assert!(s.advance());
        assert_eq!((s.token().position, s.token().offset_from, s.token().offset_to), (0, 0, 2));
        assert!(s.advance());
        assert_eq!((s.token().position, s.token().offset_from), (1, 3));
        assert!(!s.advance());
    }
}
