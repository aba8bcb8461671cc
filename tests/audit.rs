//! The audit on the shipped plan and on a plan with one input changed: its
//! warnings are distinct roots, and a wrong input is reported once, with
//! every published figure that follows from it as a dependent, and marked
//! on exactly those figures.

mod common;

use common::{content_dir, copy_content, replace_in};
use planbook::validate::diagnostic::{Diagnostic, Severity};

fn findings(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|x| x.code == "W001").collect()
}

fn marks(files: &[planbook::render::OutFile], path: &str) -> usize {
    let f = files.iter().find(|f| f.path == path).expect("page");
    String::from_utf8_lossy(&f.bytes)
        .matches("class=\"erratum\"")
        .count()
}

/// A diagnostic's file inside its plan folder, wherever the folder is.
fn tail(f: &Option<String>) -> Option<&str> {
    let f = f.as_deref()?;
    ["data/", "chapters/", "summary/"]
        .iter()
        .filter_map(|d| f.find(d).map(|i| &f[i..]))
        .next()
}

#[test]
fn the_shipped_plan_has_its_errata_acknowledged_and_at_most_30_roots() {
    let (_, _, d) = planbook::analyse(&content_dir()).expect("valid");
    let warnings = d.count(Severity::Warning);
    assert_eq!(warnings, 0, "every erratum of the seed is acknowledged");
    let all: Vec<_> = d.items.iter().filter(|x| x.code == "A001").collect();
    assert!(all
        .iter()
        .all(|x| x.reason.as_deref().is_some_and(|r| r.contains("원본 L"))));
    // The roots are those of the figure audit; a count the text states
    // against its list (W008's erratum) names no figure.
    let accepted: Vec<_> = all.iter().filter(|x| x.figure.is_some()).collect();
    assert!(
        (1..=30).contains(&accepted.len()),
        "{} accepted errata",
        accepted.len()
    );
    let counts: Vec<_> = all.iter().filter(|x| x.figure.is_none()).collect();
    assert_eq!(
        counts.len(),
        1,
        "the RISE heading's 13 단위과제: {counts:#?}"
    );
    assert!(counts[0].message.contains("counts 13") && counts[0].message.contains("lists 12"));
    // Each acknowledged one is a root: no A001 depends on another finding.
    assert!(accepted.iter().all(|x| x.root.is_none()));
}

#[test]
fn one_wrong_input_is_one_root_with_its_dependents_and_their_marks() {
    let dir = tempfile::tempdir().expect("tmp");
    let before = planbook::build(&content_dir(), &dir.path().join("a")).expect("build");
    let content = copy_content(dir.path());
    // 천연물바이오소재's 2023 jobs result, 25.44 in the seed, typed as 20.44.
    replace_in(
        &content.join("data/performance.yaml"),
        "result: { last: 25.44, earlier: 40.50 }",
        "result: { last: 20.44, earlier: 40.50 }",
    );
    let after = planbook::build(&content, &dir.path().join("b")).expect("build");
    let new: Vec<&Diagnostic> = findings(&after.diagnostics.items)
        .into_iter()
        .filter(|x| {
            !findings(&before.diagnostics.items)
                .iter()
                .any(|y| y.figure == x.figure && tail(&y.file) == tail(&x.file) && y.line == x.line)
        })
        .collect();
    let roots: Vec<_> = new
        .iter()
        .filter(|x| x.severity == Severity::Warning)
        .collect();
    assert_eq!(roots.len(), 1, "one root: {roots:#?}");
    let root = roots[0];
    assert!(
        root.help
            .as_deref()
            .is_some_and(|h| h.contains("rnd-spec-main-bio") && h.contains("20.44")),
        "the root names the input: {:?}",
        root.help
    );
    let deps = new.len() - 1;
    assert!(deps >= 4, "{deps} dependents");
    assert_eq!(root.dependents, deps, "the root counts its dependents");
    assert!(new
        .iter()
        .filter(|x| x.severity == Severity::Note)
        .all(|x| x.root.is_some()));
    // No erratum of the seed became consistent by the change…
    let all = |d: &[Diagnostic]| -> Vec<(Option<String>, Option<usize>)> {
        d.iter()
            .filter(|x| matches!(x.code, "W001" | "A001"))
            .map(|x| (x.figure.clone(), x.line))
            .collect()
    };
    let (a, b) = (
        all(&before.diagnostics.items),
        all(&after.diagnostics.items),
    );
    assert!(a.iter().all(|x| b.contains(x)), "the seed's errata stay");
    // …so the marks added are exactly those figures (tables and sentences).
    assert_eq!(
        marks(&after.files, "print.html") - marks(&before.files, "print.html"),
        new.len(),
        "one errata mark per figure that follows from the input"
    );
}

#[test]
fn a_direction_word_against_the_sign_of_its_figure_is_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let content = copy_content(dir.path());
    // 세라믹 사업체수 CAGR, printed 7.45 %: "↑" in the seed, here "↓".
    replace_in(
        &content.join("chapters/II/II-3-2.md"),
        "사업체수({{val ii3-cer-growth.gw-sum.est_cagr}}%↑)",
        "사업체수({{val ii3-cer-growth.gw-sum.est_cagr}}%↓)",
    );
    let (_, _, d) = planbook::analyse(&content).expect("valid");
    let w: Vec<_> = d.items.iter().filter(|x| x.code == "W007").collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].message.contains("a decrease") && w[0].message.contains("7.45"));
    assert!(w[0]
        .file
        .as_deref()
        .is_some_and(|f| f.ends_with("chapters/II/II-3-2.md")));
    // The shipped plan states every direction as its figures go.
    let (_, _, d) = planbook::analyse(&content_dir()).expect("valid");
    assert!(d.items.iter().all(|x| x.code != "W007"));
}

#[test]
fn a_count_the_text_states_against_the_items_listed_is_a_located_warning() {
    let w008 = |content: &std::path::Path| -> Vec<(Option<String>, Option<usize>, String)> {
        let (_, _, d) = planbook::analyse(content).expect("valid");
        d.items
            .iter()
            .filter(|x| x.code == "W008")
            .map(|x| (tail(&x.file).map(str::to_string), x.line, x.message.clone()))
            .collect()
    };
    // The shipped plan's counts agree with their lists (the RISE heading's
    // is an accepted erratum).
    assert!(w008(&content_dir()).is_empty());
    let dir = tempfile::tempdir().expect("tmp");
    let content = copy_content(dir.path());
    // One of the five ★ items (seed L4695) of 디지털헬스케어's roadmap unstarred:
    // the sentence's "5개 세부품목" under the table no longer agrees.
    replace_in(
        &content.join("chapters/III/III-2-3.md"),
        "| ★ 라이프로그 빅데이터",
        "| 라이프로그 빅데이터",
    );
    let got = w008(&content);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0.as_deref(), Some("chapters/III/III-2-3.md"));
    assert_eq!(got[0].1, Some(203));
    assert!(
        got[0].2.contains("counts 5") && got[0].2.contains("lists 4"),
        "{}",
        got[0].2
    );
    // The count printed wrong instead of the list: "강원 (8)" over 8 대학.
    let dir = tempfile::tempdir().expect("tmp");
    let content = copy_content(dir.path());
    replace_in(
        &content.join("chapters/V/V-3.md"),
        "{{count this printed=\"8\"}}",
        "{{count this printed=\"7\"}}",
    );
    let got = w008(&content);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].0.as_deref(), got[0].1),
        (Some("chapters/V/V-3.md"), Some(27))
    );
    assert!(got[0].2.contains("counts 7") && got[0].2.contains("lists 8"));
}

/// The text of the built page at `path`.
fn page(files: &[planbook::render::OutFile], path: &str) -> String {
    let f = files.iter().find(|f| f.path == path).expect("page");
    String::from_utf8_lossy(&f.bytes).into_owned()
}

#[test]
fn the_pages_show_the_published_figures_marked_where_inconsistent() {
    let dir = tempfile::tempdir().expect("tmp");
    let built = planbook::build(&content_dir(), &dir.path().join("o")).expect("build");
    let print = page(&built.files, "print.html");
    let mark = "<sup class=\"erratum\" title=\"계산값 ";
    // 천연물 ① 생산액 CAGR: 8.90 as printed, consistent with the rounded inputs.
    assert!(print.contains("<td>8.90</td>"), "8.90 unmarked");
    // R&D 2023 성과 111.35 against its rows' 105.25, marked.
    assert!(print.contains(&format!("111.35{mark}105.25\"")));
    // 세라믹 TOTAL 249 against 246 companies listed, in the table and the sentence.
    assert!(print.contains(&format!("<td>249{mark}246\"")));
    assert!(print.contains(&format!(
        "data-key=\"iii2-cer-general.total.n\">249{mark}246\""
    )));
    // The III-1 sentences keep 1.39 / 1.33 and "5.54 … 5.12", each marked.
    for (key, printed) in [
        ("perf-review-jobs.total.rp_last", "1.39"),
        ("perf-review-jobs.total.rp_avg", "1.33"),
        ("perf-review-sales.nonrnd.rt_last", "5.54"),
        ("perf-review-sales.nonrnd.rp_last", "5.12"),
    ] {
        assert!(
            print.contains(&format!("data-key=\"{key}\">{printed}{mark}")),
            "{key} {printed} kept and marked"
        );
    }
    // The errata page lists the roots with the seed's reasons.
    let errata = page(&built.files, "errata.html");
    assert!(
        errata.contains("원본 L3591"),
        "the R&D root with its reason"
    );
}

#[test]
fn a_share_whose_parts_sit_in_another_table_is_checked_as_printed() {
    // The VI-1-1 caption prints 기초 59 %, 고도화1 34 %, 고도화2 7 % of the
    // companies the yearly table lists (130, 74 and 15 of 219); the shares
    // are computed from that table, in vi1-sf-type-share.
    let dir = tempfile::tempdir().expect("tmp");
    let content = copy_content(dir.path());
    let at_caption = |d: &[Diagnostic]| -> Vec<String> {
        findings(d)
            .into_iter()
            .filter(|x| tail(&x.file) == Some("chapters/VI/VI-1-1.md") && x.line == Some(75))
            .filter_map(|x| x.figure.clone())
            .collect()
    };
    let (_, _, d) = planbook::analyse(&content).expect("valid");
    assert!(at_caption(&d.items).is_empty(), "consistent as shipped");
    // 고도화1 of 2019 typed as 46 instead of 26: the table's printed totals
    // and the caption's shares no longer follow.
    replace_in(
        &content.join("data/tables/vi-1-smart-factory.yaml"),
        "{ id: adv1, label: 고도화1, values: [26, 11, 11, 9, 8, 9] }",
        "{ id: adv1, label: 고도화1, values: [46, 11, 11, 9, 8, 9] }",
    );
    let (_, _, d) = planbook::analyse(&content).expect("valid");
    let got = at_caption(&d.items);
    assert_eq!(got.len(), 3, "{got:?}");
    for key in ["basic", "adv1", "adv2"] {
        assert!(
            got.iter()
                .any(|f| f.contains(&format!("vi1-sf-type-share.{key}.share"))),
            "{key}: {got:?}"
        );
    }
}
