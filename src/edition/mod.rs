//! The annual cycle: `new-edition` rolls a plan over to the next year, and
//! `check` lists what the new edition still needs.
//!
//! The roll-over works on the text of the content files, line by line, so
//! that layout and comments survive: the window of every dataset moves a
//! year (datasets take their years from `edition.year`), the old plan
//! year's budget lines become the previous-year columns, and every input of
//! the new year is left empty with a `# 자료 입력 필요: …` comment that
//! `check` lists as N002 with its file and line. Published figures and
//! accepted errata are cleared; `{{val}}` directives whose meaning moved
//! with the year get the `update` option (the page marks them 갱신 필요 and
//! `check` lists them as N003).

mod roll;

pub use roll::{new_edition, Rollover};

use crate::load::narrative::{Line, Piece};
use crate::load::Content;
use crate::validate::diagnostic::{Diagnostic, Diagnostics};

/// What a page shows for a value still to supply.
pub const TO_SUPPLY: &str = "자료 입력 필요";
/// The mark of a sentence whose quoted value moved with the year.
pub const TO_UPDATE: &str = "갱신 필요";
/// The comment that marks an input still to supply in a data file.
pub const SUPPLY_COMMENT: &str = "# 자료 입력 필요:";

/// In an edition with inputs still to supply, a chart none of whose values
/// is known yet is a note (N002), not an error: its data is what is missing.
pub fn relax(d: &mut Diagnostics) {
    if !d.items.iter().any(|x| x.code == "N002") {
        return;
    }
    for x in &mut d.items {
        if x.code == "E022" && x.message.contains("has no data:") {
            x.code = "N002";
            x.severity = crate::validate::diagnostic::Severity::Note;
            x.message = format!("{} (its inputs are still to supply)", x.message);
        }
    }
}

/// N002 for every input still to supply (a `# 자료 입력 필요:` comment in a
/// data file, or a value a sentence quotes that is not computed yet), N003
/// for every sentence to update.
pub fn notes(content: &Content, values: &dyn Fn(&str) -> bool) -> Diagnostics {
    let mut d = Diagnostics::default();
    for (path, text) in content.sources() {
        if path.extension().is_some_and(|x| x == "md") {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find(SUPPLY_COMMENT) else {
                continue;
            };
            let what = line.get(at + SUPPLY_COMMENT.len()..).unwrap_or("").trim();
            let col = line.get(..at).map_or(1, |s| s.chars().count() + 1);
            d.push(
                Diagnostic::note("N002", format!("data to supply: {what}"))
                    .at(path, i + 1, col)
                    .help("fill in the value (never 0 for unknown) and remove the comment"),
            );
        }
    }
    for n in content.narratives.values() {
        for line in &n.lines {
            let Line::Text(pieces) = line else { continue };
            for p in pieces {
                let Piece::Val {
                    key,
                    update: true,
                    line,
                    col,
                    ..
                } = p
                else {
                    continue;
                };
                if !values(key) {
                    d.push(
                        Diagnostic::note("N002", format!("value to supply: `{key}`"))
                            .at(&n.path, *line, *col)
                            .help("supply the inputs it is computed from (see the N002 notes of the data files)"),
                    );
                }
                d.push(
                    Diagnostic::note(
                        "N003",
                        format!("the sentence quotes `{key}`, whose meaning moved with the year"),
                    )
                    .at(&n.path, *line, *col)
                    .help("rewrite the sentence for the new year, then remove ` update` from the directive"),
                );
            }
        }
    }
    d
}
