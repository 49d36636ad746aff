//! Markdown body to introduction, question entries and internal links, in one parse.
//!
//! Every level-2 heading starts an entry whose answer runs to the next level-2 heading; the
//! text before the first one is the introduction. Anchors come from `{#id}` or the slug of
//! the heading text.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::diagnostics::{Diagnostic, line_col};

/// The parsed body of one page.
#[derive(Debug, Default)]
pub struct Body {
    pub intro_html: String,
    pub intro_text: String,
    pub entries: Vec<ParsedEntry>,
    /// Links whose destination starts with `/` or `#`, as written.
    pub links: Vec<RawLink>,
}

#[derive(Debug)]
pub struct ParsedEntry {
    pub id: String,
    pub explicit_id: bool,
    pub question: String,
    pub question_html: String,
    pub answer_html: String,
    pub answer_text: String,
    /// Byte offset of the heading in the body.
    pub offset: usize,
}

#[derive(Debug)]
pub struct RawLink {
    pub dest: String,
    pub offset: usize,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// The anchor of a heading without `{#id}`: lower case, accents folded to ASCII, every run of
/// other characters one `-`, no `-` at either end (the content format's rule).
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// Events of one part of the page (introduction or one answer), with its plain text.
#[derive(Default)]
struct Chunk<'a> {
    events: Vec<Event<'a>>,
    text: String,
}

impl<'a> Chunk<'a> {
    fn push(&mut self, event: Event<'a>) {
        match &event {
            Event::Text(t) | Event::Code(t) => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::End(TagEnd::TableCell) if !self.text.is_empty() => self.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Item | TagEnd::TableRow,
            ) if !self.text.ends_with("\n\n") && !self.text.is_empty() => self.text.push_str("\n\n"),
            _ => {}
        }
        self.events.push(event);
    }

    fn finish(self) -> (String, String) {
        let mut out = String::new();
        html::push_html(&mut out, self.events.into_iter());
        (out, self.text.trim().to_string())
    }
}

struct OpenEntry {
    id: Option<String>,
    offset: usize,
    heading: Vec<Event<'static>>,
    question: String,
}

/// Parses a page body. `text` and `body_offset` locate the body in its file for error positions.
pub fn parse(text: &str, body_offset: usize) -> Result<Body, Vec<Diagnostic>> {
    let body = &text[body_offset..];
    let mut out = Body::default();
    let mut errors = Vec::new();
    let mut chunk = Chunk::default();
    let mut current: Option<(OpenEntry, bool)> = None; // (entry, heading still open)
    let mut finished: Vec<(OpenEntry, Chunk)> = Vec::new();
    let mut intro: Option<Chunk> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                ..
            }) => {
                let previous = std::mem::take(&mut chunk);
                match current.take() {
                    Some((entry, _)) => finished.push((entry, previous)),
                    None => intro = Some(previous),
                }
                current = Some((
                    OpenEntry {
                        id: id.map(|s| s.to_string()),
                        offset: range.start,
                        heading: Vec::new(),
                        question: String::new(),
                    },
                    true,
                ));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some((_, open)) = current.as_mut() {
                    *open = false;
                }
            }
            event => {
                if let Event::Start(Tag::Link { dest_url, .. }) = &event
                    && (dest_url.starts_with('/') || dest_url.starts_with('#'))
                {
                    out.links.push(RawLink { dest: dest_url.to_string(), offset: range.start });
                }
                match current.as_mut() {
                    Some((entry, true)) => {
                        if let Event::Text(t) | Event::Code(t) = &event {
                            entry.question.push_str(t);
                        }
                        entry.heading.push(into_static(event));
                    }
                    _ => chunk.push(event),
                }
            }
        }
    }
    match current.take() {
        Some((entry, _)) => finished.push((entry, chunk)),
        None => intro = Some(chunk),
    }

    if let Some(intro) = intro {
        (out.intro_html, out.intro_text) = intro.finish();
    }
    for (entry, chunk) in finished {
        let question = entry
            .question
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let explicit_id = entry.id.is_some();
        let id = entry.id.unwrap_or_else(|| slugify(&question));
        if id.is_empty() {
            let (line, col) = line_col(text, body_offset + entry.offset);
            errors.push(
                Diagnostic::error("", "this question heading gives an empty anchor")
                    .at(line, col)
                    .help("write words in the heading, or give it an anchor: `## Question? {#my-anchor}`"),
            );
            continue;
        }
        let mut question_html = String::new();
        html::push_html(&mut question_html, entry.heading.into_iter());
        let (answer_html, answer_text) = chunk.finish();
        out.entries.push(ParsedEntry {
            id,
            explicit_id,
            question,
            question_html,
            answer_html,
            answer_text,
            offset: body_offset + entry.offset,
        });
    }
    for link in &mut out.links {
        link.offset += body_offset;
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn into_static(event: Event<'_>) -> Event<'static> {
    fn s(c: CowStr<'_>) -> CowStr<'static> {
        CowStr::from(c.into_string())
    }
    match event {
        Event::Text(t) => Event::Text(s(t)),
        Event::Code(t) => Event::Code(s(t)),
        Event::Html(t) => Event::Html(s(t)),
        Event::InlineHtml(t) => Event::InlineHtml(s(t)),
        Event::SoftBreak => Event::SoftBreak,
        Event::HardBreak => Event::HardBreak,
        Event::Start(Tag::Emphasis) => Event::Start(Tag::Emphasis),
        Event::Start(Tag::Strong) => Event::Start(Tag::Strong),
        Event::Start(Tag::Strikethrough) => Event::Start(Tag::Strikethrough),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: s(dest_url), title: s(title), id: s(id) })
        }
        Event::End(end @ (TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)) => {
            Event::End(end)
        }
        // Images, footnote references and other blocks have no place in a heading: dropped.
        _ => Event::Text(CowStr::Borrowed("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(md: &str) -> Body {
        parse(md, 0).unwrap()
    }

    #[test]
    fn splits_intro_and_entries_at_level_two_headings() {
        let b = body(
            "Intro **text**.\n\n## First? {#first}\n\nA1\n\n### Detail\n\nA1b\n\n## Second\n\nA2\n",
        );
        assert_eq!(b.intro_html, "<p>Intro <strong>text</strong>.</p>\n");
        assert_eq!(b.intro_text, "Intro text.");
        assert_eq!(b.entries.len(), 2);
        assert_eq!(b.entries[0].id, "first");
        assert!(b.entries[0].explicit_id);
        assert_eq!(b.entries[0].question, "First?");
        assert!(b.entries[0].answer_html.contains("<h3>Detail</h3>"));
        assert_eq!(b.entries[0].answer_text, "A1\n\nDetail\n\nA1b");
        assert_eq!(b.entries[1].id, "second");
        assert!(!b.entries[1].explicit_id);
    }

    #[test]
    fn slug_anchor_follows_the_content_format() {
        let b = body("## Quand le crédit est-il versé?\n\nx\n");
        assert_eq!(b.entries[0].id, "quand-le-credit-est-il-verse");
        assert_eq!(slugify("  L'été -- à Montréal!  "), "l-ete-a-montreal");
    }

    #[test]
    fn heading_inline_markup_is_kept_in_html_and_dropped_in_text() {
        let b = body("## Le *relevé 31* `RL-31`?\n\nx\n");
        assert_eq!(b.entries[0].question, "Le relevé 31 RL-31?");
        assert_eq!(
            b.entries[0].question_html,
            "Le <em>relevé 31</em> <code>RL-31</code>?"
        );
    }

    #[test]
    fn collects_internal_links_with_offsets() {
        let md = "See [a](/fr/a/#x) and [b](https://example.com) and [c](#local).\n";
        let b = body(md);
        let dests: Vec<_> = b.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["/fr/a/#x", "#local"]);
        assert_eq!(b.links[0].offset, 4);
    }

    #[test]
    fn page_without_questions_is_all_introduction() {
        let b = body("Just text.\n");
        assert!(b.entries.is_empty());
        assert_eq!(b.intro_text, "Just text.");
    }

    #[test]
    fn heading_of_only_punctuation_is_an_error() {
        let errors = parse("x\n\n## ???\n", 0).unwrap_err();
        assert_eq!(errors[0].line, Some(3));
    }
}
