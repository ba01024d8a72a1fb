//! Publishing a run folder so that a failure never leaves a mix of old and new
//! files: the CSV, JSON, charts and report are written into a hidden staging
//! folder beside the target and published as one set by
//! [`crate::output::publish_folder`] (see `output/stage.rs`). A failed write
//! removes the staging folder and leaves the previous results as they were.
//!
//! A `--out` that is a symbolic link to a folder is followed: the results land
//! in that folder, staged beside it (not beside the link) so that the renames
//! stay on one file system. A link that leads nowhere is refused, naming it.
//! A symbolic link inside the folder where a result file goes is replaced by
//! the file, never written through.

//!
//! Every result folder goes through here or through
//! [`crate::output::write_files`] (shard folders): staged, each file synced
//! ([`crate::output::write_staged`]), then published by rename.

use super::ReportError;
use crate::logs::{LogFormat, LogRuns};
use crate::output::{publish_folder, run_files, write_staged};
use crate::runner::RunResult;
use crate::scenario::{Override, Scenario};
use std::fs;
use std::path::{Path, PathBuf};

/// Why a run folder was not published; the previous one, if any, is intact.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The folder or a file in it could not be written.
    #[error("cannot write results to {}: {why}; choose a writable --out folder", out.display())]
    Output {
        /// The `--out` folder.
        out: PathBuf,
        /// What failed.
        why: String,
    },
    /// A chart or the report could not be drawn.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The log's counts disagree with the counters (a bug in ssosim).
    #[error("the log disagrees with summary.csv (a bug in ssosim; nothing was written):{}", .0.iter().map(|p| format!("\n  {p}")).collect::<String>())]
    LogDisagrees(Vec<String>),
}

/// The error for an output folder that cannot be written.
fn cannot(out: &Path, why: impl std::fmt::Display) -> PublishError {
    PublishError::Output {
        out: out.to_path_buf(),
        why: why.to_string(),
    }
}

/// Where results for `--out` go: a link to a folder is followed (results land
/// in the folder it points to); a link that leads nowhere, or a file on the
/// path, is refused.
///
/// # Errors
/// [`PublishError::Output`] naming the link or the file.
pub fn target(out: &Path) -> Result<PathBuf, PublishError> {
    for part in out.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        let is_link = fs::symlink_metadata(part).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && fs::metadata(part).is_err() {
            let target =
                fs::read_link(part).map_or_else(|_| "?".into(), |t| t.display().to_string());
            return Err(cannot(
                out,
                format!(
                    "{} is a symbolic link to {target}, which does not exist; create that folder or remove the link",
                    part.display()
                ),
            ));
        }
    }
    if let Some(file) = out.ancestors().find(|a| a.exists() && !a.is_dir()) {
        return Err(cannot(
            out,
            format!("{} exists and is not a folder", file.display()),
        ));
    }
    let is_link = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && out.is_dir() {
        return fs::canonicalize(out).map_err(|e| cannot(out, e));
    }
    Ok(out.to_path_buf())
}

/// Publishes the files of a finished run — CSV, JSON and, with `charts`, the
/// charts and report drawn from them — into `out` as one set
/// ([`publish_folder`]): a failure leaves the previous results as they were.
///
/// # Errors
/// [`PublishError`]: the folder and the I/O error, a chart error, or a log
/// that disagrees with the counters.
pub fn publish_run(
    out: &Path,
    s: &Scenario,
    overrides: &[Override],
    result: &RunResult,
    charts: bool,
    log_format: Option<LogFormat>,
) -> Result<Vec<PathBuf>, PublishError> {
    let dir = target(out)?;
    let fill = |staging: &Path| -> Result<Vec<String>, PublishError> {
        let mut names = Vec::new();
        for (name, bytes) in run_files(s, overrides, None, result) {
            write_staged(&staging.join(name), &bytes).map_err(|e| cannot(out, e))?;
            names.push(name.to_string());
        }
        if let (Some(runs), Some(format)) = (&result.logs, log_format) {
            let name = format.file_name();
            let problems = write_log_file(&staging.join(name), runs, format, result)
                .map_err(|e| cannot(out, e))?;
            if !problems.is_empty() {
                return Err(PublishError::LogDisagrees(problems));
            }
            names.push(name.to_string());
        }
        if charts {
            for path in super::render_run(staging)? {
                if let Some(n) = path.file_name() {
                    names.push(n.to_string_lossy().into_owned());
                }
            }
        }
        Ok(names)
    };
    publish_folder(&dir, fill, |e| cannot(out, e))
}

/// Merges the log's sorted runs into `path` and returns how its counts
/// disagree with replica 0's counters (empty when they agree, or when only
/// some users were logged).
fn write_log_file(
    path: &Path,
    runs: &LogRuns,
    format: LogFormat,
    result: &RunResult,
) -> std::io::Result<Vec<String>> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let (counts, _) = crate::logs::write_log(&runs.runs, &runs.tenant, format, &mut w)?;
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(match result.replicas.first() {
        Some(m) if runs.complete => crate::logs::check::disagreements(&counts, m),
        _ => Vec::new(),
    })
}
