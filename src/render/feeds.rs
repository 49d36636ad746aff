//! Feeds people subscribe to: an iCalendar feed of the deadlines (RFC 5545) and an Atom feed
//! of reviewed pages (RFC 4287), one of each per language.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use chrono::{NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike};

use crate::content::{Deadline, Page, Site};

/// One deadline of a language with the page it belongs to.
pub struct DatedItem<'a> {
    pub deadline: &'a Deadline,
    pub page: &'a Page,
}

/// Every deadline of a language, by date, then label, then page path.
pub fn deadlines_of<'a>(site: &'a Site, lang: &str) -> Vec<DatedItem<'a>> {
    let mut items: Vec<DatedItem> = site
        .pages_in(lang)
        .flat_map(|(_, page)| page.deadlines.iter().map(move |deadline| DatedItem { deadline, page }))
        .collect();
    items.sort_by(|a, b| (a.deadline, &a.page.path).cmp(&(b.deadline, &b.page.path)));
    items
}

/// Host name of `base_url` (`https://aide.example.qc.ca/x` -> `aide.example.qc.ca`).
pub fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let end = rest.find(['/', ':', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// 64-bit FNV-1a: a hash that never changes between builds, machines or Rust versions
/// (unlike `std`'s `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Stable UID of a deadline event: a hash of the page path, the date and the label, at the
/// site's host. It changes only when one of those three does.
pub fn event_uid(site: &Site, page: &Page, deadline: &Deadline) -> String {
    let key = format!("{}\n{}\n{}", page.path, deadline.date, deadline.label);
    format!("{:016x}@{}", fnv1a(key.as_bytes()), host(&site.config.base_url))
}

/// The iCalendar feed of one language: an all-day event per `[[deadlines]]` entry, with the
/// page's permalink as `URL` and in the description. `DTSTAMP` is the build date, so the
/// file is the same for every build of the same content on the same day.
pub fn calendar(site: &Site, lang: &str, name: &str, build_date: NaiveDate) -> String {
    let stamp = Utc.from_utc_datetime(&build_date.and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut cal = Calendar::new();
    cal.name(name);
    cal.append_property(("X-WR-CALDESC", name));
    for item in deadlines_of(site, lang) {
        let event = icalendar::Event::new()
            .uid(&event_uid(site, item.page, item.deadline))
            .timestamp(stamp)
            .all_day(item.deadline.date)
            .summary(&item.deadline.label)
            .description(&format!("{}\n{}", item.page.title, item.page.permalink))
            .url(&item.page.permalink)
            .add_property("TRANSP", "TRANSPARENT")
            .done();
        cal.push(event);
    }
    cal.done().to_string()
}

/// The Atom feed of one language: every page with an `updated` date, most recent first, each
/// entry dated by its `updated` and summarised by its description.
pub fn atom(site: &Site, lang: &str, title: &str, feed_path: &str, home_path: &str) -> String {
    let base = site.config.base();
    let midnight =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()).fixed_offset();
    let mut pages: Vec<&Page> = site.pages_in(lang).map(|(_, p)| p).filter(|p| p.updated.is_some()).collect();
    pages.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.path.cmp(&b.path)));
    let entries: Vec<Entry> = pages
        .iter()
        .map(|p| Entry {
            title: Text::plain(p.title.clone()),
            id: p.permalink.clone(),
            updated: midnight(p.updated.unwrap_or_default()),
            links: vec![Link { href: p.permalink.clone(), rel: "alternate".into(), ..Default::default() }],
            summary: p
                .description
                .clone()
                .or_else(|| {
                    (!p.intro_text.trim().is_empty())
                        .then(|| super::share::first_sentence(&p.intro_text, 200))
                })
                .map(Text::plain),
            ..Default::default()
        })
        .collect();
    let newest = pages.first().and_then(|p| p.updated).unwrap_or_default();
    let feed = Feed {
        title: Text::plain(title),
        id: format!("{base}{feed_path}"),
        updated: midnight(newest),
        authors: vec![Person {
            name: title.to_string(),
            uri: Some(format!("{base}{home_path}")),
            ..Default::default()
        }],
        links: vec![
            Link { href: format!("{base}{feed_path}"), rel: "self".into(), ..Default::default() },
            Link { href: format!("{base}{home_path}"), rel: "alternate".into(), ..Default::default() },
        ],
        lang: Some(lang.to_string()),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_is_the_authority_without_port_or_path() {
        assert_eq!(host("https://aide.example.qc.ca"), "aide.example.qc.ca");
        assert_eq!(host("http://localhost:8080/x/"), "localhost");
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    }
}
