//! One copy for both editions and no number typed twice (#19): shared blocks
//! print the body's lines in the summary, a literal table typed in both
//! editions is a warning, and a company count changed in the data reaches
//! every sentence, note and table that quotes it.

mod common;

use common::*;
use planbook::publish::Edition;
use std::fs;
use std::path::Path;

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The text of the `<span class="v" data-key="KEY">` elements of a page.
fn quoted(html: &str, key: &str) -> Vec<String> {
    let pat = format!("data-key=\"{key}\">");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest[..rest.find('<').expect("closing tag")].to_string()
        })
        .collect()
}

#[test]
fn a_company_count_changed_in_the_data_reaches_sentence_note_and_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    // 20129 counts 9 companies: 10 makes the ceramics total 247 (246 before).
    let f = content.join("data/tables/iii2-cer.yaml");
    let before = read(&f);
    let changed = before.replacen(
        "{ id: k20129, ksic: \"20129\", depth: 1, values: { n: 9,",
        "{ id: k20129, ksic: \"20129\", depth: 1, values: { n: 10,",
        1,
    );
    assert_ne!(before, changed, "the 20129 row of iii2-cer-general");
    fs::write(&f, changed).expect("write");

    let out = dir.path().join("out");
    planbook::build_edition(&content, &out, Edition::Computed)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
    let body = read(&out.join("iii/iii-2.html"));
    // The III-2 sentence ("총 N개 기업으로 파악되며") and the 백분위수 source note.
    let sentence = body
        .find("KSIC 범위의 총 <span class=\"v\" data-key=\"iii2-cer-general.total.n\">247<")
        .is_some();
    assert!(sentence, "the III-2 sentence quotes 247");
    let note = body
        .find("중소기업 한정(<span class=\"v\" data-key=\"iii2-cer-general.total.n\">247<")
        .is_some();
    assert!(note, "the source note quotes 247");
    // The printed 249 stays with the sentence, as its erratum.
    assert!(quoted(&body, "iii2-cer-general.total.n")
        .iter()
        .all(|t| t == "247"));

    // The summary's typing table reads the same total (its 기업 수 column).
    for (edition, out) in [
        (Edition::Computed, out.clone()),
        (Edition::Published, dir.path().join("out-published")),
    ] {
        planbook::build_edition(&content, &out, edition)
            .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
        let csv = csv_rows(&out.join("tables/iii2-typing.csv"));
        assert_eq!(
            csv_cell(&csv, "cer", "▶ INPUT ◀ 분석모수 기업 수"),
            "247",
            "{edition:?}"
        );
        let summary = read(&out.join("summary/iii.html"));
        assert!(
            summary.contains("tables/iii2-typing.csv"),
            "the summary embeds iii2-typing"
        );
        let row = summary
            .split("<tr")
            .find(|r| r.contains("세라믹원료·소재") && r.contains(">14<"))
            .expect("the ceramics row of the typing table in the summary");
        assert!(row.contains(">247<"), "{edition:?}: {row}");
    }

    // The published edition keeps the seed's 249 in the sentence.
    let published = read(&dir.path().join("out-published/iii/iii-2.html"));
    assert!(quoted(&published, "iii2-cer-general.total.n")
        .iter()
        .any(|t| t == "249"));
}

#[test]
fn the_summary_prints_the_bodys_blocks_and_the_shipped_plan_types_no_table_twice() {
    let (content, _, diags) = planbook::analyse(&content_dir()).expect("the plan reads");
    assert!(
        !diags.items.iter().any(|d| d.code == "W006"),
        "{}",
        diags.render_human()
    );
    let embeds: usize = content
        .narratives
        .values()
        .map(|n| n.block_embeds().count())
        .sum();
    assert!(embeds >= 100, "{embeds} block embeds");

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    planbook::build(&content_dir(), &out)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
    // The body's III-2 criteria table, printed by the summary through its block.
    let body = read(&out.join("iii/iii-2.html"));
    let summary = read(&out.join("summary/iii.html"));
    let needle = "과제 경쟁률 강화";
    assert!(body.contains(needle) && summary.contains(needle));
    // The II-3 growth figures of the summary are the body's tables, not placeholders.
    let ii = read(&out.join("summary/ii.html"));
    for t in ["ii3-bio-growth", "ii3-cer-growth", "ii3-dh-growth"] {
        assert!(ii.contains(&format!("tables/{t}.csv")), "{t}");
    }
    assert!(!ii.contains("산업 및 육성 품목 성장성 — 제목 미표기"));
}

#[test]
fn a_table_typed_in_both_editions_is_a_warning_and_bad_blocks_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    // The summary types the IV-1 overview again instead of embedding it.
    let body = read(&content.join("chapters/IV/IV-1.md"));
    let start = body.find("::: block iv-1-b1\n").expect("block iv-1-b1") + 18;
    let len = body[start..].find("\n:::\n").expect("its end");
    let copy = body[start..start + len].to_string();
    let s = content.join("summary/IV-1.md");
    replace_in(&s, "{{block iv-1-b1}}", &copy);
    let (_, _, d) = planbook::analyse(&content).expect("still reads");
    let w: Vec<_> = d.items.iter().filter(|d| d.code == "W006").collect();
    assert!(!w.is_empty(), "{}", d.render_human());
    assert!(w.iter().all(|d| d
        .file
        .as_deref()
        .is_some_and(|f| f.ends_with("summary/IV-1.md"))));

    // An unknown block and a block that embeds itself are located errors.
    fs::write(&s, "{{block nope}}\n").expect("write");
    let err = planbook::analyse(&content)
        .expect_err("fails")
        .1
        .render_human();
    assert!(
        err.contains("error[E011]") && err.contains("unknown block `nope`"),
        "{err}"
    );
    fs::write(&s, "::: block loop\n{{block loop}}\n:::\n").expect("write");
    let err = planbook::analyse(&content)
        .expect_err("fails")
        .1
        .render_human();
    assert!(err.contains("block `loop` embeds itself"), "{err}");
    assert!(err.contains("IV-1.md:2:"), "{err}");
}
