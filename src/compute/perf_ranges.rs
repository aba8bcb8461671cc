//! The range each III-1 figure can take given its inputs' precision. The
//! history is transcribed from the public plan's printed tables: a 2023
//! figure printed `24.23` is anything in [24.225, 24.235], and a history sum
//! taken from an average printed over `n` years is known to ± n half-units.
//! Sums, averages, ROIs, rates and the 110 % column are evaluated over those
//! intervals, so the audit accepts a printed figure that some true input
//! values give, and nothing wider (the per-column `tolerance:` this replaces
//! accepted any difference up to a guessed bound).
//!
//! The tables also repeat figures: the ROI table's 2023 and average columns
//! are the review table's, the result table's averages too. Those are
//! recorded as links, so that a misprint repeated in the second table is
//! reported once, as a dependent of the first.

use super::budget::role;
use super::perf::history_role;
use super::{Computed, Link};
use crate::calc::interval::{self, Interval};
use crate::model::performance::{LastAndAverage, PerfFile, Programme};
use crate::model::table::Table;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::collections::BTreeMap;

/// One programme, one indicator, over intervals.
#[derive(Debug, Clone, Copy, Default)]
struct RAgg {
    t_last: Option<Interval>,
    p_last: Option<Interval>,
    b_last: Option<Interval>,
    t_sum: Option<Interval>,
    p_sum: Option<Interval>,
    b_sum: Option<Interval>,
    /// The divisor of the averages: own active years for a leaf, the span
    /// for a parent (the partial-year rule of `calc::perf::span_average`).
    years: usize,
}

fn avg(sum: Option<Interval>, years: usize) -> Option<Interval> {
    if years == 0 {
        return Some(Interval::exact(Decimal::ZERO));
    }
    sum?.over(Interval::exact(Decimal::from(years)))
}

/// value / budget; like `calc::per_budget`, 0 over an exactly zero budget,
/// unknown over a budget range holding zero.
fn per_budget(v: Option<Interval>, b: Option<Interval>) -> Option<Interval> {
    let (v, b) = (v?, b?);
    if b == Interval::exact(Decimal::ZERO) {
        return Some(b);
    }
    v.over(b)
}

impl RAgg {
    fn t_avg(&self) -> Option<Interval> {
        avg(self.t_sum, self.years)
    }
    fn p_avg(&self) -> Option<Interval> {
        avg(self.p_sum, self.years)
    }
    fn b_avg(&self) -> Option<Interval> {
        avg(self.b_sum, self.years)
    }
}

/// A printed 2023 figure and the sum over the active years taken from a
/// printed average: `last` ± ½u, and `last + earlier` ± n·½u.
fn leaf(x: Option<&LastAndAverage>, n: usize) -> (Option<Interval>, Option<Interval>) {
    let Some(x) = x else { return (None, None) };
    let last = Interval::printed(x.last.0);
    let sum = match x.earlier {
        None => last,
        Some(e) => {
            let scale = x.last.0.scale().max(e.0.scale());
            let h = Decimal::new(5, (scale + 1).min(28));
            let total = x.last.0.checked_add(e.0);
            let spread = h.checked_mul(Decimal::from(n.max(1)));
            total.zip(spread).and_then(|(t, s)| {
                Some(Interval {
                    lo: t.checked_sub(s)?,
                    hi: t.checked_add(s)?,
                })
            })
        }
    };
    (last, sum)
}

fn aggregate(
    p: &Programme,
    f: &PerfFile,
    ind: &str,
    out: &mut BTreeMap<(String, String), RAgg>,
) -> RAgg {
    let span = f.history.len();
    let a = if p.children.is_empty() {
        let n = p.active.as_ref().map_or(span, Vec::len);
        let h = p.indicators.get(ind);
        let (t_last, t_sum) = leaf(h.and_then(|h| h.target.as_ref()), n);
        let (p_last, p_sum) = leaf(h.and_then(|h| h.result.as_ref()), n);
        let (b_last, b_sum) = leaf(p.budget.as_ref(), n);
        RAgg {
            t_last,
            p_last,
            b_last,
            t_sum,
            p_sum,
            b_sum,
            years: n,
        }
    } else {
        let kids: Vec<RAgg> = p
            .children
            .iter()
            .map(|c| aggregate(c, f, ind, out))
            .collect();
        // Like `calc::sum_present`: absent children add nothing, all absent
        // is absent.
        let sum = |g: fn(&RAgg) -> Option<Interval>| {
            let present: Vec<Interval> = kids.iter().filter_map(g).collect();
            if present.is_empty() {
                None
            } else {
                interval::sum(present)
            }
        };
        RAgg {
            t_last: sum(|k| k.t_last),
            p_last: sum(|k| k.p_last),
            b_last: sum(|k| k.b_last),
            t_sum: sum(|k| k.t_sum),
            p_sum: sum(|k| k.p_sum),
            b_sum: sum(|k| k.b_sum),
            years: span,
        }
    };
    out.insert((p.id.clone(), ind.to_string()), a);
    a
}

/// The ranges of the review, ROI and result tables of one indicator, and the
/// links between their repeated figures.
pub fn fill(f: &PerfFile, ind: &str, review: &mut Table, roi: &mut Table, out: &mut Computed) {
    let mut aggs = BTreeMap::new();
    for p in &f.programmes {
        aggregate(p, f, ind, &mut aggs);
    }
    let get = |id: &str| aggs.get(&(id.to_string(), ind.to_string())).copied();
    let last = f.history.last().copied();

    set_ranges(review, |row, col| {
        let a = get(row)?;
        match col {
            "t_last" => a.t_last,
            "p_last" => a.p_last,
            "b_last" => a.b_last,
            "ach_last" => a.p_last?.pct(a.t_last?),
            "rt_last" => per_budget(a.t_last, a.b_last),
            "rp_last" => per_budget(a.p_last, a.b_last),
            "t_avg" => a.t_avg(),
            "p_avg" => a.p_avg(),
            "b_avg" => a.b_avg(),
            "ach_avg" => a.p_avg()?.pct(a.t_avg()?),
            "rt_avg" => per_budget(a.t_avg(), a.b_avg()),
            "rp_avg" => per_budget(a.p_avg(), a.b_avg()),
            _ => None,
        }
    });

    let programmes = f.programmes();
    let trend = |row: &str, y: u16, target: bool| -> Option<Interval> {
        let p = programmes.iter().find(|p| p.id == row)?;
        let t = p.indicators.get(ind)?.trend.get(&y)?;
        Interval::printed(if target { t.target } else { t.result }?.0)
    };
    let budgets = out.budgets.get(&f.budget);
    let cur = budgets.map(|(_, y)| y[1]);
    let prev = budgets.map(|(_, y)| y[0]);
    let cur_col = budgets.map(|(_, y)| format!("rt{}", role(*y, y[1])));
    let prev_col = budgets.map(|(_, y)| format!("rt{}", role(*y, y[0])));
    // The plan year's target ROI: the budget tree's targets are rounded
    // figures, its budgets exact.
    let plan_roi = |row: &str, yi: usize, y: u16| -> Option<Interval> {
        let (aggs, _) = budgets?;
        let p = programmes.iter().find(|p| p.id == row)?;
        let expr = p.plan.get(&y).cloned().unwrap_or_else(|| p.id.clone());
        let c = crate::calc::budget::parse_combination(&expr).ok()?;
        let (t, b) = super::perf::plan_values(aggs, &expr, yi, ind).ok()?;
        let mut spread = Decimal::ZERO;
        for (k, id) in &c.0 {
            let s = aggs.get(id)?.get(yi)?.target_spread.get(ind)?;
            spread = spread.checked_add(s.checked_mul(k.abs())?)?;
        }
        let t = t?;
        let t = Interval {
            lo: t.checked_sub(spread)?,
            hi: t.checked_add(spread)?,
        };
        per_budget(Some(t), Some(Interval::exact(b?)))
    };
    set_ranges(roi, |row, col| {
        let a = get(row)?;
        let rp_avg = per_budget(a.p_avg(), a.b_avg());
        for (i, y) in f.history.iter().enumerate() {
            let is_last = Some(*y) == last;
            if col == format!("rt{}", history_role(i)) {
                return if is_last {
                    per_budget(a.t_last, a.b_last)
                } else {
                    trend(row, *y, true)
                };
            }
            if col == format!("rp{}", history_role(i)) {
                return if is_last {
                    per_budget(a.p_last, a.b_last)
                } else {
                    trend(row, *y, false)
                };
            }
        }
        match col {
            "rt_avg" => per_budget(a.t_avg(), a.b_avg()),
            "rp_avg" => rp_avg,
            "x110" => rp_avg?.scale(dec!(1.1)),
            c if Some(c) == cur_col.as_deref() => plan_roi(row, 1, cur?),
            c if Some(c) == prev_col.as_deref() => plan_roi(row, 0, prev?),
            "vs_avg" => plan_roi(row, 1, cur?)?.pct(rp_avg?),
            _ => None,
        }
    });

    // The ROI table repeats the review table's ROIs.
    if let Some(last_index) = f.history.len().checked_sub(1) {
        let last_role = history_role(last_index);
        for r in &roi.rows {
            let same = |from: &str, to: &str| Link::same(roi, &r.id, from, review, &r.id, to);
            out.links.extend([
                same(&format!("rt{last_role}"), "rt_last"),
                same(&format!("rp{last_role}"), "rp_last"),
                same("rt_avg", "rt_avg"),
                same("rp_avg", "rp_avg"),
            ]);
            out.links.push(Link {
                figure: format!("{}.{}.x110", roi.id, r.id),
                kind: super::LinkKind::Scale {
                    source: format!("{}.{}.rp_avg", roi.id, r.id),
                    factor: dec!(1.1),
                },
            });
            if let Some(c) = &cur_col {
                out.links.push(Link {
                    figure: format!("{}.{}.vs_avg", roi.id, r.id),
                    kind: super::LinkKind::Pct {
                        part: format!("{}.{}.{c}", roi.id, r.id),
                        whole: format!("{}.{}.rp_avg", roi.id, r.id),
                    },
                });
            }
        }
    }
}

/// The result table's history columns are the review table's averages.
pub fn fill_result(
    f: &PerfFile,
    ind: &str,
    result: &mut Table,
    review: &Table,
    out: &mut Computed,
) {
    let mut aggs = BTreeMap::new();
    for p in &f.programmes {
        aggregate(p, f, ind, &mut aggs);
    }
    let history: BTreeMap<&str, &str> = f
        .results
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.history.as_deref()?)))
        .collect();
    set_ranges(result, |row, col| {
        let a = aggs
            .get(&((*history.get(row)?).to_string(), ind.to_string()))
            .copied()?;
        match col {
            "tavg" => a.t_avg(),
            "bavg" => a.b_avg(),
            "ravg" => per_budget(a.t_avg(), a.b_avg()),
            _ => None,
        }
    });
    for (row, prog) in history {
        for (from, to) in [("tavg", "t_avg"), ("bavg", "b_avg"), ("ravg", "rt_avg")] {
            out.links
                .push(Link::same(result, row, from, review, prog, to));
        }
    }
}

fn set_ranges(t: &mut Table, range: impl Fn(&str, &str) -> Option<Interval>) {
    let mut ranges = BTreeMap::new();
    for (ri, r) in t.rows.iter().enumerate() {
        for (ci, c) in t.columns.iter().enumerate() {
            if let Some(x) = range(&r.id, &c.id) {
                ranges.insert((ri, ci), x);
            }
        }
    }
    t.ranges = ranges;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_from_a_printed_average_is_known_to_n_half_units() {
        let x = LastAndAverage {
            last: crate::model::Amount(dec!(24.23)),
            earlier: Some(crate::model::Amount(dec!(49.60))),
        };
        let (last, sum) = leaf(Some(&x), 3);
        assert_eq!(
            last,
            Some(Interval {
                lo: dec!(24.225),
                hi: dec!(24.235)
            })
        );
        // 73.83 is 3 × the printed average 24.61: true sums lie within 3 × 0.005.
        assert_eq!(
            sum,
            Some(Interval {
                lo: dec!(73.815),
                hi: dec!(73.845)
            })
        );
        // Its average over 3 years is the printed average's own interval.
        let a = avg(sum, 3).expect("avg");
        assert!(a.admits(dec!(24.61), 2));
        assert!(!a.admits(dec!(24.63), 2));
    }

    #[test]
    fn a_zero_budget_gives_zero_like_the_exact_rule() {
        let z = Some(Interval::exact(Decimal::ZERO));
        assert_eq!(per_budget(Interval::printed(dec!(3.1)), z), z);
        assert_eq!(per_budget(z, Interval::printed(dec!(0.00))), None);
    }
}
