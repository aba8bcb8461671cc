//! The publish stage, between validate and render: where the published plan
//! printed a figure that planbook computes, the pages show the printed
//! figure, exactly as printed; where it disagrees with what its inputs allow
//! (validate's rule, `validate::is_consistent`), it carries an errata mark
//! with the computed value. Where nothing was published, the computed value
//! stands. The corrected edition (`build --computed`) keeps the computed
//! values and marks each figure that differs from the printed one. No number
//! is replaced without a mark unless the two agree.
//!
//! Tables, the values quoted in sentences and the figures drawn from tables
//! all read the same substituted table, so the site, the print, the CSV, the
//! charts and the narrative show one figure.

use crate::compute::Computed;
use crate::load::Content;
use crate::model::table::{Cell, Erratum, NumFormat, RowKind};
use crate::numfmt::{format_cell, parse_printed, Printed};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    /// The figures as published, inconsistent ones marked.
    #[default]
    Published,
    /// Computed figures everywhere, those that differ from print marked.
    Computed,
}

/// One published figure: where it is and what was printed.
struct Published<'a> {
    table: &'a str,
    row: &'a str,
    col: &'a str,
    printed: &'a str,
}

/// Every published figure by its key `table.row.col`, as printed.
pub fn published_figures(content: &Content) -> BTreeMap<String, String> {
    published(content)
        .into_iter()
        .map(|p| {
            (
                format!("{}.{}.{}", p.table, p.row, p.col),
                p.printed.to_string(),
            )
        })
        .collect()
}

fn published(content: &Content) -> Vec<Published<'_>> {
    let mut out = Vec::new();
    for b in &content.budgets {
        for n in b.value.nodes() {
            for (view, cols) in &n.published {
                for (col, printed) in cols {
                    out.push(Published {
                        table: view,
                        row: &n.id,
                        col,
                        printed,
                    });
                }
            }
        }
    }
    for t in &content.tables {
        for spec in &t.value.tables {
            for (row, cells) in &spec.published {
                for (col, printed) in cells {
                    out.push(Published {
                        table: &spec.id,
                        row,
                        col,
                        printed,
                    });
                }
            }
        }
    }
    for p in &content.performance {
        let f = &p.value;
        for (table, rows) in &f.published {
            for (row, cells) in rows {
                for (col, printed) in cells {
                    out.push(Published {
                        table,
                        row,
                        col,
                        printed,
                    });
                }
            }
        }
    }
    out
}

/// The cell that shows a printed figure as printed.
fn printed_cell(p: &Printed, was: &Cell) -> Cell {
    match p {
        Printed::Missing => Cell::Missing,
        Printed::Masked(s) => Cell::Masked(s.clone()),
        Printed::Num { value, dp, paren } => Cell::Num {
            value: *value,
            format: NumFormat::Fixed(*dp),
            paren: paren.map(|(v, _)| v),
            mark: match was {
                Cell::Num { mark, .. } => mark.clone(),
                _ => None,
            },
        },
    }
}

/// Applies the edition to the computed tables, the quotable values and the
/// figures drawn from tables. Figures that validate reported as unknown or
/// unreadable are left alone (validate refuses the build for those).
pub fn apply(content: &Content, computed: &mut Computed, edition: Edition) {
    computed.edition = edition;
    let index: BTreeMap<String, usize> = computed
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let mut touched = std::collections::BTreeSet::new();
    for p in published(content) {
        let Some(&ti) = index.get(p.table) else {
            continue;
        };
        let Some(t) = computed.tables.get_mut(ti) else {
            continue;
        };
        let (Some(ci), Some(ri)) = (
            t.col_index(p.col),
            t.rows
                .iter()
                .position(|r| r.id == p.row && r.kind != RowKind::Heading),
        ) else {
            continue;
        };
        let Some(cell) = t.rows.get(ri).and_then(|r| r.cells.get(ci)).cloned() else {
            continue;
        };
        let Some(printed) = parse_printed(p.printed) else {
            continue;
        };
        let consistent = crate::validate::is_consistent(t, p.row, p.col, &cell, &printed);
        match edition {
            Edition::Published => {
                // A masked figure stays as the public edition shows it.
                if !matches!(printed, Printed::Masked(_)) {
                    if let Some(slot) = t.rows.get_mut(ri).and_then(|r| r.cells.get_mut(ci)) {
                        *slot = printed_cell(&printed, &cell);
                    }
                }
                if !consistent {
                    t.errata.insert(
                        (ri, ci),
                        Erratum {
                            what: "계산값",
                            other: format_cell(&cell),
                        },
                    );
                }
            }
            Edition::Computed => {
                if !consistent {
                    t.errata.insert(
                        (ri, ci),
                        Erratum {
                            what: "원본",
                            other: p.printed.trim().to_string(),
                        },
                    );
                }
            }
        }
        touched.insert(ti);
    }
    for &ti in &touched {
        // The table's quotable values follow its substituted cells.
        let Some(t) = computed.tables.get(ti).cloned() else {
            continue;
        };
        computed.register_table_values(&t);
        for (&(ri, ci), e) in &t.errata {
            if let (Some(r), Some(c)) = (t.rows.get(ri), t.columns.get(ci)) {
                computed
                    .value_errata
                    .insert(format!("{}.{}.{}", t.id, r.id, c.id), e.clone());
            }
        }
    }
    if edition == Edition::Published && !touched.is_empty() {
        redraw_table_charts(content, computed);
    }
}

/// Figures read from tables are drawn again from the published tables, in
/// place, so that a chart shows what its table shows.
fn redraw_table_charts(content: &Content, computed: &mut Computed) {
    let drawn = std::mem::take(&mut computed.charts);
    for t in &content.tables {
        crate::compute::tables::charts(&t.value, computed);
    }
    let redrawn = std::mem::replace(&mut computed.charts, drawn);
    for c in redrawn {
        if let Some(slot) = computed.charts.iter_mut().find(|x| x.id == c.id) {
            *slot = c;
        }
    }
}

/// A figure a sentence quotes as printed (`{{val KEY printed="5.54"}}`):
/// whether the value allows it (its rounding, or the range its inputs'
/// precision allows). None when the value is unknown or the text is not a
/// figure.
pub fn quoted_consistent(computed: &Computed, key: &str, printed: &str) -> Option<bool> {
    let v = computed.values.get(key)?;
    let p = parse_printed(printed)?;
    if !matches!(p, Printed::Num { .. }) {
        return Some(false);
    }
    // The one rule of validate, on the quoted value as a cell of its table.
    let cell = Cell::num(v.value, v.format);
    let mut parts = key.splitn(3, '.');
    let table = match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(r), Some(c)) => computed.table(t).map(|t| (t, r, c)),
        _ => None,
    };
    Some(match table {
        Some((t, r, c)) => crate::validate::is_consistent(t, r, c, &cell, &p),
        None => crate::numfmt::matches_printed(&cell, &p),
    })
}
