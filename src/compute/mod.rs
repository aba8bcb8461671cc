#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! The compute stage: datasets → tables, chart data and named values.
//! Everything a page shows as a number comes out of here.

pub mod budget;
pub mod perf;
mod perf_ranges;
pub mod tables;
pub mod typology;

use crate::model::chart::{ChartData, ChartSpec, PanelData, SeriesData};
use crate::model::table::Cell;
use crate::model::table::{NumFormat, Table};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value {
    pub value: Decimal,
    pub format: NumFormat,
}

/// Where a computed figure failed, by ids only (no file or line: validate
/// maps these to the YAML that defines them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A cell of a computed table (table datasets, budget views, perf tables).
    Cell {
        table: String,
        row: String,
        column: String,
    },
    /// A figure of a budget node (or a performance programme) in one year;
    /// `field` is `gov`, `local`, `city`, `total`, `target.<indicator>` ….
    Node {
        dataset: String,
        node: String,
        year: Option<u16>,
        field: String,
    },
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Place::Cell { table, row, column } => {
                write!(f, "table `{table}`, row `{row}`, column `{column}`")
            }
            Place::Node {
                dataset,
                node,
                year,
                field,
            } => {
                write!(f, "`{dataset}` node `{node}`, {field}")?;
                match year {
                    Some(y) => write!(f, " {y}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A figure that could not be computed (overflow, a reference cycle, a
/// formula that does not parse). The figure itself is left "-"; validate
/// turns these into error diagnostics, so such a plan never builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputeError {
    pub place: Place,
    pub message: String,
}

impl std::fmt::Display for ComputeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

#[derive(Debug, Default, Clone)]
pub struct Computed {
    /// In dataset order.
    pub tables: Vec<Table>,
    pub charts: Vec<ChartData>,
    /// Every quotable number: `table.row.col`, `dataset.node.field`.
    pub values: BTreeMap<String, Value>,
    /// Budget aggregates by dataset id, for datasets that read the plan years.
    pub budgets: BTreeMap<String, (crate::calc::budget::Aggregates, [u16; 2])>,
    /// Figures that could not be computed, in the order found.
    pub errors: Vec<ComputeError>,
    /// Quotable values shown with an errata mark (the publish stage), by key.
    pub value_errata: BTreeMap<String, crate::model::table::Erratum>,
    /// The edition the figures are of (set by the publish stage).
    pub edition: crate::publish::Edition,
    /// Figures defined by another table's figure: what the audit follows to
    /// the root of a misprint repeated across tables.
    pub links: Vec<Link>,
    /// The audit's word on each inconsistent published figure, by figure id
    /// (`table.row.col`; a sentence's as `key@line`): for the errata page.
    pub audit: BTreeMap<String, AuditNote>,
    /// A new edition's inputs to supply, by performance dataset id (read
    /// from its `# 자료 입력 필요:` comments before it is computed).
    pub supply_marks: BTreeMap<String, crate::edition::ToSupply>,
    /// Budget nodes whose plan year is still to supply (a leaf of theirs
    /// has `{}` for it), by budget dataset id.
    pub budget_supply: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Value keys with no figure yet because an input is to supply: a
    /// formula that reads one is to supply too, not "-".
    pub to_supply: std::collections::BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditNote {
    /// The root finding's figure, for a dependent.
    pub root: Option<String>,
    pub dependents: usize,
    /// The author's reason, for an accepted erratum.
    pub reason: Option<String>,
}

/// A figure (`table.row.col`) defined by others.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub figure: String,
    pub kind: LinkKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkKind {
    /// `factor` × the source (1: the same quantity printed twice).
    Scale { source: String, factor: Decimal },
    /// part / whole × 100.
    Pct { part: String, whole: String },
    /// A table formula, over the cells of the figure's own table.
    Formula(crate::calc::expr::Expr),
}

impl Link {
    pub fn same(t: &Table, row: &str, col: &str, source: &Table, srow: &str, scol: &str) -> Link {
        Link {
            figure: format!("{}.{row}.{col}", t.id),
            kind: LinkKind::Scale {
                source: format!("{}.{srow}.{scol}", source.id),
                factor: Decimal::ONE,
            },
        }
    }
}

impl Computed {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub fn chart(&self, id: &str) -> Option<&ChartData> {
        self.charts.iter().find(|c| c.id == id)
    }

    /// Records an error once: one cause often reaches a place by two paths.
    pub fn error(&mut self, place: Place, message: impl Into<String>) {
        let e = ComputeError {
            place,
            message: message.into(),
        };
        if !self.errors.contains(&e) {
            self.errors.push(e);
        }
    }

    /// Records the errors of a table's cells (see `CellSink`).
    pub fn cell_errors(&mut self, table: &Table, sink: CellSink) {
        for (row, ci, e) in sink.0.into_inner() {
            let column = table
                .columns
                .get(ci)
                .map_or_else(|| ci.to_string(), |c| c.id.clone());
            self.error(
                Place::Cell {
                    table: table.id.clone(),
                    row,
                    column,
                },
                e.to_string(),
            );
        }
    }

    /// Registers every numeric cell of a table as a value.
    pub fn register_table_values(&mut self, t: &Table) {
        for r in &t.rows {
            if r.kind == crate::model::table::RowKind::Heading {
                continue;
            }
            for (c, cell) in t.columns.iter().zip(&r.cells) {
                if cell.is_to_supply() {
                    self.to_supply.insert(format!("{}.{}.{}", t.id, r.id, c.id));
                }
                if let crate::model::table::Cell::Num {
                    value,
                    format,
                    paren,
                    ..
                } = cell
                {
                    let key = format!("{}.{}.{}", t.id, r.id, c.id);
                    if let Some(p) = paren {
                        self.values.insert(
                            format!("{key}.paren"),
                            Value {
                                value: *p,
                                format: *format,
                            },
                        );
                    }
                    self.values.insert(
                        key,
                        Value {
                            value: *value,
                            format: *format,
                        },
                    );
                }
            }
        }
    }
}

/// Collects the failures of cells while a table is built by closures that
/// return plain cells: (row id, column index, error). A failed cell is "-".
#[derive(Debug, Default)]
pub struct CellSink(std::cell::RefCell<Vec<(String, usize, crate::calc::CalcError)>>);

impl CellSink {
    /// Turns a row's checked cells into cells, remembering the failures.
    pub fn row(&self, row: &str, cells: Vec<crate::calc::Checked<Cell>>) -> Vec<Cell> {
        cells
            .into_iter()
            .enumerate()
            .map(|(ci, c)| {
                c.unwrap_or_else(|e| {
                    self.0.borrow_mut().push((row.to_string(), ci, e));
                    Cell::Missing
                })
            })
            .collect()
    }
}

/// Resolves a chart spec against computed tables; `label` names a row when
/// the spec does not.
pub fn resolve_chart(
    spec: &ChartSpec,
    out: &Computed,
    label: &dyn Fn(&str) -> Option<String>,
) -> ChartData {
    let num = |c: Option<&Cell>| c.and_then(Cell::value).and_then(|d| d.to_f64());
    let row_labels = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| {
                spec.labels
                    .get(r)
                    .cloned()
                    .or_else(|| label(r))
                    .unwrap_or_else(|| r.clone())
            })
            .collect()
    };
    let mut panels = Vec::new();
    for p in &spec.panels {
        let t = p.table.as_deref().and_then(|id| out.table(id));
        let rows = if p.rows.is_empty() {
            &spec.rows
        } else {
            &p.rows
        };
        let mut series = Vec::new();
        let mut decimals = None;
        for s in &p.series {
            let mut supply = Vec::new();
            let values: Vec<Option<f64>> = if let Some(inline) = &s.values {
                inline
                    .iter()
                    .map(|v| match v {
                        crate::model::dataset::CellInput::Num(a) => a.0.to_f64(),
                        crate::model::dataset::CellInput::Text(_) => None,
                    })
                    .collect()
            } else {
                let Some(t) = t else { continue };
                // A series reads one row across columns, or one column down the rows.
                let cells: Vec<Option<&Cell>> = match &s.row {
                    Some(row) => s.cols.iter().map(|c| t.cell(row, c)).collect(),
                    None => rows.iter().map(|r| t.cell(r, &s.col)).collect(),
                };
                if let Some(Cell::Num {
                    format: NumFormat::Fixed(dp),
                    ..
                }) = cells.iter().flatten().find(|c| c.value().is_some())
                {
                    decimals = Some(*dp);
                }
                if cells.iter().flatten().any(|c| c.is_to_supply()) {
                    supply = cells
                        .iter()
                        .map(|c| c.is_some_and(Cell::is_to_supply))
                        .collect();
                }
                cells.into_iter().map(num).collect()
            };
            series.push(SeriesData {
                label: s.label.clone(),
                stack: s.stack.clone().unwrap_or_else(|| s.label.clone()),
                color: s.color.clone(),
                values,
                supply,
                right: s.axis == Some(crate::model::chart::Axis::Right),
                line: s.line,
            });
        }
        if decimals.is_none() && p.series.iter().any(|s| s.values.is_some()) {
            decimals = Some(inline_decimals(p));
        }
        panels.push(PanelData {
            title: p.title.clone(),
            categories: if p.rows.is_empty() {
                Vec::new()
            } else {
                row_labels(&p.rows)
            },
            value_label: p.value_label.clone().or_else(|| spec.value_label.clone()),
            series,
            decimals: decimals.unwrap_or(2),
        });
    }
    // Categories: the x points when given, else the rows' labels.
    let categories = if spec.x.is_empty() {
        row_labels(&spec.rows)
    } else {
        spec.x.clone()
    };
    let scatter = spec.scatter.as_ref().map(|sc| {
        let t = out.table(&sc.table);
        let points = spec
            .rows
            .iter()
            .filter_map(|r| {
                let t = t?;
                let name = spec
                    .labels
                    .get(r)
                    .cloned()
                    .or_else(|| t.row(r).map(|row| row.label.clone()))?;
                Some((num(t.cell(r, &sc.x))?, num(t.cell(r, &sc.y))?, name))
            })
            .collect();
        crate::model::chart::ScatterData {
            x_label: sc.x_label.clone(),
            y_label: sc.y_label.clone(),
            points,
            thresholds: match (sc.x_threshold, sc.y_threshold) {
                (Some(x), Some(y)) => vec![(String::new(), x, y)],
                _ => Vec::new(),
            },
            named: true,
            quadrants: sc.quadrants.clone(),
        }
    });
    ChartData {
        id: spec.id.clone(),
        title: spec.title.clone(),
        kind: spec.kind,
        categories,
        source: spec.source.clone(),
        panels,
        tables: spec
            .panels
            .iter()
            .filter_map(|p| p.table.clone())
            .chain(spec.scatter.as_ref().map(|s| s.table.clone()))
            .collect(),
        scatter,
        percent: spec.percent,
        donut: spec.donut,
        right_label: spec.right_label.clone(),
        diagram: spec.diagram.clone(),
    }
}

/// Decimals of inline values: the most any of them is written with.
fn inline_decimals(p: &crate::model::chart::PanelSpec) -> u32 {
    p.series
        .iter()
        .filter_map(|s| s.values.as_ref())
        .flatten()
        .filter_map(|v| match v {
            crate::model::dataset::CellInput::Num(a) => Some(a.0.scale()),
            crate::model::dataset::CellInput::Text(_) => None,
        })
        .max()
        .unwrap_or(0)
}
