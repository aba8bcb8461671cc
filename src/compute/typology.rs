//! Typology tables and the innovation × growth scatter, per industry, from a
//! company extract.

use super::Computed;
use crate::calc::typology::{
    self, classify, describe, percentile, Company, Criteria, Group, Kind, Params, Profile,
};
use crate::model::chart::{ChartData, ChartKind, ScatterData};
use crate::model::companies::Extract;
use crate::model::table::{Cell, Column, NumFormat, Row, RowKind, Table};
use rust_decimal::Decimal;

fn num(v: Option<f64>, dp: u32) -> Cell {
    Cell::opt(typology::dec(v), NumFormat::Fixed(dp))
}

fn count(n: usize) -> Cell {
    Cell::num(Decimal::from(n), NumFormat::Fixed(0))
}

fn col(id: &str, group: &str, label: &str) -> Column {
    Column::new(id, group, label)
}

fn row(id: &str, label: &str, kind: RowKind, cells: Vec<Cell>) -> Row {
    Row {
        id: id.into(),
        label: label.into(),
        path: Vec::new(),
        depth: usize::from(kind == RowKind::Leaf),
        kind,
        cells,
        note: None,
    }
}

fn table(id: String, title: String, unit: &str, columns: Vec<Column>, rows: Vec<Row>) -> Table {
    Table {
        id,
        title,
        unit: Some(unit.into()),
        source: Some("* 자료: 기업 데이터(dataset) 기준 계산".into()),
        label_header: "구분".into(),
        columns,
        rows,
        ranges: Default::default(),
        errata: Default::default(),
    }
}

fn stats_cells(values: &[f64]) -> Vec<Cell> {
    let (n, min, max, mean, median) = describe(values);
    vec![
        count(n),
        num(min, 2),
        num(max, 2),
        num(mean, 2),
        num(median, 2),
    ]
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn compute(x: &Extract, out: &mut Computed) {
    let f = &x.file;
    let p = &f.parameters;
    let [first, _, last] = f.years.map(super::budget::yy);
    for ind in &f.industries {
        let members: Vec<&Company> = x
            .companies
            .iter()
            .map(|(c, _)| c)
            .filter(|c| c.sme && c.ksic.iter().any(|k| ind.ksic.contains(k)))
            .collect();
        let prof = classify(&members, p);
        let prefix = format!("{}-{}", f.id, ind.id);
        let n_all = members.len();

        // KSIC statistics: a company with two codes of the industry counts in both rows.
        let mut columns = vec![col("n", "모수", "개수"), col("share", "모수", "비중(%)")];
        for (g, unit) in [
            ("rev", "3년 평균 매출액(억원)"),
            ("emp", &*format!("고용규모('{last}년, 명)")),
        ] {
            for (id, l) in [
                ("n", "개수"),
                ("min", "최소"),
                ("max", "최대"),
                ("mean", "평균"),
                ("median", "중간"),
            ] {
                columns.push(col(&format!("{g}_{id}"), unit, l));
            }
        }
        let stat_row = |id: &str, label: &str, kind: RowKind, idx: &[usize]| {
            let revs: Vec<f64> = idx.iter().filter_map(|&i| prof[i].rev3).collect();
            let emps: Vec<f64> = idx.iter().filter_map(|&i| prof[i].emp_last).collect();
            let share = (n_all > 0).then(|| idx.len() as f64 / n_all as f64 * 100.0);
            let mut cells = vec![count(idx.len()), num(share, 2)];
            cells.extend(stats_cells(&revs));
            cells.extend(stats_cells(&emps));
            row(id, label, kind, cells)
        };
        let mut rows = Vec::new();
        for k in &ind.ksic {
            let idx: Vec<usize> = (0..members.len())
                .filter(|&i| members[i].ksic.contains(k))
                .collect();
            let label = ind
                .names
                .get(k)
                .map_or_else(|| k.clone(), |n| format!("{k} {n}"));
            rows.push(stat_row(k, &label, RowKind::Leaf, &idx));
        }
        rows.push(stat_row(
            "total",
            "TOTAL",
            RowKind::Total,
            &(0..members.len()).collect::<Vec<_>>(),
        ));
        push(
            out,
            table(
                format!("{prefix}-ksic"),
                format!("{} 기업 일반 현황", ind.label),
                "개, %, 억원, 명",
                columns,
                rows,
            ),
        );

        // Percentiles of the characteristics.
        let metric =
            |g: fn(&Profile) -> Option<f64>| prof.iter().filter_map(g).collect::<Vec<f64>>();
        let (emp_l, g_rev_l, g_emp_l) = (
            format!("고용규모('{last}, 명)"),
            format!("매출액 증가율('{first}→'{last}, %)"),
            format!("고용 증가율('{first}→'{last}, %)"),
        );
        let metrics: [(&str, &str, Vec<f64>); 6] = [
            ("rev3", "3개년 평균 매출액(억원)", metric(|x| x.rev3)),
            ("emp_last", &emp_l, metric(|x| x.emp_last)),
            ("g_rev", &g_rev_l, metric(|x| x.g_rev)),
            ("g_emp", &g_emp_l, metric(|x| x.g_emp)),
            ("rd_int", "3개년 R&D 집약도(%)", metric(|x| x.rd_int)),
            ("pat3", "3개년 특허 평균(건수)", metric(|x| x.pat3)),
        ];
        let columns = metrics.iter().map(|(id, l, _)| col(id, "", l)).collect();
        let rows = (1..=9)
            .rev()
            .map(|k| {
                let pct = f64::from(k) * 10.0;
                let label = format!("{}%(상위 {}%)", k * 10, 100 - k * 10);
                row(
                    &format!("p{}", k * 10),
                    &label,
                    RowKind::Leaf,
                    metrics
                        .iter()
                        .map(|(_, _, v)| num(percentile(v, pct, p.percentile), 2))
                        .collect(),
                )
            })
            .collect();
        push(
            out,
            table(
                format!("{prefix}-pct"),
                format!("{} 기업 특성 분포(백분위)", ind.label),
                "억원, 명, %, 건",
                columns,
                rows,
            ),
        );

        // Groups A/B/C (STEP 2) as shares of the innovation-index population.
        let n_inn = prof.iter().filter(|x| x.innovation.is_some()).count();
        let n_gro = prof.iter().filter(|x| x.growth.is_some()).count();
        let share = |n: usize| num((n_inn > 0).then(|| n as f64 / n_inn as f64 * 100.0), 1);
        let in_group = |g: Group| prof.iter().filter(|x| x.group == Some(g)).count();
        let (a, b, c) = (in_group(Group::A), in_group(Group::B), in_group(Group::C));
        let rows = vec![
            row(
                "n-innovation",
                "혁신성 지수 산출 기업",
                RowKind::Leaf,
                vec![count(n_inn), share(n_inn)],
            ),
            row(
                "n-growth",
                "성장성 지수 산출 기업",
                RowKind::Leaf,
                vec![count(n_gro), share(n_gro)],
            ),
            row(
                "a",
                "A 기업군(상위 10%)",
                RowKind::Leaf,
                vec![count(a), share(a)],
            ),
            row(
                "b",
                "B 기업군(상위 30%)",
                RowKind::Leaf,
                vec![count(b), share(b)],
            ),
            row(
                "c",
                "C 기업군(상위 50%)",
                RowKind::Leaf,
                vec![count(c), share(c)],
            ),
            row(
                "abc",
                "합계",
                RowKind::Total,
                vec![count(a + b + c), share(a + b + c)],
            ),
        ];
        push(
            out,
            table(
                format!("{prefix}-groups"),
                format!("{} 1단계 유형 분류", ind.label),
                "개, %",
                vec![col("n", "", "기업 수"), col("share", "", "비중(%)")],
                rows,
            ),
        );

        // Types (STEP 3) under each criterion.
        let under = |cr: Criteria| {
            classify(
                &members,
                &Params {
                    criteria: cr,
                    ..p.clone()
                },
            )
        };
        let variants = [
            under(Criteria::Central),
            under(Criteria::RegionalB),
            under(Criteria::AOnly),
        ];
        let mut rows: Vec<Row> = Kind::ALL
            .iter()
            .map(|k| {
                row(
                    &format!("{k:?}").to_lowercase(),
                    k.label(),
                    RowKind::Leaf,
                    variants
                        .iter()
                        .map(|v| count(v.iter().filter(|x| x.kind == Some(*k)).count()))
                        .collect(),
                )
            })
            .collect();
        rows.push(row(
            "typed",
            "합계",
            RowKind::Total,
            variants
                .iter()
                .map(|v| count(v.iter().filter(|x| x.kind.is_some()).count()))
                .collect(),
        ));
        rows.push(row(
            "untyped",
            "미분류(기업군 내)",
            RowKind::Leaf,
            variants
                .iter()
                .map(|v| {
                    count(
                        v.iter()
                            .filter(|x| x.group.is_some() && x.kind.is_none())
                            .count(),
                    )
                })
                .collect(),
        ));
        let columns = vec![
            col("c1", "2단계 기준", "① 중앙"),
            col("c2", "2단계 기준", "② 지역 B"),
            col("c3", "2단계 기준", "③ A만"),
        ];
        push(
            out,
            table(
                format!("{prefix}-types"),
                format!("{} 2단계 유형 분류", ind.label),
                "개",
                columns,
                rows,
            ),
        );

        // Profiles of the final types (the chosen criterion).
        let mut columns = vec![col("n", "", "기업 수")];
        for (id, l) in [
            ("min", "최소"),
            ("max", "최대"),
            ("mean", "평균"),
            ("median", "중간"),
        ] {
            columns.push(col(&format!("rev_{id}"), "3년 평균 매출액(억원)", l));
        }
        columns.extend([
            col("emp_mean", "", &format!("종업원수('{last}) 평균")),
            col("rd_mean", "", "R&D 집약도 평균(%)"),
            col("pat_mean", "", "3년 특허 평균"),
            col("lab", "", "연구소 보유(%)"),
        ]);
        let rows = Kind::ALL
            .iter()
            .map(|k| {
                let idx: Vec<usize> = (0..prof.len())
                    .filter(|&i| prof[i].kind == Some(*k))
                    .collect();
                let revs: Vec<f64> = idx.iter().filter_map(|&i| prof[i].rev3).collect();
                let (_, min, max, mean, median) = describe(&revs);
                let m = |g: fn(&Profile) -> Option<f64>| {
                    describe(&idx.iter().filter_map(|&i| g(&prof[i])).collect::<Vec<_>>()).3
                };
                let lab = (!idx.is_empty()).then(|| {
                    idx.iter().filter(|&&i| members[i].lab).count() as f64 / idx.len() as f64
                        * 100.0
                });
                row(
                    &format!("{k:?}").to_lowercase(),
                    k.label(),
                    RowKind::Leaf,
                    vec![
                        count(idx.len()),
                        num(min, 2),
                        num(max, 2),
                        num(mean, 2),
                        num(median, 2),
                        num(m(|x| x.emp_last), 2),
                        num(m(|x| x.rd_int), 2),
                        num(m(|x| x.pat3), 2),
                        num(lab, 2),
                    ],
                )
            })
            .collect();
        push(
            out,
            table(
                format!("{prefix}-profiles"),
                format!("{} 유형별 기업군 특성", ind.label),
                "개, 억원, 명, %, 건",
                columns,
                rows,
            ),
        );

        // Growth-ladder stages (III-3).
        let mut stages: Vec<(&str, usize)> = Vec::new();
        for (i, c) in members.iter().enumerate() {
            let s = typology::ladder_stage(prof[i].rev3, c.designation.as_deref());
            match stages.iter_mut().find(|(n, _)| *n == s) {
                Some(e) => e.1 += 1,
                None => stages.push((s, 1)),
            }
        }
        let order = [
            "혁신선도",
            "예비선도(스타)",
            "Rise-UP",
            "잠재2(Pre-Star)",
            "잠재1(Post-BI)",
            "-",
        ];
        let rows = order
            .iter()
            .map(|s| {
                row(
                    s,
                    s,
                    RowKind::Leaf,
                    vec![count(
                        stages.iter().find(|(n, _)| n == s).map_or(0, |e| e.1),
                    )],
                )
            })
            .collect();
        push(
            out,
            table(
                format!("{prefix}-ladder"),
                format!("{} 성장단계별 기업 수", ind.label),
                "개",
                vec![col("n", "", "기업 수")],
                rows,
            ),
        );

        // The scatter with the group thresholds.
        let th = typology::thresholds(&prof, p);
        let points = prof
            .iter()
            .filter_map(|x| {
                let label = match x.group {
                    Some(Group::A) => "A",
                    Some(Group::B) => "B",
                    Some(Group::C) => "C",
                    None => "기타",
                };
                Some((x.innovation?, x.growth?, label.to_string()))
            })
            .collect();
        let thresholds = ["A", "B", "C"]
            .iter()
            .zip(th)
            .filter_map(|(l, (ti, tg))| {
                Some((
                    format!(
                        "{l}({}%)",
                        p.top[["A", "B", "C"].iter().position(|x| x == l).unwrap_or(0)]
                    ),
                    ti?,
                    tg?,
                ))
            })
            .collect();
        out.charts.push(ChartData {
            tables: vec![format!("{prefix}-groups")],
            scatter: Some(ScatterData {
                x_label: "혁신성 지수".into(),
                y_label: "성장성 지수".into(),
                points,
                thresholds,
                ..ScatterData::default()
            }),
            ..ChartData::new(
                &format!("{prefix}-scatter"),
                &format!("{} 혁신성·성장성 분포", ind.label),
                ChartKind::Scatter,
            )
        });
    }
}

fn push(out: &mut Computed, t: Table) {
    out.register_table_values(&t);
    out.tables.push(t);
}
