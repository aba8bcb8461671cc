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
        computed
            .supply_marks
            .insert(p.value.id.clone(), edition::ToSupply::of(&p.src));
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
    /// The documents Chromium shrank to fit content wider than the page, by
    /// how much (0.87: to 87 %): the build says so, since every page's text
    /// is then smaller than print.css sets it.
    pub shrunk: Vec<(std::path::PathBuf, f32)>,
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
            provisional: false,
        }
    }
}

/// The print documents rendered with `pages`, written over the built ones
/// (the rest of out/ stays as built); their HTML, the summary's if written.
fn write_print_documents(
    content: &Content,
    computed: &Computed,
    pages: &render::Pages,
    out: &std::path::Path,
) -> Result<(String, Option<String>), String> {
    let rendered = render::render_with_pages(content, computed, pages)?;
    // Every face the build wrote is asked for at once. A face that only
    // draws a few symbols (NanumGothic, DejaVu: src/fonts.rs) is otherwise
    // fetched when the layout first meets one of them, and on a loaded
    // machine Chromium could print before it came: those glyphs in a
    // system font, the pages laid out differently from one print to the
    // next, and tofu where the system has none.
    let faces: Vec<&str> = rendered
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.starts_with("assets/fonts/") && p.ends_with(".woff2"))
        .collect();
    let preloads = |root: &str| -> String {
        faces
            .iter()
            .map(|f| {
                format!(
                    "<link rel=\"preload\" as=\"font\" type=\"font/woff2\" crossorigin href=\"{root}{f}\">\n"
                )
            })
            .collect()
    };
    let (plan_preloads, summary_preloads) = (preloads(""), preloads("../"));
    let (mut plan, mut summary) = (None, None);
    for f in rendered
        .iter()
        .filter(|f| f.path == "print.html" || f.path == "summary/print.html")
    {
        let html = String::from_utf8(f.bytes.clone()).map_err(|e| e.to_string())?;
        let html = html.replacen(
            "<head>\n",
            &format!(
                "<head>\n{}",
                if f.path == "print.html" {
                    &plan_preloads
                } else {
                    &summary_preloads
                }
            ),
            1,
        );
        std::fs::write(out.join(&f.path), &html).map_err(|e| e.to_string())?;
        if f.path == "print.html" {
            plan = Some(html);
        } else {
            summary = Some(html);
        }
    }
    Ok((plan.ok_or("no print document rendered")?, summary))
}

/// Prints both documents side by side (a round takes as long as the plan
/// alone) and reads the page of every heading from their bookmarks.
fn print_both(
    anchors: &PrintAnchors,
    (plan_html, summary_html): (&std::path::Path, Option<&std::path::Path>),
    (plan_pdf, summary_pdf): (&std::path::Path, &std::path::Path),
    browser: &std::path::Path,
    timeout: std::time::Duration,
) -> Result<render::Pages, String> {
    let (plan, summary) = std::thread::scope(|s| {
        let summary = s.spawn(|| {
            let Some(html) = summary_html else {
                return Ok(Default::default());
            };
            pdf::print(browser, html, summary_pdf, timeout)?;
            Ok::<_, String>(pdf::pages_of(&anchors.summary, &pdf::outline(summary_pdf)?))
        });
        let plan = pdf::print(browser, plan_html, plan_pdf, timeout)
            .and_then(|()| pdf::outline(plan_pdf))
            .map(|marks| pdf::pages_of(&anchors.main, &marks));
        let summary = summary
            .join()
            .unwrap_or_else(|_| Err("printing the summary failed".into()));
        (plan, summary)
    });
    Ok(anchors.pages(plan?, summary?))
}

/// The print document without its body (chapters and attachments; the
/// plan's errata list stays), to be printed apart with the page numbers:
/// the pages that quote them. `base` is the folder of the document, for its
/// styles and fonts. None when the template's markers are not there.
///
/// Chromium shrinks a print to fit its widest content, and the body's wide
/// tables are not in the front matter: `scale_width`, how wide the print's
/// 600 px `#pb-scale` link came out, gives the width of content that makes
/// the front matter shrink as much (an empty box, out of the flow).
fn front_matter(html: &str, base: &std::path::Path, scale_width: Option<f32>) -> Option<String> {
    let (head, rest) = html.split_once("<!-- planbook:body -->")?;
    let (_, tail) = rest.split_once("<!-- planbook:end-body -->")?;
    // The fonts are preloaded by the document's head (see
    // `write_print_documents`): the short document is otherwise printed
    // sooner than the full one and may not wait for them.
    let head = head.replacen(
        "<head>",
        &format!(
            "<head>\n<base href=\"{}/\">\n",
            pdf::file_url(base).trim_end_matches('/')
        ),
        1,
    );
    let sizer = match scale_width {
        // The text width of an A4 page less print.css's side margins.
        Some(w) if w > 1.0 && w < 599.0 => format!(
            "<div style=\"position: absolute; left: 0; top: 0; height: 1px; width: {:.3}px\"></div>\n",
            (210.0 - 2.0 * pdf::PAGE_MARGINS_MM[1]) / 25.4 * 96.0 * 600.0 / w
        ),
        _ => String::new(),
    };
    Some(format!("{head}{sizer}{tail}"))
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
    let has_summary = out.join("summary/print.html").is_file();
    let (plan_html, summary_html) = (out.join("print.html"), out.join("summary/print.html"));
    let docs = (
        plan_html.as_path(),
        has_summary.then_some(summary_html.as_path()),
    );
    // The one print: every page reference holds a placeholder as wide as its
    // number, so the pages laid out are those of the finished documents.
    let provisional = render::Pages {
        provisional: true,
        ..Default::default()
    };
    write_print_documents(content, computed, &provisional, out)?;
    let (plan_pdf, summary_pdf) = (tmp.join("plan-0.pdf"), tmp.join("summary-0.pdf"));
    let clock = std::time::Instant::now();
    let pages = print_both(anchors, docs, (&plan_pdf, &summary_pdf), browser, timeout)?;
    progress("laid out", clock);
    let (plan_doc, summary_doc) = write_print_documents(content, computed, &pages, out)?;
    // Only the pages that quote page numbers are printed again: the front
    // matter (feedback tables and 목차) and the plan's errata list; the
    // summary's references to the plan are slots stamped with the numbers.
    let abs_out = std::fs::canonicalize(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let (plan_front, summary_front) = (tmp.join("plan-front.html"), tmp.join("summary-front.html"));
    let (plan_scale, summary_scale) = (
        pdf::scale_link_width(&plan_pdf)?,
        if has_summary {
            pdf::scale_link_width(&summary_pdf)?
        } else {
            None
        },
    );
    let fronts = front_matter(&plan_doc, &abs_out, plan_scale).zip(match &summary_doc {
        Some(h) => front_matter(h, &abs_out.join("summary"), summary_scale).map(Some),
        None => Some(None),
    });
    let replaced = match fronts {
        Some((p, sm)) => {
            std::fs::write(&plan_front, p).map_err(|e| e.to_string())?;
            if let Some(sm) = &sm {
                std::fs::write(&summary_front, sm).map_err(|e| e.to_string())?;
            }
            let (plan_front_pdf, summary_front_pdf) =
                (tmp.join("plan-front.pdf"), tmp.join("summary-front.pdf"));
            let clock = std::time::Instant::now();
            print_both(
                anchors,
                (&plan_front, sm.is_some().then_some(summary_front.as_path())),
                (&plan_front_pdf, &summary_front_pdf),
                browser,
                timeout,
            )?;
            progress("printed the front matter with its page numbers", clock);
            let plan = front_pairs(
                (&plan_pdf, plan_scale),
                &plan_front_pdf,
                anchors.plan_body.as_ref().and_then(|a| pages.plan.get(a)),
                pages
                    .plan
                    .get("errata-page")
                    .filter(|_| plan_doc.contains("id=\"errata-page\"")),
            )?
            .map(|pairs| (plan_front_pdf.clone(), pairs));
            let summary = if has_summary {
                front_pairs(
                    (&summary_pdf, summary_scale),
                    &summary_front_pdf,
                    pages.summary_first.as_ref(),
                    None,
                )?
                .map(|pairs| Some((summary_front_pdf.clone(), pairs)))
            } else {
                Some(None)
            };
            plan.zip(summary)
        }
        None => None,
    };
    if let Some((plan_replace, summary_replace)) = replaced {
        let clock = std::time::Instant::now();
        stamp_numbers(
            anchors,
            &pages,
            (&plan_pdf, &summary_pdf, has_summary),
            (Some(plan_replace), summary_replace),
            out,
            browser,
            timeout,
            tmp,
        )?;
        progress("numbered the pages", clock);
        return finish(out, &plan_pdf, &summary_pdf, has_summary, pages, 1);
    }
    // The front matter took more or fewer pages with its numbers: print
    // everything again, until the numbers hold.
    let mut pages = pages;
    for round in 1..4 {
        let plan_pdf = tmp.join(format!("plan-{round}.pdf"));
        let summary_pdf = tmp.join(format!("summary-{round}.pdf"));
        let clock = std::time::Instant::now();
        let next = print_both(anchors, docs, (&plan_pdf, &summary_pdf), browser, timeout)?;
        progress("printed again: the page numbers moved a page break", clock);
        if next == pages {
            stamp_numbers(
                anchors,
                &pages,
                (&plan_pdf, &summary_pdf, has_summary),
                (None, None),
                out,
                browser,
                timeout,
                tmp,
            )?;
            return finish(out, &plan_pdf, &summary_pdf, has_summary, pages, round + 1);
        }
        pages = next;
        write_print_documents(content, computed, &pages, out)?;
    }
    Err("page numbers did not settle after four prints".into())
}

/// A step of the print done, on stderr: printing takes seconds per step.
fn progress(step: &str, since: std::time::Instant) {
    eprintln!("  {step} in {:.1} s", since.elapsed().as_secs_f64());
}

/// Which pages of `full` the front matter printed apart replaces, as (page
/// of `full`, page of `front`): its pages before the body (which begins on
/// PDF page `body`) and, from PDF page `errata` (the plan's errata list) to
/// the end, the pages after them. None when `front` does not have as many
/// pages: the numbers moved a page break, and the document is printed again.
/// So also when the front matter did not come out shrunk as the print
/// (`scale`: see [`front_matter`]).
fn front_pairs(
    (full, scale): (&std::path::Path, Option<f32>),
    front: &std::path::Path,
    body: Option<&u32>,
    errata: Option<&u32>,
) -> Result<Option<Vec<(u32, u32)>>, String> {
    let front_scale = pdf::scale_link_width(front)?;
    if scale
        .zip(front_scale)
        .is_none_or(|(a, b)| (a - b).abs() > 0.5)
    {
        return Ok(None);
    }
    let count = |p: &std::path::Path| {
        lopdf::Document::load(p)
            .map(|d| d.get_pages().len() as u32)
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let (n, m) = (count(full)?, count(front)?);
    let Some(&body) = body else {
        return Ok(None);
    };
    let lead = body.saturating_sub(1);
    let tail = errata.map_or(0, |&e| (n + 1).saturating_sub(e));
    if lead + tail != m || lead == 0 {
        return Ok(None);
    }
    let mut pairs: Vec<(u32, u32)> = (1..=lead).map(|p| (p, p)).collect();
    pairs.extend((0..tail).map(|k| (n - tail + 1 + k, lead + 1 + k)));
    Ok(Some(pairs))
}

fn finish(
    out: &std::path::Path,
    plan_pdf: &std::path::Path,
    summary_pdf: &std::path::Path,
    has_summary: bool,
    pages: render::Pages,
    passes: usize,
) -> Result<Printed, String> {
    let mut shrunk = Vec::new();
    for (pdf, name) in [(plan_pdf, "plan.pdf"), (summary_pdf, "summary.pdf")] {
        if name == "plan.pdf" || has_summary {
            if let Some(w) = pdf::scale_link_width(pdf)?.filter(|w| *w < 599.0) {
                shrunk.push((out.join(name), w / 600.0));
            }
        }
    }
    let mut files = vec![out.join("plan.pdf")];
    move_file(plan_pdf, &out.join("plan.pdf"))?;
    if has_summary {
        move_file(summary_pdf, &out.join("summary.pdf"))?;
        files.push(out.join("summary.pdf"));
    }
    Ok(Printed {
        files,
        pages,
        passes,
        shrunk,
    })
}

/// A print of a document's front matter, and which of its pages replace
/// which (see `front_pairs`).
type Replace = Option<(std::path::PathBuf, Vec<(u32, u32)>)>;

/// Numbers the pages of both PDFs (printed with empty feet), side by side;
/// gives them their front matter printed with the numbers, and the
/// summary's references to the plan their page.
#[allow(clippy::too_many_arguments)]
fn stamp_numbers(
    anchors: &PrintAnchors,
    pages: &render::Pages,
    (plan_pdf, summary_pdf, has_summary): (&std::path::Path, &std::path::Path, bool),
    (plan_replace, summary_replace): (Replace, Replace),
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
            // A reference to a section of the plan: its printed page, and
            // the plan's PDF page for the link.
            let slot = |anchor: &str| {
                let page = *pages.plan.get(anchor)?;
                Some((format!("{}쪽", pages.plan_label(page)?), page))
            };
            pdf::stamp_page_numbers(
                browser,
                summary_pdf,
                &|p| pages.summary_label(p),
                &runs(pages.summary_first, None),
                anchors.date.as_deref(),
                summary_replace
                    .as_ref()
                    .map(|(p, pairs)| (p.as_path(), pairs.as_slice())),
                &slot,
                "plan.pdf",
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
            plan_replace
                .as_ref()
                .map(|(p, pairs)| (p.as_path(), pairs.as_slice())),
            &|_| None,
            "plan.pdf",
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
