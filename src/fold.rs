//! Folding text the way people type it: lower case, no diacritics, ligatures spelled out.
//!
//! The site search and the answer index compare words as posts write them ("impots" must
//! meet "impôts", "oeuvre" must meet "œuvre"). Both fold whole knowledge bases at build time,
//! so this is on the build's hot path: ASCII, most of any text, is copied through, and other
//! characters are decomposed one at a time instead of through a streaming normaliser (which
//! buffers and reorders combining marks that folding drops anyway).

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// `text` in lower case, without diacritics, ligatures spelled out (compatibility
/// decomposition, then `œ` `æ` `ß` written `oe` `ae` `ss`): `Œuvre ÉTÉ ﬁn` -> `oeuvre ete fin`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appended to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            for lower in d.to_lowercase() {
                match lower {
                    'œ' => out.push_str("oe"),
                    'æ' => out.push_str("ae"),
                    'ß' => out.push_str("ss"),
                    other => out.push(other),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn accents_case_and_ligatures_are_folded() {
        assert_eq!(fold("Impôts À PAYER"), "impots a payer");
        assert_eq!(fold("Œuvre ÉTÉ ﬁn Straße Ærè"), "oeuvre ete fin strasse aere");
        assert_eq!(fold("l’été"), "l’ete");
    }

    #[test]
    fn decomposed_and_precomposed_accents_fold_alike() {
        let precomposed = "crédit d'impôt décédée";
        let decomposed: String = precomposed.nfd().collect();
        assert_ne!(precomposed, decomposed);
        assert_eq!(fold(&decomposed), fold(precomposed));
        assert_eq!(fold(precomposed), "credit d'impot decedee");
    }

    #[test]
    fn same_result_as_the_streaming_normaliser() {
        // The per-character path must agree with NFKD + mark removal + lower case.
        let text = "Ça coûte 12 $ à Montréal; naïve Noël, ÀÉÎÕÜ ǅ ﬀ ¼ Ω ⅷ";
        let reference: String = text
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect::<String>()
            .replace('œ', "oe");
        assert_eq!(fold(text), reference);
    }
}
