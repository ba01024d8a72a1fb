//! `ssosim trace SCENARIO --user ID [--until DURATION] [--set ...]`: every hop
//! of one user, with virtual times, then the sessions valid at the end.

use super::{CliError, parse_overrides};
use crate::model::{ModelConfig, Simulator};
use crate::scenario;
use crate::time::{Clock, DURATION_FORMS, parse_duration};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `ssosim trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// User id (0 ≤ ID < simulation.users).
    #[arg(long)]
    pub user: u64,
    /// Stop after this much virtual time [default: the scenario's warm-up plus duration].
    #[arg(long)]
    pub until: Option<String>,
    /// Override a scenario key: dotted key, TOML value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

/// Prints the trace on stdout.
pub fn exec(args: TraceArgs) -> Result<(), CliError> {
    let overrides = parse_overrides(&args.sets)?;
    let s = scenario::load(&args.scenario, &overrides)?;
    if args.user >= s.simulation.users {
        return Err(CliError::Refused(format!(
            "error: --user: {} is not a user of this scenario; accepted: 0 to {}",
            args.user,
            s.simulation.users - 1
        )));
    }
    let until = match &args.until {
        None => s.simulation.warmup + s.simulation.duration,
        Some(text) => parse_duration(text)
            .map_err(|e| CliError::Refused(format!("error: --until: {e}; use {DURATION_FORMS}")))?,
    };
    let cfg = ModelConfig::new(&s);
    let (lines, valid) = Simulator::new(&cfg, 0).trace(args.user, until);
    let mut out = std::io::stdout().lock();
    let mut text = String::new();
    for l in &lines {
        text.push_str(&l.to_string());
        text.push('\n');
    }
    text.push_str(&format!(
        "valid sessions at {}: {} ({})\n",
        Clock(until),
        valid.len(),
        valid.join(", ")
    ));
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::Failed(format!("error: cannot write the trace: {e}")))
}
