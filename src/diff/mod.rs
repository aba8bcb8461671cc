#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! `planbook diff OLD NEW`: the 신구대비표 of two plan folders.
//!
//! Both folders go through the whole analysis (load, compute, validate) of
//! the computed edition, so a figure is compared as planbook computes it,
//! not as a `published:` map prints it; what the maps and the sentences'
//! `printed="…"` print is compared on its own. The report holds:
//!
//! - every quotable value (the registry `{{val KEY}}` reads) that changed,
//!   was added or was removed, with the sections whose sentences quote it;
//! - tables, rows and columns added or removed (their values are not listed
//!   one by one);
//! - published figures whose printed text changed;
//! - the narrative, part by part of the outline, compared 어절 by 어절
//!   (whitespace-separated words: a Korean word with its particles), then
//!   the records and feedback files (text shown as written) the same way,
//!   under the part that embeds them;
//! - the text cells of tables that changed.
//!
//! Nothing here reads a file: the texts are those the loader read, through
//! its checks, from inside the two folders.

pub mod html;
pub mod human;
mod text;
mod values;

use crate::compute::Computed;
use crate::load::{Content, Failure};
use crate::validate::diagnostic::Diagnostics;
use serde::Serialize;
use std::path::Path;

pub use text::{Hunk, Op, Segment};

/// A part of the outline that holds narrative: a front page, a chapter, a
/// section, an item of a section, an attachment or a summary part.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PartRef {
    /// Unique within a plan: `II-3` (section), `II-3-1` (its item 1),
    /// `front/cover`, `A1`, `summary/II-1`.
    pub id: String,
    /// The section's number as printed: `Ⅱ-3`, `Ⅷ` (a chapter), `A1`;
    /// empty for a front page.
    pub number: String,
    /// The section's (chapter's, page's) title from the outline.
    pub title: String,
    /// For an item of a section: `1. (주축)천연물바이오소재 산업`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The narrative file, relative to the content folder (`file:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl PartRef {
    /// The part's number alone, an item's included (`Ⅲ-1-2`, `요약본 Ⅲ-1`,
    /// a front page's title).
    pub fn short(&self) -> String {
        if self.id.starts_with("front/") {
            self.title.clone()
        } else if self.id.starts_with("summary/") {
            self.number.clone()
        } else {
            crate::model::outline::roman_display(&self.id)
        }
    }

    /// `Ⅱ-3 주축·미래신산업별 성장 분석 > 1. (주축)천연물바이오소재 산업`.
    pub fn heading(&self) -> String {
        let mut s = if self.number.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.number, self.title)
        };
        if let Some(i) = &self.item {
            s.push_str(" > ");
            s.push_str(i);
        }
        s
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Changed,
    Added,
    Removed,
}

impl Status {
    /// How an entry keyed in both editions changed, judged on what `same`
    /// compares; None when it did not.
    pub fn of<T>(a: Option<&T>, b: Option<&T>, same: impl Fn(&T, &T) -> bool) -> Option<Status> {
        match (a, b) {
            (Some(x), Some(y)) if same(x, y) => None,
            (Some(_), Some(_)) => Some(Status::Changed),
            (None, Some(_)) => Some(Status::Added),
            (Some(_), None) => Some(Status::Removed),
            (None, None) => None,
        }
    }

    pub fn korean(self) -> &'static str {
        match self {
            Status::Changed => "변경",
            Status::Added => "신설",
            Status::Removed => "삭제",
        }
    }
}

/// A quotable value that differs.
#[derive(Debug, Clone, Serialize)]
pub struct ValueChange {
    /// The registry key, as `{{val KEY}}` writes it.
    pub key: String,
    /// Table > row > column (or dataset > node > field), as the plan names them.
    pub label: String,
    pub status: Status,
    /// Exact values (decimal strings); absent on the side that lacks it.
    pub old: Option<String>,
    pub new: Option<String>,
    /// As the plan prints them (rounding, thousands separators, △).
    pub old_shown: Option<String>,
    pub new_shown: Option<String>,
    /// new − old, exactly.
    pub change: Option<String>,
    /// new − old at the decimals the two are printed with (△ for a decrease).
    pub change_shown: Option<String>,
    /// (new − old) / |old| × 100, to two decimals; absent when old is 0.
    pub percent: Option<String>,
    /// The parts whose sentences quote this value (`{{val KEY}}`).
    pub quoted_in: Vec<PartRef>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Structure {
    Table,
    Row,
    Column,
}

/// A table, row or column that only one side has, or a row or column
/// whose label changed (`label` is then `old → new`).
#[derive(Debug, Clone, Serialize)]
pub struct StructureChange {
    pub kind: Structure,
    pub status: Status,
    pub table: String,
    /// The row's or column's id (the table's id for a table).
    pub id: String,
    pub label: String,
}

/// A text cell of a table that changed (a company name, a remark, `***`).
#[derive(Debug, Clone, Serialize)]
pub struct CellChange {
    pub key: String,
    pub label: String,
    pub old: String,
    pub new: String,
}

/// A figure as the published plan printed it, in a data file's
/// `published:` map or a sentence's `{{val KEY printed="…"}}`.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedChange {
    pub key: String,
    pub label: String,
    pub status: Status,
    /// The file that records it, relative to the content folder.
    pub file: String,
    /// The part of a sentence's figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<PartRef>,
    /// The printed text (a sentence quoting a key twice: both, comma-separated).
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The narrative of one part, compared 어절 by 어절.
#[derive(Debug, Clone, Serialize)]
pub struct TextChange {
    pub part: PartRef,
    pub status: Status,
    /// The outline title before, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_title: Option<String>,
    pub words_deleted: usize,
    pub words_inserted: usize,
    pub hunks: Vec<Hunk>,
}

/// The 신구대비표.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The two folders as given.
    pub old: String,
    pub new: String,
    /// The editions' titles (plan.yaml `edition.title`).
    pub old_title: String,
    pub new_title: String,
    /// Whether anything below is non-empty.
    pub changed: bool,
    pub values: Vec<ValueChange>,
    pub structure: Vec<StructureChange>,
    pub cells: Vec<CellChange>,
    pub published: Vec<PublishedChange>,
    pub text: Vec<TextChange>,
}

/// One analysed side of the comparison.
pub struct Side<'a> {
    pub dir: &'a Path,
    pub content: &'a Content,
    pub computed: &'a Computed,
}

/// Compares two analysed plans.
pub fn compare(old: &Side, new: &Side) -> Report {
    let old_parts = text::parts(old.content);
    let new_parts = text::parts(new.content);
    let values = values::values(old, new, &old_parts, &new_parts);
    let structure = values::structure(old.computed, new.computed);
    let cells = values::cells(old.computed, new.computed);
    let mut published = values::published(old, new);
    published.extend(text::printed(old, new, &old_parts, &new_parts));
    let mut text = text::narrative(old.content, new.content, &old_parts, &new_parts);
    text.extend(text::data(old.content, new.content, &old_parts, &new_parts));
    let changed = !(values.is_empty()
        && structure.is_empty()
        && cells.is_empty()
        && published.is_empty()
        && text.is_empty());
    Report {
        old: old.dir.display().to_string(),
        new: new.dir.display().to_string(),
        old_title: old.content.plan.value.edition.title.clone(),
        new_title: new.content.plan.value.edition.title.clone(),
        changed,
        values,
        structure,
        cells,
        published,
        text,
    }
}

/// Why a comparison could not be made: the side(s) whose content failed,
/// with their diagnostics.
#[derive(Debug)]
pub struct Failed {
    pub failure: Failure,
    /// (folder, why, its diagnostics), for each side that failed.
    pub sides: Vec<(String, Failure, Diagnostics)>,
}

/// Analyses both folders (side by side) and compares them. The same folder
/// twice is analysed once.
pub fn diff(old_dir: &Path, new_dir: &Path) -> Result<Report, Failed> {
    let analyse = |d: &Path| crate::analyse_edition(d, crate::publish::Edition::Computed);
    let same = match (old_dir.canonicalize(), new_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let (a, b) = if same {
        (analyse(old_dir), None)
    } else {
        std::thread::scope(|s| {
            let newer = s.spawn(|| analyse(new_dir));
            let a = analyse(old_dir);
            let b = newer.join().unwrap_or_else(|_| {
                let mut d = Diagnostics::default();
                d.push(crate::validate::diagnostic::Diagnostic::error(
                    "E030",
                    "the analysis of the new folder failed",
                ));
                Err((Failure::Content, d))
            });
            (a, Some(b))
        })
    };
    let mut sides = Vec::new();
    let mut failure = Failure::Content;
    let mut note = |dir: &Path, f: Failure, d: Diagnostics| {
        if f == Failure::Io {
            failure = Failure::Io;
        }
        sides.push((dir.display().to_string(), f, d));
    };
    let (a, b) = match (a, b) {
        (Ok(a), None) => return Ok(compare_one(old_dir, new_dir, &a.0, &a.1, &a.0, &a.1)),
        (Ok(a), Some(Ok(b))) => return Ok(compare_one(old_dir, new_dir, &a.0, &a.1, &b.0, &b.1)),
        (a, b) => (a, b),
    };
    if let Err((f, d)) = a {
        note(old_dir, f, d);
    }
    if let Some(Err((f, d))) = b {
        note(new_dir, f, d);
    }
    Err(Failed { failure, sides })
}

fn compare_one(
    old_dir: &Path,
    new_dir: &Path,
    oc: &Content,
    ox: &Computed,
    nc: &Content,
    nx: &Computed,
) -> Report {
    compare(
        &Side {
            dir: old_dir,
            content: oc,
            computed: ox,
        },
        &Side {
            dir: new_dir,
            content: nc,
            computed: nx,
        },
    )
}

/// The report as one JSON document (pretty-printed, ending in a newline).
pub fn render_json(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("the report could not be written: {e}") }).to_string()
    });
    s.push('\n');
    s
}
