//! The one error type of planbook: a located, coded message for the author.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Information for the author (data to supply); never fails a check.
    Note,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For audit findings: the figure as published and as computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// For audit findings: the figure's id, `table.row.column`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figure: Option<String>,
    /// For a finding that disappears once the published figure of another
    /// one is used in its place: that root finding's figure id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// For a root finding: how many findings depend on it.
    #[serde(skip_serializing_if = "is_zero")]
    pub dependents: usize,
    /// For audit findings: the range the computed figure can take given its
    /// inputs' precision, `[low, high]`, where it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<[String; 2]>,
    /// For an accepted erratum (A001): the author's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            help: None,
            printed: None,
            interval: None,
            reason: None,
            computed: None,
            figure: None,
            root: None,
            dependents: 0,
        }
    }

    pub fn figures(mut self, printed: &str, computed: &str) -> Self {
        self.printed = Some(printed.to_string());
        self.computed = Some(computed.to_string());
        self
    }

    pub fn figure(mut self, id: &str) -> Self {
        self.figure = Some(id.to_string());
        self
    }

    /// The computed figure's range, written to six decimals outward.
    pub fn interval(mut self, range: Option<crate::calc::interval::Interval>) -> Self {
        use rust_decimal::RoundingStrategy::{ToNegativeInfinity, ToPositiveInfinity};
        self.interval = range.map(|r| {
            [
                r.lo.round_dp_with_strategy(6, ToNegativeInfinity)
                    .normalize()
                    .to_string(),
                r.hi.round_dp_with_strategy(6, ToPositiveInfinity)
                    .normalize()
                    .to_string(),
            ]
        });
        self
    }

    pub fn reason(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_string());
        self
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, file: &Path, line: usize, column: usize) -> Self {
        self.file = Some(display_path(file));
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(display_path(file));
        self
    }

    pub fn at_loc(self, file: &Path, loc: Option<(usize, usize)>) -> Self {
        match loc {
            Some((l, c)) => self.at(file, l, c),
            None => self.in_file(file),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A template error (E030) whose message starts `file:line:col: …`
    /// (or `file: …`) gets that location as fields.
    pub fn template_error(msg: &str) -> Self {
        let d = Diagnostic::error("E030", msg)
            .help("fix the template; content/FORMAT.md lists what templates may do");
        let mut parts = msg.splitn(4, ':');
        let (Some(file), Some(l), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
            return d;
        };
        match (l.trim().parse::<usize>(), c.trim().parse::<usize>()) {
            (Ok(l), Ok(c)) => {
                let rest = parts.next().unwrap_or("").trim().to_string();
                Diagnostic { message: rest, ..d }.at(Path::new(file), l, c)
            }
            (Ok(l), Err(_)) => Diagnostic {
                message: msg.splitn(3, ':').nth(2).unwrap_or(msg).trim().to_string(),
                ..d
            }
            .at(Path::new(file), l, 1),
            _ => d,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Diagnostics gathered across stages, with the sources they point into so
/// that the human report can quote the offending line.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    sources: BTreeMap<String, String>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.sources.extend(other.sources);
    }

    pub fn add_source(&mut self, path: &Path, text: &str) {
        self.sources.insert(display_path(path), text.to_string());
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Stable order: by file, line, column, code — so that reports diff cleanly.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        v
    }

    /// rustc-like report drawn by annotate-snippets: severity[code]: message,
    /// --> file:line:col, the offending line with a caret under the right
    /// character (a Hangul syllable is two columns wide), and the help.
    pub fn render_human(&self) -> String {
        self.render_report(Show::all())
    }

    /// The one line a report starts with: errors, warnings by code, accepted
    /// errata and notes by code.
    pub fn summary_line(&self) -> String {
        let by_code = |keep: &dyn Fn(&Diagnostic) -> bool| {
            let mut m: BTreeMap<&str, usize> = BTreeMap::new();
            for d in self.items.iter().filter(|d| keep(d)) {
                *m.entry(d.code).or_default() += 1;
            }
            let n: usize = m.values().sum();
            let codes = m
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            (n, codes)
        };
        let part = |(n, codes): (usize, String), one: &str, many: &str| {
            let word = if n == 1 { one } else { many };
            if codes.is_empty() {
                format!("{n} {word}")
            } else {
                format!("{n} {word} ({codes})")
            }
        };
        let accepted = self.items.iter().filter(|d| d.code == "A001").count();
        let dependents = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Note && d.root.is_some())
            .count();
        let mut line = format!(
            "summary: {}, {}",
            part(
                by_code(&|d| d.severity == Severity::Error),
                "error",
                "errors"
            ),
            part(
                by_code(&|d| d.severity == Severity::Warning),
                "warning",
                "warnings"
            ),
        );
        if accepted > 0 {
            line.push_str(&format!(", {accepted} accepted errata"));
        }
        if dependents > 0 {
            line.push_str(&format!(", {dependents} dependent figures"));
        }
        let other =
            by_code(&|d| d.severity == Severity::Note && d.code != "A001" && d.root.is_none());
        line.push_str(&format!(", {}", part(other, "note", "notes")));
        line
    }

    /// The report for an author: the summary line first, then errors, then
    /// warnings by file, then (when asked) notes; each rustc-like, drawn by
    /// annotate-snippets (the caret under the right character of a Korean
    /// line, which takes two columns), with its help.
    pub fn render_report(&self, show: Show) -> String {
        use annotate_snippets::Renderer;
        let renderer = Renderer::plain();
        // Line starts of each quoted source, computed once: looking a line up
        // by `lines().nth()` for each diagnostic was quadratic.
        let mut line_starts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut out = self.summary_line();
        out.push_str("\n\n");
        let mut sorted = self.sorted();
        sorted.sort_by_key(|d| d.severity);
        let hidden_notes = !show.notes && self.count(Severity::Note) > 0;
        for d in sorted {
            let audit_note = d.root.is_some() || d.code == "A001";
            let shown = match d.severity {
                Severity::Error => true,
                Severity::Warning => show.warnings,
                Severity::Note => show.warnings && (show.notes || (show.verbose && audit_note)),
            };
            if shown {
                self.render_one(d, &renderer, &mut line_starts, &mut out);
            }
        }
        let e = self.count(Severity::Error);
        let w = self.count(Severity::Warning);
        let n = self.count(Severity::Note);
        // After a long report the counts again, where the reader is.
        if out.len() > self.summary_line().len() + 2 {
            if n > 0 {
                let _ = writeln!(out, "{e} error(s), {w} warning(s), {n} note(s)");
            } else {
                let _ = writeln!(out, "{e} error(s), {w} warning(s)");
            }
        }
        if hidden_notes && show.warnings && !show.verbose {
            let _ = writeln!(
                out,
                "(notes are listed with --notes; the audit's dependent figures and accepted errata alone with --verbose)"
            );
        }
        out
    }

    fn render_one<'a>(
        &'a self,
        d: &'a Diagnostic,
        renderer: &annotate_snippets::Renderer,
        line_starts: &mut BTreeMap<&'a str, Vec<usize>>,
        out: &mut String,
    ) {
        use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
        {
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Note => Level::NOTE,
            };
            let title = level.primary_title(d.message.as_str()).id(d.code);
            let quoted = match (&d.file, d.line, d.column) {
                (Some(file), Some(l), Some(c)) => self.sources.get(file).and_then(|src| {
                    let starts = line_starts
                        .entry(file.as_str())
                        .or_insert_with(|| line_index(src));
                    let from = *starts.get(l.checked_sub(1)?)?;
                    let to = starts.get(l).map_or(src.len(), |&e| e);
                    let text = src.get(from..to)?.trim_end_matches(['\n', '\r']);
                    Some((file, l, text, char_span(text, c)))
                }),
                _ => None,
            };
            let group = match quoted {
                Some((file, l, text, span)) => Group::with_title(title).element(
                    Snippet::source(text)
                        .line_start(l)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(span)),
                ),
                None => {
                    let mut g = Group::with_title(title);
                    if let Some(file) = &d.file {
                        let at = match (d.line, d.column) {
                            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                            _ => file.clone(),
                        };
                        g = g.element(Level::NOTE.no_name().message(format!("--> {at}")));
                    }
                    g
                }
            };
            let group = match &d.help {
                Some(h) => group.element(Level::HELP.message(h.as_str())),
                None => group,
            };
            out.push_str(&renderer.render(&[group]));
            out.push_str("\n\n");
        }
    }

    /// One JSON object per line (JSON Lines): easy to grep, easy to stream.
    pub fn render_json(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&serde_json::to_string(d).unwrap_or_default());
            out.push('\n');
        }
        out
    }
}

/// What a human report lists (the summary line and errors always).
#[derive(Debug, Clone, Copy)]
pub struct Show {
    pub warnings: bool,
    pub notes: bool,
    /// The audit's dependents and accepted errata, without the other notes.
    pub verbose: bool,
}

impl Show {
    pub fn all() -> Show {
        Show {
            warnings: true,
            notes: true,
            verbose: true,
        }
    }
}

/// Byte offset of the start of every line.
fn line_index(src: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte range of the character at 1-based character column `col` of
/// `line` (the end of the line when the column is past it).
fn char_span(line: &str, col: usize) -> std::ops::Range<usize> {
    match line.char_indices().nth(col.saturating_sub(1)) {
        Some((i, ch)) => i..i + ch.len_utf8(),
        None => line.len()..line.len(),
    }
}

/// The candidate nearest to `name` (Jaro-Winkler similarity, case-blind),
/// if any is near enough to be what the author meant: the help of an
/// unknown id, field or directive names it instead of listing all of them.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The help of an unknown name: the nearest known one, or how many there
/// are (a list of 52 ids helps nobody).
pub fn did_you_mean(name: &str, known: &[&str], what: &str) -> String {
    match nearest(name, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None if known.len() <= 8 => format!("known {what}s: {}", known.join(", ")),
        None => format!(
            "no {what} is close to `{name}` ({} are defined in the data; ids are case-sensitive)",
            known.len()
        ),
    }
}

/// A path relative to the current directory when possible, for readable reports.
pub fn rel(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terminal columns of a string: Hangul syllables take two.
    fn width(s: &str) -> usize {
        s.chars()
            .map(|c| {
                if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
                    2
                } else {
                    1
                }
            })
            .sum()
    }

    #[test]
    fn the_caret_stands_under_the_syllable_on_a_korean_line() {
        let mut d = Diagnostics::default();
        let src = "tree:\n  - { id: rnd, label: 연구개발 합계, x: 1 }\n";
        d.add_source(Path::new("b.yaml"), src);
        // Column 28 is `합` (characters, as the parser counts them).
        let line = src.lines().nth(1).expect("line");
        assert_eq!(line.chars().nth(27), Some('합'));
        d.push(Diagnostic::warning("W001", "published 합계 differs").at(
            Path::new("b.yaml"),
            2,
            28,
        ));
        let out = d.render_human();
        assert!(out.contains("--> b.yaml:2:28"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let src_at = lines
            .iter()
            .position(|l| l.ends_with(line.trim_start()))
            .expect("the source line is quoted");
        let quoted = lines[src_at];
        let caret = lines[src_at + 1];
        let bar = quoted.find('|').expect("gutter");
        let text = &quoted[bar + 1..];
        let hap = text.find('합').expect("합 quoted");
        let caret_col = caret.find('^').expect("a caret");
        assert_eq!(
            width(&caret[..caret_col]),
            width(&quoted[..bar + 1]) + width(&text[..hap]),
            "caret under 합:\n{out}"
        );
        assert!(
            caret[caret_col..].starts_with("^^"),
            "two columns wide:\n{out}"
        );
    }

    #[test]
    fn nearest_names_and_counts_instead_of_long_lists() {
        let known = ["budget-plan", "budget-roi", "perf-review-sales"];
        assert_eq!(nearest("budget-paln", known), Some("budget-plan"));
        assert_eq!(nearest("zzz", known), None);
        let many: Vec<String> = (0..52).map(|i| format!("t{i}-table")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let help = did_you_mean("qqq", &many, "table id");
        assert!(help.contains("52"), "{help}");
        assert!(!help.contains("t1-table"), "{help}");
    }

    #[test]
    fn many_diagnostics_render_in_linear_time() {
        let mut d = Diagnostics::default();
        let src: String = (0..100_000).map(|i| format!("- id: r{i}\n")).collect();
        d.add_source(Path::new("big.yaml"), &src);
        for i in 0..100_000 {
            d.push(Diagnostic::note("N001", "x").at(Path::new("big.yaml"), i + 1, 3));
        }
        let t = std::time::Instant::now();
        let out = d.render_human();
        assert!(out.contains("big.yaml:100000:3"));
        // Quadratic line lookups took minutes here; linear work takes well
        // under a second even in a debug build.
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            t.elapsed()
        );
    }
}
