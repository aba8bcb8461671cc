//! The annual cycle (issue 14): `new-edition` rolls the 2025 plan over to
//! 2026; the synthetic 2026 sample builds; the typology takes any window.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn planbook(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .output()
        .expect("run planbook")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `new-edition --year 2026` of the shipped plan into a fresh folder.
fn roll(dir: &Path) -> PathBuf {
    let out = dir.join("e2026");
    let o = planbook(&[
        "new-edition",
        "--year",
        "2026",
        "--content",
        s(&content_dir()),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_2025_plan_rolls_over_to_2026() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = roll(dir.path());

    // Edition metadata.
    let plan = fs::read_to_string(e.join("plan.yaml")).expect("plan");
    assert!(plan.contains("  year: 2026\n"), "{plan}");
    assert!(plan.contains("title: 2026년도 강원특별자치도 지역산업진흥계획"));
    assert!(!plan.contains("2025년도"));

    // Published figures and accepted errata cleared; printed= dropped.
    let mut files = Vec::new();
    all_files(&e, &mut files);
    for f in &files {
        let Ok(t) = fs::read_to_string(f) else {
            continue;
        };
        if f.extension().is_some_and(|x| x == "yaml") {
            for l in t.lines() {
                let l = l.trim_start();
                assert!(
                    !l.starts_with("published:") && !l.starts_with("accepted:"),
                    "{}: {l}",
                    f.display()
                );
            }
        }
        let narrative = ["chapters", "summary", "front", "attachments"]
            .iter()
            .any(|d| f.starts_with(e.join(d)));
        if narrative && f.extension().is_some_and(|x| x == "md") {
            let bad: Vec<&str> = t.lines().filter(|l| l.contains("printed=")).collect();
            assert!(bad.is_empty(), "{}: {bad:?}", f.display());
        }
    }

    // The old plan year's amounts are the previous-year column; the new
    // year's are empty, never zero and never a copy.
    // A programme that began in '23 runs on into '24, and its '23 ROI,
    // history now, is to supply rather than missing from the trend.
    let perf = fs::read_to_string(e.join("data/performance.yaml")).expect("performance");
    assert!(perf.contains("active: [2023, 2024]\n"), "{perf}");
    assert!(perf.contains(
        "trend: {}  # 자료 입력 필요: `rnd-spec-main-lead` jobs 2023년 1억원당 목표·성과(trend)"
    ));
    let budget = fs::read_to_string(e.join("data/budget.yaml")).expect("budget");
    assert!(!budget.contains("      2024: {"), "the oldest year is gone");
    assert!(budget.contains(
        "2025: { gov: 3.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }\n                          2026: {}  # 자료 입력 필요: `rnd-lead-eco-bio` 2026년"
    ));
    let (_, computed, diags) = planbook::analyse(&e).expect("the new edition loads");
    let v = |k: &str| {
        computed
            .values
            .get(k)
            .map(|v| v.value.normalize().to_string())
    };
    assert_eq!(
        v("budget-plan.rnd-lead-eco-bio.gov_prev").as_deref(),
        Some("3.675")
    );
    assert_eq!(v("budget.total.total_prev").as_deref(), Some("146.12"));
    assert_eq!(v("budget-plan.rnd-lead-eco-bio.gov_cur"), None);
    assert_eq!(v("budget.total.total_cur"), None);

    // The history window moved: '22–'24.
    let review = computed.table("perf-review-jobs").expect("review table");
    assert!(review
        .columns
        .iter()
        .any(|c| c.group == "3년 평균('22~'24)"));
    assert!(review.columns.iter().any(|c| c.group == "2024년"));
    let roi = computed.table("perf-roi-jobs").expect("roi table");
    let labels: Vec<&str> = roi.columns.iter().map(|c| c.label.as_str()).collect();
    for l in ["'22", "'23", "'24", "'25년 목표 수치", "'26년 목표 설정"] {
        assert!(labels.contains(&l), "{labels:?}");
    }
    let perf = fs::read_to_string(e.join("data/performance.yaml")).expect("perf");
    assert!(perf.contains("trend: { 2022: { target: 0.78, result: 0.73 } }  # 자료 입력 필요: `rnd-spec-main-bio` jobs 2023년"));
    assert!(perf.contains("plan: { 2025: \"core\", 2026: \"core\" }"));

    // Every input to supply is a located N002.
    let n002: Vec<_> = diags.items.iter().filter(|d| d.code == "N002").collect();
    assert!(n002.len() >= 90, "{}", n002.len());
    assert!(n002.iter().all(|d| d.file.is_some() && d.line.is_some()));
    let budget_line = budget
        .lines()
        .position(|l| l.contains("`rnd-lead-eco-bio` 2026년"))
        .expect("line")
        + 1;
    assert!(n002.iter().any(|d| d
        .file
        .as_deref()
        .is_some_and(|f| f.ends_with("data/budget.yaml"))
        && d.line == Some(budget_line)
        && d.message.contains("국비(gov)")));
    assert!(n002
        .iter()
        .any(|d| d.message.contains("`perf-result-jobs.total.t_cur`")));
    assert!(diags.items.iter().any(|d| d.code == "N003"));
    assert!(!diags.has_errors());

    // check exits 0 and lists them; build succeeds and marks the pages.
    let o = planbook(&["check", "--content", s(&e), "--notes"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8_lossy(&o.stderr);
    assert!(report.contains("note[N002]: data to supply"), "{report}");
    assert!(report.contains("data/budget.yaml:"), "{report}");
    let site = dir.path().join("site");
    planbook::build(&e, &site).expect("the new edition builds");
    let page = fs::read_to_string(site.join("viii/viii-2.html")).expect("page");
    assert!(page.contains("자료 입력 필요"));
    assert!(page.contains("〔갱신 필요〕"));
}

#[test]
fn new_edition_refuses_an_unsafe_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let inside = content.join("next");
    let o = planbook(&["new-edition", "--content", s(&content), "--out", s(&inside)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!inside.exists());
    let full = dir.path().join("full");
    fs::create_dir_all(&full).expect("mkdir");
    fs::write(full.join("keep.txt"), "x").expect("write");
    let o = planbook(&["new-edition", "--content", s(&content), "--out", s(&full)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(full.join("keep.txt")).expect("kept"),
        "x"
    );
    let o = planbook(&[
        "new-edition",
        "--year",
        "2030",
        "--content",
        s(&content),
        "--out",
        s(&dir.path().join("e2030")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // An empty folder is accepted.
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).expect("mkdir");
    let o = planbook(&["new-edition", "--content", s(&content), "--out", s(&empty)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(empty.join("plan.yaml").is_file());
}

#[test]
fn the_synthetic_2026_sample_builds_with_the_22_24_window() {
    let sample = sample_dir("edition-2026");
    let plan = fs::read_to_string(sample.join("plan.yaml")).expect("plan");
    assert!(plan.contains("합성 자료"), "the cover says it is synthetic");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site");
    planbook::build(&sample, &out).expect("the sample builds");
    for t in ["perf-review-jobs", "perf-review-sales"] {
        let rows = csv_rows(&out.join(format!("tables/{t}.csv")));
        let header = rows.first().expect("header").join(",");
        assert!(header.contains("3년 평균('22~'24) 목표"), "{header}");
        assert!(header.contains("2024년 목표"), "{header}");
        assert!(!header.contains("'21"), "{header}");
    }
    let rows = csv_rows(&out.join("tables/perf-result-jobs.csv"));
    let header = rows.first().expect("header").join(",");
    assert!(header.contains("3년 평균('22~'24년)"), "{header}");
    assert!(
        header.contains("2025년") && header.contains("2026년"),
        "{header}"
    );
    let o = planbook(&["check", "--content", s(&sample)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_typology_takes_another_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base_out = dir.path().join("base");
    planbook::build(&sample_dir("typology"), &base_out).expect("base builds");
    let moved = copy_sample_plan("typology", dir.path());
    let csv = moved.join("data/companies.csv");
    let text = fs::read_to_string(&csv).expect("csv");
    let (head, body) = text.split_once('\n').expect("header");
    let head = head
        .replace("_2023", "_2024")
        .replace("_2022", "_2023")
        .replace("_2021", "_2022");
    fs::write(&csv, format!("{head}\n{body}")).expect("write");
    // The window is the plan's history unless the extract states it.
    replace_in(
        &moved.join("data/companies.yaml"),
        "csv: companies.csv\n",
        "csv: companies.csv\nyears: [2022, 2023, 2024]\n",
    );
    let out = dir.path().join("moved");
    planbook::build(&moved, &out).expect("moved window builds");
    let a = csv_rows(&base_out.join("tables/sample-bio-pct.csv"));
    let b = csv_rows(&out.join("tables/sample-bio-pct.csv"));
    assert_eq!(a.get(1..), b.get(1..), "same figures");
    let h = b.first().expect("header").join(",");
    assert!(h.contains("매출액 증가율('22→'24, %)"), "{h}");
    assert!(h.contains("고용규모('24, 명)"), "{h}");

    // A window that is not three consecutive years is refused.
    replace_in(
        &moved.join("data/companies.yaml"),
        "years: [2022, 2023, 2024]",
        "years: [2022, 2024, 2025]",
    );
    let Err((_, d)) = planbook::analyse(&moved) else {
        panic!("a gap in the window must be refused");
    };
    assert!(d
        .items
        .iter()
        .any(|x| x.message.contains("not three consecutive years")));
}

/// The `<td>` cells of the table `id` on a page.
fn table_cells<'a>(page: &'a str, id: &str) -> Vec<&'a str> {
    let start = page
        .find(&format!("<figure class=\"table\" id=\"tbl-{id}\""))
        .unwrap_or_else(|| panic!("table {id} on the page"));
    let body = page.get(start..).expect("slice");
    let body = body
        .get(..body.find("</figure>").expect("end"))
        .expect("slice");
    body.split("<td").skip(1).collect()
}

const MARK: &str = "<td class=\"na supply\">자료 입력 필요</td>";
const DASH: &str = "<td class=\"na\">-</td>";

#[test]
fn a_new_editions_tables_mark_every_figure_still_to_supply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = roll(dir.path());
    let site = dir.path().join("site");
    planbook::build_with(
        &e,
        &site,
        planbook::render::RenderOptions {
            xlsx: true,
            ..Default::default()
        },
        planbook::publish::Edition::Published,
    )
    .expect("the new edition builds");
    let base = dir.path().join("base");
    planbook::build(&content_dir(), &base).expect("the 2025 plan builds");
    let page = fs::read_to_string(site.join("iii/iii-1.html")).expect("page");
    let old = fs::read_to_string(base.join("iii/iii-1.html")).expect("page");

    // A stated count loses its printed figure and states what its source
    // holds: the RISE table lists 12 단위과제 where 2025 printed 13.
    let v2 = |d: &Path| fs::read_to_string(d.join("v/v-2.html")).expect("V-2");
    assert!(v2(&base).contains("5대 프로젝트 13개 단위과제"));
    assert!(v2(&site).contains("5대 프로젝트 12개 단위과제"));

    // Every cell still to supply is marked with the words, and nothing else is.
    let (_, computed, _) = planbook::analyse(&e).expect("the new edition loads");
    let on_page = [
        "iii1-overview",
        "perf-review-jobs",
        "perf-roi-jobs",
        "perf-review-sales",
        "perf-roi-sales",
        "perf-result-jobs",
        "perf-result-sales",
        "iii1-autonomous",
    ];
    let mut to_supply = 0;
    for id in on_page {
        let t = computed.table(id).expect("table");
        let n = t
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.is_to_supply())
            .count();
        let cells = table_cells(&page, id);
        let marks = cells
            .iter()
            .filter(|c| format!("<td{c}").starts_with(MARK))
            .count();
        assert_eq!(marks, n, "{id}");
        to_supply += n;
    }
    assert_eq!(page.matches(MARK).count(), to_supply);
    assert!(to_supply >= 850, "{to_supply} cells to supply on Ⅲ-1");
    // The history of every programme is to supply: its review tables have
    // no figure and no "-" yet, and neither has the plan year's result.
    for id in ["perf-review-jobs", "perf-review-sales"] {
        let cells = table_cells(&page, id);
        assert!(!cells.is_empty());
        assert!(
            cells.iter().all(|c| format!("<td{c}").starts_with(MARK)),
            "{id}"
        );
    }
    for id in ["perf-result-jobs", "perf-result-sales"] {
        assert!(table_cells(&page, id)
            .iter()
            .all(|c| !format!("<td{c}").starts_with(DASH)));
    }
    // A formula that quotes a plan-year target (v("perf-result-jobs.bio.t_cur")).
    let overview = computed.table("iii1-overview").expect("overview");
    assert_eq!(
        overview.cell("bio", "j25"),
        Some(&planbook::model::table::Cell::ToSupply)
    );
    // "-" is left where the published plan has nothing too: no more of them
    // than in the 2025 plan (859 before inputs to supply had their mark).
    let (dashes, published) = (page.matches(DASH).count(), old.matches(DASH).count());
    assert!(
        dashes <= published,
        "{dashes} \"-\" cells, 2025: {published}"
    );

    // The print document, the CSV and the workbook say it in words too.
    let print = fs::read_to_string(site.join("print.html")).expect("print");
    assert!(print.matches(MARK).count() >= to_supply);
    let rows = csv_rows(&site.join("tables/perf-review-jobs.csv"));
    assert_eq!(csv_cell(&rows, "total", "2024년 목표"), "자료 입력 필요");
    let grid = planbook::import::sheet::Grid::open(
        &site.join("tables/perf-review-jobs.xlsx"),
        "perf-review-jobs",
    )
    .expect("workbook");
    let words = (0..grid.end_row())
        .flat_map(|r| (0..16).map(move |c| (r, c)))
        .filter(|&(r, c)| grid.text(r, c) == "자료 입력 필요")
        .count();
    let n = computed
        .table("perf-review-jobs")
        .expect("table")
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| c.is_to_supply())
        .count();
    assert_eq!(words, n);
    // A chart leaves such a point out; its figure table says why.
    let fig = csv_rows(&site.join("tables/fig-iii1-roi-trend-jobs-t1.csv"));
    let y23 = fig.iter().find(|r| r.first().is_some_and(|c| c == "'23"));
    let y23 = y23.expect("the '23 row");
    assert!(y23.iter().skip(1).all(|c| c == "자료 입력 필요"), "{y23:?}");

    // The 2025 plan has no input to supply: no mark anywhere.
    let mut files = Vec::new();
    all_files(&base, &mut files);
    for f in files {
        let Ok(t) = fs::read_to_string(&f) else {
            continue;
        };
        assert!(
            !t.contains("na supply") && !t.contains("자료 입력 필요"),
            "{}",
            f.display()
        );
    }
}
