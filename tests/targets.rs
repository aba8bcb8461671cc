//! Chapter III-1: the performance history and the target rule, checked
//! against the seed's printed tables.

mod common;

use common::*;
use planbook::numfmt::{parse_printed, Printed};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn build(content: &Path, out: &Path) -> planbook::Built {
    planbook::build(content, out)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()))
}

/// Value cells of a seed row: label cells (text, or blank before the label) dropped.
fn seed_cells(line: &str) -> Vec<String> {
    let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
    let mut start = 0;
    let mut seen_label = false;
    for c in &cells {
        let numeric = c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '△') || c == "-";
        if c.is_empty() && !seen_label {
            start += 1;
        } else if !c.is_empty() && !numeric {
            start += 1;
            seen_label = true;
        } else {
            break;
        }
    }
    cells[start..].to_vec()
}

fn fixture(name: &str) -> Vec<Vec<String>> {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
    .lines()
    .filter(|l| !l.trim().is_empty())
    .map(seed_cells)
    .collect()
}

fn value(s: &str) -> Option<(rust_decimal::Decimal, u32)> {
    match parse_printed(s)? {
        Printed::Num { value, dp, .. } => Some((value, dp)),
        _ => None,
    }
}

#[test]
fn iii1_tables_reproduce_the_seed_except_where_check_reports_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let built = build(&content_dir(), &out);
    let reported: BTreeSet<(String, String, String)> = built
        .diagnostics
        .items
        .iter()
        .filter(|d| d.code == "W001" && d.message.starts_with("published perf-"))
        .map(|d| {
            // "published TABLE `ROW` COL is …"
            let m = &d.message["published ".len()..];
            let (table, rest) = m.split_once(' ').expect("table");
            let row = rest.split('`').nth(1).expect("row");
            let col = rest
                .split('`')
                .nth(2)
                .expect("col")
                .split_whitespace()
                .next()
                .expect("col");
            (table.to_string(), row.to_string(), col.to_string())
        })
        .collect();
    let tolerance = |col: &str| -> rust_decimal::Decimal {
        let t = [
            ("t_avg", "0.02"),
            ("p_avg", "0.02"),
            ("b_avg", "0.02"),
            ("ach_avg", "0.05"),
            ("rt_avg", "0.01"),
            ("rp_avg", "0.01"),
            ("x110", "0.01"),
            ("vs_avg", "0.1"),
            ("tavg", "0.02"),
            ("bavg", "0.02"),
            ("ravg", "0.01"),
        ];
        t.iter()
            .find(|(c, _)| *c == col)
            .map_or(rust_decimal::Decimal::ZERO, |(_, v)| {
                v.parse().expect("dec")
            })
    };
    let mut compared = 0;
    let mut differing = 0;
    for ind in ["jobs", "sales"] {
        for (kind, ncols) in [("review", 12), ("roi", 12), ("result", 12)] {
            let table = format!("perf-{kind}-{ind}");
            let ours = csv_rows(&out.join(format!("tables/{table}.csv")));
            let seed = fixture(&format!("seed_iii1_{kind}_{ind}.tsv"));
            assert_eq!(
                ours.len() - 1,
                seed.len(),
                "{table}: one row per printed row"
            );
            for (o, s) in ours[1..].iter().zip(&seed) {
                for i in 0..ncols {
                    let printed = s.get(i).map_or("", String::as_str);
                    let (Some((want, dp)), Some((got, _))) = (value(printed), value(&o[3 + i]))
                    else {
                        continue;
                    };
                    compared += 1;
                    let col = ours[0][3 + i].clone();
                    let diff = (planbook::calc::round_half_up(got, dp) - want).abs();
                    if diff.is_zero() {
                        continue;
                    }
                    differing += 1;
                    // Column ids in the CSV header are labels; find the id by position.
                    let id = column_id(kind, i);
                    assert!(
                        diff <= tolerance(id) || reported.contains(&(table.clone(), o[0].clone(), id.to_string())),
                        "{table} {} {col}: printed {printed}, built {} — neither within tolerance nor reported",
                        o[0],
                        o[3 + i]
                    );
                }
            }
        }
    }
    assert!(compared > 500, "compared {compared} printed cells");
    assert!(
        differing < compared / 5,
        "{differing} of {compared} cells differ"
    );
}

fn column_id(kind: &str, i: usize) -> &'static str {
    const REVIEW: [&str; 12] = [
        "t_last", "p_last", "ach_last", "b_last", "rt_last", "rp_last", "t_avg", "p_avg",
        "ach_avg", "b_avg", "rt_avg", "rp_avg",
    ];
    const ROI: [&str; 12] = [
        "rt_h1", "rt_h2", "rt_h3", "rp_h1", "rp_h2", "rp_h3", "rt_avg", "rp_avg", "x110",
        "rt_prev", "rt_cur", "vs_avg",
    ];
    const RESULT: [&str; 12] = [
        "tavg", "bavg", "ravg", "t_prev", "b_prev", "r_prev", "t_cur", "b_cur", "r_cur", "dt",
        "db", "dr",
    ];
    match kind {
        "review" => REVIEW[i],
        "roi" => ROI[i],
        _ => RESULT[i],
    }
}

#[test]
fn the_rule_column_reproduces_targets_and_names_exceptions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&content_dir(), &out);
    let jobs = csv_rows(&out.join("tables/perf-roi-jobs.csv"));
    for (row, want) in [
        ("rnd-spec-main-bio", "0.89"),
        ("rnd-spec-main-cer", "0.75"),
        ("rnd-spec-main-dh", "1.18"),
    ] {
        assert_eq!(csv_cell(&jobs, row, "목표 설정 규칙(검증) 규칙 값"), want);
        assert_eq!(csv_cell(&jobs, row, "'25년 목표 설정"), want);
        assert_eq!(
            csv_cell(&jobs, row, "목표 설정 규칙(검증) 적용"),
            "② 규칙대로"
        );
    }
    // 잠재기업: the target departs from the rule and the text names no reason.
    assert!(csv_cell(&jobs, "ladder-potential", "목표 설정 규칙(검증) 적용").contains("0.70 차이"));
    let sales = csv_rows(&out.join("tables/perf-roi-sales.csv"));
    assert_eq!(
        csv_cell(&sales, "ladder-prelead", "목표 설정 규칙(검증) 적용"),
        "① 규칙대로"
    );
    assert!(
        csv_cell(&sales, "rnd-spec-main-lead", "목표 설정 규칙(검증) 적용")
            .starts_with("예외: 혁신선도·스타기업")
    );
    assert_eq!(
        csv_cell(&sales, "total", "목표 설정 규칙(검증) 적용"),
        "합계 기준(Σ목표/Σ예산)"
    );
}

#[test]
fn a_new_2023_result_flows_into_rates_averages_rule_and_sentences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    // 천연물바이오소재 신규고용 2023 성과 25.44 → 31.44
    replace_in(
        &content.join("data/performance.yaml"),
        "result: { last: 25.44, earlier: 40.50 }",
        "result: { last: 31.44, earlier: 40.50 }",
    );
    // The corrected edition, where computed figures flow everywhere (the
    // published one keeps the printed figures, marked).
    let out = dir.path().join("output");
    planbook::build_edition(&content, &out, planbook::publish::Edition::Computed)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
    let review = csv_rows(&out.join("tables/perf-review-jobs.csv"));
    // 31.44 / 24.23 = 129.76 %; 3-year average (40.50 + 31.44) / 3 = 23.98
    assert_eq!(
        csv_cell(&review, "rnd-spec-main-bio", "2023년 달성율"),
        "129.76"
    );
    assert_eq!(
        csv_cell(&review, "rnd-spec-main-bio", "3년 평균('21~'23) 성과"),
        "23.98"
    );
    assert_eq!(csv_cell(&review, "rnd-spec-main", "2023년 성과"), "89.73");
    let roi = csv_rows(&out.join("tables/perf-roi-jobs.csv"));
    // AP = 23.98/29.42 = 0.8151 → × 1.1 = 0.8966; P23 = 1.0258; T24 = 0.9504 → ② (1.0258 + 0.9504)/2 = 0.99
    assert_eq!(
        csv_cell(&roi, "rnd-spec-main-bio", "3개년 평균 성과 (110%)"),
        "0.90"
    );
    assert_eq!(
        csv_cell(&roi, "rnd-spec-main-bio", "목표 설정 규칙(검증) 규칙 값"),
        "0.99"
    );
    assert!(csv_cell(&roi, "rnd-spec-main-bio", "목표 설정 규칙(검증) 적용").contains("차이"));
    let page = fs::read_to_string(out.join("iii/iii-1.html")).expect("page");
    // The R&D sentence quotes the 3-year R&D result ROI, which moved with it.
    let before = csv_rows(&content_dir_output_rnd_roi());
    assert_ne!(
        csv_cell(&review, "rnd", "3년 평균('21~'23) 1억원당 성과"),
        csv_cell(&before, "rnd", "3년 평균('21~'23) 1억원당 성과")
    );
    let rp = csv_cell(&review, "rnd", "3년 평균('21~'23) 1억원당 성과");
    // …marked with the figure the published sentence printed.
    assert!(page.contains(&format!(
        "3개년 평균 ROI(<span class=\"v\" data-key=\"perf-review-jobs.rnd.rp_avg\">{rp}<sup class=\"erratum\" title=\"원본 0.83\""
    )));
}

/// The review table of the unmodified plan, built once more for comparison.
fn content_dir_output_rnd_roi() -> std::path::PathBuf {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let out = dir.join("output");
    build(&content_dir(), &out);
    out.join("tables/perf-review-jobs.csv")
}
