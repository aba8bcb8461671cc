//! Every table of both editions links a CSV under tables/ holding the cells
//! the page prints; the CSV names of literal tables are stable.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn build(content: &Path, out: &Path) {
    planbook::build(content, out)
        .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
}

/// The byte ranges of the top-level `<table …>…</table>` of a page.
fn tables(html: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find_open(html, at, "table") {
        let mut depth = 0;
        let mut j = i;
        let end = loop {
            let open = find_open(html, j, "table");
            let close = html[j..].find("</table>").map(|c| c + j).expect("</table>");
            match open {
                Some(o) if o < close => {
                    depth += 1;
                    j = o + 6;
                }
                _ => {
                    depth -= 1;
                    j = close + 8;
                    if depth == 0 {
                        break j;
                    }
                }
            }
        };
        out.push((i, end));
        at = end;
    }
    out
}

fn find_open(s: &str, from: usize, name: &str) -> Option<usize> {
    let pat = format!("<{name}");
    let mut at = from;
    loop {
        let i = s[at..].find(&pat)? + at;
        let next = s[i + pat.len()..].chars().next();
        if matches!(next, Some('>' | ' ' | '\n' | '\t' | '/')) {
            return Some(i);
        }
        at = i + pat.len();
    }
}

/// The text a reader sees: tags dropped (and the hidden errata mark with
/// them), entities decoded, white space collapsed.
fn text(html: &str) -> String {
    let mut s = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        s.push_str(&rest[..i]);
        let end = rest[i..].find('>').expect("tag end") + i;
        let tag = &rest[i..=end];
        rest = &rest[end + 1..];
        if tag.starts_with("<sup") && tag.contains("erratum") {
            rest = &rest[rest.find("</sup>").expect("</sup>") + 6..];
        }
        // Inline tags join their text; a break, paragraph or item parts it.
        let name: String = tag[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if ["br", "p", "li", "div", "ul", "ol"].contains(&name.to_ascii_lowercase().as_str()) {
            s.push(' ');
        }
    }
    s.push_str(rest);
    let s = s
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    norm(&s)
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A page row: its class and cells.
struct Row {
    class: String,
    head: bool,
    cells: Vec<String>,
}

/// The rows of a table, each cell's text (no table here nests another).
fn rows(table: &str) -> Vec<Row> {
    let inner = &table[table.find('>').expect(">") + 1..];
    assert!(
        find_open(inner, 0, "table").is_none(),
        "a nested table: {table}"
    );
    let thead_end = inner.find("</thead>");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find_open(inner, at, "tr") {
        let tag_end = inner[i..].find('>').expect(">") + i;
        let tag = &inner[i..tag_end];
        let class = tag
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .unwrap_or("")
            .to_string();
        let end = inner[tag_end..]
            .find("</tr>")
            .map_or(inner.len(), |e| e + tag_end);
        let body = &inner[tag_end + 1..end];
        let mut cells = Vec::new();
        let mut c = 0;
        loop {
            let next = [find_open(body, c, "td"), find_open(body, c, "th")]
                .into_iter()
                .flatten()
                .min();
            let Some(ci) = next else { break };
            let content = ci + body[ci..].find('>').expect(">") + 1;
            let stop = ["</td>", "</th>"]
                .iter()
                .filter_map(|p| body[content..].find(p).map(|x| x + content))
                .min()
                .unwrap_or(body.len());
            cells.push(text(&body[content..stop]));
            c = stop;
        }
        if !cells.is_empty() {
            out.push(Row {
                class,
                head: thead_end.is_some_and(|h| i < h),
                cells,
            });
        }
        at = end;
    }
    out
}

/// The CSV's records, each line ended with CRLF.
fn parse_csv(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).expect("csv");
    assert!(text.ends_with("\r\n"), "{} ends with CRLF", path.display());
    common::csv_rows(path)
}

/// A CSV field as the page shows it: the `'` that neutralises a formula off.
fn shown(field: &str) -> String {
    let f = field
        .strip_prefix('\'')
        .filter(|f| f.starts_with(['=', '+', '-', '@', '\t', '\r']))
        .unwrap_or(field);
    norm(f)
}

/// The CSV a table links: the last CSV link between the previous table and it.
fn csv_link(html: &str, from: usize, to: usize) -> Option<String> {
    let between = &html[from..to];
    between
        .match_indices("<a class=\"csv\" href=\"")
        .filter_map(|(i, m)| {
            let href = &between[i + m.len()..];
            let href = &href[..href.find('"')?];
            href.ends_with(".csv").then(|| href.replace("&amp;", "&"))
        })
        .last()
}

/// Checks every table of a page; returns (tables, CSV names linked).
fn check_page(out: &Path, page: &Path) -> (usize, BTreeSet<String>) {
    let html = fs::read_to_string(page).expect("page");
    let dir = page.parent().expect("dir");
    let mut names = BTreeSet::new();
    let mut prev = 0;
    let found = tables(&html);
    for &(start, end) in &found {
        let where_ = || format!("{} at byte {start}", page.display());
        let href = csv_link(&html, prev, start)
            .unwrap_or_else(|| panic!("a table without a CSV link in {}", where_()));
        prev = end;
        let path = dir.join(&href);
        assert!(path.is_file(), "{href} linked from {} is missing", where_());
        let rel = path
            .canonicalize()
            .expect("canonical")
            .strip_prefix(out.canonicalize().expect("out"))
            .expect("inside the output")
            .to_path_buf();
        assert_eq!(rel.parent(), Some(Path::new("tables")), "{href}");
        names.insert(rel.file_name().expect("name").to_string_lossy().to_string());
        let page_rows = rows(&html[start..end]);
        let csv = parse_csv(&path);
        let data_table = csv
            .first()
            .is_some_and(|h| h.len() >= 2 && h[0] == "id" && h[1] == "구분");
        if data_table {
            check_data_table(&page_rows, &csv, &where_());
        } else {
            check_literal_table(&page_rows, &csv, &where_());
        }
    }
    (found.len(), names)
}

/// A table of `data/`: its CSV has id and path columns, one header row with
/// the group before each column's label, and no heading rows.
fn check_data_table(page: &[Row], csv: &[Vec<String>], at: &str) {
    let header = csv[0]
        .iter()
        .map(|h| norm(h))
        .collect::<Vec<_>>()
        .join(" | ");
    for r in page.iter().filter(|r| r.head) {
        for c in r.cells.iter().filter(|c| !c.is_empty()) {
            assert!(
                header.contains(c.as_str()),
                "header `{c}` not in the CSV of {at}"
            );
        }
    }
    let body: Vec<&Row> = page
        .iter()
        .filter(|r| !r.head && !r.class.split(' ').any(|c| c == "heading"))
        .collect();
    assert_eq!(body.len(), csv.len() - 1, "rows of {at}");
    for (r, c) in body.iter().zip(&csv[1..]) {
        let fields: Vec<String> = c.iter().skip(2).map(|f| shown(f)).collect();
        assert_eq!(r.cells, fields, "a row of {at}");
    }
}

/// Any other table: a CSV row per page row, the same cells in order
/// (a spanned cell leaves empty fields where it spans).
fn check_literal_table(page: &[Row], csv: &[Vec<String>], at: &str) {
    assert_eq!(page.len(), csv.len(), "rows of {at}");
    for (r, c) in page.iter().zip(csv) {
        let cells: Vec<&String> = r.cells.iter().filter(|c| !c.is_empty()).collect();
        let fields: Vec<String> = c
            .iter()
            .map(|f| shown(f))
            .filter(|f| !f.is_empty())
            .collect();
        let fields: Vec<&String> = fields.iter().collect();
        assert_eq!(cells, fields, "a row of {at}");
        assert!(c.len() >= r.cells.len(), "a row of {at} is short");
    }
    // Rectangular: every row as wide as the widest.
    if let Some(w) = csv.iter().map(Vec::len).max() {
        assert!(csv.iter().all(|r| r.len() == w), "ragged CSV of {at}");
    }
}

fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn csv_names(out: &Path) -> BTreeSet<String> {
    fs::read_dir(out.join("tables"))
        .expect("tables/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv"))
        .collect()
}

#[test]
fn every_table_of_both_editions_links_a_csv_with_its_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    build(&content_dir(), &out);
    let (plan, plan_names) = check_page(&out, &out.join("print.html"));
    let (summary, summary_names) = check_page(&out, &out.join("summary/print.html"));
    println!(
        "print.html: {plan} tables, {} CSV; summary/print.html: {summary} tables, {} CSV",
        plan_names.len(),
        summary_names.len()
    );
    // The shipped plan: its tables typed in Markdown and HTML are many.
    assert!(plan >= 263, "{plan} tables in print.html");
    assert!(summary >= 153, "{summary} tables in summary/print.html");
    // The site's pages link the same CSV.
    let mut site = BTreeSet::new();
    for page in html_pages(&out) {
        if page.ends_with("print.html") {
            continue;
        }
        site.extend(check_page(&out, &page).1);
    }
    // The print document's errata list has a page column the site's has
    // not: its CSV is its own.
    let printed: BTreeSet<String> = plan_names
        .union(&summary_names)
        .filter(|n| !n.starts_with("errata-print-"))
        .cloned()
        .collect();
    assert!(
        printed.is_subset(&site),
        "CSV linked only from print: {:?}",
        printed.difference(&site).collect::<Vec<_>>()
    );
    // A summary's own table never shares a CSV with the plan's literal tables.
    for n in summary_names.difference(&plan_names) {
        let derived = n
            .strip_suffix(".csv")
            .and_then(|s| s.rsplit_once("-t"))
            .is_some_and(|(_, k)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
        let literal = !["fig-", "rec-", "fb-"].iter().any(|p| n.starts_with(p));
        if literal && derived {
            assert!(n.starts_with("sum-"), "{n}");
        }
    }
}

#[test]
fn csv_names_are_stable_and_local_to_their_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build(&content_dir(), &a);
    build(&content_dir(), &b);
    let names = csv_names(&a);
    assert_eq!(names, csv_names(&b), "two builds name the CSV alike");
    for n in &names {
        assert_eq!(
            fs::read(a.join("tables").join(n)).expect("a"),
            fs::read(b.join("tables").join(n)).expect("b"),
            "{n} differs between two builds"
        );
    }
    assert!(names.contains("iii-2-2-t1.csv") && names.contains("sum-iii-2-t1.csv"));

    // A new table at the top of one section renames only that section's CSV.
    let content = copy_content(&dir.path().join("edited"));
    let file = content.join("chapters/III/III-2-2.md");
    let text = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        format!("| 새 표 | 값 |\n|---|---|\n| a | 1 |\n\n{text}"),
    )
    .expect("write");
    let c = dir.path().join("c");
    build(&content, &c);
    let edited = csv_names(&c);
    let others = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter()
            .filter(|n| !n.starts_with("iii-2-2-"))
            .cloned()
            .collect()
    };
    assert_eq!(others(&names), others(&edited));
    for n in others(&names) {
        assert_eq!(
            fs::read(a.join("tables").join(&n)).expect("a"),
            fs::read(c.join("tables").join(&n)).expect("c"),
            "{n} changed by an edit of III-2-2"
        );
    }
    let count = |s: &BTreeSet<String>| s.iter().filter(|n| n.starts_with("iii-2-2-")).count();
    assert_eq!(count(&edited), count(&names) + 1);
    let first = parse_csv(&c.join("tables/iii-2-2-t1.csv"));
    assert_eq!(first, [vec!["새 표", "값"], vec!["a", "1"]]);
    // What was the first table is now the second.
    assert_eq!(
        fs::read(a.join("tables/iii-2-2-t1.csv")).expect("a"),
        fs::read(c.join("tables/iii-2-2-t2.csv")).expect("c")
    );
}

#[test]
fn an_author_names_a_table_and_a_clash_with_a_data_table_is_told_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let file = content.join("chapters/III/III-2-2.md");
    let text = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        format!(
            "<!-- csv: cer-indices -->\n| 가 | 나 |\n|---|---|\n| =SUM(A1) | 2 |\n\n<!-- csv: budget-plan -->\n| 다 |\n|---|\n| 3 |\n\n<table id=\"raw-one\"><tr><th colspan=\"2\">합</th></tr><tr><td>x</td><td>y</td></tr></table>\n\n{text}"
        ),
    )
    .expect("write");
    let out = dir.path().join("out");
    build(&content, &out);
    let rows = parse_csv(&out.join("tables/cer-indices.csv"));
    assert_eq!(rows, [vec!["가", "나"], vec!["'=SUM(A1)", "2"]]);
    // budget-plan is a table of data/: its CSV is left alone.
    assert_eq!(parse_csv(&out.join("tables/budget-plan.csv"))[0][0], "id");
    assert_eq!(
        parse_csv(&out.join("tables/budget-plan-2.csv")),
        [vec!["다"], vec!["3"]]
    );
    assert_eq!(
        parse_csv(&out.join("tables/raw-one.csv")),
        [vec!["합", ""], vec!["x", "y"]]
    );
    let page = fs::read_to_string(out.join("iii/iii-2.html")).expect("page");
    for id in ["cer-indices", "budget-plan-2", "raw-one"] {
        assert!(
            page.contains(&format!(
                "<a class=\"csv\" href=\"../tables/{id}.csv\" download>CSV</a>"
            )),
            "{id}"
        );
    }
    // Named tables still count in the ordinal: naming one renames no other.
    assert!(out.join("tables/iii-2-2-t4.csv").is_file());
    assert!(!out.join("tables/iii-2-2-t1.csv").is_file());
    check_page(&out, &out.join("print.html"));
}

#[test]
fn an_id_that_is_no_id_fails_the_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let file = content.join("chapters/III/III-2-2.md");
    let text = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        format!("<!-- csv: ../evil -->\n| 가 |\n|---|\n| 1 |\n\n{text}"),
    )
    .expect("write");
    let out = dir.path().join("out");
    let Err((_, d)) = planbook::build(&content, &out) else {
        panic!("the build should fail");
    };
    let msg = d.render_human();
    assert!(msg.contains("not a valid id"), "{msg}");
}

#[test]
fn with_xlsx_a_typed_table_has_its_spreadsheet_too() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let file = content.join("chapters/III/III-2-2.md");
    let text = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        format!("<!-- csv: typed -->\n| 구분 | 금액 |\n|---|---|\n| 가 | △1,234.5 |\n\n{text}"),
    )
    .expect("write");
    let out = dir.path().join("out");
    planbook::build_with(
        &content,
        &out,
        planbook::render::RenderOptions {
            xlsx: true,
            ..Default::default()
        },
        planbook::publish::Edition::Published,
    )
    .unwrap_or_else(|(_, d)| panic!("build failed:\n{}", d.render_human()));
    let page = fs::read_to_string(out.join("iii/iii-2.html")).expect("page");
    assert!(page.contains("href=\"../tables/typed.xlsx\" download>XLSX</a>"));
    let mut book: Xlsx<_> = open_workbook(out.join("tables/typed.xlsx")).expect("xlsx");
    let range = book.worksheet_range("typed").expect("sheet");
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("구분".into())));
    assert_eq!(range.get_value((1, 1)), Some(&Data::Float(-1234.5)));
}
