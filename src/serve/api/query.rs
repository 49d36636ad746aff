//! Strict parsing of a URL query string (`application/x-www-form-urlencoded`).
//!
//! Unlike the lenient decoders (which pass `%ZZ` through and replace invalid UTF-8), a bad
//! escape or invalid UTF-8 is an error naming the parameter, so that a bot never gets an answer
//! to a post it did not send.

use super::error::ApiError;

/// Decodes `query` into `(name, value)` pairs in order. Empty segments (`a=1&&b=2`) are skipped.
pub fn parse(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs = Vec::new();
    for (position, segment) in query.split('&').enumerate() {
        if segment.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
        let name = decode(raw_name).map_err(|problem| {
            ApiError::bad_request(
                "invalid_query",
                format!("query parameter number {}: name {problem}", position + 1),
            )
        })?;
        let value = decode(raw_value).map_err(|problem| {
            ApiError::bad_request(
                "invalid_query",
                format!("query parameter {}: value {problem}", printable(&name)),
            )
        })?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Decodes `+` and `%XX` escapes; says what is wrong otherwise.
fn decode(raw: &str) -> Result<String, String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                match hex {
                    Some(byte) => out.push(byte),
                    None => {
                        return Err(format!(
                            "has an invalid percent-encoding at byte {} (expected % and two hex digits)",
                            i
                        ));
                    }
                }
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| {
        format!("is not valid UTF-8 once decoded (at decoded byte {})", e.utf8_error().valid_up_to())
    })
}

/// A value fit for an error message: masked, short and quoted.
pub fn printable(name: &str) -> String {
    let short: String = crate::answer::mask::mask_sin(name).chars().take(40).collect();
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_escapes() {
        let pairs = parse("q=cr%C3%A9dit+d%27imp%C3%B4t&lang=fr&&top=3").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("q".into(), "crédit d'impôt".into()),
                ("lang".into(), "fr".into()),
                ("top".into(), "3".into())
            ]
        );
    }

    #[test]
    fn a_name_without_value_has_an_empty_value() {
        assert_eq!(parse("q").unwrap(), vec![("q".into(), String::new())]);
    }

    #[test]
    fn refuses_bad_escapes_naming_the_parameter() {
        for query in ["q=%ZZ", "q=abc%4", "q=%"] {
            let error = parse(query).unwrap_err();
            assert_eq!(error.code, "invalid_query", "{query}");
            assert!(error.message.contains("\"q\""), "{}", error.message);
            assert!(error.message.contains("percent-encoding"), "{}", error.message);
        }
    }

    #[test]
    fn refuses_invalid_utf8() {
        let error = parse("lang=fr&q=caf%E9").unwrap_err();
        assert!(error.message.contains("\"q\""), "{}", error.message);
        assert!(error.message.contains("UTF-8"), "{}", error.message);
    }
}
