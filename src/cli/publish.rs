//! Publishing a run folder so that a failure never leaves a mix of old and new
//! files: every file is first written (atomically, by `output::write_run`) into
//! a hidden staging folder beside the target, `.<name>.partial-<pid>`; only when
//! all are written are they renamed into the target, one rename per file, which
//! cannot fail for lack of space. A failed write removes the staging folder and
//! leaves the previous results as they were.
//!
//! A `--out` that is a symbolic link to a folder is followed: the results land
//! in that folder, staged beside it (not beside the link) so that the renames
//! stay on one file system. A link that leads nowhere is refused, naming it.
//! A symbolic link inside the folder where a result file goes is replaced by
//! the file, never written through.

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
    let shown = out;
    let out = &followed(out)?;
    if let Some(file) = out.ancestors().find(|a| a.exists() && !a.is_dir()) {
        return Err(cannot(
            shown,
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
    fs::create_dir_all(&parent).map_err(|e| cannot(shown, e))?;
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let staged = match write(&staging) {
        Ok(files) => files,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let moved = move_into(&staged, out, shown);
    let _ = fs::remove_dir_all(&staging);
    moved
}

/// `out`, or the folder it leads to when it is a symbolic link. A link on the
/// way (`out` or one of its parents) that leads nowhere is refused naming it:
/// creating a folder through it would fail with a bare "File exists".
fn followed(out: &Path) -> Result<PathBuf, CliError> {
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
    let is_link = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && out.is_dir() {
        return fs::canonicalize(out).map_err(|e| cannot(out, e));
    }
    Ok(out.to_path_buf())
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

/// Renames each staged file into `out` (created if needed). Every name is
/// checked first: a folder where a result file goes would otherwise stop the
/// renames half-way, leaving new files beside old ones. A symbolic link there
/// is replaced by the file (a rename does not follow it).
fn move_into(staged: &[PathBuf], out: &Path, shown: &Path) -> Result<Vec<PathBuf>, CliError> {
    let targets: Vec<(&PathBuf, PathBuf)> = staged
        .iter()
        .filter_map(|f| f.file_name().map(|n| (f, out.join(n))))
        .collect();
    if let Some((_, folder)) = targets
        .iter()
        .find(|(_, t)| fs::symlink_metadata(t).is_ok_and(|m| m.is_dir()))
    {
        return Err(cannot(
            shown,
            format!(
                "{} is a folder where a result file goes; move it away",
                folder.display()
            ),
        ));
    }
    fs::create_dir_all(out).map_err(|e| cannot(shown, e))?;
    let mut written = Vec::new();
    for (file, target) in targets {
        fs::rename(file, &target).map_err(|e| cannot(shown, e))?;
        written.push(target);
    }
    Ok(written)
}
