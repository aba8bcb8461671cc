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
pub mod timing;
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
    analyse_reusing(dir, edition, None, false).map(|(c, computed, d, _)| (c, computed, d))
}

/// What a narrative-only edit leaves of an analysis: the plan's data as
/// loaded (its narrative is replaced), computed and checked. `serve` keeps
/// one between rebuilds; whether an edit touched only narrative is the
/// caller's to know (`serve` compares its snapshots of the folder).
pub struct DataSide {
    pub content: Content,
    pub parts: DataParts,
}

/// The [`DataSide`] beside its content: kept apart because the content
/// goes on to the render.
pub struct DataParts {
    load: Diagnostics,
    computed: Computed,
    checks: Option<Diagnostics>,
}

/// [`analyse_edition`] over `kept`'s data when given, reading the
/// narrative alone; with `keep`, also the data side of this analysis, when
/// its data had no error (a rebuild must find and report those again).
#[allow(clippy::type_complexity)]
pub fn analyse_reusing(
    dir: &std::path::Path,
    edition: publish::Edition,
    kept: Option<DataSide>,
    keep: bool,
) -> Result<(Content, Computed, Diagnostics, Option<DataParts>), (Failure, Diagnostics)> {
    let stages = timing::Stages::new("analyse");
    let lap = |stage: &str| stages.lap(stage);
    // The theme compiles on the other core while the content loads: it
    // needs the templates folder alone, and the render takes it from the
    // process's cache.
    let (loaded, theme) = std::thread::scope(|s| {
        let theme = s.spawn(|| render::templates::load(dir));
        let loaded = match kept {
            Some(DataSide { content, parts }) => {
                Ok((content, parts.load, Some(parts.computed), parts.checks))
            }
            None => load::load_data(dir).map(|(content, load)| (content, load, None, None)),
        };
        (loaded, theme.join())
    });
    let (mut content, load_diags, computed, mut checks) = loaded?;
    let keep = keep && !load_diags.has_errors();
    let mut diags = load_diags.clone();
    load::load_narratives(&mut content, &mut diags);
    if diags.has_errors() {
        return Err((load::failure(&diags), diags));
    }
    lap("load");
    let mut computed = computed.unwrap_or_else(|| compute_all(&content));
    let kept_computed = keep.then(|| computed.clone());
    lap("compute");
    diags.extend(validate::validate_with(&content, &computed, &mut checks));
    lap("validate");
    diags.extend(edition::notes(&content, &|k| {
        computed.values.contains_key(k)
    }));
    edition::relax(&mut diags);
    lap("edition notes");
    // The templates are content too: `check` reports what `build` would
    // refuse (a recursive macro, an unbounded loop, a syntax error).
    match theme {
        Ok(Err(e)) => diags.push(validate::diagnostic::Diagnostic::template_error(&e)),
        Ok(Ok(_)) => {}
        Err(_) => diags.push(validate::diagnostic::Diagnostic::error(
            "E030",
            "the thread compiling the templates panicked".to_string(),
        )),
    }
    lap("templates");
    if diags.has_errors() {
        return Err((Failure::Content, diags));
    }
    computed.audit = audit_notes(&diags);
    publish::apply(&content, &mut computed, edition);
    lap("published figures");
    let parts = kept_computed.map(|computed| DataParts {
        load: load_diags,
        computed,
        checks,
    });
    Ok((content, computed, diags, parts))
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
    let stages = timing::Stages::new("build");
    let lap = |stage: &str| stages.lap(stage);
    let target =
        output::prepare(content_dir, out).map_err(|e| report(Diagnostics::default(), e))?;
    lap("prepared the output");
    let (content, computed, diagnostics) = analyse_edition(content_dir, edition)?;
    lap("analysed");
    let mut opts = opts;
    opts.previous_fonts = std::sync::Arc::new(previous_fonts(&target));
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
    lap("rendered");
    if let Err(e) = target.write(&files) {
        return Err(report(diagnostics, e));
    }
    lap("written");
    // The plan's parsed text and figures are tens of thousands of small
    // allocations: freeing them took 5–7 ms, on the other core it costs none.
    std::thread::spawn(move || drop((content, computed)));
    Ok(Built { diagnostics, files })
}

/// The web fonts of the output `target` replaces, for the render to take
/// again what is unchanged (see [`fonts::Previous`]).
fn previous_fonts(target: &output::Target) -> fonts::Previous {
    // A face's subset is tens of KB; anything far larger is not one.
    const LIMIT: u64 = 8 << 20;
    let Some(style) = target.previous_file("assets/style.css", LIMIT) else {
        return fonts::Previous::default();
    };
    let files = fonts::file_names()
        .into_iter()
        .filter_map(|n| {
            let path = format!("assets/fonts/{n}");
            target.previous_file(&path, LIMIT).map(|b| (path, b))
        })
        .collect();
    fonts::Previous {
        style: String::from_utf8_lossy(&style).into_owned(),
        files,
    }
}

/// What `build --pdf` printed.
#[derive(Debug)]
pub struct Printed {
    pub files: Vec<std::path::PathBuf>,
    pub pages: render::Pages,
    /// Print passes run per document: 1, since every page number is a slot
    /// stamped after the print (kept for the build's report).
    pub passes: usize,
    /// The documents Chromium shrank to fit content wider than the page, by
    /// how much (0.87: to 87 %): the build says so, since every page's text
    /// is then smaller than print.css sets it.
    pub shrunk: Vec<(std::path::PathBuf, f32)>,
}

/// Prints `print.html` (and `summary/print.html`) of a built `out` to
/// `plan.pdf` (and `summary.pdf`), each once. Every page number the
/// documents quote is an empty slot of a fixed width in that print, so its
/// pages are final; the print tells the page of every heading from the PDF
/// bookmarks, and the numbers are stamped into the slots with the page
/// numbers, as in the published plan: none on the front matter, 1, 2, 3 …
/// from Ⅰ-1, i, ii, iii … in the attachments.
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
/// (the rest of out/ stays as built).
fn write_print_documents(
    content: &Content,
    computed: &Computed,
    pages: &render::Pages,
    out: &std::path::Path,
) -> Result<(), String> {
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
    let mut plan_written = false;
    for f in rendered
        .iter()
        .filter(|f| f.path == "print.html" || f.path == "summary/print.html")
    {
        let root = if f.path == "print.html" { "" } else { "../" };
        let html = String::from_utf8_lossy(&f.bytes).replacen(
            "<head>\n",
            &format!("<head>\n{}", preloads(root)),
            1,
        );
        std::fs::write(out.join(&f.path), &html).map_err(|e| e.to_string())?;
        plan_written |= f.path == "print.html";
    }
    if plan_written {
        Ok(())
    } else {
        Err("no print document rendered".into())
    }
}

/// A printed document, loaded, and the page of every heading its
/// bookmarks give.
struct PrintedDoc {
    doc: lopdf::Document,
    pages: std::collections::BTreeMap<String, u32>,
}

fn print_one(
    headings: &render::Headings,
    html: &std::path::Path,
    pdf: &std::path::Path,
    browser: &std::path::Path,
    timeout: std::time::Duration,
) -> Result<PrintedDoc, String> {
    pdf::print(browser, html, pdf, timeout)?;
    let doc =
        lopdf::Document::load(pdf).map_err(|e| format!("cannot read {}: {e}", pdf.display()))?;
    let pages = pdf::pages_of(headings, &pdf::outline_of(&doc));
    Ok(PrintedDoc { doc, pages })
}

/// Prints both documents side by side (it takes as long as the plan alone)
/// and reads the page of every heading from their bookmarks.
fn print_both(
    anchors: &PrintAnchors,
    (plan_html, summary_html): (&std::path::Path, Option<&std::path::Path>),
    (plan_pdf, summary_pdf): (&std::path::Path, &std::path::Path),
    browser: &std::path::Path,
    timeout: std::time::Duration,
) -> Result<(render::Pages, PrintedDoc, Option<PrintedDoc>), String> {
    let (plan, summary) = std::thread::scope(|s| {
        let summary = s.spawn(|| {
            summary_html
                .map(|html| print_one(&anchors.summary, html, summary_pdf, browser, timeout))
                .transpose()
        });
        let plan = print_one(&anchors.main, plan_html, plan_pdf, browser, timeout);
        let summary = summary
            .join()
            .unwrap_or_else(|_| Err("printing the summary failed".into()));
        (plan, summary)
    });
    let (plan, summary) = (plan?, summary?);
    let pages = anchors.pages(
        plan.pages.clone(),
        summary
            .as_ref()
            .map(|s| s.pages.clone())
            .unwrap_or_default(),
    );
    Ok((pages, plan, summary))
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
    // The one print: every page number is a blank slot of a fixed width
    // (render::page_slot), so the pages laid out are those of the finished
    // documents and nothing is printed again.
    let provisional = render::Pages {
        provisional: true,
        ..Default::default()
    };
    write_print_documents(content, computed, &provisional, out)?;
    let (plan_pdf, summary_pdf) = (tmp.join("plan-0.pdf"), tmp.join("summary-0.pdf"));
    let clock = std::time::Instant::now();
    let (pages, plan, summary) =
        print_both(anchors, docs, (&plan_pdf, &summary_pdf), browser, timeout)?;
    progress("laid out", clock);
    let shrunk: Vec<(std::path::PathBuf, f32)> =
        [(Some(&plan), "plan.pdf"), (summary.as_ref(), "summary.pdf")]
            .into_iter()
            .filter_map(|(d, name)| {
                let w = pdf::scale_width_of(&d?.doc).filter(|w| *w < 599.0)?;
                Some((out.join(name), w / 600.0))
            })
            .collect();
    // The print document as printed, with its numbers, for the browser.
    write_print_documents(content, computed, &pages, out)?;
    let clock = std::time::Instant::now();
    stamp_numbers(
        anchors,
        &pages,
        (
            (plan.doc, &plan_pdf),
            summary.map(|s| (s.doc, summary_pdf.as_path())),
        ),
        out,
        browser,
        timeout,
        tmp,
    )?;
    progress("numbered the pages", clock);
    finish(out, &plan_pdf, &summary_pdf, has_summary, pages, shrunk)
}

/// A step of the print done, on stderr: printing takes seconds per step.
fn progress(step: &str, since: std::time::Instant) {
    eprintln!("  {step} in {:.1} s", since.elapsed().as_secs_f64());
}

fn finish(
    out: &std::path::Path,
    plan_pdf: &std::path::Path,
    summary_pdf: &std::path::Path,
    has_summary: bool,
    pages: render::Pages,
    shrunk: Vec<(std::path::PathBuf, f32)>,
) -> Result<Printed, String> {
    let mut files = vec![out.join("plan.pdf")];
    move_file(plan_pdf, &out.join("plan.pdf"))?;
    if has_summary {
        move_file(summary_pdf, &out.join("summary.pdf"))?;
        files.push(out.join("summary.pdf"));
    }
    Ok(Printed {
        files,
        pages,
        passes: 1,
        shrunk,
    })
}

/// Numbers the pages of both PDFs (printed with empty feet), side by side,
/// and stamps every page-number slot: the 목차 and errata pages, the
/// feedback tables' (p.N) and the summary's references to the plan.
#[allow(clippy::too_many_arguments)]
fn stamp_numbers(
    anchors: &PrintAnchors,
    pages: &render::Pages,
    (plan, summary): (
        (lopdf::Document, &std::path::Path),
        Option<(lopdf::Document, &std::path::Path)>,
    ),
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
    // A number of the plan: its printed label and its PDF page.
    let plan_page = |anchor: &str| {
        let page = *pages.plan.get(anchor)?;
        Some((pages.plan_label(page)?, page))
    };
    let summary_page = |anchor: &str| {
        let page = *pages.summary.get(anchor)?;
        Some((pages.summary_label(page)?, page))
    };
    let fill = |s: &pdf::Slot, in_plan: bool| -> Option<pdf::Fill> {
        use render::SlotKind::{Feedback, Toc};
        let other = (!in_plan).then(|| "plan.pdf".to_string());
        let ((label, page), file, text): (_, _, fn(&str) -> String) = match s.kind {
            pdf::SlotUse::Reference => (plan_page(&s.fragment)?, other, |l| format!("{l}쪽")),
            pdf::SlotUse::Page(Toc) if in_plan => (plan_page(&s.fragment)?, None, str::to_string),
            pdf::SlotUse::Page(Toc) => (summary_page(&s.fragment)?, None, str::to_string),
            pdf::SlotUse::Page(Feedback) => {
                (plan_page(&s.fragment)?, other, |l| format!("(p.{l})"))
            }
        };
        Some(pdf::Fill {
            text: text(&label),
            page,
            file,
        })
    };
    std::thread::scope(|s| {
        let summary = s.spawn(|| {
            let Some(summary) = summary.filter(|_| pages.summary_first.is_some()) else {
                return Ok(());
            };
            pdf::stamp_page_numbers(
                browser,
                summary,
                &|p| pages.summary_label(p),
                &runs(pages.summary_first, None),
                anchors.date.as_deref(),
                &|slot| fill(slot, false),
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
            plan,
            &|p| {
                if dividers.contains(&p) {
                    None
                } else {
                    pages.plan_label(p)
                }
            },
            &runs(pages.plan_first, pages.plan_roman_from),
            anchors.date.as_deref(),
            &|slot| fill(slot, true),
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
