//! `build --xlsx`: every table as a spreadsheet with numbers as numbers,
//! linked from its page; a plain build has neither the files nor the links.

use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;

mod common;

fn build(out: &Path, xlsx: bool) -> planbook::Built {
    planbook::build_with(
        &common::content_dir(),
        out,
        planbook::render::RenderOptions {
            xlsx,
            ..Default::default()
        },
        planbook::publish::Edition::Published,
    )
    .expect("build")
}

#[test]
fn every_table_has_a_spreadsheet_with_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let built = build(&out, true);
    let csvs: Vec<&str> = built
        .files
        .iter()
        .filter_map(|f| f.path.strip_suffix(".csv"))
        .collect();
    for c in &csvs {
        assert!(out.join(format!("{c}.xlsx")).is_file(), "{c}.xlsx");
    }
    let mut book: Xlsx<_> = open_workbook(out.join("tables/iv2-support-demand.xlsx")).unwrap();
    let range = book.worksheet_range("iv2-support-demand").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let text = |d: &Data| d.to_string();
    assert!(text(&rows[0][0]).contains("주축산업 별 기업지원 수요"));
    assert_eq!(text(&rows[1][0]), "(단위 : 개)");
    assert_eq!(text(&rows[2][0]), "구분");
    assert_eq!(text(&rows[2][1]), "컨설팅");
    assert_eq!(text(&rows[3][0]), "바이오");
    assert_eq!(rows[3][1], Data::Float(15.0), "a number cell, not text");
    // The computed 소계 is a number too.
    assert_eq!(rows[3][11], Data::Float(82.0));

    // Merged header cells as on the page: '24년도 over 국비/지방비/합계.
    let mut book: Xlsx<_> = open_workbook(out.join("tables/budget-plan.xlsx")).unwrap();
    let range = book.worksheet_range("budget-plan").unwrap();
    let merged = book.merge_cells_by_sheet_name("budget-plan").unwrap();
    let spans: Vec<String> = merged
        .iter()
        .map(|d| format!("{:?}-{:?}", d.start, d.end))
        .collect();
    assert!(spans.contains(&"(2, 1)-(2, 3)".to_string()), "{spans:?}");
    assert!(spans.contains(&"(2, 0)-(3, 0)".to_string()), "{spans:?}");
    assert_eq!(
        range.get_value((2, 1)).map(|d| d.to_string()).as_deref(),
        Some("'24년도")
    );

    // Linked from the table, beside the CSV.
    let page = std::fs::read_to_string(out.join("viii/viii-2.html")).unwrap();
    assert!(page.contains("tables/budget-plan.xlsx\" download>XLSX</a>"));
}

#[test]
fn negatives_are_numbers_shown_with_a_triangle_by_the_format() {
    use planbook::model::table::{Cell, Column, NumFormat, Row, RowKind, Table};
    let t = Table {
        id: "t".into(),
        title: "증감".into(),
        unit: Some("억원".into()),
        source: Some("* 자료: 테스트".into()),
        label_header: "구분".into(),
        columns: vec![Column::new("d", "", "증감")],
        rows: vec![Row {
            id: "a".into(),
            label: "가".into(),
            path: vec![],
            depth: 0,
            kind: RowKind::Leaf,
            cells: vec![Cell::num("-1.5".parse().unwrap(), NumFormat::Fixed(2))],
            note: None,
        }],
        ranges: Default::default(),
        errata: Default::default(),
    };
    let bytes = planbook::render::xlsx::table_xlsx(&t, "<표 1>").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.xlsx");
    std::fs::write(&p, &bytes).unwrap();
    let mut book: Xlsx<_> = open_workbook(&p).unwrap();
    let range = book.worksheet_range("t").unwrap();
    assert_eq!(range.get_value((3, 1)), Some(&Data::Float(-1.5)));
    assert_eq!(
        range.get_value((4, 0)).map(|d| d.to_string()).as_deref(),
        Some("* 자료: 테스트")
    );
    // The format lives in the styles part of the package.
    match unzip_entry(&bytes, "xl/styles.xml") {
        Some(styles) => assert!(
            styles.contains("formatCode=\"#,##0.00;&quot;△&quot;#,##0.00\""),
            "{styles}"
        ),
        None => eprintln!("no unzip on PATH: the number format was not checked"),
    }
    // The same table gives the same bytes.
    assert_eq!(
        bytes,
        planbook::render::xlsx::table_xlsx(&t, "<표 1>").unwrap()
    );
}

/// A part of the package, through `unzip` (calamine does not expose styles).
fn unzip_entry(bytes: &[u8], name: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.zip");
    std::fs::write(&p, bytes).unwrap();
    let out = std::process::Command::new("unzip")
        .arg("-p")
        .arg(&p)
        .arg(name)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).to_string()),
        _ => None,
    }
}

#[test]
fn a_plain_build_has_no_spreadsheets_and_no_links() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let built = build(&out, false);
    assert!(!built.files.iter().any(|f| f.path.ends_with(".xlsx")));
    let page = std::fs::read_to_string(out.join("viii/viii-2.html")).unwrap();
    assert!(!page.contains("XLSX"));
}
