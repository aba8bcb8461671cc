//! `planbook diff OLD NEW`: the 신구대비표 of two plan folders.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn planbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .output()
        .expect("run planbook")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let o = planbook(&["diff", s(old), s(new), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("one JSON document")
}

/// A copy of the shipped plan with one text replaced in one file (kept
/// alive by the returned folder).
fn edited_copy(file: &str, from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let new = copy_content(tmp.path());
    replace_in(&new.join(file), from, to);
    (tmp, new)
}

fn value<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["key"] == key)
        .unwrap_or_else(|| panic!("`{key}` is not among the changed values"))
}

fn has_value(r: &Value, key: &str) -> bool {
    r["values"]
        .as_array()
        .expect("values")
        .iter()
        .any(|v| v["key"] == key)
}

#[test]
fn the_same_plan_twice_has_no_change() {
    let c = content_dir();
    let o = planbook(&["diff", s(&c), s(&c)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("no changes"), "{}", stdout(&o));

    // A copy in another folder is the same plan too: nothing is compared by
    // its path.
    let tmp = tempfile::tempdir().expect("tmp");
    let copy = copy_content(tmp.path());
    let r = diff_json(&c, &copy);
    assert_eq!(r["changed"], false);
    for list in ["values", "structure", "published", "text"] {
        assert_eq!(r[list].as_array().map(Vec::len), Some(0), "{list}: {r}");
    }
}

#[test]
fn a_budget_leaf_shows_with_its_totals_ratios_and_quoted_values() {
    // 천연물바이오소재 (R&D, 주력산업 생태계 육성), 2025 국비 3.675 → 4.675.
    let (_tmp, new) = edited_copy(
        "data/budget.yaml",
        "2025: { gov: 3.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
        "2025: { gov: 4.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
    );
    let r = diff_json(&content_dir(), &new);
    assert_eq!(r["changed"], true);

    // The leaf itself.
    let leaf = value(&r, "budget-plan.rnd-lead-eco-bio.gov_cur");
    assert_eq!(leaf["status"], "changed");
    assert_eq!(leaf["old"], "3.675");
    assert_eq!(leaf["new"], "4.675");
    assert_eq!(leaf["change"], "1");
    assert_eq!(leaf["percent"], "27.21");
    assert!(leaf["label"]
        .as_str()
        .is_some_and(|l| l.contains("천연물바이오소재")));

    // The totals above it.
    for (key, old, new) in [
        ("budget-plan.rnd-lead-eco-bio.total_cur", "5.25", "6.25"),
        ("budget-plan.rnd-lead-eco.gov_cur", "11.025", "12.025"),
        ("budget-plan.rnd.total_cur", "34.35", "35.35"),
        ("budget-plan.total.gov_cur", "101.195", "102.195"),
        ("budget-plan.total.total_cur", "146.12", "147.12"),
    ] {
        let v = value(&r, key);
        assert_eq!(
            (v["old"].as_str(), v["new"].as_str()),
            (Some(old), Some(new)),
            "{key}"
        );
    }
    // The ratios that divide by it: 사업화매출액 11.82 over 5.25, then 6.25.
    let roi = value(&r, "budget-sales.rnd-lead-eco-bio.roi_cur");
    assert_eq!(roi["old_shown"], "2.25");
    assert_eq!(roi["new_shown"], "1.89");
    assert_eq!(roi["change_shown"], "△0.36");

    // Values quoted in sentences, with the parts that quote them.
    let quoted = value(&r, "budget.total.total_cur");
    assert_eq!(
        (quoted["old"].as_str(), quoted["new"].as_str()),
        (Some("146.12"), Some("147.12"))
    );
    let parts: Vec<&str> = quoted["quoted_in"]
        .as_array()
        .expect("quoted_in")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(parts.contains(&"VIII-2-1"), "{parts:?}");
    let allocation = value(&r, "budget.allocation-base.total_cur");
    assert!(allocation["quoted_in"]
        .as_array()
        .expect("quoted_in")
        .iter()
        .any(|p| p["number"] == "Ⅷ-1"));

    // Nothing else: a figure of another leaf is the same, no text changed.
    assert!(!has_value(&r, "budget-plan.rnd-lead-eco-cer.gov_cur"));
    assert!(!has_value(&r, "budget-plan.total.local_cur"));
    assert_eq!(r["text"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["structure"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["published"].as_array().map(Vec::len), Some(0));

    // The terminal report says the same, concisely.
    let o = planbook(&["diff", s(&content_dir()), s(&new)]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("budget-plan.total.gov_cur")
            && text.contains("101.195 → 102.195 (+1.000, +0.99%)"),
        "{text}"
    );
    assert!(
        text.contains("more (--format json or html lists all)"),
        "{text}"
    );
}

#[test]
fn an_edit_shows_word_by_word_under_its_section() {
    let (_tmp, new) = edited_copy(
        "chapters/II/II-1.md",
        "◆ 최근 소비심리 위축, 민간 소비 회복 부진 등",
        "◆ 최근 소비심리 위축, 민간 소비 회복 지연 등",
    );
    let r = diff_json(&content_dir(), &new);
    let text = r["text"].as_array().expect("text");
    assert_eq!(text.len(), 1, "{r}");
    let t = &text[0];
    assert_eq!(t["status"], "changed");
    assert_eq!(t["part"]["id"], "II-1");
    assert_eq!(t["part"]["number"], "Ⅱ-1");
    assert_eq!(t["part"]["title"], "지역 경제·산업 현황");
    assert_eq!(t["part"]["file"], "chapters/II/II-1.md");
    // One 어절 out, one in, with the words around it unchanged.
    assert_eq!(
        (t["words_deleted"].as_u64(), t["words_inserted"].as_u64()),
        (Some(1), Some(1))
    );
    let hunks = t["hunks"].as_array().expect("hunks");
    assert_eq!(hunks.len(), 1);
    let segs: Vec<(&str, &str)> = hunks[0]["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|g| {
            (
                g["op"].as_str().unwrap_or(""),
                g["text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(segs.contains(&("delete", "부진")), "{segs:?}");
    assert!(segs.contains(&("insert", "지연")), "{segs:?}");
    assert!(
        segs.iter()
            .any(|(op, t)| *op == "equal" && t.ends_with("민간 소비 회복")),
        "{segs:?}"
    );
    assert_eq!(hunks[0]["old_line"], hunks[0]["new_line"]);
    assert_eq!(r["values"].as_array().map(Vec::len), Some(0));

    let o = planbook(&["diff", s(&content_dir()), s(&new)]);
    let human = stdout(&o);
    assert!(
        human.contains("Ⅱ-1 지역 경제·산업 현황 [변경] (chapters/II/II-1.md"),
        "{human}"
    );
    assert!(
        human.contains("민간 소비 회복 [-부진-] {+지연+} 등"),
        "{human}"
    );
}

#[test]
fn published_figures_and_rows_that_changed_are_listed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let new = copy_content(tmp.path());
    let budget = new.join("data/budget.yaml");
    replace_in(
        &budget,
        r#"budget-plan: { total_prev: "-", total_cur: "5.25", dgov: "3.675", dlocal: "1.575", dtotal: "5.25" }
                          budget-sales: { budget_prev: "-", roi_prev: "-", budget_cur: "5.25", roi_cur: "2.25","#,
        r#"budget-plan: { total_prev: "-", total_cur: "5.26", dgov: "3.675", dlocal: "1.575", dtotal: "5.25" }
                          budget-sales: { budget_prev: "-", roi_prev: "-", budget_cur: "5.25", roi_cur: "2.25","#,
    );
    replace_in(
        &new.join("chapters/III/III-1-2.md"),
        r#"printed="1.39""#,
        r#"printed="1.40""#,
    );
    // A new leaf: its rows are reported as rows, not value by value.
    replace_in(
        &budget,
        "                      - id: rnd-lead-eco-cer\n",
        "                      - id: rnd-lead-eco-new\n                        label: \"신규품목\"\n                        industry: bio\n                        amounts:\n                          2025: { gov: 1.000, local: 0.500, tasks: 1, targets: { sales: 2.00, jobs: 1.00 } }\n                      - id: rnd-lead-eco-cer\n",
    );
    // A new item of a section, with its narrative.
    replace_in(
        &new.join("plan.yaml"),
        "file: chapters/VIII/VIII-2-1.md }",
        "file: chapters/VIII/VIII-2-1.md }\n          - { no: \"2\", title: 신규 항목, file: chapters/VIII/VIII-2-2.md }",
    );
    std::fs::write(
        new.join("chapters/VIII/VIII-2-2.md"),
        "새로운 항목의 본문\n\n둘째 문단\n",
    )
    .expect("write");
    let r = diff_json(&content_dir(), &new);
    let text = r["text"].as_array().expect("text");
    let added = text
        .iter()
        .find(|t| t["part"]["id"] == "VIII-2-2")
        .unwrap_or_else(|| panic!("the new item: {text:?}"));
    assert_eq!(added["status"], "added");
    assert_eq!(added["part"]["number"], "Ⅷ-2");
    assert_eq!(added["part"]["item"], "2. 신규 항목");
    assert_eq!(
        (
            added["words_deleted"].as_u64(),
            added["words_inserted"].as_u64()
        ),
        (Some(0), Some(5))
    );
    let published = r["published"].as_array().expect("published");
    let data = published
        .iter()
        .find(|p| p["key"] == "budget-plan.rnd-lead-eco-bio.total_cur")
        .expect("the budget's published figure");
    assert_eq!(
        (data["old"].as_str(), data["new"].as_str()),
        (Some("5.25"), Some("5.26"))
    );
    assert_eq!(data["file"], "data/budget.yaml");
    let sentence = published
        .iter()
        .find(|p| p["key"] == "perf-review-jobs.total.rp_last")
        .expect("the sentence's printed figure");
    assert_eq!(
        (sentence["old"].as_str(), sentence["new"].as_str()),
        (Some("1.39"), Some("1.40"))
    );
    assert_eq!(sentence["part"]["id"], "III-1-2");

    let structure = r["structure"].as_array().expect("structure");
    for view in ["budget-plan", "budget-sales", "budget-jobs"] {
        assert!(
            structure.iter().any(|x| x["kind"] == "row"
                && x["status"] == "added"
                && x["table"] == view
                && x["id"] == "rnd-lead-eco-new"),
            "{view}: {structure:?}"
        );
    }
    assert!(!r["values"]
        .as_array()
        .expect("values")
        .iter()
        .any(|v| v["key"]
            .as_str()
            .is_some_and(|k| k.contains("rnd-lead-eco-new"))));
    assert_eq!(value(&r, "budget-plan.total.gov_cur")["new"], "102.195");
}

#[test]
fn the_html_report_is_one_self_contained_escaped_page() {
    let (tmp, new) = edited_copy(
        "data/budget.yaml",
        "2025: { gov: 3.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
        "2025: { gov: 4.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
    );
    replace_in(
        &new.join("chapters/II/II-1.md"),
        "◆ 최근 소비심리 위축, 민간 소비 회복 부진 등",
        "◆ 최근 소비심리 위축, 민간 소비 회복 지연<script>alert(1)</script>&amp; 등",
    );
    let out = tmp.path().join("report.html");
    let o = planbook(&[
        "diff",
        s(&content_dir()),
        s(&new),
        "--format",
        "html",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "--out writes the report to the file only"
    );
    let html = std::fs::read_to_string(&out).expect("report");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<html").count(), 1);
    assert!(html.trim_end().ends_with("</html>"));
    for external in [
        "http:", "https:", "src=", "href=", "<link", "@import", "url(", "<script",
    ] {
        assert!(!html.contains(external), "`{external}` in the page");
    }
    assert!(html.contains("<style>") && html.contains("@media print"));
    assert!(html.contains("Malgun Gothic"), "a Korean font stack");
    // Values first, then the text, marked and escaped.
    let values = html.find("1. 수치 변경").expect("values heading");
    let text = html.find("4. 본문 변경").expect("text heading");
    assert!(values < text);
    let row = html
        .find("<td class=\"v\">101.195</td><td class=\"v\">102.195</td>")
        .expect("a changed total, old and new");
    assert!(values < row && row < text);
    assert!(html.contains("<del>부진</del>"), "deletion marked");
    assert!(html.contains("<ins>지연&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;</ins>"));
    assert!(html.contains("Ⅱ-1 지역 경제·산업 현황"));
}

#[test]
fn invalid_or_missing_plans_stop_with_diagnostics() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = copy_content(tmp.path());
    replace_in(
        &bad.join("data/budget.yaml"),
        "2025: { gov: 3.675, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
        "2025: { gov: abc, local: 1.575, tasks: 1, targets: { sales: 11.82, jobs: 4.67 } }",
    );
    let o = planbook(&["diff", s(&content_dir()), s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[E003]") && err.contains("budget.yaml:125"),
        "{err}"
    );
    assert!(err.contains("does not check"), "{err}");
    assert!(o.stdout.is_empty());
    // Either side: the old one too.
    let o = planbook(&["diff", s(&bad), s(&content_dir()), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let first: Value =
        serde_json::from_str(stdout(&o).lines().next().unwrap_or("")).expect("diagnostic json");
    assert_eq!(first["code"], "E003");

    let o = planbook(&["diff", s(&content_dir()), s(&tmp.path().join("nowhere"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no plan.yaml"));
    // Usage errors.
    assert_eq!(
        planbook(&["diff", s(&content_dir())]).status.code(),
        Some(2)
    );
    let c = content_dir();
    assert_eq!(
        planbook(&["diff", s(&c), s(&c), "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    // The report never lands in a plan folder.
    let inside = bad.join("report.html");
    let o = planbook(&["diff", s(&c), s(&bad), "--out", s(&inside)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!inside.exists());
}

#[test]
fn records_text_cells_and_labels_are_compared_too() {
    let tmp = tempfile::tempdir().expect("tmp");
    let new = copy_content(tmp.path());
    let items = new.join("data/tables/att-items.yaml");
    replace_in(
        &items,
        "\"1차년도 (25년)\"] }\n      - { id: bio-2",
        "\"1차년도 (2025년)\"] }\n      - { id: bio-2",
    );
    replace_in(&items, "label: 세부품목명 }", "label: 세부 품목명 }");
    replace_in(
        &new.join("data/records/iv-overviews.yaml"),
        "vision: 차세대 고성능 센서 기반 생태계",
        "vision: 차세대 고성능 센서 중심 생태계",
    );
    let r = diff_json(&content_dir(), &new);
    let cells = r["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 1, "{cells:?}");
    assert_eq!(cells[0]["key"], "a1-items-1.bio-1.note");
    assert_eq!(
        (cells[0]["old"].as_str(), cells[0]["new"].as_str()),
        (Some("1차년도 (25년)"), Some("1차년도 (2025년)"))
    );
    let structure = r["structure"].as_array().expect("structure");
    assert!(structure.iter().any(|x| x["kind"] == "column"
        && x["status"] == "changed"
        && x["id"] == "name"
        && x["label"] == "세부품목명 → 세부 품목명"));
    let text = r["text"].as_array().expect("text");
    assert_eq!(text.len(), 1, "{text:?}");
    assert_eq!(text[0]["part"]["file"], "data/records/iv-overviews.yaml");
    assert_eq!(
        text[0]["part"]["number"], "Ⅳ-1",
        "under the section that embeds it"
    );
    let segs = text[0]["hunks"][0]["segments"]
        .as_array()
        .expect("segments");
    assert!(segs
        .iter()
        .any(|g| g["op"] == "delete" && g["text"] == "기반"));
    assert!(segs
        .iter()
        .any(|g| g["op"] == "insert" && g["text"] == "중심"));
    assert_eq!(r["values"].as_array().map(Vec::len), Some(0));
}
