//! `ssosim chart RUN_DIR [--quiet]`: redraws the charts and `report.html` of a
//! run folder from its CSV files and says what it wrote (on stderr).
//!
//! Only a run folder has charts of its own: a shard folder is merged first
//! (`ssosim merge`, which draws them), and a sweep's comparison charts are drawn
//! by `ssosim sweep` (`--collect` for points run apart). Given either, or a
//! folder that does not exist, `chart` says what the folder is and what to do,
//! and exits with status 2 having written nothing.

use super::Error;
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `ssosim chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// A run folder written by `ssosim run` or `ssosim merge`.
    pub run_dir: PathBuf,
    /// Print nothing on success.
    #[arg(long)]
    pub quiet: bool,
}

/// Redraws the charts and report, then lists them.
pub(super) fn exec(args: ChartArgs) -> Result<(), Error> {
    let dir = &args.run_dir;
    if let Some(why) = not_a_run_folder(dir) {
        return Err(Error::refused(format!("{}: {why}", dir.display())));
    }
    let written = draw(dir)?;
    if !args.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        eprintln!(
            "drew {} files in {}: {}",
            names.len(),
            dir.display(),
            names.join(", ")
        );
    }
    Ok(())
}

/// What `dir` is when it is not a run folder, and what to do instead.
fn not_a_run_folder(dir: &Path) -> Option<String> {
    if !dir.is_dir() {
        return Some(
            "no such folder; give a run folder written by ssosim run or ssosim merge".into(),
        );
    }
    if dir.join(crate::shard::manifest::MANIFEST).is_file() {
        return Some(
            "a shard folder (ssosim run --shard I/N): it has no charts of its own; merge the shards first with ssosim merge SHARD_DIR... --out DIR, which draws the charts of the merged run".into(),
        );
    }
    if super::sweep_folder::is_sweep_folder(dir) {
        return Some(
            "a sweep folder: its comparison charts are drawn by ssosim sweep (for points run apart, ssosim sweep SCENARIO --vary ... --out DIR --collect); draw one point's charts with ssosim chart DIR/POINT".into(),
        );
    }
    None
}

/// Draws the charts and report of a run folder; refused when its files are
/// missing or malformed.
pub(super) fn draw(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    crate::report::render_run(dir).map_err(|e| match e {
        crate::report::ReportError::Write { .. } => Error::failed(e.to_string()),
        _ => Error::refused(format!("{e}")),
    })
}
