//! Root causes of audit findings. A published figure that disagrees with
//! its inputs only because another published figure is wrong (a total over
//! a subtotal the plan misprinted; a rate over a misprinted result) is not
//! an error of its own: re-evaluated with the printed operands, it agrees.
//! Such a finding becomes a dependent of that root, reported once.
//!
//! The relations are read off the computed tables and checked on their
//! values before they are used: a subtotal row that equals the sum of its
//! child rows, a cell that equals the ratio (× 1 or × 100) or the
//! difference of two cells of its row, and a sentence that quotes a table
//! figure as the table printed it.

use super::diagnostic::{Diagnostics, Severity};
use crate::calc::expr::RVal;
use crate::calc::interval::Interval;
use crate::compute::{Computed, LinkKind};
use crate::model::table::{RowKind, Table};
use crate::numfmt::{parse_printed, Printed};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A printed figure's rounding interval at its printed decimals.
fn printed_range(p: &Printed) -> Option<(Interval, Decimal, u32)> {
    let Printed::Num { value, dp, .. } = p else {
        return None;
    };
    let mut v = *value;
    v.rescale(*dp);
    Some((Interval::printed(v)?, *value, *dp))
}

struct Finding {
    diag: usize,
    table: String,
    row: String,
    col: String,
    printed: Option<(Interval, Decimal, u32)>,
}

pub(super) fn group(computed: &Computed, d: &mut Diagnostics) {
    let mut findings: Vec<Finding> = Vec::new();
    for (i, diag) in d.items.iter().enumerate() {
        // Accepted errata (A001) explain their dependents too.
        let finding =
            (diag.code == "W001" && diag.severity == Severity::Warning) || diag.code == "A001";
        if !finding {
            continue;
        }
        let (Some(fig), Some(printed)) = (&diag.figure, &diag.printed) else {
            continue;
        };
        let mut parts = fig.splitn(3, '.');
        let (Some(t), Some(r), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        findings.push(Finding {
            diag: i,
            table: t.to_string(),
            row: r.to_string(),
            col: c.to_string(),
            printed: parse_printed(printed).as_ref().and_then(printed_range),
        });
    }
    // Findings by (table, row index, column index); sentences by figure id.
    let mut at: BTreeMap<(String, usize, usize), usize> = BTreeMap::new();
    for (k, f) in findings.iter().enumerate() {
        if let Some((ri, ci)) = computed
            .table(&f.table)
            .and_then(|t| index(t, &f.row, &f.col))
        {
            if d.items
                .get(f.diag)
                .is_some_and(|x| x.file.as_deref().is_some_and(|p| !p.ends_with(".md")))
            {
                at.insert((f.table.clone(), ri, ci), k);
            }
        }
    }
    let mut parent: Vec<Option<usize>> = vec![None; findings.len()];
    for (k, f) in findings.iter().enumerate() {
        let Some(t) = computed.table(&f.table) else {
            continue;
        };
        let Some((ri, ci)) = index(t, &f.row, &f.col) else {
            continue;
        };
        let Some((_, pv, pdp)) = f.printed else {
            continue;
        };
        let is_sentence = d
            .items
            .get(f.diag)
            .is_some_and(|x| x.file.as_deref().is_some_and(|p| p.ends_with(".md")));
        if is_sentence {
            // A sentence quoting the table's own printed figure depends on
            // the table's finding.
            if let Some(&g) = at.get(&(f.table.clone(), ri, ci)) {
                let same = findings
                    .get(g)
                    .and_then(|g| g.printed)
                    .is_some_and(|(_, v, _)| v == pv);
                if same {
                    set(&mut parent, k, g);
                }
            }
            continue;
        }
        // An operand: the printed figure where it is a finding itself (with
        // that finding), else the computed figure's range.
        let operand_in = |t: &Table, r: usize, c: usize| -> Option<(Interval, Option<usize>)> {
            match at.get(&(t.id.clone(), r, c)) {
                Some(&g) if g != k => findings
                    .get(g)
                    .and_then(|x| x.printed)
                    .map(|(i, _, _)| (i, Some(g))),
                _ => {
                    let v = t.rows.get(r)?.cells.get(c)?.value()?;
                    let range = t.ranges.get(&(r, c)).copied().unwrap_or(Interval::exact(v));
                    Some((range, None))
                }
            }
        };
        let operand = |r: usize, c: usize| operand_in(t, r, c);
        let operand_of = |fig: &str| -> Option<(Interval, Option<usize>)> {
            let mut parts = fig.splitn(3, '.');
            let (tid, row, col) = (parts.next()?, parts.next()?, parts.next()?);
            let t = computed.table(tid)?;
            let (r, c) = index(t, row, col)?;
            operand_in(t, r, c)
        };
        // (0) A figure defined by another table's (the same quantity
        // printed twice, a fixed multiple, a rate over it).
        let fig = format!("{}.{}.{}", f.table, f.row, f.col);
        let mut linked = false;
        for link in computed.links.iter().filter(|l| l.figure == fig) {
            let (re, g) = match &link.kind {
                LinkKind::Scale { source, factor } => {
                    let Some((i, g)) = operand_of(source) else {
                        continue;
                    };
                    (i.scale(*factor), g)
                }
                LinkKind::Pct { part, whole } => {
                    let (Some((ia, ga)), Some((ib, gb))) = (operand_of(part), operand_of(whole))
                    else {
                        continue;
                    };
                    (ia.pct(ib), ga.or(gb))
                }
                LinkKind::Formula(e) => {
                    let found = std::cell::Cell::new(None);
                    let at_cell = |r: usize, name: &str| match t
                        .col_index(name)
                        .and_then(|c| operand_in(t, r, c))
                    {
                        Some((i, g)) => {
                            if found.get().is_none() {
                                found.set(g);
                            }
                            RVal::Num(i)
                        }
                        None => RVal::Missing,
                    };
                    let col = |name: &str| at_cell(ri, name);
                    let other = |row: &str, name: &str| {
                        t.rows
                            .iter()
                            .position(|x| x.id == row)
                            .map_or(RVal::Missing, |r| at_cell(r, name))
                    };
                    let re = match e.eval_range(&col, &other) {
                        RVal::Num(i) => Some(i),
                        _ => None,
                    };
                    (re, found.get())
                }
            };
            if let (Some(g), Some(re)) = (g, re) {
                if g != k && re.admits(pv, pdp) {
                    set(&mut parent, k, g);
                    linked = true;
                    break;
                }
            }
        }
        if linked {
            continue;
        }
        // (1) A subtotal over its children.
        if let Some(children) = children_summing(t, ri, ci) {
            let ops: Option<Vec<(Interval, Option<usize>)>> =
                children.iter().map(|&r| operand(r, ci)).collect();
            if let Some(ops) = ops {
                let roots: Vec<usize> = ops.iter().filter_map(|(_, g)| *g).collect();
                let sum = crate::calc::interval::sum(ops.iter().map(|(i, _)| *i));
                if let (Some(first), Some(s)) = (roots.first(), sum) {
                    if s.admits(pv, pdp) {
                        set(&mut parent, k, *first);
                        continue;
                    }
                }
            }
        }
        // (2) A ratio or a difference of two cells of its row.
        let Some(row) = t.rows.get(ri) else { continue };
        let Some(vc) = row.cells.get(ci).and_then(|c| c.value()) else {
            continue;
        };
        'pairs: for a in 0..row.cells.len() {
            for b in 0..row.cells.len() {
                if a == b || a == ci || b == ci {
                    continue;
                }
                let (Some(va), Some(vb)) = (
                    row.cells.get(a).and_then(|c| c.value()),
                    row.cells.get(b).and_then(|c| c.value()),
                ) else {
                    continue;
                };
                let (Some((ia, ga)), Some((ib, gb))) = (operand(ri, a), operand(ri, b)) else {
                    continue;
                };
                let Some(g) = ga.or(gb) else { continue };
                let close = |x: Option<Decimal>| {
                    x.is_some_and(|x| {
                        (x - vc).abs() <= Decimal::new(1, 6) * (Decimal::ONE + vc.abs())
                    })
                };
                let ratio = (!vb.is_zero()).then(|| va.checked_div(vb)).flatten();
                let candidates = [
                    (close(ratio), ia.over(ib)),
                    (
                        close(ratio.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))),
                        ia.pct(ib),
                    ),
                    (close(va.checked_sub(vb)), ia.minus(ib)),
                ];
                for (holds, re) in candidates {
                    if holds && re.is_some_and(|x| x.admits(pv, pdp)) {
                        set(&mut parent, k, g);
                        break 'pairs;
                    }
                }
            }
        }
    }
    // Each dependent points at the root of its chain.
    let root_of = |mut k: usize| {
        for _ in 0..findings.len() {
            match parent.get(k).copied().flatten() {
                Some(p) if p != k => k = p,
                _ => break,
            }
        }
        k
    };
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for k in 0..findings.len() {
        let r = root_of(k);
        if r != k {
            *counts.entry(r).or_default() += 1;
            let root_fig = findings
                .get(r)
                .and_then(|x| d.items.get(x.diag))
                .and_then(|x| x.figure.clone());
            if let Some(diag) = findings
                .get(k)
                .and_then(|f| d.items.get_mut(f.diag))
                .filter(|x| x.code == "W001")
            {
                diag.severity = Severity::Note;
                diag.message = format!(
                    "{} — it follows from `{}`, reported on its own",
                    diag.message,
                    root_fig.as_deref().unwrap_or("?")
                );
                diag.root = root_fig;
            }
        }
    }
    for (r, n) in counts {
        if let Some(diag) = findings.get(r).and_then(|f| d.items.get_mut(f.diag)) {
            diag.dependents = n;
            diag.message = format!(
                "{} ({n} other published figure(s) follow from it: `check --verbose` lists them)",
                diag.message
            );
        }
    }
}

fn set(parent: &mut [Option<usize>], k: usize, g: usize) {
    if let Some(slot) = parent.get_mut(k) {
        *slot = Some(g);
    }
}

fn index(t: &Table, row: &str, col: &str) -> Option<(usize, usize)> {
    let ci = t.col_index(col)?;
    let ri = t
        .rows
        .iter()
        .position(|r| r.id == row && r.kind != RowKind::Heading)?;
    Some((ri, ci))
}

/// The child rows of a subtotal row whose computed figures sum to its own in
/// this column (checked, so that a ratio column of a subtotal is never
/// taken for a sum).
fn children_summing(t: &Table, ri: usize, ci: usize) -> Option<Vec<usize>> {
    let row = t.rows.get(ri)?;
    if !matches!(row.kind, RowKind::Subtotal | RowKind::Total) {
        return None;
    }
    let total = row.cells.get(ci)?.value()?;
    let mut children = Vec::new();
    for (r, child) in t.rows.iter().enumerate().skip(ri + 1) {
        if child.depth <= row.depth {
            break;
        }
        if child.depth == row.depth + 1 && child.kind != RowKind::Heading {
            children.push(r);
        }
    }
    let sum = crate::calc::sum(
        children
            .iter()
            .filter_map(|&r| t.rows.get(r)?.cells.get(ci)?.value()),
    )
    .ok()?;
    (!children.is_empty() && sum == total).then_some(children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::table::{Cell, Column, NumFormat, Row};
    use crate::validate::diagnostic::Diagnostic;
    use rust_decimal_macros::dec;

    fn row(id: &str, depth: usize, kind: RowKind, vals: &[Decimal]) -> Row {
        Row {
            id: id.into(),
            label: id.into(),
            path: Vec::new(),
            depth,
            kind,
            cells: vals
                .iter()
                .map(|v| Cell::num(*v, NumFormat::Fixed(2)))
                .collect(),
            note: None,
        }
    }

    fn finding(fig: &str, printed: &str) -> Diagnostic {
        Diagnostic::warning("W001", format!("published {fig} is {printed}"))
            .at(std::path::Path::new("data/t.yaml"), 1, 1)
            .figures(printed, "?")
            .figure(fig)
    }

    #[test]
    fn a_total_over_a_misprinted_part_and_a_rate_over_it_are_dependents() {
        // p: a 10 + b 20 = total 30; r = p / budget × 100 with budget 40.
        let t = Table {
            id: "t".into(),
            title: String::new(),
            unit: None,
            source: None,
            label_header: String::new(),
            columns: vec![
                Column::new("p", "", "p"),
                Column::new("budget", "", "b"),
                Column::new("r", "", "r"),
            ],
            rows: vec![
                row("total", 0, RowKind::Total, &[dec!(30), dec!(40), dec!(75)]),
                row("a", 1, RowKind::Leaf, &[dec!(10), dec!(20), dec!(50)]),
                row("b", 1, RowKind::Leaf, &[dec!(20), dec!(20), dec!(100)]),
            ],
            ranges: Default::default(),
            errata: Default::default(),
        };
        let computed = Computed {
            tables: vec![t],
            ..Computed::default()
        };
        let mut d = Diagnostics::default();
        // The plan printed a = 12 (the root), hence total 32 and its rate 80.00;
        // b's 21 is wrong on its own and explains nothing else.
        d.push(finding("t.a.p", "12.00"));
        d.push(finding("t.total.p", "32.00"));
        d.push(finding("t.total.r", "80.00"));
        d.push(finding("t.b.budget", "21.00"));
        group(&computed, &mut d);
        let sev: Vec<(Option<&str>, Severity, usize)> = d
            .items
            .iter()
            .map(|x| (x.root.as_deref(), x.severity, x.dependents))
            .collect();
        assert_eq!(
            sev,
            vec![
                (None, Severity::Warning, 2),
                (Some("t.a.p"), Severity::Note, 0),
                (Some("t.a.p"), Severity::Note, 0),
                (None, Severity::Warning, 0),
            ]
        );
        // A total printed wrong on its own stays a root.
        let mut d = Diagnostics::default();
        d.push(finding("t.a.p", "12.00"));
        d.push(finding("t.total.p", "35.00"));
        group(&computed, &mut d);
        assert!(d.items.iter().all(|x| x.severity == Severity::Warning));
    }
}
