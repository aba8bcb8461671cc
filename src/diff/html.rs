//! The report as one self-contained, printable HTML page for a committee:
//! the changed values first, then tables and published figures, then the
//! narrative side by side (현행 | 변경) with `<del>` and `<ins>`. The page
//! references nothing outside itself (no stylesheet, font, script or
//! image); every text is escaped with the renderer's helpers.

use super::{Hunk, Op, Report, Segment, Status, Structure};
use crate::render::escape::html_text as esc;
use std::fmt::Write as _;

/// The site theme's colours and rules (templates/assets/style.css), with a
/// Korean system font stack instead of the bundled font files.
const CSS: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --line: #bfbfbf; --accent: #1f4e79; --soft: #eef4fa; --total: #dde8f3; }
* { box-sizing: border-box; }
html { font-family: "NanumSquare", "Nanum Gothic", "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", "맑은 고딕", sans-serif; color: var(--ink); line-height: 1.65; font-size: 15px; word-break: keep-all; overflow-wrap: break-word; }
body { margin: 0; }
main { padding: 1.5rem 2rem 3rem; max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.6rem; border-bottom: 2px solid var(--accent); padding-bottom: .3rem; margin-top: 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; color: var(--accent); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .3rem; }
.meta, .file, .none { color: var(--muted); font-size: .88rem; }
.summary { border: 2px solid var(--accent); background: var(--soft); padding: .5rem 1rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: var(--accent); color: #fff; font-weight: 700; text-align: center; }
td.v { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.key { font-family: ui-monospace, "D2Coding", monospace; font-size: .75rem; color: var(--muted); overflow-wrap: normal; }
td.st { text-align: center; white-space: nowrap; }
table.text td { width: 50%; }
.up { color: #1f4e79; } .down { color: #c00000; }
del { background: #fde2e2; color: #8b0000; text-decoration: line-through; }
ins { background: #dff3e0; color: #0b5a1b; text-decoration: underline; }
.line { color: var(--muted); font-size: .75rem; }
@page { size: A4; margin: 18mm 15mm 20mm; }
@media print {
  html { font-size: 10pt; }
  main { padding: 0; max-width: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  thead th { background: #dde8f3; color: var(--ink); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  del, ins { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// A value key, breakable after each `.` (a long key wraps at its parts).
fn key(k: &str) -> String {
    esc(k).replace('.', ".<wbr>")
}

fn signed(s: &str) -> String {
    if let Some(n) = s.strip_prefix('-') {
        format!("△{n}")
    } else if s.starts_with('△') || s.trim_start_matches(['0', '.']).is_empty() {
        s.to_string()
    } else {
        format!("+{s}")
    }
}

fn side<'a>(out: &mut String, segs: impl Iterator<Item = &'a Segment>) {
    for s in segs {
        match s.op {
            Op::Equal => out.push_str(&esc(&s.text)),
            Op::Delete => {
                let _ = write!(out, "<del>{}</del>", esc(&s.text));
            }
            Op::Insert => {
                let _ = write!(out, "<ins>{}</ins>", esc(&s.text));
            }
        }
        out.push(' ');
    }
}

/// One cell of a hunk's row: its line and words, or a dash where that side
/// has no text (a part added or removed as a whole).
fn cell(out: &mut String, line: usize, segs: Vec<&Segment>) {
    out.push_str("<td>");
    if segs.is_empty() {
        out.push_str("<span class=\"none\">(없음)</span>");
    } else {
        let _ = write!(out, "<span class=\"line\">{line}행</span> ");
        side(out, segs.into_iter());
    }
    out.push_str("</td>");
}

fn hunk_row(out: &mut String, h: &Hunk) {
    out.push_str("<tr>");
    cell(out, h.old_line, h.old_side().collect());
    cell(out, h.new_line, h.new_side().collect());
    out.push_str("</tr>\n");
}

/// The report as a page.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let title = format!("신구대비표: {}", r.new_title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>신구대비표</h1>\n",
        esc(&title)
    );
    let _ = writeln!(
        o,
        "<p class=\"meta\">현행(구): {} <span class=\"file\">({})</span><br>변경(신): {} <span class=\"file\">({})</span></p>",
        esc(&r.old_title),
        esc(&r.old),
        esc(&r.new_title),
        esc(&r.new)
    );
    if !r.changed {
        o.push_str("<p class=\"summary\">변경 사항 없음: 수치, 표, 원문 수치와 본문이 같습니다.</p>\n</main>\n</body>\n</html>\n");
        return o;
    }
    let _ = writeln!(
        o,
        "<p class=\"summary\">수치 {}건 · 표·행·열 {}건 · 원문 수치 {}건 · 본문 {}개 부분 변경</p>",
        r.values.len(),
        r.structure.len() + r.cells.len(),
        r.published.len(),
        r.text.len()
    );

    o.push_str("<h2>1. 수치 변경</h2>\n");
    if r.values.is_empty() {
        o.push_str("<p class=\"none\">변경된 수치 없음</p>\n");
    } else {
        o.push_str(
            "<table class=\"values\">\n<thead><tr><th>구분</th><th>키</th><th>현행</th><th>변경</th>\
             <th>증감</th><th>증감률(%)</th><th>본문 인용</th></tr></thead>\n<tbody>\n",
        );
        for v in &r.values {
            let dir = match v.change.as_deref() {
                Some(c) if c.starts_with('-') => " down",
                Some(_) => " up",
                None => "",
            };
            let mut quoted: Vec<String> = v.quoted_in.iter().map(|p| esc(&p.short())).collect();
            quoted.dedup();
            let _ = writeln!(
                o,
                "<tr><td>{}{}</td><td class=\"key\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td>\
                 <td class=\"v{dir}\">{}</td><td class=\"v{dir}\">{}</td><td>{}</td></tr>",
                esc(&v.label),
                if v.status == Status::Changed {
                    String::new()
                } else {
                    format!(" ({})", v.status.korean())
                },
                key(&v.key),
                esc(v.old_shown.as_deref().unwrap_or("-")),
                esc(v.new_shown.as_deref().unwrap_or("-")),
                esc(&v.change_shown.as_deref().map(signed).unwrap_or_else(|| "-".into())),
                esc(&v.percent.as_deref().map(signed).unwrap_or_else(|| "-".into())),
                quoted.join(", ")
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }

    o.push_str("<h2>2. 표·행·열 신설·삭제와 글자 칸</h2>\n");
    if r.structure.is_empty() {
        o.push_str("<p class=\"none\">없음</p>\n");
    } else {
        o.push_str("<table>\n<thead><tr><th>구분</th><th>표</th><th>id</th><th>이름</th></tr></thead>\n<tbody>\n");
        for s in &r.structure {
            let kind = match s.kind {
                Structure::Table => "표",
                Structure::Row => "행",
                Structure::Column => "열",
            };
            let _ = writeln!(
                o,
                "<tr><td class=\"st\">{kind} {}</td><td class=\"key\">{}</td><td class=\"key\">{}</td><td>{}</td></tr>",
                s.status.korean(),
                esc(&s.table),
                esc(&s.id),
                esc(&s.label)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }

    if !r.cells.is_empty() {
        o.push_str("<h3>표의 글자 칸 변경</h3>\n<table>\n<thead><tr><th>구분</th><th>키</th><th>현행</th><th>변경</th></tr></thead>\n<tbody>\n");
        for c in &r.cells {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"key\">{}</td><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
                esc(&c.label),
                key(&c.key),
                esc(&c.old),
                esc(&c.new)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("<h2>3. 원문(발간본) 수치 변경</h2>\n");
    if r.published.is_empty() {
        o.push_str("<p class=\"none\">없음</p>\n");
    } else {
        o.push_str("<table>\n<thead><tr><th>구분</th><th>키</th><th>위치</th><th>현행</th><th>변경</th></tr></thead>\n<tbody>\n");
        for p in &r.published {
            let at = match &p.part {
                Some(part) => format!("{} 본문", part.heading()),
                None => p.file.clone(),
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"key\">{}</td><td>{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td></tr>",
                esc(&p.label),
                key(&p.key),
                esc(&at),
                esc(p.old.as_deref().unwrap_or("-")),
                esc(p.new.as_deref().unwrap_or("-"))
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }

    o.push_str("<h2>4. 본문 변경</h2>\n");
    if r.text.is_empty() {
        o.push_str("<p class=\"none\">변경된 본문 없음</p>\n");
    }
    for t in &r.text {
        let _ = writeln!(
            o,
            "<section>\n<h3>{} <span class=\"file\">[{}]</span></h3>",
            esc(&t.part.heading()),
            t.status.korean()
        );
        let _ = writeln!(
            o,
            "<p class=\"file\">{} · 삭제 {}어절, 추가 {}어절</p>",
            esc(t.part.file.as_deref().unwrap_or("본문 파일 없음")),
            t.words_deleted,
            t.words_inserted
        );
        if let Some(was) = &t.old_title {
            let _ = writeln!(
                o,
                "<p>제목: <del>{}</del> → <ins>{}</ins></p>",
                esc(was),
                esc(&t.part.heading())
            );
        }
        if !t.hunks.is_empty() {
            o.push_str("<table class=\"text\">\n<thead><tr><th>현행</th><th>변경</th></tr></thead>\n<tbody>\n");
            for h in &t.hunks {
                hunk_row(&mut o, h);
            }
            o.push_str("</tbody>\n</table>\n");
        }
        o.push_str("</section>\n");
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}
