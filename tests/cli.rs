//! The command line as an author meets it: exit codes and located errors.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn planbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .output()
        .expect("run planbook")
}

fn check(content: &Path) -> Output {
    planbook(&["check", "--content", content.to_str().expect("utf-8 path")])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_embedded_plan_checks_clean_with_its_errata_acknowledged() {
    let o = check(&content_dir());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("summary: 0 errors, "),
        "{}",
        stderr(&o)
    );
    let strict = planbook(&[
        "check",
        "--deny-warnings",
        "--content",
        content_dir().to_str().expect("path"),
    ]);
    // The seed's errata are acknowledged in the data: --deny-warnings passes.
    assert_eq!(strict.status.code(), Some(0), "{}", stderr(&strict));
}

#[test]
fn json_lists_each_diagnostic_with_its_location() {
    let o = planbook(&[
        "check",
        "--format",
        "json",
        "--content",
        content_dir().to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert!(
        lines
            .iter()
            .filter(|d| d["file"] == "content/data/budget.yaml")
            .count()
            == 3,
        "the budget tree's three slips of the seed"
    );
    for d in &lines {
        for key in ["severity", "code", "message", "file", "line", "column"] {
            assert!(!d[key].is_null(), "{key} in {d}");
        }
    }
}

/// Edits a copy of the plan, runs check, and expects exit 1 naming `file:line`.
fn expect_located_error(file: &str, from: &str, to: &str, code: &str, line: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    replace_in(&content.join(file), from, to);
    let o = check(&content);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("error[{code}]")), "{err}");
    assert!(
        err.contains(&format!("{file}:{line}:")),
        "expected {file}:{line} in\n{err}"
    );
}

fn line_of(file: &str, needle: &str) -> usize {
    let s = fs::read_to_string(content_dir().join(file)).expect("read");
    s.lines().position(|l| l.contains(needle)).expect("needle") + 1
}

#[test]
fn a_misspelled_field_is_located() {
    let line = line_of("data/budget.yaml", "2025: { gov: 8.21, local: 0.79,");
    expect_located_error(
        "data/budget.yaml",
        "2025: { gov: 8.21, local: 0.79,",
        "2025: { gv: 8.21, local: 0.79,",
        "E003",
        line,
    );
}

#[test]
fn a_string_where_a_number_belongs_is_located() {
    let line = line_of("data/budget.yaml", "2025: { gov: 8.21, local: 0.79,");
    expect_located_error(
        "data/budget.yaml",
        "2025: { gov: 8.21, local: 0.79,",
        "2025: { gov: 8.21억, local: 0.79,",
        "E003",
        line,
    );
}

#[test]
fn a_reference_to_a_missing_table_is_located() {
    let line = line_of("chapters/VIII/VIII-2-1.md", "{{table budget-sales}}");
    expect_located_error(
        "chapters/VIII/VIII-2-1.md",
        "{{table budget-sales}}",
        "{{table budget-revenue}}",
        "E011",
        line,
    );
}

#[test]
fn an_unknown_value_is_located() {
    let line = line_of(
        "chapters/VIII/VIII-1-1.md",
        "{{val budget.allocation-base.total_cur}}",
    );
    expect_located_error(
        "chapters/VIII/VIII-1-1.md",
        "{{val budget.allocation-base.total_cur}}",
        "{{val budget.allocation.total_cur}}",
        "E011",
        line,
    );
}

#[test]
fn malformed_yaml_is_located() {
    let line = line_of("plan.yaml", "- { id: I-1,");
    expect_located_error(
        "plan.yaml",
        "- { id: I-1, title: 수립체계의 구성, page: \"1\" }",
        "- { id: I-1, title: 수립체계의 구성, page: \"1\" ",
        "E002",
        line + 1,
    );
}

#[test]
fn a_missing_narrative_file_is_located() {
    let line = line_of("plan.yaml", "VIII-2-1.md");
    expect_located_error(
        "plan.yaml",
        "chapters/VIII/VIII-2-1.md",
        "chapters/VIII/VIII-2-9.md",
        "E013",
        line,
    );
}

#[test]
fn a_missing_content_folder_is_an_io_error() {
    let o = check(Path::new("/nonexistent/planbook-content"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no plan.yaml"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        planbook(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(
        planbook(&["check", "--format", "xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let out = dir.path().join("output");
    let ok = planbook(&[
        "build",
        "-q",
        "--content",
        content.to_str().expect("p"),
        "--out",
        out.to_str().expect("p"),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let before = fs::read(out.join("viii/viii-2.html")).expect("page");
    replace_in(
        &content.join("chapters/VIII/VIII-2-1.md"),
        "{{table budget-plan}}",
        "{{table nope}}",
    );
    let bad = planbook(&[
        "build",
        "--content",
        content.to_str().expect("p"),
        "--out",
        out.to_str().expect("p"),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("left as it was"));
    assert_eq!(
        fs::read(out.join("viii/viii-2.html")).expect("page"),
        before
    );
    let siblings = fs::read_dir(dir.path()).expect("ls").count();
    assert_eq!(
        siblings, 2,
        "only content/ and output/: no staging folder left"
    );
}

#[test]
fn garbage_input_never_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    for garbage in [
        "",
        "[",
        "tree: 5",
        "id: budget\ntree: [{}]",
        "\u{0}\u{1}",
        "years: [2024]",
    ] {
        fs::write(content.join("data/budget.yaml"), garbage).expect("write");
        let o = check(&content);
        assert_eq!(
            o.status.code(),
            Some(1),
            "input {garbage:?}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
    }
    fs::write(
        content.join("chapters/VIII/VIII-2-1.md"),
        "{{ {{val }} }} ::: x\n:::\n{{table}}\n{{",
    )
    .expect("write");
    let o = check(&content);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn an_accepted_erratum_is_still_marked_but_no_longer_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let budget = content.join("data/budget.yaml");
    let shipped = fs::read_to_string(&budget).expect("budget.yaml");
    let count = |o: &Output, needle: &str| stderr(o).matches(needle).count();
    // The total's 증감 지방비: printed 0.96, its rows give 0.965. Without its
    // acknowledgement it is a warning …
    let acknowledged = shipped
        .lines()
        .position(|l| l.contains("dlocal: \"원본 L2357"))
        .expect("the shipped plan acknowledges the total's dlocal");
    let without: Vec<&str> = shipped
        .lines()
        .enumerate()
        .filter(|(i, _)| *i + 1 != acknowledged && *i != acknowledged)
        .map(|(_, l)| l)
        .collect();
    fs::write(&budget, without.join("\n") + "\n").expect("write");
    let before = check(&content);
    assert!(
        stderr(&before).contains("`total` dlocal is 0.96"),
        "{}",
        stderr(&before)
    );
    // … and with it, as shipped, a note.
    fs::write(&budget, &shipped).expect("write");
    let after = check(&content);
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    assert!(!stderr(&after).contains("warning[W001]: published budget-plan `total` dlocal"));
    let json = planbook(&[
        "check",
        "--format",
        "json",
        "--content",
        content.to_str().expect("utf-8"),
    ]);
    let out = String::from_utf8_lossy(&json.stdout);
    assert!(
        out.lines()
            .any(|l| l.contains("\"code\":\"A001\"") && l.contains("dlocal")),
        "{out}"
    );
    assert_eq!(
        count(&before, "warning[W001]") - 1,
        count(&after, "warning[W001]"),
        "one warning fewer"
    );
    // Still marked on the page and listed on the errata page.
    let out_dir = dir.path().join("output");
    let b = planbook(&[
        "build",
        "-q",
        "--content",
        content.to_str().expect("utf-8"),
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let errata = fs::read_to_string(out_dir.join("errata.html")).expect("errata page");
    assert!(errata.contains("0.965"));
}
