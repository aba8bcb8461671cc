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
    // Only one failure leaves `out` different from before: the two-rename
    // fallback could neither move the new output in nor put the old one
    // back. The report must not claim otherwise then.
    let existed = a.out.symlink_metadata().is_ok();
    let opts = crate::render::RenderOptions {
        xlsx: a.xlsx,
        base_url: a.base_url.clone(),
        ..Default::default()
    };
    match crate::build_with(&a.content, &a.out, opts, a.edition()) {
        Err((f, d)) => {
            // Errors and the summary, also with -q: a failed build says why.
            let show = crate::validate::diagnostic::Show {
                warnings: !a.quiet,
                notes: false,
                verbose: false,
            };
            super::say(&d.render_report(show));
            if existed && a.out.symlink_metadata().is_err() {
                super::say(&format!(
                    "build stopped: the previous {} is kept beside it and the next build puts it back\n",
                    a.out.display()
                ));
            } else {
                super::say(&format!(
                    "build stopped: {} left as it was\n",
                    a.out.display()
                ));
            }
            ExitCode::from(if f == Failure::Io {
                EXIT_IO
            } else {
                EXIT_INVALID
            })
        }
        Ok(b) => {
            if !a.quiet {
                if !b.diagnostics.is_empty() {
                    super::say(
                        &b.diagnostics
                            .render_report(crate::validate::diagnostic::Show {
                                warnings: true,
                                notes: false,
                                verbose: false,
                            }),
                    );
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
            if a.pdf {
                return print(a, start);
            }
            // The process ends here: its memory goes back with it, without
            // freeing the rendered files one by one first.
            std::mem::forget(b);
            ExitCode::SUCCESS
        }
    }
}

fn print(a: &BuildArgs, start: Instant) -> ExitCode {
    let Some(browser) = crate::pdf::find_browser(a.browser.as_deref()) else {
        super::say(&match &a.browser {
            Some(b) => format!("error: no browser at {}; the site and print.html are built, the PDFs are not\n", b.display()),
            None => "error: no Chromium found on PATH (chromium, chromium-browser, google-chrome); the site and print.html are built, the PDFs are not\n  = help: install one (Debian: apt-get install chromium) or name it with --browser PATH\n".to_string(),
        });
        return ExitCode::from(EXIT_IO);
    };
    if !a.quiet {
        super::say(&format!("printing with {} …\n", browser.display()));
    }
    match crate::print_pdfs(
        &a.content,
        &a.out,
        &browser,
        std::time::Duration::from_secs(a.print_timeout),
        a.edition(),
    ) {
        Ok(p) => {
            if !a.quiet {
                let names: Vec<String> = p.files.iter().map(|f| f.display().to_string()).collect();
                super::say(&format!(
                    "printed {} ({} print passes, {} headings placed) in {:.1} s\n",
                    names.join(", "),
                    p.passes,
                    p.pages.plan.len() + p.pages.summary.len(),
                    start.elapsed().as_secs_f64()
                ));
            }
            for (pdf, scale) in &p.shrunk {
                super::say(&format!(
                    "warning: {} is printed at {:.0} % of its size: Chromium shrank every page to fit content wider than the page\n  = help: a table with too many columns? print.html shows which is wider than 180 mm; print.css gives tables of 20 columns or more a landscape page\n",
                    pdf.display(),
                    scale * 100.0
                ));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            super::say(&format!("error: printing failed: {e}\n  = help: the site and print.html are built; try --browser PATH or a longer --print-timeout\n"));
            ExitCode::from(EXIT_IO)
        }
    }
}
