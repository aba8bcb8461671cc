//! Formulas and figures that once panicked (exit 101) or overflowed the
//! stack (a signal) are plain content errors: `check` exits 1 and says why.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

const MAX: &str = "79228162514264337593543950335";

/// Copies the plan, applies the edits (file under content/, from, to), checks it.
fn check_edited(edits: &[(&str, &str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    for (file, from, to) in edits {
        replace_in(&content.join(file), from, to);
    }
    check(&content)
}

fn check(content: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["check", "--content", content.to_str().expect("utf-8 path")])
        .output()
        .expect("run planbook")
}

/// Exit code 1 (a content error), not 101 (a panic) nor a signal (None),
/// with an error diagnostic containing every one of `wanted`.
fn assert_refused(o: &Output, wanted: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for w in wanted {
        assert!(err.contains(w), "`{w}` missing from:\n{err}");
    }
}

const BIO: &str = "data/tables/ii3-bio.yaml";

#[test]
fn a_formula_with_too_few_arguments_is_an_error() {
    let o = check_edited(&[(
        BIO,
        r#"compute: "cagr(est17, est22, 5)""#,
        r#"compute: "pct(est17)""#,
    )]);
    assert_refused(&o, &["error[E003]", "`pct` takes (part, whole)"]);
}

#[test]
fn ten_thousand_nested_parentheses_are_an_error_not_a_stack_overflow() {
    let n = 10_000;
    let deep = format!(r#"compute: "{}emp17{}""#, "(".repeat(n), ")".repeat(n));
    let o = check_edited(&[(BIO, r#"compute: "cagr(emp17, emp22, 5)""#, &deep)]);
    assert_refused(&o, &["error[E003]", "more than 64 deep"]);
}

#[test]
fn a_sum_row_whose_inputs_overflow_is_an_error() {
    let o = check_edited(&[
        (
            BIO,
            "values: [106, 132,",
            &format!(r#"values: ["{MAX}", 132,"#),
        ),
        (
            BIO,
            "values: [125, 204,",
            &format!(r#"values: ["{MAX}", 204,"#),
        ),
    ]);
    assert_refused(
        &o,
        &[
            "error[E040]",
            "row `gw-sum`, column `est17`",
            "the sum overflows the decimal range",
            // Located at the sum row of its table file.
            "--> ",
            "data/tables/ii3-bio.yaml:29:",
        ],
    );
}

#[test]
fn a_budget_leaf_overflowing_its_parent_is_an_error() {
    let o = check_edited(&[(
        "data/budget.yaml",
        "gov: 3.675, local: 1.575, tasks: 1, targets: { sales: 11.82",
        &format!(r#"gov: "{MAX}", local: 1.575, tasks: 1, targets: {{ sales: 11.82"#),
    )]);
    assert_refused(
        &o,
        &[
            "error[E040]",
            "gov 2025",
            "the sum overflows the decimal range",
            "budget.yaml:",
        ],
    );
}
