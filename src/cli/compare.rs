//! `ssosim compare RUN_DIR RUN_DIR... [--format table|csv|markdown|json]`: the
//! headline metrics of several run folders side by side, read from their
//! `summary.csv`, with 95% intervals, the relative difference to the first run
//! and a `*` where the run's interval does not overlap the first run's (only
//! runs with replicas have intervals). Printed on stdout.
//!
//! `ssosim compare SWEEP_DIR` compares the points of a sweep folder, in sweep
//! order (the order of `sweep.csv`), the first point as the reference.
//!
//! Headline metrics and the comparison itself: `report::comparison` (shared
//! with `comparison.html`). A metric missing from a run shows `-`. Runs with
//! the same seed and replica count as the first (and `replicas.csv`) are
//! compared replica by replica: the paired difference and its interval.
//!
//! A folder without `summary.csv` is refused (exit 2); a `summary.csv` that
//! cannot be read or parsed is a failure (exit 1) naming the file and line.

use super::Error;
use crate::report::comparison::{Tables, compare};
use crate::report::comparison_text;
use crate::report::data::{Replicas, SUMMARY_CSV, Segments, Summary, load_tables};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for the terminal.
    Table,
    /// One line per metric, scope and run.
    Csv,
    /// A Markdown table, one column per run.
    Markdown,
    /// One JSON document.
    Json,
}

/// Arguments of `ssosim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run folders (each with a summary.csv), the first the reference; or one
    /// sweep folder, whose points are compared in sweep order.
    #[arg(required = true, num_args = 1.., value_name = "RUN_DIR")]
    pub runs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also draw the runs overlaid on charts (PNG, SVG, comparison.html) into this folder.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// Reads `dir/summary.csv` and `dir/segments.csv` (optional).
pub(super) fn read_tables(dir: &Path) -> Result<(Summary, Segments), Error> {
    if !dir.join(SUMMARY_CSV).is_file() {
        return Err(Error::refused(format!(
            "{}: not a run folder (no summary.csv); give folders written by ssosim run or sweep",
            dir.display()
        )));
    }
    load_tables(dir).map_err(|e| Error::failed(e.to_string()))
}

/// Reads the folders and prints the comparison.
pub(super) fn exec(args: CompareArgs) -> Result<(), Error> {
    let dirs = match args.runs.as_slice() {
        [one] if super::sweep_folder::is_sweep_folder(one) => {
            super::sweep_folder::point_folders(one)?
        }
        [one] => {
            return Err(Error::refused(format!(
                "{}: one folder to compare; give two or more run folders, or one sweep folder (with sweep.csv)",
                one.display()
            )));
        }
        many => many.to_vec(),
    };
    let runs: Vec<(Summary, Segments)> = dirs
        .iter()
        .map(|d| read_tables(d))
        .collect::<Result<_, _>>()?;
    let replicas: Vec<Option<Replicas>> = dirs
        .iter()
        .map(|d| Replicas::load(d).map_err(|e| Error::failed(e.to_string())))
        .collect::<Result<_, _>>()?;
    let labels: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let tables: Vec<Tables<'_>> = runs
        .iter()
        .zip(&replicas)
        .map(|((summary, segments), replicas)| Tables {
            summary,
            segments,
            replicas: replicas.as_ref(),
        })
        .collect();
    let rows = compare(&labels, &tables);
    let text = match args.format {
        Format::Table => comparison_text::table(&labels, &rows),
        Format::Csv => comparison_text::csv(&rows),
        Format::Markdown => comparison_text::markdown(&labels, &rows),
        Format::Json => comparison_text::json(&labels, &rows),
    };
    if let Some(dir) = &args.charts {
        let runs: Vec<(String, PathBuf)> =
            labels.iter().cloned().zip(dirs.iter().cloned()).collect();
        crate::report::render_comparison(&runs, dir).map_err(|e| Error::failed(e.to_string()))?;
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::Failed(format!("cannot write to stdout: {e}")))
}
