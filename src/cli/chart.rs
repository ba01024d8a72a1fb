//! `ssosim chart RUN_DIR`: redraws the charts and `report.html` of a run
//! folder from its CSV files.

use super::CliError;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ssosim chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// A run folder written by `ssosim run`.
    pub run_dir: PathBuf,
}

/// Redraws the charts and report.
pub fn exec(args: ChartArgs) -> Result<(), CliError> {
    draw(&args.run_dir).map(|_| ())
}

/// Draws the charts and report of a run folder; refused when its files are
/// missing or malformed.
pub fn draw(dir: &std::path::Path) -> Result<Vec<PathBuf>, CliError> {
    crate::report::render_run(dir).map_err(|e| match e {
        crate::report::ReportError::Write { .. } => CliError::Failed(format!("error: {e}")),
        _ => CliError::Refused(format!("error: {e}")),
    })
}
