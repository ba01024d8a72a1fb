//! `timeseries.csv` (design §9): `time_ms,scope`, then valid and orphaned
//! sessions, logged-in users and cumulative counters, one row per sample and
//! scope (`all`, `as`, each `idp:<name>`, each `app:<name>`). Cells that do not
//! apply to a scope are empty. With replicas, each value is the mean and is
//! followed by `<column>_ci95_low,<column>_ci95_high`.

use super::read::{ReadError, csv_error, csv_reader, header, line_of, malformed, optional_number};
use crate::metrics::stats::{Estimate, write_num};
use crate::metrics::{Layout, Metrics, Series, SeriesCounter};
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Value columns, after `time_ms,scope`.
fn columns() -> Vec<&'static str> {
    let mut c = vec!["valid_sessions", "orphaned_sessions", "logged_in_users"];
    c.extend(SeriesCounter::ALL.iter().map(|s| s.name()));
    c
}

/// One scope's columns for one replica: per column, `None` (empty) or a series.
fn scope_series(m: &Metrics, scope: &Scope) -> Vec<Option<Vec<i64>>> {
    let l = m.layout;
    let n = l.samples();
    let sum = |vs: Vec<Vec<i64>>| -> Vec<i64> {
        let mut acc = vec![0; n];
        for v in vs {
            for (a, b) in acc.iter_mut().zip(v) {
                *a += b;
            }
        }
        acc
    };
    let counters = |apps: &[usize], only: Option<&[SeriesCounter]>| -> Vec<Option<Vec<i64>>> {
        SeriesCounter::ALL
            .iter()
            .map(|&s| {
                if only.is_some_and(|o| !o.contains(&s)) {
                    None
                } else {
                    Some(sum(apps.iter().map(|&a| m.series.counter(a, s)).collect()))
                }
            })
            .collect()
    };
    let all_apps: Vec<usize> = (0..l.apps).collect();
    let mut out = Vec::new();
    match *scope {
        Scope::All => {
            out.push(Some(sum((0..l.tiers())
                .map(|t| m.series.sessions(Series::VALID, t))
                .collect())));
            out.push(Some(sum((0..l.tiers())
                .map(|t| m.series.sessions(Series::ORPHANED, t))
                .collect())));
            out.push(Some(m.series.logged_in_users()));
            out.extend(counters(&all_apps, None));
        }
        Scope::As => {
            out.push(Some(m.series.sessions(Series::VALID, Layout::AS_TIER)));
            out.push(Some(m.series.sessions(Series::ORPHANED, Layout::AS_TIER)));
            out.push(None);
            out.extend(counters(
                &all_apps,
                Some(&[
                    SeriesCounter::AuthorizeRequests,
                    SeriesCounter::TokenRequests,
                ]),
            ));
        }
        Scope::Idp(i) => {
            out.push(Some(m.series.sessions(Series::VALID, l.idp_tier(i))));
            out.push(Some(m.series.sessions(Series::ORPHANED, l.idp_tier(i))));
            out.push(None);
            out.extend(SeriesCounter::ALL.iter().map(|_| None));
        }
        Scope::App(a) => {
            out.push(Some(m.series.sessions(Series::VALID, l.app_tier(a))));
            out.push(Some(m.series.sessions(Series::ORPHANED, l.app_tier(a))));
            out.push(None);
            out.extend(counters(&[a], None));
        }
    }
    out
}

/// A scope of the time series.
enum Scope {
    All,
    As,
    Idp(usize),
    App(usize),
}

/// `timeseries.csv` bytes.
pub(super) fn to_csv(s: &Scenario, replicas: &[Metrics]) -> Vec<u8> {
    let Some(first) = replicas.first() else {
        return Vec::new();
    };
    let with_ci = replicas.len() > 1;
    let mut out = String::from("time_ms,scope");
    for c in columns() {
        out.push(',');
        out.push_str(c);
        if with_ci {
            out.push_str(&format!(",{c}_ci95_low,{c}_ci95_high"));
        }
    }
    out.push('\n');
    let mut scopes = vec![
        ("all".to_string(), Scope::All),
        ("as".to_string(), Scope::As),
    ];
    for (i, idp) in s.identity_providers.iter().enumerate() {
        scopes.push((format!("idp:{}", idp.name), Scope::Idp(i)));
    }
    for (a, app) in s.apps.iter().enumerate() {
        scopes.push((format!("app:{}", app.name), Scope::App(a)));
    }
    let per_scope: Vec<Vec<Vec<Option<Vec<i64>>>>> = scopes
        .iter()
        .map(|(_, sc)| replicas.iter().map(|m| scope_series(m, sc)).collect())
        .collect();
    let step = first.layout.sample_every;
    let mut values = Vec::with_capacity(replicas.len());
    for k in 0..first.layout.samples() {
        for ((name, _), reps) in scopes.iter().zip(&per_scope) {
            let _ = write!(out, "{},{}", k as u64 * step, name);
            for col in 0..reps[0].len() {
                match &reps[0][col] {
                    None => out.push_str(if with_ci { ",,," } else { "," }),
                    Some(_) => {
                        values.clear();
                        values.extend(
                            reps.iter()
                                .map(|r| r[col].as_ref().map_or(0.0, |v| v[k] as f64)),
                        );
                        let e = Estimate::from_replicas(&values);
                        out.push(',');
                        write_num(&mut out, e.mean);
                        if let Some((lo, hi)) = e.ci95 {
                            out.push(',');
                            write_num(&mut out, lo);
                            out.push(',');
                            write_num(&mut out, hi);
                        }
                    }
                }
            }
            out.push('\n');
        }
    }
    out.into_bytes()
}

// ---- reading timeseries.csv back ----------------------------------------------

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
