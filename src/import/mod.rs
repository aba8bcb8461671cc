#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! `planbook import`: a dataset's input values from a spreadsheet laid out as
//! the plan's own table. Only the characters of the scalars that change are
//! rewritten in the YAML source (at the span the parser gives), so comments,
//! quoting and layout stay as the author wrote them; a value that reads the
//! same (3.150 in the YAML, 3.15 in the sheet) is left alone, so importing an
//! unchanged sheet leaves the file byte for byte as it was.

pub mod sheet;

use crate::compute::budget::role;
use crate::load::files::Root;
use crate::load::yaml::Step;
use crate::model::budget::{BudgetFile, BudgetView, Node, ViewKind, YearInput};
use crate::model::dataset::{CellInput, RowKindSpec, TableFile, TableSpec, Values};
use crate::model::table::{RowKind, Table};
use crate::model::Amount;
use rust_decimal::Decimal;
use serde::Deserialize;
use sheet::{Grid, SheetValue};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Labels of the sheet that differ from the plan's: `rows` maps a row label
/// (or id) of the sheet to a row id, `columns` a column header to a column id.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub rows: BTreeMap<String, String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

pub struct Options {
    pub xlsx: PathBuf,
    pub sheet: String,
    pub into: String,
    pub content: PathBuf,
    pub map: Option<PathBuf>,
    pub check: bool,
}

/// A value that changes: where, what, and the text before and after.
#[derive(Debug, Clone)]
pub struct Change {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// `table.row.column`
    pub what: String,
    pub old: String,
    pub new: String,
    /// Sheet address it came from (`D14`).
    pub cell: String,
    start: usize,
    end: usize,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub changes: Vec<Change>,
    /// Each with the cell's address: `budget.xlsx!예산!D14: '3,675' is not a number`.
    pub problems: Vec<String>,
    /// The file rewritten (None with `--check`, with problems or no change).
    pub written: Option<PathBuf>,
}

/// One step of a path into a YAML file, owned.
#[derive(Debug, Clone)]
enum OwnedStep {
    Key(String),
    Index(usize),
}

fn steps(p: &[OwnedStep]) -> Vec<Step<'_>> {
    p.iter()
        .map(|s| match s {
            OwnedStep::Key(k) => Step::Key(k),
            OwnedStep::Index(i) => Step::Index(*i),
        })
        .collect()
}

/// What the YAML holds at a place of the table.
#[derive(Debug, Clone, PartialEq)]
enum Current {
    Num(Decimal),
    Text(String),
}

enum Slot {
    /// An input value to compare and maybe rewrite; `text_ok`: a text cell
    /// may stand there (table cells; not budget amounts).
    Input {
        path: Vec<OwnedStep>,
        current: Current,
        text_ok: bool,
    },
    /// Computed by planbook: the sheet's figure is not read.
    Computed,
    /// An input with no value written in the YAML: nothing to replace.
    Absent(String),
}

/// Which dataset the sheet fills.
enum Target<'a> {
    Table {
        loaded: &'a crate::load::Loaded<TableFile>,
        index: usize,
    },
    Budget {
        loaded: &'a crate::load::Loaded<BudgetFile>,
        view: &'a BudgetView,
    },
}

impl Target<'_> {
    fn table_id(&self) -> &str {
        match self {
            Target::Table { loaded, index } => loaded
                .value
                .tables
                .get(*index)
                .map_or("", |t| t.id.as_str()),
            Target::Budget { view, .. } => &view.id,
        }
    }

    fn path(&self) -> &Path {
        match self {
            Target::Table { loaded, .. } => &loaded.path,
            Target::Budget { loaded, .. } => &loaded.path,
        }
    }

    fn src(&self) -> &str {
        match self {
            Target::Table { loaded, .. } => &loaded.src,
            Target::Budget { loaded, .. } => &loaded.src,
        }
    }

    fn spans(&self) -> &crate::load::yaml::Spans {
        match self {
            Target::Table { loaded, .. } => loaded.spans(),
            Target::Budget { loaded, .. } => loaded.spans(),
        }
    }

    fn slot(&self, row: &str, col: &str) -> Slot {
        match self {
            Target::Table { loaded, index } => match loaded.value.tables.get(*index) {
                Some(spec) => table_slot(spec, *index, row, col),
                None => Slot::Computed,
            },
            Target::Budget { loaded, view } => budget_slot(&loaded.value, view, row, col),
        }
    }
}

fn find_target<'a>(content: &'a crate::load::Content, id: &str) -> Option<Target<'a>> {
    for loaded in &content.tables {
        if let Some(index) = loaded.value.tables.iter().position(|t| t.id == id) {
            return Some(Target::Table { loaded, index });
        }
    }
    for loaded in &content.budgets {
        let b = &loaded.value;
        // The dataset's own id names its funding table (국비, 지방비).
        let view = b.views.iter().find(|v| v.id == id).or_else(|| {
            (b.id == id)
                .then(|| b.views.iter().find(|v| v.kind == ViewKind::Funding))
                .flatten()
        });
        if let Some(view) = view {
            return Some(Target::Budget { loaded, view });
        }
    }
    None
}

fn cell_current(c: &CellInput) -> Current {
    match c {
        CellInput::Num(a) => Current::Num(a.0),
        CellInput::Text(t) => Current::Text(t.clone()),
    }
}

fn table_slot(spec: &TableSpec, ti: usize, row: &str, col: &str) -> Slot {
    let Some(column) = spec.columns.iter().find(|c| c.id == col) else {
        return Slot::Computed;
    };
    if column.compute.is_some() {
        return Slot::Computed;
    }
    let Some((ri, r)) = spec
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.id == row && r.kind != Some(RowKindSpec::Heading))
    else {
        return Slot::Computed;
    };
    if r.compute.contains_key(col) {
        return Slot::Computed;
    }
    let computed_row =
        r.sum.is_some() || matches!(r.kind, Some(RowKindSpec::Subtotal | RowKindSpec::Total));
    let mut path = vec![
        OwnedStep::Key("tables".into()),
        OwnedStep::Index(ti),
        OwnedStep::Key("rows".into()),
        OwnedStep::Index(ri),
        OwnedStep::Key("values".into()),
    ];
    let found = match &r.values {
        Some(Values::List(list)) => {
            let at = spec
                .columns
                .iter()
                .filter(|c| c.compute.is_none())
                .position(|c| c.id == col);
            at.and_then(|i| {
                path.push(OwnedStep::Index(i));
                list.get(i)
            })
        }
        Some(Values::Map(map)) => {
            path.push(OwnedStep::Key(col.into()));
            map.get(col)
        }
        None => None,
    };
    match found {
        Some(v) => Slot::Input {
            path,
            current: cell_current(v),
            text_ok: true,
        },
        None if computed_row => Slot::Computed,
        None => Slot::Absent(format!("row `{row}` has no value for `{col}`")),
    }
}

/// The index path of a budget node in the tree.
fn node_path<'a>(nodes: &'a [Node], id: &str, out: &mut Vec<OwnedStep>) -> Option<&'a Node> {
    for (i, n) in nodes.iter().enumerate() {
        out.push(OwnedStep::Index(i));
        if n.id == id {
            return Some(n);
        }
        out.push(OwnedStep::Key("children".into()));
        if let Some(found) = node_path(&n.children, id, out) {
            return Some(found);
        }
        out.pop();
        out.pop();
    }
    None
}

fn budget_slot(file: &BudgetFile, view: &BudgetView, row: &str, col: &str) -> Slot {
    let mut path = vec![OwnedStep::Key("tree".into())];
    let Some(node) = node_path(&file.tree, row, &mut path) else {
        return Slot::Computed;
    };
    if !node.is_leaf() {
        return Slot::Computed;
    }
    let fields: &[&str] = match view.kind {
        ViewKind::Funding => &["gov", "local"],
        ViewKind::Roi => &["target"],
    };
    let Some((field, year)) = fields.iter().find_map(|f| {
        let rest = col.strip_prefix(f)?;
        let year = file.years.iter().find(|y| role(file.years, **y) == rest)?;
        Some((*f, *year))
    }) else {
        return Slot::Computed;
    };
    let empty = YearInput::default();
    let input = node.amounts.get(&year).unwrap_or(&empty);
    path.push(OwnedStep::Key("amounts".into()));
    path.push(OwnedStep::Key(year.to_string()));
    let value: Option<&Amount> = match field {
        "gov" => input.gov.as_ref(),
        "local" => input.local.as_ref(),
        _ => {
            let ind = view.indicator.as_deref().unwrap_or("");
            path.push(OwnedStep::Key("targets".into()));
            input.targets.get(ind)
        }
    };
    let key = if field == "target" {
        view.indicator.clone().unwrap_or_default()
    } else {
        field.to_string()
    };
    path.push(OwnedStep::Key(key.clone()));
    match value {
        Some(a) => Slot::Input {
            path,
            current: Current::Num(a.0),
            text_ok: false,
        },
        None => Slot::Absent(format!("`{row}` has no `{key}` for {year}")),
    }
}

/// The byte offset of a 1-based (line, character column).
fn offset(src: &str, (line, col): (usize, usize)) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        src.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let rest = src.get(start..)?;
    rest.char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| start + i)
}

/// Possible ends of the scalar that starts at `start`: a quoted scalar has
/// one; a plain one ends at a flow indicator in a flow collection but not in
/// block style, so both are offered and the caller keeps the one that reads
/// as the value the model holds.
fn scalar_ends(src: &str, start: usize) -> Vec<usize> {
    let Some(rest) = src.get(start..) else {
        return Vec::new();
    };
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, '"')) => {
            let mut escaped = false;
            for (i, c) in chars {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return vec![start + i + 1],
                    _ => escaped = false,
                }
            }
            Vec::new()
        }
        Some((_, '\'')) => {
            let b = rest.as_bytes();
            let mut i = 1;
            while let Some(&c) = b.get(i) {
                if c == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return vec![start + i + 1];
                }
                i += 1;
            }
            Vec::new()
        }
        Some(_) => {
            let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let line = rest.get(..line_end).unwrap_or("");
            let comment = line.find(" #").unwrap_or(line.len());
            let block = line.get(..comment).unwrap_or("").trim_end().len();
            let flow = line
                .find([',', ']', '}'])
                .unwrap_or(line.len())
                .min(comment);
            let flow = line.get(..flow).unwrap_or("").trim_end().len();
            vec![start + flow, start + block]
        }
        None => Vec::new(),
    }
}

/// How the model reads a scalar's text.
fn read_scalar(text: &str) -> Option<Current> {
    serde_saphyr::from_str_with_options::<CellInput>(text, crate::load::yaml::options())
        .ok()
        .map(|c| cell_current(&c))
}

fn same(a: &Current, b: &Current) -> bool {
    match (a, b) {
        (Current::Num(x), Current::Num(y)) => x == y,
        // An empty text cell is printed as "-" (not applicable).
        (Current::Text(x), Current::Text(y)) => {
            let na = |s: &str| if s.trim().is_empty() { "-" } else { s.trim() }.to_string();
            na(x) == na(y)
        }
        _ => false,
    }
}

/// The text of the new value in the style of the old one: the same quotes,
/// at least as many decimals (3.150 → 3.200), △ where the author used it.
fn new_text(old: &str, new: &Current) -> String {
    match new {
        Current::Num(d) => {
            let quote = old.chars().next().filter(|c| *c == '"' || *c == '\'');
            let inner = old.trim_matches(|c| c == '"' || c == '\'');
            let old_dp = inner.split_once('.').map_or(0, |(_, f)| {
                f.chars().take_while(char::is_ascii_digit).count()
            });
            let d = d.normalize();
            let digits = if d.scale() as usize <= old_dp {
                format!("{:.*}", old_dp, d.abs())
            } else {
                d.abs().to_string()
            };
            let neg = d.is_sign_negative() && !d.is_zero();
            let body = match (neg, inner.contains('△')) {
                (true, true) => format!("△{digits}"),
                (true, false) => format!("-{digits}"),
                _ => digits,
            };
            match quote {
                Some(q) => format!("{q}{body}{q}"),
                // A △ needs quotes to stay one scalar everywhere.
                None if body.starts_with('△') => format!("\"{body}\""),
                None => body,
            }
        }
        // A double-quoted YAML scalar is a JSON string.
        Current::Text(t) => serde_json::to_string(t).unwrap_or_else(|_| format!("{t:?}")),
    }
}

fn shown(c: &Current) -> String {
    match c {
        Current::Num(d) => d.normalize().to_string(),
        Current::Text(t) => format!("'{t}'"),
    }
}

/// Runs an import. Err for what stops it before any cell is read (content
/// that does not build, a missing sheet or dataset, an unreadable file).
pub fn run(opts: &Options) -> Result<Outcome, String> {
    let (content, computed, _) = crate::analyse(&opts.content).map_err(|(_, d)| {
        format!(
            "{}the content has errors: fix them before importing",
            d.render_human()
        )
    })?;
    let target = find_target(&content, &opts.into).ok_or_else(|| {
        format!(
            "no table or budget dataset `{}` in {}",
            opts.into,
            opts.content.display()
        )
    })?;
    let table = computed
        .table(target.table_id())
        .ok_or_else(|| format!("table `{}` was not computed", target.table_id()))?;
    let mapping = match &opts.map {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let mut d = crate::validate::diagnostic::Diagnostics::default();
            d.add_source(p, &text);
            crate::load::yaml::parse::<Mapping>(p, &text, &mut d).ok_or_else(|| d.render_human())?
        }
        None => Mapping::default(),
    };
    let grid = Grid::open(&opts.xlsx, &opts.sheet)?;
    let mut out = Outcome::default();
    collect(&grid, table, &target, &mapping, &mut out);
    if !out.problems.is_empty() || out.changes.is_empty() {
        return Ok(out);
    }
    let new_src = apply(target.src(), &out.changes);
    verify(&target, &new_src, &out.changes, table)?;
    if !opts.check {
        write_atomic(&opts.content, target.path(), &new_src)?;
        out.written = Some(target.path().to_path_buf());
    }
    Ok(out)
}

/// Compares every matched cell with the YAML and lists changes and problems.
fn collect(grid: &Grid, table: &Table, target: &Target, map: &Mapping, out: &mut Outcome) {
    let Some(head) = sheet::header(grid, table, map) else {
        out.problems.push(format!(
            "{}: no row of the sheet has the column headers of `{}` ({}); name them in a mapping file (--map)",
            grid.name(),
            table.id,
            table
                .columns
                .iter()
                .map(|c| format!("{} {}", c.group, c.label).trim().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return;
    };
    let src = target.src();
    let file = target.path().to_path_buf();
    let mut cursor = 0usize;
    for r in head.first_data_row..grid.end_row() {
        let label = grid.text(r, head.label_col);
        let id = head.id_col.map(|c| grid.text(r, c));
        let has_figures = head
            .columns
            .iter()
            .any(|(c, _)| matches!(grid.value(r, *c), Ok(SheetValue::Num(_))));
        let key = id
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or(label.clone());
        if key.is_empty() {
            continue;
        }
        let row_index = match map.rows.get(&key) {
            Some(rid) => table
                .rows
                .iter()
                .position(|x| &x.id == rid && x.kind != RowKind::Heading),
            None if id.as_ref().is_some_and(|s| !s.is_empty()) => table
                .rows
                .iter()
                .position(|x| x.id == key && x.kind != RowKind::Heading),
            // Labels repeat (예비선도 under each industry): the sheet follows
            // the table's order, so the next row with the label is the one.
            None => table
                .rows
                .iter()
                .skip(cursor)
                .position(|x| x.label == key)
                .map(|i| i + cursor)
                .or_else(|| {
                    let all: Vec<usize> = (0..table.rows.len())
                        .filter(|&i| table.rows.get(i).is_some_and(|x| x.label == key))
                        .collect();
                    (all.len() == 1).then(|| all.first().copied()).flatten()
                }),
        };
        let Some(ri) = row_index else {
            if has_figures {
                out.problems.push(format!(
                    "{}: row `{key}` is not a row of `{}`; name its id in a mapping file (--map)",
                    grid.address(r, head.id_col.unwrap_or(head.label_col)),
                    table.id
                ));
            }
            continue;
        };
        cursor = ri + 1;
        let Some(row) = table.rows.get(ri) else {
            continue;
        };
        if row.kind == RowKind::Heading {
            continue;
        }
        for (c, col_id) in &head.columns {
            let at = grid.address(r, *c);
            let value = match grid.value(r, *c) {
                Ok(v) => v,
                Err(e) => {
                    out.problems.push(format!("{at}: {e}"));
                    continue;
                }
            };
            match target.slot(&row.id, col_id) {
                Slot::Computed => {}
                Slot::Absent(why) => {
                    if matches!(value, SheetValue::Num(_))
                        || matches!(&value, SheetValue::Text(t) if t != "-")
                    {
                        out.problems.push(format!(
                            "{at}: {why} in {}: add it to the YAML first, then import",
                            crate::validate::diagnostic::display_path(&file)
                        ));
                    }
                }
                Slot::Input {
                    path,
                    current,
                    text_ok,
                } => {
                    let new = match value {
                        SheetValue::Num(d) => Current::Num(d),
                        SheetValue::Text(t) if text_ok => Current::Text(t),
                        SheetValue::Text(t) => {
                            out.problems.push(format!("{at}: '{t}' is not a number"));
                            continue;
                        }
                        SheetValue::Empty => {
                            out.problems.push(format!(
                                "{at}: empty, where the YAML has {}",
                                shown(&current)
                            ));
                            continue;
                        }
                    };
                    if same(&current, &new) {
                        continue;
                    }
                    let what = format!("{}.{}.{col_id}", table.id, row.id);
                    match locate(src, target.spans(), &path, &current) {
                        Some((start, end, line, column)) => {
                            let old = src.get(start..end).unwrap_or("").to_string();
                            out.changes.push(Change {
                                file: file.clone(),
                                line,
                                column,
                                what,
                                new: new_text(&old, &new),
                                old,
                                cell: at,
                                start,
                                end,
                            });
                        }
                        None => out.problems.push(format!(
                            "{at}: {what}: the value could not be located in {}",
                            crate::validate::diagnostic::display_path(&file)
                        )),
                    }
                }
            }
        }
    }
    if head.columns.len() < table.columns.len() && out.changes.is_empty() {
        // Not a problem by itself (a sheet may carry only the inputs), but
        // worth knowing when nothing was found to change.
    }
}

/// (start, end, line, column) of the scalar at `path`, checked to read as
/// the value the model holds.
fn locate(
    src: &str,
    spans: &crate::load::yaml::Spans,
    path: &[OwnedStep],
    current: &Current,
) -> Option<(usize, usize, usize, usize)> {
    let loc = spans.value_at(&steps(path))?;
    let start = offset(src, loc)?;
    scalar_ends(src, start).into_iter().find_map(|end| {
        let text = src.get(start..end)?;
        let read = read_scalar(text)?;
        same(&read, current).then_some((start, end, loc.0, loc.1))
    })
}

fn apply(src: &str, changes: &[Change]) -> String {
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.start));
    let mut out = src.to_string();
    for c in sorted {
        if out.is_char_boundary(c.start) && out.is_char_boundary(c.end) && c.start <= c.end {
            out.replace_range(c.start..c.end, &c.new);
        }
    }
    out
}

/// The rewritten file must still parse as the dataset, with every changed
/// scalar reading as its new value.
fn verify(target: &Target, new_src: &str, changes: &[Change], table: &Table) -> Result<(), String> {
    let mut d = crate::validate::diagnostic::Diagnostics::default();
    let ok = match target {
        Target::Table { .. } => {
            crate::load::yaml::parse::<TableFile>(target.path(), new_src, &mut d).is_some()
        }
        Target::Budget { .. } => {
            crate::load::yaml::parse::<BudgetFile>(target.path(), new_src, &mut d).is_some()
        }
    };
    if !ok {
        return Err(format!(
            "the rewritten {} would not parse; nothing written (please report this):\n{}",
            target.path().display(),
            d.render_human()
        ));
    }
    for c in changes {
        let before = read_scalar(&c.new);
        if before.is_none() {
            return Err(format!(
                "{}: the new text {} does not read back (table `{}`); nothing written",
                c.cell, c.new, table.id
            ));
        }
    }
    Ok(())
}

/// Writes `path` (inside the content folder) through a temporary file in the
/// same folder and a rename, so a reader sees the old or the new file whole.
fn write_atomic(content: &Path, path: &Path, text: &str) -> Result<(), String> {
    let root = Root::new(content).map_err(|e| format!("{}: {e}", content.display()))?;
    root.check_file(path)
        .map_err(|e| format!("{} {e}: not written", path.display()))?;
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.file_type().is_file() {
        return Err(format!(
            "{} is not a regular file: not written",
            path.display()
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.import-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_values_keep_the_authors_style() {
        let n = |s: &str| Current::Num(s.parse().unwrap());
        assert_eq!(new_text("3.150", &n("3.2")), "3.200");
        assert_eq!(new_text("3.150", &n("3.2125")), "3.2125");
        assert_eq!(new_text("\"135.30\"", &n("140")), "\"140.00\"");
        assert_eq!(new_text("1", &n("-2.5")), "-2.5");
        assert_eq!(new_text("\"△1.5\"", &n("-2")), "\"△2.0\"");
        assert_eq!(
            new_text("1", &Current::Text("a \"b\"".into())),
            "\"a \\\"b\\\"\""
        );
    }

    #[test]
    fn plain_scalars_end_where_the_style_says() {
        let src = "a: [1.5, 2]\nb: 1,234 # c\nc: \"x,y\"\n";
        let at = |p: &str| src.find(p).unwrap();
        let ends = scalar_ends(src, at("1.5"));
        assert_eq!(&src[at("1.5")..ends[0]], "1.5");
        let ends = scalar_ends(src, at("1,234"));
        assert_eq!(&src[at("1,234")..ends[1]], "1,234");
        let ends = scalar_ends(src, at("\"x,y\""));
        assert_eq!(&src[at("\"x,y\"")..ends[0]], "\"x,y\"");
        assert_eq!(offset("ab\n가나다: 1\n", (2, 6)), Some(14));
    }
}
