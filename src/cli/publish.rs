//! Publishing a run folder so that a failure never leaves a mix of old and new
//! files: every file is first written (atomically, by `output::write_run`) into
//! a hidden staging folder beside the target, `.<name>.partial-<pid>`; only when
//! all are written are they renamed into the target, one rename per file, which
//! cannot fail for lack of space. A failed write removes the staging folder and
//! leaves the previous results as they were.

use super::CliError;
use crate::output::write_run;
use crate::runner::RunResult;
use crate::scenario::{Override, Scenario};
use std::fs;
use std::path::{Path, PathBuf};

/// The error for an output folder that cannot be written.
fn cannot(out: &Path, why: impl std::fmt::Display) -> CliError {
    CliError::Failed(format!(
        "error: cannot write results to {}: {why}; choose a writable --out folder",
        out.display()
    ))
}

/// Writes the files of a finished run into `out` — `write` puts them into
/// the staging folder it is given — replacing those of a previous run only
/// once every new file is written. Returns the paths written.
///
/// # Errors
/// [`CliError::Failed`] naming the folder and the I/O error, or the error of
/// `write`.
pub fn publish(
    out: &Path,
    write: impl FnOnce(&Path) -> Result<Vec<PathBuf>, CliError>,
) -> Result<Vec<PathBuf>, CliError> {
    if let Some(file) = out.ancestors().find(|a| a.exists() && !a.is_dir()) {
        return Err(cannot(
            out,
            format!("{} exists and is not a folder", file.display()),
        ));
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".to_string());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| cannot(out, e))?;
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let staged = match write(&staging) {
        Ok(files) => files,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let moved = move_into(&staged, out);
    let _ = fs::remove_dir_all(&staging);
    moved.map_err(|e| cannot(out, e))
}

/// Publishes the files of a finished run — CSV, JSON and, with `charts`, the
/// charts and report drawn from them — into `out`.
///
/// # Errors
/// As [`publish`].
pub fn publish_run(
    out: &Path,
    s: &Scenario,
    overrides: &[Override],
    result: &RunResult,
    charts: bool,
) -> Result<Vec<PathBuf>, CliError> {
    publish(out, |dir| {
        let mut files = write_run(dir, s, overrides, None, result).map_err(|e| cannot(out, e))?;
        if charts {
            files.extend(super::chart::draw(dir)?);
        }
        Ok(files)
    })
}

/// Renames each staged file into `out` (created if needed).
fn move_into(staged: &[PathBuf], out: &Path) -> std::io::Result<Vec<PathBuf>> {
    fs::create_dir_all(out)?;
    let mut written = Vec::new();
    for file in staged {
        if let Some(name) = file.file_name() {
            let target = out.join(name);
            fs::rename(file, &target)?;
            written.push(target);
        }
    }
    Ok(written)
}
