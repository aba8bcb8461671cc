//! `planbook import`: spreadsheets made from the 2025 data (planbook's own
//! tables, written with rust_xlsxwriter) import back with no change to the
//! YAML; a changed cell changes exactly its scalar; a bad cell is reported
//! with its address; `--check` writes nothing.

mod common;

use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

/// The table `id` of the plan in `content` as planbook writes it (`--xlsx`).
fn sheet_of(content: &Path, id: &str, to: &Path) -> PathBuf {
    let (_, computed, _) = planbook::analyse(content).expect("analyse");
    let t = computed.table(id).expect("table");
    let bytes = planbook::render::xlsx::table_xlsx(t, "").expect("xlsx");
    let p = to.join(format!("{id}.xlsx"));
    std::fs::write(&p, bytes).unwrap();
    p
}

fn import(
    content: &Path,
    xlsx: &Path,
    sheet: &str,
    into: &str,
    check: bool,
) -> planbook::import::Outcome {
    planbook::import::run(&planbook::import::Options {
        xlsx: xlsx.to_path_buf(),
        sheet: sheet.into(),
        into: into.into(),
        content: content.to_path_buf(),
        map: None,
        check,
    })
    .expect("import runs")
}

/// Every file of the content folder, by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_2025_tables_and_budget_round_trip_with_no_change() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let before = snapshot(&content);
    let (_, computed, _) = planbook::analyse(&content).unwrap();
    let mut imported = 0;
    // The budget (funding and both target views) and every table of the data.
    let ids: Vec<String> = computed.tables.iter().map(|t| t.id.clone()).collect();
    for id in &ids {
        let t = computed.table(id).unwrap();
        let x = tmp.path().join(format!("{id}.xlsx"));
        std::fs::write(&x, planbook::render::xlsx::table_xlsx(t, "").unwrap()).unwrap();
        let opts = planbook::import::Options {
            xlsx: x,
            sheet: planbook::render::xlsx::sheet_name(id),
            into: id.clone(),
            content: content.clone(),
            map: None,
            check: false,
        };
        match planbook::import::run(&opts) {
            Ok(out) => {
                assert!(out.problems.is_empty(), "{id}: {:?}", out.problems);
                assert!(out.changes.is_empty(), "{id}: {:?}", out.changes);
                imported += 1;
            }
            // Tables computed from records or the typology have no dataset
            // of inputs to fill.
            Err(e) => assert!(e.starts_with("no table or budget dataset"), "{id}: {e}"),
        }
    }
    assert!(imported >= 30, "{imported} tables imported");
    assert!(before == snapshot(&content), "the YAML is byte-identical");
}

#[test]
fn a_changed_cell_changes_exactly_its_scalar() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let yaml = content.join("data/budget.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    let x = sheet_of(&content, "budget-plan", tmp.path());
    // The first 3.675 (rnd-lead-eco-bio, '25 국비) becomes 3.7 in the sheet.
    let edited = rewrite_cell(&x, "budget-plan", |v| v == 3.675, 3.7);
    let out = import(&content, &edited, "budget-plan", "budget", false);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.changes.len(), 1, "{:?}", out.changes);
    let c = &out.changes[0];
    assert_eq!(c.what, "budget-plan.rnd-lead-eco-bio.gov_cur");
    assert_eq!((c.old.as_str(), c.new.as_str()), ("3.675", "3.700"));
    let after = std::fs::read_to_string(&yaml).unwrap();
    let diff: Vec<(usize, &str, &str)> = before
        .lines()
        .zip(after.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a, b))
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(diff.len(), 1, "{diff:?}");
    let (line, old, new) = diff[0];
    assert_eq!(line, c.line);
    assert_eq!(old.replacen("gov: 3.675", "gov: 3.700", 1), new);
    // The plan builds with the new figure.
    let (_, computed, _) = planbook::analyse(&content).unwrap();
    let cell = computed
        .table("budget-plan")
        .unwrap()
        .cell("rnd-lead-eco-bio", "gov_cur")
        .and_then(|c| c.value())
        .unwrap();
    assert_eq!(cell.normalize().to_string(), "3.7");
}

#[test]
fn a_changed_table_cell_in_a_list_changes_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let yaml = content.join("data/tables/iv-2.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    let x = sheet_of(&content, "iv2-support-demand", tmp.path());
    let edited = rewrite_cell(&x, "iv2-support-demand", |v| v == 19.0, 21.0);
    let out = import(
        &content,
        &edited,
        "iv2-support-demand",
        "iv2-support-demand",
        false,
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.changes.len(), 1, "{:?}", out.changes);
    let after = std::fs::read_to_string(&yaml).unwrap();
    assert_eq!(
        after,
        before.replacen(
            "values: [19, 4, 6, 9, 13, 20, 18, 11, 14, 16]",
            "values: [21, 4, 6, 9, 13, 20, 18, 11, 14, 16]",
            1
        )
    );
}

#[test]
fn check_shows_the_change_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let before = snapshot(&content);
    let x = sheet_of(&content, "budget-plan", tmp.path());
    let edited = rewrite_cell(&x, "budget-plan", |v| v == 3.675, 4.0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planbook"))
        .arg("import")
        .arg(&edited)
        .args([
            "--sheet",
            "budget-plan",
            "--into",
            "budget",
            "--check",
            "--content",
        ])
        .arg(&content)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("budget.yaml:")
            && stdout.contains("budget-plan.rnd-lead-eco-bio.gov_cur: 3.675 → 4.000"),
        "{stdout}"
    );
    assert!(stderr.contains("would change"), "{stderr}");
    assert!(before == snapshot(&content), "--check wrote nothing");
}

#[test]
fn a_bad_cell_is_reported_with_its_address_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let before = snapshot(&content);
    // A sheet typed by hand: one header row, a figure typed as text.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("예산").unwrap();
    ws.write_string(0, 0, "사업명 (산업명)").unwrap();
    ws.write_string(0, 1, "'25년도 국비").unwrap();
    ws.write_string(0, 2, "'25년도 지방비").unwrap();
    ws.write_string(1, 0, "천연물바이오소재").unwrap();
    ws.write_string(1, 1, "3,675").unwrap();
    ws.write_number(1, 2, 1.575).unwrap();
    let p = tmp.path().join("budget.xlsx");
    wb.save(&p).unwrap();
    let out = import(&content, &p, "예산", "budget", false);
    assert_eq!(
        out.problems,
        vec!["budget.xlsx!예산!B2: '3,675' is not a number".to_string()]
    );
    assert!(out.written.is_none());
    assert!(before == snapshot(&content));
    // The command says so and exits 1.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_planbook"))
        .arg("import")
        .arg(&p)
        .args(["--sheet", "예산", "--into", "budget", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr)
        .contains("budget.xlsx!예산!B2: '3,675' is not a number"));
}

#[test]
fn a_mapping_file_names_rows_and_columns_whose_labels_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let content = common::copy_content(tmp.path());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("수요").unwrap();
    ws.write_string(0, 0, "산업").unwrap();
    ws.write_string(0, 1, "컨설팅 수요").unwrap();
    ws.write_string(1, 0, "천연물 바이오").unwrap();
    ws.write_number(1, 1, 16.0).unwrap();
    let p = tmp.path().join("demand.xlsx");
    wb.save(&p).unwrap();
    let map = tmp.path().join("map.yaml");
    std::fs::write(
        &map,
        "rows: { 천연물 바이오: bio }\ncolumns: { 컨설팅 수요: consult }\n",
    )
    .unwrap();
    let out = planbook::import::run(&planbook::import::Options {
        xlsx: p,
        sheet: "수요".into(),
        into: "iv2-support-demand".into(),
        content: content.clone(),
        map: Some(map),
        check: false,
    })
    .unwrap();
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.changes.len(), 1);
    let yaml = std::fs::read_to_string(content.join("data/tables/iv-2.yaml")).unwrap();
    assert!(yaml.contains("values: [16, 5, 5, 10, 14, 12, 4, 3, 7, 7]"));
}

/// A copy of the sheet with the first number cell for which `pick` holds set
/// to `to` (read with calamine, written again with rust_xlsxwriter).
fn rewrite_cell(x: &Path, sheet: &str, pick: impl Fn(f64) -> bool, to: f64) -> PathBuf {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(x).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let mut done = false;
    for (r, row) in range.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match d {
                Data::Float(v) if !done && pick(*v) => {
                    ws.write_number(r, c, to).unwrap();
                    done = true;
                }
                Data::Float(v) => {
                    ws.write_number(r, c, *v).unwrap();
                }
                Data::Int(v) => {
                    ws.write_number(r, c, *v as f64).unwrap();
                }
                Data::Empty => {}
                d => {
                    ws.write_string(r, c, d.to_string()).unwrap();
                }
            }
        }
    }
    assert!(done, "no cell to change");
    let p = x.with_extension("edited.xlsx");
    wb.save(&p).unwrap();
    p
}
