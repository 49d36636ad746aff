//! Masking of social insurance numbers.
//!
//! A SIN is nine digits, written whole or in groups of three separated by one space or dash,
//! and not part of a longer number. Every text guichet prints, logs or stores from a post goes
//! through [`mask_sin`] first.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// What a masked number becomes.
pub const MASK: &str = "*** *** ***";

static SIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{3}[ \-]?\d{3}[ \-]?\d{3}").expect("valid SIN pattern"));

/// `text` with every social insurance number replaced by [`MASK`].
pub fn mask_sin(text: &str) -> Cow<'_, str> {
    let found = sins(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in found {
        out.push_str(&text[last..start]);
        out.push_str(MASK);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Whether `text` carries a social insurance number.
pub fn contains_sin(text: &str) -> bool {
    !sins(text).is_empty()
}

/// Byte ranges of the social insurance numbers of `text`.
fn sins(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(m) = SIN.find_at(text, at) {
        let digit_before = m.start() > 0 && bytes[m.start() - 1].is_ascii_digit();
        let digit_after = bytes.get(m.end()).is_some_and(u8::is_ascii_digit);
        if digit_before || digit_after {
            // Part of a longer number: try from the next digit.
            at = m.start() + 1;
            continue;
        }
        found.push((m.start(), m.end()));
        at = m.end();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_nine_digits_in_every_written_form() {
        assert_eq!(mask_sin("NAS 046 454 287 merci"), "NAS *** *** *** merci");
        assert_eq!(mask_sin("sin is 087-654-321."), "sin is *** *** ***.");
        assert_eq!(mask_sin("nas 027459813 svp"), "nas *** *** *** svp");
        assert_eq!(mask_sin("123 456-789"), "*** *** ***");
    }

    #[test]
    fn leaves_other_numbers_alone() {
        for text in [
            "Account 1234567890 TQ0001",
            "1 150 $",
            "514 864-6299",
            "2026-CC-55102",
            "12 345 678",
        ] {
            assert_eq!(mask_sin(text), text);
            assert!(!contains_sin(text));
        }
    }

    #[test]
    fn finds_a_number_after_a_longer_one() {
        assert_eq!(
            mask_sin("1234567890 et 111 222 333"),
            "1234567890 et *** *** ***"
        );
        assert!(contains_sin("mon NAS c'est 046 454 286, pouvez-vous"));
    }
}
