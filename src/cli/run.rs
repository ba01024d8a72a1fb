//! `ssosim run SCENARIO [--out DIR] [--set KEY=VALUE]... [--replicas N]
//! [--threads N] [--quiet]`.
//!
//! Loads and validates the scenario (nothing is written when it is refused),
//! simulates it with a progress bar on a terminal, then publishes the run folder
//! (see [`super::publish`]) and prints a short summary on stderr. Ctrl-C or
//! SIGTERM stops the run at the next block of users: nothing is written and the
//! exit status is 130.

use super::progress::{Display, run_watched};
use super::publish::publish;
use super::{
    CliError, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, refuse_if_too_big, replicas_override,
    summary, threads_or_all,
};
use crate::runner::{Progress, RunError, RunOptions};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ssosim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario and its overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replicas, each with its own random streams; overrides simulation.replicas.
    #[arg(long, value_parser = clap::value_parser!(u64).range(REPLICAS_RANGE))]
    pub replicas: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(THREADS_RANGE))]
    pub threads: Option<u64>,
    /// No progress bar and no summary.
    #[arg(long)]
    pub quiet: bool,
    /// Run even when the estimated events or memory are beyond the limits.
    #[arg(long)]
    pub force: bool,
}

/// Runs the scenario and writes its folder.
pub fn exec(args: RunArgs) -> Result<(), CliError> {
    let (s, overrides) = args.scenario.load(&replicas_override(args.replicas))?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    let opts = RunOptions {
        threads: args.threads.unwrap_or(0) as usize,
        shard: None,
    };
    refuse_if_too_big(
        &s,
        &args.scenario.scenario,
        threads_or_all(args.threads),
        args.force,
    )?;
    let progress = Progress::default();
    let display = Display::new(
        args.quiet,
        s.simulation.users * u64::from(s.simulation.replicas),
    );
    let result = run_watched(&s, &opts, &progress, &display);
    display.clear();
    let result = result.map_err(|e| match e {
        RunError::Interrupted => CliError::Interrupted(
            "error: interrupted; nothing was written (previous results, if any, are intact)"
                .to_string(),
        ),
        other => CliError::Failed(format!("error: {other}")),
    })?;
    publish(&out, &s, &overrides, None, &result)?;
    if !args.quiet {
        eprint!("{}", summary::text(&s, &result, &out));
    }
    Ok(())
}
