use super::{CheckArgs, Format, EXIT_INVALID, EXIT_IO};
use crate::load::Failure;
use crate::validate::diagnostic::Severity;
use std::process::ExitCode;

pub fn run(a: &CheckArgs) -> ExitCode {
    let (diags, failure) = match crate::analyse(&a.content) {
        Ok((_, _, d)) => (d, None),
        Err((f, d)) => (d, Some(f)),
    };
    // A closed pipe (`planbook check | head`) is not an error worth a panic.
    use std::io::Write;
    let _ = match a.format {
        Format::Human => {
            let show = crate::validate::diagnostic::Show {
                warnings: !a.quiet,
                notes: a.notes,
                verbose: a.verbose,
            };
            std::io::stderr()
                .lock()
                .write_all(diags.render_report(show).as_bytes())
        }
        Format::Json => std::io::stdout()
            .lock()
            .write_all(diags.render_json().as_bytes()),
    };
    match failure {
        Some(Failure::Io) => ExitCode::from(EXIT_IO),
        Some(Failure::Content) => ExitCode::from(EXIT_INVALID),
        None if a.deny_warnings && diags.count(Severity::Warning) > 0 => {
            ExitCode::from(EXIT_INVALID)
        }
        None => ExitCode::SUCCESS,
    }
}
