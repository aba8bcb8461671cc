//! planbook: YAML plan data and Markdown narrative → validated, computed,
//! rendered regional industry promotion plan (site, print document, CSV, SVG).
//!
//! Stages, one direction: load → compute → validate → render → output.

pub mod calc;
pub mod chart;
pub mod cli;
pub mod compute;
pub mod fonts;
pub mod load;
pub mod model;
pub mod numfmt;
pub mod output;
pub mod render;
pub mod validate;

use compute::Computed;
use load::{Content, Failure};
use validate::diagnostic::Diagnostics;

/// Loads, computes and validates a plan: what both `check` and `build` need.
pub fn analyse(
    dir: &std::path::Path,
) -> Result<(Content, Computed, Diagnostics), (Failure, Diagnostics)> {
    let (content, mut diags) = load::load(dir)?;
    let mut computed = Computed::default();
    for b in &content.budgets {
        compute::budget::compute(&b.value, &mut computed);
    }
    for p in &content.performance {
        compute::perf::compute(&p.value, &mut computed);
    }
    for t in &content.tables {
        compute::tables::compute(&t.value, &mut computed);
    }
    diags.extend(validate::validate(&content, &computed));
    if diags.has_errors() {
        return Err((Failure::Content, diags));
    }
    Ok((content, computed, diags))
}

/// What a successful build wrote.
#[derive(Debug)]
pub struct Built {
    pub diagnostics: Diagnostics,
    pub files: Vec<render::OutFile>,
}

/// The whole pipeline into `out`; on any failure `out` is left as it was.
pub fn build(
    content_dir: &std::path::Path,
    out: &std::path::Path,
) -> Result<Built, (Failure, Diagnostics)> {
    let (content, computed, diagnostics) = analyse(content_dir)?;
    let files = match render::render(&content, &computed) {
        Ok(f) => f,
        Err(e) => {
            let mut d = diagnostics;
            d.push(validate::diagnostic::Diagnostic::error(
                "E030",
                format!("rendering failed: {e}"),
            ));
            return Err((Failure::Content, d));
        }
    };
    if let Err(e) = output::write_atomic(out, &files) {
        let mut d = diagnostics;
        d.push(validate::diagnostic::Diagnostic::error(
            "E001",
            format!("cannot write {}: {e}", out.display()),
        ));
        return Err((Failure::Io, d));
    }
    Ok(Built { diagnostics, files })
}
