//! Table datasets: input cells, row sums and column formulas → a Table.

use super::Computed;
use crate::calc::expr::{self, Val};
use crate::model::dataset::{is_masked, CellInput, RowKindSpec, TableFile, TableSpec, Values};
use crate::model::table::{Cell, Column, NumFormat, Row, RowKind, Table};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn to_val(c: &Cell) -> Val {
    match c {
        Cell::Num { value, .. } => Val::Num(*value),
        Cell::Masked(_) => Val::Masked,
        _ => Val::Missing,
    }
}

fn input_cell(c: &CellInput, dp: u32) -> Cell {
    match c {
        CellInput::Num(a) => Cell::num(a.0, NumFormat::Fixed(dp)),
        CellInput::Text(t) if t.trim() == "-" || t.trim().is_empty() => Cell::Missing,
        CellInput::Text(t) if is_masked(t) => Cell::Masked(t.trim().to_string()),
        CellInput::Text(t) => Cell::Text(t.clone()),
    }
}

/// Input values of a row by column id (a list follows the input columns).
pub fn row_inputs<'a>(
    spec: &'a TableSpec,
    values: &'a Option<Values>,
) -> BTreeMap<&'a str, &'a CellInput> {
    let mut m = BTreeMap::new();
    match values {
        Some(Values::List(list)) => {
            let inputs = spec.columns.iter().filter(|c| c.compute.is_none());
            for (c, v) in inputs.zip(list) {
                m.insert(c.id.as_str(), v);
            }
        }
        Some(Values::Map(map)) => {
            for (k, v) in map {
                m.insert(k.as_str(), v);
            }
        }
        None => {}
    }
    m
}

fn default_dp(spec: &TableSpec, col: &str) -> u32 {
    let mut all_int = true;
    for r in &spec.rows {
        if let Some(CellInput::Num(a)) = row_inputs(spec, &r.values).get(col) {
            if !a.0.fract().is_zero() {
                all_int = false;
            }
        }
    }
    if all_int {
        0
    } else {
        2
    }
}

pub fn table(spec: &TableSpec) -> Table {
    table_with(spec, &|_| None)
}

/// A table whose formulas may read values computed elsewhere (`v("…")`).
pub fn table_with(spec: &TableSpec, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Table {
    let ncol = spec.columns.len();
    let dps: Vec<u32> = spec
        .columns
        .iter()
        .map(|c| {
            c.dp.unwrap_or_else(|| {
                if c.compute.is_some() {
                    2
                } else {
                    default_dp(spec, &c.id)
                }
            })
        })
        .collect();
    let col_index: BTreeMap<&str, usize> = spec
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let row_index: BTreeMap<&str, usize> = spec
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut grid: Vec<Vec<Cell>> = vec![vec![Cell::Missing; ncol]; spec.rows.len()];

    // 1. Typed inputs.
    for (ri, r) in spec.rows.iter().enumerate() {
        for (cid, v) in row_inputs(spec, &r.values) {
            if let Some(&ci) = col_index.get(cid) {
                grid[ri][ci] = input_cell(v, dps[ci]);
            }
        }
    }
    // 2. Sum rows, in row order so that a sum may include an earlier sum.
    for (ri, r) in spec.rows.iter().enumerate() {
        let Some(parts) = &r.sum else { continue };
        let given = row_inputs(spec, &r.values);
        for (ci, c) in spec.columns.iter().enumerate() {
            if c.compute.is_some() || given.contains_key(c.id.as_str()) {
                continue;
            }
            let vals: Vec<Val> = parts
                .iter()
                .filter_map(|p| row_index.get(p.as_str()))
                .map(|&pi| to_val(&grid[pi][ci]))
                .collect();
            grid[ri][ci] = if vals.contains(&Val::Masked) {
                Cell::Masked("***".into())
            } else {
                let nums: Vec<Decimal> = vals
                    .iter()
                    .filter_map(|v| if let Val::Num(x) = v { Some(*x) } else { None })
                    .collect();
                if nums.is_empty() {
                    Cell::Missing
                } else {
                    Cell::num(nums.iter().sum(), NumFormat::Fixed(dps[ci]))
                }
            };
        }
    }
    // 3. Formulas. A formula may read other rows (`share`, `cell`), so the
    // computed cells are evaluated again until nothing changes.
    let formula = |ri: usize, ci: usize| -> Option<expr::Expr> {
        let c = &spec.columns[ci];
        let src = spec.rows[ri].compute.get(&c.id).or(c.compute.as_ref())?;
        expr::parse(src).ok().map(|e| e.resolve_values(lookup))
    };
    let cells_to_compute: Vec<(usize, usize)> = (0..spec.rows.len())
        .filter(|&ri| !matches!(spec.rows[ri].kind, Some(RowKindSpec::Heading)))
        .flat_map(|ri| (0..ncol).map(move |ci| (ri, ci)))
        .filter(|&(ri, ci)| {
            let id = spec.columns[ci].id.as_str();
            let given = row_inputs(spec, &spec.rows[ri].values).contains_key(id);
            !given && (spec.columns[ci].compute.is_some() || spec.rows[ri].compute.contains_key(id))
        })
        .collect();
    let exprs: Vec<Option<expr::Expr>> = cells_to_compute
        .iter()
        .map(|&(ri, ci)| formula(ri, ci))
        .collect();
    for _ in 0..=cells_to_compute.len().min(8) {
        let mut changed = false;
        for (&(ri, ci), e) in cells_to_compute.iter().zip(&exprs) {
            let Some(e) = e else { continue };
            let v = {
                let row = &grid[ri];
                let col = |name: &str| {
                    col_index
                        .get(name)
                        .map_or(Val::Missing, |&i| to_val(&row[i]))
                };
                let other = |r: &str, name: &str| match (row_index.get(r), col_index.get(name)) {
                    (Some(&ri2), Some(&ci2)) => to_val(&grid[ri2][ci2]),
                    _ => Val::Missing,
                };
                e.eval(&col, &other)
            };
            let cell = match v {
                Val::Num(x) => Cell::num(x, NumFormat::Fixed(dps[ci])),
                Val::Missing => Cell::Missing,
                Val::Masked => Cell::Masked("***".into()),
            };
            if grid[ri][ci] != cell {
                grid[ri][ci] = cell;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    Table {
        id: spec.id.clone(),
        title: spec.title.clone(),
        unit: spec.unit.clone(),
        source: spec.source.clone(),
        label_header: spec.label_header.clone().unwrap_or_else(|| "구분".into()),
        columns: spec
            .columns
            .iter()
            .map(|c| Column {
                id: c.id.clone(),
                group: c.group.clone().unwrap_or_default(),
                label: c.label.clone(),
                unit: c.unit.clone(),
            })
            .collect(),
        rows: spec
            .rows
            .iter()
            .zip(grid)
            .map(|(r, cells)| {
                let kind = match (r.kind, &r.sum) {
                    (Some(RowKindSpec::Heading), _) => RowKind::Heading,
                    (Some(RowKindSpec::Leaf), _) => RowKind::Leaf,
                    (Some(RowKindSpec::Subtotal), _) => RowKind::Subtotal,
                    (Some(RowKindSpec::Total), _) => RowKind::Total,
                    (None, Some(_)) => RowKind::Subtotal,
                    (None, None) => RowKind::Leaf,
                };
                Row {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    path: Vec::new(),
                    depth: r.depth,
                    kind,
                    cells: if kind == RowKind::Heading {
                        Vec::new()
                    } else {
                        cells
                    },
                    note: None,
                }
            })
            .collect(),
    }
}

pub fn compute(file: &TableFile, out: &mut Computed) {
    for spec in &file.tables {
        let t = {
            let values = &out.values;
            table_with(spec, &|k| values.get(k).map(|v| v.value))
        };
        out.register_table_values(&t);
        out.tables.push(t);
    }
}

/// A file's charts, once every table of the plan is computed: a chart may
/// read a table of any file, whatever the order the files load in.
pub fn charts(file: &TableFile, out: &mut Computed) {
    for c in &file.charts {
        let label = |row: &str| -> Option<String> {
            c.panels.iter().find_map(|p| {
                p.table
                    .as_deref()
                    .and_then(|id| out.table(id))
                    .and_then(|t| t.row(row))
                    .map(|r| r.label.clone())
            })
        };
        let chart = super::resolve_chart(c, out, &label);
        out.charts.push(chart);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numfmt::format_cell;

    fn spec(src: &str) -> TableSpec {
        let f: TableFile = serde_saphyr::from_str(src).expect("parses");
        f.tables.into_iter().next().expect("one table")
    }

    #[test]
    fn sums_shares_and_growth() {
        let t = table(&spec(
            r#"
tables:
  - id: t
    title: 성장 추이
    columns:
      - { id: y17, label: "'17" }
      - { id: y22, label: "'22" }
      - { id: cagr, label: CAGR, compute: "cagr(y17, y22, 5)" }
      - { id: share, label: 비중, compute: "share(y22, total)", dp: 1 }
    rows:
      - { id: a, label: 강원, values: [100, 161.051] }
      - { id: b, label: 기타, values: [50, "***"] }
      - { id: c, label: 기타2, values: { y17: 10, y22: "-" } }
      - { id: total, label: 합계, sum: [a, c], kind: total }
      - { id: all, label: 전체, sum: [a, b] }
"#,
        ));
        let cell = |r: &str, c: &str| format_cell(t.cell(r, c).expect("cell"));
        assert_eq!(cell("a", "cagr"), "10.00");
        assert_eq!(cell("total", "y17"), "110");
        assert_eq!(cell("total", "y22"), "161.05");
        assert_eq!(cell("a", "share"), "100.0");
        assert_eq!(cell("b", "y22"), "***");
        assert_eq!(
            cell("b", "cagr"),
            "***",
            "a formula on a masked value stays masked"
        );
        assert_eq!(
            cell("all", "y22"),
            "***",
            "a total over a masked value is masked"
        );
        assert_eq!(cell("c", "cagr"), "-");
        assert_eq!(t.row("total").map(|r| r.kind), Some(RowKind::Total));
    }
}
