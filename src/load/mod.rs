#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! The load stage: read content/, parse YAML and narrative, keep sources for
//! diagnostics. Computes nothing.

pub mod companies;
pub mod files;
mod ksic;
pub mod narrative;
pub mod yaml;

use crate::model::budget::BudgetFile;
use crate::model::dataset::{RecordsFile, TableFile};
use crate::model::outline::{DataKind, PlanFile};
use crate::validate::diagnostic::{rel, Diagnostic, Diagnostics};
use files::Root;
use narrative::Narrative;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use yaml::{Spans, Step};

/// A parsed file with the text it came from.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub path: PathBuf,
    pub src: String,
    pub value: T,
    /// Where each node is, built from the parser's spans the first time a
    /// diagnostic needs a location (most builds report none).
    spans: Arc<OnceLock<Spans>>,
}

impl<T> Loaded<T> {
    pub fn new(path: PathBuf, src: String, value: T) -> Self {
        Loaded {
            path,
            src,
            value,
            spans: Arc::default(),
        }
    }

    pub fn spans(&self) -> &Spans {
        self.spans.get_or_init(|| {
            let t = std::time::Instant::now();
            let s = Spans::of(&self.src);
            if std::env::var_os("PLANBOOK_TIMING").is_some() {
                eprintln!("spans of {}: {:?}", self.path.display(), t.elapsed());
            }
            s
        })
    }

    /// The location of a path into this file's YAML.
    pub fn find(&self, path: &[Step]) -> Option<(usize, usize)> {
        self.spans().find(path)
    }
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

/// Reads a content file through the folder's checks (inside the folder, a
/// regular file, under the size limit); E001 when it cannot be read, E013
/// when the content names a path it may not read.
pub fn read_source(root: &Root, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match root.read(path) {
        Ok(s) => {
            diags.add_source(&rel(path), &s);
            Some(s)
        }
        Err(e) => {
            let code = if e.starts_with("cannot be read") {
                "E001"
            } else {
                "E013"
            };
            diags.push(
                Diagnostic::error(code, format!("{} {e}", rel(path).display())).in_file(&rel(path)),
            );
            None
        }
    }
}

pub use yaml::parse as parse_yaml;

/// A data file parsed, by its kind.
enum Parsed {
    Budget(Loaded<BudgetFile>),
    Table(Loaded<TableFile>),
    Records(Loaded<RecordsFile>),
    Performance(Loaded<crate::model::performance::PerfFile>),
    Feedback(Loaded<crate::model::feedback::FeedbackFile>),
    Companies(Loaded<crate::model::companies::CompaniesFile>),
}

/// `f` of every item, on as many threads as the machine has cores (at most
/// one per item), in the items' order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn load_yaml<T: DeserializeOwned>(
    root: &Root,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let src = read_source(root, path, diags)?;
    let value = parse_yaml(path, &src, diags)?;
    Some(Loaded::new(path.to_path_buf(), src, value))
}

/// What an id may be made of: ASCII letters, digits and `-`, `_`, `.`,
/// starting with a letter or digit, at most 100 characters, no `..`. Ids
/// become file names (`tables/<id>.csv`, `<chapter>/<section>.html`), HTML
/// ids and link targets, so anything else could escape the output folder or
/// the markup.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let first_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if first_ok && id.len() <= 100 && id.chars().all(ok_char) && !id.contains("..") {
        Ok(())
    } else {
        let shown: String = id.chars().take(60).collect();
        Err(format!("`{shown}` is not a valid id"))
    }
}

pub const ID_HELP: &str = "an id is ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit (at most 100 characters), e.g. `II-3` or `budget-plan`";

/// The outline's ids and item numbers name files and pages: they are
/// checked before any path is built from them.
fn check_outline_ids(plan: &Loaded<PlanFile>, diags: &mut Diagnostics) {
    let p = &plan.value;
    let path = rel(&plan.path);
    let mut bad = |id: &str, what: &str, loc: Option<(usize, usize)>| {
        if let Err(e) = check_id(id) {
            diags.push(
                Diagnostic::error("E003", format!("{what} id {e}"))
                    .at_loc(&path, loc.or_else(|| plan.spans().scalar("id", id)))
                    .help(ID_HELP),
            );
        }
    };
    for (i, f) in p.front.iter().enumerate() {
        let loc = plan.find(&[Step::Key("front"), Step::Index(i), Step::Key("id")]);
        bad(&f.id, "front page", loc);
    }
    for (ci, c) in p.chapters.iter().enumerate() {
        let at = [Step::Key("chapters"), Step::Index(ci)];
        bad(
            &c.id,
            "chapter",
            plan.find(&[at[0], at[1], Step::Key("id")]),
        );
        for (si, s) in c.sections.iter().enumerate() {
            let sec = [at[0], at[1], Step::Key("sections"), Step::Index(si)];
            let mut id_path = sec.to_vec();
            id_path.push(Step::Key("id"));
            bad(&s.id, "section", plan.find(&id_path));
            for (ii, it) in s.items.iter().enumerate() {
                let mut no_path = sec.to_vec();
                no_path.extend([Step::Key("items"), Step::Index(ii), Step::Key("no")]);
                bad(&it.no, "item number (`no`) as an", plan.find(&no_path));
            }
        }
    }
    for (i, a) in p.attachments.iter().enumerate() {
        let loc = plan.find(&[Step::Key("attachments"), Step::Index(i), Step::Key("id")]);
        bad(&a.id, "attachment", loc);
    }
}

pub(crate) fn failure(diags: &Diagnostics) -> Failure {
    if diags.items.iter().any(|d| d.code == "E001") {
        Failure::Io
    } else {
        Failure::Content
    }
}

/// Loads everything under `dir`. On failure the diagnostics say why.
pub fn load(dir: &Path) -> Result<(Content, Diagnostics), (Failure, Diagnostics)> {
    let (mut content, mut diags) = load_data(dir)?;
    load_narratives(&mut content, &mut diags);
    if diags.has_errors() {
        return Err((failure(&diags), diags));
    }
    Ok((content, diags))
}

/// The outline and the data files, with no narrative yet: everything a
/// narrative-only edit leaves as it was (`serve` keeps it between such
/// rebuilds). An `Err` only when nothing can be read on; the content
/// errors found are in the diagnostics, for [`load`] to report with the
/// narrative's.
pub fn load_data(dir: &Path) -> Result<(Content, Diagnostics), (Failure, Diagnostics)> {
    let mut diags = Diagnostics::default();
    let plan_path = dir.join("plan.yaml");
    let root = match Root::new(dir) {
        Ok(r) if plan_path.is_file() => r,
        _ => {
            diags.push(
                Diagnostic::error("E001", format!("no plan.yaml in {}", rel(dir).display())).help(
                    "point --content at a plan folder (one with plan.yaml), e.g. --content content",
                ),
            );
            return Err((Failure::Io, diags));
        }
    };
    let Some(mut plan) = load_yaml::<PlanFile>(&root, &plan_path, &mut diags) else {
        return Err((failure(&diags), diags));
    };
    check_outline_ids(&plan, &mut diags);
    if let Some(url) = plan.value.edition.base_url.clone() {
        match crate::render::share::parse_base_url(&url) {
            Ok(u) => plan.value.edition.base_url = Some(u),
            Err(e) => {
                let loc = plan.find(&[Step::Key("edition"), Step::Key("base_url")]);
                diags.push(
                    Diagnostic::error("E003", format!("edition.base_url: {e}"))
                        .at_loc(&rel(&plan_path), loc)
                        .help(
                            "the site's public address, e.g. https://www.example.go.kr/plan2025/",
                        ),
                );
            }
        }
    }
    if diags.has_errors() {
        return Err((failure(&diags), diags));
    }
    let plan_rel = rel(&plan_path);

    let plan_years = plan.value.edition.plan_years();
    let history = plan.value.edition.history();
    let mut budgets = Vec::new();
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let mut performance: Vec<Loaded<crate::model::performance::PerfFile>> = Vec::new();
    let mut feedback = Vec::new();
    let mut companies = Vec::new();
    let mut jobs: Vec<(DataKind, PathBuf)> = Vec::new();
    for (i, dref) in plan.value.data.iter().enumerate() {
        let key = if dref.file.is_some() { "file" } else { "dir" };
        let entry = [Step::Key("data"), Step::Index(i), Step::Key(key)];
        let loc = plan.find(&entry);
        let named = |p: &str, diags: &mut Diagnostics| match root.resolve(p) {
            Ok(x) => Some(x),
            Err(e) => {
                diags.push(
                    Diagnostic::error("E013", format!("data path {e}"))
                        .at_loc(&plan_rel, loc)
                        .help("name a file or folder inside the content folder, e.g. data/budget.yaml"),
                );
                None
            }
        };
        let paths: Vec<PathBuf> = match (&dref.file, &dref.dir) {
            (Some(f), None) => match named(f, &mut diags) {
                Some(p) => vec![p],
                None => continue,
            },
            (None, Some(d)) => {
                let Some(folder) = named(d, &mut diags) else {
                    continue;
                };
                let listed = root
                    .check_dir(&folder)
                    .and_then(|()| std::fs::read_dir(&folder).map_err(|e| e.to_string()));
                match listed {
                    Ok(entries) => {
                        let mut v: Vec<PathBuf> = entries
                            .filter_map(Result::ok)
                            .map(|e| e.path())
                            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                            .collect();
                        v.sort();
                        v
                    }
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(
                                "E013",
                                format!("data folder `{d}` cannot be listed: {e}"),
                            )
                            .at_loc(&plan_rel, loc)
                            .help("create the folder or fix the path (relative to the content folder)"),
                        );
                        continue;
                    }
                }
            }
            _ => {
                diags.push(
                    Diagnostic::error("E003", "a data entry needs exactly one of `file` or `dir`")
                        .at_loc(&plan_rel, plan.find(&[Step::Key("data"), Step::Index(i)])),
                );
                continue;
            }
        };
        for path in paths {
            if !root.exists(&path) {
                diags.push(
                    Diagnostic::error(
                        "E013",
                        format!("data file `{}` does not exist", rel(&path).display()),
                    )
                    .at_loc(&plan_rel, loc)
                    .help("create the file or fix the path (relative to the content folder)"),
                );
                continue;
            }
            jobs.push((dref.kind, path));
        }
    }
    // Parsing the YAML is most of a load (serde-saphyr reads about 14 MB/s):
    // the files are parsed side by side, and their results and diagnostics
    // then taken in the order of plan.yaml, as one thread would.
    let t = std::time::Instant::now();
    let parsed = par_map(&jobs, |(kind, path)| {
        let mut d = Diagnostics::default();
        let p = match kind {
            DataKind::Budget => load_yaml(&root, path, &mut d).map(Parsed::Budget),
            DataKind::Table => load_yaml(&root, path, &mut d).map(Parsed::Table),
            DataKind::Records => load_yaml(&root, path, &mut d).map(Parsed::Records),
            DataKind::Performance => load_yaml(&root, path, &mut d).map(Parsed::Performance),
            DataKind::Feedback => load_yaml(&root, path, &mut d).map(Parsed::Feedback),
            DataKind::Companies => load_yaml(&root, path, &mut d).map(Parsed::Companies),
        };
        (p, d)
    });
    if std::env::var_os("PLANBOOK_TIMING").is_some() {
        eprintln!("load data files: {:?}", t.elapsed());
    }
    for (p, d) in parsed {
        diags.extend(d);
        match p {
            None => {}
            Some(Parsed::Budget(y)) => budgets.push(y),
            Some(Parsed::Table(y)) => tables.push(y),
            Some(Parsed::Records(y)) => records.push(y),
            Some(Parsed::Performance(y)) => performance.push(y),
            Some(Parsed::Feedback(y)) => feedback.push(y),
            Some(Parsed::Companies(mut y)) => {
                if y.value.years == [0; 3] {
                    if let [a, b, c] = history[..] {
                        y.value.years = [a, b, c];
                    }
                }
                let csv_loc = y.find(&[Step::Key("csv")]);
                let path = y.path.clone();
                if let Some(x) = self::companies::load(&root, y.value, &path, csv_loc, &mut diags) {
                    companies.push(Loaded::new(y.path, y.src, x));
                }
            }
        }
    }

    // Years a dataset does not state are the plan's; stated ones that
    // disagree with the plan year are reported (the edition was not rolled).
    for b in &mut budgets {
        if b.value.years == [0; 2] {
            b.value.years = plan_years;
        } else if b.value.years != plan_years {
            let loc = b.find(&[Step::Key("years")]);
            diags.push(
                Diagnostic::warning(
                    "W005",
                    format!(
                        "budget `{}` compares {:?}, but the plan year is {}",
                        b.value.id, b.value.years, plan.value.edition.year
                    ),
                )
                .at_loc(&rel(&b.path), loc)
                .help("remove `years:` to take the plan's, or roll the plan with `planbook new-edition`"),
            );
        }
    }
    for p in &mut performance {
        if p.value.history.is_empty() {
            p.value.history.clone_from(&history);
        } else if p.value.history != history {
            let loc = p.find(&[Step::Key("history")]);
            diags.push(
                Diagnostic::warning(
                    "W005",
                    format!(
                        "performance `{}` covers {:?}, but the plan's history window is {:?}",
                        p.value.id, p.value.history, history
                    ),
                )
                .at_loc(&rel(&p.path), loc)
                .help(
                    "remove `history:` to take the plan's, or state `edition.history` in plan.yaml",
                ),
            );
        }
    }

    default_files(&root, &mut plan.value);
    // The summary edition: summary/<CH>.md and summary/<SEC>.md, in outline order.
    let mut summaries = Vec::new();
    for c in &plan.value.chapters {
        for id in std::iter::once(&c.id).chain(c.sections.iter().map(|s| &s.id)) {
            let f = format!("summary/{id}.md");
            if root.exists(&dir.join(&f)) {
                summaries.push((id.clone(), f));
            }
        }
    }
    // KSIC names before the narrative: a count may filter on the name a
    // table shows.
    ksic::resolve(&mut tables, &records, &mut diags);
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
            narratives: BTreeMap::new(),
        },
        diags,
    ))
}

/// Reads and parses the narrative files the outline names (its own are
/// replaced), then resolves their counts and blocks against the data.
pub fn load_narratives(content: &mut Content, diags: &mut Diagnostics) {
    let dir = content.dir.clone();
    let Ok(root) = Root::new(&dir) else {
        diags.push(Diagnostic::error(
            "E001",
            format!("the content folder {} cannot be read", rel(&dir).display()),
        ));
        return;
    };
    let plan = &content.plan;
    let plan_rel = rel(&plan.path);
    let summary_files: Vec<String> = content.summaries.iter().map(|(_, f)| f.clone()).collect();
    // Each file once: found here, in the outline's order, then read and
    // parsed side by side, their diagnostics taken in that order.
    let mut seen = std::collections::BTreeSet::new();
    let mut found: Vec<(String, Result<PathBuf, Diagnostic>)> = Vec::new();
    for file in narrative_files(&plan.value)
        .into_iter()
        .chain(summary_files)
    {
        if !seen.insert(file.clone()) {
            continue;
        }
        let loc = || plan.spans().scalar("file", &file);
        let path = match root.resolve(&file) {
            Ok(p) if root.exists(&p) => Ok(p),
            Ok(_) => Err(Diagnostic::error(
                "E013",
                format!("narrative file `{file}` does not exist"),
            )
            .at_loc(&plan_rel, loc())
            .help("create the Markdown file, or remove `file:` to mark the section 작성 예정")),
            Err(e) => Err(Diagnostic::error("E013", format!("narrative path {e}"))
                .at_loc(&plan_rel, loc())
                .help("name a Markdown file inside the content folder, e.g. chapters/I/I-1.md")),
        };
        found.push((file, path));
    }
    let parsed = par_map(&found, |(_, path)| {
        let mut d = Diagnostics::default();
        let n = match path {
            Ok(path) => read_source(&root, path, &mut d).map(|src| {
                let (n, more) = narrative::parse(&rel(path), &src);
                for x in more {
                    d.push(x);
                }
                n
            }),
            Err(e) => {
                d.push(e.clone());
                None
            }
        };
        (n, d)
    });
    let mut narratives = BTreeMap::new();
    for ((file, _), (n, d)) in found.into_iter().zip(parsed) {
        diags.extend(d);
        if let Some(n) = n {
            narratives.insert(file, n);
        }
    }
    crate::validate::resolve_counts(&content.tables, &content.records, narratives.values_mut());
    for x in narrative::resolve_blocks(narratives.values_mut()) {
        diags.push(x);
    }
    content.narratives = narratives;
}

/// A part without `file:` takes its narrative from the conventional path
/// when that file exists: `chapters/<CH>/<SEC>.md`, `chapters/<CH>/<SEC>-<no>.md`,
/// `chapters/<CH>/<CH>.md`, `front/<id>.md`, `attachments/<id>.md`.
fn default_files(root: &Root, p: &mut PlanFile) {
    let pick = |slot: &mut Option<String>, rel: String| {
        if slot.is_none() && root.exists(&root.given.join(&rel)) {
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
