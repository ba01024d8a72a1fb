//! The command line (design §10): argument structs (clap derive) and one
//! `exec` per subcommand, one file each. The library below never sees clap types.
//!
//! # Streams and exit statuses
//!
//! - Results go to stdout only when they are what the command was asked for
//!   (`check`, `trace`, `compare`, `sweep --list`); progress, summaries and
//!   errors go to stderr.
//! - Exit status: 0 success; 2 refused input (bad flag, bad scenario, bad
//!   `--set` or `--vary`, a `compare` argument that is not a run folder), with
//!   nothing written; 1 any other failure (I/O, a corrupt `summary.csv`);
//!   130 interrupted by Ctrl-C or SIGTERM, with no partial output.

mod chart;
mod check;
mod compare;
mod error;
mod fit;
mod interrupt;
mod merge;
mod progress;
mod run;
mod steady;
mod summary;
mod sweep;
mod sweep_folder;
mod trace;
mod trace_format;
mod tune;

pub use error::Error;

use crate::scenario::{self, Override, Scenario};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// ssosim: a deterministic discrete-event simulator of multi-party single sign-on.
#[derive(Debug, Parser)]
#[command(name = "ssosim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its results.
    Run(run::RunArgs),
    /// Validate a scenario and print what would run.
    Check(check::CheckArgs),
    /// Print every hop of one user, with virtual times and the outcome of each visit.
    Trace(trace::TraceArgs),
    /// Redraw the charts and report of a run folder from its CSV files.
    Chart(chart::ChartArgs),
    /// Merge shard folders (`run --shard I/N`) into one run folder, byte for byte.
    Merge(merge::MergeArgs),
    /// Run a scenario at every point of a grid of values.
    Sweep(sweep::SweepArgs),
    /// Compare the headline metrics of run folders side by side.
    Compare(compare::CompareArgs),
    /// Fit a scenario to a tenant's Auth0 log events.
    Fit(fit::FitArgs),
    /// Find the value of one key at which a metric meets a target.
    Tune(tune::TuneArgs),
}

/// The scenario file and its `--set` overrides, shared by the commands that load one.
#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario key: dotted key, TOML value (repeatable), e.g.
    /// `--set authorization_server.idle_timeout=1d`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

impl ScenarioArgs {
    /// Parses the `--set` flags, appends `extra` overrides (flags such as
    /// `--replicas`), and loads and validates the scenario with all of them.
    ///
    /// # Errors
    /// [`Error::Scenario`] with every problem found.
    pub fn load(&self, extra: &[Override]) -> Result<(Scenario, Vec<Override>), Error> {
        let mut overrides = parse_overrides(&self.sets)?;
        overrides.extend_from_slice(extra);
        let s = scenario::load(&self.scenario, &overrides)?;
        Ok((s, overrides))
    }
}

/// Runs the parsed command line.
///
/// # Errors
/// An [`Error`] that prints itself and knows its exit status.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run::exec(args),
        Command::Check(args) => check::exec(args),
        Command::Trace(args) => trace::exec(args),
        Command::Chart(args) => chart::exec(args),
        Command::Merge(args) => merge::exec(args),
        Command::Sweep(args) => sweep::exec(args),
        Command::Compare(args) => compare::exec(args),
        Command::Fit(args) => fit::exec(args),
        Command::Tune(args) => tune::exec(args),
    }
}

/// Parses every `--set KEY=VALUE`.
fn parse_overrides(sets: &[String]) -> Result<Vec<Override>, Error> {
    sets.iter()
        .map(|s| scenario::parse_override(s).map_err(Error::from))
        .collect()
}

/// `--replicas N` as the override it stands for, so that it is validated and
/// recorded in `run.json` like any `--set`.
fn replicas_override(replicas: Option<u64>) -> Vec<Override> {
    replicas
        .map(|n| Override {
            key: "simulation.replicas".to_string(),
            value: n.to_string(),
        })
        .into_iter()
        .collect()
}

/// Refuses (exit 2) a run whose estimated cost is absurd, unless `force`.
fn refuse_if_too_big(
    s: &Scenario,
    file: &std::path::Path,
    threads: usize,
    force: bool,
) -> Result<(), Error> {
    let reasons = crate::cost::too_big(s, threads);
    if force || reasons.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(
        reasons
            .iter()
            .map(|r| format!("{}: {r}", file.display()))
            .collect(),
    ))
}

/// Worker threads a run will use: `--threads`, or all cores.
fn threads_or_all(threads: Option<u64>) -> usize {
    threads.map_or_else(crate::runner::num_cpus, |t| t as usize)
}

/// Accepted range of `--replicas` (the scenario limit).
const REPLICAS_RANGE: std::ops::RangeInclusive<u64> = 1..=scenario::MAX_REPLICAS;
/// Accepted range of `--threads`.
const THREADS_RANGE: std::ops::RangeInclusive<u64> = 1..=1024;
