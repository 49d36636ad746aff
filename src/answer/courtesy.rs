//! Courtesy that asks nothing ("Thanks for the quick answer!", "Joyeuses Fêtes à l'équipe"):
//! such a post gets no public link, whatever its words match in the knowledge base.
//!
//! The patterns per language live in `courtesy.toml`: a post is courtesy when a courtesy
//! pattern matches and no question pattern does. Matching is done on folded text (lower case,
//! no accents), as for question types ([`super::intent`]).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::fold::fold;

use super::patterns::Rule;

#[derive(Debug, Default, Deserialize)]
struct PatternsFile {
    #[serde(default)]
    courtesy: Vec<String>,
    #[serde(default)]
    question: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CourtesyFile {
    #[serde(default)]
    fr: PatternsFile,
    #[serde(default)]
    en: PatternsFile,
}

/// The compiled patterns of one language.
#[derive(Debug)]
struct Patterns {
    courtesy: Rule,
    question: Rule,
}

/// The compiled courtesy rule.
#[derive(Debug)]
pub struct Courtesy {
    fr: Patterns,
    en: Patterns,
}

/// The built-in rule.
pub static COURTESY: LazyLock<Courtesy> =
    LazyLock::new(|| Courtesy::parse(include_str!("courtesy.toml")).expect("courtesy.toml is valid"));

impl Courtesy {
    /// Parses and compiles a courtesy file.
    pub fn parse(text: &str) -> anyhow::Result<Courtesy> {
        let file: CourtesyFile = toml::from_str(text)?;
        let patterns = |p: &PatternsFile| -> anyhow::Result<Patterns> {
            Ok(Patterns { courtesy: Rule::compile(&p.courtesy)?, question: Rule::compile(&p.question)? })
        };
        Ok(Courtesy { fr: patterns(&file.fr)?, en: patterns(&file.en)? })
    }

    /// Whether `text`, written in `lang`, is courtesy that asks nothing. Languages without
    /// patterns have no courtesy.
    pub fn is_courtesy(&self, text: &str, lang: &str) -> bool {
        let patterns = match lang {
            "fr" => &self.fr,
            "en" => &self.en,
            _ => return false,
        };
        let folded = fold(text);
        patterns.courtesy.is_match(&folded) && !patterns.question.is_match(&folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thanks_wishes_and_praise_ask_nothing() {
        assert!(COURTESY.is_courtesy("Thanks for the quick answer 👍", "en"));
        assert!(COURTESY.is_courtesy("Great job team", "en"));
        assert!(COURTESY.is_courtesy("Merci beaucoup pour votre aide!", "fr"));
        assert!(COURTESY.is_courtesy("Joyeuses Fêtes à toute l'équipe", "fr"));
        assert!(COURTESY.is_courtesy("FÉLICITATIONS pour le nouveau site", "fr"));
    }

    #[test]
    fn a_question_or_a_request_is_not_courtesy() {
        assert!(!COURTESY.is_courtesy("Merci! C'est quand la date limite?", "fr"));
        assert!(!COURTESY.is_courtesy("merci de me dire la date limite", "fr"));
        assert!(!COURTESY.is_courtesy("Merci d’avance pour la date limite", "fr"));
        assert!(!COURTESY.is_courtesy("Bonne année! On a-tu jusqu'au 30 avril", "fr"));
        assert!(!COURTESY.is_courtesy("Thanks, I need the GST deadline", "en"));
        assert!(!COURTESY.is_courtesy("thanks when is the deadline", "en"));
    }

    #[test]
    fn greetings_alone_are_not_courtesy_nor_other_languages() {
        assert!(!COURTESY.is_courtesy("Bonjour la date limite pour les impôts", "fr"));
        assert!(!COURTESY.is_courtesy("Hi, GST deadline for Q4", "en"));
        assert!(!COURTESY.is_courtesy("Danke schön", "de"));
    }
}
