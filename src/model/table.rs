//! A computed table: the plain data type between compute and render.

use crate::calc::interval::Interval;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFormat {
    /// Exactly this many decimals.
    Fixed(u32),
    /// Two decimals, or three when the third is not zero (101.195, 44.925).
    Amount,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// "-": nothing, as published (not applicable, or not given).
    Missing,
    /// Not known yet: an input a new edition must supply is empty (a
    /// `# 자료 입력 필요:` input), or the figure is computed from one. Shown
    /// as 자료 입력 필요, never "-": a reader must tell "nothing" from "not
    /// yet", and `check` lists the inputs as N002.
    ToSupply,
    Num {
        value: Decimal,
        format: NumFormat,
        /// A second figure printed in parentheses: 총사업비, or the ratio over
        /// targeted programmes only.
        paren: Option<Decimal>,
        /// A footnote mark after the cell (`*`).
        mark: Option<String>,
    },
    Text(String),
    /// A figure masked in the public edition (`***`), shown as printed.
    Masked(String),
}

impl Cell {
    pub fn num(value: Decimal, format: NumFormat) -> Cell {
        Cell::Num {
            value,
            format,
            paren: None,
            mark: None,
        }
    }

    pub fn opt(value: Option<Decimal>, format: NumFormat) -> Cell {
        value.map_or(Cell::Missing, |v| Cell::num(v, format))
    }

    /// `opt`, except that an absent value whose inputs are still to supply
    /// is `ToSupply` rather than "-". A value that is there stays a figure:
    /// it did not need the missing input.
    pub fn opt_or_supply(value: Option<Decimal>, format: NumFormat, to_supply: bool) -> Cell {
        match value {
            None if to_supply => Cell::ToSupply,
            v => Cell::opt(v, format),
        }
    }

    /// A cell still without a figure because of an input to supply.
    pub fn is_to_supply(&self) -> bool {
        matches!(self, Cell::ToSupply)
    }

    pub fn value(&self) -> Option<Decimal> {
        match self {
            Cell::Num { value, .. } => Some(*value),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub id: String,
    /// The upper header ('24년도).
    pub group: String,
    /// The lower header (국비).
    pub label: String,
    /// The unit of this column's figures where the table states it (charts
    /// check that one axis shows one unit).
    pub unit: Option<String>,
}

impl Column {
    pub fn new(id: &str, group: &str, label: &str) -> Self {
        Column {
            id: id.into(),
            group: group.into(),
            label: label.into(),
            unit: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A heading row with no figures (the group name above its children).
    Heading,
    Leaf,
    Subtotal,
    Total,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub label: String,
    /// Ancestor labels, outermost first.
    pub path: Vec<String>,
    pub depth: usize,
    pub kind: RowKind,
    pub cells: Vec<Cell>,
    /// A remark printed with the label (`* 괄호 : 총사업비 구분기재`).
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub label_header: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The range each figure can take given its inputs' precision (row and
    /// column index), where it is known: the audit accepts a printed figure
    /// that some value of the range rounds to.
    pub ranges: BTreeMap<(usize, usize), Interval>,
    /// Cells whose figure disagrees with its other edition (the published
    /// figure shown, the computed one here; or the reverse in the corrected
    /// edition), by row and column index: an errata mark is drawn.
    pub errata: BTreeMap<(usize, usize), Erratum>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erratum {
    /// "계산값" or "원본".
    pub what: &'static str,
    pub other: String,
}

impl Table {
    pub fn col_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.id == id && r.kind != RowKind::Heading)
    }

    /// The range of a figure, where its inputs' precision is known.
    pub fn range(&self, row: &str, col: &str) -> Option<Interval> {
        let c = self.col_index(col)?;
        let r = self
            .rows
            .iter()
            .position(|r| r.id == row && r.kind != RowKind::Heading)?;
        self.ranges.get(&(r, c)).copied()
    }

    pub fn cell(&self, row: &str, col: &str) -> Option<&Cell> {
        let c = self.col_index(col)?;
        self.row(row).and_then(|r| r.cells.get(c))
    }
}
