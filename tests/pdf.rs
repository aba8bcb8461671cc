//! The printed plan: `build --pdf` with the machine's Chromium. Needs
//! `chromium` and `pdftotext` (poppler-utils); .ci/run installs both. Without
//! them the test says so and checks nothing, except under CI (`CI=true`),
//! where it fails: a CI run that cannot print has not tested the print.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The text of every page, in layout order.
fn pages_text(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8_lossy(&o.stdout);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn is_arabic(number: &str) -> bool {
    number.chars().all(|c| c.is_ascii_digit())
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The number printed at the foot of each page (the last line, when it is a
/// number in Arabic or lower-case Roman numerals), by page from 1.
fn footers(pages: &[String]) -> BTreeMap<u32, String> {
    pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let last = p.lines().rev().map(str::trim).find(|l| !l.is_empty())?;
            let numeral = last.chars().all(|c| c.is_ascii_digit())
                || last.chars().all(|c| "ivxlcdm".contains(c));
            numeral.then(|| (i as u32 + 1, last.to_string()))
        })
        .collect()
}

/// The print document's 목차 section.
fn toc_section(html: &str) -> &str {
    html.split("class=\"toc print-toc\"")
        .nth(1)
        .expect("contents")
        .split("</section>")
        .next()
        .expect("end")
}

/// (title, printed page number) of every contents entry that shows one.
fn toc(html: &str) -> Vec<(String, String)> {
    let toc = toc_section(html);
    toc.split("<a href=\"#")
        .skip(1)
        .filter_map(|part| {
            let title = part.split_once("\">")?.1.split("</a>").next()?.to_string();
            let page = part
                .split("<span class=\"toc-page\">")
                .nth(1)?
                .split('<')
                .next()?
                .to_string();
            (!part.split("</a>").next()?.contains("<a ")).then_some((title, page))
        })
        .collect()
}

/// (anchor, page number) of every page reference in the feedback tables.
fn feedback_pages(html: &str) -> Vec<(String, String)> {
    html.split("class=\"fb-where\">")
        .skip(1)
        .flat_map(|cell| {
            let cell = cell.split("</td>").next().unwrap_or_default();
            cell.split("<a href=\"#")
                .skip(1)
                .filter_map(|a| {
                    let anchor = a.split('"').next()?.to_string();
                    let page = a
                        .split("<span class=\"fb-page\">(p.")
                        .nth(1)?
                        .split(')')
                        .next()?
                        .to_string();
                    Some((anchor, page))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The text of the first heading inside the element with this id.
fn heading_text(html: &str, anchor: &str) -> String {
    html.split(&format!("id=\"{anchor}\""))
        .nth(1)
        .and_then(|rest| rest.split_once("<h"))
        .and_then(|(_, h)| h.split_once('>'))
        .and_then(|(_, h)| h.split('<').next())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A printed page's size and words, each with its box (points, from the
/// page's top left), by `pdftotext -bbox`.
struct PageWords {
    width: f64,
    height: f64,
    words: Vec<(f64, f64, f64, f64, String)>,
}

fn page_words(pdf: &Path) -> Vec<PageWords> {
    let o = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext -bbox");
    let html = String::from_utf8_lossy(&o.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    html.split("<page ")
        .skip(1)
        .map(|page| PageWords {
            width: attr(page, "width"),
            height: attr(page, "height"),
            words: page
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let text = w
                        .split_once('>')
                        .and_then(|(_, w)| w.split('<').next())
                        .unwrap_or_default()
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&");
                    (
                        attr(w, "xMin"),
                        attr(w, "yMin"),
                        attr(w, "xMax"),
                        attr(w, "yMax"),
                        text,
                    )
                })
                .collect(),
        })
        .collect()
}

fn mm(v: f32) -> f64 {
    f64::from(v) / 25.4 * 72.0
}

/// Words printed outside the text area, left or right, as
/// (page, word, x from, x to, page width): a table wider than the page.
fn outside_margins(pages: &[PageWords]) -> Vec<(usize, String, f64, f64, f64)> {
    // print.css's side margins, with two points for rounding (목차's page
    // numbers end on the margin).
    let margin = mm(planbook::pdf::PAGE_MARGINS_MM[1]) - 2.0;
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        for (x0, _, x1, _, text) in &page.words {
            if *x0 < margin || *x1 > page.width - margin {
                out.push((i + 1, text.clone(), *x0, *x1, page.width));
            }
        }
    }
    out
}

/// How far down its text area a page is printed (0 to 1), and its lowest
/// line's words run together; the running header and the page number are
/// in the margins and do not count.
fn fill_and_last_line(page: &PageWords) -> (f64, String) {
    let [top, _, bottom] = planbook::pdf::PAGE_MARGINS_MM.map(mm);
    let (top, bottom) = (top - 1.0, page.height - bottom + 1.0);
    let body: Vec<_> = page
        .words
        .iter()
        .filter(|w| w.1 >= top && w.3 <= bottom)
        .collect();
    let Some(low) = body.iter().map(|w| w.3).reduce(f64::max) else {
        return (0.0, String::new());
    };
    let mut last: Vec<_> = body.iter().filter(|w| w.3 > low - 3.0).collect();
    last.sort_by(|a, b| a.0.total_cmp(&b.0));
    let line: String = last.iter().map(|w| squeeze(&w.4)).collect();
    ((low - top) / (bottom - top), line)
}

/// (anchor, printed page, a chapter's entry) of every contents entry that
/// shows a page.
fn toc_anchors(html: &str) -> Vec<(String, String, bool)> {
    let toc = toc_section(html);
    let mut out = Vec::new();
    // An entry is a chapter's when an <h2> opens between it and the last.
    let mut chapter = toc
        .split("<a href=\"#")
        .next()
        .is_some_and(|p| p.contains("<h2"));
    for part in toc.split("<a href=\"#").skip(1) {
        let Some((anchor, rest)) = part.split_once('"') else {
            continue;
        };
        let page = rest
            .split("<span class=\"toc-page\">")
            .nth(1)
            .and_then(|p| p.split('<').next());
        if let Some(page) =
            page.filter(|_| !rest.split("</a>").next().unwrap_or("").contains("<a "))
        {
            out.push((anchor.to_string(), page.to_string(), chapter));
        }
        chapter = rest.contains("<h2");
    }
    out
}

/// Pages that break the print's layout rules (issue #17): a heading, a
/// numbered caption or a KEY POINT label on the lowest line of a page (cut
/// from what follows), and pages under 15 % filled other than the dividers
/// and the last page before a new part (`starts`: pages where a part
/// begins on a new page).
fn layout_faults(
    pages: &[PageWords],
    marks: &[(String, u32)],
    body: u32,
    dividers: &std::collections::BTreeSet<u32>,
    starts: &std::collections::BTreeSet<u32>,
) -> Vec<String> {
    let mut faults = Vec::new();
    let last = pages.len() as u32;
    for (i, page) in pages.iter().enumerate() {
        let n = i as u32 + 1;
        if n < body || dividers.contains(&n) {
            continue;
        }
        let (fill, line) = fill_and_last_line(page);
        if fill < 0.15 && n != last && !starts.contains(&(n + 1)) && !dividers.contains(&(n + 1)) {
            faults.push(format!(
                "PDF page {n} is {:.0} % filled: `{line}`",
                fill * 100.0
            ));
        }
        if line.chars().count() < 2 {
            continue;
        }
        let heading = marks.iter().any(|(t, p)| {
            let t = squeeze(t);
            *p == n && (t.starts_with(&line) || t.ends_with(&line))
        });
        let caption =
            (line.starts_with("<표") || line.starts_with("[그림")) && !line.contains("수록되지");
        if heading || caption || line == "KEYPOINT" {
            faults.push(format!(
                "PDF page {n} ends with `{line}`, cut from what follows"
            ));
        }
    }
    faults
}

/// `planbook build --pdf` of the shipped plan into `out`, which succeeds.
fn build_pdf(out: &Path) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["build", "--pdf", "--content"])
        .arg(content_dir())
        .arg("--out")
        .arg(out)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Where a word lies on its page, as fractions of the page: (x, y) of its
/// centre, from the top left.
fn place(p: &PageWords, w: &(f64, f64, f64, f64, String)) -> (f64, f64) {
    ((w.0 + w.2) / 2.0 / p.width, (w.1 + w.3) / 2.0 / p.height)
}

/// The cover laid out as the published plan's (공개용 boxed at the top
/// right, the title in the upper half, the issuer at the foot) and every
/// 간지 with its numeral, title and sections centred on the page.
fn cover_and_divider_faults(
    pages: &[PageWords],
    dividers: &std::collections::BTreeSet<u32>,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(cover) = pages.first() else {
        return vec!["no pages".into()];
    };
    let find = |p: &PageWords, text: &str| {
        p.words
            .iter()
            .find(|w| w.4.contains(text))
            .map(|w| place(p, w))
    };
    match find(cover, "공개용") {
        Some((x, y)) if x > 0.7 && y < 0.12 => {}
        other => out.push(format!("cover: 공개용 at {other:?}, not at the top right")),
    }
    // The title's line: the words level with its last one.
    let title = cover
        .words
        .iter()
        .find(|w| w.4.contains("지역산업진흥계획"));
    let line = title.map(|t| {
        let same: Vec<_> = cover
            .words
            .iter()
            .filter(|w| (w.1 - t.1).abs() < 2.0)
            .collect();
        let left = same.iter().map(|w| w.0).fold(f64::MAX, f64::min);
        let right = same.iter().map(|w| w.2).fold(f64::MIN, f64::max);
        (
            (left + right) / 2.0 / cover.width,
            (t.1 + t.3) / 2.0 / cover.height,
        )
    });
    match line {
        Some((x, y)) if (0.4..0.6).contains(&x) && (0.25..0.5).contains(&y) => {}
        other => out.push(format!("cover: the title centred at {other:?}")),
    }
    match find(cover, "GANGWON") {
        Some((_, y)) if y > 0.8 => {}
        other => out.push(format!("cover: the issuer at {other:?}, not at the foot")),
    }
    for &n in dividers {
        let Some(p) = pages.get(n as usize - 1) else {
            continue;
        };
        if p.words.is_empty() {
            out.push(format!("divider p.{n}: empty"));
            continue;
        }
        let (top, bottom) = p
            .words
            .iter()
            .fold((f64::MAX, f64::MIN), |(t, b), w| (t.min(w.1), b.max(w.3)));
        let (left, right) = p
            .words
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, r), w| (l.min(w.0), r.max(w.2)));
        let (cx, cy) = (
            (left + right) / 2.0 / p.width,
            (top + bottom) / 2.0 / p.height,
        );
        if !(0.4..0.6).contains(&cx) || !(0.35..0.6).contains(&cy) {
            out.push(format!(
                "divider p.{n}: its text centred at ({cx:.2}, {cy:.2}) of the page"
            ));
        }
    }
    out
}

#[test]
fn printed_contents_point_to_the_pages_where_headings_are() {
    if !have("chromium") || !have("pdftotext") {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but chromium or pdftotext is not installed"
        );
        println!("skipping: chromium or pdftotext not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let o = build_pdf(&out);
    // One print per document: every page number is a slot stamped after it.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("(1 print passes"), "{said}");
    // Every slot got its number and its link a page: none still points to
    // the placeholder fragment.
    for pdf in ["plan.pdf", "summary.pdf"] {
        let doc = lopdf::Document::load(out.join(pdf)).expect("read the PDF");
        let left = planbook::pdf::slots(&doc).expect("slots");
        assert!(left.is_empty(), "{pdf}: slots left unstamped: {left:?}");
    }
    let mut plan_refs: Vec<(String, String)> = Vec::new();
    for (html, pdf) in [
        ("print.html", "plan.pdf"),
        ("summary/print.html", "summary.pdf"),
    ] {
        let pdf = out.join(pdf);
        assert!(pdf.is_file(), "{} written", pdf.display());
        let pages = pages_text(&pdf);
        let feet = footers(&pages);
        let page_of: BTreeMap<&str, u32> = feet.iter().map(|(p, n)| (n.as_str(), *p)).collect();
        assert_eq!(
            page_of.len(),
            feet.len(),
            "{html}: a page number printed twice"
        );
        // As in the published plan, page 1 is where chapter Ⅰ's text
        // begins (Ⅰ-1 in the plan, chapter Ⅰ in the summary); the front
        // matter before it shows no number, and the Arabic numbers then count
        // every page, the dividers too (which show none).
        let marks = planbook::pdf::outline(&pdf).expect("outline");
        let start = marks
            .iter()
            .find(|(t, _)| {
                let t = squeeze(t);
                if html == "print.html" {
                    t.starts_with("Ⅰ-1")
                } else {
                    // The chapter's own heading, not its 목차 entry "Ⅰ. …".
                    t.starts_with("지역산업진흥계획수립개요")
                }
            })
            .map(|(_, p)| *p)
            .unwrap_or_else(|| panic!("{html}: no bookmark for chapter Ⅰ: {marks:?}"));
        assert_eq!(
            feet.get(&start).map(String::as_str),
            Some("1"),
            "{html}: chapter Ⅰ's text (PDF page {start}) is page 1"
        );
        assert!(
            feet.keys().all(|&p| p >= start),
            "{html}: the front matter shows no page number: {:?}",
            feet.range(..start).collect::<Vec<_>>()
        );
        for (page, number) in feet.iter().filter(|(_, n)| is_arabic(n)) {
            assert_eq!(
                *number,
                (page - start + 1).to_string(),
                "{html}: PDF page {page} is numbered {number}"
            );
        }
        let resolve = |number: &str| page_of.get(number).copied();
        let entries = toc(&fs::read_to_string(out.join(html)).expect("print document"));
        assert!(
            entries.len() > 20,
            "{html}: {} contents entries with a page",
            entries.len()
        );
        // The numbers are printed in the PDF's 목차 too (the pages printed
        // apart with them): each entry's line ends with its number.
        let front: Vec<String> = pages[..start as usize - 1]
            .iter()
            .flat_map(|p| p.lines().map(squeeze))
            .collect();
        for (title, number) in &entries {
            let title = title
                .replace("&amp;", "&")
                .replace("&#39;", "'")
                .replace("&quot;", "\"");
            let key: String = squeeze(&title).chars().take(8).collect();
            // A long title wraps: its number ends the next line.
            assert!(
                front.iter().enumerate().any(|(k, l)| l.starts_with(&key)
                    && (l.ends_with(number.as_str())
                        || front
                            .get(k + 1)
                            .is_some_and(|n| n.ends_with(number.as_str())))),
                "{html}: 목차 in the PDF has no line `{key} … {number}`"
            );
        }
        for (title, number) in &entries {
            let page = resolve(number)
                .unwrap_or_else(|| panic!("{html}: `{title}`: no page is numbered {number}"));
            // "Ⅱ-1. 지역 경제·산업 현황" is printed as "Ⅱ-1 지역 경제·산업 현황" at its heading.
            let words = title
                .replace("&amp;", "&")
                .split_once(". ")
                .map_or(title.clone(), |(_, t)| t.to_string());
            let key: String = squeeze(&words).chars().take(10).collect();
            assert!(
                pages
                    .get(page as usize - 1)
                    .is_some_and(|p| squeeze(p).contains(&key)),
                "{html}: `{title}` is not on the page numbered {number} (page {page})"
            );
        }
        // The feedback tables' page column: "Ⅲ-1 (p.37)" points to the page
        // where section Ⅲ-1 begins.
        let doc = fs::read_to_string(out.join(html)).expect("print document");
        let refs = feedback_pages(&doc);
        if html == "print.html" {
            assert!(refs.len() > 30, "feedback page references: {}", refs.len());
            for (anchor, number) in &refs {
                let page = resolve(number)
                    .unwrap_or_else(|| panic!("{html}: #{anchor}: no page is numbered {number}"));
                let heading = heading_text(&doc, anchor);
                let key: String = squeeze(&heading).chars().take(10).collect();
                assert!(
                    !key.is_empty()
                        && pages
                            .get(page as usize - 1)
                            .is_some_and(|p| squeeze(p).contains(&key)),
                    "{html}: feedback points #{anchor} ({heading}) to p.{number}, page {page}"
                );
            }
            plan_refs = refs;
        } else {
            // The summary's feedback tables quote the main body's pages.
            assert_eq!(refs, plan_refs, "{html}: the same pages as the plan's");
        }
        assert!(
            marks.len() > 40,
            "bookmarks by chapter and section: {}",
            marks.len()
        );
        let words = page_words(&pdf);
        assert_eq!(
            outside_margins(&words),
            vec![],
            "{html}: text outside the margins (a table too wide for its page)"
        );
        // Printed at its size: Chromium shrinks a whole print to fit content
        // wider than the page (0.71 when one table was too wide).
        let link = planbook::pdf::scale_link_width(&pdf)
            .expect("read")
            .expect("the #pb-scale link");
        assert!(
            (link - 600.0).abs() < 1.0,
            "{html}: printed at {:.3} of its size",
            link / 600.0
        );
        // No layout faults. The plan starts every 목차 entry on a page, as
        // published, and its dividers show no number; the summary starts only
        // its chapters on a page.
        let entries = toc_anchors(&doc);
        let starts: std::collections::BTreeSet<u32> = entries
            .iter()
            .filter(|(_, _, chapter)| html == "print.html" || *chapter)
            .filter_map(|(_, n, _)| resolve(n))
            .collect();
        let dividers: std::collections::BTreeSet<u32> = (start..=pages.len() as u32)
            .filter(|p| !feet.contains_key(p))
            .collect();
        if html == "print.html" {
            let c = cover_and_divider_faults(&words, &dividers);
            assert!(c.is_empty(), "{html}: {}", c.join("\n"));
        }
        let faults = layout_faults(&words, &marks, start, &dividers, &starts);
        assert!(faults.is_empty(), "{html}: {}", faults.join("\n"));
        if html == "summary/print.html" {
            assert!(
                pages.len() <= 70,
                "the summary prints on {} pages",
                pages.len()
            );
        } else {
            // Where the published 목차 gives a section's or an item's page,
            // planbook's is within 2 pages of it, for 80 % of them at least.
            let content = match planbook::load::load(&content_dir()) {
                Ok((c, _)) => c,
                Err(_) => panic!("content loads"),
            };
            let ours: BTreeMap<&str, &str> = entries
                .iter()
                .map(|(a, n, _)| (a.as_str(), n.as_str()))
                .collect();
            let mut compared = Vec::new();
            for sec in content.plan.value.chapters.iter().flat_map(|c| &c.sections) {
                let anchor = planbook::render::registry::section_anchor(&sec.id);
                compared.push((anchor, sec.page.clone(), sec.title.clone()));
                for item in &sec.items {
                    let anchor = planbook::render::registry::item_anchor(&sec.id, &item.no);
                    compared.push((anchor, item.page.clone(), item.title.clone()));
                }
            }
            let rows: Vec<(i64, i64, String)> = compared
                .iter()
                .filter_map(|(a, published, title)| {
                    let published: i64 = published.as_deref()?.parse().ok()?;
                    let here: i64 = ours.get(a.as_str())?.parse().ok()?;
                    Some((here, published, title.clone()))
                })
                .collect();
            let near = rows.iter().filter(|(h, p, _)| (h - p).abs() <= 2).count();
            let misses: Vec<String> = rows
                .iter()
                .filter(|(h, p, _)| (h - p).abs() > 2)
                .map(|(h, p, t)| format!("{t}: p.{h}, published p.{p}"))
                .collect();
            println!(
                "목차 pages within 2 of the published: {near} of {}; {misses:?}",
                rows.len()
            );
            assert!(
                rows.len() >= 40,
                "entries with a published page: {}",
                rows.len()
            );
            assert!(
                near * 5 >= rows.len() * 4,
                "{near} of {} entries within 2 pages of the published 목차: {misses:#?}",
                rows.len()
            );
        }
    }

    // The summary's references to the plan ("본문 Ⅲ-1 …, 24쪽", stamped into
    // their slots) give the page of the plan where that section begins.
    let plan_pages = pages_text(&out.join("plan.pdf"));
    let plan_feet = footers(&plan_pages);
    let plan_page_of: BTreeMap<&str, u32> =
        plan_feet.iter().map(|(p, n)| (n.as_str(), *p)).collect();
    let mut quoted = 0;
    for line in pages_text(&out.join("summary.pdf"))
        .iter()
        .flat_map(|p| {
            p.lines()
                .map(str::trim)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| l.starts_with("본문 "))
    {
        let Some((head, number)) = line
            .strip_suffix('쪽')
            .and_then(|l| l.rsplit_once(", "))
            .map(|(h, n)| (h.to_string(), n.trim().to_string()))
        else {
            // The plan's first chapter is front matter there: no page.
            assert!(
                line.starts_with("본문 Ⅰ ") && !line.contains('쪽'),
                "a reference without its page: {line}"
            );
            continue;
        };
        let page = plan_page_of
            .get(number.as_str())
            .unwrap_or_else(|| panic!("`{line}`: no plan page is numbered {number}"));
        // "본문 Ⅱ-1 지역 경제·산업 현황" is printed "Ⅱ-1 지역 경제·산업 현황" there.
        let key: String = squeeze(head.trim_start_matches("본문 "))
            .chars()
            .take(10)
            .collect();
        assert!(
            squeeze(&plan_pages[*page as usize - 1]).contains(&key),
            "`{line}`: the plan's page {number} (PDF page {page}) does not hold it"
        );
        quoted += 1;
    }
    assert!(quoted > 15, "summary references with a page: {quoted}");

    // The plan: Arabic page numbers up to the attachments, then i, ii, iii …
    // to the end, as in the published plan.
    let plan = out.join("plan.pdf");
    let feet = footers(&pages_text(&plan));
    let roman: Vec<(u32, &str)> = feet
        .iter()
        .filter(|(_, n)| !is_arabic(n))
        .map(|(p, n)| (*p, n.as_str()))
        .collect();
    assert!(
        roman.len() >= 3,
        "attachment pages in Roman numerals: {roman:?}"
    );
    let first = roman[0].0;
    for (k, (page, numeral)) in roman.iter().enumerate() {
        assert_eq!(
            (*page, *numeral),
            (
                first + k as u32,
                planbook::numfmt::lower_roman(k as u32 + 1).as_str()
            ),
            "Roman page numbers run on from the first attachment page"
        );
    }
    let last_page = pages_text(&plan).len() as u32;
    assert_eq!(
        roman.last().map(|r| r.0),
        Some(last_page),
        "numbered to the end"
    );
    assert!(
        feet.iter().all(|(p, n)| (*p < first) == is_arabic(n)),
        "Arabic before the attachments, Roman from there"
    );
    let toc_roman = toc(&fs::read_to_string(out.join("print.html")).expect("print.html"))
        .into_iter()
        .filter(|(_, n)| !is_arabic(n))
        .count();
    assert_eq!(
        toc_roman, 4,
        "the three attachments and the errata list (정오표) after them, with Roman page numbers"
    );
    let attachments_anchor = planbook::pdf::outline(&plan)
        .expect("outline")
        .into_iter()
        .find(|(t, _)| t.starts_with("지역혁신선도기업육성(R&D) 품목 내역"))
        .map(|(_, p)| p);
    assert_eq!(attachments_anchor, Some(first), "붙임1 starts at page i");

    // Viewers show the same numbers: the PDF's page labels.
    let doc = lopdf::Document::load(&plan).expect("lopdf");
    let labels = doc
        .catalog()
        .and_then(|c| c.get(b"PageLabels"))
        .and_then(|l| l.as_dict())
        .and_then(|l| l.get(b"Nums"))
        .and_then(|n| n.as_array())
        .expect("page labels")
        .clone();
    assert_eq!(
        labels.len(),
        6,
        "front matter, decimal, then lower-roman: {labels:?}"
    );
    assert_eq!(labels[4].as_i64().ok(), Some(i64::from(first) - 1));

    // Reproducible: dated from the edition ("2025. 7."), not the print
    // (unless SOURCE_DATE_EPOCH says otherwise).
    if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        for pdf in [&plan, &out.join("summary.pdf")] {
            let doc = lopdf::Document::load(pdf).expect("lopdf");
            let info = doc
                .trailer
                .get(b"Info")
                .and_then(|i| i.as_reference())
                .and_then(|i| doc.get_dictionary(i))
                .expect("info")
                .clone();
            for key in [&b"CreationDate"[..], b"ModDate"] {
                assert_eq!(
                    info.get(key).and_then(|d| d.as_str()).ok(),
                    Some(&b"D:20250701000000Z"[..]),
                    "{}: {}",
                    pdf.display(),
                    String::from_utf8_lossy(key)
                );
            }
        }
    }

    assert!(
        squeeze(&pages_text(&plan)[0]).contains("지역산업진흥계획"),
        "Korean text extracts"
    );

    // The same content printed into another folder gives the same bytes:
    // no path of the build (a link's file:// address) is in the PDFs.
    let again = dir.path().join("다른 폴더").join("out");
    build_pdf(&again);
    for name in ["plan.pdf", "summary.pdf"] {
        let (a, b) = (
            fs::read(out.join(name)).expect("first"),
            fs::read(again.join(name)).expect("second"),
        );
        assert!(
            a == b,
            "{name}: the two prints differ ({} and {} bytes)",
            a.len(),
            b.len()
        );
    }
}
