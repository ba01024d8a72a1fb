//! `run.json`: what was run and what it cost (design §9). The only output
//! with wall-clock figures, so that the other files compare with `cmp`.

use crate::runner::RunResult;
use crate::scenario::{Override, Scenario};
use serde::Serialize;

/// Contents of `run.json`.
#[derive(Debug, Serialize)]
pub struct RunInfo<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// SHA-256 of the scenario as run (canonical TOML, overrides applied).
    pub scenario_sha256: String,
    /// Root seed.
    pub seed: u64,
    /// Replicas.
    pub replicas: u32,
    /// Users per replica.
    pub users: u64,
    /// Measured run length, ms (after the warm-up).
    pub duration_ms: u64,
    /// Warm-up simulated before the measured window, ms; `timeseries.csv`
    /// starts at its beginning (time 0).
    pub warmup_ms: u64,
    /// Time-series period, ms.
    pub sample_every_ms: u64,
    /// `--set` overrides, as given.
    pub overrides: Vec<String>,
    /// `--shard I/N`, when the run is a shard.
    pub shard: Option<String>,
    /// Worker threads.
    pub threads: usize,
    /// ssosim version.
    pub version: &'static str,
    /// Engine events handled, all replicas.
    pub events_processed: u64,
    /// Wall-clock seconds of simulation.
    pub wall_time_s: f64,
    /// Events per wall-clock second.
    pub events_per_s: f64,
    /// Peak resident memory of the process, where the platform reports it.
    pub peak_rss_bytes: Option<u64>,
}

impl<'a> RunInfo<'a> {
    /// Describes a finished run.
    pub fn new(
        s: &'a Scenario,
        overrides: &[Override],
        shard: Option<(u64, u64)>,
        r: &RunResult,
    ) -> Self {
        let events = r.events();
        RunInfo {
            scenario: &s.name,
            scenario_sha256: crate::output::scenario_sha256(s),
            seed: s.simulation.seed,
            replicas: s.simulation.replicas,
            users: s.simulation.users,
            duration_ms: s.simulation.duration,
            warmup_ms: s.simulation.warmup,
            sample_every_ms: s.simulation.sample_every,
            overrides: overrides
                .iter()
                .map(|o| format!("{}={}", o.key, o.value))
                .collect(),
            shard: shard.map(|(i, n)| format!("{i}/{n}")),
            threads: r.threads,
            version: env!("CARGO_PKG_VERSION"),
            events_processed: events,
            wall_time_s: r.wall_time_s,
            events_per_s: if r.wall_time_s > 0.0 {
                events as f64 / r.wall_time_s
            } else {
                0.0
            },
            peak_rss_bytes: r.peak_rss_bytes.or_else(peak_rss_bytes),
        }
    }
}

/// Peak resident set size from `/proc/self/status` (`VmHWM`), Linux only.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

use super::read::{ReadError, malformed};
use serde::Deserialize;
use std::path::Path;

/// `run.json`: the fields the report shows. Unknown fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct RunMeta {
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario text as run.
    #[serde(default)]
    pub scenario_sha256: Option<String>,
    /// Seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Number of replicas (1 when absent).
    #[serde(default = "one")]
    pub replicas: u64,
    /// Number of users.
    #[serde(default)]
    pub users: Option<u64>,
    /// Virtual duration of the run, ms.
    pub duration_ms: u64,
    /// Warm-up before the measured window, ms (0 when absent): the time
    /// series start at its beginning.
    #[serde(default)]
    pub warmup_ms: u64,
    /// Sampling period of `timeseries.csv`, ms.
    #[serde(default)]
    pub sample_every_ms: Option<u64>,
    /// ssosim version that ran it.
    #[serde(default)]
    pub version: Option<String>,
    /// Events processed.
    #[serde(default)]
    pub events_processed: Option<u64>,
}

fn one() -> u64 {
    1
}

impl RunMeta {
    /// End of the time series, ms: warm-up plus measured window.
    pub fn end_ms(&self) -> u64 {
        self.warmup_ms.saturating_add(self.duration_ms)
    }

    /// Parses the text of `run.json`; `path` only names it in errors.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] naming the line.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReadError> {
        serde_json::from_str(text).map_err(|e| {
            malformed(
                path,
                Some(e.line() as u64),
                format!(
                    "{e}; expected an object with at least scenario (string) and duration_ms (integer)"
                ),
            )
        })
    }
}
