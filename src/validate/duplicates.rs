//! Things written twice. W006: a literal table (Markdown or raw HTML) that
//! one edition types and the other types again, cell for cell. Such a table
//! is written once, as a shared block (`::: block ID` … `:::`), and embedded
//! with `{{block ID}}`. And the figures a table's source note quotes
//! (`{{val KEY}}`, instead of typing them again) must exist (E011).

use super::diagnostic::{rel, Diagnostic, Diagnostics};
use super::is_summary;
use crate::compute::Computed;
use crate::load::narrative::Piece;
use crate::load::yaml::Step;
use crate::load::Content;
use std::collections::BTreeMap;
use std::path::Path;

/// The literal tables a narrative types, as written: (first line, text with
/// runs of white space made one space).
pub(super) fn literal_tables(src: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = lines.get(i) {
        let t = first.trim();
        let end = if t.starts_with('|') {
            i + lines
                .iter()
                .skip(i)
                .take_while(|l| l.trim().starts_with('|'))
                .count()
        } else if t.starts_with("<table") {
            i + 1
                + lines
                    .iter()
                    .skip(i)
                    .take_while(|l| !l.contains("</table>"))
                    .count()
        } else {
            i += 1;
            continue;
        };
        let end = end.min(lines.len());
        let text = lines
            .get(i..end)
            .unwrap_or_default()
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect::<Vec<_>>()
            .join(" ");
        out.push((i + 1, text));
        i = end.max(i + 1);
    }
    out
}

/// Reports each summary table that a body narrative types identically, and
/// each unknown figure a table's source note quotes.
pub(super) fn check(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    source_quotes(content, computed, d);
    let mut body: BTreeMap<String, (&Path, usize)> = BTreeMap::new();
    for n in content.narratives.values().filter(|n| !is_summary(&n.path)) {
        for (line, text) in literal_tables(&n.src) {
            body.entry(text).or_insert((n.path.as_path(), line));
        }
    }
    for n in content.narratives.values().filter(|n| is_summary(&n.path)) {
        for (line, text) in literal_tables(&n.src) {
            let Some((path, at)) = body.get(&text) else {
                continue;
            };
            d.push(
                Diagnostic::warning(
                    "W006",
                    format!(
                        "this table is typed in both editions: {} line {at} prints the same cells",
                        path.display()
                    ),
                )
                .at(&n.path, line, 1)
                .help(
                    "write it once: wrap the body's copy in `::: block ID` … `:::` and put `{{block ID}}` here in its place",
                ),
            );
        }
    }
}

/// `{{val KEY}}` in a table's `source:`: the key must name a figure.
fn source_quotes(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    for f in &content.tables {
        for spec in &f.value.tables {
            let Some(src) = spec.source.as_deref().filter(|s| s.contains("{{")) else {
                continue;
            };
            let (n, syntax) = crate::load::narrative::parse(Path::new(""), src);
            let at = f.find(&[Step::Id(&spec.id), Step::Key("source")]);
            for e in syntax {
                d.push(
                    Diagnostic::error("E012", format!("source of `{}`: {}", spec.id, e.message))
                        .at_loc(&rel(&f.path), at)
                        .help("a source note may quote figures as {{val KEY}} (options dp=N, printed=\"…\")"),
                );
            }
            for p in n.pieces() {
                let Piece::Val { key, .. } = p else { continue };
                if !computed.values.contains_key(key) {
                    d.push(
                        Diagnostic::error(
                            "E011",
                            format!("the source of `{}` quotes unknown value `{key}`", spec.id),
                        )
                        .at_loc(&rel(&f.path), at)
                        .help(
                            "value keys are <table>.<row>.<column>, e.g. iii2-cer-general.total.n",
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_markdown_and_html_tables() {
        let t = super::literal_tables(
            "a\n| x |  y |\n|---|---|\n\n<table>\n<tr><td>1</td></tr>\n</table>\nb\n",
        );
        assert_eq!(
            t,
            vec![
                (2, "| x | y | |---|---|".to_string()),
                (5, "<table> <tr><td>1</td></tr> </table>".to_string())
            ]
        );
    }
}
