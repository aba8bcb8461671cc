//! A CSV for every table that is not a table of `data/`: the literal tables
//! of the narrative (Markdown tables and raw HTML tables), the tables of the
//! record templates and of the feedback tables, and each chart's data table.
//! Each gets a stable id, `tables/<id>.csv` (its cells as the page prints
//! them) and a `CSV` link before it, like the tables of `data/`.
//!
//! An id is the author's when given (`<!-- csv: ID -->` on the line before
//! the table, or `<table id="ID">`), otherwise the owner's prefix and the
//! table's ordinal within its owner: `iii-2-2-t1` is the first table of
//! `chapters/III/III-2-2.md`, `sum-v-2-t1` that of `summary/V-2.md`. An id
//! that a table of `data/`, or another owner's table, already has gets a
//! suffix (`-2`, `-3` …) in order of rendering, which is fixed.
//!
//! A table rendered more than once (its page, the print document, the
//! summary) keeps the id and CSV of its first rendering, the site page's:
//! the page numbers a printed feedback table adds are not in its CSV.

use super::escape::{csv_cell, href};
use super::registry::{table_csv, table_xlsx};
use super::OutFile;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Default, Clone)]
struct Inner {
    /// Ids (lowercased) of the tables of `data/`, whose CSV are written apart.
    reserved: BTreeSet<String>,
    /// "owner#ordinal" → the id given.
    by_owner: BTreeMap<String, String>,
    /// id (lowercased) → the owner key that holds it.
    taken: BTreeMap<String, String>,
    /// id → the table's cells on a grid.
    grids: BTreeMap<String, Vec<Vec<String>>>,
    errors: Vec<String>,
    /// Whether `tables/<id>.xlsx` are written beside (and linked).
    xlsx: bool,
    /// The owner keys in the order their ids were given.
    order: Vec<String>,
}

/// Where a [`CsvTables::fork`] began: what the two had in common.
#[derive(Debug, Clone, Copy)]
pub struct Fork {
    given: usize,
    errors: usize,
}

/// The CSV of the tables met while rendering, shared by every page.
#[derive(Debug, Default)]
pub struct CsvTables {
    inner: RefCell<Inner>,
}

/// The prefix of the ids of a narrative file's tables: its stem in lower
/// case (`chapters/III/III-2-2.md` → `iii-2-2`), `sum-` before a summary's.
pub fn narrative_prefix(file: &str) -> String {
    let path = file.trim_start_matches("./");
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md");
    let stem = id_part(stem);
    if path.starts_with("summary/") {
        format!("sum-{stem}")
    } else {
        stem
    }
}

/// Lower case, and any character an id may not hold made `-`.
pub fn id_part(s: &str) -> String {
    let mut o: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while o.contains("--") {
        o = o.replace("--", "-");
    }
    let o = o.trim_matches('-').to_string();
    if o.is_empty() {
        "t".to_string()
    } else {
        o
    }
}

impl CsvTables {
    pub fn new<'a>(data_ids: impl Iterator<Item = &'a str>, xlsx: bool) -> CsvTables {
        let inner = Inner {
            reserved: data_ids.map(str::to_lowercase).collect(),
            xlsx,
            ..Default::default()
        };
        CsvTables {
            inner: RefCell::new(inner),
        }
    }

    /// `html` with a CSV link before each of its tables, each table's CSV
    /// kept for [`CsvTables::files`]. `owner` names where the tables come
    /// from (a file, `records:ID`), `prefix` begins their derived ids and
    /// `root` the links.
    pub fn link(&self, html: &str, owner: &str, prefix: &str, root: &str) -> String {
        if !html.contains("<table") {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + 128);
        let mut rest = html;
        let mut ordinal = 0usize;
        while let Some((start, end)) = next_table(rest) {
            ordinal += 1;
            let (Some(before), Some(table), Some(after)) =
                (rest.get(..start), rest.get(start..end), rest.get(end..))
            else {
                break;
            };
            let explicit = explicit_id(before, table);
            let id = self.assign(owner, ordinal, prefix, explicit, || grid(table));
            let xlsx = if self.inner.borrow().xlsx {
                format!(
                    "<a class=\"csv\" href=\"{}\" download>XLSX</a>",
                    href(&format!("{root}{}", table_xlsx(&id)))
                )
            } else {
                String::new()
            };
            let link = format!(
                "<div class=\"table-meta table-csv\"><a class=\"csv\" href=\"{}\" download>CSV</a>{xlsx}</div>\n",
                href(&format!("{root}{}", table_csv(&id)))
            );
            // Before the table's scroll box when it has one, else before it.
            let at = scroll_box_start(before).unwrap_or(before.len());
            let (Some(head), Some(tail)) = (before.get(..at), before.get(at..)) else {
                break;
            };
            out.push_str(head);
            out.push_str(&link);
            out.push_str(tail);
            out.push_str(table);
            rest = after;
        }
        out.push_str(rest);
        out
    }

    fn assign(
        &self,
        owner: &str,
        ordinal: usize,
        prefix: &str,
        explicit: Option<&str>,
        cells: impl FnOnce() -> Vec<Vec<String>>,
    ) -> String {
        let key = format!("{owner}#{ordinal}");
        let mut s = self.inner.borrow_mut();
        if let Some(id) = s.by_owner.get(&key) {
            return id.clone();
        }
        let base = match explicit {
            Some(e) => match crate::load::check_id(e) {
                Ok(()) => e.to_string(),
                Err(err) => {
                    s.errors
                        .push(format!("table {ordinal} of `{owner}`: the CSV id {err}"));
                    format!("{prefix}-t{ordinal}")
                }
            },
            None => format!("{prefix}-t{ordinal}"),
        };
        let free = |s: &Inner, id: &str| {
            let l = id.to_lowercase();
            !s.reserved.contains(&l) && !s.taken.contains_key(&l)
        };
        let mut id = base.clone();
        let mut n = 1usize;
        while !free(&s, &id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        s.taken.insert(id.to_lowercase(), key.clone());
        s.order.push(key.clone());
        s.by_owner.insert(key, id.clone());
        s.grids.insert(id.clone(), cells());
        id
    }

    /// `tables/<id>.csv` of every table met, and its `.xlsx` when asked.
    pub fn files(&self) -> Result<Vec<OutFile>, String> {
        let s = self.inner.borrow();
        let mut out = Vec::new();
        for (id, cells) in &s.grids {
            out.push(OutFile {
                path: table_csv(id),
                bytes: csv_of(cells),
            });
            if s.xlsx {
                let bytes = cached_xlsx(id, cells)?;
                out.push(OutFile {
                    path: table_xlsx(id),
                    bytes,
                });
            }
        }
        Ok(out)
    }

    /// Author's ids that are not ids.
    pub fn errors(&self) -> Vec<String> {
        self.inner.borrow().errors.clone()
    }

    /// A copy to render another part with, on another thread, while this one
    /// goes on; [`CsvTables::join`] takes its new tables back.
    pub fn fork(&self) -> (CsvTables, Fork) {
        let inner = self.inner.borrow().clone();
        let at = Fork {
            given: inner.order.len(),
            errors: inner.errors.len(),
        };
        (
            CsvTables {
                inner: RefCell::new(inner),
            },
            at,
        )
    }

    /// Takes in the tables `later` met since `at`, as if it had rendered
    /// after this one: true when every id is the one that order gives.
    /// An id of `later` is free of everything this one held at the fork;
    /// it is the id the serial order gives unless this one has since given
    /// it, or the same table, away. Then nothing is taken (false), and the
    /// later part must be rendered again, after this one.
    pub fn join(&self, later: CsvTables, at: Fork) -> bool {
        let later = later.inner.into_inner();
        let mut s = self.inner.borrow_mut();
        let new = later.order.get(at.given..).unwrap_or_default();
        let clash = new.iter().any(|key| {
            s.by_owner.contains_key(key)
                || later
                    .by_owner
                    .get(key)
                    .is_some_and(|id| s.taken.contains_key(&id.to_lowercase()))
        });
        if clash {
            return false;
        }
        for key in new {
            let Some(id) = later.by_owner.get(key) else {
                continue;
            };
            s.taken.insert(id.to_lowercase(), key.clone());
            s.order.push(key.clone());
            s.by_owner.insert(key.clone(), id.clone());
            if let Some(cells) = later.grids.get(id) {
                s.grids.insert(id.clone(), cells.clone());
            }
        }
        s.errors.extend(
            later
                .errors
                .get(at.errors..)
                .unwrap_or_default()
                .iter()
                .cloned(),
        );
        true
    }
}

/// A typed table's spreadsheet, made once per process for the same id and
/// cells: `serve` rebuilds on every edit with `--xlsx` on, and writing a
/// workbook costs far more than the rest of a table (some 300 of them would
/// double a rebuild). The bytes depend on the id and cells only.
fn cached_xlsx(id: &str, cells: &[Vec<String>]) -> Result<Vec<u8>, String> {
    type Key = (String, Vec<Vec<String>>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Vec<u8>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (id.to_string(), cells.to_vec());
    if let Some(b) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(b);
    }
    let bytes = super::xlsx::grid_xlsx(id, cells)
        .map_err(|e| format!("table `{id}` as a spreadsheet: {e}"))?;
    if let Ok(mut c) = cache.lock() {
        // Bounded: a long session of edits does not grow it without end.
        if c.len() >= 4096 {
            c.clear();
        }
        c.insert(key, bytes.clone());
    }
    Ok(bytes)
}

/// The byte range of the first top-level `<table>…</table>` of `s`.
fn next_table(s: &str) -> Option<(usize, usize)> {
    let start = find_tag(s, 0, "table")?;
    let mut depth = 0usize;
    let mut at = start;
    loop {
        let open = find_tag(s, at, "table");
        let close = s.get(at..)?.find("</table>").map(|i| i + at);
        match (open, close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + 6;
            }
            (_, Some(c)) => {
                depth = depth.saturating_sub(1);
                at = c + 8;
                if depth == 0 {
                    return Some((start, at));
                }
            }
            // Not closed: the rest of the fragment is the table.
            (_, None) => return Some((start, s.len())),
        }
    }
}

/// Where the start tag `<name` (followed by `>`, `/` or white space) is, from `from`.
fn find_tag(s: &str, from: usize, name: &str) -> Option<usize> {
    let pat = format!("<{name}");
    let mut at = from;
    loop {
        let i = s.get(at..)?.find(&pat)? + at;
        let next = s.get(i + pat.len()..)?.chars().next();
        if matches!(next, Some('>' | '/') | Some(' ' | '\t' | '\n' | '\r')) {
            return Some(i);
        }
        at = i + pat.len();
    }
}

/// The author's id: `<!-- csv: ID -->` just before the table, or its `id`.
fn explicit_id<'a>(before: &'a str, table: &'a str) -> Option<&'a str> {
    let b = before.trim_end();
    if let Some(body) = b.strip_suffix("-->") {
        if let Some(open) = body.rfind("<!--") {
            let c = body.get(open + 4..)?.trim();
            if let Some(id) = c.strip_prefix("csv:") {
                return Some(id.trim());
            }
        }
    }
    let tag = table.get(..table.find('>')?)?;
    attr(tag, "id")
}

/// The value of attribute `name` in a start tag (quoted or bare).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..)?.find(name).map(|i| i + from) {
        from = i + name.len();
        let prev = lower.get(..i)?.chars().last();
        if !matches!(prev, Some(' ' | '\t' | '\n' | '\r')) {
            continue;
        }
        let rest = tag.get(from..)?.trim_start();
        let Some(v) = rest.strip_prefix('=') else {
            continue;
        };
        let v = v.trim_start();
        return match v.chars().next()? {
            q @ ('"' | '\'') => {
                let body = v.get(1..)?;
                body.get(..body.find(q)?)
            }
            _ => v.get(
                ..v.find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(v.len()),
            ),
        };
    }
    None
}

/// Where a `<div class="table-scroll" …>` that opens just before the table begins.
fn scroll_box_start(before: &str) -> Option<usize> {
    let b = before.trim_end();
    if !b.ends_with('>') {
        return None;
    }
    let open = b.rfind('<')?;
    b.get(open..)?
        .starts_with("<div class=\"table-scroll\"")
        .then_some(open)
}

/// A table's cells as the page prints them, laid on a grid (a spanned cell
/// leaves empty fields where it spans, every row as wide as the widest), as
/// CSV: UTF-8 with BOM, CRLF.
fn csv_of(cells: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in cells {
        out.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One cell: its text, and its column and row spans.
struct RawCell {
    text: String,
    colspan: usize,
    rowspan: usize,
}

/// The rows of a table (its own, not those of a table inside a cell): a
/// scan of its tags, cells closed by their end tag or the next cell or row.
fn rows(table: &str) -> Vec<Vec<RawCell>> {
    // The table's inside, without its start tag.
    let inner = table
        .find('>')
        .and_then(|i| table.get(i + 1..))
        .unwrap_or("");
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    // The open cell: its start tag and where its content begins.
    let mut open: Option<(&str, usize)> = None;
    let close = |rows: &mut Vec<Vec<RawCell>>, open: &mut Option<(&str, usize)>, at: usize| {
        let Some((tag, from)) = open.take() else {
            return;
        };
        let span = |name| {
            attr(tag, name)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| (1..=1000).contains(n))
                .unwrap_or(1)
        };
        let cell = RawCell {
            text: text_of(inner.get(from..at).unwrap_or("")),
            colspan: span("colspan"),
            rowspan: span("rowspan"),
        };
        match rows.last_mut() {
            Some(r) => r.push(cell),
            None => rows.push(vec![cell]),
        }
    };
    let mut depth = 0usize;
    let mut at = 0usize;
    while let Some(i) = inner.get(at..).and_then(|t| t.find('<')).map(|i| i + at) {
        let Some(end) = inner.get(i..).and_then(|t| t.find('>')).map(|e| e + i) else {
            break;
        };
        at = end + 1;
        let tag = inner.get(i + 1..end).unwrap_or("");
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "table" {
            match (closing, depth) {
                (false, _) => depth += 1,
                (true, 0) => {
                    close(&mut rows, &mut open, i);
                    break;
                }
                (true, _) => depth -= 1,
            }
            continue;
        }
        if depth > 0 {
            continue;
        }
        match (closing, name.as_str()) {
            (false, "tr") => {
                close(&mut rows, &mut open, i);
                rows.push(Vec::new());
            }
            (false, "td" | "th") => {
                close(&mut rows, &mut open, i);
                open = Some((inner.get(i..end).unwrap_or(""), end + 1));
            }
            (true, "td" | "th" | "tr") | (_, "thead" | "tbody" | "tfoot") => {
                close(&mut rows, &mut open, i);
            }
            _ => {}
        }
    }
    close(&mut rows, &mut open, inner.len());
    rows.retain(|r| !r.is_empty());
    rows
}

/// The rows on a grid: a cell spanning columns or rows leaves empty fields.
fn grid(table: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    // Rows still covered by a cell above, by column.
    let mut covered: Vec<usize> = Vec::new();
    for row in rows(table) {
        let mut line: Vec<String> = Vec::new();
        let mut col = 0usize;
        let skip_covered = |line: &mut Vec<String>, col: &mut usize, covered: &mut Vec<usize>| {
            while let Some(c) = covered.get_mut(*col).filter(|c| **c > 0) {
                *c -= 1;
                line.push(String::new());
                *col += 1;
            }
        };
        for cell in row {
            skip_covered(&mut line, &mut col, &mut covered);
            line.push(cell.text);
            line.extend(std::iter::repeat_n(String::new(), cell.colspan - 1));
            if covered.len() < col + cell.colspan {
                covered.resize(col + cell.colspan, 0);
            }
            for c in covered.iter_mut().skip(col).take(cell.colspan) {
                *c = cell.rowspan - 1;
            }
            col += cell.colspan;
        }
        // Columns at the end still covered from above.
        while col < covered.len() {
            if let Some(c) = covered.get_mut(col).filter(|c| **c > 0) {
                *c -= 1;
            }
            line.push(String::new());
            col += 1;
        }
        out.push(line);
    }
    // Every row as wide as the widest, for a spreadsheet's columns.
    let width = out.iter().map(Vec::len).max().unwrap_or(0);
    for line in &mut out {
        line.resize(width, String::new());
    }
    out
}

/// A cell's text as the reader sees it: tags gone, the errata marks (※ with
/// the other figure) left out, entities decoded, a `<br>`, paragraph or list
/// item parted by a space, white space collapsed.
pub fn text_of(html: &str) -> String {
    let mut s = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        s.push_str(rest.get(..at).unwrap_or(""));
        let tail = rest.get(at..).unwrap_or("");
        let Some(end) = tail.find('>') else {
            s.push_str(tail);
            rest = "";
            break;
        };
        let tag = tail.get(1..end).unwrap_or("").to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut next = tail.get(end + 1..).unwrap_or("");
        if name == "sup" && tag.contains("erratum") {
            next = next
                .find("</sup>")
                .and_then(|i| next.get(i + 6..))
                .unwrap_or("");
        }
        if matches!(
            name.as_str(),
            "br" | "p" | "li" | "div" | "ul" | "ol" | "tr" | "table"
        ) {
            s.push('\n');
        }
        rest = next;
    }
    s.push_str(rest);
    let s = decode(&s);
    // One line: a line break inside a field would start a line of the file
    // with the cell's later text, which line-based tools take for a record.
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entities pulldown-cmark and the templates write, and numeric ones.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut o = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        o.push_str(rest.get(..at).unwrap_or(""));
        let tail = rest.get(at..).unwrap_or("");
        let semi = tail.find(';').filter(|&i| i <= 10);
        let name = semi.and_then(|i| tail.get(1..i));
        let ch = match name {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some("nbsp") => Some(' '),
            Some(n) if n.starts_with("#x") || n.starts_with("#X") => n
                .get(2..)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            Some(n) if n.starts_with('#') => n
                .get(1..)
                .and_then(|d| d.parse::<u32>().ok())
                .and_then(char::from_u32),
            _ => None,
        };
        match (ch, semi) {
            (Some(c), Some(i)) => {
                o.push(c);
                rest = tail.get(i + 1..).unwrap_or("");
            }
            _ => {
                o.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    o.push_str(rest);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_string()
    }

    #[test]
    fn a_markdown_table_gets_a_link_and_its_cells() {
        let t = CsvTables::new(["budget-plan"].into_iter(), false);
        let html = "<p>x</p>\n<table>\n<thead>\n<tr>\n<th>구분</th>\n<th>금액</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>R&amp;D <b>사업</b></td>\n<td>=1+2</td>\n</tr>\n</tbody>\n</table>\n";
        let out = t.link(html, "chapters/I/I-1.md", "i-1", "../");
        assert!(out.contains(
            "<div class=\"table-meta table-csv\"><a class=\"csv\" href=\"../tables/i-1-t1.csv\" download>CSV</a></div>\n<table>"
        ));
        let files = t.files().unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "tables/i-1-t1.csv");
        assert_eq!(body(&files[0].bytes), "구분,금액\r\nR&D 사업,'=1+2\r\n");
    }

    #[test]
    fn spans_leave_empty_fields_and_ids_do_not_collide() {
        let t = CsvTables::new(["x-t1"].into_iter(), false);
        let html = "<table id=\"mine\"><tr><th colspan=\"2\">a</th><th rowspan=\"2\">b</th></tr><tr><td>1<br>2</td><td>3</td></tr></table>";
        t.link(html, "f1", "x", "");
        t.link(
            "<!-- csv: mine -->\n<table><tr><td>z</td></tr></table>",
            "f2",
            "y",
            "",
        );
        t.link("<table><tr><td>w</td></tr></table>", "f3", "x", "");
        // The same owner again: the same id, nothing new.
        t.link(html, "f1", "x", "../");
        let files = t.files().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            ["tables/mine.csv", "tables/mine-2.csv", "tables/x-t1-2.csv"]
        );
        assert_eq!(body(&files[0].bytes), "a,,b\r\n1 2,3,\r\n");
    }

    #[test]
    fn a_fork_joins_with_the_ids_of_the_serial_order_or_not_at_all() {
        let table = |id: &str| format!("<!-- csv: {id} -->\n<table><tr><td>{id}</td></tr></table>");
        let names = |t: &CsvTables| -> Vec<String> {
            t.files().unwrap().into_iter().map(|f| f.path).collect()
        };
        let start = || {
            let t = CsvTables::new(std::iter::empty(), false);
            t.link(&table("a"), "site", "s", "");
            t
        };
        // Serial: the main part, then the later one.
        let serial = start();
        serial.link(&table("b"), "summary", "m", "");
        let later_html = serial.link(&table("c"), "print", "p", "");
        // Forked: the later part on its own copy, joined after.
        let main = start();
        let (later, at) = main.fork();
        let forked_html = later.link(&table("c"), "print", "p", "");
        main.link(&table("b"), "summary", "m", "");
        assert!(main.join(later, at));
        assert_eq!(forked_html, later_html);
        assert_eq!(names(&main), names(&serial));
        // An id the main part gave since the fork would have been taken:
        // the serial order gives the later table `b-2`, so no join.
        let main = start();
        let (later, at) = main.fork();
        later.link(&table("b"), "print", "p", "");
        main.link(&table("b"), "summary", "m", "");
        assert!(!main.join(later, at));
        assert_eq!(names(&main), ["tables/a.csv", "tables/b.csv"]);
        // The same table met by both: the main part's rendering holds it.
        let main = start();
        let (later, at) = main.fork();
        later.link(&table("b"), "shared", "p", "");
        main.link(&table("b"), "shared", "p", "");
        assert!(!main.join(later, at));
    }

    #[test]
    fn a_bad_author_id_is_reported() {
        let t = CsvTables::new(std::iter::empty(), false);
        t.link(
            "<!-- csv: ../x -->\n<table><tr><td>z</td></tr></table>",
            "f",
            "p",
            "",
        );
        assert_eq!(t.errors().len(), 1);
        assert_eq!(t.files().unwrap()[0].path, "tables/p-t1.csv");
    }

    #[test]
    fn errata_marks_and_nested_tables() {
        assert_eq!(
            text_of("12.3<sup class=\"erratum\" title=\"x\"><span class=\"visually-hidden\">정오: </span>※</sup> &lt;표&gt;"),
            "12.3 <표>"
        );
        let t = CsvTables::new(std::iter::empty(), false);
        let out = t.link(
            "<div class=\"table-scroll\" tabindex=\"0\">\n<table><tr><td><table><tr><td>in</td></tr></table></td><td>b</td></tr></table></div>",
            "f",
            "p",
            "",
        );
        assert!(out.starts_with("<div class=\"table-meta table-csv\">"));
        assert_eq!(t.files().unwrap().len(), 1);
        assert_eq!(body(&t.files().unwrap()[0].bytes), "in,b\r\n");
    }
}
