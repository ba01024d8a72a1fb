//! What the per-second load of one replica says (issue 17): per endpoint and
//! for the AS's total, the distribution of requests per second over the
//! measured window (every second counts, idle ones included), the busiest
//! minute, and per hour the requests, busiest second and busiest minute.
//!
//! Minutes and hours are counted from the end of the warm-up (bucket 0).
//! Percentiles are nearest-rank on the exact histogram of per-second counts.

use super::endpoints::{
    Endpoint, GROUPS, Load, Row, SERIES, SPARSE_ROW, marked_seconds, series_name,
};
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

    fn add_page(&mut self, len: usize, row: Option<Row<'_>>) {
        let mut hour = Hour::default();
        if self.histogram.is_empty() {
            self.histogram.push(0);
        }
        let Some(row) = row else {
            self.histogram[0] += len as u64;
            self.hours.push(hour);
            return;
        };
        let counts = row.counts;
        if let Some(marks) = row.marks {
            self.add_marked_page(len, counts, marks);
            return;
        }
        // Seconds with 0 to 3 requests in quiet minutes.
        let mut quiet = [0u64; 4];
        // Seconds are counted in four interleaved tallies, so that runs of
        // equal counts (a quiet hour's zeros and ones) do not wait on each
        // other's increments; they are added up at the end of the page.
        let mut lanes: Vec<[u64; 4]> = vec![[0; 4]; self.histogram.len()];
        for minute in counts.chunks(60) {
            // A quiet minute (most of a light load's): no second had more
            // than 3 requests (their bitwise or is at most 3), so the sum
            // and the seconds with 2 and with 3 say how many had 1 and 0.
            // Every pass vectorises.
            let all = minute.iter().fold(0, |all, &c| all | c);
            if all <= 3 {
                let in_minute = minute.iter().sum::<u32>();
                let with = |k: u32| minute.iter().map(|&c| u32::from(c == k)).sum::<u32>();
                let (twos, threes) = if all <= 1 { (0, 0) } else { (with(2), with(3)) };
                let ones = in_minute - 2 * twos - 3 * threes;
                let seconds = [
                    minute.len() as u32 - ones - twos - threes,
                    ones,
                    twos,
                    threes,
                ];
                for (q, n) in quiet.iter_mut().zip(seconds) {
                    *q += u64::from(n);
                }
                let busiest = seconds.iter().rposition(|&n| n > 0).unwrap_or(0) as u32;
                hour.max_per_s = hour.max_per_s.max(busiest);
                hour.requests += u64::from(in_minute);
                hour.max_per_min = hour.max_per_min.max(in_minute);
                continue;
            }
            // Saturating, as a u32 sum of the minute would (a u64 sum of 60
            // u32 cannot overflow, and vectorises).
            let in_minute = minute.iter().map(|&c| u64::from(c)).sum::<u64>();
            let in_minute = in_minute.min(u64::from(u32::MAX)) as u32;
            let busiest = minute.iter().copied().max().unwrap_or(0);
            // The others, zeros included, one by one without a branch (at a
            // busier load, whether a second is empty is a coin toss).
            if busiest as usize >= lanes.len() {
                lanes.resize(busiest as usize + 1, [0; 4]);
            }
            let quads = minute.chunks_exact(4);
            for &c in quads.remainder() {
                lanes[c as usize][0] += 1;
            }
            for q in quads {
                for (lane, &c) in q.iter().enumerate() {
                    lanes[c as usize][lane] += 1;
                }
            }
            hour.max_per_s = hour.max_per_s.max(busiest);
            hour.requests += u64::from(in_minute);
            hour.max_per_min = hour.max_per_min.max(in_minute);
        }
        let top = quiet.iter().rposition(|&n| n > 0).unwrap_or(0);
        if lanes.len() <= top {
            lanes.resize(top + 1, [0; 4]);
        }
        if lanes.len() > self.histogram.len() {
            self.histogram.resize(lanes.len(), 0);
        }
        for (h, l) in self.histogram.iter_mut().zip(&lanes) {
            *h += l.iter().sum::<u64>();
        }
        for (h, q) in self.histogram.iter_mut().zip(quiet) {
            *h += q;
        }
        self.requests += hour.requests;
        self.max_per_min = self.max_per_min.max(u64::from(hour.max_per_min));
        self.hours.push(hour);
    }

    /// [`SeriesStats::add_page`] of a page whose seconds with requests are
    /// marked: those seconds only, in order; the others are idle.
    fn add_marked_page(&mut self, len: usize, counts: &[u32], marks: &[u64]) {
        let mut hour = Hour::default();
        let mut busy = 0u64;
        let (mut minute, mut in_minute) = (0, 0u32);
        for s in marked_seconds(marks) {
            let c = counts[s];
            if s / 60 != minute {
                hour.max_per_min = hour.max_per_min.max(in_minute);
                (minute, in_minute) = (s / 60, 0);
            }
            in_minute = in_minute.saturating_add(c);
            hour.requests += u64::from(c);
            hour.max_per_s = hour.max_per_s.max(c);
            if c as usize >= self.histogram.len() {
                self.histogram.resize(c as usize + 1, 0);
            }
            self.histogram[c as usize] += 1;
            busy += 1;
        }
        hour.max_per_min = hour.max_per_min.max(in_minute);
        self.histogram[0] += len as u64 - busy;
        self.requests += hour.requests;
        self.max_per_min = self.max_per_min.max(u64::from(hour.max_per_min));
        self.hours.push(hour);
    }
}

/// A token bucket on one series (issue 17): `burst` tokens at most,
/// `refill_milli` thousandths of a token added per second, one token per
/// request. Integer arithmetic, so the result is exact and the same
/// whatever the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Index of the series it limits.
    pub series: usize,
    /// Thousandths of a token added per second (the sustained rate × 1000, rounded).
    pub refill_milli: u64,
    /// Tokens the bucket holds at most.
    pub burst: u64,
}

/// What a [`Limit`] would have refused (users do not retry: the load is the
/// demand, and each refused request is one the user did not get).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Throttled {
    /// Requests that found the bucket empty.
    pub requests: u64,
    /// Seconds with at least one such request.
    pub seconds: u64,
    /// Seconds with requests after which the bucket held at most 20% of its
    /// burst: Auth0's `api_limit_warning` level (80% of the tokens used),
    /// throttled seconds included.
    pub warning_seconds: u64,
    /// Per hour: (requests refused, seconds with a refusal).
    pub hours: Vec<(u64, u32)>,
}

/// Runs the bucket of `limit` over one page of per-second counts; the
/// bucket is full at the start of the measured window, and refilled at the
/// start of each second before that second's requests take their tokens.
fn throttle_page(
    limit: &Limit,
    tokens: &mut u64,
    len: usize,
    row: Option<Row<'_>>,
    out: &mut Throttled,
) {
    let cap = limit.burst.saturating_mul(1000);
    // `n` seconds of refill at once: the same as one at a time, as the
    // bucket stops at its cap either way.
    let refill = |tokens: &mut u64, n: usize| {
        *tokens = tokens
            .saturating_add(limit.refill_milli.saturating_mul(n as u64))
            .min(cap);
    };
    let (mut hour_requests, mut hour_seconds) = (0u64, 0u32);
    let mut take = |tokens: &mut u64, c: u32| {
        let served = u64::from(c).min(*tokens / 1000);
        *tokens -= served * 1000;
        let refused = u64::from(c) - served;
        if refused > 0 {
            hour_requests += refused;
            hour_seconds += 1;
        }
        if *tokens * 5 <= cap {
            out.warning_seconds += 1;
        }
    };
    match row {
        None => refill(tokens, len),
        Some(Row {
            counts,
            marks: Some(marks),
        }) => {
            // Only the seconds with requests; the idle ones refill in bulk.
            let mut next = 0;
            for s in marked_seconds(marks) {
                refill(tokens, s + 1 - next);
                next = s + 1;
                take(tokens, counts[s]);
            }
            refill(tokens, len - next);
        }
        Some(Row {
            counts,
            marks: None,
        }) => {
            for &c in counts {
                refill(tokens, 1);
                if c > 0 {
                    take(tokens, c);
                }
            }
        }
    }
    out.requests += hour_requests;
    out.seconds += u64::from(hour_seconds);
    out.hours.push((hour_requests, hour_seconds));
}

/// The load statistics of one replica: one [`SeriesStats`] per series
/// (each endpoint in [`Endpoint::ALL`] order, then each of [`GROUPS`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadStats {
    /// Per endpoint, then per group.
    pub series: Vec<SeriesStats>,
    /// Seconds of the measured window.
    pub seconds: u64,
    /// Each limit with what it would have refused, in the order given.
    pub limits: Vec<(Limit, Throttled)>,
}

impl LoadStats {
    /// Index of the AS's total in [`LoadStats::series`].
    pub const TOTAL: usize = SERIES - 1;
    /// Index of `/authorize` (top-level and iframe) in [`LoadStats::series`].
    pub const AUTHORIZE_ALL: usize = Endpoint::COUNT;
    /// Index of `/oauth/token` (both grants) in [`LoadStats::series`].
    pub const TOKEN_ALL: usize = Endpoint::COUNT + 1;

    /// Computes the statistics and runs each limit's bucket in one pass
    /// over the pages of the merged counts (never per thread or shard, so
    /// the result does not depend on how users were split).
    pub fn of(load: &Load, limits: &[Limit]) -> Self {
        Self::of_marking(load, limits, SPARSE_ROW)
    }

    /// [`LoadStats::of`], reading rows of at most `sparse_row` requests by
    /// their marked seconds ([`Load::scan_marking`]).
    fn of_marking(load: &Load, limits: &[Limit], sparse_row: usize) -> Self {
        let mut series = vec![SeriesStats::default(); SERIES];
        let mut results: Vec<(Limit, Throttled)> =
            limits.iter().map(|&l| (l, Throttled::default())).collect();
        let mut tokens: Vec<u64> = limits
            .iter()
            .map(|l| l.burst.saturating_mul(1000))
            .collect();
        load.scan_marking(sparse_row, |len, rows| {
            for (s, row) in series.iter_mut().zip(rows) {
                s.add_page(len, *row);
            }
            for ((limit, out), tokens) in results.iter_mut().zip(tokens.iter_mut()) {
                throttle_page(limit, tokens, len, rows[limit.series], out);
            }
        });
        LoadStats {
            series,
            seconds: load.seconds() as u64,
            limits: results,
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

    /// Per-second counts of `requests` draws over `seconds` (a fixed LCG),
    /// a fifth of them clustered in the first hour's minute 7.
    fn drawn_counts(seconds: usize, requests: u64) -> Vec<u32> {
        let mut direct = vec![0u32; seconds];
        let mut x: u64 = 11;
        for i in 0..requests {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let s = if i % 5 == 0 {
                420 + (x >> 40) % 60
            } else {
                (x >> 33) % seconds as u64
            };
            direct[s as usize] += 1;
        }
        direct
    }

    /// The statistics of `/authorize` requests counted `direct[s]` times at
    /// each second `s` (and one back-channel logout), checked against a
    /// direct computation from `direct`.
    fn check_against_direct(direct: &[u32]) -> LoadStats {
        let seconds = direct.len();
        let mut load = Load::new(seconds);
        for (s, &n) in direct.iter().enumerate() {
            for _ in 0..n {
                load.record(Endpoint::Authorize, s as u64);
            }
        }
        load.record(Endpoint::BackchannelLogout, 3);
        load.flush();
        let stats = LoadStats::of(&load, &[]);
        let t = stats.total();
        let total: u64 = direct.iter().map(|&c| u64::from(c)).sum();
        assert_eq!(t.requests, total, "back-channel logouts are not received");
        let mut sorted = direct.to_vec();
        sorted.sort_unstable();
        let rank = |q: f64| sorted[((q * seconds as f64).ceil() as usize).max(1) - 1] as u64;
        for q in [0.5, 0.95, 0.99, 0.999] {
            assert_eq!(t.quantile(q), rank(q), "q = {q}");
        }
        assert_eq!(t.max(), *sorted.last().unwrap() as u64);
        let mut histogram = vec![0u64; t.histogram.len()];
        for &c in direct {
            histogram[c as usize] += 1;
        }
        assert_eq!(t.histogram, histogram, "seconds with each count");
        assert_eq!(t.hours.len(), seconds.div_ceil(3600));
        for (h, hour) in direct.chunks(3600).zip(&t.hours) {
            assert_eq!(hour.max_per_s, *h.iter().max().unwrap());
            assert_eq!(hour.requests, h.iter().map(|&c| u64::from(c)).sum::<u64>());
            let per_min = h.chunks(60).map(|m| m.iter().sum::<u32>()).max();
            assert_eq!(hour.max_per_min, per_min.unwrap());
        }
        let per_min = direct
            .chunks(60)
            .map(|m| m.iter().sum::<u32>())
            .max()
            .unwrap();
        assert_eq!(t.max_per_min, u64::from(per_min));
        stats
    }

    #[test]
    fn statistics_match_a_direct_computation() {
        // The last page's last minute (43 s) is not a multiple of the four
        // interleaved tallies.
        let seconds = 2 * 3600 + 103;
        let direct = drawn_counts(seconds, 20_000);
        let stats = check_against_direct(&direct);
        let t = stats.total();
        assert_eq!(stats.endpoint(Endpoint::BackchannelLogout).requests, 1);
        assert_eq!(stats.endpoint(Endpoint::Authorize), t);
        assert_eq!(&stats.series[LoadStats::AUTHORIZE_ALL], t);
        assert_eq!(stats.series[LoadStats::TOKEN_ALL].requests, 0);
    }

    #[test]
    fn marked_rows_give_the_statistics_of_every_second() {
        // Pages of a handful to thousands of requests over three endpoints
        // (so the groups sum sparse and dense members), with two limits:
        // read second by second, or by their marked seconds only, whatever
        // their size, the statistics and the buckets are the same.
        let seconds = 5 * 3600 + 71;
        let limits = [
            Limit {
                series: LoadStats::TOTAL,
                refill_milli: 400,
                burst: 3,
            },
            Limit {
                series: Endpoint::TokenRefresh as usize,
                refill_milli: 50,
                burst: 1,
            },
        ];
        for requests in [7, 900, 5_000, 30_000] {
            let mut load = Load::new(seconds);
            let endpoints = [
                Endpoint::Authorize,
                Endpoint::TokenRefresh,
                Endpoint::LoginPost,
            ];
            for (k, e) in endpoints.into_iter().enumerate() {
                let counts = drawn_counts(seconds, requests / (k as u64 + 1));
                for (s, &n) in counts.iter().enumerate() {
                    for _ in 0..n {
                        load.record(e, s as u64);
                    }
                }
            }
            load.flush();
            let every_second = LoadStats::of_marking(&load, &limits, 0);
            let marked = LoadStats::of_marking(&load, &limits, usize::MAX);
            assert_eq!(marked, every_second, "{requests} requests");
            assert_eq!(LoadStats::of(&load, &limits), every_second);
            // The buckets run dry from the second density on.
            let refused = every_second.limits.iter().any(|(_, t)| t.requests > 0);
            assert_eq!(refused, requests > 7, "{requests} requests");
        }
    }

    #[test]
    fn quiet_minutes_match_a_direct_computation() {
        // About one request every 9 s: most minutes have at most one a
        // second (counted from their sum), the clustered minute more
        // (counted second by second).
        let direct = drawn_counts(3 * 3600 + 17, 1_200);
        let quiet = direct.chunks(60).filter(|m| m.iter().all(|&c| c <= 1));
        assert!(quiet.count() > 100, "most minutes are quiet");
        assert!(direct.chunks(60).any(|m| m.iter().any(|&c| c >= 2)));
        check_against_direct(&direct);
        check_against_direct(&vec![0; 4000]);
        // About one request a second: quiet minutes with seconds of 2 and
        // of 3 requests, busier ones with more.
        let direct = drawn_counts(3 * 3600 + 17, 10_000);
        let max_of = |m: &[u32]| m.iter().copied().max().unwrap_or(0);
        assert!(direct.chunks(60).any(|m| max_of(m) == 2));
        assert!(direct.chunks(60).any(|m| max_of(m) == 3));
        assert!(direct.chunks(60).any(|m| max_of(m) >= 4));
        check_against_direct(&direct);
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    fn run(counts: &[u32], refill_milli: u64, burst: u64) -> Throttled {
        let limit = Limit {
            series: 0,
            refill_milli,
            burst,
        };
        let mut tokens = burst * 1000;
        let mut out = Throttled::default();
        throttle_page(
            &limit,
            &mut tokens,
            counts.len(),
            Some(Row {
                counts,
                marks: None,
            }),
            &mut out,
        );
        out
    }

    #[test]
    fn a_bucket_serves_its_burst_then_its_rate() {
        // 10 tokens, 2 per second: 12 requests at once take the 10 (after a
        // refill that finds the bucket full), 2 refused; then 3 a second
        // find 2 each time, 1 refused.
        let t = run(&[12, 3, 3, 0, 0, 0, 0, 0, 4], 2000, 10);
        assert_eq!(t.requests, 2 + 1 + 1);
        assert_eq!(t.seconds, 3);
        // After 5 idle seconds the bucket holds 10: 4 requests leave 6.
        assert_eq!(t.warning_seconds, 3);
        assert_eq!(t.hours, vec![(4, 3)]);
    }

    #[test]
    fn fractional_rates_refill_exactly() {
        // 300 per minute is 5 per second; 0.5 per second serves every other second.
        let t = run(&[1; 10], 500, 1);
        assert_eq!(t.requests, 5);
    }
}
