//! The command line (design §10): argument structs (clap derive) and one
//! `exec` per subcommand. The library below never sees clap types.

mod chart;
mod merge;
mod run;
mod trace;

use clap::{Parser, Subcommand};
use std::fmt;

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
    /// Print every hop of one user, with virtual times.
    Trace(trace::TraceArgs),
    /// Redraw the charts and report of a run folder from its CSV files.
    Chart(chart::ChartArgs),
    /// Merge shard folders (`run --shard I/N`) into one run folder, byte for byte.
    Merge(merge::MergeArgs),
}

/// How a command failed: refused input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum CliError {
    /// Bad flag, bad scenario, bad `--set`: exit status 2.
    Refused(String),
    /// I/O or any other failure: exit status 1.
    Failed(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Refused(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Refused(m) | CliError::Failed(m) => f.write_str(m.trim_end()),
        }
    }
}

impl From<crate::scenario::ScenarioError> for CliError {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        CliError::Refused(e.to_string())
    }
}

/// Runs the parsed command line.
///
/// # Errors
/// A [`CliError`] whose message is ready to print.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run::exec(args),
        Command::Trace(args) => trace::exec(args),
        Command::Chart(args) => chart::exec(args),
        Command::Merge(args) => merge::exec(args),
    }
}

/// Parses every `--set KEY=VALUE`.
fn parse_overrides(sets: &[String]) -> Result<Vec<crate::scenario::Override>, CliError> {
    sets.iter()
        .map(|s| crate::scenario::parse_override(s).map_err(CliError::from))
        .collect()
}
