//! Reading a run folder (design §9): `summary.csv`, `timeseries.csv`, `logins.csv`,
//! `run.json` and `scenario.toml`, into plain data the charts draw. The
//! readers of `summary.csv`, `replicas.csv` and `run.json` live beside their
//! writers in [`crate::output`] (re-exported here), with the errors and CSV
//! helpers every reader shares ([`crate::output::read`]).
//!
//! The reader is strict about what it needs (file present, header columns, numbers
//! that parse) and lenient about the rest: unknown metrics, scopes and columns are
//! kept or ignored, never refused, so a newer simulator can add outputs freely.
//! Every error names the file and, where it applies, the line.

use std::path::{Path, PathBuf};

pub use crate::output::load_csv::{LoadHour, LoadTable};
pub use crate::output::logins_csv::{LoginCount, parse_logins};
pub use crate::output::per_user_csv::{Distribution, Segments, parse_distributions};
pub use crate::output::read::ReadError;
use crate::output::read::read;
pub use crate::output::run_json::RunMeta;
pub use crate::output::summary::{Replicas, Summary, SummaryRow, order_tiers};
pub use crate::output::timeseries::{Sample, TimeSeries};

pub use crate::output::{
    DISTRIBUTIONS_CSV, LOAD_CSV, LOGINS_CSV, REPLICAS_CSV, RUN_JSON, SCENARIO_TOML, SEGMENTS_CSV,
    SUMMARY_CSV, TIMESERIES_CSV,
};

/// Everything the report needs from one run folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The folder it was read from.
    pub dir: PathBuf,
    /// `run.json`.
    pub meta: RunMeta,
    /// `summary.csv`.
    pub summary: Summary,
    /// `timeseries.csv`.
    pub series: TimeSeries,
    /// `logins.csv`.
    pub logins: Vec<LoginCount>,
    /// `scenario.toml`, when the folder has one.
    pub scenario_toml: Option<String>,
    /// `replicas.csv` and the seed, when the folder has them.
    pub replicas: Option<Replicas>,
    /// `segments.csv` (empty when the folder has none: older runs).
    pub segments: Segments,
    /// `distributions.csv` (empty when the folder has none: older runs).
    pub distributions: Vec<Distribution>,
    /// `load.csv`, empty for a folder written before it existed.
    pub load: LoadTable,
    /// The scenario's tenant events (`[[events]]`), read from `scenario.toml`:
    /// empty without one.
    pub events: Vec<EventMark>,
}

/// A tenant event as charts and the report show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMark {
    /// Virtual time, ms (the end of the warm-up plus the event's `at`).
    pub time_ms: u64,
    /// Short label: `revoke_sessions`, `outage 2h`, `set KEY = VALUE`.
    pub label: String,
}

/// The tenant events of the scenario text `toml` (as `scenario.toml` holds
/// it), in time order; none when it does not load.
pub fn event_marks(toml: Option<&str>) -> Vec<EventMark> {
    let Some(text) = toml else {
        return Vec::new();
    };
    let Ok(s) = crate::scenario::from_str(text, SCENARIO_TOML, &[]) else {
        return Vec::new();
    };
    let mut marks: Vec<EventMark> = s
        .events
        .iter()
        .map(|e| EventMark {
            time_ms: s.simulation.warmup.saturating_add(e.at),
            label: e.label(),
        })
        .collect();
    marks.sort_by_key(|m| m.time_ms);
    marks
}

impl RunData {
    /// Reads the run folder `dir`.
    ///
    /// # Errors
    /// [`ReadError::Read`] when a required file is missing or unreadable,
    /// [`ReadError::Malformed`] when one breaks the contract. `scenario.toml`,
    /// `segments.csv` and `distributions.csv` are optional: without them the
    /// report says so or leaves their part out.
    pub fn load(dir: &Path) -> Result<Self, ReadError> {
        let meta = RunMeta::parse(&dir.join(RUN_JSON), &read(&dir.join(RUN_JSON))?)?;
        let summary = Summary::parse(&dir.join(SUMMARY_CSV), &read(&dir.join(SUMMARY_CSV))?)?;
        let series =
            TimeSeries::parse(&dir.join(TIMESERIES_CSV), &read(&dir.join(TIMESERIES_CSV))?)?;
        let logins = parse_logins(&dir.join(LOGINS_CSV), &read(&dir.join(LOGINS_CSV))?)?;
        let toml_path = dir.join(SCENARIO_TOML);
        let scenario_toml = optional(&toml_path)?;
        let segments_path = dir.join(SEGMENTS_CSV);
        let segments = match optional(&segments_path)? {
            Some(text) => Segments::parse(&segments_path, &text)?,
            None => Segments::default(),
        };
        let dist_path = dir.join(DISTRIBUTIONS_CSV);
        let distributions = match optional(&dist_path)? {
            Some(text) => parse_distributions(&dist_path, &text)?,
            None => Vec::new(),
        };
        let replicas = Replicas::load(dir)?;
        let load_path = dir.join(LOAD_CSV);
        let load = match optional(&load_path)? {
            Some(text) => LoadTable::parse(&load_path, &text)?,
            None => LoadTable::default(),
        };
        let events = event_marks(scenario_toml.as_deref());
        Ok(Self {
            events,
            dir: dir.to_path_buf(),
            meta,
            summary,
            series,
            logins,
            scenario_toml,
            replicas,
            segments,
            distributions,
            load,
        })
    }
}

/// `summary.csv` and `segments.csv` (empty when absent) of the run folder
/// `dir`: what `ssosim compare` reads.
///
/// # Errors
/// As [`RunData::load`] for these two files.
pub fn load_tables(dir: &Path) -> Result<(Summary, Segments), ReadError> {
    let path = dir.join(SUMMARY_CSV);
    let summary = Summary::parse(&path, &read(&path)?)?;
    let path = dir.join(SEGMENTS_CSV);
    let segments = match optional(&path)? {
        Some(text) => Segments::parse(&path, &text)?,
        None => Segments::default(),
    };
    Ok((summary, segments))
}

/// The text of `path`, or `None` when there is no such file.
fn optional(path: &Path) -> Result<Option<String>, ReadError> {
    if path.exists() {
        read(path).map(Some)
    } else {
        Ok(None)
    }
}

/// A human label for a scope: `as` → `AS`, `idp:facebook` → `IdP facebook`,
/// `app:store` → `app store`, `all` → `all`.
pub fn scope_label(scope: &str) -> String {
    if scope == "as" {
        "AS".to_string()
    } else if let Some(name) = scope.strip_prefix("idp:") {
        format!("IdP {name}")
    } else if let Some(name) = scope.strip_prefix("app:") {
        format!("app {name}")
    } else {
        scope.to_string()
    }
}

pub use crate::metrics::LoginKind;

/// The label of a login kind on charts.
pub fn login_label(kind: LoginKind) -> &'static str {
    match kind {
        LoginKind::Interactive => "interactive",
        LoginKind::Sso => "SSO",
        LoginKind::Silent => "silent",
        LoginKind::RefreshToken => "refresh token",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeseries_keeps_bands_and_skips_empty_cells() {
        let t = TimeSeries::parse(
            Path::new("timeseries.csv"),
            "time_ms,scope,valid_sessions,valid_sessions_ci95_low,valid_sessions_ci95_high,visits\n\
             0,all,1,0.5,1.5,\n0,as,2,,,\n10,all,3,2,4,7\n",
        )
        .unwrap();
        assert_eq!(t.scopes(), ["all", "as"]);
        let all = t.get("all", "valid_sessions");
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].band, Some((2.0, 4.0)));
        assert_eq!(t.get("all", "visits").len(), 1);
        assert_eq!(t.get("as", "valid_sessions")[0].band, None);
        assert!(t.get("nope", "valid_sessions").is_empty());
    }

    #[test]
    fn segments_and_distributions_read_back() {
        let s = Segments::parse(
            Path::new("segments.csv"),
            "segment,metric,scope,value,ci95_low,ci95_high\n\
             connection=password,reauth_rate,all,0.06,0.05,0.07\n\
             cookies=blocked,reauth_rate,all,0.1,,\n",
        )
        .unwrap();
        assert_eq!(s.names(), ["connection=password", "cookies=blocked"]);
        assert_eq!(
            s.get("connection=password", "reauth_rate").unwrap().ci95,
            Some((0.05, 0.07))
        );
        let d = parse_distributions(
            Path::new("distributions.csv"),
            "metric,scope,count,users\ninteractive_logins,all,2,393\n",
        )
        .unwrap();
        assert_eq!((d[0].count, d[0].users), (2, 393));
        let e = parse_distributions(
            Path::new("distributions.csv"),
            "metric,scope,count,users\ninteractive_logins,all,2.5,393\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2") && e.contains("count `2.5`"), "{e}");
    }

    #[test]
    fn logins_refuse_unknown_kinds() {
        let e = parse_logins(
            Path::new("logins.csv"),
            "kind,latency_ms,hops,count\nmagic,1,2,3\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("logins.csv: line 2: kind `magic`"), "{e}");
    }
}
