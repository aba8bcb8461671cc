//! Where a build spends its time: load, compute+validate, render, write.
use std::time::Instant;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for _ in 0..3 {
        let t = Instant::now();
        let (content, mut diags) = planbook::load::load(&dir).expect("load");
        let t_load = t.elapsed();
        let t = Instant::now();
        let computed = planbook::compute_all(&content);
        let t_compute = t.elapsed();
        let t = Instant::now();
        diags.extend(planbook::validate::validate(&content, &computed));
        let t_validate = t.elapsed();
        let t = Instant::now();
        let files = planbook::render::render(&content, &computed).expect("render");
        let t_render = t.elapsed();
        let t = Instant::now();
        let out = std::env::temp_dir().join("planbook-profile");
        planbook::output::write_atomic(&out, &files).expect("write");
        let t_write = t.elapsed();
        println!("load {t_load:?} compute {t_compute:?} validate {t_validate:?} render {t_render:?} write {t_write:?}");
    }
}
