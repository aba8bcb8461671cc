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
    pub label_header: String,
    /// Upper header cells: label, column span, and whether the cell spans
    /// both header rows (a column without a group).
    pub groups: Vec<(String, usize, bool)>,
    /// Lower header labels; None where the upper cell spans both rows.
    pub columns: Vec<Option<String>>,
    pub two_rows: bool,
    pub rows: Vec<RowView>,
    pub csv: String,
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
    /// Words rather than a figure: left-aligned.
    pub text_cell: bool,
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
            .map(|r| RowView {
                label: r.label.clone(),
                path: r.path.join(" > "),
                depth: r.depth,
                kind: kind_name(r.kind),
                note: r.note.clone(),
                cells: r
                    .cells
                    .iter()
                    .map(|c| CellView {
                        text: format_cell(c),
                        missing: matches!(c, Cell::Missing),
                        text_cell: matches!(c, Cell::Text(_)),
                    })
                    .collect(),
            })
            .collect(),
        csv: csv_href,
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

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
