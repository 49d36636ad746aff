//! Share pages: one tiny page per question, whose link preview shows that question.
//!
//! A `#fragment` never reaches the server, so a social network fetching
//! `/fr/particuliers/credit-solidarite/#versements` sees the whole page's card. The share URL
//! `/fr/particuliers/credit-solidarite/versements/` is a real page whose card is the question
//! and the first sentence of its answer, and which sends a reader on to the deep link.

use crate::content::{Entry, Page};

/// URL path of the share page of one question: the page's path, then the anchor, then `/`
/// (`/fr/particuliers/credit-solidarite/` + `versements` -> `/fr/particuliers/credit-solidarite/versements/`).
///
/// The answer engine may reply with this URL instead of the bare deep link: it is stable as
/// long as the page path and the anchor are.
pub fn share_path(page: &Page, entry: &Entry) -> String {
    format!("{}{}/", page.path, entry.id)
}

/// The first sentence of a text, for link previews: up to the first `.`, `?` or `!` followed
/// by a space or the end, once at least 20 characters are taken; cut at a word near `max`
/// characters (with `…`) when the sentence is longer.
pub fn first_sentence(text: &str, max: usize) -> String {
    // Paragraphs and list items run together: an answer often opens with "... :" and a list.
    // Words are taken until the sentence ends or `max` is passed, not the whole answer.
    let mut flat = String::new();
    let mut chars = 0;
    let mut end = None;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > 20 && word.ends_with(['.', '?', '!']) {
            end = Some(chars);
            break;
        }
        if chars > max {
            break;
        }
    }
    if end.unwrap_or(chars) <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_stops_at_the_first_full_stop() {
        assert_eq!(
            first_sentence("Les versements commencent en juillet. Ils se font le 5.", 200),
            "Les versements commencent en juillet."
        );
        // "Oui." is too short to stand alone as a card.
        let short = "Oui. Vous devez le demander dans votre déclaration.";
        assert_eq!(first_sentence(short, 200), short);
        assert_eq!(
            first_sentence("Selon le montant :\n\n- 240 $ ou plus : chaque mois.\n- Moins : une fois.", 200),
            "Selon le montant : - 240 $ ou plus : chaque mois."
        );
    }

    #[test]
    fn a_sentence_ends_only_after_twenty_characters_and_before_a_space() {
        // The full stop at index 20 is the 21st character: long enough.
        let text = format!("{}. Suite de la réponse.", "a".repeat(20));
        assert_eq!(first_sentence(&text, 200), format!("{}.", "a".repeat(20)));
        let text = format!("{}. Suite.", "a".repeat(19));
        assert_eq!(first_sentence(&text, 200), text);
        assert_eq!(
            first_sentence("Le taux passe à 5.5 % en juillet. Puis", 200),
            "Le taux passe à 5.5 % en juillet."
        );
    }

    #[test]
    fn long_sentences_are_cut_at_a_word() {
        let long = "mot ".repeat(100);
        let s = first_sentence(&long, 50);
        assert!(s.ends_with("mot…"), "{s}");
        assert!(s.chars().count() <= 51);
    }
}
