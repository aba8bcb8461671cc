//! What `serve` does after a narrative edit, timed alone: a sentence is
//! appended to a chapter file of a copy of `content/` and the site rebuilt
//! in memory as `serve` does (`planbook::serve::build_site_with`, keeping the
//! workbooks between rebuilds), RUNS times; also without that cache, and
//! split into analysis and render, and the render without the spreadsheets.
//! `cargo run --release --example serve_rebuild [-- RUNS]`
use std::time::{Duration, Instant};

#[path = "../benches/support/scaled.rs"]
mod scaled;

fn median(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.1} ms (min {:.1}, max {:.1})",
        ms(v[v.len() / 2]),
        ms(v[0]),
        ms(v[v.len() - 1])
    )
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(11);
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let tmp = std::env::temp_dir().join(format!("planbook-serve-{}", std::process::id()));
    // A 1× copy: the scaled plan's generator with one copy is a plain copy.
    if let Err(e) = scaled::write_scaled(&content, &tmp, 1) {
        eprintln!("cannot copy content/: {e}");
        std::process::exit(1);
    }
    let chapter = tmp.join("chapters/VIII/VIII-2-1.md");
    let (mut whole, mut uncached, mut analyse, mut render, mut no_xlsx) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut kept = planbook::serve::Kept::default();
    let _ = planbook::serve::build_site_with(&tmp, &mut kept);
    for i in 0..runs {
        let mut text = std::fs::read_to_string(&chapter).expect("read");
        text.push_str(&format!("\n편집 {i} 문장.\n"));
        std::fs::write(&chapter, text).expect("write");
        let t = Instant::now();
        let site = planbook::serve::build_site_with(&tmp, &mut kept);
        whole.push(t.elapsed());
        let t = Instant::now();
        let fresh = planbook::serve::build_site(&tmp);
        uncached.push(t.elapsed());
        assert!(fresh.is_ok());
        assert!(site.is_ok_and(|f| f
            .iter()
            .any(|f| String::from_utf8_lossy(&f.bytes).contains(&format!("편집 {i} 문장")))));
        let t = Instant::now();
        let Ok((c, computed, _)) = planbook::analyse(&tmp) else {
            std::process::exit(1)
        };
        analyse.push(t.elapsed());
        let pages = planbook::render::Pages::default();
        for (xlsx, into) in [(true, &mut render), (false, &mut no_xlsx)] {
            let opts = planbook::render::RenderOptions {
                xlsx,
                ..Default::default()
            };
            let t = Instant::now();
            let r = planbook::render::render_with_options(&c, &computed, &pages, opts);
            into.push(t.elapsed());
            assert!(r.is_ok());
        }
    }
    println!(
        "serve rebuild after a narrative edit ({runs} runs): {}",
        median(whole)
    );
    println!(
        "  the same without the workbook cache: {}",
        median(uncached)
    );
    println!("  analyse (load, compute, validate): {}", median(analyse));
    println!("  render with the spreadsheets: {}", median(render));
    println!("  render without them: {}", median(no_xlsx));
    let _ = std::fs::remove_dir_all(&tmp);
}
