//! `guichet init DIR`: a new knowledge base with a French and an English page to start from.

use std::path::Path;

use anyhow::{Context, bail};
use include_dir::{Dir, include_dir};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/files");

/// Writes the scaffold into `dir`, which must be absent or empty: an author's existing files
/// are never overwritten. Returns the paths written, relative to `dir`.
pub fn init(dir: &Path) -> anyhow::Result<Vec<String>> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: guichet init never overwrites files; choose a new folder name",
                dir.display()
            );
        }
    }
    let mut written = Vec::new();
    let mut stack = vec![&SCAFFOLD];
    while let Some(d) = stack.pop() {
        for file in d.files() {
            let path = dir.join(file.path());
            crate::render::write_file(&path, file.contents())
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(file.path().to_string_lossy().into_owned());
        }
        stack.extend(d.dirs());
    }
    written.sort();
    Ok(written)
}
