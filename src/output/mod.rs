//! Run folders and their files (design §9). A run's files are written as one
//! set ([`write_files`]): staged beside the folder, then published, so a
//! failed write leaves previous results whole; the folder is created only once
//! a run has finished, so a refused or interrupted run writes nothing.
//!
//! A run folder holds `summary.csv`, `replicas.csv`, `timeseries.csv`, `logins.csv`, `load.csv`,
//! `distributions.csv`, `segments.csv`, `run.json` and `scenario.toml` (the
//! scenario as run).

mod atomic;
pub mod load_csv;
pub mod logins_csv;
pub mod per_user_csv;
pub mod read;
pub mod run_json;
mod stage;
pub mod summary;
pub mod timeseries;

pub use atomic::{write_atomic, write_atomic_with};
pub use run_json::{RunInfo, peak_rss_bytes};
pub use stage::{publish_folder, write_files, write_staged};

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

/// Writes every file of a finished run into `dir` (created if needed), as one
/// set: all are staged beside `dir` first, then published, so a failure (an
/// unwritable or full location) leaves `dir` exactly as it was — never a mix
/// of old and new files (see [`write_files`]).
///
/// # Errors
/// The first file or folder that could not be written, by its path in `dir`.
pub fn write_run(
    dir: &Path,
    s: &Scenario,
    overrides: &[Override],
    shard: Option<(u64, u64)>,
    result: &RunResult,
) -> Result<Vec<PathBuf>, OutputError> {
    let files = run_files(s, overrides, shard, result);
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    write_files(dir, &refs)
}

/// The files of a run folder, in the order [`run_files`] makes them
/// (charts and the report come on top, from `report`).
pub const RUN_FILES: [&str; 9] = [
    SUMMARY_CSV,
    REPLICAS_CSV,
    TIMESERIES_CSV,
    LOGINS_CSV,
    LOAD_CSV,
    DISTRIBUTIONS_CSV,
    SEGMENTS_CSV,
    SCENARIO_TOML,
    RUN_JSON,
];

/// Headline metrics (the writer is [`summary`]; the reader
/// `report::data::Summary`).
pub const SUMMARY_CSV: &str = "summary.csv";
/// Time series file name.
pub const TIMESERIES_CSV: &str = "timeseries.csv";
/// Login latency and hops file name.
pub const LOGINS_CSV: &str = "logins.csv";
/// Per-hour load file name (issue 17).
pub const LOAD_CSV: &str = "load.csv";
/// Run metadata file name.
pub const RUN_JSON: &str = "run.json";
/// Scenario as run.
pub const SCENARIO_TOML: &str = "scenario.toml";
/// Each replica's value of every summary row.
pub const REPLICAS_CSV: &str = "replicas.csv";
/// Headline metrics by segment of users.
pub const SEGMENTS_CSV: &str = "segments.csv";
/// Per-user histograms.
pub const DISTRIBUTIONS_CSV: &str = "distributions.csv";

/// The files of a finished run, (name, bytes) in writing order: what
/// [`write_run`] writes, for callers that publish more files with them
/// (charts) through [`publish_folder`].
pub fn run_files(
    s: &Scenario,
    overrides: &[Override],
    shard: Option<(u64, u64)>,
    result: &RunResult,
) -> Vec<(&'static str, Vec<u8>)> {
    let loads = result.load_stats(&summary::limits(s));
    let rows = summary::rows_with(s, &result.replicas, loads);
    let info = RunInfo::new(s, overrides, shard, result);
    let json = serde_json::to_string_pretty(&info).unwrap_or_default() + "\n";
    vec![
        (SUMMARY_CSV, summary::to_csv(&rows)),
        (REPLICAS_CSV, summary::to_replicas_csv(&rows)),
        (TIMESERIES_CSV, timeseries::to_csv(s, &result.replicas)),
        (LOGINS_CSV, logins_csv::to_csv(&result.replicas)),
        (LOAD_CSV, load_csv::to_csv(&result.replicas, loads)),
        (
            DISTRIBUTIONS_CSV,
            per_user_csv::distributions_csv(s, &result.replicas),
        ),
        (
            SEGMENTS_CSV,
            per_user_csv::segments_csv(s, &result.replicas),
        ),
        (SCENARIO_TOML, to_toml(s).into_bytes()),
        (RUN_JSON, json.into_bytes()),
    ]
}

#[cfg(test)]
mod run_files_tests {
    #[test]
    fn run_files_are_listed_in_order() {
        let s = crate::scenario::from_str(
            "[simulation]\nusers = 3\nduration = \"1h\"\n[[apps]]\nname = \"a\"\nkind = \"regular_web\"\n",
            "x.toml",
            &[],
        )
        .unwrap();
        let r = crate::runner::run(&s, &Default::default(), &Default::default()).unwrap();
        let names: Vec<&str> = super::run_files(&s, &[], None, &r)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(names, super::RUN_FILES);
    }
}
