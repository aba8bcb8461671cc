//! Every chart and diagram kind, drawn from samples/charts (synthetic
//! numbers), and the located errors a bad spec gets.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample() -> PathBuf {
    sample_dir("charts")
}

fn copy_sample(to: &Path) -> PathBuf {
    copy_sample_plan("charts", to)
}

fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    if let Err((_, d)) = planbook::build(&sample(), &out) {
        panic!("{}", d.render_human());
    }
    (dir, out)
}

fn svg(out: &Path, id: &str) -> String {
    let s = fs::read_to_string(out.join(format!("charts/{id}.svg"))).expect("svg written");
    assert!(!s.contains("NaN"), "{id}: NaN coordinate");
    assert!(!s.contains("inf"), "{id}: infinite coordinate");
    assert!(
        s.contains(&format!("<title id=\"{id}-title\">")),
        "{id}: title"
    );
    assert!(
        s.contains(&format!("<desc id=\"{id}-desc\">")),
        "{id}: desc"
    );
    s
}

/// Filled shapes of one colour: bars, slices or markers of one series.
fn filled(s: &str, color: &str) -> usize {
    s.matches(&format!("fill=\"{color}\"")).count()
}

/// Elements of one kind (`<rect`, `<polygon` …) filled with `color`.
fn shapes(s: &str, tag: &str, color: &str) -> usize {
    s.lines()
        .filter(|l| l.starts_with(tag) && l.contains(&format!("fill=\"{color}\"")))
        .count()
}

fn has_text(s: &str, t: &str) -> bool {
    s.contains(&format!("\n{t}\n"))
}

const S1: &str = "#1F4E79";
const S2: &str = "#9DC3E6";
const S3: &str = "#7F7F7F";
const ACCENT: &str = "#C55A11";

#[test]
fn grouped_stacked_and_percent_bars() {
    let (_d, out) = built();
    // Three series over three categories: one bar each, plus the legend swatch.
    let g = svg(&out, "s-grouped");
    for c in [S1, S2, S3] {
        assert_eq!(filled(&g, c), 3 + 1, "grouped {c}");
    }
    for t in [
        "천연물바이오소재",
        "세라믹원료·소재",
        "디지털헬스케어",
        "120",
        "35",
        "4",
    ] {
        assert!(has_text(&g, t), "grouped label {t}");
    }
    // Stacked: the total of each stack is written over it.
    let s = svg(&out, "s-stacked");
    for t in ["159", "108", "81"] {
        assert!(has_text(&s, t), "stack total {t}");
    }
    // 100 %: shares of each stack, the axis in per cent, no absolute totals.
    let p = svg(&out, "s-percent");
    for t in ["75.5", "74.1", "79.0", "(단위: %)", "100"] {
        assert!(has_text(&p, t), "percent label {t}");
    }
    assert!(!has_text(&p, "159"));
}

#[test]
fn bars_with_a_rate_line_on_a_second_axis() {
    let (_d, out) = built();
    let s = svg(&out, "s-grdp-bar");
    assert!(has_text(&s, "(단위: 조원)") && has_text(&s, "(단위: %)"));
    // Four bars (+ legend), four rate markers (+ legend), three line segments.
    assert_eq!(filled(&s, S1), 4 + 1);
    assert_eq!(shapes(&s, "<rect", ACCENT), 4 + 1);
    assert_eq!(s.matches(&format!("stroke=\"{ACCENT}\"")).count(), 3 + 1);
    // A negative rate is written the Korean way.
    assert!(has_text(&s, "△0.8"));
}

#[test]
fn pies_and_donuts_show_shares_that_add_up() {
    let (_d, out) = built();
    let p = svg(&out, "s-pies");
    // Two discs of three slices.
    assert_eq!(s_count(&p, "<polygon"), 6);
    for t in [
        "천연물바이오소재",
        "세라믹원료·소재",
        "75.5%",
        "소기업 120 (75.5%)",
        "중견기업 6 (5.6%)",
    ] {
        assert!(p.contains(t), "pie label {t}");
    }
    let d = svg(&out, "s-donut");
    assert_eq!(s_count(&d, "<polygon"), 3);
    let shares: f64 = ["45.7", "31.0", "23.3"]
        .iter()
        .inspect(|t| assert!(d.contains(&format!("{t}%")), "donut share {t}"))
        .map(|t| t.parse::<f64>().expect("number"))
        .sum();
    assert!((shares - 100.0).abs() < 0.15);
}

fn s_count(s: &str, tag: &str) -> usize {
    s.matches(tag).count()
}

#[test]
fn roadmaps_steps_and_paths() {
    let (_d, out) = built();
    let r = svg(&out, "s-roadmap");
    for t in [
        "'25",
        "'28",
        "공용장비 플랫폼 구축",
        "고용추천 연계 운영",
        "과제 1",
        "구축·시범운영",
    ] {
        assert!(
            has_text(&r, &t.replace('\'', "&apos;")) || has_text(&r, t),
            "roadmap {t}"
        );
    }
    // One ★ per starred period, drawn as a shape.
    assert_eq!(filled(&r, ACCENT), 2);
    // Four task bars.
    assert_eq!(filled(&r, S2), 4);

    let s = svg(&out, "s-steps");
    for i in 1..=7 {
        assert!(s.contains(&format!("STEP {i}")), "step {i}");
    }
    // Six arrows between seven boxes: one arrow head each.
    assert_eq!(s_count(&s, "<polygon"), 6);

    let p = svg(&out, "s-path");
    for t in [
        "C군(잠재)",
        "A군(선도)",
        "40개사",
        "12개사",
        "8개사",
        "1개사",
    ] {
        assert!(has_text(&p, t), "path {t}");
    }
    assert_eq!(s_count(&p, "<polygon"), 3);
}

#[test]
fn every_figure_offers_its_data_as_a_table() {
    let (_d, out) = built();
    let page = fs::read_to_string(out.join("i/i-3.html")).expect("page");
    assert!(page.contains("그림의 수치"));
    assert!(
        page.contains("&#39;25 ~ &#39;26"),
        "roadmap span in the data table"
    );
    let page = fs::read_to_string(out.join("i/i-2.html")).expect("page");
    // Two pies over shared slices: one column per disc.
    assert!(page.contains("천연물바이오소재 기업 수"));
}

/// Edits the sample and expects `check` to fail with `code` at `needle`'s line.
fn expect_error(from: &str, to: &str, code: &str, needle: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_sample(dir.path());
    let file = content.join("data/figures.yaml");
    let src = fs::read_to_string(&file).expect("read");
    assert!(src.contains(from), "fixture lacks {from:?}");
    let edited = src.replacen(from, to, 1);
    fs::write(&file, &edited).expect("write");
    let line = edited
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1;
    let o = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["check", "--content"])
        .arg(&content)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("error[{code}]")), "{err}");
    assert!(
        err.contains(&format!("data/figures.yaml:{line}:")),
        "expected line {line} in\n{err}"
    );
}

#[test]
fn a_missing_table_is_located() {
    expect_error(
        "      - table: s-grdp\n",
        "      - table: s-gdp\n",
        "E011",
        "table: s-gdp",
    );
}

#[test]
fn a_missing_field_is_located() {
    expect_error(
        "{ label: 중기업, col: small }",
        "{ label: 중기업, col: smol }",
        "E011",
        "col: smol",
    );
}

#[test]
fn mixed_units_on_one_axis_are_located() {
    expect_error(
        "{ label: 성장률, col: rate, line: true, axis: right, color: \"#c55a11\" }",
        "{ label: 성장률, col: rate, line: true, color: \"#c55a11\" }",
        "E023",
        "{ label: 성장률, col: rate, line: true",
    );
}

#[test]
fn a_chart_without_data_is_located() {
    expect_error(
        "cols: [rate, \"-\", \"-\", \"-\"]",
        "cols: [\"-\", \"-\", \"-\", \"-\"]",
        "E022",
        "id: s-line",
    );
}

#[test]
fn a_roadmap_period_that_does_not_exist_is_located() {
    expect_error(
        "label: 플랫폼 고도화, from: \"'27\", to: \"'28\"",
        "label: 플랫폼 고도화, from: \"'27\", to: \"'29\"",
        "E022",
        "플랫폼 고도화",
    );
}

#[test]
fn scatter_of_named_rows_with_quadrants() {
    let (_d, out) = built();
    let s = svg(&out, "s-scatter");
    assert_eq!(s_count(&s, "<circle"), 3, "one point per row");
    for t in [
        "천연물바이오소재",
        "디지털헬스케어",
        "성장형",
        "선도형",
        "정체형",
        "혁신형",
        "혁신성 지수",
    ] {
        assert!(has_text(&s, t), "scatter label {t}");
    }
}

#[test]
fn a_scatter_column_that_does_not_exist_is_located() {
    expect_error(
        "      y: growth\n",
        "      y: growht\n",
        "E011",
        "y: growht",
    );
}

#[test]
fn a_chart_may_read_a_table_of_a_file_loaded_after_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_sample(dir.path());
    fs::write(
        content.join("data/0-charts.yaml"),
        "charts:\n  - id: early\n    title: 먼저 읽히는 그림\n    kind: bar\n    rows: [bio, cer]\n    panels:\n      - table: s-firms\n        series:\n          - { label: 소기업, col: micro }\n",
    )
    .expect("write");
    let plan = content.join("plan.yaml");
    let src = fs::read_to_string(&plan).expect("plan");
    let src = src.replace(
        "data:\n",
        "data:\n  - { file: data/0-charts.yaml, kind: table }\n",
    );
    fs::write(&plan, src).expect("plan");
    let md = content.join("chapters/I/I-1.md");
    let text = fs::read_to_string(&md).expect("md") + "\n{{chart early}}\n";
    fs::write(&md, text).expect("md");
    let out = dir.path().join("output");
    if let Err((_, d)) = planbook::build(&content, &out) {
        panic!("{}", d.render_human());
    }
    let s = svg(&out, "early");
    assert_eq!(filled(&s, S1), 2 + 1, "two bars and the legend swatch");
    assert!(has_text(&s, "120") && has_text(&s, "80"));
}

#[test]
fn shares_given_in_per_cent_are_printed_as_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_sample(dir.path());
    let file = content.join("data/figures.yaml");
    // Shares that add to 99, as printed plans sometimes do.
    let src = fs::read_to_string(&file)
        .expect("read")
        .replace("values: [120, 35, 4] }", "values: [55, 30, 14] }")
        .replace(
            "    title: 산업별 기업 규모 구성(원형·도넛)\n    kind: pie\n",
            "    title: 산업별 기업 규모 구성(원형·도넛)\n    kind: pie\n    value_label: \"%\"\n",
        );
    fs::write(&file, src).expect("write");
    let out = dir.path().join("output");
    if let Err((_, d)) = planbook::build(&content, &out) {
        panic!("{}", d.render_human());
    }
    let s = svg(&out, "s-pies");
    for t in ["55%", "30%", "14%", "소기업 55%"] {
        assert!(s.contains(t), "{t}");
    }
    assert!(!s.contains("55.6%"), "not rescaled to 100");
}
