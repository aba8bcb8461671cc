//! Tables for templates (display strings only) and as CSV.

use crate::model::table::{Cell, RowKind, Table};
use crate::numfmt::format_cell;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct TableView {
    pub id: String,
    pub anchor: String,
    pub label: String,
    pub title: String,
    pub unit: Option<String>,
    pub source: Option<String>,
    /// The source note as HTML, when it quotes figures (`{{val KEY}}`).
    pub source_html: Option<String>,
    pub label_header: String,
    /// Upper header cells: label, column span, and whether the cell spans
    /// both header rows (a column without a group).
    pub groups: Vec<(String, usize, bool)>,
    /// Lower header labels; None where the upper cell spans both rows.
    pub columns: Vec<Option<String>>,
    pub two_rows: bool,
    pub rows: Vec<RowView>,
    pub csv: String,
    /// The spreadsheet's link, when `tables/<id>.xlsx` is written.
    pub xlsx: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RowView {
    pub label: String,
    pub path: String,
    pub depth: usize,
    pub kind: &'static str,
    pub cells: Vec<CellView>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CellView {
    pub text: String,
    pub missing: bool,
    /// No figure yet: an input still to supply (`text` is 자료 입력 필요).
    pub supply: bool,
    /// Words rather than a figure: left-aligned.
    pub text_cell: bool,
    /// The errata mark: ("계산값" | "원본", the other figure).
    pub erratum: Option<(String, String)>,
}

fn kind_name(k: RowKind) -> &'static str {
    match k {
        RowKind::Heading => "heading",
        RowKind::Leaf => "leaf",
        RowKind::Subtotal => "subtotal",
        RowKind::Total => "total",
    }
}

pub fn view(t: &Table, label: String, anchor: String, csv_href: String) -> TableView {
    let two_rows = t.columns.iter().any(|c| !c.group.is_empty());
    let mut groups: Vec<(String, usize, bool)> = Vec::new();
    for c in &t.columns {
        match groups.last_mut() {
            Some((g, n, false)) if !c.group.is_empty() && *g == c.group => *n += 1,
            _ if c.group.is_empty() => groups.push((c.label.clone(), 1, true)),
            _ => groups.push((c.group.clone(), 1, false)),
        }
    }
    TableView {
        id: t.id.clone(),
        anchor,
        label,
        title: t.title.clone(),
        unit: t.unit.clone(),
        source: t.source.clone(),
        source_html: None,
        label_header: t.label_header.clone(),
        groups,
        columns: t
            .columns
            .iter()
            .map(|c| (!c.group.is_empty()).then(|| c.label.clone()))
            .collect(),
        two_rows,
        rows: t
            .rows
            .iter()
            .enumerate()
            .map(|(ri, r)| RowView {
                label: r.label.clone(),
                path: r.path.join(" > "),
                depth: r.depth,
                kind: kind_name(r.kind),
                note: r.note.clone(),
                cells: r
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| CellView {
                        text: format_cell(c),
                        missing: matches!(c, Cell::Missing),
                        supply: c.is_to_supply(),
                        text_cell: matches!(c, Cell::Text(_)),
                        erratum: t
                            .errata
                            .get(&(ri, ci))
                            .map(|e| (e.what.to_string(), e.other.clone())),
                    })
                    .collect(),
            })
            .collect(),
        csv: csv_href,
        xlsx: None,
    }
}

use super::escape::csv_cell as csv_field;

/// UTF-8 with BOM so that Excel opens Korean correctly; figures as printed.
pub fn csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let mut header = vec!["id".to_string(), "구분".to_string(), t.label_header.clone()];
    header.extend(
        t.columns
            .iter()
            .map(|c| format!("{} {}", c.group, c.label).trim().to_string()),
    );
    out.push_str(
        &header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        let mut fields = vec![r.id.clone(), r.path.join(" > "), r.label.clone()];
        fields.extend(r.cells.iter().map(format_cell));
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

use super::escape::html_attr as esc;

/// The default theme's table (templates/table.html) written directly: big
/// tables are the slowest thing Tera renders, and every page has some. A plan
/// that overrides table.html gets its template instead.
/// The mark after a figure whose other edition differs: a superscript ※
/// that says the other figure on hover (title) and in print (data-other).
pub fn erratum_mark(what: &str, other: &str) -> String {
    let said = format!("{what} {other}");
    format!(
        "<sup class=\"erratum\" title=\"{0}\" data-other=\"{0}\"><span class=\"visually-hidden\">정오: </span>※</sup>",
        super::escape::html_attr(&said)
    )
}

/// The note under a table with marks, as HTML: where to read the other
/// figure on screen (the mark's tooltip) and in print (beside the mark).
pub fn errata_note(what: &str) -> String {
    let (said, other) = if what == "원본" {
        ("발간본에 인쇄된 수치와 다른 계산값", "인쇄된 수치")
    } else {
        ("발간본의 수치가 입력값으로 계산한 값과 맞지 않음", "계산값")
    };
    format!(
        "※ 표시: {said} <span class=\"on-screen\">({other}는 표시에 마우스를 올리면 보임)</span><span class=\"in-print\">({other}는 표시 곁에 작게 적음)</span>"
    )
}

pub fn html(t: &TableView) -> String {
    use std::fmt::Write as _;
    let mut o = String::with_capacity(256 + t.rows.len() * t.columns.len() * 24);
    let _ = write!(
        o,
        "<figure class=\"table\" id=\"{}\">\n<figcaption><span class=\"num\">{}</span> {}</figcaption>\n<div class=\"table-meta\">",
        esc(&t.anchor),
        esc(&t.label),
        esc(&t.title)
    );
    if let Some(u) = &t.unit {
        let _ = write!(o, "<span class=\"unit\">(단위 : {})</span>", esc(u));
    }
    let _ = write!(
        o,
        "<a class=\"csv\" href=\"{}\" download>CSV</a>",
        super::escape::href(&t.csv)
    );
    if let Some(x) = &t.xlsx {
        let _ = write!(
            o,
            "<a class=\"csv\" href=\"{}\" download>XLSX</a>",
            super::escape::href(x)
        );
    }
    let _ = write!(
        o,
        "</div>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{} {}\">\n<table class=\"data\">\n<thead>\n",
        esc(&t.label),
        esc(&t.title)
    );
    if t.two_rows {
        let _ = write!(
            o,
            "<tr><th scope=\"col\" rowspan=\"2\" class=\"label\">{}</th>",
            esc(&t.label_header)
        );
        for (label, span, both) in &t.groups {
            if *both {
                let _ = write!(o, "<th scope=\"col\" rowspan=\"2\">{}</th>", esc(label));
            } else {
                let _ = write!(
                    o,
                    "<th scope=\"colgroup\" colspan=\"{span}\">{}</th>",
                    esc(label)
                );
            }
        }
        o.push_str("</tr>\n<tr>");
        for c in t.columns.iter().flatten() {
            let _ = write!(o, "<th scope=\"col\">{}</th>", esc(c));
        }
        o.push_str("</tr>\n");
    } else {
        let _ = write!(
            o,
            "<tr><th scope=\"col\" class=\"label\">{}</th>",
            esc(&t.label_header)
        );
        for (label, _, _) in &t.groups {
            let _ = write!(o, "<th scope=\"col\">{}</th>", esc(label));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</thead>\n<tbody>\n");
    for r in &t.rows {
        if r.kind == "heading" {
            let _ = write!(o, "<tr class=\"heading d{}\"><th scope=\"rowgroup\" colspan=\"{}\" class=\"label\"><span class=\"rowgroup\">{}", r.depth, t.columns.len() + 1, esc(&r.label));
            if let Some(n) = &r.note {
                let _ = write!(o, " <span class=\"row-note\">{}</span>", esc(n));
            }
            o.push_str("</span></th></tr>\n");
            continue;
        }
        let _ = write!(
            o,
            "<tr class=\"{} d{}\"><th scope=\"row\" class=\"label\"",
            r.kind, r.depth
        );
        if !r.path.is_empty() {
            let _ = write!(o, " title=\"{}\"", esc(&r.path));
        }
        let _ = write!(o, ">{}</th>", esc(&r.label));
        for c in &r.cells {
            let class = if c.missing {
                " class=\"na\""
            } else if c.supply {
                " class=\"na supply\""
            } else if c.text_cell {
                " class=\"text\""
            } else {
                ""
            };
            match &c.erratum {
                Some((what, other)) => {
                    let _ = write!(
                        o,
                        "<td{class}>{}{}</td>",
                        esc(&c.text),
                        erratum_mark(what, other)
                    );
                }
                None => {
                    let _ = write!(o, "<td{class}>{}</td>", esc(&c.text));
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n");
    match (&t.source_html, &t.source) {
        (Some(h), _) => {
            let _ = writeln!(o, "<p class=\"source\">{h}</p>");
        }
        (None, Some(s)) => {
            let _ = writeln!(o, "<p class=\"source\">{}</p>", esc(s));
        }
        (None, None) => {}
    }
    if let Some((what, _)) = t
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .find_map(|c| c.erratum.as_ref())
    {
        // The errata page sits at the site's root, beside tables/.
        let errata = t.csv.rsplit_once("tables/").map_or_else(
            || "errata.html".to_string(),
            |(root, _)| format!("{root}errata.html"),
        );
        let _ = writeln!(
            o,
            // The link is for the site: a printed plan has no errata.html
            // beside it, and Chromium would write the build folder's
            // absolute file:// address into the PDF.
            "<p class=\"errata-note\">{} <a class=\"on-screen\" href=\"{}\">정오표</a></p>",
            errata_note(what),
            super::escape::href(&errata)
        );
    }
    o.push_str("</figure>");
    o
}
