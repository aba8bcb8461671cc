//! `PLANBOOK_TIMING=1`: the time of each stage of a build, on stderr.

use std::cell::Cell;
use std::time::Instant;

/// Times the stages of one part of a build (`analyse`, `render` …): each
/// [`Stages::lap`] prints the time since the previous one.
pub struct Stages {
    part: &'static str,
    on: bool,
    since: Cell<Instant>,
}

impl Stages {
    pub fn new(part: &'static str) -> Stages {
        Stages {
            part,
            on: std::env::var_os("PLANBOOK_TIMING").is_some(),
            since: Cell::new(Instant::now()),
        }
    }

    pub fn lap(&self, stage: &str) {
        if self.on {
            eprintln!("{} {stage}: {:?}", self.part, self.since.get().elapsed());
            self.since.set(Instant::now());
        }
    }
}
