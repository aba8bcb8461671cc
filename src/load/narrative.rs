//! Narrative Markdown with planbook directives.
//!
//! - block embeds, alone on a line: `{{table ID}}`, `{{chart ID}}`,
//!   `{{records ID}}` (a whole record collection), `{{record ID ITEM}}` (one record)
//! - containers: `::: keypoint` / `::: note` / `::: box` … `:::`
//! - inline: `{{val KEY}}`, `{{val KEY dp=3}}`, `{{val KEY update}}`, `{{ref ID}}`
//!
//! The parser only records what is asked for and where; ids are resolved by
//! validation once the values are computed.

use crate::validate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// `missing` marks a figure whose data the seed lost (원자료 미수록).
pub const CONTAINERS: [&str; 4] = ["keypoint", "note", "box", "missing"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedKind {
    Table,
    Chart,
    /// A record collection (`id`) or one record of it (`id/item`).
    Records,
    /// A feedback or committee table.
    Feedback,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Val {
        key: String,
        dp: Option<u32>,
        /// The figure the published plan printed here (`printed="5.54"`):
        /// the page shows it, marked when the value does not allow it.
        printed: Option<String>,
        /// `update`: the value's meaning moved with the year (a new edition
        /// made by `new-edition`); the page marks the sentence 갱신 필요 and
        /// a value still to supply reads 자료 입력 필요.
        update: bool,
        line: usize,
        col: usize,
    },
    Ref {
        id: String,
        line: usize,
        col: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Text(Vec<Piece>),
    Embed {
        kind: EmbedKind,
        id: String,
        line: usize,
        col: usize,
    },
    Open {
        kind: String,
        line: usize,
    },
    Close,
}

#[derive(Debug, Clone)]
pub struct Narrative {
    pub path: PathBuf,
    pub lines: Vec<Line>,
    /// The file's text, for checks that read it as written.
    pub src: String,
}

impl Narrative {
    /// Placeholders of figures whose data is missing: (line, first text).
    pub fn missing_figures(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            if let Line::Open { kind, line } = l {
                if kind == "missing" {
                    let text = self
                        .lines
                        .iter()
                        .skip(i + 1)
                        .take_while(|l| !matches!(l, Line::Close))
                        .filter_map(|l| match l {
                            Line::Text(p) => Some(
                                p.iter()
                                    .map(|x| match x {
                                        Piece::Text(t) => t.as_str(),
                                        _ => "",
                                    })
                                    .collect::<String>(),
                            ),
                            _ => None,
                        })
                        .map(|t| t.trim().to_string())
                        .find(|t| !t.is_empty())
                        .unwrap_or_default();
                    out.push((*line, text));
                }
            }
        }
        out
    }

    pub fn embeds(&self) -> impl Iterator<Item = (EmbedKind, &str, usize, usize)> {
        self.lines.iter().filter_map(|l| match l {
            Line::Embed {
                kind,
                id,
                line,
                col,
            } => Some((*kind, id.as_str(), *line, *col)),
            _ => None,
        })
    }

    pub fn pieces(&self) -> impl Iterator<Item = &Piece> {
        self.lines.iter().flat_map(|l| match l {
            Line::Text(p) => p.as_slice(),
            _ => &[],
        })
    }
}

/// Parses a narrative file; syntax errors are located diagnostics.
pub fn parse(path: &Path, src: &str) -> (Narrative, Vec<Diagnostic>) {
    let mut lines = Vec::new();
    let mut diags = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let ln = i + 1;
        let t = raw.trim();
        if let Some(rest) = t.strip_prefix(":::") {
            let name = rest.trim();
            if name.is_empty() {
                if open.pop().is_none() {
                    diags.push(
                        Diagnostic::error("E012", "`:::` closes a container that was never opened")
                            .at(path, ln, 1)
                            .help(
                                "remove this line, or open a container above with `::: keypoint`",
                            ),
                    );
                } else {
                    lines.push(Line::Close);
                }
            } else if CONTAINERS.contains(&name) {
                open.push(ln);
                lines.push(Line::Open {
                    kind: name.into(),
                    line: ln,
                });
            } else {
                diags.push(
                    Diagnostic::error("E012", format!("unknown container `{name}`"))
                        .at(path, ln, 5)
                        .help(format!("use one of: {}", CONTAINERS.join(", "))),
                );
            }
            continue;
        }
        if let Some(embed) = block_embed(t) {
            let col = raw.len() - raw.trim_start().len() + 1;
            match embed {
                Ok((kind, id)) => lines.push(Line::Embed {
                    kind,
                    id,
                    line: ln,
                    col,
                }),
                Err(msg) => diags.push(Diagnostic::error("E012", msg).at(path, ln, col)),
            }
            continue;
        }
        let (pieces, mut d) = inline(path, raw, ln);
        diags.append(&mut d);
        lines.push(Line::Text(pieces));
    }
    for ln in open {
        diags.push(
            Diagnostic::error("E012", "container is never closed")
                .at(path, ln, 1)
                .help("add a line with `:::` where the box ends"),
        );
    }
    (
        Narrative {
            path: path.to_path_buf(),
            lines,
            src: src.to_string(),
        },
        diags,
    )
}

fn block_embed(t: &str) -> Option<Result<(EmbedKind, String), String>> {
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let mut parts = inner.split_whitespace();
    let kind = match parts.next()? {
        "table" => EmbedKind::Table,
        "chart" => EmbedKind::Chart,
        "records" => EmbedKind::Records,
        "feedback" => EmbedKind::Feedback,
        "record" => {
            return Some(match (parts.next(), parts.next(), parts.next()) {
                (Some(c), Some(item), None) => Ok((EmbedKind::Records, format!("{c}/{item}"))),
                _ => Err(format!("`{{{{{inner}}}}}` must name a collection and a record, e.g. `{{{{record item-sheets bio-1}}}}`")),
            })
        }
        _ => return None,
    };
    Some(match (parts.next(), parts.next()) {
        (Some(id), None) => Ok((kind, id.to_string())),
        _ => Err(format!(
            "`{{{{{inner}}}}}` must name exactly one id, e.g. `{{{{table budget-plan}}}}`"
        )),
    })
}

fn inline(path: &Path, raw: &str, ln: usize) -> (Vec<Piece>, Vec<Diagnostic>) {
    let mut pieces = Vec::new();
    let mut diags = Vec::new();
    let mut rest = raw;
    let mut offset = 0usize; // bytes consumed
    while let Some(start) = rest.find("{{") {
        let col = raw[..offset + start].chars().count() + 1;
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            diags.push(
                Diagnostic::error("E012", "`{{` is not closed on this line")
                    .at(path, ln, col)
                    .help("directives are written on one line, e.g. `{{val budget-plan.total.total25}}`"),
            );
            pieces.push(Piece::Text(rest[start..].to_string()));
            return (pieces, diags);
        };
        let inner = after[..end].trim();
        let mut parts = inner.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some("val"), Some(key)) => {
                let mut dp = None;
                let mut printed = None;
                let mut update = false;
                let mut ok = true;
                for opt in parts {
                    if opt == "update" {
                        update = true;
                        continue;
                    }
                    let as_dp = opt.strip_prefix("dp=").and_then(|v| v.parse::<u32>().ok());
                    let as_printed = opt
                        .strip_prefix("printed=")
                        .map(|v| v.trim_matches('"'))
                        .filter(|v| crate::numfmt::parse_printed(v).is_some());
                    match (as_dp, as_printed) {
                        (Some(v), _) if v <= 6 => dp = Some(v),
                        (_, Some(v)) => printed = Some(v.to_string()),
                        _ => {
                            ok = false;
                            let help = if opt.starts_with("printed=") {
                                "write the figure as printed, in quotes: printed=\"5.54\" (△ for negatives, - or ***)"
                            } else {
                                "the options are dp=N (0–6 decimals), printed=\"FIGURE\" and update, e.g. `{{val KEY dp=3}}`"
                            };
                            diags.push(
                                Diagnostic::error("E012", format!("unknown option `{opt}` in `{{{{{inner}}}}}`"))
                                    .at(path, ln, col)
                                    .help(help),
                            );
                        }
                    }
                }
                if ok {
                    pieces.push(Piece::Val {
                        key: key.to_string(),
                        dp,
                        printed,
                        update,
                        line: ln,
                        col,
                    });
                }
            }
            (Some("ref"), Some(id)) if parts.next().is_none() => pieces.push(Piece::Ref {
                id: id.to_string(),
                line: ln,
                col,
            }),
            (Some(kind @ ("table" | "chart" | "records" | "record" | "feedback")), _) => diags.push(
                Diagnostic::error(
                    "E012",
                    format!("`{{{{{kind} …}}}}` must stand alone on its line"),
                )
                .at(path, ln, col)
                .help("put the table or chart on a line of its own"),
            ),
            _ => diags.push(
                Diagnostic::error("E012", format!("unknown directive `{{{{{inner}}}}}`"))
                    .at(path, ln, col)
                    .help("directives: {{val KEY}}, {{ref ID}}, {{table ID}}, {{chart ID}}, {{records ID}}, {{record ID ITEM}}"),
            ),
        }
        let consumed = start + 2 + end + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    (pieces, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> (Narrative, Vec<Diagnostic>) {
        parse(Path::new("x.md"), src)
    }

    #[test]
    fn parses_values_refs_embeds_and_containers() {
        let (n, d) = p("::: keypoint\n총 {{val budget-plan.total.total25}}억원 ({{ref budget-plan}})\n:::\n\n{{table budget-plan}}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            n.lines[0],
            Line::Open {
                kind: "keypoint".into(),
                line: 1
            }
        );
        let Line::Text(pieces) = &n.lines[1] else {
            panic!("text line")
        };
        assert_eq!(pieces[0], Piece::Text("총 ".into()));
        assert!(
            matches!(&pieces[1], Piece::Val { key, col: 3, line: 2, .. } if key == "budget-plan.total.total25")
        );
        assert!(matches!(&pieces[3], Piece::Ref { id, .. } if id == "budget-plan"));
        assert_eq!(n.embeds().count(), 1);
    }

    #[test]
    fn reports_located_syntax_errors() {
        let (_, d) = p("a {{val x\n{{frobnicate y}}\n::: keypoint\n");
        let codes: Vec<_> = d.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(
            codes,
            vec![(Some(1), Some(3)), (Some(2), Some(1)), (Some(3), Some(1))]
        );
        let (_, d) = p(":::\n{{val k dp=x}}\n");
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn text_without_directives_is_kept() {
        let (n, d) = p("plain 텍스트\n");
        assert!(d.is_empty());
        assert_eq!(
            n.lines[0],
            Line::Text(vec![Piece::Text("plain 텍스트".into())])
        );
    }
}
