//! Checks of the narrative's words against the figures it quotes: a
//! direction word (증가/감소, 상승/하락, ↑/↓) right after a quoted rate
//! must agree with the rate's sign ("△0.49%↑" is a contradiction the
//! published plan can carry unnoticed).

use super::diagnostic::{Diagnostic, Diagnostics};
use crate::compute::Computed;
use crate::load::narrative::Piece;
use crate::load::Content;
use crate::numfmt::{parse_printed, Printed};
use rust_decimal::Decimal;

/// The direction the words right after a figure state: up, down or none.
/// Only the first marker counts, and only before the next figure or the
/// end of the clause.
pub fn direction_after(text: &str) -> Option<bool> {
    // Only a rate has a sign to state: the figure is followed by % (or an
    // arrow); "1,097종으로 … 감소추세" speaks of a series, not of a sign.
    let t = text.trim_start();
    if !t.starts_with(['%', '↑', '↓', '▲', '▼']) {
        return None;
    }
    for (n, c) in text.chars().enumerate() {
        if n > 16 || matches!(c, ',' | '.' | ';' | '·') {
            return None;
        }
        match c {
            '↑' | '▲' => return Some(true),
            '↓' | '▼' => return Some(false),
            _ => {}
        }
        let rest: String = text.chars().skip(n).take(2).collect();
        match rest.as_str() {
            "증가" | "상승" | "성장" => return Some(true),
            "감소" | "하락" | "축소" => return Some(false),
            _ => {}
        }
    }
    None
}

pub(super) fn directions(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    // The figure a sentence shows: as it printed it, else as the table
    // printed it, else as computed.
    let published = crate::publish::published_figures(content);
    for n in content.narratives.values() {
        for pieces in n.text_lines() {
            for (i, p) in pieces.iter().enumerate() {
                let Piece::Val {
                    key,
                    printed,
                    line,
                    col,
                    ..
                } = p
                else {
                    continue;
                };
                let Some(Piece::Text(after)) = pieces.get(i + 1) else {
                    continue;
                };
                let Some(up) = direction_after(after) else {
                    continue;
                };
                let shown = printed
                    .as_deref()
                    .or(published.get(key).map(String::as_str));
                let value = match shown.and_then(parse_printed) {
                    Some(Printed::Num { value, .. }) => Some(value),
                    _ => computed.values.get(key).map(|v| v.value),
                };
                let Some(v) = value else { continue };
                if v == Decimal::ZERO || (v > Decimal::ZERO) == up {
                    continue;
                }
                let (word, sign) = if up {
                    ("an increase", "negative")
                } else {
                    ("a decrease", "positive")
                };
                d.push(
                    Diagnostic::warning(
                        "W007",
                        format!(
                            "the sentence states {word} after `{key}`, whose figure ({}) is {sign}",
                            crate::numfmt::format_fixed(v, v.scale().min(2))
                        ),
                    )
                    .at(&n.path, *line, *col)
                    .figure(key)
                    .help("check the word or the figure: △ marks a negative figure"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_direction_after_a_figure() {
        assert_eq!(direction_after("%↑)은 증가"), Some(true));
        assert_eq!(direction_after("% ↓"), Some(false));
        assert_eq!(direction_after("%로 감소하였으나"), Some(false));
        assert_eq!(direction_after("%, 종사자 수는 증가"), None);
        assert_eq!(direction_after("명"), None);
        assert_eq!(direction_after("종으로 지속적인 감소추세"), None);
    }
}

/// A figure worth matching: decimals, or a whole number of two digits or
/// more that is not a year.
fn significant(token: &str) -> bool {
    let digits: String = token.chars().filter(char::is_ascii_digit).collect();
    if let Some((_, frac)) = token.split_once('.') {
        return frac.len() >= 2;
    }
    let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    digits.len() >= 3 && !year
}

/// The figures typed in a line (outside directives), with their columns:
/// `1,234.5`, `△0.24`, `12`.
fn typed_figures(line: &str) -> Vec<(usize, String)> {
    // Directives blanked out, so that columns stay those of the line.
    let mut masked: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i + 1 < masked.len() {
        if masked.get(i) == Some(&'{') && masked.get(i + 1) == Some(&'{') {
            let mut j = i;
            while j < masked.len()
                && !(masked.get(j) == Some(&'}') && masked.get(j + 1) == Some(&'}'))
            {
                if let Some(c) = masked.get_mut(j) {
                    *c = ' ';
                }
                j += 1;
            }
            for k in j..(j + 2).min(masked.len()) {
                if let Some(c) = masked.get_mut(k) {
                    *c = ' ';
                }
            }
            i = j + 2;
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < masked.len() {
        let c = masked.get(k).copied().unwrap_or(' ');
        let starts =
            c.is_ascii_digit() || (c == '△' && masked.get(k + 1).is_some_and(char::is_ascii_digit));
        let after_word = k > 0
            && masked
                .get(k - 1)
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == '.' || *p == ',' || *p == '-');
        if !starts || after_word {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while j < masked.len() {
            let c = masked.get(j).copied().unwrap_or(' ');
            let digit_next = masked.get(j + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() || ((c == ',' || c == '.') && digit_next) {
                j += 1;
            } else {
                break;
            }
        }
        let token: String = masked.get(k..j).unwrap_or_default().iter().collect();
        out.push((k + 1, token));
        k = j;
    }
    out
}

/// Figures typed in prose that restate a figure of a table the same file
/// embeds: a note (N004) naming the cell, so that the author quotes it with
/// `{{val}}` and the number has one source.
pub(super) fn restated(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    use std::collections::BTreeMap;
    let published = crate::publish::published_figures(content);
    for n in content.narratives.values() {
        let mut shown: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (kind, id, _, _) in n.embeds() {
            if kind != crate::load::narrative::EmbedKind::Table {
                continue;
            }
            let Some(t) = computed.table(id) else {
                continue;
            };
            for r in &t.rows {
                for (c, cell) in t.columns.iter().zip(&r.cells) {
                    let key = format!("{}.{}.{}", t.id, r.id, c.id);
                    let text = published
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| crate::numfmt::format_cell(cell));
                    if significant(&text) && text.chars().any(|c| c.is_ascii_digit()) {
                        shown.entry(text).or_default().push(key);
                    }
                }
            }
        }
        if shown.is_empty() {
            continue;
        }
        for (i, line) in n.src.lines().enumerate() {
            let t = line.trim_start();
            // Tables typed in the narrative are data of their own.
            if t.starts_with('|') || t.starts_with('<') || t.starts_with(":::") {
                continue;
            }
            for (col, token) in typed_figures(line) {
                // "상위 10%", "(110%)": whole percentages are rules, not figures.
                let pct = line
                    .chars()
                    .skip(col - 1 + token.chars().count())
                    .find(|c| !c.is_whitespace())
                    == Some('%');
                if !significant(&token) || (pct && !token.contains('.')) {
                    continue;
                }
                let Some(keys) = shown.get(&token) else {
                    continue;
                };
                let list: Vec<&str> = keys.iter().take(3).map(String::as_str).collect();
                let key = list.first().copied().unwrap_or_default();
                d.push(
                    Diagnostic::note(
                        "N004",
                        format!(
                            "the figure {token} is typed here and printed in the table beside it ({})",
                            list.join(", ")
                        ),
                    )
                    .at(&n.path, i + 1, col)
                    .help(format!(
                        "quote it from the table: {{{{val {key} printed=\"{token}\"}}}}"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod restated_tests {
    use super::*;

    #[test]
    fn finds_typed_figures_outside_directives() {
        let f = typed_figures("총 249개 기업, CAGR {{val a.b.c}}%↑, △0.24%와 1,234.5억원 (2023년)");
        let tokens: Vec<&str> = f.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(tokens, vec!["249", "△0.24", "1,234.5", "2023"]);
        assert_eq!(f.first().map(|x| x.0), Some(3));
        assert!(significant("249") && significant("0.52") && significant("1,234"));
        assert!(
            !significant("2023") && !significant("7") && !significant("10") && !significant("0.5")
        );
    }
}
