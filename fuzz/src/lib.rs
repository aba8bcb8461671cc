//! The fuzz targets' bodies, shared by the libFuzzer binaries of
//! `fuzz_targets/` (and callable from anywhere else that wants to replay an
//! input). Every entry point must return normally for any input: planbook
//! reports bad content as diagnostics, so a panic, abort, stack overflow or
//! hang here is a bug.

use planbook::calc::expr::{self, Val};
use planbook::calc::CalcError;
use planbook::load::yaml::{self, Needle, Spans, Step};
use planbook::model;
use planbook::validate::diagnostic::Diagnostics;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// `{{…}}` directives, containers and the Markdown around them.
pub fn narrative(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let (n, diags) = planbook::load::narrative::parse(Path::new("chapters/I/I-1.md"), &src);
    let _ = n.missing_figures();
    let _ = n.embeds().count();
    let _ = n.pieces().count();
    // The report quotes the line under a caret: the column arithmetic on a
    // Korean or broken line is part of what is fuzzed.
    let mut d = Diagnostics::default();
    d.add_source(Path::new("chapters/I/I-1.md"), &src);
    for x in diags {
        d.push(x);
    }
    let _ = d.render_human();
    let _ = d.render_json();
}

/// The data files of the small plan, one per kind; the first byte of a
/// `data` input picks the kind, the rest is the file.
pub const DATA_FILES: [&str; 8] = [
    "data/budget.yaml",
    "data/tables/figures.yaml",
    "data/records/vii-councils.yaml",
    "data/performance.yaml",
    "data/feedback/committee.yaml",
    "plan.yaml",
    "data/companies.yaml",
    "data/companies.csv",
];

/// One data kind's file: parsed on its own (with the span index every
/// located report uses), then loaded, computed and validated in place of
/// the small plan's file of that kind.
pub fn data(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = pick as usize % DATA_FILES.len();
    let file = DATA_FILES[kind];
    let src = String::from_utf8_lossy(rest);
    let path = Path::new(file);
    let mut d = Diagnostics::default();
    match kind {
        0 => drop(yaml::parse::<model::budget::BudgetFile>(path, &src, &mut d)),
        1 => drop(yaml::parse::<model::dataset::TableFile>(path, &src, &mut d)),
        2 => drop(yaml::parse::<model::dataset::RecordsFile>(
            path, &src, &mut d,
        )),
        3 => drop(yaml::parse::<model::performance::PerfFile>(
            path, &src, &mut d,
        )),
        4 => drop(yaml::parse::<model::feedback::FeedbackFile>(
            path, &src, &mut d,
        )),
        5 => drop(yaml::parse::<model::outline::PlanFile>(path, &src, &mut d)),
        6 => drop(yaml::parse::<model::companies::CompaniesFile>(
            path, &src, &mut d,
        )),
        _ => {}
    }
    let _ = d.render_human();
    if kind != 7 {
        spans(&src);
    }
    with_file(file, rest, |dir| match planbook::analyse(dir) {
        Ok((_, _, d)) | Err((_, d)) => report(&d),
    });
}

/// Every query of the span index, with keys and ids taken from the source
/// itself so that they are found often enough to walk the tree.
fn spans(src: &str) {
    let s = Spans::of(src);
    let words: Vec<&str> = src
        .split(|c: char| c.is_whitespace() || ":{}[],\"'#".contains(c))
        .filter(|w| !w.is_empty())
        .take(64)
        .collect();
    let w = |i: usize| words.get(i % words.len().max(1)).copied().unwrap_or("id");
    for i in 0..words.len().min(16) {
        let path = [
            Step::Key(w(i)),
            Step::Index(i % 3),
            Step::Id(w(i + 1)),
            Step::Key(w(i + 2)),
            Step::Index(i),
        ];
        let loc = s.find(&path);
        let _ = s.find(&yaml::under(w(i), &[w(i + 1), w(i + 2)]));
        let _ = s.id_locs(w(i));
        let _ = s.scalar(w(i), w(i + 1));
        let from = s.after(loc, Needle::Key(w(i)));
        let _ = s.after(from, Needle::Text(w(i + 1)));
        let _ = s.after(loc, Needle::Entry(w(i), w(i + 1)));
    }
}

/// A formula parsed, checked and evaluated against columns whose values
/// are chosen by the name (extremes of the decimal range, zero, masked,
/// missing, failed), so that every arithmetic path meets its edge cases.
pub fn formula(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let Ok(e) = expr::parse(&src) else {
        return;
    };
    let _ = e.check_arity();
    let (mut cols, mut rows, mut keys) = (Vec::new(), Vec::new(), Vec::new());
    e.refs(&mut cols, &mut rows);
    e.value_keys(&mut keys);
    let resolved = e.resolve_values(&|k| Some(value_for(k)));
    let col = |name: &str| val_for(name);
    let other = |row: &str, c: &str| val_for(&format!("{row}{c}"));
    let _ = e.eval(&col, &other);
    let _ = resolved.eval(&col, &other);
    let _ = expr::cagr(
        value_for(&src),
        value_for("cagr"),
        value_for(&cols.join("")),
    );
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs, so a crash replays.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn value_for(s: &str) -> Decimal {
    const EDGES: [Decimal; 8] = [
        Decimal::MAX,
        Decimal::MIN,
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::NEGATIVE_ONE,
        Decimal::from_parts(1, 0, 0, false, 28),
        Decimal::from_parts(7, 0, 0, false, 1),
        Decimal::ONE_HUNDRED,
    ];
    let h = hash(s);
    match h % 10 {
        0..=7 => EDGES[(h % 8) as usize],
        // Any other figure, with any scale.
        _ => Decimal::from_i128_with_scale((h >> 8) as i64 as i128, ((h >> 3) % 29) as u32),
    }
}

fn val_for(s: &str) -> Val {
    match hash(s) % 13 {
        10 => Val::Missing,
        11 => Val::Masked,
        12 => Val::Error(CalcError::Upstream),
        _ => Val::Num(value_for(s)),
    }
}

/// Every file of the small plan (sorted): the first byte of a `plan` input
/// picks one, the rest replaces it.
pub fn plan_files() -> &'static [String] {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut v = Vec::new();
        list(&fixture(), &fixture(), &mut v);
        v.sort();
        v
    })
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list(root, &p, out);
        } else if let Ok(r) = p.strip_prefix(root) {
            out.push(r.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// A whole small plan through analyse and render, with one of its files
/// (outline, narrative, data, record template, company CSV) replaced.
pub fn plan(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let files = plan_files();
    let file = &files[pick as usize % files.len()];
    with_file(file, rest, |dir| match planbook::analyse(dir) {
        Ok((content, computed, d)) => {
            report(&d);
            let out = planbook::render::render(&content, &computed);
            if verbose() {
                eprintln!("render: {:?}", out.map(|f| f.len()));
            }
        }
        Err((_, d)) => report(&d),
    });
}

/// `PLANBOOK_FUZZ_VERBOSE=1` prints the diagnostics of each input: how a
/// seed is checked to pass and a finding is understood.
fn verbose() -> bool {
    static V: OnceLock<bool> = OnceLock::new();
    *V.get_or_init(|| std::env::var_os("PLANBOOK_FUZZ_VERBOSE").is_some())
}

fn report(d: &Diagnostics) {
    let text = d.render_human();
    if verbose() {
        eprintln!("{text}");
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plan")
}

/// The process's copy of the small plan and the file the last input
/// replaced (with its original text, restored before the next input).
struct Work {
    dir: PathBuf,
    dirty: Option<(PathBuf, Vec<u8>)>,
}

/// Runs `f` on the small plan with `file` holding `bytes`. The plan is
/// copied once per process: rewriting one file per input keeps an
/// execution at a few milliseconds.
fn with_file(file: &str, bytes: &[u8], f: impl FnOnce(&Path)) {
    static WORK: OnceLock<Mutex<Work>> = OnceLock::new();
    let work = WORK.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("planbook-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&fixture(), &dir).expect("copying the fuzz plan");
        Mutex::new(Work { dir, dirty: None })
    });
    // A panicking input poisons the lock; the state is still usable.
    let mut w = work.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((p, orig)) = w.dirty.take() {
        std::fs::write(&p, orig).expect("restoring the fuzz plan");
    }
    let target = w.dir.join(file);
    let orig = std::fs::read(&target).unwrap_or_default();
    std::fs::write(&target, bytes).expect("writing the fuzzed file");
    w.dirty = Some((target, orig));
    let dir = w.dir.clone();
    drop(w);
    f(&dir);
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()))?;
        } else {
            std::fs::copy(&p, to.join(e.file_name()))?;
        }
    }
    Ok(())
}
