//! `ssosim fit LOGS... --out FILE.toml [--base SCENARIO]`: reads a tenant's
//! Auth0 log events, writes a fitted scenario (atomically) and prints the fit
//! report on stdout. A log with no usable event is refused (exit 2), saying
//! what was skipped and where.

use super::Error;
use crate::fit::{self, LogSet, report};
use crate::output::write_atomic;
use crate::scenario;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ssosim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Log files: JSON lines, JSON arrays (Management API pages) or log-stream
    /// deliveries (each event under `data`).
    #[arg(required = true, value_name = "LOGS")]
    pub logs: Vec<PathBuf>,
    /// Where to write the fitted scenario (TOML).
    #[arg(long, value_name = "FILE.toml")]
    pub out: PathBuf,
    /// Scenario whose other settings (timeouts, apps, cookies...) the fit keeps.
    #[arg(long, value_name = "SCENARIO")]
    pub base: Option<PathBuf>,
}

/// Fits, writes the scenario and prints the report.
pub(super) fn exec(args: FitArgs) -> Result<(), Error> {
    let base = match &args.base {
        Some(path) => Some(scenario::load(path, &[])?),
        None => None,
    };
    let mut logs = LogSet::default();
    for path in &args.logs {
        logs.read_file(path).map_err(|e| {
            Error::refused(format!(
                "{}: cannot read: {e}; give Auth0 log files (JSON lines or JSON arrays)",
                path.display()
            ))
        })?;
    }
    let reading = report::reading(&logs);
    if logs.events.is_empty() {
        return Err(Error::refused(format!(
            "{}: no usable log event; expected Auth0 log events (type, user_id, date) as JSON lines, a JSON array, or log-stream deliveries (each event under \"data\")\n{reading}",
            args.logs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let fitted = fit::fit(&logs, base.as_ref())?;
    write_atomic(&args.out, fitted.toml.as_bytes()).map_err(|e| {
        Error::Failed(format!(
            "cannot write {}: {e}; choose a writable --out file",
            args.out.display()
        ))
    })?;
    print!("{reading}\n{}", report::text(&fitted));
    println!("\nwrote {}", args.out.display());
    Ok(())
}
