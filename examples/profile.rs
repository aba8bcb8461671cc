//! Where a build spends its time: load, compute, validate, render, write.
//! `cargo run --release --example profile [-- TIMES]` profiles a plan
//! TIMES the size of `content/` (benches/scaled.rs; 1 by default).
use std::time::Instant;

#[path = "../benches/support/scaled.rs"]
mod scaled;

fn main() {
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let tmp = std::env::temp_dir().join(format!("planbook-profile-{}", std::process::id()));
    let dir = if times > 1 {
        let d = tmp.join("content");
        if let Err(e) = scaled::write_scaled(&content, &d, times) {
            eprintln!("cannot write the {times}× plan: {e}");
            std::process::exit(1);
        }
        d
    } else {
        content
    };
    let out = tmp.join("output");
    for _ in 0..3 {
        let t = Instant::now();
        let (content, mut diags) = match planbook::load::load(&dir) {
            Ok(x) => x,
            Err((_, d)) => {
                eprintln!("{}", d.render_human());
                std::process::exit(1);
            }
        };
        let t_load = t.elapsed();
        let t = Instant::now();
        let computed = planbook::compute_all(&content);
        let t_compute = t.elapsed();
        let t = Instant::now();
        diags.extend(planbook::validate::validate(&content, &computed));
        let t_validate = t.elapsed();
        if diags.has_errors() {
            eprintln!("{}", diags.render_human());
            std::process::exit(1);
        }
        let t = Instant::now();
        let files = planbook::render::render(&content, &computed).expect("render");
        let t_render = t.elapsed();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        let t = Instant::now();
        planbook::output::write_atomic(&out, &files).expect("write");
        let t_write = t.elapsed();
        println!(
            "{times}×: load {t_load:?} compute {t_compute:?} validate {t_validate:?} render {t_render:?} write {t_write:?} ({} files, {:.1} MB)",
            files.len(),
            bytes as f64 / 1e6
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
