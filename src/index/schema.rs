//! The fields of the answer index.
//!
//! tantivy analyzes per field, so every searchable part of a document exists once per language
//! (`question_fr`, `question_en`...), each registered with that language's analyzer; a document
//! fills only the fields of its own language. Display fields are stored, not searched.

use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, SchemaBuilder, TextFieldIndexing, TextOptions,
};

use super::analyzer::analyzer_name;

/// The searchable parts of a document, from the strongest signal to the weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The question heading followed by its page's title, the heading's context (empty for a
    /// page introduction).
    Question,
    /// The page title.
    Title,
    /// The page tags.
    Tags,
    /// The page description.
    Description,
    /// The answer text, or the introduction text.
    Body,
}

impl Part {
    pub const ALL: [Part; 5] = [Part::Question, Part::Title, Part::Tags, Part::Description, Part::Body];

    /// Whether the part records word positions: only the part that proximity queries read,
    /// the heading (the others would cost indexing time and space for nothing). Proximity in
    /// the answer text was measured and dropped: over 802 answerable posts of the dev set and
    /// the sets of `tests/fixtures`, five more first results were right without it, the same
    /// number of right links were posted at an equal count of wrong ones, and `ask` took 18 %
    /// less time on a 10,000-page index (see the README).
    pub fn has_positions(self) -> bool {
        matches!(self, Part::Question)
    }

    fn name(self) -> &'static str {
        match self {
            Part::Question => "question",
            Part::Title => "title",
            Part::Tags => "tags",
            Part::Description => "description",
            Part::Body => "body",
        }
    }
}

/// Field handles of an answer index, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Deep link path with anchor (`/fr/a/b/#id`), or the page path for an introduction.
    pub url: Field,
    /// Page title, for display.
    pub page: Field,
    /// Question heading as written, for display (page title for an introduction).
    pub question: Field,
    /// Language code of the document.
    pub lang: Field,
    /// Searchable fields: `(language, part, field)`.
    searchable: Vec<(String, Part, Field)>,
}

impl Fields {
    /// The searchable field of one part in one language, if that language is indexed.
    pub fn get(&self, lang: &str, part: Part) -> Option<Field> {
        self.searchable.iter().find(|(l, p, _)| l == lang && *p == part).map(|(_, _, f)| *f)
    }

    /// Builds the schema for a set of languages.
    pub fn build_schema(languages: &[String]) -> Schema {
        let mut builder = SchemaBuilder::new();
        builder.add_text_field("url", STRING | STORED);
        builder.add_text_field("page", STORED);
        builder.add_text_field("question", STORED);
        builder.add_text_field("lang", STRING | STORED);
        for lang in languages {
            for part in Part::ALL {
                let record = match part.has_positions() {
                    true => IndexRecordOption::WithFreqsAndPositions,
                    false => IndexRecordOption::WithFreqs,
                };
                let indexing =
                    TextFieldIndexing::default().set_tokenizer(&analyzer_name(lang)).set_index_option(record);
                let options = TextOptions::default().set_indexing_options(indexing);
                builder.add_text_field(&field_name(part, lang), options);
            }
        }
        builder.build()
    }

    /// Resolves the field handles of a schema built by [`Fields::build_schema`].
    pub fn resolve(schema: &Schema, languages: &[String]) -> anyhow::Result<Fields> {
        let field = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| anyhow::anyhow!("the answer index has no field `{name}`; rebuild it"))
        };
        let mut searchable = Vec::new();
        for lang in languages {
            for part in Part::ALL {
                searchable.push((lang.clone(), part, field(&field_name(part, lang))?));
            }
        }
        Ok(Fields {
            url: field("url")?,
            page: field("page")?,
            question: field("question")?,
            lang: field("lang")?,
            searchable,
        })
    }
}

fn field_name(part: Part, lang: &str) -> String {
    format!("{}_{lang}", part.name())
}
