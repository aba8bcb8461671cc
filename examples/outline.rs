//! Prints the bookmarks of a PDF: `cargo run --example outline -- FILE.pdf`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: outline FILE.pdf");
        std::process::exit(2);
    };
    match planbook::pdf::outline(std::path::Path::new(&path)) {
        Ok(marks) => {
            for (t, p) in marks {
                println!("{p:4}  {t}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
