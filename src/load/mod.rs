//! The load stage: read content/, parse YAML and narrative, keep sources for
//! diagnostics. Computes nothing.

pub mod companies;
mod ksic;
pub mod locate;
pub mod narrative;

use crate::model::budget::BudgetFile;
use crate::model::dataset::{RecordsFile, TableFile};
use crate::model::outline::{DataKind, PlanFile};
use crate::validate::diagnostic::{rel, Diagnostic, Diagnostics};
use narrative::Narrative;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parsed file with the text it came from.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub path: PathBuf,
    pub src: String,
    pub value: T,
}

#[derive(Debug)]
pub struct Content {
    pub dir: PathBuf,
    pub plan: Loaded<PlanFile>,
    pub budgets: Vec<Loaded<BudgetFile>>,
    pub tables: Vec<Loaded<TableFile>>,
    pub records: Vec<Loaded<RecordsFile>>,
    pub performance: Vec<Loaded<crate::model::performance::PerfFile>>,
    pub feedback: Vec<Loaded<crate::model::feedback::FeedbackFile>>,
    pub companies: Vec<Loaded<crate::model::companies::Extract>>,
    /// Summary-edition parts in outline order: (outline id, narrative file).
    pub summaries: Vec<(String, String)>,
    /// Narrative by the `file:` string used in plan.yaml.
    pub narratives: BTreeMap<String, Narrative>,
}

impl Content {
    /// Every text the plan was read from, as (path, text): YAML files and narrative.
    pub fn sources(&self) -> Vec<(&Path, &str)> {
        fn add<'a, T>(out: &mut Vec<(&'a Path, &'a str)>, v: &'a [Loaded<T>]) {
            out.extend(v.iter().map(|l| (l.path.as_path(), l.src.as_str())));
        }
        let mut out = vec![(self.plan.path.as_path(), self.plan.src.as_str())];
        add(&mut out, &self.budgets);
        add(&mut out, &self.tables);
        add(&mut out, &self.records);
        add(&mut out, &self.performance);
        add(&mut out, &self.feedback);
        add(&mut out, &self.companies);
        out.extend(
            self.narratives
                .values()
                .map(|n| (n.path.as_path(), n.src.as_str())),
        );
        out
    }
}

/// Why a load failed: bad content (exit 1) or unreadable files (exit 2).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Failure {
    Content,
    Io,
}

pub fn read_source(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => {
            diags.add_source(&rel(path), &s);
            Some(s)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("E001", format!("cannot read {}: {e}", rel(path).display()))
                    .in_file(&rel(path)),
            );
            None
        }
    }
}

fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Parses YAML in two steps so that a syntax error (E002) is told apart from
/// a schema error (E003: unknown field, wrong type, missing field).
pub fn parse_yaml<T: DeserializeOwned>(
    path: &Path,
    src: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    let p = rel(path);
    // The typed parse alone on the happy path; on failure, a second untyped
    // parse tells a syntax error from a schema error.
    if let Ok(v) = serde_yaml::from_str::<T>(src) {
        return Some(v);
    }
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(src) {
        let loc = e.location().map(|l| (l.line(), l.column()));
        diags.push(
            Diagnostic::error(
                "E002",
                format!("malformed YAML: {}", strip_location(&e.to_string())),
            )
            .at_loc(&p, loc)
            .help("check indentation, colons and quotes around this line"),
        );
        return None;
    }
    match serde_yaml::from_str::<T>(src) {
        Ok(v) => Some(v),
        Err(e) => {
            let msg = strip_location(&e.to_string());
            let help = if msg.contains("unknown field") {
                "fix the field name: the allowed names are listed in the message"
            } else if msg.contains("missing field") {
                "add the field to this entry"
            } else if msg.contains("invalid type") || msg.contains("invalid value") {
                "write a value of the expected type here (numbers without quotes or units)"
            } else {
                "fix the value at this position"
            };
            diags.push(
                Diagnostic::error("E003", msg)
                    .at_loc(&p, e.location().map(|l| (l.line(), l.column())))
                    .help(help),
            );
            None
        }
    }
}

fn load_yaml<T: DeserializeOwned>(path: &Path, diags: &mut Diagnostics) -> Option<Loaded<T>> {
    let src = read_source(path, diags)?;
    let value = parse_yaml(path, &src, diags)?;
    Some(Loaded {
        path: path.to_path_buf(),
        src,
        value,
    })
}

/// Line of the first occurrence of `needle` in a source, for references made
/// in plan.yaml.
pub fn line_of(src: &str, needle: &str) -> Option<(usize, usize)> {
    src.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
}

/// Loads everything under `dir`. On failure the diagnostics say why.
pub fn load(dir: &Path) -> Result<(Content, Diagnostics), (Failure, Diagnostics)> {
    let mut diags = Diagnostics::default();
    let plan_path = dir.join("plan.yaml");
    if !plan_path.is_file() {
        diags.push(
            Diagnostic::error("E001", format!("no plan.yaml in {}", rel(dir).display())).help(
                "point --content at a plan folder (one with plan.yaml), e.g. --content content",
            ),
        );
        return Err((Failure::Io, diags));
    }
    let Some(mut plan) = load_yaml::<PlanFile>(&plan_path, &mut diags) else {
        let f = if diags.items.iter().any(|d| d.code == "E001") {
            Failure::Io
        } else {
            Failure::Content
        };
        return Err((f, diags));
    };

    let mut budgets = Vec::new();
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let mut performance = Vec::new();
    let mut feedback = Vec::new();
    let mut companies = Vec::new();
    for dref in &plan.value.data {
        let loc = line_of(
            &plan.src,
            dref.file
                .as_deref()
                .or(dref.dir.as_deref())
                .unwrap_or("data:"),
        );
        let paths: Vec<PathBuf> = match (&dref.file, &dref.dir) {
            (Some(f), None) => vec![dir.join(f)],
            (None, Some(d)) => match std::fs::read_dir(dir.join(d)) {
                Ok(entries) => {
                    let mut v: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                        .collect();
                    v.sort();
                    v
                }
                Err(_) => {
                    diags.push(
                        Diagnostic::error("E013", format!("data folder `{d}` does not exist"))
                            .at_loc(&rel(&plan_path), loc)
                            .help("create the folder or fix the path (relative to the content folder)"),
                    );
                    continue;
                }
            },
            _ => {
                diags.push(
                    Diagnostic::error("E003", "a data entry needs exactly one of `file` or `dir`")
                        .at_loc(&rel(&plan_path), loc),
                );
                continue;
            }
        };
        for path in paths {
            if !path.is_file() {
                diags.push(
                    Diagnostic::error(
                        "E013",
                        format!("data file `{}` does not exist", rel(&path).display()),
                    )
                    .at_loc(&rel(&plan_path), loc)
                    .help("create the file or fix the path (relative to the content folder)"),
                );
                continue;
            }
            match dref.kind {
                DataKind::Budget => budgets.extend(load_yaml::<BudgetFile>(&path, &mut diags)),
                DataKind::Table => tables.extend(load_yaml::<TableFile>(&path, &mut diags)),
                DataKind::Records => records.extend(load_yaml::<RecordsFile>(&path, &mut diags)),
                DataKind::Performance => performance.extend(load_yaml(&path, &mut diags)),
                DataKind::Feedback => feedback.extend(load_yaml(&path, &mut diags)),
                DataKind::Companies => {
                    if let Some(y) =
                        load_yaml::<crate::model::companies::CompaniesFile>(&path, &mut diags)
                    {
                        if let Some(x) = self::companies::load(y.value, &path, &mut diags) {
                            companies.push(Loaded {
                                path: y.path,
                                src: y.src,
                                value: x,
                            });
                        }
                    }
                }
            }
        }
    }

    default_files(dir, &mut plan.value);
    // The summary edition: summary/<CH>.md and summary/<SEC>.md, in outline order.
    let mut summaries = Vec::new();
    for c in &plan.value.chapters {
        for id in std::iter::once(&c.id).chain(c.sections.iter().map(|s| &s.id)) {
            let f = format!("summary/{id}.md");
            if dir.join(&f).is_file() {
                summaries.push((id.clone(), f));
            }
        }
    }
    let mut narratives = BTreeMap::new();
    let summary_files: Vec<String> = summaries.iter().map(|(_, f)| f.clone()).collect();
    for file in narrative_files(&plan.value)
        .into_iter()
        .chain(summary_files)
    {
        if narratives.contains_key(&file) {
            continue;
        }
        let path = dir.join(&file);
        if !path.is_file() {
            diags.push(
                Diagnostic::error("E013", format!("narrative file `{file}` does not exist"))
                    .at_loc(&rel(&plan_path), line_of(&plan.src, &file))
                    .help(
                        "create the Markdown file, or remove `file:` to mark the section 작성 예정",
                    ),
            );
            continue;
        }
        if let Some(src) = read_source(&path, &mut diags) {
            let (n, d) = narrative::parse(&rel(&path), &src);
            for x in d {
                diags.push(x);
            }
            narratives.insert(file, n);
        }
    }

    ksic::resolve(&mut tables, &records, &mut diags);
    if diags.has_errors() {
        let f = if diags.items.iter().any(|d| d.code == "E001") {
            Failure::Io
        } else {
            Failure::Content
        };
        return Err((f, diags));
    }
    Ok((
        Content {
            dir: dir.to_path_buf(),
            plan,
            budgets,
            tables,
            records,
            performance,
            feedback,
            companies,
            summaries,
            narratives,
        },
        diags,
    ))
}

/// A part without `file:` takes its narrative from the conventional path
/// when that file exists: `chapters/<CH>/<SEC>.md`, `chapters/<CH>/<SEC>-<no>.md`,
/// `chapters/<CH>/<CH>.md`, `front/<id>.md`, `attachments/<id>.md`.
fn default_files(dir: &Path, p: &mut PlanFile) {
    let pick = |slot: &mut Option<String>, rel: String| {
        if slot.is_none() && dir.join(&rel).is_file() {
            *slot = Some(rel);
        }
    };
    for f in &mut p.front {
        pick(&mut f.file, format!("front/{}.md", f.id));
    }
    for c in &mut p.chapters {
        pick(&mut c.file, format!("chapters/{0}/{0}.md", c.id));
        for s in &mut c.sections {
            pick(&mut s.file, format!("chapters/{}/{}.md", c.id, s.id));
            for it in &mut s.items {
                pick(
                    &mut it.file,
                    format!("chapters/{}/{}-{}.md", c.id, s.id, it.no),
                );
            }
        }
    }
    for a in &mut p.attachments {
        pick(&mut a.file, format!("attachments/{}.md", a.id));
    }
}

/// Every narrative file the outline names, in outline order.
pub fn narrative_files(p: &PlanFile) -> Vec<String> {
    let mut v = Vec::new();
    v.extend(p.front.iter().filter_map(|f| f.file.clone()));
    for c in &p.chapters {
        v.extend(c.file.clone());
        for s in &c.sections {
            v.extend(s.file.clone());
            v.extend(s.items.iter().filter_map(|i| i.file.clone()));
        }
    }
    v.extend(p.attachments.iter().filter_map(|a| a.file.clone()));
    v
}
