//! Run folders and their files (design §9). Every file is written
//! atomically; the folder is created only once a run has finished, so a
//! refused or interrupted run writes nothing.
//!
//! A run folder holds `summary.csv`, `timeseries.csv`, `logins.csv`,
//! `run.json` and `scenario.toml` (the scenario as run).

mod atomic;
mod logins_csv;
mod run_json;
pub mod summary;
mod timeseries;

pub use atomic::write_atomic;
pub use run_json::{RunInfo, peak_rss_bytes};

use crate::runner::RunResult;
use crate::scenario::{Override, Scenario, to_toml};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// Hex SHA-256 of the scenario as run.
pub fn scenario_sha256(s: &Scenario) -> String {
    Sha256::digest(to_toml(s).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Error writing a run folder, naming the path.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct OutputError {
    /// File or folder that could not be written.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: io::Error,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    write_atomic(&path, bytes).map_err(|source| OutputError {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Writes every file of a finished run into `dir` (created if needed).
///
/// # Errors
/// The first file or folder that could not be written.
pub fn write_run(
    dir: &Path,
    s: &Scenario,
    overrides: &[Override],
    shard: Option<(u64, u64)>,
    result: &RunResult,
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError {
        path: dir.to_path_buf(),
        source,
    })?;
    let rows = summary::rows(s, &result.replicas);
    let info = RunInfo::new(s, overrides, shard, result);
    let json = serde_json::to_string_pretty(&info).unwrap_or_default() + "\n";
    Ok(vec![
        write(dir, "summary.csv", &summary::to_csv(&rows))?,
        write(
            dir,
            "timeseries.csv",
            &timeseries::to_csv(s, &result.replicas),
        )?,
        write(dir, "logins.csv", &logins_csv::to_csv(&result.replicas))?,
        write(dir, "scenario.toml", to_toml(s).as_bytes())?,
        write(dir, "run.json", json.as_bytes())?,
    ])
}
