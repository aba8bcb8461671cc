//! planbook: YAML plan data and Markdown narrative → validated, computed,
//! rendered regional industry promotion plan (site, print document, CSV, SVG).
//!
//! Stages, one direction: load → compute → validate → render → output.

pub mod calc;
pub mod chart;
pub mod cli;
pub mod compute;
pub mod diff;
pub mod edition;
pub mod fonts;
pub mod import;
pub mod load;
pub mod model;
pub mod numfmt;
pub mod output;
pub mod pdf;
pub mod publish;
pub mod render;
pub mod serve;
pub mod validate;

use compute::Computed;
use load::{Content, Failure};
use validate::diagnostic::Diagnostics;

/// Loads, computes and validates a plan: what both `check` and `build` need.
/// The computed figures are those of the published edition (`publish`).
pub fn analyse(
    dir: &std::path::Path,
) -> Result<(Content, Computed, Diagnostics), (Failure, Diagnostics)> {
    analyse_edition(dir, publish::Edition::Published)
}

/// `analyse` for an edition: published figures as printed (marked where
/// inconsistent), or computed figures everywhere (marked where they differ).
pub fn analyse_edition(
    dir: &std::path::Path,
    edition: publish::Edition,
) -> Result<(Content, Computed, Diagnostics), (Failure, Diagnostics)> {
    let (content, mut diags) = load::load(dir)?;
    let mut computed = compute_all(&content);
    diags.extend(validate::validate(&content, &computed));
    diags.extend(edition::notes(&content, &|k| {
        computed.values.contains_key(k)
    }));
    edition::relax(&mut diags);
    // The templates are content too: `check` reports what `build` would
    // refuse (a recursive macro, an unbounded loop, a syntax error).
    if let Err(e) = render::templates::load(dir) {
        diags.push(validate::diagnostic::Diagnostic::template_error(&e));
    }
    if diags.has_errors() {
        return Err((Failure::Content, diags));
    }
    computed.audit = audit_notes(&diags);
    publish::apply(&content, &mut computed, edition);
    Ok((content, computed, diags))
}

/// What the audit found about each inconsistent published figure, for the
/// errata page: its root or its dependents, and an accepted erratum's reason.
fn audit_notes(d: &Diagnostics) -> std::collections::BTreeMap<String, compute::AuditNote> {
    let mut out = std::collections::BTreeMap::new();
    for x in &d.items {
        if !matches!(x.code, "W001" | "A001") {
            continue;
        }
        let Some(fig) = &x.figure else { continue };
        let key = match (&x.file, x.line) {
            (Some(f), Some(l)) if f.ends_with(".md") => format!("{fig}@{l}"),
            _ => fig.clone(),
        };
        out.insert(
            key,
            compute::AuditNote {
                root: x.root.clone(),
                dependents: x.dependents,
                reason: x.reason.clone(),
            },
        );
    }
    out
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
    build_with(
        content_dir,
        out,
        render::RenderOptions::default(),
        publish::Edition::Published,
    )
}

/// `build` of an edition (`build --computed` is the corrected one).
pub fn build_edition(
    content_dir: &std::path::Path,
    out: &std::path::Path,
    edition: publish::Edition,
) -> Result<Built, (Failure, Diagnostics)> {
    build_with(content_dir, out, render::RenderOptions::default(), edition)
}

/// [`build`] with the optional outputs (`--xlsx`) and an edition.
pub fn build_with(
    content_dir: &std::path::Path,
    out: &std::path::Path,
    opts: render::RenderOptions,
    edition: publish::Edition,
) -> Result<Built, (Failure, Diagnostics)> {
    let report = |mut d: Diagnostics, e: output::OutError| {
        let mut diag = validate::diagnostic::Diagnostic::error(e.code(), e.to_string());
        if let Some(help) = e.help() {
            diag = diag.help(help);
        }
        d.push(diag);
        (Failure::Io, d)
    };
    // Before the content is read: a refused --out costs no analysis, and an
    // output stranded by a killed build is back even if this build stops.
    let target =
        output::prepare(content_dir, out).map_err(|e| report(Diagnostics::default(), e))?;
    let (content, computed, diagnostics) = analyse_edition(content_dir, edition)?;
    let files =
        match render::render_with_options(&content, &computed, &render::Pages::default(), opts) {
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
    if let Err(e) = target.write(&files) {
        return Err(report(diagnostics, e));
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
/// those numbers in their contents and printed until the numbers hold. The
/// pages are then numbered as in the published plan: none on the front
/// matter, 1, 2, 3 … from Ⅰ-1, i, ii, iii … in the attachments.
pub fn print_pdfs(
    content_dir: &std::path::Path,
    out: &std::path::Path,
    browser: &std::path::Path,
    timeout: std::time::Duration,
    edition: publish::Edition,
) -> Result<Printed, String> {
    let (content, computed, _) =
        analyse_edition(content_dir, edition).map_err(|(_, d)| d.render_human())?;
    let (main, summary) = render::print_headings(&content);
    let (plan_body, summary_body) = render::print_body_anchors(&content);
    let anchors = PrintAnchors {
        main,
        summary,
        roman: render::first_attachment_anchor(&content),
        plan_body,
        summary_body,
        dividers: render::print_divider_anchors(&content),
        date: pdf::pdf_date(
            std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
            &content.plan.value.edition.date,
        ),
    };
    let tmp = std::env::temp_dir().join(format!("planbook-print-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let result = print_rounds(&content, &computed, &anchors, out, browser, timeout, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// The headings whose pages decide the numbering of the print documents.
struct PrintAnchors {
    main: render::Headings,
    summary: render::Headings,
    /// The plan's first attachment: page i.
    roman: Option<String>,
    /// The plan's first chapter (its divider is the last unnumbered page).
    plan_body: Option<String>,
    /// The summary's first chapter: its page 1.
    summary_body: Option<String>,
    /// The plan's dividers: counted, but showing no number.
    dividers: Vec<String>,
    /// The PDFs' creation date: `SOURCE_DATE_EPOCH` or the edition's date,
    /// so that the same content prints to the same bytes.
    date: Option<String>,
}

impl PrintAnchors {
    fn pages(
        &self,
        plan: std::collections::BTreeMap<String, u32>,
        summary: std::collections::BTreeMap<String, u32>,
    ) -> render::Pages {
        let at = |m: &std::collections::BTreeMap<String, u32>, a: &Option<String>| {
            a.as_ref().and_then(|a| m.get(a)).copied()
        };
        render::Pages {
            plan_roman_from: at(&plan, &self.roman),
            plan_first: at(&plan, &self.plan_body).map(|p| p + 1),
            summary_first: at(&summary, &self.summary_body),
            plan,
            summary,
        }
    }
}

fn print_rounds(
    content: &Content,
    computed: &Computed,
    anchors: &PrintAnchors,
    out: &std::path::Path,
    browser: &std::path::Path,
    timeout: std::time::Duration,
    tmp: &std::path::Path,
) -> Result<Printed, String> {
    let mut pages = render::Pages::default();
    let has_summary = out.join("summary/print.html").is_file();
    // Page numbers can move a heading only if the contents grow a line; three
    // rounds are plenty, and each round is checked against the last.
    for round in 0..3 {
        let plan_pdf = tmp.join(format!("plan-{round}.pdf"));
        let summary_pdf = tmp.join(format!("summary-{round}.pdf"));
        // The two documents are independent within a round: printed side by
        // side, a round takes as long as the plan alone.
        let (plan, summary) = std::thread::scope(|s| {
            let summary = s.spawn(|| {
                if !has_summary {
                    return Ok(Default::default());
                }
                pdf::print(
                    browser,
                    &out.join("summary/print.html"),
                    &summary_pdf,
                    timeout,
                )?;
                Ok::<_, String>(pdf::pages_of(
                    &anchors.summary,
                    &pdf::outline(&summary_pdf)?,
                ))
            });
            let plan = pdf::print(browser, &out.join("print.html"), &plan_pdf, timeout)
                .and_then(|()| pdf::outline(&plan_pdf))
                .map(|marks| pdf::pages_of(&anchors.main, &marks));
            let summary = summary
                .join()
                .unwrap_or_else(|_| Err("printing the summary failed".into()));
            (plan, summary)
        });
        let next = anchors.pages(plan?, summary?);
        if next == pages {
            stamp_numbers(
                anchors,
                &pages,
                (&plan_pdf, &summary_pdf, has_summary),
                out,
                browser,
                timeout,
                tmp,
            )?;
            let mut files = vec![out.join("plan.pdf")];
            move_file(&plan_pdf, &out.join("plan.pdf"))?;
            if has_summary {
                move_file(&summary_pdf, &out.join("summary.pdf"))?;
                files.push(out.join("summary.pdf"));
            }
            return Ok(Printed {
                files,
                pages,
                passes: round + 1,
            });
        }
        pages = next;
        // Only the two print documents change; the rest of out/ stays as built.
        let rendered = render::render_with_pages(content, computed, &pages)?;
        for f in rendered
            .iter()
            .filter(|f| f.path == "print.html" || f.path == "summary/print.html")
        {
            std::fs::write(out.join(&f.path), &f.bytes).map_err(|e| e.to_string())?;
        }
    }
    Err("page numbers did not settle after three prints".into())
}

/// Numbers the pages of both PDFs (printed with empty feet), side by side.
fn stamp_numbers(
    anchors: &PrintAnchors,
    pages: &render::Pages,
    (plan_pdf, summary_pdf, has_summary): (&std::path::Path, &std::path::Path, bool),
    out: &std::path::Path,
    browser: &std::path::Path,
    timeout: std::time::Duration,
    tmp: &std::path::Path,
) -> Result<(), String> {
    use pdf::LabelStyle::{Decimal, Letters, Roman};
    let assets = out.join("assets");
    let dividers: std::collections::BTreeSet<u32> = anchors
        .dividers
        .iter()
        .filter_map(|a| pages.plan.get(a).copied())
        .collect();
    let runs = |first: Option<u32>, roman: Option<u32>| {
        let first = first.unwrap_or(1);
        let mut runs = Vec::new();
        if first > 1 {
            runs.push((1, Letters));
        }
        runs.push((first, Decimal));
        runs.extend(roman.map(|r| (r, Roman)));
        runs
    };
    // Each document has its own scratch folder: the number sheets of the two
    // are printed at the same time.
    let (plan_tmp, summary_tmp) = (tmp.join("stamp-plan"), tmp.join("stamp-summary"));
    for d in [&plan_tmp, &summary_tmp] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    std::thread::scope(|s| {
        let summary = s.spawn(|| {
            if !has_summary || pages.summary_first.is_none() {
                return Ok(());
            }
            pdf::stamp_page_numbers(
                browser,
                summary_pdf,
                &|p| pages.summary_label(p),
                &runs(pages.summary_first, None),
                anchors.date.as_deref(),
                &assets,
                &summary_tmp,
                timeout,
            )
        });
        if !pages.plan_stamped() {
            return summary
                .join()
                .unwrap_or_else(|_| Err("numbering the summary's pages failed".into()));
        }
        let plan = pdf::stamp_page_numbers(
            browser,
            plan_pdf,
            &|p| {
                if dividers.contains(&p) {
                    None
                } else {
                    pages.plan_label(p)
                }
            },
            &runs(pages.plan_first, pages.plan_roman_from),
            anchors.date.as_deref(),
            &assets,
            &plan_tmp,
            timeout,
        );
        let summary = summary
            .join()
            .unwrap_or_else(|_| Err("numbering the summary's pages failed".into()));
        plan.and(summary)
    })
}

fn move_file(from: &std::path::Path, to: &std::path::Path) -> Result<(), String> {
    std::fs::rename(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .map_err(|e| format!("cannot write {}: {e}", to.display()))
}
