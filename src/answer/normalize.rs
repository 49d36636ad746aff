//! Normalisation of social-network posts before matching.
//!
//! Two stages. [`clean`] is language-independent: it removes @mentions, URLs, the retweet
//! marker, emoji and repeated punctuation, splits hashtags into words (`#CreditSolidarite`,
//! `#crédit_solidarité`) and reduces stretched letters (`biiiien`). [`Spellings`] then rewrites
//! common SMS and informal spellings of the post's language (`koi` -> `quoi`, `u` -> `you`),
//! from the table in `informal.toml`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:https?://|www\.)\S+").expect("valid URL pattern"));
static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\w])@\w+").expect("valid mention pattern"));
static RETWEET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)RT(?:\s*:)?(?:\s|$)").expect("valid RT pattern"));
static HASHTAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#([\p{L}\p{N}_]+)").expect("valid hashtag pattern"));

/// The language-independent clean-up of a post (see the module documentation).
pub fn clean(text: &str) -> String {
    let text = URL.replace_all(text, " ");
    let text = MENTION.replace_all(&text, " ");
    let text = RETWEET.replace_all(&text, " ");
    let text = HASHTAG.replace_all(&text, |caps: &regex::Captures| split_hashtag(&caps[1]));
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut run = 0;
    for c in text.chars() {
        let c = if is_emoji_or_symbol(c) { ' ' } else { c };
        if Some(c) == previous {
            run += 1;
        } else {
            run = 1;
        }
        previous = Some(c);
        if c.is_alphabetic() {
            // Three or more of the same letter is stretching (French and English never write
            // a letter more than twice in a row): keep one.
            match run {
                1 | 2 => out.push(c),
                3 => {
                    out.pop();
                }
                _ => {}
            }
        } else if c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '…' | '’') {
            if run == 1 {
                out.push(c);
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Words of a hashtag: `_` separates, and so does a lower-case letter followed by an upper-case
/// one (`CreditSolidarite` -> `Credit Solidarite`).
fn split_hashtag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len() + 4);
    out.push(' ');
    let mut previous_lower = false;
    for c in tag.chars() {
        if c == '_' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out.push(' ');
    out
}

/// Emoji, pictographs, dingbats, joiners and variation selectors: noise for matching.
fn is_emoji_or_symbol(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // emoji, pictographs, symbols
        | 0x2600..=0x27BF   // miscellaneous symbols, dingbats
        | 0x2B00..=0x2BFF   // arrows, stars
        | 0x2190..=0x21FF   // arrows
        | 0xFE00..=0xFE0F   // variation selectors
        | 0x200B..=0x200D   // zero-width space and joiners
        | 0xE0000..=0xE007F // tags
    )
}

/// Informal spellings per language: word -> replacement, from `informal.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Spellings {
    by_lang: HashMap<String, HashMap<String, String>>,
}

/// The built-in table of informal spellings.
pub static SPELLINGS: LazyLock<Spellings> = LazyLock::new(|| {
    toml::from_str(include_str!("informal.toml")).expect("informal.toml is valid")
});

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*").expect("valid word pattern")
});

impl Spellings {
    /// `text` with the informal words of `lang` rewritten (matched whole, ignoring case).
    pub fn rewrite(&self, text: &str, lang: &str) -> String {
        let Some(table) = self.by_lang.get(lang) else {
            return text.to_string();
        };
        WORD.replace_all(text, |caps: &regex::Captures| {
            let word = &caps[0];
            let key = word.to_lowercase().replace('’', "'");
            table.get(&key).cloned().unwrap_or_else(|| word.to_string())
        })
        .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_mentions_urls_and_retweets() {
        assert_eq!(
            clean("RT @RevenuQc: date limite? https://t.co/xyz"),
            "date limite?"
        );
        assert_eq!(
            clean("écrire à info@example.com"),
            "écrire à info@example.com"
        );
        assert_eq!(clean("voir www.example.com svp"), "voir  svp");
    }

    #[test]
    fn splits_hashtags_into_words() {
        assert_eq!(clean("#CreditSolidarite"), "Credit Solidarite");
        assert_eq!(clean("#crédit_solidarité"), "crédit solidarité");
        assert_eq!(clean("voir #impots"), "voir  impots");
    }

    #[test]
    fn drops_emoji_and_repeated_punctuation() {
        assert_eq!(clean("Mon proprio 😤 refuse!!!"), "Mon proprio  refuse!");
        assert_eq!(clean("oups 🤦‍♀️ quoi???"), "oups  quoi?");
        assert_eq!(clean("bon...."), "bon.");
    }

    #[test]
    fn reduces_stretched_letters_but_keeps_doubles() {
        assert_eq!(clean("biiiien"), "bien");
        assert_eq!(clean("allooo"), "allo");
        assert_eq!(clean("nouvelle adresse"), "nouvelle adresse");
        assert_eq!(clean("Sooo confused"), "So confused");
    }

    #[test]
    fn rewrites_informal_spellings_of_the_language_only() {
        assert_eq!(
            SPELLINGS.rewrite("c koi la date", "fr"),
            "c'est quoi la date"
        );
        assert_eq!(SPELLINGS.rewrite("Chu étudiant", "fr"), "je suis étudiant");
        assert_eq!(SPELLINGS.rewrite("can u check", "en"), "can you check");
        assert_eq!(SPELLINGS.rewrite("can u check", "fr"), "can u check");
    }
}
