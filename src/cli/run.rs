//! `ssosim run SCENARIO [--out DIR] [--set KEY=VALUE]... [--threads N] [--shard I/N] [--quiet]`.

use super::{CliError, parse_overrides};
use crate::output::write_run;
use crate::runner::{self, Progress, RunOptions};
use crate::scenario;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Arguments of `ssosim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Output folder [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override a scenario key: dotted key, TOML value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Simulate only users with id % N == I and write a shard folder for `ssosim merge`
    /// [default out: output/<scenario name>-shard-I-of-N].
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress or summary on the terminal.
    #[arg(long)]
    pub quiet: bool,
    /// Write the CSV and JSON files only, no charts or report.
    #[arg(long)]
    pub no_charts: bool,
}

/// Runs the scenario and writes its folder.
pub fn exec(args: RunArgs) -> Result<(), CliError> {
    let overrides = parse_overrides(&args.sets)?;
    let shard = super::merge::shard_flag(args.shard.as_deref())?;
    let s = scenario::load(&args.scenario, &overrides)?;
    let out = args.out.clone().unwrap_or_else(|| match shard {
        Some(sh) => super::merge::default_shard_out(&s.name, sh),
        None => PathBuf::from("output").join(&s.name),
    });
    let opts = RunOptions {
        threads: args.threads,
        shard,
    };
    let progress = Progress::default();
    let show = !args.quiet && std::io::stderr().is_terminal();
    let users = shard.map_or(s.simulation.users, |sh| {
        crate::shard::users_in_shard(s.simulation.users, sh)
    });
    let total = users * u64::from(s.simulation.replicas);
    let done = std::sync::atomic::AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        if show {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let n = progress.users_done.load(Ordering::Relaxed);
                    eprint!(
                        "\r  simulating users {n}/{total} ({:.0}%)",
                        100.0 * n as f64 / total as f64
                    );
                    let _ = std::io::stderr().flush();
                    std::thread::sleep(Duration::from_millis(200));
                }
                eprint!("\r\x1b[2K");
            });
        }
        let r = runner::run(&s, &opts, &progress);
        done.store(true, Ordering::Relaxed);
        r
    });
    let result = result.map_err(|e| CliError::Failed(format!("error: {e}")))?;
    match shard {
        Some(sh) => crate::shard::write_shard(&out, &s, &overrides, sh, &result),
        None => write_run(&out, &s, &overrides, None, &result),
    }
    .map_err(|e| CliError::Failed(format!("error: cannot write results: {e}")))?;
    if shard.is_none() && !args.no_charts {
        super::chart::draw(&out)?;
    }
    if !args.quiet {
        let events = result.events();
        eprintln!(
            "{} users x {} replica(s), {} events in {:.2}s ({:.1} M events/s); results in {}",
            s.simulation.users,
            s.simulation.replicas,
            events,
            result.wall_time_s,
            events as f64 / result.wall_time_s.max(1e-9) / 1e6,
            out.display()
        );
    }
    Ok(())
}
