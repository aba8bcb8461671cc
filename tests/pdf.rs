//! The printed plan: `build --pdf` with the machine's Chromium. Needs
//! `chromium` and `pdftotext` (poppler-utils); .ci/run installs both. Without
//! them the test says so and checks nothing.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn page_text(pdf: &Path, page: u32) -> String {
    let o = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<String>()
}

/// (title, page) of every contents entry that shows a page number.
fn toc(html: &str) -> Vec<(String, u32)> {
    let toc = html
        .split("class=\"toc print-toc\"")
        .nth(1)
        .expect("contents")
        .split("</section>")
        .next()
        .expect("end");
    toc.split("<a href=\"#")
        .skip(1)
        .filter_map(|part| {
            let title = part.split_once("\">")?.1.split("</a>").next()?.to_string();
            let page = part
                .split("<span class=\"toc-page\">")
                .nth(1)?
                .split('<')
                .next()?
                .parse()
                .ok()?;
            (!part.split("</a>").next()?.contains("<a ")).then_some((title, page))
        })
        .collect()
}

#[test]
fn printed_contents_point_to_the_pages_where_headings_are() {
    if !have("chromium") || !have("pdftotext") {
        println!("skipping: chromium or pdftotext not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let o = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["build", "--pdf", "--content"])
        .arg(content_dir())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for (html, pdf) in [
        ("print.html", "plan.pdf"),
        ("summary/print.html", "summary.pdf"),
    ] {
        let pdf = out.join(pdf);
        assert!(pdf.is_file(), "{} written", pdf.display());
        let entries = toc(&fs::read_to_string(out.join(html)).expect("print document"));
        assert!(
            entries.len() > 20,
            "{html}: {} contents entries with a page",
            entries.len()
        );
        for (title, page) in &entries {
            // "Ⅱ-1. 지역 경제·산업 현황" is printed as "Ⅱ-1 지역 경제·산업 현황" at its heading.
            let words = title
                .replace("&amp;", "&")
                .split_once(". ")
                .map_or(title.clone(), |(_, t)| t.to_string());
            let key: String = words
                .split_whitespace()
                .collect::<String>()
                .chars()
                .take(10)
                .collect();
            assert!(
                page_text(&pdf, *page).contains(&key),
                "{html}: `{title}` is not on page {page}"
            );
        }
        let marks = planbook::pdf::outline(&pdf).expect("outline");
        assert!(
            marks.len() > 40,
            "bookmarks by chapter and section: {}",
            marks.len()
        );
    }
    assert!(
        page_text(&out.join("plan.pdf"), 1).contains("지역산업진흥계획"),
        "Korean text extracts"
    );
}
