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
    }
}
