//! The theme: tera templates, UI strings per language and static assets.
//!
//! The default theme (the project's `templates/` folder) is built into the binary, so a
//! knowledge base without `templates/` still builds. A knowledge base's own `templates/`
//! overrides any built-in file by name (`templates/page.html`, `templates/i18n/fr.toml`,
//! `templates/static/guichet.css`...), and may add new ones.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, relative};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Templates compiled once per build, with the strings and assets that go with them.
pub struct Theme {
    pub tera: Tera,
    /// UI strings by language code (`i18n/fr.toml`).
    pub strings: HashMap<String, toml::Table>,
    /// Files of `static/` in the theme, by path relative to the site root.
    pub assets: BTreeMap<String, Vec<u8>>,
}

/// One file of the theme, built in or from the knowledge base.
struct ThemeFile {
    name: String,
    bytes: Vec<u8>,
    /// Where it came from, for error messages.
    origin: PathBuf,
}

impl Theme {
    /// The built-in theme overridden by `root/templates/`.
    pub fn load(root: &Path) -> Result<Theme, Diagnostics> {
        let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
        let mut builtin_strings = Vec::new();
        for file in builtin_files() {
            if file.name.starts_with("i18n/") {
                builtin_strings.push(file);
            } else {
                files.insert(file.name.clone(), file);
            }
        }
        let mut diags = Diagnostics::default();
        let custom = root.join("templates");
        if custom.is_dir() {
            for entry in WalkDir::new(&custom).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let name = relative(e.path(), &custom).to_string_lossy().replace('\\', "/");
                        match std::fs::read(e.path()) {
                            Ok(bytes) => {
                                let origin = relative(e.path(), root);
                                files.insert(name.clone(), ThemeFile { name, bytes, origin });
                            }
                            Err(err) => diags.push(Diagnostic::error(
                                relative(e.path(), root),
                                format!("cannot read the template: {err}"),
                            )),
                        }
                    }
                    Ok(_) => {}
                    Err(err) => diags.push(Diagnostic::error("templates", format!("cannot read: {err}"))),
                }
            }
        }

        let mut templates = Vec::new();
        let mut strings: HashMap<String, toml::Table> = HashMap::new();
        let mut assets = BTreeMap::new();
        let ordered = builtin_strings.into_iter().map(|f| (f.name.clone(), f)).chain(files);
        for (name, file) in ordered {
            if let Some(asset) = name.strip_prefix("static/") {
                assets.insert(asset.to_string(), file.bytes);
                continue;
            }
            let text = match String::from_utf8(file.bytes) {
                Ok(t) => t,
                Err(_) => {
                    diags.push(Diagnostic::error(file.origin, "the template is not valid UTF-8"));
                    continue;
                }
            };
            if let Some(lang) = name.strip_prefix("i18n/").and_then(|n| n.strip_suffix(".toml")) {
                match toml::from_str::<toml::Table>(&text) {
                    // Key by key over the built-in strings, so that a knowledge base
                    // overrides one string without copying the whole file.
                    Ok(table) => strings.entry(lang.to_string()).or_default().extend(table),
                    Err(e) => {
                        let (line, col) =
                            crate::diagnostics::line_col(&text, e.span().map_or(0, |s| s.start));
                        diags.push(
                            Diagnostic::error(file.origin, format!("invalid UI strings: {}", e.message()))
                                .at(line, col),
                        );
                    }
                }
            } else if is_template(&name) {
                templates.push((name, text, file.origin));
            }
        }

        let mut tera = Tera::default();
        tera.set_escape_fn(escape_html);
        // Parse each template alone first, to name the faulty file precisely.
        for (name, text, origin) in &templates {
            if let Err(e) = tera::Template::new(name, None, text) {
                diags.push(
                    Diagnostic::error(origin.clone(), format!("invalid template: {}", error_chain(&e)))
                        .help("fix the tera syntax; see https://keats.github.io/tera/docs/"),
                );
            }
        }
        if !diags.has_errors() {
            let raw: Vec<(&str, &str)> = templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str())).collect();
            if let Err(e) = tera.add_raw_templates(raw) {
                diags.push(Diagnostic::error("templates", format!("invalid templates: {}", error_chain(&e))));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme { tera, strings, assets })
    }

    /// UI strings of a language, falling back to English, then to any language.
    pub fn strings_for(&self, lang: &str) -> &toml::Table {
        static EMPTY: std::sync::OnceLock<toml::Table> = std::sync::OnceLock::new();
        self.strings
            .get(lang)
            .or_else(|| self.strings.get("en"))
            .or_else(|| self.strings.values().next())
            .unwrap_or_else(|| EMPTY.get_or_init(toml::Table::new))
    }
}

/// Escapes the five characters that matter in HTML and XML text and attributes. Tera's
/// default also escapes `/`, which bloats every URL (`https:&#x2F;&#x2F;...`) for no safety gain.
pub fn escape_html(input: &str) -> String {
    // Pages are mostly text without these characters: copy runs between them (the five are
    // ASCII, so byte positions are character boundaries).
    let mut out = String::with_capacity(input.len() + 8);
    let mut copied = 0;
    for (i, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

fn is_template(name: &str) -> bool {
    [".html", ".xml", ".txt"].iter().any(|ext| name.ends_with(ext))
}

fn builtin_files() -> Vec<ThemeFile> {
    let mut out = Vec::new();
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(dir) = stack.pop() {
        for file in dir.files() {
            let name = file.path().to_string_lossy().replace('\\', "/");
            out.push(ThemeFile {
                origin: PathBuf::from("(built-in theme)").join(&name),
                name,
                bytes: file.contents().to_vec(),
            });
        }
        stack.extend(dir.dirs());
    }
    out
}

/// A tera error with its causes, which carry the useful part (line, what was expected).
pub fn error_chain(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn the_five_html_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & Jerry's</a> é/ü"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; é/ü"
        );
        assert_eq!(escape_html("crédit d’impôt"), "crédit d’impôt");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
    }
}
