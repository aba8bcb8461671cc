//! The compute stage: datasets → tables, chart data and named values.
//! Everything a page shows as a number comes out of here.

pub mod budget;

use crate::model::chart::ChartData;
use crate::model::table::{NumFormat, Table};
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
