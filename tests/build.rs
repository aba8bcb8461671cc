//! Builds the embedded 2025 plan and checks what a reader would check.

mod common;

use common::*;
use planbook::numfmt::{parse_printed, Printed};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn build(out: &Path) -> planbook::Built {
    planbook::build(&content_dir(), out)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()))
}

#[test]
fn index_links_every_chapter_section_and_item_and_print_holds_them_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&out);
    let index = fs::read_to_string(out.join("index.html")).expect("index");
    let print = fs::read_to_string(out.join("print.html")).expect("print");
    let plan: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(content_dir().join("plan.yaml")).expect("plan"))
            .expect("yaml");
    let mut titles = Vec::new();
    let mut count = 0;
    for ch in plan["chapters"].as_array().expect("chapters") {
        let cid = ch["id"].as_str().expect("id").to_lowercase();
        assert!(
            index.contains(&format!("href=\"{cid}/index.html\"")),
            "index links chapter {cid}"
        );
        titles.push(ch["title"].as_str().expect("title").to_string());
        for s in ch["sections"].as_array().expect("sections") {
            let sid = s["id"].as_str().expect("id").to_lowercase();
            let url = format!("{cid}/{sid}.html");
            assert!(
                index.contains(&format!("href=\"{url}\"")),
                "index links section {sid}"
            );
            assert!(out.join(&url).is_file(), "{url} exists");
            titles.push(s["title"].as_str().expect("title").to_string());
            count += 1;
            for it in s["items"].as_array().into_iter().flatten() {
                let no = it["no"].as_str().expect("no");
                assert!(
                    index.contains(&format!("href=\"{url}#sec-{sid}-{no}\"")),
                    "index links item {sid} {no}"
                );
                titles.push(it["title"].as_str().expect("title").to_string());
                count += 1;
            }
        }
    }
    assert!(
        count >= 50,
        "the outline has the seed's {count} sections and items"
    );
    let mut pos = 0;
    for t in &titles {
        let t = t.replace('&', "&amp;");
        let found = print[pos..]
            .find(&t)
            .unwrap_or_else(|| panic!("print.html holds `{t}` after position {pos}"));
        pos += found;
    }
}

#[test]
fn an_unwritten_section_shows_its_place_and_a_pending_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    fs::remove_file(content.join("chapters/VII/VII-2.md")).expect("rm");
    // Its summary prints the blocks that file defines: it goes too.
    fs::remove_file(content.join("summary/VII-2.md")).expect("rm");
    let out = dir.path().join("output");
    planbook::build(&content, &out).unwrap_or_else(|(_, d)| panic!("{}", d.render_human()));
    let page = fs::read_to_string(out.join("vii/vii-2.html")).expect("page");
    assert!(page.contains("<p class=\"pending\" role=\"note\">작성 예정</p>"));
    assert!(page.contains("Ⅶ-2 성과활용·확산계획"), "its title");
    assert!(
        page.contains("href=\"../vii/index.html\""),
        "its place in the outline"
    );
    let index = fs::read_to_string(out.join("index.html")).expect("index");
    assert!(index.contains("성과활용·확산계획</a> <span class=\"pending-tag\">작성 예정</span>"));
}

/// Seed table cells as printed: the last nine tab-separated cells of a row.
fn seed_rows(name: &str) -> Vec<Vec<String>> {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture");
    text.lines()
        .map(|l| {
            let mut cells: Vec<String> = l
                .split('\t')
                .map(|c| c.replace("<b>", "").replace("</b>", "").trim().to_string())
                .collect();
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            cells[cells.len() - 9..].to_vec()
        })
        .collect()
}

fn same_at_printed_precision(ours: &str, seed: &str) -> bool {
    match (parse_printed(ours), parse_printed(seed)) {
        (Some(Printed::Missing), Some(Printed::Missing)) => true,
        (
            Some(Printed::Num {
                value: a,
                paren: pa,
                ..
            }),
            Some(Printed::Num {
                value: b,
                dp,
                paren: pb,
            }),
        ) => {
            let r = |v: rust_decimal::Decimal, dp| planbook::calc::round_half_up(v, dp);
            r(a, dp) == b
                && match (pa, pb) {
                    (_, None) => true,
                    (Some((x, _)), Some((y, ydp))) => r(x, ydp) == y,
                    _ => false,
                }
        }
        _ => false,
    }
}

#[test]
fn viii2_tables_reproduce_the_seed_except_where_check_reports_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let built = build(&out);
    let mut mismatches = BTreeSet::new();
    for (table, fixture) in [
        ("budget-plan", "seed_viii2_budget.tsv"),
        ("budget-sales", "seed_viii2_sales.tsv"),
        ("budget-jobs", "seed_viii2_jobs.tsv"),
    ] {
        let ours = csv_rows(&out.join(format!("tables/{table}.csv")));
        let seed = seed_rows(fixture);
        assert_eq!(
            ours.len() - 1,
            seed.len(),
            "{table}: one CSV row per printed row"
        );
        let mut cells = 0;
        for (o, s) in ours[1..].iter().zip(&seed) {
            for (i, (a, b)) in o[3..].iter().zip(s).enumerate() {
                cells += 1;
                if !same_at_printed_precision(a, b) {
                    // Column ids in CSV order.
                    let col = ours[0][3 + i].clone();
                    mismatches.insert((table.to_string(), o[0].clone(), col, b.clone(), a.clone()));
                }
            }
        }
        assert_eq!(cells, 32 * 9, "{table}: every printed cell compared");
    }
    // The only differences are the seed's own slips, and check reports each of them.
    let expected: BTreeSet<(String, String, String, String, String)> = [
        ("budget-plan", "rnd-lead", "증감 국비", "17.330", "17.325"),
        ("budget-plan", "rnd-lead", "증감 지방비", "7.430", "7.425"),
        ("budget-plan", "total", "증감 지방비", "0.96", "0.965"),
        // tp-equip's '24 budget printed 0.00 in budget-jobs and "-" in
        // budget-sales is no slip: a dash and a zero are the same figure.
    ]
    .iter()
    .map(|(a, b, c, d, e)| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
        )
    })
    .collect();
    // The CSV carries the figures as published, the seed's slips included;
    // each slip is reported and marked on the page with the computed value.
    assert!(
        mismatches.is_empty(),
        "printed figures as printed: {mismatches:?}"
    );
    let page = fs::read_to_string(out.join("viii/viii-2.html")).expect("page");
    for (_, _, _, _, computed) in &expected {
        assert!(
            page.contains(&format!("title=\"계산값 {computed}\"")),
            "the slip computed as {computed} is marked"
        );
    }
    let warnings: Vec<_> = built
        .diagnostics
        .items
        .iter()
        .filter(|d| {
            // Reported: a warning, or an erratum the data acknowledges.
            matches!(d.code, "W001" | "A001")
                && d.root.is_none()
                && d.file
                    .as_deref()
                    .is_some_and(|f| f.ends_with("data/budget.yaml"))
        })
        .collect();
    assert_eq!(
        warnings.len(),
        expected.len(),
        "check reports exactly those places"
    );
    for w in warnings {
        assert_eq!(
            w.file
                .as_deref()
                .map(|f| f.ends_with("content/data/budget.yaml")),
            Some(true)
        );
        assert!(w.line.is_some_and(|l| l > 1) && w.column.is_some());
    }
}

#[test]
fn narrative_values_come_from_the_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&out);
    let viii1 = fs::read_to_string(out.join("viii/viii-1.html")).expect("page");
    for md in ["chapters/VIII/VIII-1-1.md", "chapters/VIII/VIII-2-1.md"] {
        let text = fs::read_to_string(content_dir().join(md)).expect("md");
        for typed in ["146.12", "101.195", "65.67", "89.02", "4.61"] {
            assert!(
                !text.contains(typed),
                "{md} types {typed} instead of computing it"
            );
        }
    }
    let viii2 = fs::read_to_string(out.join("viii/viii-2.html")).expect("page");
    for (page, figure) in [
        (&viii1, "65.67"),
        (&viii1, "34.35"),
        (&viii1, "31.32"),
        (&viii1, "14.90"),
        (&viii2, "146.12"),
        (&viii2, "101.195"),
        (&viii2, "44.925"),
        (&viii2, "37.245"),
        (&viii2, "7.68"),
        (&viii2, "89.02"),
        (&viii2, "60.145"),
        (&viii2, "28.875"),
        (&viii2, "22.35"),
        (&viii2, "8.37"),
        (&viii2, "4.61"),
        (&viii2, "2.20"),
    ] {
        // A computed value is a span carrying its key; the figure is not typed in the Markdown.
        let span = format!(">{figure}</span>");
        assert!(
            page.contains(&span),
            "narrative shows {figure} as a computed value"
        );
    }
    assert!(viii2.contains("4.38 (4.61)*"), "the footnoted 비R&D ROI");
    assert!(viii2.contains(
        "<표 Ⅷ-1>"
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .as_str()
    ));
    assert!(viii2.contains("[그림 Ⅷ-1]"));
}

#[test]
fn changing_one_input_changes_every_dependent_figure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    // 잠재기업 '25 국비 8.21 → 9.21
    replace_in(
        &content.join("data/budget.yaml"),
        "2025: { gov: 8.21, local: 0.79,",
        "2025: { gov: 9.21, local: 0.79,",
    );
    // The corrected edition follows the data everywhere; the published one
    // keeps every printed figure and marks exactly those that now disagree.
    let out = dir.path().join("output");
    let built = planbook::build_edition(&content, &out, planbook::publish::Edition::Computed)
        .unwrap_or_else(|(_, d)| panic!("{}", d.render_human()));
    let published_out = dir.path().join("published");
    planbook::build(&content, &published_out)
        .unwrap_or_else(|(_, d)| panic!("{}", d.render_human()));
    let computed_csv = csv_rows(&out.join("tables/budget-plan.csv"));
    let published_csv = csv_rows(&published_out.join("tables/budget-plan.csv"));
    let mut differ = Vec::new();
    for (c, p) in computed_csv.iter().zip(&published_csv).skip(1) {
        for (a, b) in c.iter().zip(p) {
            let figures = parse_printed(a).is_some() && parse_printed(b).is_some();
            if figures && !same_at_printed_precision(a, b) {
                differ.push(format!("계산값 {a}"));
            }
        }
    }
    assert!(
        differ.contains(&"계산값 147.12".to_string()),
        "the printed 146.12 no longer holds: {differ:?}"
    );
    let page = fs::read_to_string(published_out.join("viii/viii-2.html")).expect("page");
    let figure = page
        .split("<figure")
        .find(|f| f.contains("tables/budget-plan.csv"))
        .expect("the budget-plan table on its page");
    let marks: Vec<&str> = figure
        .split("<sup class=\"erratum\" title=\"")
        .skip(1)
        .filter_map(|m| m.split('"').next())
        .collect();
    let mut want = differ.clone();
    want.sort();
    let mut got: Vec<String> = marks.iter().map(|m| m.to_string()).collect();
    got.sort();
    assert_eq!(got, want, "a mark on exactly the figures that differ");
    let plan = computed_csv;
    assert_eq!(csv_cell(&plan, "ladder-potential", "'25년도 합계"), "10.00");
    assert_eq!(csv_cell(&plan, "ladder", "'25년도 합계"), "20.42");
    assert_eq!(csv_cell(&plan, "nonrnd", "'25년도 국비"), "73.92");
    assert_eq!(csv_cell(&plan, "total", "'25년도 합계"), "147.12");
    assert_eq!(csv_cell(&plan, "total", "증감 합계"), "△8.02");
    let jobs = csv_rows(&out.join("tables/budget-jobs.csv"));
    // 29.25 / 10.00
    assert_eq!(
        csv_cell(&jobs, "ladder-potential", "'25년도 1억원당"),
        "2.93"
    );
    assert_eq!(csv_cell(&jobs, "ladder-potential", "증감 1억원당"), "0.08");
    // 229.18 / 128.27
    assert_eq!(csv_cell(&jobs, "core", "'25년도 1억원당"), "1.79");
    let page = fs::read_to_string(out.join("viii/viii-2.html")).expect("page");
    assert!(
        page.contains(">147.12</span>억원"),
        "KEY POINT follows the data"
    );
    assert!(page.contains(">102.195</span>"));
    assert!(page.contains(">90.02</span>"), "시군구 제외 기준 follows");
    let chart = fs::read_to_string(out.join("charts/budget-by-programme.svg")).expect("svg");
    assert!(
        chart.contains("\n20.42\n"),
        "the chart's 성장사다리 bar follows"
    );
    // The published figures that no longer hold are reported.
    assert!(built
        .diagnostics
        .items
        .iter()
        .any(|d| d.code == "W001" && d.message.contains("`total` total_cur is 146.12")));
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let fa = build(&a).files;
    let fb = build(&b).files;
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.path, y.path);
        let on_disk_a = fs::read(a.join(&x.path)).expect("read a");
        let on_disk_b = fs::read(b.join(&y.path)).expect("read b");
        assert!(on_disk_a == on_disk_b, "{} differs between builds", x.path);
    }
    // A rebuild takes the web fonts of the output it replaces, where its
    // rules vouch for them, and makes anew what was changed since.
    let font = a.join("assets/fonts/NanumSquare-R.woff2");
    for touch in [false, true] {
        if touch {
            let mut bytes = fs::read(&font).expect("font");
            bytes.truncate(bytes.len() / 2);
            fs::write(&font, bytes).expect("touch the font");
        }
        build(&a);
        for y in &fb {
            let on_disk_a = fs::read(a.join(&y.path)).expect("read a");
            let on_disk_b = fs::read(b.join(&y.path)).expect("read b");
            assert!(on_disk_a == on_disk_b, "{} differs after a rebuild", y.path);
        }
    }
}

#[test]
fn every_table_and_chart_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&out);
    for t in ["budget-plan", "budget-sales", "budget-jobs"] {
        let bytes = fs::read(out.join(format!("tables/{t}.csv"))).expect("csv");
        assert!(
            bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
            "{t}.csv has a UTF-8 BOM"
        );
    }
    for c in ["budget-by-programme", "budget-roi"] {
        let svg = fs::read_to_string(out.join(format!("charts/{c}.svg"))).expect("svg");
        assert!(svg.contains("<title") && svg.contains("<desc") && !svg.contains("NaN"));
        assert!(svg.contains("시군구연고산업육성"));
    }
    for f in [
        "assets/style.css",
        "assets/print.css",
        "assets/fonts/NanumSquare-R.woff2",
        "assets/fonts/NanumSquare-B.woff2",
        "assets/fonts/LICENSE-NanumSquare.txt",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // Every face the style sheet loads is there, and a page of the plan loads
    // at most 400 KB of fonts (issue #18; the whole faces were 1.46 MB).
    let style = fs::read_to_string(out.join("assets/style.css")).expect("style");
    let mut total = 0;
    for url in style.split("url(\"fonts/").skip(1) {
        let name = url.split('"').next().expect("url");
        let len = fs::metadata(out.join("assets/fonts").join(name))
            .unwrap_or_else(|_| panic!("{name} is loaded but not written"))
            .len();
        total += len;
    }
    assert!(style.matches("@font-face").count() >= 2);
    assert!(total <= 400_000, "{total} bytes of fonts");
}

#[test]
fn renaming_a_ksic_code_renames_it_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    replace_in(
        &content.join("data/records/ksic.yaml"),
        "name: 기타 기초 무기화학 물질 제조업",
        "name: 기타 기초 무기화학물질 제조업(개칭)",
    );
    let out = dir.path().join("output");
    planbook::build(&content, &out).unwrap_or_else(|(_, d)| panic!("{}", d.render_human()));
    // The II-3 listing, the III-2 table, 붙임 3, the summary and the CSV.
    for page in [
        "ii/ii-3.html",
        "iii/iii-2.html",
        "attachments/a3.html",
        "summary/ii.html",
        "tables/iii2-cer-general.csv",
    ] {
        let text = fs::read_to_string(out.join(page)).expect("page");
        assert!(text.contains("무기화학물질 제조업(개칭)"), "{page}");
        assert!(!text.contains("기타 기초 무기화학 물질 제조업"), "{page}");
    }
}

/// The sidebar's outline is written once (assets/toc.js), not into every
/// page: a section page links only its neighbours, its chapter and the
/// contents, and loads the outline script.
#[test]
fn the_outline_is_one_script_and_a_section_page_does_not_hold_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&out);
    let toc = fs::read_to_string(out.join("assets/toc.js")).expect("toc.js");
    let page = fs::read_to_string(out.join("viii/viii-1.html")).expect("page");
    for url in [
        "i/i-1.html",
        "iii/iii-2.html",
        "v/v-6.html",
        "attachments/a1.html",
    ] {
        assert!(
            toc.contains(&format!("\"u\":\"{url}\"")),
            "toc.js has {url}"
        );
        assert!(!page.contains(url), "viii-1 does not link {url}");
    }
    assert!(page.contains("src=\"../assets/toc.js\""));
    assert!(
        page.contains("href=\"../index.html#toc-title\""),
        "the link without JavaScript"
    );
    let summary = fs::read_to_string(out.join("summary/iii.html")).expect("summary page");
    assert!(summary.contains("src=\"../assets/toc-summary.js\""));
    assert!(out.join("assets/toc-summary.js").is_file());
}

/// What sharing a link expects: a description from the page's first
/// sentence, Open Graph, a favicon, a 404 page; a sitemap and canonical links
/// only with a base URL, and relative links otherwise.
#[test]
fn pages_carry_a_description_and_a_base_url_adds_canonical_links_and_a_sitemap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    build(&out);
    let page = fs::read_to_string(out.join("viii/viii-2.html")).expect("page");
    assert!(
        page.contains("<meta name=\"description\" content=\"총 146.12억원(국비 101.195억원"),
        "first sentence"
    );
    assert!(page.contains("<meta property=\"og:title\" content=\"Ⅷ-2 예산투자대비 성과목표"));
    assert!(page.contains("<meta property=\"og:description\""));
    assert!(page.contains("href=\"../assets/favicon.svg\""));
    assert!(out.join("assets/favicon.svg").is_file());
    assert!(out.join("404.html").is_file());
    assert!(
        !out.join("sitemap.xml").exists(),
        "no sitemap without a base URL"
    );
    assert!(!page.contains("rel=\"canonical\"") && !page.contains("https://"));

    let out2 = dir.path().join("output2");
    let opts = planbook::render::RenderOptions {
        base_url: Some(
            planbook::render::share::parse_base_url("https://example.org/plan").expect("url"),
        ),
        ..Default::default()
    };
    planbook::build_with(
        &content_dir(),
        &out2,
        opts,
        planbook::publish::Edition::Published,
    )
    .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
    let page = fs::read_to_string(out2.join("viii/viii-2.html")).expect("page");
    assert!(page
        .contains("<link rel=\"canonical\" href=\"https://example.org/plan/viii/viii-2.html\">"));
    assert!(
        page.contains("href=\"../assets/style.css\""),
        "links stay relative"
    );
    let map = fs::read_to_string(out2.join("sitemap.xml")).expect("sitemap");
    assert!(map.contains("<loc>https://example.org/plan/viii/viii-2.html</loc>"));
    assert!(!map.contains("404.html"));
    let missing = fs::read_to_string(out2.join("404.html")).expect("404");
    assert!(missing.contains("<base href=\"https://example.org/plan/\">"));
}

/// `base_url` in plan.yaml does what `--base-url` does; a bad one is a
/// located error.
#[test]
fn a_base_url_in_plan_yaml_gives_the_sitemap_and_a_bad_one_is_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let plan = content.join("plan.yaml");
    replace_in(
        &plan,
        "  classification: 공개용\n",
        "  classification: 공개용\n  base_url: https://example.org/gw\n",
    );
    let out = dir.path().join("output");
    planbook::build(&content, &out).unwrap_or_else(|(_, d)| panic!("{}", d.render_human()));
    let map = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap");
    assert!(map.contains("<loc>https://example.org/gw/viii/viii-2.html</loc>"));
    replace_in(
        &plan,
        "base_url: https://example.org/gw",
        "base_url: example.org/gw",
    );
    let Err((_, d)) = planbook::build(&content, &dir.path().join("output2")) else {
        panic!("a base URL without a scheme builds");
    };
    let text = d.render_human();
    assert!(
        text.contains("E003") && text.contains("edition.base_url"),
        "{text}"
    );
    let line = fs::read_to_string(&plan)
        .expect("plan")
        .lines()
        .position(|l| l.contains("base_url"))
        .expect("line")
        + 1;
    assert!(text.contains(&format!("plan.yaml:{line}:")), "{text}");
}
