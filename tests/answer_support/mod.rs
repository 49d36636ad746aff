//! Shared helpers of the answer tests: knowledge bases built into temporary folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use guichet::answer::ask::default_index_dir;
use guichet::content::{LoadOptions, load};
use guichet::index::{IndexStats, write_index};

use crate::common::copy_tree;

/// A temporary copy of a knowledge base with its answer index written where `ask` looks.
pub struct Kb {
    pub dir: tempfile::TempDir,
    pub stats: IndexStats,
}

impl Kb {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn index_dir(&self) -> PathBuf {
        default_index_dir(self.dir.path())
    }
}

/// Copies `source` to a temporary folder, lets `edit` change it, and writes its index.
pub fn build_kb(source: &Path, edit: impl FnOnce(&Path)) -> Kb {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(source, dir.path());
    edit(dir.path());
    let site = load(dir.path(), &LoadOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    let index = default_index_dir(dir.path());
    std::fs::create_dir_all(&index).unwrap();
    let stats = write_index(&site, &index).unwrap();
    Kb { dir, stats }
}

/// The small fixture knowledge base of the answer tests.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/answer-kb")
}
