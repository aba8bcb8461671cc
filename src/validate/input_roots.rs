//! Roots in the inputs. Several published figures of chapter III-1 can
//! disagree for one reason that is no published figure at all: a programme's
//! 2023 result typed wrong changes its ROIs, its averages and every subtotal
//! above it. When one value of a single history input makes all of those
//! figures consistent again, they are one finding: the first is kept as the
//! root, naming the input and the value that reconciles them, and the others
//! become its dependents.
//!
//! The search re-computes the III-1 tables with the input changed (they are
//! small: a few dozen rows), first to see which findings move with the input,
//! then by bisection for the value at which each of them agrees.

use super::diagnostic::{Diagnostics, Severity};
use crate::compute::Computed;
use crate::model::performance::{PerfFile, Programme};
use crate::model::Amount;
use crate::numfmt::{parse_printed, Printed};
use rust_decimal::Decimal;

/// A history input of a leaf programme.
#[derive(Debug, Clone)]
struct Input {
    programme: String,
    /// None: the budget; else the indicator.
    indicator: Option<String>,
    /// `target` or `result`.
    field: &'static str,
    value: Decimal,
}

impl Input {
    fn describe(&self) -> String {
        match &self.indicator {
            None => format!("`{}` budget.last", self.programme),
            Some(i) => format!("`{}` {i}.{}.last", self.programme, self.field),
        }
    }
}

fn leaf_inputs(f: &PerfFile) -> Vec<Input> {
    let mut out = Vec::new();
    for p in f.programmes() {
        if !p.children.is_empty() {
            continue;
        }
        if let Some(b) = &p.budget {
            out.push(Input {
                programme: p.id.clone(),
                indicator: None,
                field: "budget",
                value: b.last.0,
            });
        }
        for (ind, h) in &p.indicators {
            for (field, x) in [("target", &h.target), ("result", &h.result)] {
                if let Some(x) = x {
                    out.push(Input {
                        programme: p.id.clone(),
                        indicator: Some(ind.clone()),
                        field,
                        value: x.last.0,
                    });
                }
            }
        }
    }
    out
}

fn set_input(ps: &mut [Programme], input: &Input, v: Decimal) {
    for p in ps {
        if p.id == input.programme && p.children.is_empty() {
            let slot = match &input.indicator {
                None => p.budget.as_mut(),
                Some(i) => p.indicators.get_mut(i).and_then(|h| match input.field {
                    "target" => h.target.as_mut(),
                    _ => h.result.as_mut(),
                }),
            };
            if let Some(s) = slot {
                s.last = Amount(v);
            }
        }
        set_input(&mut p.children, input, v);
    }
}

/// One root finding of the III-1 tables.
struct Finding {
    diag: usize,
    table: String,
    row: String,
    col: String,
    printed: Printed,
}

/// The III-1 tables computed with `input` at `v`.
fn recompute(f: &PerfFile, computed: &Computed, input: &Input, v: Decimal) -> Computed {
    let mut g = f.clone();
    set_input(&mut g.programmes, input, v);
    let mut scratch = Computed {
        budgets: computed.budgets.clone(),
        ..Computed::default()
    };
    crate::compute::perf::compute(&g, &mut scratch);
    scratch
}

fn value_of(c: &Computed, x: &Finding) -> Option<Decimal> {
    c.table(&x.table)?.cell(&x.row, &x.col)?.value()
}

fn consistent(c: &Computed, x: &Finding) -> bool {
    let Some(t) = c.table(&x.table) else {
        return false;
    };
    let Some(cell) = t.cell(&x.row, &x.col) else {
        return false;
    };
    super::is_consistent(t, &x.row, &x.col, cell, &x.printed)
}

/// The input value at which finding `x` prints as published, by bisection
/// over [lo, hi] (the figures of these tables are monotone in each input).
fn solve(f: &PerfFile, computed: &Computed, input: &Input, x: &Finding) -> Option<Decimal> {
    let Printed::Num { value: target, .. } = x.printed else {
        return None;
    };
    let span = input.value.abs().max(Decimal::ONE) * Decimal::from(10);
    let (mut lo, mut hi) = (
        input.value.checked_sub(span)?,
        input.value.checked_add(span)?,
    );
    let at = |v: Decimal| value_of(&recompute(f, computed, input, v), x);
    let (flo, fhi) = (at(lo)?, at(hi)?);
    let rising = fhi >= flo;
    if (target - flo) * (fhi - target) < Decimal::ZERO {
        return None;
    }
    for _ in 0..48 {
        let mid = (lo + hi) / Decimal::TWO;
        let fm = at(mid)?;
        if (fm < target) == rising {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(((lo + hi) / Decimal::TWO).round_dp(2))
}

pub(super) fn group(perf: &[&PerfFile], computed: &Computed, d: &mut Diagnostics) {
    for f in perf {
        let tables: Vec<String> = {
            let mut scratch = Computed {
                budgets: computed.budgets.clone(),
                ..Computed::default()
            };
            crate::compute::perf::compute(f, &mut scratch);
            scratch.tables.iter().map(|t| t.id.clone()).collect()
        };
        let mut findings: Vec<Finding> = Vec::new();
        for (i, x) in d.items.iter().enumerate() {
            if x.code != "W001" || x.severity != Severity::Warning || x.root.is_some() {
                continue;
            }
            if x.file.as_deref().is_some_and(|p| p.ends_with(".md")) {
                continue;
            }
            let (Some(fig), Some(printed)) = (&x.figure, &x.printed) else {
                continue;
            };
            let mut parts = fig.splitn(3, '.');
            let (Some(t), Some(r), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if !tables.iter().any(|id| id == t) {
                continue;
            }
            let Some(p) = parse_printed(printed) else {
                continue;
            };
            findings.push(Finding {
                diag: i,
                table: t.into(),
                row: r.into(),
                col: c.into(),
                printed: p,
            });
        }
        if findings.len() < 2 {
            continue;
        }
        let mut grouped = vec![false; findings.len()];
        for input in leaf_inputs(f) {
            let open: Vec<usize> = (0..findings.len())
                .filter(|&k| !grouped.get(k).copied().unwrap_or(true))
                .collect();
            if open.len() < 2 {
                break;
            }
            let Some(bumped) = input.value.checked_add(Decimal::ONE) else {
                continue;
            };
            let base = recompute(f, computed, &input, input.value);
            let moved = recompute(f, computed, &input, bumped);
            let depends: Vec<usize> = open
                .iter()
                .copied()
                .filter(|&k| {
                    findings
                        .get(k)
                        .is_some_and(|x| value_of(&base, x) != value_of(&moved, x))
                })
                .collect();
            if depends.len() < 2 {
                continue;
            }
            // A value that reconciles all of them, among those that
            // reconcile each.
            let found = depends.iter().find_map(|&k| {
                let v = solve(f, computed, &input, findings.get(k)?)?;
                let c = recompute(f, computed, &input, v);
                depends
                    .iter()
                    .all(|&j| findings.get(j).is_some_and(|x| consistent(&c, x)))
                    .then_some(v)
            });
            let Some(v) = found else { continue };
            // The root named first is a figure of the input's own row.
            let mut depends = depends;
            depends.sort_by_key(|&k| findings.get(k).is_none_or(|x| x.row != input.programme));
            let (Some(&first), rest) = (depends.first(), depends.get(1..).unwrap_or_default())
            else {
                continue;
            };
            let Some(root) = findings.get(first) else {
                continue;
            };
            let root_fig = format!("{}.{}.{}", root.table, root.row, root.col);
            let root_diag = root.diag;
            let mut moved_deps = 0;
            for &k in rest {
                // The dependents of a finding now grouped follow the new root.
                if let Some(x) = findings.get(k) {
                    let fig = format!("{}.{}.{}", x.table, x.row, x.col);
                    for y in d
                        .items
                        .iter_mut()
                        .filter(|y| y.root.as_deref() == Some(&fig))
                    {
                        y.root = Some(root_fig.clone());
                        moved_deps += 1;
                    }
                }
                if let Some(x) = findings.get(k).and_then(|x| d.items.get_mut(x.diag)) {
                    let cut = x.message.find(" (").unwrap_or(x.message.len());
                    x.message.truncate(cut);
                    x.severity = Severity::Note;
                    x.message = format!(
                        "{} — it follows from the same input as `{root_fig}`, reported on its own",
                        x.message
                    );
                    x.root = Some(root_fig.clone());
                }
                if let Some(g) = grouped.get_mut(k) {
                    *g = true;
                }
            }
            if let Some(g) = grouped.get_mut(first) {
                *g = true;
            }
            if let Some(x) = d.items.get_mut(root_diag) {
                x.dependents += rest.len() + moved_deps;
                let cut = x.message.find(" (").unwrap_or(x.message.len());
                x.message.truncate(cut);
                x.message = format!(
                    "{} ({} other published figure(s) follow from it: `check --verbose` lists them)",
                    x.message, x.dependents
                );
                x.help = Some(format!(
                    "{} figures agree once the input {} is {} instead of {}: check that input first",
                    rest.len() + 1,
                    input.describe(),
                    crate::numfmt::format_fixed(v, 2),
                    crate::numfmt::format_fixed(input.value, 2),
                ));
            }
        }
    }
}
