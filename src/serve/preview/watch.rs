//! Watching the knowledge base: debounced notify events turned into [`Change`]s, with the
//! temporary and swap files of editors ignored.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::workspace::Change;

/// How long the file system must be quiet before a rebuild: editors save in several steps.
const QUIET: Duration = Duration::from_millis(120);

/// The folders watched recursively, beside `config.toml`.
const FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Watches `root` (absolute) and sends every relevant change to `changes`.
    pub fn start(root: &Path, changes: Sender<Change>) -> anyhow::Result<Watcher> {
        let root_c = root.to_path_buf();
        let debouncer = new_debouncer(QUIET, None, move |result: DebounceEventResult| match result {
            Ok(events) => {
                let rescan = events.iter().any(|e| e.need_rescan());
                // Reading a file is an event too (inotify's open and close): only writes count,
                // or every rebuild would trigger the next.
                let paths = events.iter().filter(|e| is_write(&e.kind)).flat_map(|e| e.paths.iter());
                let change = if rescan { Some(Change::Full) } else { classify(&root_c, paths) };
                if let Some(change) = change {
                    let _ = changes.send(change);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
            }
        })?;
        let mut watcher = Watcher { root: root.to_path_buf(), debouncer, watched: BTreeSet::new() };
        // The root itself, not recursively: `config.toml`, and folders created later.
        watcher.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_folders();
        Ok(watcher)
    }

    /// Starts watching the folders that exist now (after a `templates/` was created, say).
    pub fn watch_folders(&mut self) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir);
                    }
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
                }
            }
        }
    }
}

/// Whether an event changes a file's content, name or existence.
fn is_write(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(m)) => !matches!(m, MetadataKind::AccessTime),
        _ => true,
    }
}

/// What a batch of changed paths means for the site, `None` when nothing relevant changed.
pub fn classify<'a>(root: &Path, paths: impl IntoIterator<Item = &'a PathBuf>) -> Option<Change> {
    let mut change: Option<Change> = None;
    for path in paths {
        let Ok(rel) = path.strip_prefix(root) else { continue };
        let Some(next) = classify_one(rel, path) else { continue };
        change = Some(match change {
            Some(c) => c.merge(next),
            None => next,
        });
    }
    change
}

fn classify_one(rel: &Path, absolute: &Path) -> Option<Change> {
    let name = rel.file_name()?.to_str()?;
    if is_editor_file(name) {
        return None;
    }
    let mut components = rel.components();
    let first = match components.next()? {
        Component::Normal(c) => c.to_str()?,
        _ => return None,
    };
    let nested = components.next().is_some();
    match first {
        // `config.toml`, and files it may name (the answer index's synonyms).
        _ if !nested && name.ends_with(".toml") => Some(Change::Full),
        "templates" | "static" => Some(Change::Full),
        "content" if !nested => Some(Change::Rescan),
        "content" if rel.extension().is_some_and(|x| x == "md") => {
            Some(Change::Content(BTreeSet::from([rel.to_path_buf()])))
        }
        // A folder added, removed or renamed: its files are not reported one by one.
        "content" if rel.extension().is_none() && !absolute.is_file() => Some(Change::Rescan),
        _ => None,
    }
}

/// Temporary, backup, lock and swap files of common editors, and hidden files.
pub fn is_editor_file(name: &str) -> bool {
    name.starts_with('.')                                   // .#x.md (Emacs lock), .x.md.swp (Vim)
        || name.ends_with('~')                              // x.md~ (backups)
        || (name.starts_with('#') && name.ends_with('#'))   // #x.md# (Emacs autosave)
        || name == "4913"                                   // Vim's write test
        || name.contains("___jb_")                          // JetBrains safe write
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap", ".kate-swp"].iter().any(|x| name.ends_with(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(root: &Path, rel: &str) -> Option<Change> {
        classify(root, [&root.join(rel)])
    }

    #[test]
    fn editor_files_are_ignored() {
        let root = Path::new("/kb");
        for name in [
            "content/fr/.a.md.swp",
            "content/fr/a.md~",
            "content/fr/#a.md#",
            "content/fr/4913",
            "content/fr/.#a.md",
        ] {
            assert_eq!(change(root, name), None, "{name}");
        }
    }

    #[test]
    fn paths_are_classified() {
        let root = Path::new("/kb");
        assert_eq!(
            change(root, "content/fr/a.md"),
            Some(Change::Content(BTreeSet::from([PathBuf::from("content/fr/a.md")])))
        );
        assert_eq!(change(root, "config.toml"), Some(Change::Full));
        assert_eq!(change(root, "templates/page.html"), Some(Change::Full));
        assert_eq!(change(root, "static/logo.svg"), Some(Change::Full));
        assert_eq!(change(root, "content/fr/dossier"), Some(Change::Rescan));
        assert_eq!(change(root, "site/fr/index.html"), None);
        assert_eq!(change(root, ".guichet/preview/1/index.html"), None);
        assert_eq!(change(root, "content/fr/image.png"), None);
    }
}
