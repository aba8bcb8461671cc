//! Command line: parse arguments, run a stage pipeline, map results to exit
//! codes (0 ok, 1 invalid content, 2 usage or I/O). Holds no plan logic.

mod build;
mod check;
mod diff;
mod edition;
mod import;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "planbook",
    version,
    about = "Builds a regional industry promotion plan (지역산업진흥계획) from YAML data and Markdown narrative"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site, print document, CSV and SVG into the output folder
    Build(BuildArgs),
    /// Validate and audit the plan; writes nothing
    Check(CheckArgs),
    /// Build in memory and serve on 127.0.0.1, rebuilding when the content changes
    Serve(ServeArgs),
    /// Fill a dataset's input values from a spreadsheet (rewrites only those values)
    Import(ImportArgs),
    /// Compare two plan folders (신구대비표): values, tables, published figures, text
    Diff(diff::DiffArgs),
    /// Write the next year's edition as a new content folder (inputs to supply left empty)
    NewEdition(edition::NewEditionArgs),
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Plan folder (holds plan.yaml)
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Port on 127.0.0.1 (0: any free port, printed at start)
    #[arg(long, default_value_t = 3917)]
    pub port: u16,
    /// Open the served plan in the default browser
    #[arg(long)]
    pub open: bool,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The spreadsheet (.xlsx)
    pub file: PathBuf,
    /// The sheet to read
    #[arg(long)]
    pub sheet: String,
    /// The dataset to fill: a table id, or a budget dataset's id
    #[arg(long, value_name = "DATASET")]
    pub into: String,
    /// Plan folder (holds plan.yaml)
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// A YAML file mapping the sheet's row labels and column headers to ids
    /// (`rows: {label: id}`, `columns: {header: id}`) where they differ
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Show what would change; write nothing
    #[arg(long)]
    pub check: bool,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Plan folder (holds plan.yaml)
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Output folder, replaced as a whole when the build succeeds
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Print only errors
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print plan.pdf (and summary.pdf) with a headless Chromium
    #[arg(long)]
    pub pdf: bool,
    /// Also write every table as tables/<id>.xlsx (linked from the table)
    #[arg(long)]
    pub xlsx: bool,
    /// The Chromium to print with (default: chromium, chromium-browser or google-chrome on PATH)
    #[arg(long, value_name = "PATH")]
    pub browser: Option<PathBuf>,
    /// Seconds a single print may take before it is abandoned
    #[arg(long, default_value_t = 120)]
    pub print_timeout: u64,
    /// The corrected edition: computed figures everywhere, each one that
    /// differs from the published plan marked (by default the pages show the
    /// published figures, inconsistent ones marked)
    #[arg(long)]
    pub computed: bool,
    /// The site's public URL (http:// or https://): canonical links, og:url
    /// and sitemap.xml; without it every link stays relative
    #[arg(long, value_name = "URL", value_parser = crate::render::share::parse_base_url)]
    pub base_url: Option<String>,
}

impl BuildArgs {
    pub fn edition(&self) -> crate::publish::Edition {
        if self.computed {
            crate::publish::Edition::Computed
        } else {
            crate::publish::Edition::Published
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Plan folder (holds plan.yaml)
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Report format: human (rustc-like) or json (one object per line)
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also list the notes (figures whose data the plan does not contain);
    /// by default they are counted in the summary
    #[arg(long)]
    pub notes: bool,
    /// Also list the audit's dependent figures (those following from a
    /// reported root) and the accepted errata
    #[arg(long, short)]
    pub verbose: bool,
    /// Print errors and the summary only
    #[arg(long, short)]
    pub quiet: bool,
}

/// Writes to stderr, ignoring a closed stream: reporting must never panic.
pub fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

pub const EXIT_INVALID: u8 = 1;
pub const EXIT_IO: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_IO)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Build(a) => build::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Serve(a) => {
            let opts = crate::serve::Options {
                content: a.content,
                port: a.port,
                open: a.open,
            };
            match crate::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    say(&format!("error: {e}\n"));
                    ExitCode::from(EXIT_IO)
                }
            }
        }
        Command::Import(a) => import::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::NewEdition(a) => edition::run(&a),
    }
}
