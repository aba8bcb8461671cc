#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! The validate stage: references, schema rules serde cannot express, and the
//! audit of published figures against computed ones. Renders nothing.

mod charts;
mod counts;
pub use counts::resolve_counts;
pub mod diagnostic;
mod duplicates;
mod input_roots;
mod prose;
mod roots;

use crate::calc::budget::parse_combination;
use crate::compute::Computed;
use crate::load::narrative::{EmbedKind, Piece};
use crate::load::yaml::{under, Spans, Step};
use crate::load::{Content, Loaded};
use crate::model::budget::{BudgetFile, ViewKind};
use crate::model::dataset::{RecordsFile, TableFile};
use crate::numfmt::{format_cell, matches_printed, parse_printed};
use diagnostic::{rel, Diagnostic, Diagnostics};
use std::collections::{BTreeMap, BTreeSet};

pub fn validate(content: &Content, computed: &Computed) -> Diagnostics {
    validate_with(content, computed, &mut None)
}

/// [`validate`] taking the data files' checks from an earlier run over the
/// same data when `data_checks` holds them (they read no narrative), else
/// leaving them there for the next.
pub fn validate_with(
    content: &Content,
    computed: &Computed,
    data_checks: &mut Option<Diagnostics>,
) -> Diagnostics {
    // Most checks read the plan and add diagnostics, nothing more: the data
    // files' on this thread, the others on the second core (the late ones
    // here instead when the data files' are at hand already); their lists
    // are joined in the order they ran in one after the other, so the
    // report is the same.
    let here = data_checks.is_some();
    let (mut d, other) = std::thread::scope(|s| {
        let other = s.spawn(|| {
            let early = records_and_narrative(content, computed);
            (early, (!here).then(|| late_checks(content, computed)))
        });
        let d = data_checks
            .get_or_insert_with(|| data_files(content, computed))
            .clone();
        let late = here.then(|| late_checks(content, computed));
        (
            d,
            other.join().map(|(early, there)| (early, late.or(there))),
        )
    });
    let Ok((early, Some(late))) = other else {
        d.push(Diagnostic::error(
            "E030",
            "a validation thread panicked: the plan is not fully checked".to_string(),
        ));
        return d;
    };
    d.extend(early);
    compute_errors(content, computed, &mut d);
    // The groupings read the findings above: the misprints' roots.
    roots::group(computed, &mut d);
    let perf: Vec<&crate::model::performance::PerfFile> =
        content.performance.iter().map(|p| &p.value).collect();
    input_roots::group(&perf, computed, &mut d);
    d.extend(late);
    d
}

/// The prose's and counts' checks: after the groupings, which must not see
/// what they find.
fn late_checks(content: &Content, computed: &Computed) -> Diagnostics {
    let mut late = Diagnostics::default();
    prose::directions(content, computed, &mut late);
    prose::restated(content, computed, &mut late);
    counts::check(content, &mut late);
    late
}

/// The outline's, budgets' and tables' (with their charts') checks.
fn data_files(content: &Content, computed: &Computed) -> Diagnostics {
    let mut d = Diagnostics::default();
    let stages = crate::timing::Stages::new("validate");
    let lap = |stage: &str| stages.lap(stage);
    outline(content, &mut d);
    lap("outline");
    for b in &content.budgets {
        budget(b, computed, &mut d);
    }
    lap("budget");
    for t in &content.tables {
        tables(t, computed, &mut d);
        let known = |r: &str| computed.tables.iter().any(|x| x.row(r).is_some());
        charts::chart_specs(
            &t.value.charts,
            &known,
            &rel(&t.path),
            t.spans(),
            computed,
            &mut d,
        );
    }
    lap("tables");
    d
}

/// The records', performance's and feedback's checks, the ids', the
/// glyphs' and the narrative's.
fn records_and_narrative(content: &Content, computed: &Computed) -> Diagnostics {
    let mut d = Diagnostics::default();
    let stages = crate::timing::Stages::new("validate");
    let lap = |stage: &str| stages.lap(stage);
    for r in &content.records {
        records(content, r, &mut d);
    }
    for p in &content.performance {
        performance(content, p, computed, &mut d);
    }
    for f in &content.feedback {
        feedback(content, f, &mut d);
    }
    lap("performance");
    unique_ids(content, &mut d);
    safe_ids(content, &mut d);
    glyphs(content, &mut d);
    lap("glyphs");
    narrative(content, computed, &mut d);
    duplicates::check(content, computed, &mut d);
    lap("narrative");
    d
}

fn outline(content: &Content, d: &mut Diagnostics) {
    let p = &content.plan.value;
    let path = rel(&content.plan.path);
    let mut seen = BTreeSet::new();
    let ids = p
        .front
        .iter()
        .map(|f| f.id.as_str())
        .chain(p.chapters.iter().flat_map(|c| {
            std::iter::once(c.id.as_str()).chain(c.sections.iter().map(|s| s.id.as_str()))
        }))
        .chain(p.attachments.iter().map(|a| a.id.as_str()));
    for id in ids {
        if !seen.insert(id) {
            d.push(
                Diagnostic::error("E010", format!("outline id `{id}` is used twice"))
                    .at_loc(&path, content.plan.find(&[Step::Id(id)]))
                    .help("give every chapter, section, front page and attachment its own id"),
            );
        }
    }
    for c in &p.chapters {
        for s in &c.sections {
            let mut nos = BTreeSet::new();
            for it in &s.items {
                if !nos.insert(it.no.as_str()) {
                    d.push(
                        Diagnostic::error(
                            "E010",
                            format!("item number {} appears twice in section {}", it.no, s.id),
                        )
                        .at_loc(&path, content.plan.find(&[Step::Id(&s.id)])),
                    );
                }
            }
        }
    }
}

fn budget(b: &Loaded<BudgetFile>, computed: &Computed, d: &mut Diagnostics) {
    let f = &b.value;
    let path = rel(&b.path);
    let src = b;
    let nodes = f.nodes();
    let mut node_ids = BTreeSet::new();
    for n in &nodes {
        if !node_ids.insert(n.id.as_str()) {
            d.push(
                Diagnostic::error("E010", format!("node id `{}` is used twice", n.id))
                    .at_loc(&path, src.find(&[Step::Id(&n.id)])),
            );
        }
    }
    let indicators: BTreeSet<&str> = f.indicators.iter().map(|i| i.id.as_str()).collect();
    let view_ids: BTreeSet<&str> = f.views.iter().map(|v| v.id.as_str()).collect();

    for n in &nodes {
        if !n.is_leaf() && !n.amounts.is_empty() {
            d.push(
                Diagnostic::error(
                    "E020",
                    format!("`{}` has children and amounts of its own", n.id),
                )
                .at_loc(&path, src.find(&under(&n.id, &["amounts"])))
                .help("only leaves carry amounts; a subtotal is always the sum of its children"),
            );
        }
        for (year, y) in &n.amounts {
            let ys = year.to_string();
            if !f.years.contains(year) {
                d.push(
                    Diagnostic::error("E020", format!("`{}` has amounts for {year}, which is not one of the dataset's years {:?}", n.id, f.years))
                        .at_loc(&path, src.find(&under(&n.id, &["amounts", &ys]))),
                );
            }
            for k in y.targets.keys() {
                if !indicators.contains(k.as_str()) {
                    d.push(
                        Diagnostic::error(
                            "E011",
                            format!("unknown indicator `{k}` in the targets of `{}`", n.id),
                        )
                        .at_loc(
                            &path,
                            src.find(&under(&n.id, &["amounts", &ys, "targets", k])),
                        )
                        .help(format!("declared indicators: {}", join(&indicators))),
                    );
                }
            }
            if !y.parts.is_empty() {
                let sum: rust_decimal::Decimal = y.parts.iter().map(|p| p.amount.0).sum();
                let total = y.gov.map(|a| a.0).unwrap_or_default()
                    + y.local.map(|a| a.0).unwrap_or_default();
                if sum != total {
                    d.push(
                        Diagnostic::error("E021", format!("the parts of `{}` in {year} add up to {sum}, but its 합계 is {total}", n.id))
                            .at_loc(&path, src.find(&under(&n.id, &["amounts", &ys, "parts"])))
                            .help("a breakdown must add up to the amount it breaks down"),
                    );
                }
            }
        }
        for (view, cols) in &n.published {
            let Some(table) = computed
                .table(view)
                .filter(|_| view_ids.contains(view.as_str()))
            else {
                d.push(
                    Diagnostic::error(
                        "E011",
                        format!("published figures for unknown view `{view}`"),
                    )
                    .at_loc(&path, src.find(&under(&n.id, &["published", view])))
                    .help(format!("views of this dataset: {}", join(&view_ids))),
                );
                continue;
            };
            for (col, printed) in cols {
                // Located only when there is something to report.
                let loc = || src.find(&under(&n.id, &["published", view, col]));
                let acc = n
                    .accepted
                    .get(view)
                    .and_then(|c| c.get(col))
                    .map(String::as_str);
                audit(table, view, &n.id, col, printed, acc, &path, &loc, d);
            }
        }
    }

    for v in &f.views {
        match (v.kind, &v.indicator) {
            (ViewKind::Roi, None) => d.push(
                Diagnostic::error("E003", format!("ROI view `{}` needs an `indicator`", v.id))
                    .at_loc(&path, src.find(&[Step::Id(&v.id)]))
                    .help(format!("declared indicators: {}", join(&indicators))),
            ),
            (ViewKind::Roi, Some(i)) if !indicators.contains(i.as_str()) => d.push(
                Diagnostic::error("E011", format!("unknown indicator `{i}`"))
                    .at_loc(&path, src.find(&under(&v.id, &["indicator"])))
                    .help(format!("declared indicators: {}", join(&indicators))),
            ),
            (ViewKind::Funding, Some(_)) => d.push(
                Diagnostic::error(
                    "E003",
                    format!("funding view `{}` takes no indicator", v.id),
                )
                .at_loc(&path, src.find(&under(&v.id, &["indicator"]))),
            ),
            _ => {}
        }
        for r in &v.targeted_roi_rows {
            if !node_ids.contains(r.as_str()) {
                d.push(unknown_node(
                    &path,
                    src.find(&under(&v.id, &["targeted_roi_rows"])),
                    r,
                ));
            }
        }
    }
    for x in &f.derived {
        let loc = src.find(&under(&x.id, &["expr"]));
        match parse_combination(&x.expr) {
            Err(e) => d.push(Diagnostic::error("E003", e).at_loc(&path, loc)),
            Ok(c) => {
                for (_, id) in c.0 {
                    if !node_ids.contains(id.as_str()) {
                        d.push(unknown_node(&path, loc, &id));
                    }
                }
            }
        }
    }
    charts::chart_specs(
        &f.charts,
        &|r| node_ids.contains(r),
        &path,
        src.spans(),
        computed,
        d,
    );
}

/// Figures that could not be computed (an overflow, a formula cycle),
/// located at the input they come from: a figure that could not be
/// computed refuses the build.
fn compute_errors(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    use crate::compute::Place;
    for e in &computed.errors {
        let (path, loc) = match &e.place {
            Place::Cell { table, row, column } => {
                if let Some(t) = content
                    .tables
                    .iter()
                    .find(|t| t.value.tables.iter().any(|s| &s.id == table))
                {
                    let row_at = [Step::Id(table), Step::Key("rows"), Step::Id(row)];
                    let mut cell = row_at.to_vec();
                    cell.extend([Step::Key("values"), Step::Key(column)]);
                    let loc = t.find(&cell).or_else(|| t.find(&row_at));
                    (Some(&t.path), loc)
                } else if let Some(b) = content
                    .budgets
                    .iter()
                    .find(|b| b.value.views.iter().any(|v| &v.id == table))
                {
                    (Some(&b.path), b.find(&[Step::Id(table)]))
                } else if let Some(p) = content.performance.first() {
                    (Some(&p.path), p.find(&[Step::Id(row)]))
                } else {
                    (None, None)
                }
            }
            Place::Node {
                dataset,
                node,
                year,
                field,
            } => {
                if let Some(b) = content.budgets.iter().find(|b| &b.value.id == dataset) {
                    let ys = year.map(|y| y.to_string()).unwrap_or_default();
                    let f = field.split('.').next_back().unwrap_or(field);
                    let loc = b.find(&under(node, &["amounts", &ys, f]));
                    (Some(&b.path), loc)
                } else if let Some(p) = content.performance.iter().find(|p| &p.value.id == dataset)
                {
                    (Some(&p.path), p.find(&[Step::Id(node)]))
                } else {
                    (None, None)
                }
            }
        };
        let diag = Diagnostic::error("E040", e.to_string()).help(
            "a figure out of the decimal range (about 7.9e28) or formulas that read each other cannot be computed: fix the inputs or the formulas",
        );
        d.push(match path {
            Some(p) => diag.at_loc(&rel(p), loc),
            None => diag,
        });
    }
}

/// Every id a dataset declares becomes a file name, an HTML id or a link
/// target: it must be of the safe character set (`load::check_id`).
fn safe_ids(content: &Content, d: &mut Diagnostics) {
    fn check<T>(l: &Loaded<T>, ids: &[&str], d: &mut Diagnostics) {
        for id in ids {
            if let Err(e) = crate::load::check_id(id) {
                let loc = l
                    .spans()
                    .id_locs(id)
                    .first()
                    .copied()
                    .or_else(|| l.spans().after(None, crate::load::yaml::Needle::Text(id)));
                d.push(
                    Diagnostic::error("E003", e)
                        .at_loc(&rel(&l.path), loc)
                        .help(crate::load::ID_HELP),
                );
            }
        }
    }
    for b in &content.budgets {
        let f = &b.value;
        let mut ids: Vec<&str> = vec![f.id.as_str()];
        ids.extend(f.nodes().iter().map(|n| n.id.as_str()));
        ids.extend(f.views.iter().map(|v| v.id.as_str()));
        ids.extend(f.indicators.iter().map(|i| i.id.as_str()));
        ids.extend(f.charts.iter().map(|c| c.id.as_str()));
        check(b, &ids, d);
    }
    for t in &content.tables {
        let mut ids: Vec<&str> = Vec::new();
        for spec in &t.value.tables {
            ids.push(&spec.id);
            ids.extend(spec.columns.iter().map(|c| c.id.as_str()));
            ids.extend(spec.rows.iter().map(|r| r.id.as_str()));
        }
        ids.extend(t.value.charts.iter().map(|c| c.id.as_str()));
        check(t, &ids, d);
    }
    for r in &content.records {
        let mut ids: Vec<&str> = vec![r.value.id.as_str(), r.value.template.as_str()];
        ids.extend(r.value.items.iter().filter_map(RecordsFile::item_id));
        check(r, &ids, d);
    }
    for f in &content.feedback {
        check(f, &[f.value.id.as_str()], d);
    }
}

/// Table, chart and record ids share one namespace: `{{table X}}`, `{{ref X}}`.
fn unique_ids<'c>(content: &'c Content, d: &mut Diagnostics) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    // The file's spans only for a duplicate: building them for every file
    // took 15 ms of a build that reports none.
    let mut add =
        |id: &str, path: &std::path::Path, src: &dyn Fn() -> &'c Spans, d: &mut Diagnostics| {
            let here = rel(path).display().to_string();
            if let Some(first) = seen.get(id) {
                // The second `id:` when both are in this file.
                let locs = src().id_locs(id);
                let loc = if *first == here {
                    locs.get(1)
                } else {
                    locs.first()
                };
                d.push(
                    Diagnostic::error("E010", format!("id `{id}` is already used in {first}"))
                        .at_loc(&rel(path), loc.copied())
                        .help("tables, charts and record collections need distinct ids"),
                );
            } else {
                seen.insert(id.to_string(), here);
            }
        };
    for b in &content.budgets {
        for v in &b.value.views {
            add(&v.id, &b.path, &|| b.spans(), d);
        }
        for c in &b.value.charts {
            add(&c.id, &b.path, &|| b.spans(), d);
        }
    }
    for t in &content.tables {
        for s in &t.value.tables {
            add(&s.id, &t.path, &|| t.spans(), d);
        }
        for c in &t.value.charts {
            add(&c.id, &t.path, &|| t.spans(), d);
        }
    }
    for r in &content.records {
        add(&r.value.id, &r.path, &|| r.spans(), d);
    }
    for f in &content.feedback {
        add(&f.value.id, &f.path, &|| f.spans(), d);
    }
}

fn tables(t: &Loaded<TableFile>, computed: &Computed, d: &mut Diagnostics) {
    let path = rel(&t.path);
    let src = t;
    for spec in &t.value.tables {
        let at = spec.id.as_str();
        let cols: BTreeSet<&str> = spec.columns.iter().map(|c| c.id.as_str()).collect();
        let rows: BTreeSet<&str> = spec.rows.iter().map(|r| r.id.as_str()).collect();
        if cols.len() != spec.columns.len() || rows.len() != spec.rows.len() {
            d.push(
                Diagnostic::error(
                    "E010",
                    format!("table `{}` repeats a column or row id", spec.id),
                )
                .at_loc(&path, src.find(&[Step::Id(&spec.id)])),
            );
        }
        let col_list = || {
            spec.columns
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for c in &spec.columns {
            let Some(f) = &c.compute else { continue };
            let loc = src.find(&[
                Step::Id(at),
                Step::Key("columns"),
                Step::Id(&c.id),
                Step::Key("compute"),
            ]);
            match crate::calc::expr::parse(f).and_then(|e| e.check_arity().map(|()| e)) {
                Err(e) => d.push(
                    Diagnostic::error("E003", format!("formula of `{}`: {e}", c.id))
                        .at_loc(&path, loc),
                ),
                Ok(e) => {
                    let (mut rc, mut rr) = (Vec::new(), Vec::new());
                    e.refs(&mut rc, &mut rr);
                    for x in rc.iter().filter(|x| !cols.contains(x.as_str())) {
                        d.push(
                            Diagnostic::error(
                                "E011",
                                format!("formula of `{}` reads unknown column `{x}`", c.id),
                            )
                            .at_loc(&path, loc)
                            .help(format!(
                                "columns of {}: {}",
                                spec.id,
                                col_list()
                            )),
                        );
                    }
                    for x in rr.iter().filter(|x| !rows.contains(x.as_str())) {
                        d.push(
                            Diagnostic::error(
                                "E011",
                                format!("formula of `{}` reads unknown row `{x}`", c.id),
                            )
                            .at_loc(&path, loc),
                        );
                    }
                }
            }
        }
        let n_inputs = spec.columns.iter().filter(|c| c.compute.is_none()).count();
        for r in &spec.rows {
            // Located only when there is something to report: a million-row
            // table must not build its span index for nothing.
            let loc = || src.find(&[Step::Id(at), Step::Key("rows"), Step::Id(&r.id)]);
            match &r.values {
                Some(crate::model::dataset::Values::List(l)) if l.len() != n_inputs => d.push(
                    Diagnostic::error(
                        "E003",
                        format!(
                            "row `{}` has {} values, the table has {n_inputs} input columns",
                            r.id,
                            l.len()
                        ),
                    )
                    .at_loc(
                        &path,
                        src.find(&[
                            Step::Id(at),
                            Step::Key("rows"),
                            Step::Id(&r.id),
                            Step::Key("values"),
                        ])
                        .or_else(loc),
                    )
                    .help("give one value per input column in order, or a map { column: value }"),
                ),
                Some(crate::model::dataset::Values::Map(m)) => {
                    for k in m.keys().filter(|k| !cols.contains(k.as_str())) {
                        d.push(
                            Diagnostic::error(
                                "E011",
                                format!("row `{}` sets unknown column `{k}`", r.id),
                            )
                            .at_loc(
                                &path,
                                src.find(&[
                                    Step::Id(at),
                                    Step::Key("rows"),
                                    Step::Id(&r.id),
                                    Step::Key("values"),
                                    Step::Key(k),
                                ])
                                .or_else(loc),
                            )
                            .help(format!("columns: {}", col_list())),
                        );
                    }
                }
                _ => {}
            }
            for p in r
                .sum
                .iter()
                .flatten()
                .filter(|p| !rows.contains(p.as_str()))
            {
                d.push(
                    Diagnostic::error("E011", format!("row `{}` sums unknown row `{p}`", r.id))
                        .at_loc(&path, loc()),
                );
            }
        }
        let Some(table) = computed.table(&spec.id) else {
            continue;
        };
        for (row, cells) in &spec.published {
            for (col, printed) in cells {
                let loc = || src.find(&under(&spec.id, &["published", row, col]));
                let acc = spec
                    .accepted
                    .get(row)
                    .and_then(|c| c.get(col))
                    .map(String::as_str);
                audit(table, &spec.id, row, col, printed, acc, &path, &loc, d);
            }
        }
    }
}

fn performance(
    content: &Content,
    p: &Loaded<crate::model::performance::PerfFile>,
    computed: &Computed,
    d: &mut Diagnostics,
) {
    let f = &p.value;
    let path = rel(&p.path);
    let src = p;
    let Some(budget) = content.budgets.iter().find(|b| b.value.id == f.budget) else {
        d.push(
            Diagnostic::error("E011", format!("unknown budget dataset `{}`", f.budget))
                .at_loc(&path, src.find(&[Step::Key("budget")]))
                .help("name the `id` of a budget dataset listed in plan.yaml"),
        );
        return;
    };
    let nodes: BTreeSet<String> = budget.value.nodes().iter().map(|n| n.id.clone()).collect();
    let check_expr = |expr: &str, loc: Option<(usize, usize)>, d: &mut Diagnostics| {
        match parse_combination(expr) {
            Err(e) => d.push(Diagnostic::error("E003", e).at_loc(&path, loc)),
            Ok(c) => {
                for (_, id) in c.0 {
                    if !nodes.contains(&id) {
                        d.push(
                            Diagnostic::error("E011", format!("unknown budget node `{id}`"))
                                .at_loc(&path, loc)
                                .help(format!("use node ids of {}", rel(&budget.path).display())),
                        );
                    }
                }
            }
        }
    };
    let programmes = f.programmes();
    let mut seen = BTreeSet::new();
    for prog in &programmes {
        if !seen.insert(prog.id.as_str()) {
            d.push(
                Diagnostic::error("E010", format!("programme id `{}` is used twice", prog.id))
                    .at_loc(&path, src.find(&[Step::Id(&prog.id)])),
            );
        }
        for (year, e) in &prog.plan {
            check_expr(e, src.find(&under(&prog.id, &["plan"])), d);
            if !budget.value.years.contains(year) {
                d.push(
                    Diagnostic::error(
                        "E020",
                        format!("{year} is not a year of the budget dataset"),
                    )
                    .at_loc(&path, src.find(&under(&prog.id, &["plan"]))),
                );
            }
        }
        if prog.plan.is_empty() && prog.in_roi_table && !nodes.contains(&prog.id) {
            d.push(
                Diagnostic::error(
                    "E011",
                    format!("programme `{}` has no budget node of the same id", prog.id),
                )
                .at_loc(&path, src.find(&[Step::Id(&prog.id)]))
                .help(
                    "add `plan: { PREVIOUS_YEAR: NODE, PLAN_YEAR: NODE }` naming its budget nodes",
                ),
            );
        }
        for ind in prog.indicators.keys() {
            if !f.indicators.contains(ind) {
                d.push(
                    Diagnostic::error("E011", format!("unknown indicator `{ind}`"))
                        .at_loc(&path, src.find(&under(&prog.id, &["indicators", ind]))),
                );
            }
        }
    }
    for r in &f.results {
        let loc = src.find(&[Step::Key("results"), Step::Id(&r.id)]);
        if let Some(h) = &r.history {
            if !programmes.iter().any(|p| &p.id == h) {
                d.push(
                    Diagnostic::error("E011", format!("unknown programme `{h}`"))
                        .at_loc(&path, loc),
                );
            }
        }
        for e in r.plan.values() {
            check_expr(e, loc, d);
        }
    }
    for (table_id, rows) in &f.published {
        let Some(table) = computed.table(table_id) else {
            d.push(
                Diagnostic::error(
                    "E011",
                    format!("published figures for unknown table `{table_id}`"),
                )
                .at_loc(
                    &path,
                    src.find(&[Step::Key("published"), Step::Key(table_id)]),
                ),
            );
            continue;
        };
        for (row, cells) in rows {
            for (col, printed) in cells {
                let loc = || {
                    src.find(&[
                        Step::Key("published"),
                        Step::Key(table_id),
                        Step::Key(row),
                        Step::Key(col),
                    ])
                };
                let acc = f
                    .accepted
                    .get(table_id)
                    .and_then(|r| r.get(row))
                    .and_then(|c| c.get(col))
                    .map(String::as_str);
                audit(table, table_id, row, col, printed, acc, &path, &loc, d);
            }
        }
    }
}

fn records(content: &Content, r: &Loaded<RecordsFile>, d: &mut Diagnostics) {
    let path = rel(&r.path);
    let tpl = content
        .dir
        .join("templates/records")
        .join(format!("{}.html", r.value.template));
    if !tpl.is_file() {
        d.push(
            Diagnostic::error(
                "E013",
                format!("record template `{}` does not exist", rel(&tpl).display()),
            )
            .at_loc(&path, r.find(&[Step::Key("template")]))
            .help("create the template (Tera/HTML) or fix `template:`"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, item) in r.value.items.iter().enumerate() {
        match RecordsFile::item_id(item) {
            None => d.push(
                Diagnostic::error(
                    "E003",
                    format!("record {} of `{}` has no `id`", i + 1, r.value.id),
                )
                .in_file(&path)
                .help("give every record an id: text without spaces"),
            ),
            Some(id) if !seen.insert(id.to_string()) => d.push(
                Diagnostic::error(
                    "E010",
                    format!("record id `{id}` is used twice in `{}`", r.value.id),
                )
                .at_loc(&path, r.find(&[Step::Id(id)])),
            ),
            _ => {}
        }
    }
}

/// Whether a published figure agrees with its cell: printed as computed, or
/// admitted by the range the inputs' precision allows. The one rule for
/// `check` and for the pages' marks.
pub fn is_consistent(
    table: &crate::model::table::Table,
    row: &str,
    col: &str,
    cell: &crate::model::table::Cell,
    p: &crate::numfmt::Printed,
) -> bool {
    // Consistent with the inputs' precision: some value their rounding
    // allows prints as the published figure.
    let admitted = match (table.range(row, col), p) {
        (
            Some(r),
            crate::numfmt::Printed::Num {
                value,
                dp,
                paren: None,
            },
        ) => r.admits(*value, *dp),
        _ => false,
    };
    matches_printed(cell, p) || admitted
}

/// Audits one published figure against its computed cell: W001 when
/// inconsistent, A001 when an accepted erratum.
#[allow(clippy::too_many_arguments)]
fn audit(
    table: &crate::model::table::Table,
    view: &str,
    row: &str,
    col: &str,
    printed: &str,
    accepted: Option<&str>,
    path: &std::path::Path,
    loc: &dyn Fn() -> Option<(usize, usize)>,
    d: &mut Diagnostics,
) {
    let Some(cell) = table.cell(row, col) else {
        let help = if table.col_index(col).is_none() {
            format!(
                "columns of {view}: {}",
                table
                    .columns
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("`{row}` has no row in {view}")
        };
        d.push(
            Diagnostic::error("E011", format!("no cell `{col}` for `{row}` in `{view}`"))
                .at_loc(path, loc())
                .help(help),
        );
        return;
    };
    let Some(p) = parse_printed(printed) else {
        d.push(
            Diagnostic::error("E003", format!("`{printed}` is not a printed figure"))
                .at_loc(path, loc())
                .help("write it as printed: 1.23, △1.23, -, ***, 8.00 (71.72)"),
        );
        return;
    };
    let consistent = is_consistent(table, row, col, cell, &p);
    if !consistent {
        if let Some(reason) = accepted {
            d.push(
                Diagnostic::note(
                    "A001",
                    format!(
                        "accepted erratum: published {view} `{row}` {col} is {printed}, computed {} ({reason})",
                        format_cell(cell)
                    ),
                )
                .at_loc(path, loc())
                .figures(printed, &format_cell(cell))
                .figure(&format!("{view}.{row}.{col}"))
                .interval(table.range(row, col))
                .reason(reason),
            );
            return;
        }
        d.push(
            Diagnostic::warning(
                "W001",
                format!(
                    "published {view} `{row}` {col} is {printed}, computed {}",
                    format_cell(cell)
                ),
            )
            .at_loc(path, loc())
            .figures(printed, &format_cell(cell))
            .figure(&format!("{view}.{row}.{col}"))
            .interval(table.range(row, col))
            .help("the page shows the published figure with an errata mark (정오); fix the data if the computed one is wrong"),
        );
    }
}

/// Characters no bundled font can draw: a reader without system fonts would
/// see a blank or a box. One warning per character and file.
fn glyphs(content: &Content, d: &mut Diagnostics) {
    let cov = crate::fonts::Coverage::new();
    // Outlines are costly to look up and text repeats its characters: a table
    // over the Basic Multilingual Plane remembers each answer (0 = not yet).
    let mut bmp = vec![0u8; 0x10000];
    let mut draws = |c: char| -> bool {
        let Some(slot) = bmp.get_mut(c as usize) else {
            return cov.draws(c);
        };
        if *slot == 0 {
            *slot = if cov.draws(c) { 1 } else { 2 };
        }
        *slot == 1
    };
    let sources = content.sources();
    for (path, src) in sources {
        let mut seen = BTreeSet::new();
        for (i, line) in src.lines().enumerate() {
            // YAML comments are for authors, not readers.
            let text = if path.extension().is_some_and(|e| e == "yaml") {
                line.split(" #").next().unwrap_or(line)
            } else {
                line
            };
            for (col, c) in text.chars().enumerate() {
                if c.is_ascii() {
                    continue;
                }
                if !draws(c) && seen.insert(c) {
                    d.push(
                        Diagnostic::warning("W004", format!("the bundled fonts have no glyph for `{c}` (U+{:04X})", c as u32))
                            .at(&rel(path), i + 1, col + 1)
                            .help("use a character the fonts draw (e.g. ※, ○, ·), or add the glyph to the fallback font subset"),
                    );
                }
            }
        }
    }
}

pub(crate) fn unknown_node(
    path: &std::path::Path,
    loc: Option<(usize, usize)>,
    id: &str,
) -> Diagnostic {
    Diagnostic::error("E011", format!("unknown node `{id}`"))
        .at_loc(path, loc)
        .help("use the id of a node of this dataset's tree")
}

fn join(s: &BTreeSet<&str>) -> String {
    s.iter().copied().collect::<Vec<_>>().join(", ")
}

/// Keys that share the longest prefix with an unknown key: a hint, not a guess.
fn near_keys<'a>(key: &str, keys: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut best: Vec<&str> = Vec::new();
    let mut best_len = 0;
    for k in keys {
        let common = k
            .chars()
            .zip(key.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if common > best_len {
            best_len = common;
            best.clear();
        }
        if common == best_len && best.len() < 6 {
            best.push(k);
        }
    }
    best
}

/// Summary-edition narrative: it may embed what the main body embeds.
fn is_summary(path: &std::path::Path) -> bool {
    path.components().any(|c| c.as_os_str() == "summary")
}

fn feedback(
    content: &Content,
    f: &Loaded<crate::model::feedback::FeedbackFile>,
    d: &mut Diagnostics,
) {
    let path = rel(&f.path);
    let ids = content.plan.value.part_ids();
    let help = "use a chapter or section id of plan.yaml, e.g. II or II-1";
    for item in &f.value.items {
        if !ids.contains(item.target.as_str()) {
            d.push(
                Diagnostic::error(
                    "E011",
                    format!("feedback row reviews unknown part `{}`", item.target),
                )
                .at_loc(&path, f.spans().scalar("target", &item.target))
                .help(help),
            );
        }
        for r in &item.responses {
            for s in r.sections.iter().filter(|s| !ids.contains(s.as_str())) {
                d.push(
                    Diagnostic::error(
                        "E011",
                        format!("feedback response points to unknown section `{s}`"),
                    )
                    .at_loc(
                        &path,
                        f.spans().after(None, crate::load::yaml::Needle::Text(s)),
                    )
                    .help(help),
                );
            }
        }
    }
}

fn narrative(content: &Content, computed: &Computed, d: &mut Diagnostics) {
    let sections = content.plan.value.part_ids();
    let mut embedded: BTreeMap<&str, usize> = BTreeMap::new();
    for n in content.narratives.values() {
        for (line, text) in n.missing_figures() {
            d.push(
                Diagnostic::note("N001", format!("figure without data (원자료 미수록): {text}"))
                    .at(&n.path, line, 1)
                    .help("supply the series as a table in data/ and replace the placeholder with {{chart ID}}"),
            );
        }
        for (kind, id, line, col) in n.embeds() {
            let known = match kind {
                EmbedKind::Table => computed.table(id).is_some(),
                EmbedKind::Chart => computed.chart(id).is_some(),
                EmbedKind::Feedback => content.feedback.iter().any(|f| f.value.id == id),
                EmbedKind::Records => {
                    let (coll, item) = id.split_once('/').map_or((id, None), |(c, i)| (c, Some(i)));
                    content.records.iter().any(|r| {
                        r.value.id == coll
                            && item.is_none_or(|i| {
                                r.value
                                    .items
                                    .iter()
                                    .any(|x| RecordsFile::item_id(x) == Some(i))
                            })
                    })
                }
            };
            let what = match kind {
                EmbedKind::Table => "table",
                EmbedKind::Chart => "chart",
                EmbedKind::Records => "record collection or record",
                EmbedKind::Feedback => "feedback table",
            };
            if !known {
                let all: Vec<&str> = match kind {
                    EmbedKind::Table => computed.tables.iter().map(|t| t.id.as_str()).collect(),
                    EmbedKind::Chart => computed.charts.iter().map(|c| c.id.as_str()).collect(),
                    EmbedKind::Records => content
                        .records
                        .iter()
                        .map(|r| r.value.id.as_str())
                        .collect(),
                    EmbedKind::Feedback => content
                        .feedback
                        .iter()
                        .map(|f| f.value.id.as_str())
                        .collect(),
                };
                d.push(
                    Diagnostic::error("E011", format!("unknown {what} `{id}`"))
                        .at(&n.path, line, col)
                        .help(diagnostic::did_you_mean(id, &all, &format!("{what} id"))),
                );
            } else if matches!(kind, EmbedKind::Table | EmbedKind::Chart) && !is_summary(&n.path) {
                let count = embedded.entry(id).or_default();
                *count += 1;
                if *count == 2 {
                    d.push(
                        Diagnostic::warning(
                            "W003",
                            format!("{what} `{id}` is embedded more than once"),
                        )
                        .at(&n.path, line, col)
                        .help("embed it once and point to it elsewhere with {{ref ID}}"),
                    );
                }
            }
        }
        for p in n.pieces() {
            if let Piece::Val {
                key,
                printed: Some(printed),
                accepted,
                line,
                col,
                ..
            } = p
            {
                if crate::publish::quoted_consistent(computed, key, printed) == Some(false) {
                    let v = computed
                        .values
                        .get(key)
                        .map(|v| crate::numfmt::format_num(v.value, v.format))
                        .unwrap_or_default();
                    if let Some(reason) = accepted {
                        d.push(
                            Diagnostic::note(
                                "A001",
                                format!("accepted erratum: the sentence prints {printed} for `{key}`, computed {v} ({reason})"),
                            )
                            .at(&n.path, *line, *col)
                            .figures(printed, &v)
                            .figure(key)
                            .reason(reason),
                        );
                        continue;
                    }
                    d.push(
                        Diagnostic::warning(
                            "W001",
                            format!("the sentence prints {printed} for `{key}`, computed {v}"),
                        )
                        .at(&n.path, *line, *col)
                        .figures(printed, &v)
                        .figure(key)
                        .help("the page keeps the printed figure with an errata mark (정오); quote the right value or fix the data"),
                    );
                }
            }
            match p {
                Piece::Val {
                    key,
                    line,
                    col,
                    update: false,
                    ..
                } if !computed.values.contains_key(key) => {
                    let keys: Vec<&str> = computed.values.keys().map(String::as_str).collect();
                    let help = match diagnostic::nearest(key, keys.iter().copied()) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!(
                            "values with the nearest name: {}",
                            near_keys(key, computed.values.keys()).join(", ")
                        ),
                    };
                    d.push(
                        Diagnostic::error("E011", format!("unknown value `{key}`"))
                            .at(&n.path, *line, *col)
                            .help(help),
                    );
                }
                Piece::Ref { id, line, col }
                    if computed.table(id).is_none()
                        && computed.chart(id).is_none()
                        && !sections.contains(id.as_str()) =>
                {
                    let all: Vec<&str> = computed
                        .tables
                        .iter()
                        .map(|t| t.id.as_str())
                        .chain(computed.charts.iter().map(|c| c.id.as_str()))
                        .chain(sections.iter().copied())
                        .collect();
                    let help = match diagnostic::nearest(id, all.iter().copied()) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => "refer to a table or chart id from the data, or a section id such as VIII-2".to_string(),
                    };
                    d.push(
                        Diagnostic::error(
                            "E011",
                            format!("reference to unknown table, chart or section `{id}`"),
                        )
                        .at(&n.path, *line, *col)
                        .help(help),
                    );
                }
                _ => {}
            }
        }
    }
}
