//! Language detection of short posts: a vote of frequent function words.
//!
//! Posts are short, informal and full of shared vocabulary (GST, Revenu Québec, RL-1), so
//! statistical detectors trained on prose are unreliable on them; the function words of a
//! language ("le", "est", "pour" / "the", "is", "for"), its informal markers ("pis", "chu" /
//! "gonna") and French accented letters are a steadier signal.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The outcome of a detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The language code chosen.
    pub lang: String,
    /// How clear the vote was, 0 (a tie, the fallback was used) to 1 (one-sided).
    pub certainty: f32,
}

const FRENCH: &[&str] = &[
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "je", "j'ai", "tu", "il",
    "elle", "on", "nous", "vous", "pour", "pas", "que", "qui", "quoi", "quand", "comment",
    "combien", "pourquoi", "mon", "ma", "mes", "ton", "son", "sa", "ses", "ce", "c'est", "ça",
    "avec", "dans", "sur", "au", "aux", "ou", "où", "est-ce", "faut", "peux", "dois", "mais", "si",
    "avez", "êtes", "suis", "ai", "à", "y", "pis", "chu", "faque", "ben", "là", "tu", "bonjour",
    "merci", "svp", "allo", "oui", "non", "notre", "votre", "leur", "même", "aussi", "encore",
    "depuis", "quel", "quelle", "d'une", "d'un", "l'an", "j'", "qu'", "n'", "m'", "c", "koi",
    "kel", "ya", "jai", "toujours", "rien", "moi", "toi", "fait", "année",
];

const ENGLISH: &[&str] = &[
    "the", "a", "an", "and", "is", "are", "was", "were", "i", "i'm", "im", "you", "he", "she",
    "we", "they", "it", "my", "your", "our", "his", "her", "their", "for", "to", "of", "in", "on",
    "at", "with", "what", "when", "where", "why", "how", "who", "which", "do", "does", "did",
    "can", "could", "should", "would", "will", "have", "has", "had", "be", "been", "this", "that",
    "if", "or", "but", "not", "no", "yes", "get", "got", "any", "there", "here", "from", "about",
    "please", "thanks", "hi", "hello", "hey", "u", "ur", "am", "just", "still", "so", "all",
    "much", "many", "long", "way", "need", "want", "know", "file", "pay", "paid", "don't", "can't",
    "it's", "what's", "isn't", "doesn't", "didn't", "me", "him", "them",
];

static FR: LazyLock<HashSet<&'static str>> = LazyLock::new(|| FRENCH.iter().copied().collect());
static EN: LazyLock<HashSet<&'static str>> = LazyLock::new(|| ENGLISH.iter().copied().collect());

/// Detects French or English among `languages`; `fallback` (the default language) wins ties
/// and is the answer when neither language is offered.
pub fn detect(text: &str, languages: &[String], fallback: &str) -> Detected {
    let offered = |code: &str| languages.iter().any(|l| l == code);
    if !(offered("fr") && offered("en")) {
        return Detected {
            lang: fallback.to_string(),
            certainty: 0.0,
        };
    }
    let (mut fr, mut en) = (0.0f32, 0.0f32);
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
    {
        if word.is_empty() {
            continue;
        }
        let word = word.to_lowercase().replace('’', "'");
        let word = word.trim_matches(|c| c == '\'' || c == '-');
        if FR.contains(word) {
            fr += 1.0;
        }
        if EN.contains(word) {
            en += 1.0;
        }
        // Elided forms ("l'impôt", "d'avis") and French accents are French.
        if let Some((head, _)) = word.split_once('\'')
            && matches!(head, "l" | "d" | "j" | "qu" | "n" | "s" | "c" | "m" | "t")
        {
            fr += 1.0;
        }
        if word.contains(['é', 'è', 'ê', 'à', 'ç', 'ù', 'û', 'ô', 'î']) {
            fr += 0.5;
        }
    }
    let total = fr + en;
    if total == 0.0 || fr == en {
        return Detected {
            lang: fallback.to_string(),
            certainty: 0.0,
        };
    }
    let lang = if fr > en { "fr" } else { "en" };
    Detected {
        lang: lang.to_string(),
        certainty: (fr - en).abs() / total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Vec<String> {
        vec!["fr".into(), "en".into()]
    }

    #[test]
    fn detects_informal_french_and_english() {
        assert_eq!(
            detect("c koi la date limite pour les impots", &langs(), "en").lang,
            "fr"
        );
        assert_eq!(
            detect("Chu étudiant pis j'ai jamais fait d'impôts", &langs(), "en").lang,
            "fr"
        );
        assert_eq!(
            detect(
                "do I need to register for GST/QST if I make 25k?",
                &langs(),
                "fr"
            )
            .lang,
            "en"
        );
        assert_eq!(
            detect("whats the payee name for instalments", &langs(), "fr").lang,
            "en"
        );
    }

    #[test]
    fn falls_back_on_the_default_language_when_undecided() {
        let d = detect("TPS/TVQ RL-1", &langs(), "fr");
        assert_eq!((d.lang.as_str(), d.certainty), ("fr", 0.0));
        assert_eq!(detect("the date", &["fr".to_string()], "fr").lang, "fr");
    }
}
