//! Table datasets: input cells, row sums and column formulas → a Table.

use super::{ComputeError, Computed, Place};
use crate::calc::expr::{self, RVal, Val};
use crate::calc::interval::Interval;
use crate::calc::CalcError;
use crate::model::dataset::{
    is_masked, CellInput, Precision, RowKindSpec, TableFile, TableSpec, Values,
};
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
    table_with(spec, &|_| None).table
}

fn to_val_at(grid: &[Vec<Cell>], errs: &[Vec<Option<CalcError>>], ri: usize, ci: usize) -> Val {
    // A failed cell reads as a failure upstream: its own error is reported
    // where it arose, not again at every formula that reads it.
    if errs
        .get(ri)
        .and_then(|r| r.get(ci))
        .is_some_and(Option::is_some)
    {
        return Val::Error(CalcError::Upstream);
    }
    grid.get(ri)
        .and_then(|r| r.get(ci))
        .map_or(Val::Missing, to_val)
}

/// The computed cells a formula reads: its own row's columns, and the cells
/// named by `cell(row, col)` and by the whole of `share(col, row)`.
fn deps(
    e: &expr::Expr,
    ri: usize,
    rows: &BTreeMap<&str, usize>,
    cols: &BTreeMap<&str, usize>,
    out: &mut Vec<(usize, usize)>,
) {
    use expr::Expr;
    match e {
        Expr::Num(_) | Expr::Str(_) => {}
        Expr::Col(c) => out.extend(cols.get(c.as_str()).map(|&ci| (ri, ci))),
        Expr::Neg(e) => deps(e, ri, rows, cols, out),
        Expr::Chain(first, rest) => {
            deps(first, ri, rows, cols, out);
            rest.iter().for_each(|(_, e)| deps(e, ri, rows, cols, out));
        }
        Expr::Call(f, args) => match (f.as_str(), args.first(), args.get(1)) {
            ("cell", Some(Expr::Col(r)), Some(Expr::Col(c))) => out.extend(
                rows.get(r.as_str())
                    .zip(cols.get(c.as_str()))
                    .map(|(&r, &c)| (r, c)),
            ),
            ("share", Some(part), Some(Expr::Col(r))) => {
                deps(part, ri, rows, cols, out);
                if let Expr::Col(c) = part {
                    out.extend(
                        rows.get(r.as_str())
                            .zip(cols.get(c.as_str()))
                            .map(|(&r, &c)| (r, c)),
                    );
                }
            }
            _ => args.iter().for_each(|a| deps(a, ri, rows, cols, out)),
        },
    }
}

/// Orders formula cells so that every cell comes after the cells it reads
/// (Kahn's algorithm, no recursion); returns the order and the cells left
/// over, which lie on or behind a reference cycle.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn evaluation_order(n: usize, reads: &[Vec<usize>]) -> (Vec<usize>, Vec<usize>) {
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending: Vec<usize> = vec![0; n];
    for (i, r) in reads.iter().enumerate() {
        for &d in r {
            if let (Some(rd), Some(p)) = (readers.get_mut(d), pending.get_mut(i)) {
                rd.push(i);
                *p += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    let mut next = 0;
    while let Some(&i) = order.get(next) {
        next += 1;
        for &r in &readers[i] {
            pending[r] -= 1;
            if pending[r] == 0 {
                order.push(r);
            }
        }
    }
    let left = (0..n).filter(|&i| pending[i] > 0).collect();
    (order, left)
}

/// The cycles among the cells left over by `evaluation_order`, each once:
/// from every such cell, follow a read that is also left over until a cell
/// repeats.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn cycles(left: &[usize], reads: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let is_left = |i: usize| left.binary_search(&i).is_ok();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for &start in left {
        let mut path: Vec<usize> = Vec::new();
        let mut at = start;
        loop {
            if let Some(pos) = path.iter().position(|&p| p == at) {
                out.push(path[pos..].to_vec());
                break;
            }
            if !seen.insert(at) {
                break;
            }
            path.push(at);
            // A left-over cell always reads another left-over cell.
            match reads
                .get(at)
                .and_then(|r| r.iter().copied().find(|&d| is_left(d)))
            {
                Some(d) => at = d,
                None => break,
            }
        }
    }
    out
}

/// A table whose formulas may read values computed elsewhere (`v("…")`),
/// with the failures of its cells (overflow, cycles, row formulas that do
/// not parse). A failed cell is "-".
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn table_with(spec: &TableSpec, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Computation {
    table_with_supply(spec, lookup, &|_| false)
}

/// `table_with`, where `to_supply` tells the value keys still to supply (a
/// new edition's): a formula that reads one, directly or through another
/// formula's cell, is 자료 입력 필요 rather than "-" or a figure without it.
/// (Typed inputs have no such mark, and sum rows are added up before the
/// formulas run, so only formulas can read a value to supply.)
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn table_with_supply(
    spec: &TableSpec,
    lookup: &dyn Fn(&str) -> Option<Decimal>,
    to_supply: &dyn Fn(&str) -> bool,
) -> Computation {
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
    let mut errs: Vec<Vec<Option<CalcError>>> = vec![vec![None; ncol]; spec.rows.len()];
    // Cells still to supply, which the cells reading them follow.
    let mut supply: Vec<Vec<bool>> = vec![vec![false; ncol]; spec.rows.len()];
    // The range of every figure given its inputs' precision, computed beside
    // the value by the same steps.
    let mut rgrid: Vec<Vec<RVal>> = vec![vec![RVal::Missing; ncol]; spec.rows.len()];
    let precision: Vec<Precision> = spec.columns.iter().map(|c| spec.precision_of(c)).collect();
    let mut errors = Vec::new();
    let place = |ri: usize, ci: usize| Place::Cell {
        table: spec.id.clone(),
        row: spec.rows.get(ri).map_or_else(String::new, |r| r.id.clone()),
        column: spec
            .columns
            .get(ci)
            .map_or_else(String::new, |c| c.id.clone()),
    };

    // 1. Typed inputs.
    for (ri, r) in spec.rows.iter().enumerate() {
        for (cid, v) in row_inputs(spec, &r.values) {
            if let Some(&ci) = col_index.get(cid) {
                grid[ri][ci] = input_cell(v, dps[ci]);
                rgrid[ri][ci] = match (&grid[ri][ci], v) {
                    (Cell::Num { .. }, CellInput::Num(a)) => match precision[ci] {
                        Precision::Exact => RVal::Num(Interval::exact(a.0)),
                        Precision::Printed => {
                            Interval::printed(a.0).map_or(RVal::Unknown, RVal::Num)
                        }
                    },
                    (Cell::Missing, _) => RVal::Missing,
                    _ => RVal::Unknown,
                };
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
                .map(|&pi| to_val_at(&grid, &errs, pi, ci))
                .collect();
            let nums = || {
                vals.iter().filter_map(|v| match v {
                    Val::Num(x) => Some(*x),
                    _ => None,
                })
            };
            let sum = if vals.iter().any(|v| matches!(v, Val::Error(_))) {
                Err(CalcError::Upstream)
            } else if vals.contains(&Val::Masked) {
                Ok(Cell::Masked("***".into()))
            } else if nums().next().is_none() {
                Ok(Cell::Missing)
            } else {
                crate::calc::sum(nums()).map(|s| Cell::num(s, NumFormat::Fixed(dps[ci])))
            };
            let ranges: Vec<RVal> = parts
                .iter()
                .filter_map(|p| row_index.get(p.as_str()))
                .map(|&pi| rgrid[pi][ci])
                .collect();
            rgrid[ri][ci] = if ranges.contains(&RVal::Unknown) {
                RVal::Unknown
            } else {
                let nums = ranges.iter().filter_map(|r| match r {
                    RVal::Num(x) => Some(*x),
                    _ => None,
                });
                match crate::calc::interval::sum(nums) {
                    Some(x) if ranges.iter().any(|r| matches!(r, RVal::Num(_))) => RVal::Num(x),
                    Some(_) => RVal::Missing,
                    None => RVal::Unknown,
                }
            };
            match sum {
                Ok(cell) => grid[ri][ci] = cell,
                Err(e) => {
                    if e != CalcError::Upstream {
                        errors.push(ComputeError {
                            place: place(ri, ci),
                            message: format!("sum of rows {}: {e}", parts.join(", ")),
                        });
                    }
                    errs[ri][ci] = Some(e);
                }
            }
        }
    }
    // 3. Formulas, each cell after the cells it reads; cells on a reference
    // cycle are reported and left "-".
    let cells_to_compute: Vec<(usize, usize)> = (0..spec.rows.len())
        .filter(|&ri| !matches!(spec.rows[ri].kind, Some(RowKindSpec::Heading)))
        .flat_map(|ri| (0..ncol).map(move |ci| (ri, ci)))
        .filter(|&(ri, ci)| {
            let id = spec.columns[ci].id.as_str();
            let given = row_inputs(spec, &spec.rows[ri].values).contains_key(id);
            !given && (spec.columns[ci].compute.is_some() || spec.rows[ri].compute.contains_key(id))
        })
        .collect();
    // Whether each formula quotes a value still to supply (`v("…")`).
    let mut quotes_supply = vec![false; cells_to_compute.len()];
    let exprs: Vec<Option<expr::Expr>> = cells_to_compute
        .iter()
        .zip(quotes_supply.iter_mut())
        .map(|(&(ri, ci), quotes)| {
            let c = &spec.columns[ci];
            let row_src = spec.rows[ri].compute.get(&c.id);
            let src = row_src.or(c.compute.as_ref())?;
            match expr::parse(src) {
                Ok(e) => {
                    let mut keys = Vec::new();
                    e.value_keys(&mut keys);
                    *quotes = keys.iter().any(|k| to_supply(k));
                    Some(e.resolve_values(lookup))
                }
                Err(e) => {
                    // Column formulas are checked by validate (E003); a row's
                    // own formula is not, so its error is reported here.
                    if row_src.is_some() {
                        errors.push(ComputeError {
                            place: place(ri, ci),
                            message: format!("formula `{src}`: {e}"),
                        });
                    }
                    None
                }
            }
        })
        .collect();
    let slot: BTreeMap<(usize, usize), usize> = cells_to_compute
        .iter()
        .enumerate()
        .map(|(i, &rc)| (rc, i))
        .collect();
    let reads: Vec<Vec<usize>> = exprs
        .iter()
        .zip(&cells_to_compute)
        .map(|(e, &(ri, _))| {
            let mut d = Vec::new();
            if let Some(e) = e {
                deps(e, ri, &row_index, &col_index, &mut d);
            }
            let mut d: Vec<usize> = d.iter().filter_map(|rc| slot.get(rc).copied()).collect();
            d.sort_unstable();
            d.dedup();
            d
        })
        .collect();
    let (order, left) = evaluation_order(cells_to_compute.len(), &reads);
    let name = |i: usize| {
        cells_to_compute
            .get(i)
            .map_or_else(String::new, |&(ri, ci)| {
                format!(
                    "{}.{}",
                    spec.rows.get(ri).map_or("", |r| r.id.as_str()),
                    spec.columns.get(ci).map_or("", |c| c.id.as_str())
                )
            })
    };
    for cycle in cycles(&left, &reads) {
        // The cycle as read: each cell reads the next, back to the first.
        let mut names: Vec<String> = cycle.iter().map(|&i| name(i)).collect();
        names.extend(names.first().cloned());
        if let Some(&(ri, ci)) = cycle.first().and_then(|&i| cells_to_compute.get(i)) {
            errors.push(ComputeError {
                place: place(ri, ci),
                message: format!("formulas read each other in a cycle: {}", names.join(" → ")),
            });
        }
    }
    for &i in &left {
        if let Some(&(ri, ci)) = cells_to_compute.get(i) {
            errs[ri][ci] = Some(CalcError::Cycle);
        }
    }
    for i in order {
        let (Some(&(ri, ci)), Some(Some(e))) = (cells_to_compute.get(i), exprs.get(i)) else {
            continue;
        };
        let reads_supply = quotes_supply.get(i).copied().unwrap_or(false) || {
            let mut d = Vec::new();
            deps(e, ri, &row_index, &col_index, &mut d);
            d.iter().any(|&(r, c)| {
                supply
                    .get(r)
                    .and_then(|x| x.get(c))
                    .copied()
                    .unwrap_or(false)
            })
        };
        let v = {
            let col = |name: &str| {
                col_index
                    .get(name)
                    .map_or(Val::Missing, |&c| to_val_at(&grid, &errs, ri, c))
            };
            let other = |r: &str, name: &str| match (row_index.get(r), col_index.get(name)) {
                (Some(&ri2), Some(&ci2)) => to_val_at(&grid, &errs, ri2, ci2),
                _ => Val::Missing,
            };
            e.eval(&col, &other)
        };
        rgrid[ri][ci] = {
            let range_at = |r: usize, c: usize| {
                if errs
                    .get(r)
                    .and_then(|x| x.get(c))
                    .is_some_and(Option::is_some)
                {
                    RVal::Unknown
                } else {
                    rgrid
                        .get(r)
                        .and_then(|x| x.get(c))
                        .copied()
                        .unwrap_or(RVal::Missing)
                }
            };
            let col = |name: &str| {
                col_index
                    .get(name)
                    .map_or(RVal::Missing, |&c| range_at(ri, c))
            };
            let other = |r: &str, name: &str| match (row_index.get(r), col_index.get(name)) {
                (Some(&ri2), Some(&ci2)) => range_at(ri2, ci2),
                _ => RVal::Missing,
            };
            e.eval_range(&col, &other)
        };
        grid[ri][ci] = match v {
            // Whatever it gives without the input (a figure of the others,
            // or nothing), the formula's figure is still to come.
            Val::Num(_) | Val::Missing if reads_supply => {
                supply[ri][ci] = true;
                rgrid[ri][ci] = RVal::Missing;
                Cell::ToSupply
            }
            Val::Num(x) => Cell::num(x, NumFormat::Fixed(dps[ci])),
            Val::Missing => Cell::Missing,
            Val::Masked => Cell::Masked("***".into()),
            Val::Error(e) => {
                if e != CalcError::Upstream {
                    errors.push(ComputeError {
                        place: place(ri, ci),
                        message: e.to_string(),
                    });
                }
                errs[ri][ci] = Some(e);
                Cell::Missing
            }
        };
    }

    let table = Table {
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
        ranges: rgrid
            .iter()
            .enumerate()
            .flat_map(|(ri, row)| {
                row.iter().enumerate().filter_map(move |(ci, r)| match r {
                    RVal::Num(x) => Some(((ri, ci), *x)),
                    _ => None,
                })
            })
            .collect(),
        errata: Default::default(),
    };
    // The formula of each computed cell, as links the audit can re-evaluate
    // with printed operands (a CAGR over a misprinted total is its dependent).
    let formulas = cells_to_compute
        .iter()
        .zip(exprs)
        .filter_map(|(&(ri, ci), e)| {
            Some(super::Link {
                figure: format!(
                    "{}.{}.{}",
                    spec.id,
                    spec.rows.get(ri)?.id,
                    spec.columns.get(ci)?.id
                ),
                kind: super::LinkKind::Formula(e?),
            })
        })
        .collect();
    Computation {
        table,
        errors,
        formulas,
    }
}

/// A computed table, the failures of its cells, and its formulas.
pub struct Computation {
    pub table: Table,
    pub errors: Vec<ComputeError>,
    pub formulas: Vec<super::Link>,
}

pub fn compute(file: &TableFile, out: &mut Computed) {
    for spec in &file.tables {
        let c = {
            let (values, to_supply) = (&out.values, &out.to_supply);
            table_with_supply(spec, &|k| values.get(k).map(|v| v.value), &|k| {
                to_supply.contains(k)
            })
        };
        for e in c.errors {
            out.error(e.place, e.message);
        }
        out.register_table_values(&c.table);
        out.tables.push(c.table);
        out.links.extend(c.formulas);
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

    fn errors_of(src: &str) -> (Table, Vec<String>) {
        let crate::compute::tables::Computation {
            table: t, errors, ..
        } = table_with(&spec(src), &|_| None);
        (t, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_reference_cycle_is_reported_naming_its_cells() {
        let (t, errors) = errors_of(
            r#"
tables:
  - id: t
    title: t
    columns:
      - { id: x, label: x }
      - { id: y, label: y, compute: "x + 1" }
    rows:
      - { id: a, label: a, values: [1], compute: { y: "cell(b, y) + 1" } }
      - { id: b, label: b, values: [2], compute: { y: "cell(a, y) * 2" } }
      - { id: c, label: c, values: [3], compute: { y: "cell(c, y)" } }
      - { id: d, label: d, values: [4], compute: { y: "cell(a, y) + x" } }
      - { id: e, label: e, values: [5] }
"#,
        );
        assert_eq!(
            errors,
            vec![
                "table `t`, row `a`, column `y`: formulas read each other in a cycle: a.y → b.y → a.y",
                "table `t`, row `c`, column `y`: formulas read each other in a cycle: c.y → c.y",
            ]
        );
        // Cells on or behind the cycle are "-"; the rest compute.
        assert_eq!(t.cell("a", "y"), Some(&Cell::Missing));
        assert_eq!(t.cell("d", "y"), Some(&Cell::Missing));
        assert_eq!(
            t.cell("e", "y").and_then(Cell::value),
            Some(Decimal::from(6))
        );
    }

    #[test]
    fn formulas_evaluate_in_dependency_order_not_row_order() {
        // Each row reads the next one: eleven rows deep, beyond the nine
        // passes the fixed-point loop used to allow.
        let mut rows = String::new();
        for i in 0..11 {
            rows.push_str(&format!(
                "      - {{ id: r{i}, label: r, values: [1], compute: {{ y: \"cell(r{}, y) + x\" }} }}\n",
                i + 1
            ));
        }
        rows.push_str("      - { id: r11, label: r, values: [1] }\n");
        let (t, errors) = errors_of(&format!(
            "tables:\n  - id: t\n    title: t\n    columns:\n      - {{ id: x, label: x }}\n      - {{ id: y, label: y, compute: \"x\" }}\n    rows:\n{rows}"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            t.cell("r0", "y").and_then(Cell::value),
            Some(Decimal::from(12))
        );
    }

    #[test]
    fn overflowing_sums_and_formulas_are_errors_reported_once() {
        let (t, errors) = errors_of(
            r#"
tables:
  - id: t
    title: t
    columns:
      - { id: x, label: x }
      - { id: y, label: y, compute: "x * 2" }
      - { id: z, label: z, compute: "y + 1" }
      - { id: s, label: s, compute: "share(x, total)" }
    rows:
      - { id: a, label: a, values: ["79228162514264337593543950335"] }
      - { id: b, label: b, values: ["79228162514264337593543950335"] }
      - { id: total, label: total, sum: [a, b] }
      - { id: bad, label: bad, values: [1], compute: { z: "pct(x)" } }
"#,
        );
        assert_eq!(
            errors,
            vec![
                "table `t`, row `total`, column `x`: sum of rows a, b: the sum overflows the decimal range (max 7.9e28)",
                "table `t`, row `bad`, column `z`: formula `pct(x)`: `pct` takes (part, whole): part / whole × 100",
                "table `t`, row `a`, column `y`: the product overflows the decimal range (max 7.9e28)",
                "table `t`, row `b`, column `y`: the product overflows the decimal range (max 7.9e28)",
            ],
            "z of a and b, total's y and every share read a failed cell: not reported again"
        );
        assert_eq!(t.cell("total", "x"), Some(&Cell::Missing));
        assert_eq!(t.cell("a", "z"), Some(&Cell::Missing));
        assert_eq!(
            t.cell("bad", "y").and_then(Cell::value),
            Some(Decimal::from(2))
        );
    }

    /// `v("…")` reads values registered before this table was computed; it
    /// never evaluates another table, so it cannot recurse or loop. A table
    /// reading its own values sees them as not yet computed ("-").
    #[test]
    fn plan_values_are_read_in_a_fixed_order_without_recursion() {
        let file: TableFile = serde_saphyr::from_str(
            r#"
tables:
  - id: t
    title: t
    columns:
      - { id: x, label: x }
      - { id: y, label: y, compute: "v(\"t.a.y\") + v(\"u.a.x\")" }
    rows:
      - { id: a, label: a, values: [1] }
  - id: u
    title: u
    columns:
      - { id: x, label: x }
      - { id: y, label: y, compute: "v(\"t.a.x\") + 1" }
    rows:
      - { id: a, label: a, values: [1] }
"#,
        )
        .expect("parses");
        let mut out = Computed::default();
        compute(&file, &mut out);
        assert_eq!(
            out.table("t").and_then(|t| t.cell("a", "y")),
            Some(&Cell::Missing)
        );
        assert_eq!(
            out.table("u")
                .and_then(|t| t.cell("a", "y"))
                .and_then(Cell::value),
            Some(Decimal::from(2))
        );
        assert!(out.errors.is_empty());
    }

    #[test]
    fn a_value_to_supply_reaches_the_sums_and_formulas_that_read_it() {
        let file: TableFile = serde_saphyr::from_str(
            r#"
tables:
  - id: t
    title: t
    columns:
      - { id: x, label: x }
      - { id: y, label: y, compute: "x * 2" }
    rows:
      - { id: a, label: a, compute: { x: 'v("budget.a.total_cur")' } }
      - { id: b, label: b, values: [3] }
      - { id: c, label: c, values: ["-"] }
      - { id: total, label: 합계, compute: { x: "sum(cell(a, x), cell(b, x))" } }
      - { id: known, label: 합계2, compute: { x: "sum(cell(b, x), cell(c, x))" } }
"#,
        )
        .expect("parses");
        let mut out = Computed::default();
        out.values.insert(
            "budget.a.total_prev".into(),
            super::super::Value {
                value: Decimal::from(1),
                format: NumFormat::Fixed(0),
            },
        );
        out.to_supply.insert("budget.a.total_cur".into());
        compute(&file, &mut out);
        let t = out.table("t").expect("table");
        let cell = |r: &str, c: &str| t.cell(r, c).cloned().expect("cell");
        assert_eq!(cell("a", "x"), Cell::ToSupply, "the quoted value");
        assert_eq!(cell("a", "y"), Cell::ToSupply, "a formula on it");
        // The sum of a and b is not b's 3: a is still to come (and what
        // reads the sum is to supply in turn).
        assert_eq!(cell("total", "x"), Cell::ToSupply);
        assert_eq!(cell("total", "y"), Cell::ToSupply);
        assert_eq!(cell("known", "x").value(), Some(Decimal::from(3)));
        assert_eq!(cell("c", "x"), Cell::Missing, "\"-\" as published stays");
        assert_eq!(format_cell(&cell("total", "x")), crate::edition::TO_SUPPLY);
        // What the next table reads: the keys to supply, no figure.
        assert!(out.to_supply.contains("t.total.x"));
        assert!(!out.values.contains_key("t.total.x"));
        // Without the mark, the same table is "-" and the sum of the others.
        let mut plain = Computed::default();
        compute(&file, &mut plain);
        let t = plain.table("t").expect("table");
        assert_eq!(t.cell("a", "x"), Some(&Cell::Missing));
        assert_eq!(
            t.cell("total", "x").and_then(Cell::value),
            Some(Decimal::from(3))
        );
    }
}
