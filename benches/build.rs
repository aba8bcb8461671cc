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

fn main() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let dir = std::env::temp_dir().join(format!("planbook-bench-{}", std::process::id()));
    let out = dir.join("output");
    let runs = 30;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    // One warm-up build: the first one pays for page-cache misses.
    if let Err((_, d)) = planbook::build(&content, &out) {
        eprintln!("{}", d.render_human());
        std::process::exit(1);
    }
    for _ in 0..runs {
        let t = Instant::now();
        let built = planbook::build(&content, &out);
        times.push(t.elapsed());
        assert!(built.is_ok());
    }
    let _ = std::fs::remove_dir_all(&dir);
    charts(&content, runs);
    for rows in [100_000, 1_000_000] {
        big_table(rows);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "full build of content/ ({runs} runs): min {:.1} ms, median {:.1} ms, max {:.1} ms; peak RSS {} MiB",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1]),
        peak_rss_kib().map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
    );
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
