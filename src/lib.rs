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
pub mod pdf;
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
    let computed = compute_all(&content);
    diags.extend(validate::validate(&content, &computed));
    if diags.has_errors() {
        return Err((Failure::Content, diags));
    }
    Ok((content, computed, diags))
}

/// Every table, value and chart of the plan. Tables first, then charts, so
/// a chart may read a table of any file.
pub fn compute_all(content: &Content) -> Computed {
    let mut computed = Computed::default();
    for b in &content.budgets {
        compute::budget::compute(&b.value, &mut computed);
    }
    for p in &content.performance {
        compute::perf::compute(&p.value, &mut computed);
    }
    for x in &content.companies {
        compute::typology::compute(&x.value, &mut computed);
    }
    for t in &content.tables {
        compute::tables::compute(&t.value, &mut computed);
    }
    for t in &content.tables {
        compute::tables::charts(&t.value, &mut computed);
    }
    computed
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

/// What `build --pdf` printed.
#[derive(Debug)]
pub struct Printed {
    pub files: Vec<std::path::PathBuf>,
    pub pages: render::Pages,
    /// Print passes run per document (2 when the numbers settle at once).
    pub passes: usize,
}

/// Prints `print.html` (and `summary/print.html`) of a built `out` to
/// `plan.pdf` (and `summary.pdf`). The first print tells the page of every
/// heading from the PDF bookmarks; the print documents are rendered again with
/// those numbers in their contents and printed until the numbers hold.
pub fn print_pdfs(
    content_dir: &std::path::Path,
    out: &std::path::Path,
    browser: &std::path::Path,
    timeout: std::time::Duration,
) -> Result<Printed, String> {
    let (content, computed, _) = analyse(content_dir).map_err(|(_, d)| d.render_human())?;
    let (main_heads, summary_heads) = render::print_headings(&content);
    let tmp = std::env::temp_dir().join(format!("planbook-print-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let mut pages = render::Pages::default();
    let mut passes;
    let has_summary = out.join("summary/print.html").is_file();
    // Page numbers can move a heading only if the contents grow a line; three
    // rounds are plenty, and each round is checked against the last.
    for round in 0..3 {
        passes = round + 1;
        let plan_pdf = tmp.join(format!("plan-{round}.pdf"));
        pdf::print(browser, &out.join("print.html"), &plan_pdf, timeout)?;
        let mut next = render::Pages {
            plan: pdf::pages_of(&main_heads, &pdf::outline(&plan_pdf)?),
            summary: Default::default(),
        };
        if has_summary {
            let summary_pdf = tmp.join(format!("summary-{round}.pdf"));
            pdf::print(
                browser,
                &out.join("summary/print.html"),
                &summary_pdf,
                timeout,
            )?;
            next.summary = pdf::pages_of(&summary_heads, &pdf::outline(&summary_pdf)?);
        }
        if next == pages {
            std::fs::rename(&plan_pdf, out.join("plan.pdf"))
                .or_else(|_| std::fs::copy(&plan_pdf, out.join("plan.pdf")).map(|_| ()))
                .map_err(|e| e.to_string())?;
            let mut files = vec![out.join("plan.pdf")];
            if has_summary {
                let s = tmp.join(format!("summary-{round}.pdf"));
                std::fs::rename(&s, out.join("summary.pdf"))
                    .or_else(|_| std::fs::copy(&s, out.join("summary.pdf")).map(|_| ()))
                    .map_err(|e| e.to_string())?;
                files.push(out.join("summary.pdf"));
            }
            let _ = std::fs::remove_dir_all(&tmp);
            return Ok(Printed {
                files,
                pages,
                passes,
            });
        }
        pages = next;
        // Only the two print documents change; the rest of out/ stays as built.
        let rendered = render::render_with_pages(&content, &computed, &pages)?;
        for f in rendered
            .iter()
            .filter(|f| f.path == "print.html" || f.path == "summary/print.html")
        {
            std::fs::write(out.join(&f.path), &f.bytes).map_err(|e| e.to_string())?;
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Err("page numbers did not settle after three prints".into())
}
