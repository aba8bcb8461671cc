//! The committee site in a real browser: tests/browser/run.mjs drives Debian's
//! Chromium with playwright-core (search from file:// and HTTP, following a
//! result, a CSV link; tables.mjs scrolls ‹표 Ⅷ-1› and the longest table at
//! 1280 and 375 px and measures where the header row and the row labels
//! are), runs axe-core on every page and the Nu HTML Checker,
//! and looks at every figure (figures.mjs: the Korean font, no label over
//! another or past the edge), for the plan and for samples/charts.
//! .ci/run installs the npm packages, Chromium and Java's checker; without
//! them the test says so and checks nothing, except under CI=true, where a
//! missing tool fails the test rather than letting it pass unseen.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Skips a test whose tools are missing; under CI=true fails it instead.
fn skip(why: &str) {
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true and the browser test cannot run: {why}"
    );
    println!("skipping: {why}");
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_site_passes_search_axe_and_the_html_checker_in_chromium() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !dir.join("node_modules/playwright-core").is_dir()
        || !have("node")
        || !have("chromium")
        || !have("java")
    {
        skip("needs node, chromium, java and `npm ci --prefix tests/browser`");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("output");
    if let Err((_, d)) = planbook::build(&content_dir(), &out) {
        panic!("{}", d.render_human());
    }
    let o = Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(&out)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && stdout.contains(" 0 failed"),
        "{stdout}\n{stderr}"
    );
}

/// Every chart and diagram kind of samples/charts, in Chromium: the Korean
/// font loads, no label lies over another or past the figure's edge.
#[test]
fn the_chart_sample_draws_every_label_clear_in_chromium() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !dir.join("node_modules/playwright-core").is_dir() || !have("node") || !have("chromium") {
        skip("needs node, chromium and `npm ci --prefix tests/browser`");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("output");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/charts");
    if let Err((_, d)) = planbook::build(&sample, &out) {
        panic!("{}", d.render_human());
    }
    let o = Command::new("node")
        .arg(dir.join("figures.mjs"))
        .arg(&out)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Twelve figures, each on its chapter page and in print.html.
    let figures: usize = stdout
        .split(" figures")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(
        o.status.success() && figures >= 24 && stdout.contains(", 0 clashes"),
        "{stdout}\n{stderr}"
    );
}
