//! `planbook diff OLD NEW`: the 신구대비표 of two plan folders.

use super::{say, EXIT_INVALID, EXIT_IO};
use crate::load::Failure;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffFormat {
    /// Concise terminal text
    Human,
    /// One JSON document
    Json,
    /// One self-contained, printable HTML page
    Html,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The earlier plan folder (holds plan.yaml)
    pub old: PathBuf,
    /// The later plan folder (holds plan.yaml)
    pub new: PathBuf,
    /// Report format
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormat,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Whether `out` would land inside one of the plan folders: the report
/// must never overwrite content.
fn inside_content(out: &Path, dirs: [&Path; 2]) -> bool {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(parent) = parent.canonicalize() else {
        return false;
    };
    dirs.iter()
        .filter_map(|d| d.canonicalize().ok())
        .any(|d| parent.starts_with(d))
}

/// Writes beside `path` and renames over it: a reader never sees half a
/// report, and a failed write leaves the old one.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(name);
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

pub fn run(a: &DiffArgs) -> ExitCode {
    if let Some(out) = &a.out {
        if inside_content(out, [&a.old, &a.new]) {
            say(&format!(
                "error: --out {} is inside a plan folder; write the report elsewhere\n",
                out.display()
            ));
            return ExitCode::from(EXIT_IO);
        }
    }
    let report = match crate::diff::diff(&a.old, &a.new) {
        Ok(r) => r,
        Err(failed) => {
            for (dir, why, d) in &failed.sides {
                match a.format {
                    DiffFormat::Json => {
                        use std::io::Write;
                        let _ = std::io::stdout()
                            .lock()
                            .write_all(d.render_json().as_bytes());
                    }
                    DiffFormat::Human | DiffFormat::Html => {
                        say(&d.render_report(crate::validate::diagnostic::Show {
                            warnings: false,
                            notes: false,
                            verbose: false,
                        }))
                    }
                }
                say(&match why {
                    Failure::Io => format!("diff stopped: {dir} cannot be read as a plan folder\n"),
                    Failure::Content => format!("diff stopped: {dir} does not check\n"),
                });
            }
            return ExitCode::from(match failed.failure {
                Failure::Io => EXIT_IO,
                Failure::Content => EXIT_INVALID,
            });
        }
    };
    let text = match a.format {
        DiffFormat::Human => crate::diff::human::render(&report),
        DiffFormat::Json => crate::diff::render_json(&report),
        DiffFormat::Html => crate::diff::html::render(&report),
    };
    match &a.out {
        Some(path) => {
            if let Err(e) = write_whole(path, text.as_bytes()) {
                say(&format!("error: cannot write {}: {e}\n", path.display()));
                return ExitCode::from(EXIT_IO);
            }
            say(&format!("wrote {}\n", path.display()));
        }
        None => {
            // A closed pipe (`planbook diff a b | head`) is not worth a panic.
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    ExitCode::SUCCESS
}
