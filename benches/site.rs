//! Parsing and rendering one page of the reference corpus.
//!
//!     cargo bench --bench site

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use guichet::content::{self, LoadOptions, markdown};
use guichet::render::{Output, Renderer, Theme};

const PAGE: &str = "/fr/particuliers/credit-solidarite/";

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn parse_page(c: &mut Criterion) {
    let text =
        std::fs::read_to_string(corpus().join("content/fr/particuliers/credit-solidarite.md")).unwrap();
    let split = content::front_matter::split(&text).unwrap();
    c.bench_function("parse one page (front matter + Markdown)", |b| {
        b.iter(|| {
            let split = content::front_matter::split(black_box(&text)).unwrap();
            let front = content::front_matter::parse(&text, &split).unwrap();
            let body = markdown::parse(&text, split.body_offset).unwrap();
            black_box((front, body))
        })
    });
    black_box(split.body_offset);
}

fn render_page(c: &mut Criterion) {
    let site = content::load(corpus(), &LoadOptions::default()).unwrap();
    let theme = Theme::load(corpus()).unwrap();
    let renderer = Renderer::new(&site, &theme);
    let id = site.by_path[PAGE];
    c.bench_function("render one page", |b| {
        b.iter(|| black_box(renderer.render(&Output::Page(id)).unwrap()))
    });
}

criterion_group!(benches, parse_page, render_page);
criterion_main!(benches);
