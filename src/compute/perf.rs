//! Chapter III-1 tables from the performance history and the budget tree:
//! the review tables (성과 검토), the ROI derivation with the target rule as an
//! audit column (목표 ROI 산정), and the result tables (설정 결과).

use super::{CellSink, Computed, Place};
use crate::calc::budget::{parse_combination, Aggregates};
use crate::calc::perf::{challenge, span_average, target_rule, Branch};
use crate::calc::{
    achievement, add, delta, mul, per_budget, round_half_up, share, sub, sum_present, CalcError,
    Checked,
};
use crate::edition::ToSupply;
use crate::model::performance::{PerfFile, Programme};
use crate::model::table::{Cell, Column, NumFormat, Row, RowKind, Table};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One programme, one indicator, aggregated.
#[derive(Debug, Clone, Default)]
pub struct Agg {
    pub t_last: Option<Decimal>,
    pub p_last: Option<Decimal>,
    pub b_last: Option<Decimal>,
    pub t_avg: Option<Decimal>,
    pub p_avg: Option<Decimal>,
    pub b_avg: Option<Decimal>,
    /// History sums (average × active years), what parents add up.
    t_sum: Option<Decimal>,
    p_sum: Option<Decimal>,
    b_sum: Option<Decimal>,
    /// The figures still to supply (then None): a leaf's input is a
    /// `# 자료 입력 필요:` one, or a programme sums a child's such figure.
    pub gap: Gap,
}

/// Which of an aggregate's figures are still to supply: the detailed year's
/// target, result and budget, and their history sums (and averages).
#[derive(Debug, Clone, Copy, Default)]
pub struct Gap {
    pub t_last: bool,
    pub p_last: bool,
    pub b_last: bool,
    pub t: bool,
    pub p: bool,
    pub b: bool,
}

impl Gap {
    fn or(self, o: Gap) -> Gap {
        Gap {
            t_last: self.t_last || o.t_last,
            p_last: self.p_last || o.p_last,
            b_last: self.b_last || o.b_last,
            t: self.t || o.t,
            p: self.p || o.p,
            b: self.b || o.b,
        }
    }
}

/// A figure still without a value because of an input to supply.
fn none_if(gap: bool, v: Option<Decimal>) -> Option<Decimal> {
    if gap {
        None
    } else {
        v
    }
}

/// value / budget when both are there.
fn ratio(v: Option<Decimal>, b: Option<Decimal>) -> Checked<Option<Decimal>> {
    v.zip(b).map(|(v, b)| per_budget(v, b)).transpose()
}

impl Agg {
    pub fn roi_t_last(&self) -> Checked<Option<Decimal>> {
        ratio(self.t_last, self.b_last)
    }
    pub fn roi_p_last(&self) -> Checked<Option<Decimal>> {
        ratio(self.p_last, self.b_last)
    }
    pub fn roi_t_avg(&self) -> Checked<Option<Decimal>> {
        ratio(self.t_avg, self.b_avg)
    }
    pub fn roi_p_avg(&self) -> Checked<Option<Decimal>> {
        ratio(self.p_avg, self.b_avg)
    }
}

/// A programme's figure that could not be aggregated: (programme, field, error).
type AggErrors = Vec<(String, String, CalcError)>;

/// Aggregates by (programme id, indicator).
pub type PerfAggs = BTreeMap<(String, String), Agg>;

fn agg_programme(
    p: &Programme,
    (f, supply): (&PerfFile, &ToSupply),
    ind: &str,
    out: &mut PerfAggs,
    errors: &mut AggErrors,
) -> Agg {
    let span = f.history.len();
    // A figure that overflows is "-" from here on and reported once.
    let errs = std::cell::RefCell::new(Vec::new());
    let ok = |field: &str, r: Checked<Option<Decimal>>| {
        r.unwrap_or_else(|e| {
            errs.borrow_mut()
                .push((p.id.clone(), format!("{ind}.{field}"), e));
            None
        })
    };
    let a = if p.children.is_empty() {
        let n = p.active.as_ref().map_or(span, Vec::len);
        let h = p.indicators.get(ind);
        let t = h.and_then(|h| h.target.as_ref());
        let r = h.and_then(|h| h.result.as_ref());
        let b = p.budget.as_ref();
        let sum = |field: &str, x: Option<&crate::model::performance::LastAndAverage>| {
            ok(
                field,
                x.map(|x| add(x.last.0, x.earlier.map_or(Decimal::ZERO, |e| e.0)))
                    .transpose(),
            )
        };
        let own_avg = |field: &str, s: Option<Decimal>| {
            ok(field, s.map(|s| span_average([s], n)).transpose())
        };
        let (t_sum, p_sum, b_sum) = (sum("target", t), sum("result", r), sum("budget", b));
        // An input left out with its supply comment: both its year and its sum.
        let (gt, gp, gb) = (
            t.is_none() && supply.perf_field(&p.id, ind, "target"),
            r.is_none() && supply.perf_field(&p.id, ind, "result"),
            b.is_none() && supply.perf_budget(&p.id),
        );
        Agg {
            t_last: t.map(|x| x.last.0),
            p_last: r.map(|x| x.last.0),
            b_last: b.map(|x| x.last.0),
            t_avg: own_avg("target", t_sum),
            p_avg: own_avg("result", p_sum),
            b_avg: own_avg("budget", b_sum),
            t_sum,
            p_sum,
            b_sum,
            gap: Gap {
                t_last: gt,
                p_last: gp,
                b_last: gb,
                t: gt,
                p: gp,
                b: gb,
            },
        }
    } else {
        let kids: Vec<Agg> = p
            .children
            .iter()
            .map(|c| agg_programme(c, (f, supply), ind, out, errors))
            .collect();
        // A sum with a part to supply is not a figure yet (not the sum of
        // the parts given).
        let gap = kids.iter().fold(Gap::default(), |g, k| g.or(k.gap));
        let sum = |field: &str, g: fn(&Agg) -> Option<Decimal>| {
            ok(field, sum_present(kids.iter().map(g)))
        };
        let avg = |field: &str, s: Option<Decimal>| {
            ok(field, s.map(|s| span_average([s], span)).transpose())
        };
        let (t_sum, p_sum, b_sum) = (
            sum("target", |k| k.t_sum),
            sum("result", |k| k.p_sum),
            sum("budget", |k| k.b_sum),
        );
        let (t_sum, p_sum, b_sum) = (
            none_if(gap.t, t_sum),
            none_if(gap.p, p_sum),
            none_if(gap.b, b_sum),
        );
        Agg {
            t_last: none_if(gap.t_last, sum("target.last", |k| k.t_last)),
            p_last: none_if(gap.p_last, sum("result.last", |k| k.p_last)),
            b_last: none_if(gap.b_last, sum("budget.last", |k| k.b_last)),
            t_avg: avg("target", t_sum),
            p_avg: avg("result", p_sum),
            b_avg: avg("budget", b_sum),
            t_sum,
            p_sum,
            b_sum,
            gap,
        }
    };
    errors.extend(errs.into_inner());
    out.insert((p.id.clone(), ind.to_string()), a.clone());
    a
}

fn aggregate(f: &PerfFile, supply: &ToSupply) -> (PerfAggs, AggErrors) {
    let mut out = PerfAggs::new();
    let mut errors = AggErrors::new();
    for ind in &f.indicators {
        for p in &f.programmes {
            agg_programme(p, (f, supply), ind, &mut out, &mut errors);
        }
    }
    (out, errors)
}

/// Target and budget of a combination of budget nodes in a plan year.
pub fn plan_values(
    aggs: &Aggregates,
    expr: &str,
    year_index: usize,
    ind: &str,
) -> Checked<(Option<Decimal>, Option<Decimal>)> {
    let Ok(c) = parse_combination(expr) else {
        return Ok((None, None));
    };
    let mut t = None;
    let mut b = None;
    for (k, id) in &c.0 {
        let Some(y) = aggs.get(id).and_then(|ny| ny.get(year_index)) else {
            continue;
        };
        let scaled = |v: Option<Decimal>| v.map(|v| mul(v, *k)).transpose();
        t = sum_present([t, scaled(y.target(ind))?])?;
        b = sum_present([b, scaled(y.roi_budget(ind)?)?])?;
    }
    Ok((t, b))
}

fn fixed(v: Option<Decimal>) -> Cell {
    Cell::opt(v, NumFormat::Fixed(2))
}

/// A checked figure as a cell.
fn fx(v: Checked<Option<Decimal>>) -> Checked<Cell> {
    v.map(fixed)
}

/// A checked figure as a cell, 자료 입력 필요 when it reads an input still
/// to supply (whatever the figure: a sum of the parts given is not it).
fn sx(v: Checked<Option<Decimal>>, gap: bool) -> Checked<Cell> {
    if gap {
        Ok(Cell::ToSupply)
    } else {
        fx(v)
    }
}

fn col(id: &str, group: &str, label: &str) -> Column {
    Column::new(id, group, label)
}

use super::budget::{role, yy};

/// The role of a history year in column ids: `_h1` is the oldest year of the
/// window, `_h3` (for three years) the latest, the review table's `last`.
pub fn history_role(index: usize) -> String {
    format!("_h{}", index.saturating_add(1))
}

fn rows_of(
    f: &PerfFile,
    filter: &dyn Fn(&Programme) -> bool,
    cells: &dyn Fn(&Programme) -> Vec<Cell>,
) -> Vec<Row> {
    fn walk(
        p: &Programme,
        depth: usize,
        filter: &dyn Fn(&Programme) -> bool,
        cells: &dyn Fn(&Programme) -> Vec<Cell>,
        out: &mut Vec<Row>,
    ) {
        if filter(p) {
            out.push(Row {
                id: p.id.clone(),
                label: p.label.clone(),
                path: Vec::new(),
                depth,
                kind: match (depth, p.children.is_empty()) {
                    (0, _) => RowKind::Total,
                    (_, true) => RowKind::Leaf,
                    _ => RowKind::Subtotal,
                },
                cells: cells(p),
                note: None,
            });
        }
        for c in &p.children {
            walk(c, depth + 1, filter, cells, out);
        }
    }
    let mut out = Vec::new();
    for p in &f.programmes {
        walk(p, 0, filter, cells, &mut out);
    }
    out
}

fn label_of(ind: &str) -> &str {
    match ind {
        "jobs" => "신규고용",
        "sales" => "사업화매출액",
        "export" => "사업화수출액",
        "patents" => "특허",
        other => other,
    }
}

pub fn compute(f: &PerfFile, out: &mut Computed) {
    let supply = out.supply_marks.get(&f.id).cloned().unwrap_or_default();
    let (perf, errors) = aggregate(f, &supply);
    for (node, field, e) in errors {
        out.error(
            Place::Node {
                dataset: f.id.clone(),
                node,
                year: None,
                field,
            },
            e.to_string(),
        );
    }
    let Some((baggs, years)) = out.budgets.get(&f.budget).cloned() else {
        return;
    };
    let last = *f.history.last().unwrap_or(&0);
    let first = *f.history.first().unwrap_or(&0);
    let (prev, cur) = (years[0], years[1]);
    let plan_expr = |p: &Programme, y: u16| p.plan.get(&y).cloned().unwrap_or_else(|| p.id.clone());
    // The plan year's targets and budgets of budget nodes still to supply.
    let budget_supply = out
        .budget_supply
        .get(&f.budget)
        .cloned()
        .unwrap_or_default();
    let plan_gap = |expr: &str, year_index: usize| {
        year_index == 1
            && parse_combination(expr)
                .is_ok_and(|c| c.0.iter().any(|(_, id)| budget_supply.contains(id)))
    };

    for ind in &f.indicators {
        let get = |p: &Programme| {
            perf.get(&(p.id.clone(), ind.clone()))
                .cloned()
                .unwrap_or_default()
        };

        // 성과 검토: the detailed year and the three-year averages.
        let g_last = format!("{last}년");
        let g_avg = format!("3년 평균('{}~'{})", yy(first), yy(last));
        let mut columns = Vec::new();
        for (suffix, g) in [("last", &g_last), ("avg", &g_avg)] {
            for (id, label) in [
                ("t", "목표"),
                ("p", "성과"),
                ("ach", "달성율"),
                ("b", "예산"),
                ("rt", "1억원당 목표"),
                ("rp", "1억원당 성과"),
            ] {
                columns.push(col(&format!("{id}_{suffix}"), g, label));
            }
        }
        let review_sink = CellSink::default();
        let mut review = Table {
            id: format!("{}-{ind}", f.tables.review),
            title: format!(
                "{} 성과 검토({last}년 실적 및 3개년 평균 성과)",
                label_of(ind)
            ),
            unit: Some(if ind == "jobs" {
                "명, 억원, %".into()
            } else {
                "억원, %".into()
            }),
            source: None,
            label_header: "구분".into(),
            columns,
            rows: rows_of(f, &|_| true, &|p| {
                let a = get(p);
                let ach = |p: Option<Decimal>, t: Option<Decimal>| {
                    p.zip(t)
                        .map(|(p, t)| achievement(p, t))
                        .transpose()
                        .map(Option::flatten)
                };
                let g = a.gap;
                let cells = vec![
                    sx(Ok(a.t_last), g.t_last),
                    sx(Ok(a.p_last), g.p_last),
                    sx(ach(a.p_last, a.t_last), g.p_last || g.t_last),
                    sx(Ok(a.b_last), g.b_last),
                    sx(a.roi_t_last(), g.t_last || g.b_last),
                    sx(a.roi_p_last(), g.p_last || g.b_last),
                    sx(Ok(a.t_avg), g.t),
                    sx(Ok(a.p_avg), g.p),
                    sx(ach(a.p_avg, a.t_avg), g.p || g.t),
                    sx(Ok(a.b_avg), g.b),
                    sx(a.roi_t_avg(), g.t || g.b),
                    sx(a.roi_p_avg(), g.p || g.b),
                ];
                review_sink.row(&p.id, cells)
            }),
            ranges: Default::default(),
            errata: Default::default(),
        };
        out.cell_errors(&review, review_sink);
        out.register_table_values(&review);

        // 목표 ROI 산정, with the rule as an audit column.
        let mut columns = Vec::new();
        for (i, y) in f.history.iter().enumerate() {
            columns.push(col(
                &format!("rt{}", history_role(i)),
                "3개년 목표 추이",
                &format!("'{}", yy(*y)),
            ));
        }
        for (i, y) in f.history.iter().enumerate() {
            columns.push(col(
                &format!("rp{}", history_role(i)),
                "3개년 성과 추이",
                &format!("'{}", yy(*y)),
            ));
        }
        columns.push(col("rt_avg", "3개년 평균", "목표"));
        columns.push(col("rp_avg", "3개년 평균", "성과"));
        columns.push(col("x110", "", "3개년 평균 성과 (110%)"));
        columns.push(col(
            &format!("rt{}", role(years, prev)),
            "",
            &format!("'{}년 목표 수치", yy(prev)),
        ));
        columns.push(col(
            &format!("rt{}", role(years, cur)),
            "",
            &format!("'{}년 목표 설정", yy(cur)),
        ));
        columns.push(col("vs_avg", "", "3개년 평균 성과 대비(%)"));
        columns.push(col("rule", "목표 설정 규칙(검증)", "규칙 값"));
        columns.push(col("basis", "목표 설정 규칙(검증)", "적용"));
        let roi_sink = CellSink::default();
        let roi_rows = rows_of(f, &|p| p.in_roi_table, &|p| {
            let a = get(p);
            let g = a.gap;
            let h = p.indicators.get(ind.as_str());
            let trend_gap = |y: u16| supply.perf_trend(&p.id, ind, y);
            let mut cells = Vec::new();
            for y in &f.history {
                cells.push(if *y == last {
                    sx(a.roi_t_last(), g.t_last || g.b_last)
                } else {
                    let v = h.and_then(|h| h.trend.get(y)).and_then(|t| t.target);
                    sx(Ok(v.map(|x| x.0)), v.is_none() && trend_gap(*y))
                });
            }
            for y in &f.history {
                cells.push(if *y == last {
                    sx(a.roi_p_last(), g.p_last || g.b_last)
                } else {
                    let v = h.and_then(|h| h.trend.get(y)).and_then(|t| t.result);
                    sx(Ok(v.map(|x| x.0)), v.is_none() && trend_gap(*y))
                });
            }
            let ap = a.roi_p_avg();
            let ap_gap = g.p || g.b;
            cells.push(sx(a.roi_t_avg(), g.t || g.b));
            cells.push(sx(ap, ap_gap));
            cells.push(sx(ap.and_then(|ap| ap.map(challenge).transpose()), ap_gap));
            let roi_of = |yi: usize, y: u16| {
                let (t, b) = plan_values(&baggs, &plan_expr(p, y), yi, ind)?;
                ratio(t, b)
            };
            let (r_prev, r_cur) = (roi_of(0, prev), roi_of(1, cur));
            let (prev_gap, cur_gap) = (
                plan_gap(&plan_expr(p, prev), 0),
                plan_gap(&plan_expr(p, cur), 1),
            );
            cells.push(sx(r_prev, prev_gap));
            cells.push(sx(r_cur, cur_gap));
            let vs_gap = cur_gap || ap_gap;
            let vs_avg = r_cur.and_then(|c| {
                ap.and_then(|ap| {
                    c.zip(ap)
                        .map(|(c, ap)| share(c, ap))
                        .transpose()
                        .map(Option::flatten)
                })
            });
            cells.push(sx(vs_avg, vs_gap));
            // The rule reads the averages, the last year and the previous target.
            let rule_gap = ap_gap || g.p_last || g.b_last || prev_gap;
            // The rule applies to programmes; subtotals are sums of the targets set.
            let rule = (|| -> Checked<Option<(Decimal, Branch)>> {
                match (ap?, a.roi_p_last()?, r_prev?) {
                    (Some(ap), Some(pl), Some(tp)) => target_rule(ap, pl, tp).map(Some),
                    _ => Ok(None),
                }
            })();
            if !p.children.is_empty() {
                cells.push(Ok(Cell::Missing));
                cells.push(Ok(Cell::Text("합계 기준(Σ목표/Σ예산)".into())));
            } else {
                match rule {
                    Err(e) => cells.extend([Err(e), Err(e)]),
                    Ok(None) if rule_gap => {
                        cells.extend([Ok(Cell::ToSupply), Ok(Cell::ToSupply)]);
                    }
                    Ok(None) => {
                        cells.push(Ok(Cell::Missing));
                        cells.push(Ok(Cell::Text("-".into())));
                    }
                    Ok(Some((v, branch))) => {
                        cells.push(Ok(fixed(Some(v))));
                        // A failed r_cur is reported in its own cell.
                        let r_cur = r_cur.unwrap_or(None);
                        let same =
                            r_cur.is_some_and(|c| round_half_up(c, 2) == round_half_up(v, 2));
                        let name = match branch {
                            Branch::AboveLastTarget => "①",
                            Branch::MeanWithLastTarget => "②",
                        };
                        let text = match (same, h.and_then(|h| h.exception.as_ref())) {
                            (true, _) => Ok(format!("{name} 규칙대로")),
                            (false, Some(e)) => Ok(format!("예외: {e}")),
                            (false, None) => r_cur
                                .map(|c| sub(round_half_up(c, 2), round_half_up(v, 2)))
                                .transpose()
                                .map(|d| {
                                    format!(
                                        "{name} 규칙 값과 {} 차이(③ 조정, 근거 미기재)",
                                        crate::numfmt::format_fixed(d.unwrap_or_default(), 2)
                                    )
                                }),
                        };
                        cells.push(text.map(Cell::Text));
                    }
                }
            }
            roi_sink.row(&p.id, cells)
        });
        let mut roi = Table {
            id: format!("{}-{ind}", f.tables.roi),
            title: format!("{} 목표 ROI 산정(1억원당)", label_of(ind)),
            unit: Some(if ind == "jobs" {
                "명/억원, %".into()
            } else {
                "억원/억원, %".into()
            }),
            source: None,
            label_header: "구분 (1억원당)".into(),
            columns,
            rows: roi_rows,
            ranges: Default::default(),
            errata: Default::default(),
        };
        out.cell_errors(&roi, roi_sink);
        out.register_table_values(&roi);
        super::perf_ranges::fill(f, ind, &mut review, &mut roi, out);

        // 설정 결과: history averages and the plan years side by side.
        if !f.results.is_empty() {
            let g_avg = format!("3년 평균('{}~'{}년)", yy(first), yy(last));
            let mut columns = Vec::new();
            for (suffix, g) in [
                ("avg".to_string(), g_avg),
                (role(years, prev).to_string(), format!("{prev}년")),
                (role(years, cur).to_string(), format!("{cur}년")),
            ] {
                for (id, label) in [("t", "목표"), ("b", "예산"), ("r", "1억원당 목표")] {
                    columns.push(col(&format!("{id}{suffix}"), &g, label));
                }
            }
            for (id, label) in [("dt", "목표 증감"), ("db", "예산 증감"), ("dr", "ROI 증감")]
            {
                columns.push(col(id, "전년대비", label));
            }
            let programmes = f.programmes();
            let result_sink = CellSink::default();
            let rows = f
                .results
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut cells = Vec::new();
                    match r
                        .history
                        .as_ref()
                        .and_then(|h| programmes.iter().find(|p| &p.id == h))
                    {
                        Some(p) => {
                            let a = get(p);
                            cells.extend([
                                sx(Ok(a.t_avg), a.gap.t),
                                sx(Ok(a.b_avg), a.gap.b),
                                sx(a.roi_t_avg(), a.gap.t || a.gap.b),
                            ]);
                        }
                        None => {
                            let text = r
                                .new_in
                                .map_or(String::new(), |y| format!("{y}년도 신규 편성"));
                            cells.extend([
                                Ok(Cell::Text(text)),
                                Ok(Cell::Text(String::new())),
                                Ok(Cell::Text(String::new())),
                            ]);
                        }
                    }
                    type Pair = Checked<(Option<Decimal>, Option<Decimal>)>;
                    let mut tb: Vec<Pair> = Vec::new();
                    for (yi, y) in [prev, cur].iter().enumerate() {
                        if r.new_in.is_some_and(|n| n > *y) {
                            cells.extend([
                                Ok(Cell::Text(String::new())),
                                Ok(Cell::Text(String::new())),
                                Ok(Cell::Text(String::new())),
                            ]);
                            tb.push(Ok((None, None)));
                            continue;
                        }
                        let tb_y = r
                            .plan
                            .get(y)
                            .map_or(Ok((None, None)), |e| plan_values(&baggs, e, yi, ind));
                        let roi = tb_y.and_then(|(t, b)| ratio(t, b));
                        cells.extend([fx(tb_y.map(|x| x.0)), fx(tb_y.map(|x| x.1)), fx(roi)]);
                        tb.push(tb_y);
                    }
                    let none: Pair = Ok((None, None));
                    let x0 = tb.first().copied().unwrap_or(none);
                    let x1 = tb.get(1).copied().unwrap_or(none);
                    let r_of = |x: Pair| x.and_then(|(t, b)| ratio(t, b));
                    cells.extend([
                        fx(x0.and_then(|(t0, _)| x1.and_then(|(t1, _)| delta(t0, t1)))),
                        fx(x0.and_then(|(_, b0)| x1.and_then(|(_, b1)| delta(b0, b1)))),
                        fx(r_of(x0).and_then(|r0| r_of(x1).and_then(|r1| delta(r0, r1)))),
                    ]);
                    // The plan year not given yet (a new edition): its figures
                    // and the changes are to supply, not a change against 0
                    // (nor the figures of the nodes given so far).
                    let cur_gap = r.plan.get(&cur).is_some_and(|e| plan_gap(e, 1));
                    if cur_gap && r.new_in.is_none_or(|n| n <= cur) {
                        cells.truncate(cells.len().saturating_sub(6));
                        cells.extend((0..6).map(|_| Ok(Cell::ToSupply)));
                    }
                    let cells = result_sink.row(&r.id, cells);
                    Row {
                        id: r.id.clone(),
                        label: r.label.clone(),
                        path: Vec::new(),
                        depth: 0,
                        kind: if i == 0 {
                            RowKind::Total
                        } else {
                            RowKind::Leaf
                        },
                        cells,
                        note: None,
                    }
                })
                .collect();
            let mut result = Table {
                id: format!("{}-{ind}", f.tables.result),
                title: format!("{} 설정 결과", label_of(ind)),
                unit: Some(if ind == "jobs" {
                    "명, 억원".into()
                } else {
                    "억원".into()
                }),
                source: None,
                label_header: "구분".into(),
                columns,
                rows,
                ranges: Default::default(),
                errata: Default::default(),
            };
            out.cell_errors(&result, result_sink);
            out.register_table_values(&result);
            super::perf_ranges::fill_result(f, ind, &mut result, &review, out);
            out.tables.extend([review, roi, result]);
        } else {
            out.tables.extend([review, roi]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
id: perf
budget: budget
history: [2022, 2023, 2024]
indicators: [jobs]
programmes:
  - id: total
    label: 총계
    children:
      - id: a
        label: a
        budget: { last: 2, earlier: 4 }
        indicators:
          jobs:
            target: { last: 1, earlier: 2 }
            result: { last: 1, earlier: 2 }
      - id: b
        label: b
        # 자료 입력 필요: `b` 예산(budget): 2024년 값(last), 2022~2023년 합계(earlier)
        indicators:
          jobs:
            # 자료 입력 필요: `b` jobs 목표(target): 2024년 값(last), 2022~2023년 합계(earlier)
            result: { last: 1, earlier: 2 }
";

    fn aggs(supply: &ToSupply) -> PerfAggs {
        let f: PerfFile = serde_saphyr::from_str(SRC).expect("parses");
        let (a, errors) = aggregate(&f, supply);
        assert!(errors.is_empty());
        a
    }

    fn get<'a>(a: &'a PerfAggs, id: &str) -> &'a Agg {
        a.get(&(id.to_string(), "jobs".to_string())).expect("agg")
    }

    #[test]
    fn a_sum_with_a_part_to_supply_is_to_supply() {
        let a = aggs(&ToSupply::of(SRC));
        let (b, total) = (get(&a, "b"), get(&a, "total"));
        assert!(b.gap.t_last && b.gap.t && b.gap.b && !b.gap.p_last);
        // Not a's target alone: b's is still to come.
        assert!(total.gap.t_last && total.gap.t && total.gap.b);
        assert_eq!((total.t_last, total.t_avg, total.b_avg), (None, None, None));
        // Both results are given: the sum is a figure.
        assert!(!total.gap.p_last);
        assert_eq!(total.p_last, Some(Decimal::from(2)));
        assert_eq!(ratio(total.p_last, total.b_last), Ok(None));
        assert_eq!(
            sx(total.roi_t_last(), total.gap.t_last || total.gap.b_last),
            Ok(Cell::ToSupply)
        );
        assert_eq!(
            sx(Ok(total.p_last), total.gap.p_last).map(|c| c.value()),
            Ok(Some(Decimal::from(2)))
        );
    }

    #[test]
    fn without_the_comments_an_absent_input_is_nothing() {
        let a = aggs(&ToSupply::default());
        let total = get(&a, "total");
        assert!(!total.gap.t_last && !total.gap.b);
        // The published rule: the sum of the inputs given.
        assert_eq!(total.t_last, Some(Decimal::from(1)));
        assert_eq!(sx(Ok(get(&a, "b").t_last), false), Ok(Cell::Missing));
    }
}
