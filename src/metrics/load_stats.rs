//! What the per-second load of one replica says (issue 17): per endpoint and
//! for the AS's total, the distribution of requests per second over the
//! measured window (every second counts, idle ones included), the busiest
//! minute, and per hour the requests, busiest second and busiest minute.
//!
//! Minutes and hours are counted from the end of the warm-up (bucket 0).
//! Percentiles are nearest-rank on the exact histogram of per-second counts.

use super::endpoints::{Endpoint, GROUPS, Load, SERIES, series_name};
use super::load::PAGE_SECONDS;
use super::per_user::quantile;

/// One hour of one series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hour {
    /// Requests in the hour.
    pub requests: u64,
    /// Most requests in one second of it.
    pub max_per_s: u32,
    /// Most requests in one minute of it.
    pub max_per_min: u32,
}

/// The load of one endpoint (or of the total) over the measured window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesStats {
    /// Requests in the window.
    pub requests: u64,
    /// `histogram[c]`: seconds with exactly `c` requests.
    pub histogram: Vec<u64>,
    /// Most requests in one minute.
    pub max_per_min: u64,
    /// Per hour from the end of the warm-up.
    pub hours: Vec<Hour>,
}

impl SeriesStats {
    /// Mean requests per second over `seconds`.
    pub fn mean(&self, seconds: f64) -> f64 {
        if seconds > 0.0 {
            self.requests as f64 / seconds
        } else {
            0.0
        }
    }

    /// Nearest-rank quantile `q` of the per-second counts.
    pub fn quantile(&self, q: f64) -> u64 {
        let hist: Vec<(u64, u64)> = self
            .histogram
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(c, &n)| (c as u64, n))
            .collect();
        quantile(&hist, q)
    }

    /// Most requests in one second.
    pub fn max(&self) -> u64 {
        self.histogram.iter().rposition(|&n| n > 0).unwrap_or(0) as u64
    }

    fn add_page(&mut self, counts: &[u32]) {
        let mut hour = Hour::default();
        if counts.iter().all(|&c| c == 0) {
            if self.histogram.is_empty() {
                self.histogram.push(0);
            }
            self.histogram[0] += counts.len() as u64;
            self.hours.push(hour);
            return;
        }
        for minute in counts.chunks(60) {
            let mut in_minute = 0u32;
            for &c in minute {
                let i = c as usize;
                if i >= self.histogram.len() {
                    self.histogram.resize(i + 1, 0);
                }
                self.histogram[i] += 1;
                in_minute = in_minute.saturating_add(c);
                hour.max_per_s = hour.max_per_s.max(c);
            }
            hour.requests += u64::from(in_minute);
            hour.max_per_min = hour.max_per_min.max(in_minute);
        }
        self.requests += hour.requests;
        self.max_per_min = self.max_per_min.max(u64::from(hour.max_per_min));
        self.hours.push(hour);
    }
}

/// The load statistics of one replica: one [`SeriesStats`] per series
/// (each endpoint in [`Endpoint::ALL`] order, then each of [`GROUPS`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadStats {
    /// Per endpoint, then per group.
    pub series: Vec<SeriesStats>,
    /// Seconds of the measured window.
    pub seconds: u64,
}

impl LoadStats {
    /// Index of the AS's total in [`LoadStats::series`].
    pub const TOTAL: usize = SERIES - 1;
    /// Index of `/authorize` (top-level and iframe) in [`LoadStats::series`].
    pub const AUTHORIZE_ALL: usize = Endpoint::COUNT;
    /// Index of `/oauth/token` (both grants) in [`LoadStats::series`].
    pub const TOKEN_ALL: usize = Endpoint::COUNT + 1;

    /// Computes the statistics in one pass over the pages.
    pub fn of(load: &Load) -> Self {
        let mut series = vec![SeriesStats::default(); SERIES];
        load.scan(|_, rows| {
            for (s, row) in series.iter_mut().zip(rows) {
                s.add_page(row);
            }
        });
        LoadStats {
            series,
            seconds: load.seconds() as u64,
        }
    }

    /// The statistics of endpoint `e`.
    pub fn endpoint(&self, e: Endpoint) -> &SeriesStats {
        &self.series[e as usize]
    }

    /// The statistics of the AS's total.
    pub fn total(&self) -> &SeriesStats {
        &self.series[Self::TOTAL]
    }

    /// Name of series `i`.
    pub fn name(i: usize) -> &'static str {
        series_name(i)
    }
}

/// Seconds per hour row (pages are hours).
pub const HOUR_SECONDS: u64 = PAGE_SECONDS;

const _: () = assert!(GROUPS.len() == 3, "AUTHORIZE_ALL, TOKEN_ALL, TOTAL");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_match_a_direct_computation() {
        let seconds = 2 * 3600 + 100;
        let mut load = Load::new(seconds);
        let mut direct = vec![0u32; seconds];
        let mut x: u64 = 11;
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Clustered: more requests in the first hour's minute 7.
            let s = if i % 5 == 0 {
                420 + (x >> 40) % 60
            } else {
                (x >> 33) % seconds as u64
            };
            load.record(Endpoint::Authorize, s);
            direct[s as usize] += 1;
        }
        load.record(Endpoint::BackchannelLogout, 3);
        load.flush();
        let stats = LoadStats::of(&load);
        let t = stats.total();
        assert_eq!(t.requests, 20_000, "back-channel logouts are not received");
        let mut sorted = direct.clone();
        sorted.sort_unstable();
        let rank = |q: f64| sorted[((q * seconds as f64).ceil() as usize).max(1) - 1] as u64;
        for q in [0.5, 0.95, 0.99, 0.999] {
            assert_eq!(t.quantile(q), rank(q), "q = {q}");
        }
        assert_eq!(t.max(), *sorted.last().unwrap() as u64);
        let per_min = direct
            .chunks(60)
            .map(|m| m.iter().sum::<u32>())
            .max()
            .unwrap();
        assert_eq!(t.max_per_min, u64::from(per_min));
        assert_eq!(t.hours.len(), 3);
        assert_eq!(
            t.hours[0].requests,
            direct[..3600].iter().map(|&c| u64::from(c)).sum::<u64>()
        );
        assert_eq!(stats.endpoint(Endpoint::BackchannelLogout).requests, 1);
        assert_eq!(stats.endpoint(Endpoint::Authorize), t);
        assert_eq!(&stats.series[LoadStats::AUTHORIZE_ALL], t);
        assert_eq!(stats.series[LoadStats::TOKEN_ALL].requests, 0);
    }
}
