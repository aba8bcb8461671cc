use super::{ImportArgs, EXIT_INVALID, EXIT_IO};
use crate::validate::diagnostic::display_path;
use std::process::ExitCode;

pub fn run(a: &ImportArgs) -> ExitCode {
    let opts = crate::import::Options {
        xlsx: a.file.clone(),
        sheet: a.sheet.clone(),
        into: a.into.clone(),
        content: a.content.clone(),
        map: a.map.clone(),
        check: a.check,
    };
    let out = match crate::import::run(&opts) {
        Ok(o) => o,
        Err(e) => {
            super::say(&format!("error: {e}\n"));
            return ExitCode::from(EXIT_IO);
        }
    };
    for p in &out.problems {
        super::say(&format!("error: {p}\n"));
    }
    // Changes on stdout: `--check` output can be piped or diffed.
    let mut text = String::new();
    for c in &out.changes {
        text.push_str(&format!(
            "{}:{}:{}: {}: {} → {} (from {})\n",
            display_path(&c.file),
            c.line,
            c.column,
            c.what,
            c.old,
            c.new,
            c.cell
        ));
    }
    {
        use std::io::Write;
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    if !out.problems.is_empty() {
        super::say(&format!(
            "{} problem(s): nothing written\n",
            out.problems.len()
        ));
        return ExitCode::from(EXIT_INVALID);
    }
    match (&out.written, out.changes.len()) {
        (_, 0) => super::say("no value changes: nothing written\n"),
        (Some(p), n) => super::say(&format!("{n} value(s) changed in {}\n", display_path(p))),
        (None, n) => super::say(&format!(
            "{n} value(s) would change (--check: nothing written)\n"
        )),
    }
    ExitCode::SUCCESS
}
