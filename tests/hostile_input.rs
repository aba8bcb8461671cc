//! Hostile and careless content: every path stays inside the content folder,
//! ids that could escape the output or the markup are refused with a
//! located error, the YAML parser's budgets hold, and every diagnostic is
//! located by the parser (quoted keys, flow style and anchors included).

mod common;

use common::{content_dir, copy_content, replace_in};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn planbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .output()
        .expect("run planbook")
}

fn check(content: &Path, extra: &[&str]) -> Output {
    let c = content.to_str().expect("utf-8 path");
    let mut args = vec!["check", "--content", c];
    args.extend_from_slice(extra);
    planbook(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout)
}

/// The diagnostics of `check --format json`, as parsed objects.
fn json_diags(content: &Path) -> Vec<serde_json::Value> {
    let o = check(content, &["--format", "json"]);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&o.stderr).lines())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Runs `check` on a copy of the plan with one edit; returns the output,
/// having asserted it failed with exit 1 and a located `code` in `file`.
fn refused(edit: impl FnOnce(&Path), code: &str, file: &str) -> String {
    refused_in(copy_content, edit, code, file, true)
}

fn refused_in(
    copy: fn(&Path) -> std::path::PathBuf,
    edit: impl FnOnce(&Path),
    code: &str,
    file: &str,
    with_line: bool,
) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy(dir.path());
    edit(&content);
    let o = check(&content, &["--format", "json"]);
    let out = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit 1 expected:\n{out}");
    let hit = json_diags(&content).into_iter().any(|d| {
        d["code"] == code
            && d["file"].as_str().is_some_and(|f| f.ends_with(file))
            && (!with_line || d["line"].as_u64().is_some())
    });
    assert!(hit, "a located {code} in {file} expected:\n{out}");
    out
}

#[test]
fn content_paths_that_leave_the_folder_are_refused() {
    let secret_dir = tempfile::tempdir().expect("tempdir");
    let secret = secret_dir.path().join("secret.md");
    fs::write(&secret, "TOP-SECRET-CONTENT\n").expect("write");
    let secret_s = secret.display().to_string();
    for bad in ["../../../../../../etc/passwd", secret_s.as_str()] {
        let out = refused(
            |c| {
                replace_in(
                    &c.join("plan.yaml"),
                    "- { file: data/budget.yaml, kind: budget }",
                    &format!("- {{ file: \"{bad}\", kind: budget }}"),
                )
            },
            "E013",
            "plan.yaml",
        );
        assert!(!out.contains("root:"), "passwd not echoed");
        let out = refused(
            |c| {
                let plan = c.join("plan.yaml");
                let text = fs::read_to_string(&plan).expect("plan");
                let (first, _) = text
                    .split_once("file: ")
                    .expect("a file: entry in plan.yaml");
                // The first `file:` of the outline or data list names the path.
                let rest = &text[first.len() + "file: ".len()..];
                let end = rest.find([',', '}', '\n']).expect("end of value");
                fs::write(&plan, format!("{first}file: \"{bad}\"{}", &rest[end..])).expect("write");
            },
            "E013",
            "plan.yaml",
        );
        assert!(!out.contains("TOP-SECRET"), "nothing of the file is echoed");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_devices_and_fifos_are_refused_without_reading_them() {
    let secret_dir = tempfile::tempdir().expect("tempdir");
    let secret = secret_dir.path().join("secret.md");
    fs::write(&secret, "TOP-SECRET-CONTENT\n").expect("write");
    // A narrative file replaced by a symlink to a file outside (the file
    // itself is named: it has no line to point at).
    let out = refused_in(
        copy_content,
        |c| {
            let f = c.join("chapters/I/I-1.md");
            fs::remove_file(&f).expect("rm");
            std::os::unix::fs::symlink(&secret, &f).expect("symlink");
        },
        "E013",
        "I-1.md",
        false,
    );
    assert!(!out.contains("TOP-SECRET"));
    // The company extract's CSV pointing at /dev/zero, and at a FIFO: both
    // refused at once (reading either would never end).
    for target in ["zero", "fifo"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = common::copy_sample_plan("typology", dir.path());
        let yaml = fs::read_dir(c.join("data"))
            .expect("data")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.starts_with("csv:"))))
            .expect("a companies dataset with `csv:`");
        let text = fs::read_to_string(&yaml).expect("read");
        let line = text
            .lines()
            .find(|l| l.starts_with("csv:"))
            .expect("csv line");
        let csv = yaml
            .parent()
            .expect("parent")
            .join(line.trim_start_matches("csv:").trim().trim_matches('"'));
        fs::remove_file(&csv).expect("rm csv");
        if target == "zero" {
            std::os::unix::fs::symlink("/dev/zero", &csv).expect("symlink");
        } else {
            let ok = Command::new("mkfifo")
                .arg(&csv)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "mkfifo");
        }
        let t = Instant::now();
        let o = check(&c, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("E013"), "{}", stderr(&o));
        assert!(t.elapsed() < Duration::from_secs(20), "no hang");
    }
}

#[test]
fn ids_that_could_escape_the_output_or_the_markup_are_located_errors() {
    let outside = tempfile::tempdir().expect("tempdir");
    let target = outside.path().join("x");
    let cases: [(&str, &str, String, &str); 4] = [
        (
            "plan.yaml",
            "- id: VIII\n",
            "- id: \"../../x\"\n".into(),
            "plan.yaml",
        ),
        (
            "plan.yaml",
            "- id: VIII\n",
            format!("- id: \"{}\"\n", target.display()),
            "plan.yaml",
        ),
        (
            "plan.yaml",
            "- id: VIII\n",
            "- id: \"javascript:alert(1)\"\n".into(),
            "plan.yaml",
        ),
        (
            "data/budget.yaml",
            "- id: budget-plan\n",
            "- id: \"<script>alert(1)</script>\"\n".into(),
            "budget.yaml",
        ),
    ];
    for (file, from, to, shown) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = copy_content(dir.path());
        let path = c.join(file);
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{from} in {file}");
        fs::write(&path, text.replacen(from, &to, 1)).expect("write");
        let out = dir.path().join("output");
        let o = planbook(&[
            "build",
            "--content",
            c.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{to}: {e}");
        assert!(e.contains("is not a valid id"), "{to}: {e}");
        assert!(e.contains(&format!("{shown}:")), "located in {shown}: {e}");
        assert!(!out.exists(), "nothing built");
        assert!(!target.exists(), "nothing written outside");
    }
}

#[test]
fn yaml_budgets_hold_with_a_line() {
    // An alias bomb (a billion `x`), 100,000-deep flow nesting and a
    // 100,000-deep block nesting: each a quick E002 with a line.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let list = [prev.as_str(); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{list}]\n"));
    }
    let deep_flow = format!("x: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let mut deep_block = String::new();
    for i in 0..2_000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("k:\n");
    }
    for text in [bomb, deep_flow, deep_block] {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = copy_content(dir.path());
        fs::write(c.join("data/budget.yaml"), &text).expect("write");
        let t = Instant::now();
        let o = check(&c, &["--format", "json"]);
        assert!(t.elapsed() < Duration::from_secs(10), "bounded work");
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let d = json_diags(&c);
        assert!(
            d.iter().any(|x| x["code"] == "E002"
                && x["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with("budget.yaml"))
                && x["line"].as_u64().is_some()),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn careless_yaml_gets_clear_messages() {
    // A byte-order mark at the start of plan.yaml is harmless.
    let dir = tempfile::tempdir().expect("tempdir");
    let c = copy_content(dir.path());
    let plan = c.join("plan.yaml");
    let text = fs::read_to_string(&plan).expect("plan");
    fs::write(&plan, format!("\u{feff}{text}")).expect("write");
    let o = check(&c, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // `.nan` and `.inf` where a number belongs: told as such, with a line.
    for bad in [".nan", ".inf", "-.inf"] {
        let out = refused(
            |c| {
                let p = c.join("data/budget.yaml");
                let t = fs::read_to_string(&p).expect("read");
                let re = t.find("gov: ").expect("a gov amount");
                let end = re + t[re..].find([',', '}', '\n']).expect("end");
                fs::write(&p, format!("{}gov: {bad}{}", &t[..re], &t[end..])).expect("write");
            },
            "E003",
            "budget.yaml",
        );
        assert!(out.contains("finite"), "{bad}: {out}");
    }
}

/// The same diagnostic: an audit finding by its figure (its message says
/// which finding it follows from, which may differ when the published
/// figures are met in another order), anything else by its message.
fn same_finding(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    a["code"] == b["code"]
        && match (a["figure"].as_str(), b["figure"].as_str()) {
            (Some(x), Some(y)) => {
                x == y
                    && a["file"].as_str().map(|f| f.ends_with(".md"))
                        == b["file"].as_str().map(|f| f.ends_with(".md"))
            }
            _ => a["message"] == b["message"],
        }
}

/// The word at a 1-based (line, character column) of a text, without the
/// quotes a key or value may have.
fn token_at(text: &str, line: u64, col: u64) -> String {
    let l = text.lines().nth(line as usize - 1).unwrap_or("");
    l.chars()
        .skip(col as usize - 1)
        .skip_while(|c| *c == '"' || *c == '\'')
        .take_while(|c| !matches!(c, ':' | ',' | '{' | '}' | '[' | ']' | '"' | '\'' | ' '))
        .collect()
}

#[test]
fn diagnostics_point_at_the_same_node_in_flow_style_with_quoted_keys() {
    // Every data file rewritten as JSON (flow style, every key quoted, other
    // lines and columns): each diagnostic of the plan must still point at
    // the same word.
    let dir = tempfile::tempdir().expect("tempdir");
    let c = copy_content(dir.path());
    let mut files = Vec::new();
    for sub in ["data", "data/tables"] {
        for e in fs::read_dir(c.join(sub))
            .expect("ls")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    let before = json_diags(&content_dir());
    assert!(
        before.len() > 100,
        "the 2025 plan has diagnostics to compare"
    );
    for p in &files {
        let text = fs::read_to_string(p).expect("read");
        let strict = serde_saphyr::options! { strict_booleans: true };
        let v: serde_json::Value =
            serde_saphyr::from_str_with_options(&text, strict).expect("yaml");
        let json = serde_json::to_string_pretty(&v).expect("json");
        // An anchor on the first mapping too: anchors shift columns.
        let json = json.replacen('{', "&top {", 1);
        fs::write(p, json).expect("write");
    }
    let after = json_diags(&c);
    let extra: Vec<String> = after
        .iter()
        .filter(|a| !before.iter().any(|b| same_finding(a, b)))
        .take(5)
        .map(|a| a.to_string())
        .collect();
    assert!(
        extra.is_empty(),
        "new diagnostics after the rewrite: {extra:#?}"
    );
    // JSON numbers drop trailing zeros (`1.50` becomes 1.5): an input's
    // written precision can widen, so an audit finding (W001, or A001 when
    // acknowledged) may vanish; nothing else may.
    let gone: Vec<&serde_json::Value> = before
        .iter()
        .filter(|b| !after.iter().any(|a| same_finding(a, b)))
        .collect();
    assert!(
        gone.len() <= 3
            && gone
                .iter()
                .all(|g| g["code"] == "W001" || g["code"] == "A001"),
        "diagnostics lost in the rewrite: {gone:#?}"
    );
    let mut checked = 0;
    for b in &before {
        let Some(file) = b["file"].as_str() else {
            continue;
        };
        if !file.contains("/data/") || b["line"].is_null() {
            continue;
        }
        let rel = &file[file.find("/data/").map_or(0, |i| i + 1)..];
        let Some(a) = after.iter().find(|a| same_finding(a, b)) else {
            continue; // one of the `gone` above
        };
        let orig = fs::read_to_string(content_dir().join(rel)).expect("orig");
        let new = fs::read_to_string(c.join(rel)).expect("new");
        let (bl, bc) = (
            b["line"].as_u64().expect("l"),
            b["column"].as_u64().expect("c"),
        );
        let (al, ac) = (
            a["line"].as_u64().expect("l"),
            a["column"].as_u64().expect("c"),
        );
        let want = token_at(&orig, bl, bc);
        assert!(!want.is_empty(), "{rel}:{bl}:{bc} points at a word");
        assert_eq!(
            token_at(&new, al, ac),
            want,
            "{} in {rel}: {bl}:{bc} before, {al}:{ac} after",
            b["message"]
        );
        checked += 1;
    }
    assert!(checked > 80, "{checked} located diagnostics compared");
}
