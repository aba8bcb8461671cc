//! Script and formula injection (issue 15): every kind of text field of a copy
//! of the plan receives each hostile string; the built site, print documents,
//! SVG, CSV and search index must carry nothing executable. And the plan's
//! templates cannot crash or hang planbook.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "</script><script>alert(1)</script>",
];

/// A YAML double-quoted scalar holding `s`.
fn yq(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn replace_first(path: &Path, from: &str, to: &str) {
    let s = fs::read_to_string(path).expect("read");
    assert!(s.contains(from), "`{from}` not in {}", path.display());
    fs::write(path, s.replacen(from, to, 1)).expect("write");
}

/// Runs planbook with a deadline: a hang is a failure, not a stuck test.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn planbook");
    // Read stderr as it comes: a full pipe would stall the child.
    let mut pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut err = String::new();
        let _ = pipe.read_to_string(&mut err);
        err
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let err = reader.join().unwrap_or_default();
            return (status.code(), err);
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("planbook {args:?} did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn build(content: &Path, out: &Path) -> (Option<i32>, String) {
    run(&[
        "build",
        "--content",
        content.to_str().expect("utf-8 path"),
        "--out",
        out.to_str().expect("utf-8 path"),
    ])
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The five entities and numeric ones, enough to read an attribute as a browser would.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(';').unwrap_or(0);
        let name = &tail[..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "colon" => Some(':'),
            "Tab" | "tab" => Some('\t'),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            _ => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

fn scheme_is_script(url: &str) -> bool {
    let u: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| u.starts_with(s))
}

/// Walks the tags of an HTML or SVG file: no script element but the site's
/// own (search, the outline, site.js), no `on…` attribute, no script URL in an href.
fn scan_markup(path: &Path, text: &str, bad: &mut Vec<String>) {
    let b = text.as_bytes();
    let mut i = 0;
    // Inside <style> the text is CSS; inside the site's <script src> nothing.
    while let Some(p) = text[i..].find('<') {
        let at = i + p;
        i = at + 1;
        let Some(&c) = b.get(at + 1) else { break };
        if !c.is_ascii_alphabetic() {
            continue;
        }
        let mut j = at + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
            j += 1;
        }
        let name = text[at + 1..j].to_ascii_lowercase();
        // Attributes up to the tag's end, quotes respected.
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let ns = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let an = text[ns..j].to_ascii_lowercase();
            let mut val = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let vs = j + 1;
                    j = vs;
                    while j < b.len() && b[j] != q {
                        j += 1;
                    }
                    val = text[vs..j.min(b.len())].to_string();
                    j += 1;
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    val = text[vs..j].to_string();
                }
            }
            if an.is_empty() {
                j += 1;
                continue;
            }
            attrs.push((an, val));
        }
        let here = || format!("{}: <{name} …> at byte {at}", path.display());
        for (an, v) in &attrs {
            // The theme's search form is the one handler planbook writes.
            let theme_own = name == "form" && an == "onsubmit" && v == "return false;";
            if an.starts_with("on") && !theme_own {
                bad.push(format!("{}: event handler {an}={v}", here()));
            }
            if (an == "href" || an == "src" || an == "xlink:href" || an == "action")
                && scheme_is_script(&decode(v))
            {
                bad.push(format!("{}: {an}=\"{v}\"", here()));
            }
        }
        if matches!(name.as_str(), "img" | "iframe" | "object" | "embed") {
            bad.push(format!("{}: element not written by planbook", here()));
        }
        if name == "script" {
            let src = attrs
                .iter()
                .find(|(n, _)| n == "src")
                .map(|(_, v)| v.clone());
            let ours = src.as_deref().is_some_and(|s| {
                [
                    "assets/search-data.js",
                    "assets/search.js",
                    "assets/site.js",
                    "assets/toc.js",
                    "assets/toc-summary.js",
                ]
                .contains(&s.trim_start_matches("../"))
            });
            if !ours {
                bad.push(format!("{}: script element", here()));
            }
        }
        i = j.max(at + 1);
    }
}

fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-', '△']).unwrap_or(s);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = s.split_once('.').map_or((s, None), |(a, b)| (a, Some(b)));
    int.starts_with(|c: char| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

fn scan_csv(path: &Path, bad: &mut Vec<String>) {
    for row in common::csv_rows(path) {
        for cell in row {
            let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell != "-" && !is_number(&cell));
            if risky && !is_number(&cell) {
                bad.push(format!("{}: cell {cell:?}", path.display()));
            }
        }
    }
}

fn scan_search(path: &Path, text: &str, bad: &mut Vec<String>) {
    let lower = text.to_ascii_lowercase();
    for needle in ["</script", "<!--", "<script"] {
        if lower.contains(needle) {
            bad.push(format!("{}: {needle} in the script", path.display()));
        }
    }
    let json = text
        .trim()
        .strip_prefix("window.PLANBOOK_SEARCH=")
        .or_else(|| text.trim().strip_prefix("window.PLANBOOK_TOC="))
        .and_then(|s| s.strip_suffix(';'))
        .expect("search data or outline shape");
    let docs: serde_json::Value = serde_json::from_str(json).expect("search data is JSON");
    links_in(&docs, path, bad);
}

/// Every `u` (a link the site's scripts make) in search data or the outline.
fn links_in(v: &serde_json::Value, path: &Path, bad: &mut Vec<String>) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| links_in(x, path, bad)),
        serde_json::Value::Object(o) => {
            if let Some(u) = o.get("u").and_then(|u| u.as_str()) {
                if scheme_is_script(u) || u.contains(':') {
                    bad.push(format!("{}: script link {u:?}", path.display()));
                }
            }
            o.values().for_each(|x| links_in(x, path, bad));
        }
        _ => {}
    }
}

/// Everything planbook wrote under `out`, checked for its kind.
fn scan(out: &Path) -> Vec<String> {
    let mut all = Vec::new();
    files(out, &mut all);
    let mut bad = Vec::new();
    for p in &all {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let name = p.to_string_lossy();
        if name.contains(':') || p.strip_prefix(out).is_err() {
            bad.push(format!("file name {name}"));
        }
        match ext {
            "html" | "svg" => {
                let text = fs::read_to_string(p).expect("utf-8");
                scan_markup(p, &text, &mut bad);
            }
            "csv" => scan_csv(p, &mut bad),
            "js" if name.ends_with("search-data.js") || name.contains("assets/toc") => {
                let text = fs::read_to_string(p).expect("utf-8");
                scan_search(p, &text, &mut bad);
            }
            _ => {}
        }
    }
    bad
}

/// Puts `payload` into each kind of text field that is not an id.
fn inject_text(content: &Path, payload: &str) {
    let q = yq(payload);
    let tables = content.join("data/tables/ii3-bio.yaml");
    replace_first(
        &tables,
        "label: \"①\", depth: 1, values: [106",
        &format!("label: {q}, depth: 1, values: [106"),
    );
    replace_first(
        &tables,
        "title: 천연물바이오소재 산업 및 육성 품목 성장성",
        &format!("title: {q}"),
    );
    replace_first(
        &tables,
        "label: 강원, kind: heading",
        &format!("label: {q}, kind: heading"),
    );
    replace_first(
        &tables,
        "{ id: est17, label: \"'17년\"",
        &format!("{{ id: est17, label: {q}"),
    );
    let plan = content.join("plan.yaml");
    replace_first(&plan, "title: 수립체계의 구성", &format!("title: {q}"));
    replace_first(
        &plan,
        "    title: 지역산업진흥계획 수립 개요",
        &format!("    title: {q}"),
    );
    replace_first(
        &plan,
        "(주축)천연물바이오소재 산업, page",
        &format!("{q}, page"),
    );
    let records = content.join("data/records/item-sheets-cap.yaml");
    replace_first(
        &records,
        "program: 지역기업역량강화",
        &format!("program: {q}"),
    );
    let figures = content.join("data/tables/figures-v.yaml");
    replace_first(
        &figures,
        "title: 구인·구직 DB 구축절차",
        &format!("title: {q}"),
    );
    // Narrative: as a paragraph, as a link target and inside a heading.
    let md = content.join("chapters/II/II-3-2.md");
    let mut s = fs::read_to_string(&md).expect("md");
    let one_line = payload.replace(['\r', '\n'], " ");
    s.push_str(&format!(
        "\n\n{one_line}\n\n[link]({})\n\n#### □ {one_line}\n\n<a href=\"{}\">x</a>\n",
        payload.trim(),
        payload.replace('"', "&quot;")
    ));
    fs::write(&md, s).expect("write md");
}

#[test]
fn hostile_text_in_every_field_is_inert_in_every_output() {
    let mut failures = Vec::new();
    for payload in PAYLOADS {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = common::copy_content(tmp.path());
        inject_text(&content, payload);
        let out = tmp.path().join("out");
        let (code, err) = build(&content, &out);
        assert_eq!(code, Some(0), "build with {payload:?} failed:\n{err}");
        for b in scan(&out) {
            failures.push(format!("{payload:?}: {b}"));
        }
        // The payload did reach the output (escaped), so the test tests something.
        let page = fs::read_to_string(out.join("i/i-1.html")).expect("page");
        assert!(
            page.contains("alert")
                || page.contains("HYPERLINK")
                || page.contains("SUM")
                || page.contains("cmd")
                || page.contains("=1+1")
                || page.contains("-2+3"),
            "{payload:?} not in i/i-1.html"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hostile_ids_are_refused_or_inert() {
    let mut failures = Vec::new();
    let ids = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "../../escape",
    ];
    for id in ids {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = common::copy_content(tmp.path());
        let q = yq(id);
        let plan = content.join("plan.yaml");
        // A chapter id, a section id and an item's number.
        replace_first(&plan, "  - id: I\n", &format!("  - id: {q}\n"));
        replace_first(&plan, "{ id: I-2, title", &format!("{{ id: {q}, title"));
        replace_first(
            &plan,
            "no: \"2\", title: (주축)세라믹원료",
            &format!("no: {q}, title: (주축)세라믹원료"),
        );
        let out = tmp.path().join("out");
        let (code, err) = build(&content, &out);
        match code {
            // Refused by validation: nothing must have been written.
            Some(1) => assert!(
                !out.join("index.html").exists(),
                "{id:?}: refused but wrote"
            ),
            Some(0) => {
                for b in scan(&out) {
                    failures.push(format!("{id:?}: {b}"));
                }
                let mut all = Vec::new();
                files(tmp.path(), &mut all);
                for p in all {
                    let inside = p.starts_with(&out) || p.starts_with(&content);
                    if !inside {
                        failures.push(format!("{id:?}: wrote outside the output: {}", p.display()));
                    }
                }
            }
            other => panic!("{id:?}: build exited {other:?}\n{err}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn with_record_template(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = common::copy_content(tmp.path());
    let tpl = content.join("templates/records/v2-rise.html");
    let mut s = fs::read_to_string(&tpl).expect("template");
    s.push_str(extra);
    fs::write(&tpl, s).expect("write");
    (tmp, content)
}

fn assert_template_refused(extra: &str, line_of: &str, what: &str) {
    let (tmp, content) = with_record_template(extra);
    let out = tmp.path().join("out");
    let start = Instant::now();
    let (code, err) = build(&content, &out);
    assert!(start.elapsed() < Duration::from_secs(20), "too slow");
    assert_eq!(code, Some(1), "build exit code; stderr:\n{err}");
    let text = fs::read_to_string(content.join("templates/records/v2-rise.html")).expect("tpl");
    let line = text
        .lines()
        .position(|l| l.contains(line_of))
        .expect("needle line")
        + 1;
    assert!(
        err.contains(&format!("v2-rise.html:{line}:")),
        "no file:line ({line}) in:\n{err}"
    );
    assert!(err.contains(what), "`{what}` not in:\n{err}");
    assert!(
        !err.contains("\\n") && !err.contains("Error {"),
        "debug dump in:\n{err}"
    );
    // `check` reports what `build` refuses, located in the template.
    let (code, err) = run(&["check", "--content", content.to_str().expect("utf-8")]);
    assert_eq!(code, Some(1), "check exits 1\n{err}");
    assert!(err.contains("E030") && err.contains("records/"), "{err}");
}

#[test]
fn a_recursive_macro_is_an_error_not_a_crash() {
    assert_template_refused(
        "\n{% macro boom(n) %}{{ self::boom(n=n) }}{% endmacro boom %}{{ self::boom(n=1) }}\n",
        "macro boom",
        "recursion",
    );
}

#[test]
fn indirect_recursion_is_an_error_too() {
    assert_template_refused(
        "\n{% macro ping(n) %}{{ self::pong(n=n) }}{% endmacro ping %}\n{% macro pong(n) %}{{ self::ping(n=n) }}{% endmacro pong %}{{ self::ping(n=1) }}\n",
        "macro ping",
        "recursion",
    );
}

#[test]
fn an_unbounded_range_is_an_error_not_a_hang() {
    assert_template_refused(
        "\n{% for i in range(end=100000000) %}x{% endfor %}\n",
        "100000000",
        "range",
    );
    assert_template_refused(
        "\n{% for i in range(end=items | length * 100000) %}x{% endfor %}\n",
        "range(",
        "integer literal",
    );
    assert_template_refused(
        "\n{% for i in range(end=5000) %}{% for j in range(end=5000) %}x{% endfor %}{% endfor %}\n",
        "range(",
        "loops run more than",
    );
}

#[test]
fn a_template_syntax_error_names_file_line_and_column() {
    let (tmp, content) = with_record_template("\n{% if %}\n");
    let (code, err) = build(&content, &tmp.path().join("out"));
    assert_eq!(code, Some(1), "{err}");
    let text = fs::read_to_string(content.join("templates/records/v2-rise.html")).expect("tpl");
    let line = text.lines().count();
    assert!(err.contains(&format!("v2-rise.html:{line}:")), "{err}");
    assert!(!err.contains("\\n") && !err.contains("Error {"), "{err}");
}
