//! `load.csv` (issue 17): per hour of the measured window and per load
//! series (each AS endpoint, then `/authorize` all, `/oauth/token` all and
//! the AS's total), the requests, the busiest second and the busiest minute:
//! `time_ms,series,requests,max_per_s,max_per_min,throttled,seconds_throttled`
//! (the last two: what the series' rate limit would have refused in the
//! hour, and in how many seconds; 0 without a limit). `time_ms` is the hour's
//! start in virtual time (the warm-up's end plus whole hours); with
//! replicas, `requests` is the sum over replicas and the maxima the largest
//! of any replica; `throttled` and `seconds_throttled` are sums over
//! replicas. Series that had no request in any replica are left out.

use super::read::{ReadError, csv_error, csv_reader, header, line_of, malformed, whole};
use crate::metrics::load_stats::{HOUR_SECONDS, LoadStats};
use crate::metrics::{Metrics, SERIES, series_name};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// `load.csv` bytes.
pub(super) fn to_csv(replicas: &[Metrics], loads: &[LoadStats]) -> Vec<u8> {
    let mut out =
        String::from("time_ms,series,requests,max_per_s,max_per_min,throttled,seconds_throttled\n");
    let warmup = replicas.first().map_or(0, |m| m.layout.warmup);
    for i in 0..SERIES {
        if loads.iter().all(|l| l.series[i].requests == 0) {
            continue;
        }
        let hours = loads.first().map_or(0, |l| l.series[i].hours.len());
        for h in 0..hours {
            let (mut requests, mut per_s, mut per_min) = (0u64, 0u32, 0u32);
            let (mut throttled, mut seconds) = (0u64, 0u64);
            for l in loads {
                let x = l.series[i].hours[h];
                requests += x.requests;
                per_s = per_s.max(x.max_per_s);
                per_min = per_min.max(x.max_per_min);
                for (_, t) in l.limits.iter().filter(|(limit, _)| limit.series == i) {
                    throttled += t.hours[h].0;
                    seconds += u64::from(t.hours[h].1);
                }
            }
            let t = warmup + h as u64 * HOUR_SECONDS * 1000;
            // Writing to a `String` cannot fail.
            let _ = writeln!(
                out,
                "{t},{},{requests},{per_s},{per_min},{throttled},{seconds}",
                series_name(i)
            );
        }
    }
    out.into_bytes()
}

// ---- reading load.csv back ----------------------------------------------------

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
            let number = |i: usize| whole::<u64>(path, line, expected[i], cell(i));
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
