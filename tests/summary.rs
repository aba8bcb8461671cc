//! The summary edition and the consultation-feedback tracker, from the same content.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn build(content: &Path, out: &Path) -> planbook::Built {
    planbook::build(content, out)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()))
}

/// Computed values shown on the pages under `dir`: key → text.
fn shown_values(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                let html = fs::read_to_string(&p).expect("read");
                for part in html.split("<span class=\"v\" data-key=\"").skip(1) {
                    let (key, rest) = part.split_once("\">").expect("key");
                    let text = rest.split("</span>").next().expect("text");
                    out.entry(key.to_string())
                        .or_default()
                        .push(text.to_string());
                }
            }
        }
    }
    out
}

fn with_summary_and_feedback(dir: &Path) -> std::path::PathBuf {
    let content = copy_content(dir);
    fs::create_dir_all(content.join("summary")).expect("mkdir");
    fs::write(
        content.join("summary/VIII-2.md"),
        "- ◆ 총 {{val budget.total.total_cur}}억원 투자 계획\n\n{{table budget-plan}}\n",
    )
    .expect("write");
    fs::create_dir_all(content.join("data/feedback")).expect("mkdir");
    fs::write(
        content.join("data/feedback/test-fb.yaml"),
        "id: test-fb\ntitle: 반영표\nitems:\n  - target: VIII-2\n    opinions: [목표치 상향 검토]\n    responses:\n      - { status: 수정 반영, text: 목표 상향, sections: [VIII-2] }\n      - { status: 미반영, text: 유지 }\n  - target: II-1\n    responses:\n      - { status: 기반영, text: 시사점 제시, sections: [II-1] }\n",
    )
    .expect("write");
    fs::create_dir_all(content.join("front")).expect("mkdir");
    fs::write(content.join("front/feedback.md"), "{{feedback test-fb}}\n").expect("write");
    content
}

#[test]
fn the_summary_links_to_the_body_and_shows_the_same_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = with_summary_and_feedback(dir.path());
    let out = dir.path().join("output");
    build(&content, &out);
    let page = fs::read_to_string(out.join("summary/viii.html")).expect("summary page");
    assert!(
        page.contains("href=\"../viii/viii-2.html#sec-viii-2\""),
        "links to the main-body section"
    );
    assert!(
        page.contains("id=\"tbl-budget-plan\""),
        "the same table view, rendered again"
    );
    let index = fs::read_to_string(out.join("summary/index.html")).expect("summary index");
    assert!(index.contains("href=\"../summary/viii.html#sum-viii-2\""));
    assert!(out.join("summary/print.html").is_file());
    let main = shown_values(&out);
    let summary = shown_values(&out.join("summary"));
    assert!(summary.contains_key("budget.total.total_cur"));
    for (k, v) in &summary {
        let all = &main[k];
        assert!(
            all.iter().all(|x| x == &v[0]),
            "{k} differs between editions: {all:?}"
        );
    }
}

#[test]
fn feedback_rows_link_sections_count_statuses_and_mark_revised_sections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = with_summary_and_feedback(dir.path());
    let out = dir.path().join("output");
    build(&content, &out);
    let fb = fs::read_to_string(out.join("front/feedback.html")).expect("feedback page");
    assert!(fb.contains("<span class=\"status\">(수정 반영)</span>"));
    assert!(fb.contains("href=\"../viii/viii-2.html#sec-viii-2\">Ⅷ-2</a>"));
    assert!(fb.contains("<th scope=\"col\">수정 반영</th><th scope=\"col\">기반영</th><th scope=\"col\">미반영</th>"));
    assert!(
        fb.contains("<td>1</td><td>1</td><td>1</td><td>3</td>"),
        "counts by status and total"
    );
    let viii2 = fs::read_to_string(out.join("viii/viii-2.html")).expect("page");
    assert!(
        viii2.contains("<span class=\"mark-consult\">컨설팅 반영</span>"),
        "수정 반영 marks the section"
    );
    let ii1 = fs::read_to_string(out.join("ii/ii-1.html")).expect("page");
    assert!(!ii1.contains("mark-consult\">"), "기반영 does not");
}

#[test]
fn bad_feedback_is_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = with_summary_and_feedback(dir.path());
    let f = content.join("data/feedback/test-fb.yaml");
    replace_in(&f, "status: 미반영", "status: 반영됨");
    let err = planbook::analyse(&content)
        .expect_err("fails")
        .1
        .render_human();
    assert!(
        err.contains("error[E003]") && err.contains("test-fb.yaml:8:"),
        "{err}"
    );
    replace_in(&f, "status: 반영됨", "status: 미반영");
    replace_in(&f, "sections: [II-1]", "sections: [II-9]");
    let err = planbook::analyse(&content)
        .expect_err("fails")
        .1
        .render_human();
    assert!(
        err.contains("error[E011]") && err.contains("II-9") && err.contains("test-fb.yaml:11:"),
        "{err}"
    );
    replace_in(&f, "sections: [II-9]", "sections: [II-1]");
    fs::write(content.join("front/feedback.md"), "{{feedback nope}}\n").expect("write");
    let err = planbook::analyse(&content)
        .expect_err("fails")
        .1
        .render_human();
    assert!(err.contains("unknown feedback table `nope`"), "{err}");
}

#[test]
fn the_embedded_plan_builds_both_editions_with_equal_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&content_dir(), &out);
    if !out.join("summary").is_dir() {
        return; // no summary written yet: nothing to compare
    }
    let main = shown_values(&out);
    for (k, v) in shown_values(&out.join("summary")) {
        assert!(
            main[&k].iter().all(|x| x == &v[0]),
            "{k}: {:?} vs {:?}",
            main[&k],
            v
        );
    }
}

#[test]
fn the_seed_feedback_table_counts_as_published() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&content_dir(), &out);
    let fb = fs::read_to_string(out.join("front/feedback.html")).expect("feedback page");
    let counts = fb
        .split("<table class=\"fb-counts\">")
        .nth(1)
        .expect("counts table");
    let heads: Vec<&str> = counts
        .split("<th scope=\"col\">")
        .skip(1)
        .map(|h| h.split('<').next().unwrap_or(""))
        .collect();
    let cells: Vec<&str> = counts
        .split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or(""))
        .collect();
    let got: BTreeMap<&str, &str> = heads.into_iter().zip(cells).collect();
    for (status, n) in [
        ("수정 반영", "24"),
        ("기반영", "6"),
        ("미반영", "7"),
        ("중장기 반영", "4"),
        ("일부 기반영 및 중장기 검토 예정", "2"),
        ("확인 반영 및 중장기 검토 예정", "1"),
        ("일부 수정 반영", "1"),
    ] {
        assert_eq!(got.get(status).copied(), Some(n), "{status}");
    }
    assert!(!fb.contains("R&D"), "text is escaped (R&amp;D)");
}
