//! The compute stage: datasets → tables, chart data and named values.
//! Everything a page shows as a number comes out of here.

pub mod budget;
pub mod perf;
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

#[derive(Debug, Default)]
pub struct Computed {
    /// In dataset order.
    pub tables: Vec<Table>,
    pub charts: Vec<ChartData>,
    /// Every quotable number: `table.row.col`, `dataset.node.field`.
    pub values: BTreeMap<String, Value>,
    /// Budget aggregates by dataset id, for datasets that read the plan years.
    pub budgets: BTreeMap<String, (crate::calc::budget::Aggregates, [u16; 2])>,
}

impl Computed {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub fn chart(&self, id: &str) -> Option<&ChartData> {
        self.charts.iter().find(|c| c.id == id)
    }

    /// Registers every numeric cell of a table as a value.
    pub fn register_table_values(&mut self, t: &Table) {
        for r in &t.rows {
            if r.kind == crate::model::table::RowKind::Heading {
                continue;
            }
            for (c, cell) in t.columns.iter().zip(&r.cells) {
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

/// Resolves a chart spec against computed tables; `label` names a row when
/// the spec does not.
pub fn resolve_chart(
    spec: &ChartSpec,
    out: &Computed,
    label: &dyn Fn(&str) -> Option<String>,
) -> ChartData {
    use crate::model::chart::ChartKind;
    let num = |c: Option<&Cell>| c.and_then(Cell::value).and_then(|d| d.to_f64());
    let mut panels = Vec::new();
    for p in &spec.panels {
        let Some(t) = out.table(&p.table) else {
            continue;
        };
        let mut series = Vec::new();
        let mut decimals = 2;
        for s in &p.series {
            // Bars read one column down the rows; a line reads one row across columns.
            let cells: Vec<Option<&Cell>> = match (&s.row, spec.kind) {
                (Some(row), ChartKind::Line) => s.cols.iter().map(|c| t.cell(row, c)).collect(),
                _ => spec.rows.iter().map(|r| t.cell(r, &s.col)).collect(),
            };
            if let Some(Cell::Num {
                format: NumFormat::Fixed(dp),
                ..
            }) = cells.iter().flatten().find(|c| c.value().is_some())
            {
                decimals = *dp;
            }
            series.push(SeriesData {
                label: s.label.clone(),
                stack: s.stack.clone().unwrap_or_else(|| s.label.clone()),
                color: s.color.clone(),
                values: cells.into_iter().map(num).collect(),
            });
        }
        panels.push(PanelData {
            title: p.title.clone(),
            value_label: p.value_label.clone().or_else(|| spec.value_label.clone()),
            series,
            decimals,
        });
    }
    let categories = match spec.kind {
        ChartKind::Line | ChartKind::Scatter => spec.x.clone(),
        ChartKind::HBar => spec
            .rows
            .iter()
            .map(|r| {
                spec.labels
                    .get(r)
                    .cloned()
                    .or_else(|| label(r))
                    .unwrap_or_else(|| r.clone())
            })
            .collect(),
    };
    ChartData {
        id: spec.id.clone(),
        title: spec.title.clone(),
        kind: spec.kind,
        categories,
        source: spec.source.clone(),
        panels,
        tables: spec.panels.iter().map(|p| p.table.clone()).collect(),
        scatter: None,
    }
}
