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
            computed: None,
        }
    }

    pub fn figures(mut self, printed: &str, computed: &str) -> Self {
        self.printed = Some(printed.to_string());
        self.computed = Some(computed.to_string());
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

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Diagnostics gathered across stages, with the sources they point into so
/// that the human report can quote the offending line.
#[derive(Debug, Default)]
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

    /// rustc-like report: severity[code]: message, --> file:line:col, the line, a caret.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            let _ = writeln!(out, "{sev}[{}]: {}", d.code, d.message);
            if let Some(file) = &d.file {
                match (d.line, d.column) {
                    (Some(l), Some(c)) => {
                        let _ = writeln!(out, "  --> {file}:{l}:{c}");
                        if let Some(full) =
                            self.sources.get(file).and_then(|s| s.lines().nth(l - 1))
                        {
                            let gutter = l.to_string().len();
                            let pad = " ".repeat(gutter);
                            // Long lines (Markdown tables) are quoted around the column.
                            let chars: Vec<char> = full.chars().collect();
                            let from = c.saturating_sub(1).saturating_sub(40);
                            let to = (c + 60).min(chars.len());
                            let mut text: String =
                                chars[from.min(chars.len())..to].iter().collect();
                            if from > 0 {
                                text.insert(0, '…');
                            }
                            if to < chars.len() {
                                text.push('…');
                            }
                            let caret_pad: String = text
                                .chars()
                                .take(c.saturating_sub(1) - from + usize::from(from > 0))
                                .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                                .collect();
                            let _ = writeln!(out, "{pad} |");
                            let _ = writeln!(out, "{l} | {text}");
                            let _ = writeln!(out, "{pad} | {caret_pad}^");
                        }
                    }
                    _ => {
                        let _ = writeln!(out, "  --> {file}");
                    }
                }
            }
            if let Some(h) = &d.help {
                let _ = writeln!(out, "   = help: {h}");
            }
            out.push('\n');
        }
        let e = self.count(Severity::Error);
        let w = self.count(Severity::Warning);
        let n = self.count(Severity::Note);
        if n > 0 {
            let _ = writeln!(out, "{e} error(s), {w} warning(s), {n} note(s)");
        } else {
            let _ = writeln!(out, "{e} error(s), {w} warning(s)");
        }
        out
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

/// A path relative to the current directory when possible, for readable reports.
pub fn rel(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
}
