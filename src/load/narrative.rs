//! Narrative Markdown with planbook directives.
//!
//! - block embeds, alone on a line: `{{table ID}}`, `{{chart ID}}`,
//!   `{{records ID}}` (a whole record collection), `{{record ID ITEM}}` (one record)
//! - containers: `::: keypoint` / `::: note` / `::: box` … `:::`
//! - shared blocks: `::: block ID` … `:::` names its lines (printed where
//!   they stand, with no frame); `{{block ID}}` alone on a line prints them
//!   again, in any narrative of either edition
//! - inline: `{{val KEY}}`, `{{val KEY dp=3}}`, `{{val KEY update}}`, `{{ref ID}}`,
//!   `{{count SOURCE printed="5"}}` (a count the sentence states, checked
//!   against the items its source lists)
//!
//! The parser only records what is asked for and where; ids are resolved by
//! validation once the values are computed.

use crate::validate::diagnostic::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};
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
        /// An acknowledged misquote of the published plan, with the
        /// author's reason (`accepted="…"`): still marked, no warning.
        accepted: Option<String>,
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
    /// A count the sentence states ("5대 프로젝트 13개 단위과제"): the page
    /// prints `printed`, and `check` counts the items of `source` (a record
    /// collection, a table of `data/`, `above`/`below`: the nearest
    /// literal table of this file before/after the sentence, or `this`: the
    /// literal table the count stands in).
    Count {
        source: String,
        /// A record collection: count the entries of this list field of
        /// each record instead of the records.
        field: Option<String>,
        /// Only the items that match: `KEY:VALUE` (a record's field or a
        /// data table's input column), or for a literal table a text some
        /// cell of the row starts with (`★`).
        filter: Option<String>,
        /// The count the published plan printed; `None` in a new edition's
        /// text, which states what the source holds.
        printed: Option<String>,
        /// What the page prints: `printed`, or the count of the source
        /// (filled in by `validate::resolve_counts` once everything is read).
        shown: String,
        accepted: Option<String>,
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
    /// `{{block ID}}`: the lines of the block defined as `::: block ID`,
    /// filled in by [`resolve_blocks`] once every narrative is read.
    Block {
        id: String,
        line: usize,
        col: usize,
        lines: Vec<Line>,
    },
}

/// A `::: block ID` … `:::` definition: `lines[start..end]` of its file.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockDef {
    pub id: String,
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub struct Narrative {
    pub path: PathBuf,
    pub lines: Vec<Line>,
    /// The file's text, for checks that read it as written.
    pub src: String,
    /// The shared blocks this file defines.
    pub blocks: Vec<BlockDef>,
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

    /// The pieces of each text line, line by line.
    pub fn text_lines(&self) -> impl Iterator<Item = &[Piece]> {
        self.lines.iter().filter_map(|l| match l {
            Line::Text(p) => Some(p.as_slice()),
            _ => None,
        })
    }

    /// The tables and charts the file embeds, with those of the shared
    /// blocks it embeds (in page order).
    pub fn embeds_deep(&self) -> Vec<(EmbedKind, &str)> {
        fn walk<'a>(lines: &'a [Line], out: &mut Vec<(EmbedKind, &'a str)>) {
            for l in lines {
                match l {
                    Line::Embed { kind, id, .. } => out.push((*kind, id.as_str())),
                    Line::Block { lines, .. } => walk(lines, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.lines, &mut out);
        out
    }

    /// The `{{block ID}}` embeds the file writes: (id, line, column).
    pub fn block_embeds(&self) -> impl Iterator<Item = (&str, usize, usize)> {
        self.lines.iter().filter_map(|l| match l {
            Line::Block { id, line, col, .. } => Some((id.as_str(), *line, *col)),
            _ => None,
        })
    }

    /// The inline pieces the page prints: the file's own and those of the
    /// shared blocks it embeds.
    pub fn pieces_deep(&self) -> Vec<&Piece> {
        fn walk<'a>(lines: &'a [Line], out: &mut Vec<&'a Piece>) {
            for l in lines {
                match l {
                    Line::Text(p) => out.extend(p),
                    Line::Block { lines, .. } => walk(lines, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.lines, &mut out);
        out
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
    // Open containers: their line, and for a block its index in `blocks`
    // (`Some(None)` for one whose id was refused).
    let mut open: Vec<(usize, Option<Option<usize>>)> = Vec::new();
    let mut blocks: Vec<BlockDef> = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let ln = i + 1;
        let t = raw.trim();
        if let Some(rest) = t.strip_prefix(":::") {
            let name = rest.trim();
            if name.is_empty() {
                let Some((_, block)) = open.pop() else {
                    diags.push(
                        Diagnostic::error("E012", "`:::` closes a container that was never opened")
                            .at(path, ln, 1)
                            .help(
                                "remove this line, or open a container above with `::: keypoint`",
                            ),
                    );
                    continue;
                };
                // A block's markers print nothing: its lines stand as written.
                match block {
                    Some(b) => {
                        if let Some(b) = b.and_then(|b| blocks.get_mut(b)) {
                            b.end = lines.len();
                        }
                    }
                    None => lines.push(Line::Close),
                }
            } else if let Some(id) = name.strip_prefix("block ").map(str::trim) {
                match super::check_id(id) {
                    Ok(()) => {
                        open.push((ln, Some(Some(blocks.len()))));
                        blocks.push(BlockDef {
                            id: id.to_string(),
                            line: ln,
                            start: lines.len(),
                            end: lines.len(),
                        });
                    }
                    Err(e) => {
                        diags.push(
                            Diagnostic::error("E003", format!("block id {e}"))
                                .at(path, ln, 11)
                                .help(super::ID_HELP),
                        );
                        open.push((ln, Some(None)));
                    }
                }
            } else if CONTAINERS.contains(&name) {
                open.push((ln, None));
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
                Ok((None, id)) => lines.push(Line::Block {
                    id,
                    line: ln,
                    col,
                    lines: Vec::new(),
                }),
                Ok((Some(kind), id)) => lines.push(Line::Embed {
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
    for (ln, _) in open {
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
            blocks,
        },
        diags,
    )
}

/// A line that is one block directive: the embed kind (`None` for a shared
/// `{{block ID}}`) and its id.
fn block_embed(t: &str) -> Option<Result<(Option<EmbedKind>, String), String>> {
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let mut parts = inner.split_whitespace();
    let kind = match parts.next()? {
        "table" => Some(EmbedKind::Table),
        "chart" => Some(EmbedKind::Chart),
        "records" => Some(EmbedKind::Records),
        "feedback" => Some(EmbedKind::Feedback),
        "block" => None,
        "record" => {
            return Some(match (parts.next(), parts.next(), parts.next()) {
                (Some(c), Some(item), None) => Ok((Some(EmbedKind::Records), format!("{c}/{item}"))),
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
        // `accepted="…"` holds free text: taken out before the options split.
        let (accepted, options) = match inner.split_once("accepted=\"") {
            Some((head, tail)) => match tail.split_once('"') {
                Some((reason, rest)) => (Some(reason.trim().to_string()), format!("{head} {rest}")),
                None => (None, inner.to_string()),
            },
            None => (None, inner.to_string()),
        };
        let mut parts = options.split_whitespace();
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
                if accepted.is_some() && printed.is_none() {
                    ok = false;
                    diags.push(
                        Diagnostic::error("E012", format!("`accepted` without `printed` in `{{{{{inner}}}}}`"))
                            .at(path, ln, col)
                            .help("an accepted erratum is a printed figure: `{{val KEY printed=\"5.54\" accepted=\"why\"}}`"),
                    );
                }
                if ok {
                    pieces.push(Piece::Val {
                        key: key.to_string(),
                        dp,
                        printed,
                        accepted: accepted.clone(),
                        update,
                        line: ln,
                        col,
                    });
                }
            }
            (Some("count"), Some(source)) => {
                match count_options(parts) {
                    Ok((_, _, None)) if accepted.is_some() => diags.push(
                        Diagnostic::error("E012", format!("`accepted` without `printed` in `{{{{{inner}}}}}`"))
                            .at(path, ln, col)
                            .help("an accepted erratum names the count as printed: `{{count v2-rise printed=\"13\" accepted=\"why\"}}`"),
                    ),
                    Ok((field, filter, printed)) => pieces.push(Piece::Count {
                        source: source.to_string(),
                        field,
                        filter,
                        shown: printed.clone().unwrap_or_default(),
                        printed,
                        accepted: accepted.clone(),
                        line: ln,
                        col,
                    }),
                    Err(opt) => diags.push(
                        Diagnostic::error("E012", format!("unknown option `{opt}` in `{{{{{inner}}}}}`"))
                            .at(path, ln, col)
                            .help("the options are printed=\"N\" (a whole number as printed), field=LIST, where=KEY:VALUE or where=MARK, accepted=\"why\""),
                    ),
                }
            }
            (Some("ref"), Some(id)) if parts.next().is_none() => pieces.push(Piece::Ref {
                id: id.to_string(),
                line: ln,
                col,
            }),
            (Some(kind @ ("table" | "chart" | "records" | "record" | "feedback" | "block")), _) => diags.push(
                Diagnostic::error(
                    "E012",
                    format!("`{{{{{kind} …}}}}` must stand alone on its line"),
                )
                .at(path, ln, col)
                .help("put the table, chart or block on a line of its own"),
            ),
            _ => diags.push(
                Diagnostic::error("E012", format!("unknown directive `{{{{{inner}}}}}`"))
                    .at(path, ln, col)
                    .help("directives: {{val KEY}}, {{ref ID}}, {{count SOURCE printed=\"N\"}}, {{table ID}}, {{chart ID}}, {{records ID}}, {{record ID ITEM}}, {{block ID}}"),
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

/// The options of `{{count}}`: (field, filter, printed); an option it does
/// not know, or a printed count that is not a whole number, is returned.
#[allow(clippy::type_complexity)]
fn count_options<'a>(
    parts: impl Iterator<Item = &'a str>,
) -> Result<(Option<String>, Option<String>, Option<String>), String> {
    let (mut field, mut filter, mut printed) = (None, None, None);
    for opt in parts {
        let value = |k: &str| {
            opt.strip_prefix(k)
                .map(|v| v.trim_matches('"'))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if let Some(v) = value("printed=") {
            // Only a whole number is a count: "1,096" as printed, not "5.5".
            if parse_count(&v).is_none() {
                return Err(opt.to_string());
            }
            printed = Some(v);
        } else if let Some(v) = value("field=") {
            field = Some(v);
        } else if let Some(v) = value("where=") {
            filter = Some(v);
        } else {
            return Err(opt.to_string());
        }
    }
    Ok((field, filter, printed))
}

/// A count as printed ("13", "1,096"), or `None` when it is not one.
pub fn parse_count(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || s.starts_with(',') {
        return None;
    }
    digits.parse().ok()
}

/// How deep shared blocks may embed one another.
pub const MAX_BLOCK_DEPTH: usize = 16;

/// Fills every `{{block ID}}` of the narratives with the lines of its
/// `::: block ID` definition (itself resolved). An id defined twice, an
/// unknown id, a block that embeds itself (directly or through others) and
/// blocks nested deeper than [`MAX_BLOCK_DEPTH`] are located errors.
pub fn resolve_blocks<'a>(
    narratives: impl IntoIterator<Item = &'a mut Narrative>,
) -> Vec<Diagnostic> {
    let mut all: Vec<&mut Narrative> = narratives.into_iter().collect();
    let mut diags = Vec::new();
    let mut defs: BTreeMap<String, (PathBuf, Vec<Line>)> = BTreeMap::new();
    for n in &all {
        for b in &n.blocks {
            if let Some((first, _)) = defs.get(&b.id) {
                diags.push(
                    Diagnostic::error("E010", format!("block `{}` is defined twice", b.id))
                        .at(&n.path, b.line, 11)
                        .help(format!(
                            "it is already defined in {}; embed that one with `{{{{block {}}}}}`, or rename this one",
                            first.display(),
                            b.id
                        )),
                );
                continue;
            }
            let lines = n.lines.get(b.start..b.end).unwrap_or_default().to_vec();
            defs.insert(b.id.clone(), (n.path.clone(), lines));
        }
    }
    let mut r = Resolver {
        defs,
        done: BTreeMap::new(),
        stack: Vec::new(),
        reported: BTreeSet::new(),
        diags,
    };
    let ids: Vec<String> = r.defs.keys().cloned().collect();
    for id in ids {
        r.resolve(&id);
    }
    for n in &mut all {
        let path = n.path.clone();
        r.fill(&mut n.lines, &path);
    }
    r.diags
}

struct Resolver {
    defs: BTreeMap<String, (PathBuf, Vec<Line>)>,
    done: BTreeMap<String, Vec<Line>>,
    stack: Vec<String>,
    reported: BTreeSet<(PathBuf, usize, usize)>,
    diags: Vec<Diagnostic>,
}

impl Resolver {
    fn resolve(&mut self, id: &str) -> Option<Vec<Line>> {
        if let Some(done) = self.done.get(id) {
            return Some(done.clone());
        }
        let (path, mut lines) = self.defs.get(id).cloned()?;
        self.stack.push(id.to_string());
        self.fill(&mut lines, &path);
        self.stack.pop();
        self.done.insert(id.to_string(), lines.clone());
        Some(lines)
    }

    fn fill(&mut self, lines: &mut [Line], path: &Path) {
        for l in lines.iter_mut() {
            let Line::Block {
                id,
                line,
                col,
                lines: inner,
            } = l
            else {
                continue;
            };
            let at = (path.to_path_buf(), *line, *col);
            let error = if self.stack.iter().any(|s| s == id) {
                Some(
                    Diagnostic::error("E011", format!("block `{id}` embeds itself"))
                        .help(format!(
                            "a block may not embed itself, directly or through other blocks ({} → {id})",
                            self.stack.join(" → ")
                        )),
                )
            } else if self.stack.len() >= MAX_BLOCK_DEPTH {
                Some(
                    Diagnostic::error("E011", format!("block `{id}` is nested too deep")).help(
                        format!("blocks embed one another at most {MAX_BLOCK_DEPTH} deep"),
                    ),
                )
            } else if !self.defs.contains_key(id.as_str()) {
                let known: Vec<&str> = self.defs.keys().map(String::as_str).collect();
                Some(
                    Diagnostic::error("E011", format!("unknown block `{id}`")).help(
                        if known.is_empty() {
                            "define it in a narrative with `::: block ID` … `:::`".to_string()
                        } else {
                            format!(
                                "define it with `::: block {id}` … `:::`; blocks: {}",
                                known.join(", ")
                            )
                        },
                    ),
                )
            } else {
                None
            };
            match error {
                Some(d) => {
                    if self.reported.insert(at) {
                        self.diags.push(d.at(path, *line, *col));
                    }
                }
                None => {
                    let id = id.clone();
                    if let Some(resolved) = self.resolve(&id) {
                        *inner = resolved;
                    }
                }
            }
        }
    }
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

    #[test]
    fn blocks_are_defined_once_and_embedded_elsewhere() {
        let (mut body, d) = parse(
            Path::new("body.md"),
            "앞\n::: block crit\n| a | b |\n|---|---|\n::: note\n※ 주\n:::\n:::\n뒤\n",
        );
        assert!(d.is_empty(), "{d:?}");
        // The markers print nothing: the lines stand as written.
        assert_eq!(body.lines.len(), 7);
        assert_eq!(body.blocks.len(), 1);
        let (mut sum, d) = parse(Path::new("sum.md"), "요약\n{{block crit}}\n");
        assert!(d.is_empty(), "{d:?}");
        let d = resolve_blocks([&mut body, &mut sum]);
        assert!(d.is_empty(), "{d:?}");
        let Some(Line::Block { lines, .. }) = sum.lines.get(1) else {
            panic!("a block line")
        };
        assert_eq!(lines.len(), 5);
        assert_eq!(sum.block_embeds().count(), 1);
    }

    #[test]
    fn unknown_duplicate_and_self_embedding_blocks_are_located_errors() {
        let (mut a, _) = parse(
            Path::new("a.md"),
            "::: block x\n{{block y}}\n:::\n::: block y\n{{block x}}\n:::\n{{block nope}}\n",
        );
        let (mut b, _) = parse(
            Path::new("b.md"),
            "::: block x\n:::\n::: block s\n{{block s}}\n:::\n",
        );
        let d = resolve_blocks([&mut a, &mut b]);
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.code, d.file.clone().unwrap_or_default(), d.line))
            .collect();
        assert!(got.contains(&("E010", "b.md".into(), Some(1))), "{got:?}");
        assert!(got.contains(&("E011", "a.md".into(), Some(7))), "{got:?}");
        assert!(got.contains(&("E011", "b.md".into(), Some(4))), "{got:?}");
        assert!(
            got.iter()
                .any(|g| g.1 == "a.md" && (g.2 == Some(2) || g.2 == Some(5))),
            "{got:?}"
        );
        assert_eq!(d.len(), 4, "{got:?}");
        let (_, d) = parse(
            Path::new("c.md"),
            "::: block 한글\n:::\n텍스트 {{block x}}\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
    }
}
