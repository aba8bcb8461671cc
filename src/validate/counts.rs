//! Counts the text states against the items the content lists (W008):
//! "5대 프로젝트 13개 단위과제" above a table of twelve 단위과제 is a
//! contradiction the published plan can carry unnoticed. A sentence
//! declares its count with `{{count SOURCE printed="N"}}`; the source is a
//! record collection (its records, or the entries of a list field of each),
//! a table of `data/` (its item rows), the nearest literal table of the
//! same file above or below the sentence, or the literal table the count
//! stands in (their body rows).

use super::diagnostic::{rel, Diagnostic, Diagnostics};
use crate::load::narrative::{parse_count, Narrative, Piece};
use crate::load::Content;
use crate::model::dataset::{CellInput, RecordsFile, RowKindSpec, TableSpec, Values};

/// One literal table of a narrative: its lines (1-based, inclusive) and
/// its body rows' cells; `None` for a raw HTML table, whose rows are not
/// counted (its cells may span rows).
struct Literal {
    first: usize,
    last: usize,
    rows: Option<Vec<Vec<String>>>,
}

fn literal_tables(src: &str) -> Vec<Literal> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(l) = lines.get(i) {
        let t = l.trim();
        if t.starts_with('|') {
            let n = lines
                .iter()
                .skip(i)
                .take_while(|l| l.trim().starts_with('|'))
                .count();
            let block = lines.get(i..i + n).unwrap_or_default();
            // The header and, when there is one, the |---| line under it.
            let skip = match block.get(1) {
                Some(s) if is_separator(s) => 2,
                _ => 1,
            };
            let rows = block.iter().skip(skip).map(|r| cells(r)).collect();
            out.push(Literal {
                first: i + 1,
                last: i + n,
                rows: Some(rows),
            });
            i += n;
        } else if t.starts_with("<table") {
            let n = lines
                .iter()
                .skip(i)
                .position(|l| l.contains("</table>"))
                .map_or(lines.len() - i, |p| p + 1);
            out.push(Literal {
                first: i + 1,
                last: i + n,
                rows: None,
            });
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The cells of a Markdown table row, trimmed (`\|` is a bar inside a cell).
fn cells(row: &str) -> Vec<String> {
    let t = row.trim().trim_start_matches('|');
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// Whether a cell's text begins with the mark, past bold markers.
fn starts_with_mark(cell: &str, mark: &str) -> bool {
    cell.trim_start_matches('*').trim_start().starts_with(mark)
}

/// Counts a literal table's body rows: every row, or those with a cell
/// that begins with `filter`.
fn count_literal(t: &Literal, filter: Option<&str>) -> Result<usize, String> {
    let Some(rows) = &t.rows else {
        return Err(format!(
            "the table at line {} is raw HTML, whose rows are not counted",
            t.first
        ));
    };
    Ok(rows
        .iter()
        .filter(|r| filter.is_none_or(|m| r.iter().any(|c| starts_with_mark(c, m))))
        .count())
}

/// A `KEY:VALUE` filter, split.
fn key_value(filter: &str) -> Result<(&str, &str), String> {
    filter
        .split_once(':')
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .ok_or_else(|| format!("`where={filter}` must be KEY:VALUE here"))
}

fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn count_records(
    r: &RecordsFile,
    field: Option<&str>,
    filter: Option<&str>,
) -> Result<usize, String> {
    let filter = filter.map(key_value).transpose()?;
    let mut n = 0;
    for item in &r.items {
        if let Some((k, v)) = filter {
            if item.get(k).and_then(scalar_text).as_deref() != Some(v) {
                continue;
            }
        }
        match field {
            None => n += 1,
            Some(f) => match item.get(f) {
                Some(serde_json::Value::Array(a)) => n += a.len(),
                None => {}
                Some(_) => {
                    return Err(format!(
                        "field `{f}` of record `{}` is not a list",
                        RecordsFile::item_id(item).unwrap_or("?")
                    ))
                }
            },
        }
    }
    if let Some(f) = field {
        if !r.items.iter().any(|i| i.contains_key(f)) {
            return Err(format!("no record of `{}` has a field `{f}`", r.id));
        }
    }
    Ok(n)
}

/// Counts a data table's item rows: headings, sums and totals are not
/// items. `where=COL:VALUE` keeps the rows whose input in COL reads VALUE.
fn count_table(spec: &TableSpec, filter: Option<&str>) -> Result<usize, String> {
    let filter = filter.map(key_value).transpose()?;
    let inputs: Vec<&str> = spec
        .columns
        .iter()
        .filter(|c| c.compute.is_none())
        .map(|c| c.id.as_str())
        .collect();
    if let Some((col, _)) = filter {
        if !inputs.contains(&col) {
            return Err(format!(
                "`{col}` is not an input column of `{}` (inputs: {})",
                spec.id,
                inputs.join(", ")
            ));
        }
    }
    let text = |c: &CellInput| match c {
        CellInput::Num(a) => a.0.normalize().to_string(),
        CellInput::Text(t) => t.clone(),
    };
    Ok(spec
        .rows
        .iter()
        .filter(|r| {
            r.sum.is_none()
                && !matches!(
                    r.kind,
                    Some(RowKindSpec::Heading | RowKindSpec::Subtotal | RowKindSpec::Total)
                )
        })
        .filter(|r| {
            let Some((col, want)) = filter else {
                return true;
            };
            let cell = match &r.values {
                Some(Values::Map(m)) => m.get(col),
                Some(Values::List(l)) => {
                    inputs.iter().position(|c| *c == col).and_then(|i| l.get(i))
                }
                None => None,
            };
            cell.map(text).as_deref() == Some(want)
        })
        .count())
}

/// What a count's source holds: the number of its items, or why it
/// cannot be counted.
fn counted(
    lists: &Lists,
    src: &str,
    line: usize,
    source: &str,
    field: Option<&str>,
    filter: Option<&str>,
) -> Result<usize, String> {
    if matches!(source, "above" | "below" | "this") {
        if field.is_some() {
            return Err("`field=` counts the lists of records, not a table's rows".into());
        }
        let tables = literal_tables(src);
        let t = match source {
            "above" => tables.iter().rev().find(|t| t.last < line),
            "below" => tables.iter().find(|t| t.first > line),
            // A count in a merged cell of the table it counts ("강원 (8)").
            _ => tables.iter().find(|t| t.first <= line && line <= t.last),
        };
        let Some(t) = t else {
            let place = if source == "this" { "holding" } else { source };
            return Err(format!("there is no literal table {place} this line"));
        };
        return count_literal(t, filter);
    }
    if let Some(r) = lists.records.iter().find(|r| r.id == source) {
        return count_records(r, field, filter);
    }
    if let Some(spec) = lists.tables.iter().find(|s| s.id == source) {
        if field.is_some() {
            return Err("`field=` counts the lists of records, not a table's rows".into());
        }
        return count_table(spec, filter);
    }
    Err(format!(
        "unknown count source `{source}`: name a record collection, a table of data/, `above`/`below` (the nearest literal table) or `this` (the literal table holding the count)"
    ))
}

/// What counts may count: the plan's record collections and data tables.
struct Lists<'a> {
    records: Vec<&'a RecordsFile>,
    tables: Vec<&'a TableSpec>,
}

/// Gives every `{{count}}` without a printed figure (a new edition's text)
/// the count of its source, before shared blocks copy their lines; one
/// that cannot be counted keeps an empty text and `check` reports E011.
pub fn resolve_counts<'a>(
    tables: &[crate::load::Loaded<crate::model::dataset::TableFile>],
    records: &[crate::load::Loaded<RecordsFile>],
    narratives: impl Iterator<Item = &'a mut Narrative>,
) {
    let lists = Lists {
        records: records.iter().map(|r| &r.value).collect(),
        tables: tables.iter().flat_map(|t| &t.value.tables).collect(),
    };
    for n in narratives {
        let src = &n.src;
        for l in &mut n.lines {
            let crate::load::narrative::Line::Text(pieces) = l else {
                continue;
            };
            for p in pieces {
                if let Piece::Count {
                    source,
                    field,
                    filter,
                    printed: None,
                    shown,
                    line,
                    ..
                } = p
                {
                    if let Ok(c) = counted(
                        &lists,
                        src,
                        *line,
                        source,
                        field.as_deref(),
                        filter.as_deref(),
                    ) {
                        *shown = c.to_string();
                    }
                }
            }
        }
    }
}

/// Checks every `{{count}}` of the narratives: W008 when the printed count
/// is not the number of items, A001 when that is an accepted erratum, E011
/// when the source cannot be counted.
pub(super) fn check(content: &Content, d: &mut Diagnostics) {
    let lists = Lists {
        records: content.records.iter().map(|r| &r.value).collect(),
        tables: content
            .tables
            .iter()
            .flat_map(|t| &t.value.tables)
            .collect(),
    };
    for n in content.narratives.values() {
        check_narrative(n, &lists, d);
    }
}

fn check_narrative(n: &Narrative, lists: &Lists, d: &mut Diagnostics) {
    let path = rel(&n.path);
    for p in n.pieces() {
        let Piece::Count {
            source,
            field,
            filter,
            printed,
            accepted,
            line,
            col,
            ..
        } = p
        else {
            continue;
        };
        let name = match source.as_str() {
            "above" => "the table above".to_string(),
            "below" => "the table below".to_string(),
            "this" => "its table".to_string(),
            s => format!("`{s}`"),
        };
        let what = match (field, filter) {
            (Some(f), Some(w)) => format!("{name} ({f}, where {w})"),
            (Some(f), None) => format!("{name} ({f})"),
            (None, Some(w)) => format!("{name} (where {w})"),
            (None, None) => name,
        };
        let n_items =
            match counted(
                lists,
                &n.src,
                *line,
                source,
                field.as_deref(),
                filter.as_deref(),
            ) {
                Ok(c) => c,
                Err(e) => {
                    d.push(Diagnostic::error("E011", e).at(&path, *line, *col).help(
                        "{{count SOURCE printed=\"N\"}}: see FORMAT.md, Counts the text states",
                    ));
                    continue;
                }
            };
        // Nothing printed: the page shows the count itself. The parser
        // admits only whole numbers as printed counts.
        let Some((printed, stated)) = printed.as_deref().and_then(|p| Some((p, parse_count(p)?)))
        else {
            continue;
        };
        if stated == n_items as u64 {
            continue;
        }
        let counted = n_items.to_string();
        if let Some(reason) = accepted {
            d.push(
                Diagnostic::note(
                    "A001",
                    format!("accepted erratum: the sentence counts {printed}, {what} lists {counted} ({reason})"),
                )
                .at(&path, *line, *col)
                .figures(printed, &counted)
                .reason(reason),
            );
            continue;
        }
        d.push(
            Diagnostic::warning(
                "W008",
                format!("the sentence counts {printed}, {what} lists {counted}"),
            )
            .at(&path, *line, *col)
            .figures(printed, &counted)
            .help("fix the count or the list; a count the published plan got wrong is acknowledged with accepted=\"reason\""),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "\
| 구분 | 품목 |
|---|---|
| 로드맵 | **상위 품목** |
| 로드맵 | ★ 하위 품목 1 |
| 로드맵 | 하위 품목 2 |
| 로드맵 | ★ 하위 품목 3 |

그림

| 지원 |
|---|
| '25년 {{count above where=★ printed=\"2\"}}개 품목 공고 |
";

    #[test]
    fn counts_the_rows_of_the_nearest_literal_table() {
        let tables = literal_tables(MD);
        assert_eq!(tables.len(), 2);
        let above = tables.iter().rev().find(|t| t.last < 12);
        assert_eq!(above.map(|t| (t.first, t.last)), Some((1, 6)));
        assert_eq!(above.map(|t| count_literal(t, None)), Some(Ok(4)));
        assert_eq!(above.map(|t| count_literal(t, Some("★"))), Some(Ok(2)));
        assert_eq!(
            tables.first().map(|t| count_literal(t, Some("상위"))),
            Some(Ok(1)),
            "past the bold marker"
        );
    }

    #[test]
    fn counts_records_and_the_entries_of_their_lists() {
        let r: RecordsFile = serde_json::from_str(
            r#"{"id": "rise", "template": "t", "items": [
                {"id": "a", "kind": "x", "units": [1, 2]},
                {"id": "b", "kind": "y", "units": [3]},
                {"id": "c", "kind": "x"}]}"#,
        )
        .expect("records");
        assert_eq!(count_records(&r, None, None), Ok(3));
        assert_eq!(count_records(&r, Some("units"), None), Ok(3));
        assert_eq!(count_records(&r, None, Some("kind:x")), Ok(2));
        assert_eq!(count_records(&r, Some("units"), Some("kind:x")), Ok(2));
        assert!(count_records(&r, Some("nope"), None).is_err());
        assert!(count_records(&r, None, Some("kind")).is_err());
    }

    fn run(md: &str, records: &[&RecordsFile]) -> Diagnostics {
        let (n, e) = crate::load::narrative::parse(std::path::Path::new("x.md"), md);
        assert!(e.is_empty(), "{e:?}");
        let lists = Lists {
            records: records.to_vec(),
            tables: Vec::new(),
        };
        let mut d = Diagnostics::default();
        check_narrative(&n, &lists, &mut d);
        d
    }

    #[test]
    fn a_count_that_is_not_the_number_of_items_is_a_located_warning() {
        let r: RecordsFile = serde_json::from_str(
            r#"{"id": "rise", "template": "t", "items": [
                {"id": "a", "units": [1, 2]}, {"id": "b", "units": [3]}]}"#,
        )
        .expect("records");
        let ok = "□ 현황 {{count rise printed=\"2\"}}대 프로젝트 {{count rise field=units printed=\"3\"}}개 단위과제\n";
        assert!(run(ok, &[&r]).items.is_empty());
        let bad = "□ 현황\n{{count rise printed=\"2\"}}대 프로젝트 {{count rise field=units printed=\"4\"}}개 단위과제\n";
        let d = run(bad, &[&r]);
        let got: Vec<_> = d
            .items
            .iter()
            .map(|x| {
                (
                    x.code,
                    x.line,
                    x.column,
                    x.printed.clone(),
                    x.computed.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(
                "W008",
                Some(2),
                Some(34),
                Some("4".into()),
                Some("3".into())
            )]
        );
        let accepted = bad.replace(
            "printed=\"4\"",
            "printed=\"4\" accepted=\"원본 L1: 표는 3개\"",
        );
        let d = run(&accepted, &[&r]);
        assert_eq!(
            d.items.iter().map(|x| x.code).collect::<Vec<_>>(),
            vec!["A001"]
        );
        assert_eq!(MD.matches("{{count").count(), 1);
        assert!(run(MD, &[]).items.is_empty(), "2 starred rows above");
        let d = run(&MD.replace("printed=\"2\"", "printed=\"3\""), &[]);
        assert_eq!(
            d.items.iter().map(|x| (x.code, x.line)).collect::<Vec<_>>(),
            vec![("W008", Some(12))]
        );
        let d = run(
            "{{count nowhere printed=\"1\"}}\n{{count below printed=\"1\"}}\n",
            &[],
        );
        assert_eq!(
            d.items.iter().map(|x| x.code).collect::<Vec<_>>(),
            vec!["E011", "E011"]
        );
    }

    #[test]
    fn the_directive_states_a_whole_number() {
        assert_eq!(parse_count("13"), Some(13));
        assert_eq!(parse_count("1,096"), Some(1096));
        assert_eq!(parse_count("5.5"), None);
        assert_eq!(parse_count(""), None);
        assert_eq!(parse_count(",5"), None);
    }
}
