//! Warnings: what does not stop a build but makes a knowledge base worse for readers and bots.
//! Thresholds come from the `[check]` table of `config.toml` ([`crate::config::CheckConfig`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::content::markdown::slugify;
use crate::content::{Page, PageKind, Site};
use crate::diagnostics::{Diagnostic, line_col};

/// Every warning of `site` as of `today`, in page order.
pub fn warnings(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    // Pages in parallel: a build reports its warnings after publishing, when nothing else runs.
    let mut out: Vec<Diagnostic> =
        site.pages.par_iter().flat_map_iter(|page| page_warnings(site, page, today)).collect();
    out.extend(duplicate_questions(site));
    out.extend(loose_synonyms(site));
    out
}

/// Members of the synonyms file that analysis reads as one word (see
/// [`crate::answer::synonyms::LooseMember`]). A file that is missing (the built-in vocabulary
/// applies) or broken (the build reports it as an error) gives none.
fn loose_synonyms(site: &Site) -> Vec<Diagnostic> {
    let file = &site.config.answer.synonyms;
    let Ok(text) = std::fs::read_to_string(site.root.join(file)) else { return Vec::new() };
    let Ok(synonyms) = crate::answer::synonyms::Synonyms::parse(&text, &file.display().to_string()) else {
        return Vec::new();
    };
    synonyms
        .loose_members()
        .into_iter()
        .map(|loose| {
            let d = Diagnostic::warning(
                file.clone(),
                format!(
                    "the `{}` synonym \"{}\" is read as the one word `{}`: its other words are too common to be searched, so its group is added to every post with that word",
                    loose.lang, loose.member, loose.term
                ),
            )
            .help("give the member a second word that is searched (\"travailler à son compte\", not \"à son compte\"), or remove it");
            let at = ["\"", "'"].iter().find_map(|q| text.find(&format!("{q}{}{q}", loose.member)));
            match at {
                Some(i) => d.at_line(line_col(&text, i).0),
                None => d,
            }
        })
        .collect()
}

/// The warnings of one page.
fn page_warnings(site: &Site, page: &Page, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(source) = &page.source else { return out };
    // Read lazily: only pages with a dated warning need their front matter's lines.
    let mut text: Option<String> = None;
    let mut line_of = |needle: &str| -> Option<usize> {
        let t =
            text.get_or_insert_with(|| std::fs::read_to_string(site.root.join(source)).unwrap_or_default());
        t.find(needle).map(|i| line_col(t, i).0)
    };
    let at = |d: Diagnostic, line: Option<usize>| match line {
        Some(l) => d.at_line(l),
        None => d,
    };

    for key in &page.unknown_keys {
        let d = Diagnostic::warning(source.clone(), format!("unknown front matter key `{key}` is ignored"))
            .help("check its spelling: the keys are title, description, translation_key, tags, updated, aliases, weight, draft and [[deadlines]]");
        out.push(at(d, line_of(&format!("{key} ="))));
    }
    if let Some(d) = missing_translations(site, page) {
        let line = line_of("translation_key");
        out.push(at(d, line.or(Some(2))));
    }
    if let Some(updated) = page.updated {
        let age = (today - updated).num_days();
        let max = site.config.check.max_age_days;
        if age > max {
            let d = Diagnostic::warning(
                source.clone(),
                format!("last reviewed on {updated}, {age} days ago (more than `max_age_days = {max}`)"),
            )
            .help("check that the facts are still right, then set `updated` to today's date");
            out.push(at(d, line_of("updated")));
        }
    }
    for deadline in page.deadlines.iter().filter(|d| d.date < today) {
        let d = Diagnostic::warning(
            source.clone(),
            format!("the deadline \"{}\" ({}) is past and still listed", deadline.label, deadline.date),
        )
        .help("remove it from `[[deadlines]]`, or give it next year's date");
        out.push(at(d, line_of(&deadline.date.to_string())));
    }
    let max_words = site.config.check.max_answer_words;
    for entry in page.entries.iter() {
        if !entry.explicit_id {
            out.push(
                Diagnostic::warning(
                    source.clone(),
                    format!(
                        "the question \"{}\" has no explicit anchor: its deep link `#{}` breaks if the question is reworded",
                        entry.question, entry.id
                    ),
                )
                .at_line(entry.line)
                .help(format!("end the heading with `{{#{}}}`", entry.id)),
            );
        }
        let words = entry.answer_text.split_whitespace().count();
        if words > max_words {
            out.push(
                Diagnostic::warning(
                    source.clone(),
                    format!(
                        "the answer to \"{}\" is {words} words long (more than `max_answer_words = {max_words}`)",
                        entry.question
                    ),
                )
                .at_line(entry.line)
                .help("keep the answer short and split the details into other questions or pages"),
            );
        }
    }
    out
}

/// A page or section that lacks a version in some language of the site.
fn missing_translations(site: &Site, page: &Page) -> Option<Diagnostic> {
    if page.kind == PageKind::Home || site.languages.len() < 2 {
        return None;
    }
    let missing: Vec<&str> = site
        .languages
        .iter()
        .filter(|l| **l != page.lang && !page.translations.iter().any(|&t| site.pages[t].lang == **l))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let source = page.source.clone()?;
    let langs = missing.join(", ");
    Some(match &page.translation_key {
        None => Diagnostic::warning(
            source,
            format!("the page has no translation ({langs}): it has no `translation_key`"),
        )
        .help(format!("add `translation_key = \"...\"` here and the same key to its translation in {langs}")),
        Some(key) => Diagnostic::warning(
            source,
            format!(
                "the page has no translation in {langs}: no page there has `translation_key = \"{key}\"`"
            ),
        )
        .help(format!("write the translation in content/{}/ with the same `translation_key`", missing[0])),
    })
}

/// The same question (same words, ignoring case, accents and punctuation) on two pages of one
/// language: readers and the bot cannot tell which answer is the right one.
fn duplicate_questions(site: &Site) -> Vec<Diagnostic> {
    let mut first: HashMap<(&str, String), (&Page, usize)> = HashMap::new();
    let mut out = Vec::new();
    for page in &site.pages {
        let Some(source) = &page.source else { continue };
        for (i, entry) in page.entries.iter().enumerate() {
            let key = (page.lang.as_str(), slugify(&entry.question));
            if key.1.is_empty() {
                continue;
            }
            match first.get(&key) {
                None => {
                    first.insert(key, (page, i));
                }
                Some((other, j)) => {
                    let e = &other.entries[*j];
                    let place = match &other.source {
                        Some(s) => format!("{}:{}", s.display(), e.line),
                        None => other.path.clone(),
                    };
                    out.push(
                        Diagnostic::warning(
                            source.clone(),
                            format!(
                                "the question \"{}\" is also asked at `{}` ({place})",
                                entry.question,
                                other.deep_link(e)
                            ),
                        )
                        .at_line(entry.line)
                        .help("keep one answer and link to it from the other page, or make the questions distinct"),
                    );
                }
            }
        }
    }
    out
}
