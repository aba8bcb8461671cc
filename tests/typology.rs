//! The III-2 typology from a company extract (samples/typology, synthetic data).

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    sample_dir("typology")
}

fn copy_sample(to: &Path) -> PathBuf {
    copy_sample_plan("typology", to)
}

fn build(content: &Path, out: &Path) {
    if let Err((_, d)) = planbook::build(content, out) {
        panic!("{}", d.render_human());
    }
}

fn n(rows: &[Vec<String>], row: &str, col: &str) -> i64 {
    csv_cell(rows, row, col).parse().expect("count")
}

#[test]
fn the_sample_builds_tables_and_scatters_that_add_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&sample(), &out);
    for ind in ["bio", "cer"] {
        let groups = csv_rows(&out.join(format!("tables/sample-{ind}-groups.csv")));
        let (a, b, c) = (
            n(&groups, "a", "기업 수"),
            n(&groups, "b", "기업 수"),
            n(&groups, "c", "기업 수"),
        );
        assert_eq!(n(&groups, "abc", "기업 수"), a + b + c);
        assert!(
            n(&groups, "n-growth", "기업 수") <= n(&groups, "n-innovation", "기업 수"),
            "growth needs both rates"
        );
        let types = csv_rows(&out.join(format!("tables/sample-{ind}-types.csv")));
        // Under ③ every grouped company has a type: types sum to the groups.
        assert_eq!(n(&types, "typed", "2단계 기준 ③ A만"), a + b + c);
        assert_eq!(n(&types, "untyped", "2단계 기준 ③ A만"), 0);
        for crit in ["2단계 기준 ① 중앙", "2단계 기준 ② 지역 B"] {
            assert_eq!(
                n(&types, "typed", crit) + n(&types, "untyped", crit),
                a + b + c,
                "{crit}"
            );
        }
        let svg =
            fs::read_to_string(out.join(format!("charts/sample-{ind}-scatter.svg"))).expect("svg");
        assert!(svg.contains("혁신성 지수") && svg.contains("성장성 지수") && !svg.contains("NaN"));
    }
    // S013 has KSIC 20499;23129: it is counted in both industries.
    let bio = csv_rows(&out.join("tables/sample-bio-ksic.csv"));
    let cer = csv_rows(&out.join("tables/sample-cer-ksic.csv"));
    assert!(
        n(&bio, "20499", "모수 개수") >= 1
            && n(&cer, "20499", "모수 개수") == n(&bio, "20499", "모수 개수")
    );
    let page = fs::read_to_string(out.join("iii/iii-2.html")).expect("page");
    assert!(
        page.contains("표본(가상) 기업 데이터"),
        "the sample says it is synthetic"
    );
}

#[test]
fn editing_one_company_moves_it_across_a_threshold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_sample(dir.path());
    let out1 = dir.path().join("o1");
    build(&content, &out1);
    // S002 (KSIC 10797, bio): a tiny company; make its 2023 revenue and staff soar.
    replace_in(
        &content.join("data/companies.csv"),
        "S002,표본02***,원주,10797,Y,2.27,2.84,3.56,53,67,85",
        "S002,표본02***,원주,10797,Y,2.27,2.84,300.00,53,67,400",
    );
    let out2 = dir.path().join("o2");
    build(&content, &out2);
    let g1 = csv_rows(&out1.join("tables/sample-bio-groups.csv"));
    let g2 = csv_rows(&out2.join("tables/sample-bio-groups.csv"));
    assert_ne!(
        (
            n(&g1, "a", "기업 수"),
            n(&g1, "b", "기업 수"),
            n(&g1, "c", "기업 수")
        ),
        (
            n(&g2, "a", "기업 수"),
            n(&g2, "b", "기업 수"),
            n(&g2, "c", "기업 수")
        ),
        "the groups change"
    );
    let k1 = csv_rows(&out1.join("tables/sample-bio-ksic.csv"));
    let k2 = csv_rows(&out2.join("tables/sample-bio-ksic.csv"));
    assert_ne!(
        csv_cell(&k1, "10797", "3년 평균 매출액(억원) 평균"),
        csv_cell(&k2, "10797", "3년 평균 매출액(억원) 평균")
    );
}

fn expect_error(edit: (&str, &str), code: &str, at: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_sample(dir.path());
    replace_in(&content.join("data/companies.csv"), edit.0, edit.1);
    let (_, d) = planbook::analyse(&content).expect_err("invalid company data");
    let text = d.render_human();
    assert!(
        text.contains(&format!("error[{code}]")) && text.contains(at),
        "expected {code} at {at}:\n{text}"
    );
}

#[test]
fn bad_company_data_names_the_row_and_column() {
    // a non-numeric revenue: line 3, the revenue_2021 column
    expect_error(
        (
            "S002,표본02***,원주,10797,Y,2.27",
            "S002,표본02***,원주,10797,Y,많음",
        ),
        "E003",
        "companies.csv:3:",
    );
    // a duplicate id
    expect_error(("S003,", "S002,"), "E010", "companies.csv:4:1");
    // an unknown KSIC code
    expect_error(
        ("S002,표본02***,원주,10797,", "S002,표본02***,원주,99999,"),
        "E011",
        "companies.csv:3:",
    );
    // a missing column
    expect_error(("employees_2022,", ""), "E003", "companies.csv:1:1");
}
