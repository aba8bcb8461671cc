use super::{ImportArgs, EXIT_IO};
use std::process::ExitCode;

pub fn run(_a: &ImportArgs) -> ExitCode {
    super::say("error: import is not built yet\n");
    ExitCode::from(EXIT_IO)
}
