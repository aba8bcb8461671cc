//! Chapter III-1 tables from the performance history and the budget tree:
//! the review tables (성과 검토), the ROI derivation with the target rule as an
//! audit column (목표 ROI 산정), and the result tables (설정 결과).

use super::Computed;
use crate::calc::budget::{parse_combination, Aggregates};
use crate::calc::perf::{challenge, span_average, target_rule, Branch};
use crate::calc::{achievement, delta, per_budget, round_half_up, sum_present};
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
}

impl Agg {
    pub fn roi_t_last(&self) -> Option<Decimal> {
        Some(per_budget(self.t_last?, self.b_last?))
    }
    pub fn roi_p_last(&self) -> Option<Decimal> {
        Some(per_budget(self.p_last?, self.b_last?))
    }
    pub fn roi_t_avg(&self) -> Option<Decimal> {
        Some(per_budget(self.t_avg?, self.b_avg?))
    }
    pub fn roi_p_avg(&self) -> Option<Decimal> {
        Some(per_budget(self.p_avg?, self.b_avg?))
    }
}

/// Aggregates by (programme id, indicator).
pub type PerfAggs = BTreeMap<(String, String), Agg>;

fn agg_programme(p: &Programme, f: &PerfFile, ind: &str, out: &mut PerfAggs) -> Agg {
    let span = f.history.len();
    let a = if p.children.is_empty() {
        let n = p.active.as_ref().map_or(span, Vec::len);
        let h = p.indicators.get(ind);
        let t = h.and_then(|h| h.target.as_ref());
        let r = h.and_then(|h| h.result.as_ref());
        let b = p.budget.as_ref();
        let sum = |x: &crate::model::performance::LastAndAverage| {
            x.last.0 + x.earlier.map_or(Decimal::ZERO, |e| e.0)
        };
        let own_avg = |s: Decimal| span_average([s], n);
        let (t_sum, p_sum, b_sum) = (t.map(sum), r.map(sum), b.map(sum));
        Agg {
            t_last: t.map(|x| x.last.0),
            p_last: r.map(|x| x.last.0),
            b_last: b.map(|x| x.last.0),
            t_avg: t_sum.map(own_avg),
            p_avg: p_sum.map(own_avg),
            b_avg: b_sum.map(own_avg),
            t_sum,
            p_sum,
            b_sum,
        }
    } else {
        let kids: Vec<Agg> = p
            .children
            .iter()
            .map(|c| agg_programme(c, f, ind, out))
            .collect();
        let sum = |g: fn(&Agg) -> Option<Decimal>| sum_present(kids.iter().map(g));
        let avg = |s: Option<Decimal>| s.map(|s| span_average([s], span));
        let (t_sum, p_sum, b_sum) = (sum(|k| k.t_sum), sum(|k| k.p_sum), sum(|k| k.b_sum));
        Agg {
            t_last: sum(|k| k.t_last),
            p_last: sum(|k| k.p_last),
            b_last: sum(|k| k.b_last),
            t_avg: avg(t_sum),
            p_avg: avg(p_sum),
            b_avg: avg(b_sum),
            t_sum,
            p_sum,
            b_sum,
        }
    };
    out.insert((p.id.clone(), ind.to_string()), a.clone());
    a
}

pub fn aggregate(f: &PerfFile) -> PerfAggs {
    let mut out = PerfAggs::new();
    for ind in &f.indicators {
        for p in &f.programmes {
            agg_programme(p, f, ind, &mut out);
        }
    }
    out
}

/// Target and budget of a combination of budget nodes in a plan year.
pub fn plan_values(
    aggs: &Aggregates,
    expr: &str,
    year_index: usize,
    ind: &str,
) -> (Option<Decimal>, Option<Decimal>) {
    let Ok(c) = parse_combination(expr) else {
        return (None, None);
    };
    let mut t = None;
    let mut b = None;
    for (k, id) in &c.0 {
        let Some(ny) = aggs.get(id) else { continue };
        let y = &ny[year_index];
        t = sum_present([t, y.target(ind).map(|v| v * k)]);
        b = sum_present([b, y.roi_budget(ind).map(|v| v * k)]);
    }
    (t, b)
}

fn fixed(v: Option<Decimal>) -> Cell {
    Cell::opt(v, NumFormat::Fixed(2))
}

fn col(id: &str, group: &str, label: &str) -> Column {
    Column::new(id, group, label)
}

fn yy(y: u16) -> String {
    format!("{:02}", y % 100)
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
    let perf = aggregate(f);
    let Some((baggs, years)) = out.budgets.get(&f.budget).cloned() else {
        return;
    };
    let last = *f.history.last().unwrap_or(&0);
    let first = *f.history.first().unwrap_or(&0);
    let (prev, cur) = (years[0], years[1]);
    let plan_expr = |p: &Programme, y: u16| p.plan.get(&y).cloned().unwrap_or_else(|| p.id.clone());

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
        let review = Table {
            id: format!("perf-review-{ind}"),
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
                    p.zip(t).and_then(|(p, t)| achievement(p, t))
                };
                vec![
                    fixed(a.t_last),
                    fixed(a.p_last),
                    fixed(ach(a.p_last, a.t_last)),
                    fixed(a.b_last),
                    fixed(a.roi_t_last()),
                    fixed(a.roi_p_last()),
                    fixed(a.t_avg),
                    fixed(a.p_avg),
                    fixed(ach(a.p_avg, a.t_avg)),
                    fixed(a.b_avg),
                    fixed(a.roi_t_avg()),
                    fixed(a.roi_p_avg()),
                ]
            }),
        };
        out.register_table_values(&review);
        out.tables.push(review);

        // 목표 ROI 산정, with the rule as an audit column.
        let mut columns = Vec::new();
        for y in &f.history {
            columns.push(col(
                &format!("rt{}", yy(*y)),
                "3개년 목표 추이",
                &format!("'{}", yy(*y)),
            ));
        }
        for y in &f.history {
            columns.push(col(
                &format!("rp{}", yy(*y)),
                "3개년 성과 추이",
                &format!("'{}", yy(*y)),
            ));
        }
        columns.push(col("rt_avg", "3개년 평균", "목표"));
        columns.push(col("rp_avg", "3개년 평균", "성과"));
        columns.push(col("x110", "", "3개년 평균 성과 (110%)"));
        columns.push(col(
            &format!("rt{}", yy(prev)),
            "",
            &format!("'{}년 목표 수치", yy(prev)),
        ));
        columns.push(col(
            &format!("rt{}", yy(cur)),
            "",
            &format!("'{}년 목표 설정", yy(cur)),
        ));
        columns.push(col("vs_avg", "", "3개년 평균 성과 대비(%)"));
        columns.push(col("rule", "목표 설정 규칙(검증)", "규칙 값"));
        columns.push(col("basis", "목표 설정 규칙(검증)", "적용"));
        let roi_rows = rows_of(f, &|p| p.in_roi_table, &|p| {
            let a = get(p);
            let h = p.indicators.get(ind.as_str());
            let mut cells = Vec::new();
            for y in &f.history {
                cells.push(if *y == last {
                    fixed(a.roi_t_last())
                } else {
                    fixed(
                        h.and_then(|h| h.trend.get(y))
                            .and_then(|t| t.target)
                            .map(|x| x.0),
                    )
                });
            }
            for y in &f.history {
                cells.push(if *y == last {
                    fixed(a.roi_p_last())
                } else {
                    fixed(
                        h.and_then(|h| h.trend.get(y))
                            .and_then(|t| t.result)
                            .map(|x| x.0),
                    )
                });
            }
            let ap = a.roi_p_avg();
            cells.push(fixed(a.roi_t_avg()));
            cells.push(fixed(ap));
            cells.push(fixed(ap.map(challenge)));
            let roi_of = |yi: usize, y: u16| {
                let (t, b) = plan_values(&baggs, &plan_expr(p, y), yi, ind);
                t.zip(b).map(|(t, b)| per_budget(t, b))
            };
            let (r_prev, r_cur) = (roi_of(0, prev), roi_of(1, cur));
            cells.push(fixed(r_prev));
            cells.push(fixed(r_cur));
            cells.push(fixed(
                r_cur
                    .zip(ap)
                    .filter(|(_, ap)| !ap.is_zero())
                    .map(|(c, ap)| c / ap * Decimal::ONE_HUNDRED),
            ));
            // The rule applies to programmes; subtotals are sums of the targets set.
            if !p.children.is_empty() {
                cells.push(Cell::Missing);
                cells.push(Cell::Text("합계 기준(Σ목표/Σ예산)".into()));
            } else if let (Some(ap), Some(pl), Some(tp)) = (ap, a.roi_p_last(), r_prev) {
                let (v, branch) = target_rule(ap, pl, tp);
                cells.push(fixed(Some(v)));
                let same = r_cur.is_some_and(|c| round_half_up(c, 2) == round_half_up(v, 2));
                let name = match branch {
                    Branch::AboveLastTarget => "①",
                    Branch::MeanWithLastTarget => "②",
                };
                let text = match (same, h.and_then(|h| h.exception.as_ref())) {
                    (true, _) => format!("{name} 규칙대로"),
                    (false, Some(e)) => format!("예외: {e}"),
                    (false, None) => {
                        let d = r_cur
                            .map(|c| round_half_up(c, 2) - round_half_up(v, 2))
                            .unwrap_or_default();
                        format!(
                            "{name} 규칙 값과 {} 차이(③ 조정, 근거 미기재)",
                            crate::numfmt::format_fixed(d, 2)
                        )
                    }
                };
                cells.push(Cell::Text(text));
            } else {
                cells.push(Cell::Missing);
                cells.push(Cell::Text("-".into()));
            }
            cells
        });
        let roi = Table {
            id: format!("perf-roi-{ind}"),
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
        };
        out.register_table_values(&roi);
        out.tables.push(roi);

        // 설정 결과: history averages and the plan years side by side.
        if !f.results.is_empty() {
            let g_avg = format!("3년 평균('{}~'{}년)", yy(first), yy(last));
            let mut columns = Vec::new();
            for (suffix, g) in [
                ("avg".to_string(), g_avg),
                (yy(prev), format!("{prev}년")),
                (yy(cur), format!("{cur}년")),
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
                            cells.extend([fixed(a.t_avg), fixed(a.b_avg), fixed(a.roi_t_avg())]);
                        }
                        None => {
                            let text = r
                                .new_in
                                .map_or(String::new(), |y| format!("{y}년도 신규 편성"));
                            cells.extend([
                                Cell::Text(text),
                                Cell::Text(String::new()),
                                Cell::Text(String::new()),
                            ]);
                        }
                    }
                    let mut tb = Vec::new();
                    for (yi, y) in [prev, cur].iter().enumerate() {
                        if r.new_in.is_some_and(|n| n > *y) {
                            cells.extend([
                                Cell::Text(String::new()),
                                Cell::Text(String::new()),
                                Cell::Text(String::new()),
                            ]);
                            tb.push((None, None));
                            continue;
                        }
                        let (t, b) = r
                            .plan
                            .get(y)
                            .map_or((None, None), |e| plan_values(&baggs, e, yi, ind));
                        let roi = t.zip(b).map(|(t, b)| per_budget(t, b));
                        cells.extend([fixed(t), fixed(b), fixed(roi)]);
                        tb.push((t, b));
                    }
                    let (t0, b0) = tb[0];
                    let (t1, b1) = tb[1];
                    let r0 = t0.zip(b0).map(|(t, b)| per_budget(t, b));
                    let r1 = t1.zip(b1).map(|(t, b)| per_budget(t, b));
                    cells.extend([
                        fixed(delta(t0, t1)),
                        fixed(delta(b0, b1)),
                        fixed(delta(r0, r1)),
                    ]);
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
            let result = Table {
                id: format!("perf-result-{ind}"),
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
            };
            out.register_table_values(&result);
            out.tables.push(result);
        }
    }
}
