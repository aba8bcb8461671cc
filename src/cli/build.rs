use super::{BuildArgs, EXIT_INVALID, EXIT_IO};
use crate::load::Failure;
use crate::validate::diagnostic::Severity;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(a: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    let (content, computed, diags) = match crate::analyse(&a.content) {
        Ok(x) => x,
        Err((f, d)) => {
            eprint!("{}", d.render_human());
            eprintln!("build stopped: {} left as it was", a.out.display());
            return ExitCode::from(if f == Failure::Io {
                EXIT_IO
            } else {
                EXIT_INVALID
            });
        }
    };
    if !a.quiet && !diags.is_empty() {
        eprint!("{}", diags.render_human());
    }
    let files = match crate::render::render(&content, &computed) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: rendering failed: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if let Err(e) = crate::output::write_atomic(&a.out, &files) {
        eprintln!("error: cannot write {}: {e}", a.out.display());
        return ExitCode::from(EXIT_IO);
    }
    if !a.quiet {
        let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        let tables = files.iter().filter(|f| f.path.ends_with(".csv")).count();
        let charts = files.iter().filter(|f| f.path.ends_with(".svg")).count();
        eprintln!(
            "built {} pages, {} tables, {} charts into {} in {} ms ({} warning(s))",
            pages,
            tables,
            charts,
            a.out.display(),
            start.elapsed().as_millis(),
            diags.count(Severity::Warning)
        );
    }
    ExitCode::SUCCESS
}
