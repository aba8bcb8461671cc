//! Time of writing every table as .xlsx, and of analyse + render (serve's
//! rebuild), in this process: `cargo run --release --example xlsx_cost`.
fn main() {
    let dir = std::path::Path::new("content");
    let mut xs = Vec::new();
    let mut rs = Vec::new();
    for _ in 0..15 {
        let t = std::time::Instant::now();
        let (content, computed, _) = planbook::analyse(dir).expect("analyse");
        let _ = planbook::render::render(&content, &computed).expect("render");
        rs.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        for tb in &computed.tables {
            let _ = planbook::render::xlsx::table_xlsx(tb, "").expect("xlsx");
        }
        xs.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0])
    };
    println!("analyse+render ms (median, min): {:?}", med(&mut rs));
    println!("xlsx of all tables ms (median, min): {:?}", med(&mut xs));
}
