//! Full-build benchmark: load, compute, validate, render and write the
//! embedded 2025 plan. Run with `cargo bench`; prints min / median / max of
//! wall time and the process's peak resident memory (VmHWM).

use std::path::Path;
use std::time::{Duration, Instant};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

#[path = "support/scaled.rs"]
mod scaled;

/// min, median and max of `times`, in ms.
fn stats(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
    )
}

fn rss() -> String {
    peak_rss_kib().map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// `runs` builds of `content` into `out`: each into a missing folder
/// (`fresh`, the folder removed before each run, untimed) or each onto the
/// previous run's output (the no-change rebuild).
fn time_builds(content: &Path, out: &Path, runs: usize, fresh: bool) -> Vec<Duration> {
    // One warm-up build: the first one pays for page-cache misses.
    if let Err((_, d)) = planbook::build(content, out) {
        eprintln!("{}", d.render_human());
        std::process::exit(1);
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        if fresh {
            let _ = std::fs::remove_dir_all(out);
        }
        let t = Instant::now();
        let built = planbook::build(content, out);
        times.push(t.elapsed());
        assert!(built.is_ok());
    }
    times
}

/// What one more build of `content` writes: pages, files, bytes.
fn written(content: &Path, out: &Path) -> String {
    match planbook::build(content, out) {
        Ok(b) => format!(
            "{} pages, {} files, {:.1} MB",
            b.files.iter().filter(|f| f.path.ends_with(".html")).count(),
            b.files.len(),
            b.files.iter().map(|f| f.bytes.len()).sum::<usize>() as f64 / 1e6
        ),
        Err(_) => "did not build".into(),
    }
}

/// `cargo bench` runs every part; `cargo bench -- build scaled` only those
/// named (build, scaled, charts, big).
fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let run = |part: &str| wanted.is_empty() || wanted.iter().any(|w| w == part);
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let dir = std::env::temp_dir().join(format!("planbook-bench-{}", std::process::id()));
    let out = dir.join("output");
    let runs = 30;
    let mut full_1x = None;
    if run("build") || run("scaled") {
        let (lo, med, hi) = stats(&mut time_builds(&content, &out, runs, true));
        full_1x = Some(med);
        println!(
            "full build of content/ into a new folder ({runs} runs; {}): min {lo:.1} ms, median {med:.1} ms, max {hi:.1} ms; peak RSS {} MiB",
            written(&content, &out),
            rss()
        );
        let (lo, med, hi) = stats(&mut time_builds(&content, &out, runs, false));
        println!(
            "no-change rebuild of content/ onto its previous output ({runs} runs): min {lo:.1} ms, median {med:.1} ms, max {hi:.1} ms",
        );
        let _ = std::fs::remove_dir_all(&out);
    }
    if run("scaled") {
        let times = 20;
        let big = dir.join("content-20");
        if let Err(e) = scaled::write_scaled(&content, &big, times) {
            eprintln!("cannot write the {times}× plan: {e}");
            std::process::exit(1);
        }
        let runs = 5;
        let (lo, med, hi) = stats(&mut time_builds(&big, &out, runs, true));
        let ratio = full_1x.map_or(f64::NAN, |one| med / one);
        println!(
            "full build of the {times}× plan ({runs} runs; {}): min {lo:.0} ms, median {med:.0} ms, max {hi:.0} ms = {ratio:.1}× the 1× median (target ≤ 22×); peak RSS {} MiB",
            written(&big, &out),
            rss()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    if run("charts") {
        charts(&content, runs);
    }
    if run("big") {
        for rows in [100_000, 1_000_000] {
            big_table(rows);
        }
    }
}

/// The figures' share of the build: every chart and diagram of the plan
/// (and of samples/charts) drawn to SVG, without the rest of the pipeline.
fn charts(content: &Path, runs: usize) {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/charts");
    for (name, dir) in [("content/", content), ("samples/charts", samples.as_path())] {
        let Ok((_, computed, _)) = planbook::analyse(dir) else {
            eprintln!("{name} does not analyse");
            std::process::exit(1);
        };
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            for c in &computed.charts {
                let svg = planbook::chart::render_svg(c);
                assert!(svg.is_ok_and(|s| !s.contains("NaN")), "{}", c.id);
            }
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "all {} figures of {name} drawn: median {:.2} ms (min {:.2}, max {:.2})",
            computed.charts.len(),
            times[runs / 2].as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0,
            times[runs - 1].as_secs_f64() * 1000.0,
        );
    }
}

/// `check` of a plan whose one table has `rows` rows (a formula column and a
/// sum row, one published figure that disagrees so that a diagnostic must be
/// located): the work must grow linearly with the rows.
fn big_table(rows: usize) {
    use std::fmt::Write as _;
    let dir = std::env::temp_dir().join(format!("planbook-big-{}-{rows}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("data"));
    let plan = "edition: { title: 큰 표, short_title: 큰 표, region: 시험, year: 2025, date: 2025. 7., classification: 시험용 }\n\
                data:\n  - { file: data/big.yaml, kind: table }\n\
                chapters:\n  - id: I\n    title: 큰 표\n    sections:\n      - { id: I-1, title: 표 }\n";
    let mut t = String::with_capacity(rows * 60);
    t.push_str("# SYNTHETIC: a benchmark table, not data.\ntables:\n  - id: big\n    title: 큰 표\n    columns:\n      - { id: a, label: 가 }\n      - { id: b, label: 나 }\n      - { id: c, label: 합, compute: \"a + b\" }\n    rows:\n");
    for i in 0..rows {
        let _ = writeln!(
            t,
            "      - {{ id: r{i}, label: 행{i}, values: [{}, {}] }}",
            i % 97,
            i % 89
        );
    }
    let ids: Vec<String> = (0..rows).map(|i| format!("r{i}")).collect();
    let _ = writeln!(
        t,
        "      - {{ id: all, label: 합계, kind: total, sum: [{}] }}",
        ids.join(", ")
    );
    let _ = writeln!(t, "    published:\n      r{}: {{ c: \"1.00\" }}", rows - 1);
    if std::fs::write(dir.join("plan.yaml"), plan).is_err()
        || std::fs::write(dir.join("data/big.yaml"), &t).is_err()
    {
        eprintln!("cannot write the big-table plan");
        std::process::exit(1);
    }
    let t0 = Instant::now();
    let result = planbook::analyse(&dir);
    let took = t0.elapsed();
    let diags = match &result {
        Ok((_, _, d)) => d.items.len(),
        Err((_, d)) => {
            eprintln!("{}", d.render_human());
            std::process::exit(1);
        }
    };
    println!(
        "check of a {rows}-row table ({:.1} MB of YAML): {:.2} s, {diags} diagnostic(s); peak RSS {} MiB",
        t.len() as f64 / 1e6,
        took.as_secs_f64(),
        peak_rss_kib().map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
