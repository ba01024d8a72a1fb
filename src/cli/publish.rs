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

use super::Error;
use crate::logs::{LogFormat, LogRuns};
use crate::output::{publish_folder, run_files};
use crate::runner::RunResult;
use crate::scenario::{Override, Scenario};
use std::fs;
use std::path::{Path, PathBuf};

/// The error for an output folder that cannot be written.
fn cannot(out: &Path, why: impl std::fmt::Display) -> Error {
    Error::Failed(format!(
        "cannot write results to {}: {why}; choose a writable --out folder",
        out.display()
    ))
}

/// Where results for `--out` go: a link to a folder is followed (results land
/// in the folder it points to); a link that leads nowhere, or a file on the
/// path, is refused.
///
/// # Errors
/// [`Error::Failed`] naming the link or the file.
pub fn target(out: &Path) -> Result<PathBuf, Error> {
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
/// [`Error::Failed`] naming the folder and the I/O error, or a chart error.
pub fn publish_run(
    out: &Path,
    s: &Scenario,
    overrides: &[Override],
    result: &RunResult,
    charts: bool,
    log_format: Option<LogFormat>,
) -> Result<Vec<PathBuf>, Error> {
    let dir = target(out)?;
    let fill = |staging: &Path| -> Result<Vec<String>, Error> {
        let mut names = Vec::new();
        for (name, bytes) in run_files(s, overrides, None, result) {
            fs::write(staging.join(name), bytes).map_err(|e| cannot(out, e))?;
            names.push(name.to_string());
        }
        if let (Some(runs), Some(format)) = (&result.logs, log_format) {
            let name = format.file_name();
            let problems = write_log_file(&staging.join(name), runs, format, result)
                .map_err(|e| cannot(out, e))?;
            if !problems.is_empty() {
                return Err(Error::Failed(format!(
                    "the log disagrees with summary.csv (a bug in ssosim; nothing was written):{}",
                    problems
                        .iter()
                        .map(|p| format!("\n  {p}"))
                        .collect::<String>()
                )));
            }
            names.push(name.to_string());
        }
        if charts {
            for path in super::chart::draw(staging)? {
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
    // Not synced, like the run's other files: the folder is published by rename.
    let mut w = std::io::BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let (counts, _) = crate::logs::write_log(&runs.runs, &runs.tenant, format, &mut w)?;
    Ok(match result.replicas.first() {
        Some(m) if runs.complete => crate::logs::check::disagreements(&counts, m),
        _ => Vec::new(),
    })
}
