//! A worksheet read with calamine, addressed as the author sees it (`D14`),
//! and the header row that says which sheet column is which table column.

use super::Mapping;
use crate::model::table::Table;
use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

/// Rows searched for the header: a title, a unit line and two header rows
/// come first in the plan's layout; 30 leaves room for notes above.
const HEADER_SEARCH: usize = 30;

pub struct Grid {
    /// `budget.xlsx!예산`
    name: String,
    range: calamine::Range<Data>,
}

/// A cell as a value for the YAML.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetValue {
    Num(Decimal),
    Text(String),
    Empty,
}

/// `A`, `B`, … `Z`, `AA` for a 0-based column.
pub fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).to_string()
}

impl Grid {
    pub fn open(path: &Path, sheet: &str) -> Result<Grid, String> {
        let mut book: Xlsx<_> =
            open_workbook(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let names = book.sheet_names();
        if !names.iter().any(|n| n == sheet) {
            return Err(format!(
                "{} has no sheet `{sheet}` (its sheets: {})",
                path.display(),
                names.join(", ")
            ));
        }
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| format!("cannot read sheet `{sheet}` of {}: {e}", path.display()))?;
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        );
        Ok(Grid {
            name: format!("{file}!{sheet}"),
            range,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// One past the last row, in sheet coordinates (0-based).
    pub fn end_row(&self) -> usize {
        self.range.end().map_or(0, |(r, _)| r as usize + 1)
    }

    fn end_col(&self) -> usize {
        self.range.end().map_or(0, |(_, c)| c as usize + 1)
    }

    fn get(&self, r: usize, c: usize) -> Option<&Data> {
        let (r0, c0) = self.range.start()?;
        let (r, c) = (r.checked_sub(r0 as usize)?, c.checked_sub(c0 as usize)?);
        self.range.get((r, c))
    }

    /// `budget.xlsx!예산!D14`
    pub fn address(&self, r: usize, c: usize) -> String {
        format!("{}!{}{}", self.name, column_name(c as u32), r + 1)
    }

    /// The cell as trimmed text (numbers as written by Rust), "" when empty.
    pub fn text(&self, r: usize, c: usize) -> String {
        match self.get(r, c) {
            None | Some(Data::Empty) => String::new(),
            Some(Data::String(s)) => s.trim().to_string(),
            Some(d) => d.to_string().trim().to_string(),
        }
    }

    /// The cell as a value; an error names what it is instead of a figure.
    pub fn value(&self, r: usize, c: usize) -> Result<SheetValue, String> {
        match self.get(r, c) {
            None | Some(Data::Empty) => Ok(SheetValue::Empty),
            Some(Data::Int(i)) => Ok(SheetValue::Num(Decimal::from(*i))),
            Some(Data::Float(f)) => {
                if !f.is_finite() {
                    return Err(format!("{f} is not a figure"));
                }
                // Rust prints the shortest text that reads back as this f64:
                // what the author typed (3.675, not 3.67499…).
                Decimal::from_str(&format!("{f}"))
                    .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
                    .map(|d| SheetValue::Num(d.normalize()))
                    .map_err(|_| format!("{f} is out of range for an amount"))
            }
            Some(Data::String(s)) if s.trim().is_empty() => Ok(SheetValue::Empty),
            Some(Data::String(s)) => Ok(SheetValue::Text(s.trim().to_string())),
            Some(Data::Bool(b)) => Err(format!("'{b}' is not a number")),
            Some(Data::Error(e)) => Err(format!("the cell holds an error ({e})")),
            Some(d) => Err(format!("'{d}' is a date or time, not a number")),
        }
    }
}

/// Which sheet column is which table column, and where the data begins.
#[derive(Debug)]
pub struct Header {
    pub first_data_row: usize,
    pub label_col: usize,
    /// A column headed `id` that names row ids directly.
    pub id_col: Option<usize>,
    /// (sheet column, table column id)
    pub columns: Vec<(usize, String)>,
}

/// The header row: the one (of the first rows) whose cells name the most
/// table columns, read with the row above it as the upper header (the page's
/// merged '25년도 over 국비, 지방비: the merged value stands in its first cell).
pub fn header(grid: &Grid, table: &Table, map: &Mapping) -> Option<Header> {
    let start = grid.range.start().map_or(0, |(r, _)| r as usize);
    let (c0, c1) = (
        grid.range.start().map_or(0, |(_, c)| c as usize),
        grid.end_col(),
    );
    let mut best: Option<Header> = None;
    for r in start..grid.end_row().min(start + HEADER_SEARCH) {
        let mut group = String::new();
        let mut columns = Vec::new();
        let mut id_col = None;
        let mut first_free = None;
        for c in c0..c1 {
            let upper = if r > start {
                grid.text(r - 1, c)
            } else {
                String::new()
            };
            let lower = grid.text(r, c);
            if !upper.is_empty() {
                group = upper.clone();
            }
            // A column without a group spans both header rows: its label
            // stands in the upper row, the lower cell is empty.
            let (g, label) = if lower.is_empty() {
                (String::new(), upper.clone())
            } else {
                (group.clone(), lower.clone())
            };
            if lower == "id" {
                id_col = Some(c);
                continue;
            }
            match match_column(table, map, &g, &label, &lower) {
                Some(id) if !columns.iter().any(|(_, x)| x == &id) => columns.push((c, id)),
                _ => {
                    if first_free.is_none() && !label.is_empty() {
                        first_free = Some(c);
                    }
                }
            }
        }
        let better = best
            .as_ref()
            .is_none_or(|b| columns.len() > b.columns.len());
        if !columns.is_empty() && better {
            let label_col = first_free.unwrap_or(c0);
            best = Some(Header {
                first_data_row: r + 1,
                label_col,
                id_col,
                columns,
            });
        }
    }
    best
}

fn match_column(
    table: &Table,
    map: &Mapping,
    group: &str,
    label: &str,
    lower: &str,
) -> Option<String> {
    if label.is_empty() {
        return None;
    }
    for key in [label, lower] {
        if let Some(id) = map.columns.get(key) {
            return Some(id.clone());
        }
    }
    let cols = &table.columns;
    if let Some(c) = cols.iter().find(|c| c.id == label) {
        return Some(c.id.clone());
    }
    if let Some(c) = cols
        .iter()
        .find(|c| c.label == label && (c.group.is_empty() || c.group == group))
    {
        return Some(c.id.clone());
    }
    // One header row in the CSV's style: "'25년도 국비".
    if let Some(c) = cols
        .iter()
        .find(|c| format!("{} {}", c.group, c.label).trim() == label)
    {
        return Some(c.id.clone());
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_names() {
        assert_eq!(super::column_name(0), "A");
        assert_eq!(super::column_name(3), "D");
        assert_eq!(super::column_name(25), "Z");
        assert_eq!(super::column_name(26), "AA");
        assert_eq!(super::column_name(27), "AB");
    }
}
