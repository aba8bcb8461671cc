//! `planbook new-edition --year YEAR --out DIR`: the next year's content folder.

use super::{EXIT_INVALID, EXIT_IO};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct NewEditionArgs {
    /// The new plan year (the year after the content's edition.year)
    #[arg(long)]
    pub year: Option<u16>,
    /// Plan folder to roll over (holds plan.yaml)
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The new content folder: new or empty, outside the plan folder
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(a: &NewEditionArgs) -> ExitCode {
    let started = std::time::Instant::now();
    match crate::edition::new_edition(&a.content, a.year, &a.out) {
        Ok(r) => {
            eprintln!(
                "wrote the {} edition ({} files) into {} in {} ms: {} input(s) to supply, {} quoted value(s) to update, {} published/accepted block(s) cleared",
                r.to,
                r.files,
                a.out.display(),
                started.elapsed().as_millis(),
                r.to_supply,
                r.to_update,
                r.cleared
            );
            eprintln!(
                "next: planbook check --content {} --notes   (N002: data to supply, N003: sentences to update)",
                a.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.starts_with("the plan in") => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_IO)
        }
    }
}
