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

/// The inputs a data file leaves to supply, as its `# 자료 입력 필요:`
/// comments name them (`` `node` what ``, as the roll-over writes them).
/// The comment is what `check` lists as N002 too, so a page marks an input
/// exactly as long as `check` still asks for it: an author who fills the
/// value in and removes the comment gets the figure, one who removes the
/// comment alone says there is nothing ("-").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToSupply {
    /// (node id, what is to supply), one per comment.
    items: Vec<(String, String)>,
}

impl ToSupply {
    /// Reads the comments of a data file's text.
    pub fn of(src: &str) -> ToSupply {
        let items = src
            .lines()
            .filter_map(|l| {
                let at = l.find(SUPPLY_COMMENT)?;
                let rest = l.get(at + SUPPLY_COMMENT.len()..)?.trim();
                let rest = rest.strip_prefix('`')?;
                let (node, what) = rest.split_once('`')?;
                Some((node.to_string(), what.trim().to_string()))
            })
            .collect();
        ToSupply { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn any(&self, node: &str, f: impl Fn(&str) -> bool) -> bool {
        self.items.iter().any(|(n, w)| n == node && f(w))
    }

    /// A performance programme's budget (`예산(budget)`).
    pub fn perf_budget(&self, prog: &str) -> bool {
        self.any(prog, |w| w.starts_with("예산(budget)"))
    }

    /// A programme's `target` or `result` of an indicator
    /// (`jobs 목표(target)`, `jobs 성과(result)`).
    pub fn perf_field(&self, prog: &str, ind: &str, field: &str) -> bool {
        self.any(prog, |w| {
            w.strip_prefix(ind)
                .and_then(|r| r.strip_prefix(' '))
                .and_then(|r| r.split_once(':'))
                .is_some_and(|(head, _)| head.ends_with(&format!("({field})")))
        })
    }

    /// A programme's trend point of a year (`jobs 2023년 1억원당 목표·성과(trend)`,
    /// or several years joined by `·`).
    pub fn perf_trend(&self, prog: &str, ind: &str, year: u16) -> bool {
        self.any(prog, |w| {
            let Some(r) = w.strip_prefix(ind).and_then(|r| r.strip_prefix(' ')) else {
                return false;
            };
            let years = r.split_once('년').map_or("", |(y, _)| y);
            r.ends_with("(trend)") && years.split('·').any(|y| y.parse() == Ok(year))
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comments_name_what_is_to_supply() {
        let src = "\
  - id: p
    # 자료 입력 필요: `p` 예산(budget): 2024년 값(last), 2022~2023년 합계(earlier)
    indicators:
      jobs:
        # 자료 입력 필요: `p` jobs 목표(target): 2024년 값(last), 2022~2023년 합계(earlier)
        trend: { 2022: { target: 0.78 } }  # 자료 입력 필요: `p` jobs 2021·2023년 1억원당 목표·성과(trend)
  - id: q
    budget: { last: 1 }  # a remark, not a mark
";
        let s = ToSupply::of(src);
        assert!(s.perf_budget("p"));
        assert!(!s.perf_budget("q"));
        assert!(s.perf_field("p", "jobs", "target"));
        assert!(!s.perf_field("p", "jobs", "result"));
        assert!(!s.perf_field("p", "sales", "target"));
        assert!(s.perf_trend("p", "jobs", 2023));
        assert!(s.perf_trend("p", "jobs", 2021));
        assert!(!s.perf_trend("p", "jobs", 2022));
        assert!(!s.perf_trend("p", "sales", 2023));
        assert!(ToSupply::of("budget: { last: 1 }\n").is_empty());
    }
}
