//! `shard.json`, the manifest of a shard folder, and [`write_shard`], which
//! writes the whole folder (design §11).
//!
//! The manifest says which run the shard belongs to (scenario SHA-256, seed,
//! replicas, `N`, versions) and which part of it it is (`I`, users simulated),
//! so that `ssosim merge` can refuse shards that do not belong together. It
//! lists each raw file with its length and SHA-256 so that a truncated or
//! altered file is named before anything is merged. Cost figures (events,
//! wall time, threads, peak memory) are kept for the merged `run.json`; they are
//! integers, like everything else in a shard folder.

use super::raw::{self, RawReplica};
use crate::logs::{HashingWriter, LogFormat};
use crate::output::{OutputError, peak_rss_bytes, publish_folder, scenario_sha256, write_staged};
use crate::runner::RunResult;
use crate::scenario::{Override, Scenario, to_toml};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// File name of the manifest inside a shard folder.
pub const MANIFEST: &str = "shard.json";
/// Value of `format` in a manifest.
pub const FORMAT: &str = "ssosim-shard";
/// Version of the shard folder layout (manifest and raw files).
pub const FORMAT_VERSION: u32 = raw::FORMAT_VERSION;

/// One raw file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// File name inside the shard folder.
    pub name: String,
    /// Length in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the contents.
    pub sha256: String,
}

/// The shard's part of the tenant's log (`run --shard I/N --logs`): one
/// sorted run of its users' events (format of [`crate::logs::runs`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogPart {
    /// File name inside the shard folder ([`LOG_PART`]).
    pub name: String,
    /// Length in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the contents.
    pub sha256: String,
    /// `--logs-users` (every user: 18446744073709551615).
    pub users: u64,
    /// `--logs-format` of the merged log: `jsonl` or `array`.
    pub format: String,
}

/// File name of a shard's log part.
pub const LOG_PART: &str = "logs.part";

/// A `--set` override as recorded, so that the merged `run.json` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedOverride {
    /// Dotted key.
    pub key: String,
    /// Value as given.
    pub value: String,
}

/// Contents of `shard.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Version of the ssosim that simulated the shard.
    pub ssosim_version: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of `scenario.toml` (the scenario as run).
    pub scenario_sha256: String,
    /// Root seed.
    pub seed: u64,
    /// Replicas (one raw file each).
    pub replicas: u32,
    /// Users of the whole run.
    pub users: u64,
    /// `I` of `--shard I/N`.
    pub shard_index: u64,
    /// `N` of `--shard I/N`.
    pub shard_count: u64,
    /// Users this shard simulated in each replica (`id % N == I`).
    pub users_simulated: u64,
    /// `--set` overrides, as given.
    pub overrides: Vec<RecordedOverride>,
    /// Engine events, all replicas.
    pub events_processed: u64,
    /// Worker threads.
    pub threads: u64,
    /// Wall-clock microseconds of simulation.
    pub wall_time_us: u64,
    /// Peak resident memory of the shard process, where the platform gives it.
    pub peak_rss_bytes: Option<u64>,
    /// Raw files, in replica order.
    pub files: Vec<RawFile>,
    /// The shard's part of the tenant's log, when run with `--logs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogPart>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a shard folder: raw files, the log part (with `--logs`),
/// `scenario.toml`, then `shard.json`, as one set ([`publish_folder`]:
/// staged, then published with the manifest last), so that a folder with a
/// manifest is complete, and a failed write leaves a previous shard folder
/// as it was.
///
/// # Errors
/// The first file or folder that could not be written.
pub fn write_shard(
    dir: &Path,
    s: &Scenario,
    overrides: &[Override],
    shard: (u64, u64),
    result: &RunResult,
    log_format: Option<LogFormat>,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut raws = Vec::new();
    let mut files = Vec::new();
    for (r, m) in (0u32..).zip(&result.replicas) {
        let name = raw::file_name(r);
        let mut bytes = serde_json::to_vec(&RawReplica::from_metrics(r, m))
            .expect("raw metrics are integers and strings, always serializable");
        bytes.push(b'\n');
        files.push(RawFile {
            name: name.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
        raws.push((name, bytes));
    }
    let scenario = to_toml(s);
    let manifest = Manifest {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        ssosim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: s.name.clone(),
        scenario_sha256: scenario_sha256(s),
        seed: s.simulation.seed,
        replicas: s.simulation.replicas,
        users: s.simulation.users,
        shard_index: shard.0,
        shard_count: shard.1,
        users_simulated: super::users_in_shard(s.simulation.users, shard),
        overrides: overrides
            .iter()
            .map(|o| RecordedOverride {
                key: o.key.clone(),
                value: o.value.clone(),
            })
            .collect(),
        events_processed: result.events(),
        threads: result.threads as u64,
        wall_time_us: (result.wall_time_s * 1e6).round() as u64,
        peak_rss_bytes: peak_rss_bytes(),
        files,
        logs: None,
    };
    publish_folder(
        dir,
        |staging| {
            let io = |name: &str| {
                let path = dir.join(name);
                move |source| OutputError { path, source }
            };
            let mut names = Vec::new();
            for (name, bytes) in &raws {
                write_staged(&staging.join(name), bytes).map_err(io(name))?;
                names.push(name.clone());
            }
            let mut manifest = manifest;
            if let (Some(runs), Some(format)) = (&result.logs, log_format) {
                manifest.logs = Some(write_log_part(staging, runs, format).map_err(io(LOG_PART))?);
                names.push(LOG_PART.to_string());
            }
            write_staged(&staging.join("scenario.toml"), scenario.as_bytes())
                .map_err(io("scenario.toml"))?;
            names.push("scenario.toml".to_string());
            let json = serde_json::to_string_pretty(&manifest)
                .expect("a manifest is integers and strings, always serializable")
                + "\n";
            write_staged(&staging.join(MANIFEST), json.as_bytes()).map_err(io(MANIFEST))?;
            names.push(MANIFEST.to_string());
            Ok(names)
        },
        |e| e,
    )
}

/// Merges the shard's sorted runs into `logs.part` in `staging`, hashing it.
fn write_log_part(
    staging: &Path,
    runs: &crate::logs::LogRuns,
    format: LogFormat,
) -> std::io::Result<LogPart> {
    let file = std::fs::File::create(staging.join(LOG_PART))?;
    let mut w = HashingWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    crate::logs::runs::write_run(&runs.runs, &mut w)?;
    let bytes = w.bytes;
    let (buffered, sha256) = w.finish();
    buffered
        .into_inner()
        .map_err(|e| e.into_error())?
        .sync_all()?;
    Ok(LogPart {
        name: LOG_PART.to_string(),
        bytes,
        sha256,
        users: runs.users,
        format: format.key().to_string(),
    })
}
