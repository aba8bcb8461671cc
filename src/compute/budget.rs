//! Budget views: the funding table (국비/지방비/합계/증감) and one ROI table per
//! indicator (목표/예산/1억원당/증감), the dataset's own values, and its charts.

use super::{CellSink, Computed, Place, Value};
use crate::calc::budget::{aggregate, combine, parse_combination, Aggregates, Funding, NodeYear};
use crate::calc::{delta, Checked};
use crate::model::budget::{BudgetFile, BudgetView, Node, TotalRow, ViewKind, YearInput};
use crate::model::table::{Cell, Column, NumFormat, Row, RowKind, Table};
use rust_decimal::Decimal;

/// A year's last two digits, for headers ('24년도).
pub fn yy(year: u16) -> String {
    format!("{:02}", year % 100)
}

/// The role of a budget year in value keys and column ids: `_prev` for the
/// first of the dataset's two years (the previous plan year), `_cur` for the
/// plan year. Keys name roles, not calendar years, so that an edition's
/// narrative survives the roll-over to the next year.
pub fn role(years: [u16; 2], year: u16) -> &'static str {
    if year == years[0] && year != years[1] {
        "_prev"
    } else {
        "_cur"
    }
}

/// Computes every view, value and chart of one budget dataset. References are
/// validated before this runs; anything still unresolved is skipped, not guessed.
pub fn compute(file: &BudgetFile, out: &mut Computed) {
    let (agg, errors) = aggregate(file);
    for e in errors {
        out.error(
            Place::Node {
                dataset: file.id.clone(),
                node: e.node,
                year: Some(e.year),
                field: e.field,
            },
            e.error.to_string(),
        );
    }
    let supply = supply_nodes(file);
    if !supply.is_empty() {
        out.budget_supply.insert(file.id.clone(), supply);
    }
    register_base_values(file, &agg, out);
    out.budgets
        .insert(file.id.clone(), (agg.clone(), file.years));
    for v in &file.views {
        let sink = CellSink::default();
        let t = view_table(file, v, &agg, &sink);
        out.cell_errors(&t, sink);
        out.register_table_values(&t);
        out.tables.push(t);
    }
    let nodes = file.nodes();
    for spec in &file.charts {
        let label = |r: &str| nodes.iter().find(|n| n.id == r).map(|n| n.label.clone());
        let chart = super::resolve_chart(spec, out, &label);
        out.charts.push(chart);
    }
}

/// The nodes whose plan year is still to supply: a leaf of theirs lists the
/// year as `{}` (the model's mark of an input to supply), and derived
/// combinations that take such a node. Their plan-year sums are not
/// figures yet: a part is missing.
fn supply_nodes(file: &BudgetFile) -> std::collections::BTreeSet<String> {
    let [_, cur] = file.years;
    let mut out: std::collections::BTreeSet<String> = file
        .nodes()
        .into_iter()
        .filter(|n| {
            let mut below = Vec::new();
            n.walk(&mut below);
            below
                .iter()
                .any(|l| l.amounts.get(&cur).is_some_and(YearInput::is_empty))
        })
        .map(|n| n.id.clone())
        .collect();
    for d in &file.derived {
        let Ok(c) = parse_combination(&d.expr) else {
            continue;
        };
        if c.0.iter().any(|(_, id)| out.contains(id)) {
            out.insert(d.id.clone());
        }
    }
    out
}

fn register_funding(
    out: &mut Computed,
    (dataset, node): (&str, &str),
    years: [u16; 2],
    f: &[Funding; 2],
) {
    let prefix = format!("{dataset}.{node}");
    let supply = out
        .budget_supply
        .get(dataset)
        .is_some_and(|s| s.contains(node));
    for (year, fy) in years.iter().zip(f) {
        let y = role(years, *year);
        if supply && y == "_cur" {
            for name in ["gov", "local", "prov", "city", "total", "cost"] {
                out.to_supply.insert(format!("{prefix}.{name}{y}"));
            }
            continue;
        }
        for (name, v) in [
            ("gov", Ok(fy.gov)),
            ("local", Ok(fy.local)),
            ("prov", fy.prov()),
            ("city", Ok(fy.city)),
            ("total", fy.total()),
            ("cost", Ok(fy.project_cost)),
        ] {
            let v = v.unwrap_or_else(|e| {
                out.error(
                    Place::Node {
                        dataset: dataset.into(),
                        node: node.into(),
                        year: Some(*year),
                        field: name.into(),
                    },
                    e.to_string(),
                );
                None
            });
            if let Some(v) = v {
                out.values.insert(
                    format!("{prefix}.{name}{y}"),
                    Value {
                        value: v,
                        format: NumFormat::Amount,
                    },
                );
            }
        }
    }
}

fn register_base_values(file: &BudgetFile, agg: &Aggregates, out: &mut Computed) {
    for n in file.nodes() {
        let Some(ny) = agg.get(&n.id) else { continue };
        let f = [ny[0].funding.clone(), ny[1].funding.clone()];
        register_funding(out, (&file.id, &n.id), file.years, &f);
        for year in file.years {
            // 과제수 of a group is the count over its leaves.
            let mut leaves = Vec::new();
            n.walk(&mut leaves);
            let tasks: Option<Option<u32>> = leaves
                .iter()
                .filter_map(|l| l.amounts.get(&year).and_then(|a| a.tasks))
                .try_fold(None, |acc: Option<u32>, t| {
                    acc.unwrap_or(0).checked_add(t).map(Some)
                });
            let Some(tasks) = tasks else {
                out.error(
                    Place::Node {
                        dataset: file.id.clone(),
                        node: n.id.clone(),
                        year: Some(year),
                        field: "tasks".into(),
                    },
                    "the count of tasks overflows (max 4294967295)",
                );
                continue;
            };
            let key = format!("{}.{}.tasks{}", file.id, n.id, role(file.years, year));
            if role(file.years, year) == "_cur"
                && out
                    .budget_supply
                    .get(&file.id)
                    .is_some_and(|s| s.contains(&n.id))
            {
                out.to_supply.insert(key);
                continue;
            }
            if let Some(t) = tasks {
                out.values.insert(
                    key,
                    Value {
                        value: Decimal::from(t),
                        format: NumFormat::Fixed(0),
                    },
                );
            }
        }
        for (year, input) in &n.amounts {
            if !file.years.contains(year) {
                continue;
            }
            let y = role(file.years, *year);
            if let Some(a) = input.sales_achievement {
                out.values.insert(
                    format!("{}.{}.sales_achievement{y}", file.id, n.id),
                    Value {
                        value: a.0,
                        format: NumFormat::Fixed(2),
                    },
                );
            }
            for p in &input.parts {
                out.values.insert(
                    format!("{}.{}.amount{y}", file.id, p.id),
                    Value {
                        value: p.amount.0,
                        format: NumFormat::Amount,
                    },
                );
            }
        }
    }
    for d in &file.derived {
        let Ok(c) = parse_combination(&d.expr) else {
            continue;
        };
        match combine(&c, agg) {
            Some(Ok(f)) => register_funding(out, (&file.id, &d.id), file.years, &f),
            Some(Err(e)) => out.error(
                Place::Node {
                    dataset: file.id.clone(),
                    node: d.id.clone(),
                    year: None,
                    field: d.expr.clone(),
                },
                e.to_string(),
            ),
            None => {}
        }
    }
}

fn columns(file: &BudgetFile, v: &BudgetView) -> Vec<Column> {
    let names: [(&str, &str); 3] = match v.kind {
        ViewKind::Funding => [("gov", "국비"), ("local", "지방비"), ("total", "합계")],
        ViewKind::Roi => [("target", "목표"), ("budget", "예산"), ("roi", "1억원당")],
    };
    let mut cols = Vec::new();
    for year in file.years {
        for (id, label) in names {
            cols.push(Column {
                id: format!("{id}{}", role(file.years, year)),
                group: format!("'{}년도", yy(year)),
                label: label.into(),
                unit: None,
            });
        }
    }
    for (id, label) in names {
        cols.push(Column::new(&format!("d{id}"), "증감", label));
    }
    cols
}

fn with_paren(value: Option<Decimal>, paren: Option<Decimal>, format: NumFormat) -> Cell {
    match value {
        Some(v) => Cell::Num {
            value: v,
            format,
            paren,
            mark: None,
        },
        None => Cell::Missing,
    }
}

/// The 총사업비 of a leaf in both years and its change, when it has one.
fn costs(ny: &[NodeYear; 2]) -> [Checked<Option<Decimal>>; 3] {
    let (a, b) = (ny[0].funding.project_cost, ny[1].funding.project_cost);
    let d = if a.is_some() || b.is_some() {
        delta(a, b)
    } else {
        Ok(None)
    };
    [Ok(a), Ok(b), d]
}

/// A figure with the 총사업비 in parentheses; either failing fails the cell.
fn paren_cell(
    value: Checked<Option<Decimal>>,
    paren: &Checked<Option<Decimal>>,
    format: NumFormat,
) -> Checked<Cell> {
    Ok(with_paren(value?, (*paren)?, format))
}

fn opt_cell(value: Checked<Option<Decimal>>, format: NumFormat) -> Checked<Cell> {
    value.map(|v| Cell::opt(v, format))
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn funding_cells(ny: &[NodeYear; 2]) -> Vec<Checked<Cell>> {
    let a = NumFormat::Amount;
    let cost = costs(ny);
    let mut cells = Vec::new();
    for (yi, f) in ny.iter().map(|y| &y.funding).enumerate() {
        cells.push(paren_cell(Ok(f.gov), &cost[yi], a));
        cells.push(Ok(Cell::opt(f.local, a)));
        cells.push(paren_cell(f.total(), &cost[yi], a));
    }
    let (p, c) = (&ny[0].funding, &ny[1].funding);
    cells.push(paren_cell(delta(p.gov, c.gov), &cost[2], a));
    cells.push(opt_cell(delta(p.local, c.local), a));
    let total = p.total().and_then(|p| c.total().and_then(|c| delta(p, c)));
    cells.push(paren_cell(total, &cost[2], a));
    cells
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn roi_cells(ny: &[NodeYear; 2], ind: &str, targeted_note: bool) -> Vec<Checked<Cell>> {
    let a = NumFormat::Amount;
    let r = NumFormat::Fixed(2);
    let cost = costs(ny);
    let mut cells = Vec::new();
    for (yi, y) in ny.iter().enumerate() {
        cells.push(Ok(Cell::opt(y.target(ind), NumFormat::Fixed(2))));
        cells.push(paren_cell(y.roi_budget(ind), &cost[yi], a));
        let roi = y.roi(ind).and_then(|v| {
            let mut roi = Cell::opt(v, r);
            if targeted_note {
                if let (
                    Cell::Num {
                        value, paren, mark, ..
                    },
                    Some(t),
                ) = (&mut roi, y.targeted_roi(ind)?)
                {
                    if crate::calc::round_half_up(t, 2) != crate::calc::round_half_up(*value, 2) {
                        *paren = Some(t);
                        *mark = Some("*".into());
                    }
                }
            }
            Ok(roi)
        });
        cells.push(roi);
    }
    let (p, c) = (&ny[0], &ny[1]);
    cells.push(opt_cell(
        delta(p.target(ind), c.target(ind)),
        NumFormat::Fixed(2),
    ));
    let budget = p
        .roi_budget(ind)
        .and_then(|p| c.roi_budget(ind).and_then(|c| delta(p, c)));
    cells.push(paren_cell(budget, &cost[2], a));
    // 증감 of a ratio is taken from the unrounded ratios.
    let roi = p
        .roi(ind)
        .and_then(|p| c.roi(ind).and_then(|c| delta(p, c)));
    cells.push(opt_cell(roi, r));
    cells
}

fn view_table(file: &BudgetFile, v: &BudgetView, agg: &Aggregates, sink: &CellSink) -> Table {
    let mut rows = Vec::new();
    let ind = v.indicator.clone().unwrap_or_default();
    let cells = |n: &Node| -> Vec<Cell> {
        let Some(ny) = agg.get(&n.id) else {
            return Vec::new();
        };
        let cells = match v.kind {
            ViewKind::Funding => funding_cells(ny),
            ViewKind::Roi => roi_cells(ny, &ind, v.targeted_roi_rows.contains(&n.id)),
        };
        let mut cells = sink.row(&n.id, cells);
        // The plan year still to supply (`{}` under a leaf): its cells and
        // the changes say so rather than "-" or a change against nothing.
        let mut leaves = Vec::new();
        n.walk(&mut leaves);
        let [_, cur] = file.years;
        if leaves
            .iter()
            .any(|l| l.amounts.get(&cur).is_some_and(YearInput::is_empty))
        {
            // The plan year's three columns, then the three changes (a
            // change against a year not given yet is not known either).
            // A group's plan-year sums lack the part to supply: not a figure yet.
            let group = !n.children.is_empty();
            for (i, c) in cells.iter_mut().enumerate().skip(3) {
                if i >= 6 || group || matches!(c, Cell::Missing) {
                    *c = Cell::ToSupply;
                }
            }
        }
        cells
    };
    for n in &file.tree {
        push_rows(n, 0, &[], &cells, &mut rows);
    }
    Table {
        id: v.id.clone(),
        title: v.title.clone(),
        unit: Some(v.unit.clone()),
        source: v.source.clone(),
        label_header: "사업명 (산업명)".into(),
        columns: columns(file, v),
        rows,
        ranges: Default::default(),
        errata: Default::default(),
    }
}

fn push_rows(
    n: &Node,
    depth: usize,
    path: &[String],
    cells: &dyn Fn(&Node) -> Vec<Cell>,
    out: &mut Vec<Row>,
) {
    let row = |kind: RowKind, label: String, depth: usize| Row {
        id: n.id.clone(),
        label,
        path: path.to_vec(),
        depth,
        kind,
        cells: if kind == RowKind::Heading {
            Vec::new()
        } else {
            cells(n)
        },
        note: n.note.clone(),
    };
    if n.is_leaf() {
        out.push(row(RowKind::Leaf, n.label.clone(), depth));
        return;
    }
    let total_kind = if depth == 0 {
        RowKind::Total
    } else {
        RowKind::Subtotal
    };
    let mut child_path = path.to_vec();
    child_path.push(n.label.clone());
    match n.total_row.unwrap_or_default() {
        TotalRow::First => {
            let label = n.total_label.clone().unwrap_or_else(|| n.label.clone());
            out.push(row(total_kind, label, depth));
            for c in &n.children {
                push_rows(c, depth + 1, &child_path, cells, out);
            }
        }
        TotalRow::Last => {
            out.push(row(RowKind::Heading, n.label.clone(), depth));
            for c in &n.children {
                push_rows(c, depth + 1, &child_path, cells, out);
            }
            let label = n.total_label.clone().unwrap_or_else(|| "소계".into());
            let mut r = row(total_kind, label, depth + 1);
            r.path = child_path.clone();
            out.push(r);
        }
        TotalRow::None => {
            out.push(row(RowKind::Heading, n.label.clone(), depth));
            for c in &n.children {
                push_rows(c, depth + 1, &child_path, cells, out);
            }
        }
    }
}
