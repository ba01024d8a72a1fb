//! `ssosim run SCENARIO [--out DIR] [--set KEY=VALUE]... [--replicas N]
//! [--threads N] [--shard I/N] [--no-charts] [--quiet] [--force]`.
//!
//! Loads and validates the scenario (nothing is written when it is refused),
//! simulates it with a progress bar on a terminal, then publishes the run folder
//! (see [`super::publish`]) — CSV, JSON, charts and report, or a shard folder
//! for `ssosim merge` — and prints a short summary on stderr. Ctrl-C or SIGTERM
//! stops the run at the next block of users: nothing is written and the exit
//! status is 130.

use super::progress::{Display, run_watched};
use super::{
    Error, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, refuse_if_too_big, replicas_override,
    summary, threads_or_all,
};
use crate::logs::{LogFormat, LogOptions};
use crate::report::publish::{publish_run, target};
use crate::runner::{Progress, RunError, RunOptions};
use clap::{Args, ValueEnum};
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
    /// Simulate only users with id % N == I and write a shard folder for `ssosim merge`
    /// [default out: output/<scenario name>-shard-I-of-N].
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write the CSV and JSON files only, no charts or report.
    #[arg(long)]
    pub no_charts: bool,
    /// No progress bar and no summary.
    #[arg(long)]
    pub quiet: bool,
    /// Run even when the estimated events or memory are beyond the limits.
    #[arg(long)]
    pub force: bool,
    /// Also write the tenant's log (replica 0) as Auth0 log events: logs.jsonl.
    #[arg(long)]
    pub logs: bool,
    /// Log only users 0..N-1 (implies --logs) [default: every user].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub logs_users: Option<u64>,
    /// Log file format (implies --logs): jsonl (logs.jsonl, one event per line)
    /// or array (logs.json, one JSON array, the Management API's page format).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub logs_format: Option<LogFormatArg>,
    /// Queue every hop instead of running redirect chains inline: the
    /// reference path, for the equivalence tests (same outputs, slower).
    #[arg(long, hide = true)]
    pub reference_path: bool,
}

/// `--logs-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    /// One JSON object per line (`logs.jsonl`).
    Jsonl,
    /// One JSON array (`logs.json`).
    Array,
}

impl RunArgs {
    /// The log asked for, if any: runs spill beside the output folder.
    fn log_options(&self, out: &std::path::Path) -> Option<(LogOptions, LogFormat)> {
        if !(self.logs || self.logs_users.is_some() || self.logs_format.is_some()) {
            return None;
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut o = LogOptions::all_users(&parent);
        if let Some(n) = self.logs_users {
            o.users = n;
        }
        let format = match self.logs_format {
            Some(LogFormatArg::Array) => LogFormat::Array,
            _ => LogFormat::Jsonl,
        };
        Some((o, format))
    }
}

/// Runs the scenario and writes its folder.
pub(super) fn exec(args: RunArgs) -> Result<(), Error> {
    let (s, overrides) = args.scenario.load(&replicas_override(args.replicas))?;
    let shard = super::merge::shard_flag(args.shard.as_deref())?;
    let out = args.out.clone().unwrap_or_else(|| match shard {
        Some(sh) => super::merge::default_shard_out(&s.name, sh),
        None => PathBuf::from("output").join(&s.name),
    });
    let log = args.log_options(&out);
    let opts = RunOptions {
        threads: args.threads.unwrap_or(0) as usize,
        shard,
        logs: log.as_ref().map(|(o, _)| o.clone()),
        reference_path: args.reference_path,
    };
    let log_format = log.map(|(_, f)| f);
    refuse_if_too_big(
        &s,
        &args.scenario.scenario,
        threads_or_all(args.threads),
        args.force,
    )?;
    let progress = Progress::default();
    let users = shard.map_or(s.simulation.users, |sh| {
        crate::shard::users_in_shard(s.simulation.users, sh)
    });
    let replicas = s.simulation.replicas;
    let display = Display::new(
        args.quiet,
        users * u64::from(replicas),
        &super::progress::unit(users, replicas),
    );
    let result = run_watched(&s, &opts, &progress, &display);
    display.clear();
    let result = result.map_err(|e| match e {
        RunError::Interrupted => Error::Interrupted(
            "interrupted; nothing was written (previous results, if any, are intact)".to_string(),
        ),
        other => Error::Run(other),
    })?;
    let text = match shard {
        // A shard folder is staged and published by `write_shard` itself.
        Some(sh) => {
            let files =
                crate::shard::write_shard(&target(&out)?, &s, &overrides, sh, &result, log_format)
                    .map_err(|e| Error::failed(e.to_string()))?;
            summary::shard_text(&s, &result, sh, &out, &files)
        }
        None => {
            publish_run(&out, &s, &overrides, &result, !args.no_charts, log_format)?;
            summary::text(&s, &result, &out)
        }
    };
    if !args.quiet {
        eprint!("{text}");
        // Warm-up advice after the summary it qualifies (issue 13).
        for w in super::steady::warnings(&s) {
            eprintln!("{w}");
        }
    }
    Ok(())
}
