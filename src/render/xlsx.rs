//! A table as a spreadsheet (`tables/<id>.xlsx`): the same table model as
//! the page and the CSV, but figures stored as numbers so that a committee
//! member can compute with them. What the page prints around a figure is a
//! number format, not text: △ for negatives, the decimals shown, a 총사업비 in
//! parentheses or a `*` mark as a literal suffix.

use crate::model::table::{Cell, RowKind, Table};
use crate::numfmt::{decimals, format_num};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::HashMap;

/// The sheet's name: the table id, within Excel's 31 characters (ids are
/// ASCII letters, digits, `-`, `_`, `.`, all allowed in sheet names).
pub fn sheet_name(id: &str) -> String {
    id.chars().take(31).collect()
}

/// `#,##0.00;"△"#,##0.00` for 2 decimals, with a literal suffix after both.
fn number_format(dp: u32, suffix: &str) -> String {
    let mut base = String::from("#,##0");
    if dp > 0 {
        base.push('.');
        base.push_str(&"0".repeat(dp as usize));
    }
    let suffix = if suffix.is_empty() {
        String::new()
    } else {
        format!("\"{}\"", suffix.replace('"', ""))
    };
    format!("{base}{suffix};\"△\"{base}{suffix}")
}

/// The workbook of one table: title, unit, header rows merged as on the page,
/// rows indented by depth, the source under the table.
pub fn table_xlsx(t: &Table, label: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date: the same plan gives byte-identical output.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&t.id))?;
    write_sheet(ws, t, label)?;
    wb.save_to_buffer()
}

fn write_sheet(ws: &mut Worksheet, t: &Table, label: &str) -> Result<(), XlsxError> {
    let ncols = t.columns.len() as u16;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E2F3");
    let mut r: u32 = 0;
    ws.write_string_with_format(r, 0, format!("{label} {}", t.title).trim(), &bold)?;
    r += 1;
    if let Some(u) = &t.unit {
        ws.write_string(r, 0, format!("(단위 : {u})"))?;
        r += 1;
    }
    let two_rows = t.columns.iter().any(|c| !c.group.is_empty());
    if two_rows {
        ws.merge_range(r, 0, r + 1, 0, &t.label_header, &head)?;
        let mut c: u16 = 1;
        let mut i = 0;
        while let Some(col) = t.columns.get(i) {
            if col.group.is_empty() {
                ws.merge_range(r, c, r + 1, c, &col.label, &head)?;
                c += 1;
                i += 1;
                continue;
            }
            let span = t
                .columns
                .iter()
                .skip(i)
                .take_while(|x| x.group == col.group)
                .count() as u16;
            if span > 1 {
                ws.merge_range(r, c, r, c + span - 1, &col.group, &head)?;
            } else {
                ws.write_string_with_format(r, c, &col.group, &head)?;
            }
            for (k, x) in t.columns.iter().skip(i).take(span as usize).enumerate() {
                ws.write_string_with_format(r + 1, c + k as u16, &x.label, &head)?;
            }
            c += span;
            i += span as usize;
        }
        r += 2;
    } else {
        ws.write_string_with_format(r, 0, &t.label_header, &head)?;
        for (k, col) in t.columns.iter().enumerate() {
            ws.write_string_with_format(r, 1 + k as u16, &col.label, &head)?;
        }
        r += 1;
    }
    let mut formats: HashMap<(String, bool), Format> = HashMap::new();
    let center = Format::new().set_align(FormatAlign::Center);
    for row in &t.rows {
        let strong = matches!(
            row.kind,
            RowKind::Total | RowKind::Subtotal | RowKind::Heading
        );
        let mut lf = Format::new().set_indent(row.depth.min(15) as u8);
        if strong {
            lf = lf.set_bold();
        }
        let text = match (&row.note, row.kind) {
            (Some(n), RowKind::Heading) => format!("{} {n}", row.label),
            _ => row.label.clone(),
        };
        if row.kind == RowKind::Heading {
            if ncols > 0 {
                ws.merge_range(r, 0, r, ncols, &text, &lf)?;
            } else {
                ws.write_string_with_format(r, 0, &text, &lf)?;
            }
            r += 1;
            continue;
        }
        ws.write_string_with_format(r, 0, &text, &lf)?;
        for (k, cell) in row.cells.iter().enumerate() {
            let c = 1 + k as u16;
            match cell {
                Cell::Missing => {
                    ws.write_string_with_format(r, c, "-", &center)?;
                }
                // The words, not an empty cell: a blank reads as 0 in a sum
                // and would not say that the figure is still to come.
                Cell::ToSupply => {
                    ws.write_string_with_format(r, c, crate::edition::TO_SUPPLY, &center)?;
                }
                Cell::Text(s) | Cell::Masked(s) => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Num {
                    value,
                    format,
                    paren,
                    mark,
                } => {
                    let dp = decimals(*value, *format);
                    let mut suffix = String::new();
                    if let Some(p) = paren {
                        suffix.push_str(&format!(" ({})", format_num(*p, *format)));
                    }
                    if let Some(m) = mark {
                        suffix.push_str(m);
                    }
                    let key = (number_format(dp, &suffix), strong);
                    let f = formats.entry(key.clone()).or_insert_with(|| {
                        let f = Format::new().set_num_format(&key.0);
                        if strong {
                            f.set_bold()
                        } else {
                            f
                        }
                    });
                    ws.write_number_with_format(r, c, value.to_f64().unwrap_or(0.0), f)?;
                }
            }
        }
        r += 1;
    }
    if let Some(s) = &t.source {
        ws.write_string(r, 0, s)?;
    }
    ws.set_column_width(0, 34)?;
    if ncols > 0 {
        ws.set_column_range_width(1, ncols, 12)?;
    }
    Ok(())
}

/// The workbook of a table that is not a table of `data/` (typed in the
/// narrative, a record or feedback table, a chart's figures): its cells as
/// the CSV holds them, a figure printed plainly (`1,234`, `△5.2`, `12.5`)
/// stored as a number shown the same way, anything else as text.
pub fn grid_xlsx(id: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(id))?;
    let mut formats: HashMap<u32, Format> = HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match plain_figure(cell) {
                Some((v, dp)) => {
                    let f = formats
                        .entry(dp)
                        .or_insert_with(|| Format::new().set_num_format(number_format(dp, "")));
                    ws.write_number_with_format(r, c, v, f)?;
                }
                None if cell.is_empty() => {}
                None => {
                    ws.write_string(r, c, cell)?;
                }
            }
        }
    }
    wb.save_to_buffer()
}

/// A cell that is a figure and nothing else — digits with thousands commas,
/// a fraction, `△` or `-` for negative — as its value and decimals.
fn plain_figure(s: &str) -> Option<(f64, u32)> {
    if s == "-" || s.ends_with('%') || !super::escape::is_plain_number(s) {
        return None;
    }
    let (neg, body) = match s.strip_prefix(['-', '△']) {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = body.replace(',', "");
    let dp = digits
        .split_once('.')
        .map_or(0, |(_, f)| u32::try_from(f.len()).unwrap_or(0));
    let v: f64 = digits.parse().ok()?;
    Some((if neg { -v } else { v }, dp.min(10)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_figures_become_numbers() {
        assert_eq!(super::plain_figure("1,234"), Some((1234.0, 0)));
        assert_eq!(super::plain_figure("△5.25"), Some((-5.25, 2)));
        assert_eq!(super::plain_figure("-"), None);
        assert_eq!(super::plain_figure("12%"), None);
        assert_eq!(super::plain_figure("2025년"), None);
    }

    #[test]
    fn negatives_show_a_triangle() {
        assert_eq!(super::number_format(2, ""), "#,##0.00;\"△\"#,##0.00");
        assert_eq!(
            super::number_format(0, " (5)*"),
            "#,##0\" (5)*\";\"△\"#,##0\" (5)*\""
        );
    }
}
