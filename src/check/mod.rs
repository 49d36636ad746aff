//! Checks that keep a knowledge base publishable: links and deep links that resolve, published
//! links that stay alive ([`manifest`]), and warnings for authors ([`warnings`]).

pub mod links;
pub mod manifest;
pub mod warnings;

use rayon::prelude::*;

pub use links::{broken_links, broken_links_from};
pub use manifest::{Manifest, removals};
pub use warnings::warnings;

use crate::build::{BuildOptions, published_files};
use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{Renderer, Theme};

/// `guichet check`: everything `build` with the same options would refuse (errors), and the
/// warnings, without writing anything. Sorted, errors first. Problems between pages (links,
/// dropped URLs) and warnings are reported whenever the pages themselves load.
pub fn run(opts: &BuildOptions) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let site = content::load(&opts.root, &LoadOptions { drafts: opts.drafts });
    let theme = Theme::load(&opts.root);
    if let Err(errors) = &theme {
        diags.extend(errors.0.iter().cloned());
    }
    let site = match site {
        Ok(site) => site,
        Err(errors) => {
            diags.extend(errors);
            diags.sort();
            return diags;
        }
    };
    if let Ok(theme) = &theme {
        diags.extend(broken_links(&site, &published_files(&site, theme)));
        diags.extend(render_errors(&Renderer::new(&site, theme)));
    }
    if !opts.accept_removals {
        match Manifest::read(&opts.state_dir()) {
            Ok(Some(previous)) => diags.extend(removals(&previous, &site)),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    diags.extend(warnings(&site, chrono::Local::now().date_naive()));
    diags.sort();
    diags
}

/// Errors of templates that only show when rendering (an unknown variable, a bad filter
/// argument): every output is rendered in memory, each distinct message reported once.
fn render_errors(renderer: &Renderer<'_>) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> =
        renderer.outputs().par_iter().filter_map(|o| renderer.render(o).err()).collect();
    errors.sort_by(|a, b| a.message.cmp(&b.message));
    errors.dedup_by(|a, b| a.message == b.message);
    errors
}
