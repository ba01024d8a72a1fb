//! The one error type of the report: every variant names the file or chart involved.

use std::io;
use std::path::PathBuf;

/// Why a chart or report could not be made.
///
/// Each message names the file (or chart) at fault, so `ssosim chart` can print it
/// as is. None of these is a panic: malformed input always ends up here.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file of the run folder could not be read, or does not follow the
    /// run-folder contract (missing, unreadable, malformed).
    #[error(transparent)]
    Input(#[from] crate::output::read::ReadError),
    /// An output file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file (or folder) being written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// plotters failed while drawing a chart (a bug or a font problem, not bad input).
    #[error("chart {chart}: drawing failed: {message}")]
    Draw {
        /// The chart's file stem, e.g. `sessions`.
        chart: String,
        /// plotters' message.
        message: String,
    },
    /// `render_comparison` was given no run.
    #[error("nothing to compare: give at least one run folder")]
    NoRuns,
}
