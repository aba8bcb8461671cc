use super::{BuildArgs, EXIT_INVALID, EXIT_IO};
use crate::load::Failure;
use crate::validate::diagnostic::Severity;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(a: &BuildArgs) -> ExitCode {
    let start = Instant::now();
    if !a.quiet {
        super::say(&format!(
            "building {} → {}\n",
            a.content.display(),
            a.out.display()
        ));
    }
    match crate::build(&a.content, &a.out) {
        Err((f, d)) => {
            super::say(&d.render_human());
            super::say(&format!(
                "build stopped: {} left as it was\n",
                a.out.display()
            ));
            ExitCode::from(if f == Failure::Io {
                EXIT_IO
            } else {
                EXIT_INVALID
            })
        }
        Ok(b) => {
            if !a.quiet {
                if !b.diagnostics.is_empty() {
                    super::say(&b.diagnostics.render_human());
                }
                let count = |ext: &str| b.files.iter().filter(|f| f.path.ends_with(ext)).count();
                super::say(&format!(
                    "built {} pages, {} tables, {} charts into {} in {} ms ({} warning(s))\n",
                    count(".html"),
                    count(".csv"),
                    count(".svg"),
                    a.out.display(),
                    start.elapsed().as_millis(),
                    b.diagnostics.count(Severity::Warning)
                ));
                super::say(&format!("open {}\n", a.out.join("index.html").display()));
            }
            ExitCode::SUCCESS
        }
    }
}
