//! schema.org structured data (JSON-LD) for search engines: an `FAQPage` with every question
//! and answer of a page, and the page's `BreadcrumbList`.

use serde_json::{Value, json};

use crate::content::{Page, Site};

/// The JSON-LD of a page, ready to put inside `<script type="application/ld+json">`: a
/// `@graph` holding the `BreadcrumbList` (home, sections, the page) and, when the page has
/// questions, the `FAQPage`. `crumbs` are the `(title, path)` of the page's ancestors.
///
/// `<` is written `\u003c`, so no answer text can close the script element.
pub fn json_ld(site: &Site, page: &Page, crumbs: &[(String, String)]) -> String {
    let base = site.config.base();
    let mut graph = Vec::new();
    let items: Vec<Value> = crumbs
        .iter()
        .map(|(title, path)| (title.as_str(), path.as_str()))
        .chain(std::iter::once((page.title.as_str(), page.path.as_str())))
        .enumerate()
        .map(|(i, (title, path))| {
            json!({"@type": "ListItem", "position": i + 1, "name": title, "item": format!("{base}{path}")})
        })
        .collect();
    if items.len() > 1 {
        graph.push(json!({"@type": "BreadcrumbList", "itemListElement": items}));
    }
    if !page.entries.is_empty() {
        let questions: Vec<Value> = page
            .entries
            .iter()
            .map(|e| {
                json!({
                    "@type": "Question",
                    "name": e.question,
                    "url": format!("{}#{}", page.permalink, e.id),
                    "acceptedAnswer": {"@type": "Answer", "text": e.answer_text.trim()},
                })
            })
            .collect();
        graph.push(json!({
            "@type": "FAQPage",
            "@id": page.permalink,
            "url": page.permalink,
            "name": page.title,
            "inLanguage": page.lang,
            "mainEntity": questions,
        }));
    }
    if graph.is_empty() {
        return String::new();
    }
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    script_safe(&doc.to_string())
}

/// JSON text that cannot end a `<script>` element nor open a comment in it.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_still_parses_to_the_same_value() {
        let v = json!({"text": "a </script><!-- b"});
        let safe = script_safe(&v.to_string());
        assert!(!safe.contains('<'));
        assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), v);
    }
}
