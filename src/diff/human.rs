//! The report for a terminal: a few lines per kind of change, the longest
//! lists cut short (json and html have everything).

use super::{Op, Report, Status, Structure};
use std::fmt::Write as _;

/// Lines shown per list before "… and N more".
const LIMIT: usize = 40;

fn more(out: &mut String, total: usize) {
    if total > LIMIT {
        let _ = writeln!(
            out,
            "  … and {} more (--format json or html lists all)",
            total - LIMIT
        );
    }
}

/// `+1.00`, `△0.78`: the plan's sign for a decrease.
fn sign(s: &str) -> String {
    if let Some(n) = s.strip_prefix('-') {
        format!("△{n}")
    } else if s.starts_with('△') {
        s.to_string()
    } else {
        format!("+{s}")
    }
}

/// The report as terminal text.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "신구대비표: {} → {}", r.old, r.new);
    if !r.changed {
        let _ = writeln!(
            out,
            "no changes: the values, tables, published figures and narrative are the same"
        );
        return out;
    }
    let count = |s: Status| r.values.iter().filter(|v| v.status == s).count();
    if r.values.is_empty() {
        let _ = writeln!(out, "\nvalues: none changed");
    } else {
        let _ = writeln!(
            out,
            "\nvalues: {} changed, {} added, {} removed",
            count(Status::Changed),
            count(Status::Added),
            count(Status::Removed)
        );
    }
    // The values sentences quote first: a reader sees those in the text.
    let (quoted, rest): (Vec<_>, Vec<_>) = r.values.iter().partition(|v| !v.quoted_in.is_empty());
    for v in quoted.into_iter().chain(rest).take(LIMIT) {
        let dash = || "-".to_string();
        let o = v.old_shown.clone().unwrap_or_else(dash);
        let n = v.new_shown.clone().unwrap_or_else(dash);
        let mut line = format!("  {}  {}: {o} → {n}", v.key, v.label);
        if let Some(c) = &v.change_shown {
            let _ = write!(line, " ({}", sign(c));
            if let Some(p) = &v.percent {
                let _ = write!(line, ", {}%", sign(p));
            }
            line.push(')');
        } else {
            let _ = write!(line, " ({})", v.status.korean());
        }
        if !v.quoted_in.is_empty() {
            let mut at: Vec<String> = v.quoted_in.iter().map(|p| p.short()).collect();
            at.dedup();
            let _ = write!(line, "  [quoted in {}]", at.join(", "));
        }
        let _ = writeln!(out, "{line}");
    }
    more(&mut out, r.values.len());
    if !r.structure.is_empty() {
        let _ = writeln!(out, "\ntables, rows and columns: {}", r.structure.len());
        for s in r.structure.iter().take(LIMIT) {
            let what = match s.kind {
                Structure::Table => format!("table {}", s.id),
                Structure::Row => format!("row {}.{}", s.table, s.id),
                Structure::Column => format!("column {}.{}", s.table, s.id),
            };
            let _ = writeln!(out, "  {} {what}  {}", s.status.korean(), s.label);
        }
        more(&mut out, r.structure.len());
    }
    if !r.cells.is_empty() {
        let _ = writeln!(out, "\ntext cells: {}", r.cells.len());
        for c in r.cells.iter().take(LIMIT) {
            let _ = writeln!(
                out,
                "  {}  {}: \"{}\" → \"{}\"",
                c.key,
                c.label,
                shorten(&c.old, true),
                shorten(&c.new, true)
            );
        }
        more(&mut out, r.cells.len());
    }
    if !r.published.is_empty() {
        let _ = writeln!(out, "\npublished figures: {}", r.published.len());
        for p in r.published.iter().take(LIMIT) {
            let where_ = match &p.part {
                Some(part) => format!("{} sentence", part.number),
                None => p.file.clone(),
            };
            let _ = writeln!(
                out,
                "  {}  {} ({where_}): \"{}\" → \"{}\"",
                p.key,
                p.label,
                p.old.as_deref().unwrap_or("-"),
                p.new.as_deref().unwrap_or("-")
            );
        }
        more(&mut out, r.published.len());
    }
    if !r.text.is_empty() {
        let _ = writeln!(out, "\nnarrative: {} part(s)", r.text.len());
        for t in &r.text {
            let file = t.part.file.as_deref().unwrap_or("no file");
            let _ = writeln!(
                out,
                "  {} [{}] ({file}; {} word(s) deleted, {} inserted)",
                t.part.heading(),
                t.status.korean(),
                t.words_deleted,
                t.words_inserted
            );
            if let Some(was) = &t.old_title {
                let _ = writeln!(out, "    title was: {was}");
            }
            for h in t.hunks.iter().take(LIMIT) {
                // The line in NEW, or in OLD for a part that NEW lacks.
                let at = if t.status == Status::Removed {
                    h.old_line
                } else {
                    h.new_line
                };
                let mut line = format!("    {at}: ");
                for s in &h.segments {
                    let text = shorten(&s.text, s.op == Op::Equal);
                    match s.op {
                        Op::Equal => line.push_str(&text),
                        Op::Delete => {
                            let _ = write!(line, "[-{text}-]");
                        }
                        Op::Insert => {
                            let _ = write!(line, "{{+{text}+}}");
                        }
                    }
                    line.push(' ');
                }
                let _ = writeln!(out, "{}", line.trim_end());
            }
            more(&mut out, t.hunks.len());
        }
    }
    out
}

/// A long run shown by its ends (context always; a change past 60 words).
fn shorten(text: &str, context: bool) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let keep = if context { 6 } else { 60 };
    if words.len() <= keep * 2 {
        return text.to_string();
    }
    let head = words
        .iter()
        .take(keep)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let tail = words
        .iter()
        .skip(words.len() - keep)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    format!("{head} … {tail}")
}
