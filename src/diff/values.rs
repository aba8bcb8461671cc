//! Values, tables and published figures of two analysed plans.

use super::text::Part;
use super::{
    CellChange, PartRef, PublishedChange, Side, Status, Structure, StructureChange, ValueChange,
};
use crate::compute::{Computed, Value};
use crate::load::Content;
use crate::model::table::{Cell, RowKind, Table};
use crate::numfmt::{decimals, format_fixed, format_num};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// What a budget field suffix means (`gov25` → 국비 '25).
fn field_label(field: &str) -> String {
    let digits = field.len() - field.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (name, yy) = field.split_at(field.len() - digits);
    let name = match name {
        "gov" => "국비",
        "local" => "지방비",
        "prov" => "도비",
        "city" => "시군비",
        "total" => "합계",
        "cost" => "총사업비",
        "tasks" => "과제수",
        "sales_achievement" => "사업화매출액 달성률",
        "amount" => "금액",
        other => other,
    };
    if yy.is_empty() {
        name.to_string()
    } else {
        format!("'{yy} {name}")
    }
}

fn row_label(row: &crate::model::table::Row) -> String {
    match row.path.last() {
        Some(parent) if !parent.trim().is_empty() => format!("{} > {}", parent.trim(), row.label),
        _ => row.label.clone(),
    }
}

/// Names of the values of one plan: tables' cells by their exact keys,
/// budget figures by their `dataset.node.` prefix.
pub(super) struct Labels {
    exact: BTreeMap<String, String>,
    prefix: BTreeMap<String, String>,
}

impl Labels {
    pub(super) fn of(content: &Content, computed: &Computed) -> Labels {
        let mut exact = BTreeMap::new();
        for t in &computed.tables {
            for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
                for c in &t.columns {
                    let col = format!("{} {}", c.group.trim(), c.label.trim());
                    let label = format!("{} > {} > {}", t.title, row_label(r), col.trim());
                    let key = format!("{}.{}.{}", t.id, r.id, c.id);
                    exact.insert(format!("{key}.paren"), format!("{label} (괄호)"));
                    exact.insert(key, label);
                }
            }
        }
        let mut prefix = BTreeMap::new();
        for b in &content.budgets {
            let f = &b.value;
            for n in f.nodes() {
                prefix.insert(
                    format!("{}.{}.", f.id, n.id),
                    format!("{} > {}", f.title, n.label),
                );
                for y in n.amounts.values() {
                    for p in &y.parts {
                        prefix.insert(
                            format!("{}.{}.", f.id, p.id),
                            format!("{} > {}", f.title, p.label),
                        );
                    }
                }
            }
            for d in &f.derived {
                prefix.insert(
                    format!("{}.{}.", f.id, d.id),
                    format!("{} > {}", f.title, d.label),
                );
            }
        }
        Labels { exact, prefix }
    }

    pub(super) fn get(&self, key: &str) -> Option<String> {
        if let Some(l) = self.exact.get(key) {
            return Some(l.clone());
        }
        // The longest `dataset.node.` prefix that names a node.
        key.char_indices()
            .rev()
            .filter(|&(_, c)| c == '.')
            .find_map(|(i, _)| {
                let (head, tail) = key.split_at(i + 1);
                self.prefix
                    .get(head)
                    .map(|l| format!("{l} > {}", field_label(tail)))
            })
    }
}

/// `{{val KEY}}` quotes: key → the parts that quote it, in outline order.
pub(super) fn quotes(content: &Content, parts: &[Part]) -> BTreeMap<String, Vec<PartRef>> {
    let mut out: BTreeMap<String, Vec<PartRef>> = BTreeMap::new();
    for p in parts {
        let Some(n) = p.r.file.as_ref().and_then(|f| content.narratives.get(f)) else {
            continue;
        };
        for piece in n.pieces_deep() {
            if let crate::load::narrative::Piece::Val { key, .. } = piece {
                let v = out.entry(key.clone()).or_default();
                if !v.iter().any(|x| x.id == p.r.id) {
                    v.push(p.r.clone());
                }
            }
        }
    }
    out
}

fn shown(v: &Value) -> String {
    format_num(v.value, v.format)
}

/// `Some(x)` as its shortest exact decimal.
fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The rows (by id) of every table, and the tables' columns.
type Shapes<'a> = BTreeMap<&'a str, (BTreeSet<&'a str>, BTreeSet<&'a str>)>;

fn shapes(c: &Computed) -> Shapes<'_> {
    c.tables
        .iter()
        .map(|t| {
            (
                t.id.as_str(),
                (
                    t.rows.iter().map(|r| r.id.as_str()).collect(),
                    t.columns.iter().map(|c| c.id.as_str()).collect(),
                ),
            )
        })
        .collect()
}

/// Whether `key` is a cell of a table, row or column that the other side
/// lacks: reported as that table, row or column, not value by value.
fn covered(key: &str, here: &Computed, there: &Computed, there_shapes: &Shapes) -> bool {
    for t in &here.tables {
        let Some(rest) = key
            .strip_prefix(t.id.as_str())
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        for r in &t.rows {
            let Some(col) = rest
                .strip_prefix(r.id.as_str())
                .and_then(|c| c.strip_prefix('.'))
            else {
                continue;
            };
            let col = col.strip_suffix(".paren").unwrap_or(col);
            if !t.columns.iter().any(|c| c.id == col) {
                continue;
            }
            return match there_shapes.get(t.id.as_str()) {
                None => true,
                Some((rows, cols)) => !rows.contains(r.id.as_str()) || !cols.contains(col),
            };
        }
    }
    // A budget node or derived figure that the other side lacks entirely.
    let Some((head, _)) = key.rsplit_once('.') else {
        return false;
    };
    let head = format!("{head}.");
    !there.values.keys().any(|k| k.starts_with(&head))
}

/// Every value that changed, was added or was removed, in key order.
pub(super) fn values(
    old: &Side,
    new: &Side,
    old_parts: &[Part],
    new_parts: &[Part],
) -> Vec<ValueChange> {
    let (ov, nv) = (&old.computed.values, &new.computed.values);
    let new_labels = Labels::of(new.content, new.computed);
    let old_labels = Labels::of(old.content, old.computed);
    let new_quotes = quotes(new.content, new_parts);
    let old_quotes = quotes(old.content, old_parts);
    let (old_shapes, new_shapes) = (shapes(old.computed), shapes(new.computed));
    let keys: BTreeSet<&String> = ov.keys().chain(nv.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (o, n) = (ov.get(key), nv.get(key));
        let status = match (o, n) {
            (Some(a), Some(b)) if a.value == b.value => continue,
            (Some(_), Some(_)) => Status::Changed,
            (None, Some(_)) if covered(key, new.computed, old.computed, &old_shapes) => continue,
            (Some(_), None) if covered(key, old.computed, new.computed, &new_shapes) => continue,
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            (None, None) => continue,
        };
        let change = match (o, n) {
            (Some(a), Some(b)) => b.value.checked_sub(a.value),
            _ => None,
        };
        let percent = match (o, change) {
            (Some(a), Some(c)) if !a.value.is_zero() => c
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(a.value.abs()))
                .map(|p| crate::calc::round_half_up(p, 2)),
            _ => None,
        };
        let label = new_labels
            .get(key)
            .or_else(|| old_labels.get(key))
            .unwrap_or_else(|| key.clone());
        let quoted_in = new_quotes
            .get(key)
            .or_else(|| old_quotes.get(key))
            .cloned()
            .unwrap_or_default();
        let change_shown = match (o, n, change) {
            (Some(a), Some(b), Some(c)) => {
                let dp = decimals(a.value, a.format).max(decimals(b.value, b.format));
                Some(format_fixed(c, dp))
            }
            _ => None,
        };
        out.push(ValueChange {
            key: key.clone(),
            label,
            status,
            old: o.map(|v| exact(v.value)),
            new: n.map(|v| exact(v.value)),
            old_shown: o.map(shown),
            new_shown: n.map(shown),
            change: change.map(exact),
            change_shown,
            percent: percent.map(|p| format!("{p:.2}")),
            quoted_in,
        });
    }
    // In the order the plan shows them: table by table, row by row, then
    // the figures of no table (budget nodes) by key.
    let rank = order(new.computed, old.computed);
    out.sort_by_cached_key(|v| {
        (
            rank.get(v.key.as_str())
                .copied()
                .unwrap_or((usize::MAX, 0, 0)),
            v.key.clone(),
        )
    });
    out
}

/// (table, row, column) positions of every table cell's key, NEW's first.
fn order(new: &Computed, old: &Computed) -> BTreeMap<String, (usize, usize, usize)> {
    let mut out = BTreeMap::new();
    let n = new.tables.len();
    for (base, c) in [(0, new), (n, old)] {
        for (ti, t) in c.tables.iter().enumerate() {
            for (ri, r) in t.rows.iter().enumerate() {
                for (ci, col) in t.columns.iter().enumerate() {
                    let key = format!("{}.{}.{}", t.id, r.id, col.id);
                    let at = (base + ti, ri, ci);
                    out.entry(format!("{key}.paren")).or_insert(at);
                    out.entry(key).or_insert(at);
                }
            }
        }
    }
    out
}

/// Tables, rows and columns that only one side has.
pub(super) fn structure(old: &Computed, new: &Computed) -> Vec<StructureChange> {
    let mut out = Vec::new();
    let by_id = |c: &Computed| -> BTreeMap<String, Table> {
        c.tables.iter().map(|t| (t.id.clone(), t.clone())).collect()
    };
    let (o, n) = (by_id(old), by_id(new));
    let ids: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    for id in ids {
        match (o.get(id), n.get(id)) {
            (Some(a), Some(b)) => {
                let rows = |t: &Table| -> BTreeMap<String, String> {
                    t.rows
                        .iter()
                        .map(|r| (r.id.clone(), row_label(r)))
                        .collect()
                };
                let cols = |t: &Table| -> BTreeMap<String, String> {
                    t.columns
                        .iter()
                        .map(|c| {
                            let l = format!("{} {}", c.group.trim(), c.label.trim());
                            (c.id.clone(), l.trim().to_string())
                        })
                        .collect()
                };
                for (kind, x, y) in [
                    (Structure::Row, rows(a), rows(b)),
                    (Structure::Column, cols(a), cols(b)),
                ] {
                    for (rid, label) in &x {
                        if !y.contains_key(rid) {
                            out.push(StructureChange {
                                kind,
                                status: Status::Removed,
                                table: id.clone(),
                                id: rid.clone(),
                                label: label.clone(),
                            });
                        }
                    }
                    for (rid, label) in &y {
                        if let Some(was) = x.get(rid).filter(|was| *was != label) {
                            out.push(StructureChange {
                                kind,
                                status: Status::Changed,
                                table: id.clone(),
                                id: rid.clone(),
                                label: format!("{was} → {label}"),
                            });
                        }
                        if !x.contains_key(rid) {
                            out.push(StructureChange {
                                kind,
                                status: Status::Added,
                                table: id.clone(),
                                id: rid.clone(),
                                label: label.clone(),
                            });
                        }
                    }
                }
            }
            (a, b) => {
                let (status, t) = match (a, b) {
                    (Some(t), None) => (Status::Removed, t),
                    (None, Some(t)) => (Status::Added, t),
                    _ => continue,
                };
                out.push(StructureChange {
                    kind: Structure::Table,
                    status,
                    table: id.clone(),
                    id: id.clone(),
                    label: t.title.clone(),
                });
            }
        }
    }
    out
}

/// Every `published:` figure of a plan's data files: key → (file, printed).
fn published_map(content: &Content) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let file = |p: &std::path::Path| {
        p.strip_prefix(&content.dir)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    for b in &content.budgets {
        let f = file(&b.path);
        for n in b.value.nodes() {
            for (view, cols) in &n.published {
                for (col, printed) in cols {
                    out.insert(
                        format!("{view}.{}.{col}", n.id),
                        (f.clone(), printed.trim().to_string()),
                    );
                }
            }
        }
    }
    for t in &content.tables {
        let f = file(&t.path);
        for spec in &t.value.tables {
            for (row, cells) in &spec.published {
                for (col, printed) in cells {
                    out.insert(
                        format!("{}.{row}.{col}", spec.id),
                        (f.clone(), printed.trim().to_string()),
                    );
                }
            }
        }
    }
    for p in &content.performance {
        let f = file(&p.path);
        for (table, rows) in &p.value.published {
            for (row, cells) in rows {
                for (col, printed) in cells {
                    out.insert(
                        format!("{table}.{row}.{col}"),
                        (f.clone(), printed.trim().to_string()),
                    );
                }
            }
        }
    }
    out
}

/// The data files' published figures that changed, were added or removed.
pub(super) fn published(old: &Side, new: &Side) -> Vec<PublishedChange> {
    let (o, n) = (published_map(old.content), published_map(new.content));
    let new_labels = Labels::of(new.content, new.computed);
    let old_labels = Labels::of(old.content, old.computed);
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (a, b) = (o.get(key), n.get(key));
        let Some(status) = Status::of(a, b, |x, y| x.1 == y.1) else {
            continue;
        };
        let file = b.or(a).map(|x| x.0.clone()).unwrap_or_default();
        out.push(PublishedChange {
            key: key.clone(),
            label: new_labels
                .get(key)
                .or_else(|| old_labels.get(key))
                .unwrap_or_else(|| key.clone()),
            status,
            file,
            part: None,
            old: a.map(|x| x.1.clone()),
            new: b.map(|x| x.1.clone()),
        });
    }
    out
}

/// The text cells of tables (`Cell::Text`, a masked `***`, "-") that
/// changed, where both sides have the table, the row and the column.
/// Numbers are the values' business.
pub(super) fn cells(old: &Computed, new: &Computed) -> Vec<CellChange> {
    let mut out = Vec::new();
    let text = |c: &Cell| !matches!(c, Cell::Num { .. });
    for t in &new.tables {
        let Some(was) = old.table(&t.id) else {
            continue;
        };
        for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
            for (c, cell) in t.columns.iter().zip(&r.cells) {
                let Some(before) = was.cell(&r.id, &c.id) else {
                    continue;
                };
                if !(text(cell) && text(before))
                    || matches!((cell, before), (Cell::Missing, Cell::Missing))
                {
                    continue;
                }
                let (a, b) = (
                    crate::numfmt::format_cell(before),
                    crate::numfmt::format_cell(cell),
                );
                if a == b {
                    continue;
                }
                let col = format!("{} {}", c.group.trim(), c.label.trim());
                out.push(CellChange {
                    key: format!("{}.{}.{}", t.id, r.id, c.id),
                    label: format!("{} > {} > {}", t.title, row_label(r), col.trim()),
                    old: a,
                    new: b,
                });
            }
        }
    }
    out
}
