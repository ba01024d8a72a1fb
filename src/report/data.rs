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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::output::per_user_csv::{Distribution, Segments, parse_distributions};
pub use crate::output::read::ReadError;
use crate::output::read::{
    csv_error, csv_reader, expect_header, header, line_of, malformed, number, optional_number, read,
};
pub use crate::output::run_json::RunMeta;
pub use crate::output::summary::{Replicas, Summary, SummaryRow, order_tiers};

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

/// One sample of a time series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Virtual time, ms.
    pub time_ms: u64,
    /// Value (a mean over replicas).
    pub value: f64,
    /// 95 % confidence band, when the file has `X_ci95_low,X_ci95_high`.
    pub band: Option<(f64, f64)>,
}

/// A series column of `timeseries.csv`: its index, its name and the indices of
/// its band columns, if any.
type Column = (usize, String, Option<(usize, usize)>);

/// `timeseries.csv`: per scope, per column, the non-empty samples in time order.
#[derive(Debug, Clone, Default)]
pub struct TimeSeries {
    scopes: Vec<String>,
    columns: BTreeMap<(String, String), Vec<Sample>>,
}

impl TimeSeries {
    /// Parses the text of `timeseries.csv`; `path` only names it in errors.
    ///
    /// Needs `time_ms` and `scope` as the first two columns; every other column is
    /// a series, except `X_ci95_low`/`X_ci95_high`, which become the band of `X`.
    /// Empty cells are left out of their series.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] on a wrong header or a cell that is not a number.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReadError> {
        let mut reader = csv_reader(text);
        let header = header(path, &mut reader)?;
        if header.len() < 2 || header[0] != "time_ms" || header[1] != "scope" {
            return Err(malformed(
                path,
                Some(1),
                format!(
                    "header is `{}`; expected `time_ms,scope,` then the series columns",
                    header.join(",")
                ),
            ));
        }
        let mut plan: Vec<Column> = Vec::new();
        for (i, name) in header.iter().enumerate().skip(2) {
            if name.ends_with("_ci95_low") || name.ends_with("_ci95_high") {
                continue;
            }
            let low = header.iter().position(|h| *h == format!("{name}_ci95_low"));
            let high = header
                .iter()
                .position(|h| *h == format!("{name}_ci95_high"));
            plan.push((i, name.clone(), low.zip(high)));
        }
        let mut series = Self::default();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let line = line_of(&record);
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let time_ms = cell(0).parse::<u64>().map_err(|_| {
                malformed(
                    path,
                    line,
                    format!(
                        "time_ms `{}` is not a whole number of milliseconds",
                        cell(0)
                    ),
                )
            })?;
            let scope = cell(1).to_string();
            if scope.is_empty() {
                return Err(malformed(path, line, "empty scope"));
            }
            if !series.scopes.contains(&scope) {
                series.scopes.push(scope.clone());
            }
            for (i, name, band) in &plan {
                let Some(value) = optional_number(path, line, name, cell(*i))? else {
                    continue;
                };
                let band = match band {
                    Some((lo, hi)) => {
                        let lo = optional_number(path, line, &header[*lo], cell(*lo))?;
                        let hi = optional_number(path, line, &header[*hi], cell(*hi))?;
                        lo.zip(hi)
                    }
                    None => None,
                };
                series
                    .columns
                    .entry((scope.clone(), name.clone()))
                    .or_default()
                    .push(Sample {
                        time_ms,
                        value,
                        band,
                    });
            }
        }
        for samples in series.columns.values_mut() {
            samples.sort_by_key(|s| s.time_ms);
        }
        Ok(series)
    }

    /// Scopes in file order (`all`, `as`, `idp:*`, `app:*` by the contract).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The samples of `column` at `scope`; empty when absent.
    pub fn get(&self, scope: &str, column: &str) -> &[Sample] {
        self.columns
            .get(&(scope.to_string(), column.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// One hour of one load series (`load.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadHour {
    /// Start of the hour, virtual time, ms.
    pub time_ms: u64,
    /// Requests in the hour (summed over replicas).
    pub requests: u64,
    /// Busiest second (largest of any replica).
    pub max_per_s: u64,
    /// Busiest minute (largest of any replica).
    pub max_per_min: u64,
    /// Requests over the series' rate limit (0 without one, or in a file
    /// written before the column existed).
    pub throttled: u64,
}

/// `load.csv`: per series (endpoint or group), its hours in time order.
#[derive(Debug, Clone, Default)]
pub struct LoadTable {
    series: BTreeMap<String, Vec<LoadHour>>,
}

impl LoadTable {
    /// Parses the text of `load.csv`; `path` only names it in errors.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] on a wrong header or a cell that is not a
    /// whole number.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReadError> {
        let mut reader = csv_reader(text);
        let header = header(path, &mut reader)?;
        let expected = [
            "time_ms",
            "series",
            "requests",
            "max_per_s",
            "max_per_min",
            "throttled",
        ];
        if header.len() < 5 || header[..5] != expected[..5] {
            return Err(malformed(
                path,
                Some(1),
                format!(
                    "header is `{}`; expected `{}`",
                    header.join(","),
                    expected[..5].join(",")
                ),
            ));
        }
        let mut table = Self::default();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let line = line_of(&record);
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let number = |i: usize| {
                cell(i).parse::<u64>().map_err(|_| {
                    malformed(
                        path,
                        line,
                        format!("{} `{}` is not a whole number", expected[i], cell(i)),
                    )
                })
            };
            let hour = LoadHour {
                time_ms: number(0)?,
                requests: number(2)?,
                max_per_s: number(3)?,
                max_per_min: number(4)?,
                throttled: if cell(5).is_empty() { 0 } else { number(5)? },
            };
            table
                .series
                .entry(cell(1).to_string())
                .or_default()
                .push(hour);
        }
        for hours in table.series.values_mut() {
            hours.sort_by_key(|h| h.time_ms);
        }
        Ok(table)
    }

    /// The hours of `series`; empty when absent (no request in the run).
    pub fn get(&self, series: &str) -> &[LoadHour] {
        self.series.get(series).map(Vec::as_slice).unwrap_or(&[])
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

/// One row of `logins.csv`: how many logins of a kind took this latency and hops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoginCount {
    /// Flow kind.
    pub kind: LoginKind,
    /// Navigation to page served, ms.
    pub latency_ms: f64,
    /// Hops of the flow.
    pub hops: u32,
    /// Number of logins (a mean over replicas, so maybe fractional).
    pub count: f64,
}

const LOGINS_HEADER: [&str; 4] = ["kind", "latency_ms", "hops", "count"];

/// Parses the text of `logins.csv`; `path` only names it in errors.
///
/// # Errors
/// [`ReadError::Malformed`] on a wrong header, an unknown kind or a bad number.
pub fn parse_logins(path: &Path, text: &str) -> Result<Vec<LoginCount>, ReadError> {
    let mut reader = csv_reader(text);
    expect_header(path, &mut reader, &LOGINS_HEADER)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let kind = LoginKind::ALL
            .into_iter()
            .find(|k| k.name() == field(0))
            .ok_or_else(|| {
                malformed(
                    path,
                    line,
                    format!(
                        "kind `{}` is unknown; expected one of {}",
                        field(0),
                        LoginKind::ALL.map(LoginKind::name).join(", ")
                    ),
                )
            })?;
        let latency_ms = number(path, line, "latency_ms", field(1))?;
        let hops = field(2).parse::<u32>().map_err(|_| {
            malformed(
                path,
                line,
                format!("hops `{}` is not a whole number", field(2)),
            )
        })?;
        let count = number(path, line, "count", field(3))?;
        if latency_ms < 0.0 || count < 0.0 {
            return Err(malformed(
                path,
                line,
                "latency_ms and count must not be negative",
            ));
        }
        rows.push(LoginCount {
            kind,
            latency_ms,
            hops,
            count,
        });
    }
    Ok(rows)
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
