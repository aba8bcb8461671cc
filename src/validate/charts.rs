//! Chart and diagram specs: every table, row, column and step they name must
//! resolve, one axis shows one unit, and a chart has something to draw.

use super::diagnostic::{Diagnostic, Diagnostics};
use super::unknown_node;
use crate::compute::Computed;
use crate::load::yaml::{Needle, Spans, Step};
use crate::model::chart::{Axis, ChartKind, ChartSpec};
use crate::model::table::Table;
use std::path::Path;

pub(super) fn chart_specs(
    charts: &[ChartSpec],
    known_row: &dyn Fn(&str) -> bool,
    path: &Path,
    src: &Spans,
    computed: &Computed,
    d: &mut Diagnostics,
) {
    for c in charts {
        let at = src.find(&[Step::Id(&c.id)]);
        let err = |code: &'static str, msg: String, loc: Option<(usize, usize)>| {
            Diagnostic::error(code, msg).at_loc(path, loc.or(at))
        };
        for r in c.labels.keys() {
            let in_panel = c.panels.iter().any(|p| p.rows.contains(r));
            if !c.rows.contains(r) && !in_panel {
                d.push(err(
                    "E011",
                    format!(
                        "chart `{}` labels `{r}`, which is not one of its rows",
                        c.id
                    ),
                    src.after(at, Needle::Key(r)),
                ));
            }
        }
        let panel_rows = c.panels.iter().flat_map(|p| p.rows.iter());
        for r in c.rows.iter().chain(panel_rows) {
            if !known_row(r) {
                d.push(unknown_node(path, src.after(at, Needle::Text(r)).or(at), r));
            }
        }
        if c.kind.is_diagram() {
            diagram(c, path, src, at, d);
            continue;
        }
        if c.kind == ChartKind::Scatter {
            scatter(c, computed, path, src, at, d);
            continue;
        }
        if c.diagram.is_some() {
            d.push(
                err(
                    "E022",
                    format!(
                        "chart `{}` is a {:?} chart but has a `diagram` block",
                        c.id, c.kind
                    ),
                    src.after(at, Needle::Key("diagram")),
                )
                .help("diagram blocks belong to kind: roadmap, steps or path"),
            );
        }
        for p in &c.panels {
            let ploc = p
                .table
                .as_ref()
                .and_then(|t| src.after(at, Needle::Entry("table", t)))
                .or(at);
            let table = match &p.table {
                Some(id) => match computed.table(id) {
                    Some(t) => Some(t),
                    None => {
                        d.push(
                            err(
                                "E011",
                                format!("chart `{}` reads unknown table `{id}`", c.id),
                                ploc,
                            )
                            .help(format!(
                                "tables: {}",
                                computed
                                    .tables
                                    .iter()
                                    .map(|t| t.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                        continue;
                    }
                },
                None => None,
            };
            let ncat = if !p.rows.is_empty() {
                p.rows.len()
            } else if !c.x.is_empty() {
                c.x.len()
            } else {
                c.rows.len()
            };
            // (unit, series label) by axis, for the one-unit-per-axis rule.
            let mut units: [Vec<(String, &str)>; 2] = [Vec::new(), Vec::new()];
            for s in &p.series {
                let sloc = src.after(ploc, Needle::Text(&s.label)).or(ploc);
                let right = s.axis == Some(Axis::Right);
                if right && c.kind != ChartKind::Bar {
                    d.push(
                        err(
                            "E022",
                            format!("series `{}` asks for a right axis, which only bar charts have", s.label),
                            sloc,
                        )
                        .help("use kind: bar with `line: true, axis: right` for a rate next to amounts"),
                    );
                }
                let col_unit = |t: &Table, col: &str| {
                    t.col_index(col)
                        .and_then(|i| t.columns.get(i)?.unit.clone())
                };
                let mut unit = s.unit.clone();
                if let Some(vals) = &s.values {
                    if vals.len() != ncat {
                        d.push(
                            err(
                                "E022",
                                format!(
                                    "series `{}` has {} values for {ncat} categories",
                                    s.label,
                                    vals.len()
                                ),
                                sloc,
                            )
                            .help("give one value per category, \"-\" where the figure has none"),
                        );
                    }
                } else if let Some(t) = table {
                    series_cells(c, p.rows.is_empty(), s, t, sloc, path, src, d);
                    if unit.is_none() {
                        unit = match &s.row {
                            Some(_) => s.cols.iter().find_map(|col| col_unit(t, col)),
                            None => col_unit(t, &s.col),
                        };
                    }
                } else {
                    d.push(
                        err(
                            "E022",
                            format!("series `{}` has neither a table nor values", s.label),
                            sloc,
                        )
                        .help("give the panel a `table:` or the series its `values:`"),
                    );
                }
                if let Some(u) = unit {
                    let [left_axis, right_axis] = &mut units;
                    let axis = if right { right_axis } else { left_axis };
                    axis.push((u, s.label.as_str()));
                }
            }
            for axis in &units {
                if let Some((u0, l0)) = axis.first() {
                    if let Some((u1, l1)) = axis.iter().find(|(u, _)| u != u0) {
                        d.push(
                            err(
                                "E023",
                                format!(
                                    "chart `{}` mixes units on one axis: `{l0}` in {u0}, `{l1}` in {u1}",
                                    c.id
                                ),
                                src.after(ploc, Needle::Text(l1)).or(ploc),
                            )
                            .help("one axis shows one unit: move the other series to `axis: right`, another panel or another chart"),
                        );
                    }
                }
            }
            if c.kind == ChartKind::Pie && p.series.len() != 1 {
                d.push(err(
                    "E022",
                    format!(
                        "pie `{}` needs exactly one series per panel, found {}",
                        c.id,
                        p.series.len()
                    ),
                    ploc,
                ));
            }
        }
        if c.panels.iter().all(|p| p.series.is_empty()) {
            d.push(err(
                "E022",
                format!("chart `{}` has no data series", c.id),
                at,
            ));
        } else if let Some(ch) = computed.chart(&c.id) {
            let any = ch
                .panels
                .iter()
                .flat_map(|p| p.series.iter())
                .flat_map(|s| s.values.iter())
                .any(Option::is_some);
            let resolved = ch.panels.iter().map(|p| p.series.len()).sum::<usize>()
                == c.panels.iter().map(|p| p.series.len()).sum::<usize>();
            if !any && resolved {
                d.push(
                    err(
                        "E022",
                        format!(
                            "chart `{}` has no data: every value is missing or masked",
                            c.id
                        ),
                        at,
                    )
                    .help("a figure without data is a `::: missing` placeholder, not a chart"),
                );
            }
        }
    }
}

/// A table-reading series: its row and columns, or its column, exist.
#[allow(clippy::too_many_arguments)]
fn series_cells(
    c: &ChartSpec,
    chart_rows: bool,
    s: &crate::model::chart::SeriesSpec,
    t: &Table,
    sloc: Option<(usize, usize)>,
    path: &Path,
    src: &Spans,
    d: &mut Diagnostics,
) {
    let no_col = |col: &str| {
        Diagnostic::error("E011", format!("table `{}` has no column `{col}`", t.id))
            .at_loc(path, src.after(sloc, Needle::Text(col)).or(sloc))
            .help(format!(
                "columns: {}",
                t.columns
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
    };
    match &s.row {
        Some(row) => {
            if t.row(row).is_none() {
                d.push(
                    Diagnostic::error("E011", format!("table `{}` has no row `{row}`", t.id))
                        .at_loc(path, src.after(sloc, Needle::Text(row)).or(sloc)),
                );
            }
            for col in s
                .cols
                .iter()
                .filter(|c| *c != "-" && t.col_index(c).is_none())
            {
                d.push(no_col(col));
            }
            if s.cols.len() != c.x.len() {
                d.push(
                    Diagnostic::error(
                        "E022",
                        format!(
                            "series `{}` has {} columns for {} x points",
                            s.label,
                            s.cols.len(),
                            c.x.len()
                        ),
                    )
                    .at_loc(path, sloc)
                    .help("give one column per x point, \"-\" where the series has no value"),
                );
            }
        }
        None => {
            if t.col_index(&s.col).is_none() {
                d.push(no_col(&s.col));
            }
            if chart_rows && c.rows.is_empty() {
                d.push(
                    Diagnostic::error("E022", format!("series `{}` reads column `{}` but the chart names no rows", s.label, s.col))
                        .at_loc(path, sloc)
                        .help("list the category rows under `rows:`, or read a row across columns with `row:` and `cols:`"),
                );
            }
        }
    }
}

/// A scatter of table rows: its table, columns and thresholds.
fn scatter(
    c: &ChartSpec,
    computed: &Computed,
    path: &Path,
    src: &Spans,
    at: Option<(usize, usize)>,
    d: &mut Diagnostics,
) {
    let err = |msg: String, needle: Needle| {
        Diagnostic::error("E022", msg).at_loc(path, src.after(at, needle).or(at))
    };
    let Some(sc) = &c.scatter else {
        d.push(
            err(
                format!("scatter `{}` has no `scatter:` block", c.id),
                Needle::Key("kind"),
            )
            .help("give scatter: { table, x, y, x_label, y_label } and the rows as points"),
        );
        return;
    };
    let Some(t) = computed.table(&sc.table) else {
        d.push(
            Diagnostic::error(
                "E011",
                format!("chart `{}` reads unknown table `{}`", c.id, sc.table),
            )
            .at_loc(path, src.after(at, Needle::Text(&sc.table)).or(at)),
        );
        return;
    };
    for col in [&sc.x, &sc.y] {
        if t.col_index(col).is_none() {
            d.push(
                Diagnostic::error("E011", format!("table `{}` has no column `{col}`", t.id))
                    .at_loc(path, src.after(at, Needle::Text(col)).or(at)),
            );
        }
    }
    if sc.x_threshold.is_some() != sc.y_threshold.is_some() {
        d.push(err(
            format!("scatter `{}` gives one threshold of two", c.id),
            Needle::Key(if sc.x_threshold.is_some() {
                "x_threshold"
            } else {
                "y_threshold"
            }),
        ));
    }
    if !sc.quadrants.is_empty() && sc.quadrants.len() != 4 {
        d.push(err(
            format!("scatter `{}` names {} quadrants; give four (upper left, upper right, lower left, lower right)", c.id, sc.quadrants.len()),
            Needle::Key("quadrants"),
        ));
    }
    if c.rows.is_empty() {
        d.push(err(
            format!("scatter `{}` lists no rows to plot", c.id),
            Needle::Key("kind"),
        ));
    }
}

fn diagram(
    c: &ChartSpec,
    path: &Path,
    src: &Spans,
    at: Option<(usize, usize)>,
    d: &mut Diagnostics,
) {
    let err = |msg: String, needle: Option<&str>| {
        Diagnostic::error("E022", msg).at_loc(
            path,
            needle.and_then(|n| src.after(at, Needle::Text(n))).or(at),
        )
    };
    let Some(g) = &c.diagram else {
        d.push(
            err(format!("diagram `{}` has no `diagram:` block", c.id), None)
                .help("kind: roadmap needs periods and tasks; steps and path need steps"),
        );
        return;
    };
    match c.kind {
        ChartKind::Roadmap => {
            if g.periods.is_empty() || g.tasks.is_empty() {
                d.push(err(
                    format!("roadmap `{}` needs `periods` and `tasks`", c.id),
                    Some("diagram:"),
                ));
            }
            let pos = |p: &str| g.periods.iter().position(|x| x == p);
            for t in &g.tasks {
                for p in [&t.from, &t.to].into_iter().chain(t.stars.iter()) {
                    if pos(p).is_none() {
                        d.push(
                            err(format!("task `{}` names period `{p}`, which is not one of the roadmap's", t.label), Some(&t.label))
                                .help(format!("periods: {}", g.periods.join(", "))),
                        );
                    }
                }
                if let (Some(a), Some(b)) = (pos(&t.from), pos(&t.to)) {
                    if a > b {
                        d.push(err(
                            format!(
                                "task `{}` ends ({}) before it starts ({})",
                                t.label, t.to, t.from
                            ),
                            Some(&t.label),
                        ));
                    }
                }
            }
        }
        ChartKind::Steps | ChartKind::Path => {
            if g.steps.is_empty() {
                d.push(err(
                    format!("diagram `{}` has no steps", c.id),
                    Some("diagram:"),
                ));
            }
            let ids: Vec<&str> = g.steps.iter().filter_map(|s| s.id.as_deref()).collect();
            for l in &g.links {
                for end in [&l.from, &l.to] {
                    if !ids.contains(&end.as_str()) {
                        d.push(
                            err(
                                format!("link names step `{end}`, which no step has as id"),
                                Some(&format!("from: {}", l.from)),
                            )
                            .help(format!("step ids: {}", ids.join(", "))),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}
