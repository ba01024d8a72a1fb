//! Exact distribution of login flows: (kind, latency in ms, hops) → count.
//!
//! Latencies are sums of network delays, think and processing times in whole
//! milliseconds: with constant ones few distinct values occur, with drawn
//! (log-normal) ones at most one cell per millisecond of the latencies seen.
//! An exact sparse map is mergeable without rounding (percentiles come out
//! exact).

use std::collections::BTreeMap;

/// How a login flow got the user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoginKind {
    /// The AS prompt was shown and completed.
    Interactive,
    /// A top-level `/authorize` found a valid AS session.
    Sso,
    /// `prompt=none` returned tokens on page load.
    Silent,
    /// A refresh-token exchange returned tokens on page load.
    RefreshToken,
}

impl LoginKind {
    /// Every kind, in output order.
    pub const ALL: [LoginKind; 4] = [
        LoginKind::Interactive,
        LoginKind::Sso,
        LoginKind::Silent,
        LoginKind::RefreshToken,
    ];
    /// Name in `logins.csv`.
    pub fn name(self) -> &'static str {
        match self {
            LoginKind::Interactive => "interactive",
            LoginKind::Sso => "sso",
            LoginKind::Silent => "silent",
            LoginKind::RefreshToken => "refresh_token",
        }
    }
}

/// Exact joint counts of (kind, latency_ms, hops).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Logins {
    counts: BTreeMap<(LoginKind, u64, u32), u64>,
}

impl Logins {
    /// Records one login flow.
    #[inline]
    pub fn record(&mut self, kind: LoginKind, latency_ms: u64, hops: u32) {
        *self.counts.entry((kind, latency_ms, hops)).or_insert(0) += 1;
    }
    /// Adds `count` flows of one (kind, latency, hops) cell at once: the
    /// inverse of [`Logins::rows`], used to read shard raw files (design §11).
    pub fn add(&mut self, kind: LoginKind, latency_ms: u64, hops: u32, count: u64) {
        if count > 0 {
            *self.counts.entry((kind, latency_ms, hops)).or_insert(0) += count;
        }
    }
    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Logins) {
        for (k, v) in &other.counts {
            *self.counts.entry(*k).or_insert(0) += v;
        }
    }
    /// Rows (kind, latency, hops, count) in a fixed order.
    pub fn rows(&self) -> impl Iterator<Item = (LoginKind, u64, u32, u64)> + '_ {
        self.counts.iter().map(|(&(k, l, h), &c)| (k, l, h, c))
    }
    /// Count, mean latency, p95 latency (nearest rank) and mean hops over `kinds`.
    pub fn stats(&self, kinds: &[LoginKind]) -> LoginStats {
        let mut by_latency: BTreeMap<u64, u64> = BTreeMap::new();
        let (mut n, mut lat_sum, mut hop_sum) = (0u64, 0u128, 0u128);
        for (k, l, h, c) in self.rows() {
            if kinds.contains(&k) {
                n += c;
                lat_sum += u128::from(l) * u128::from(c);
                hop_sum += u128::from(h) * u128::from(c);
                *by_latency.entry(l).or_insert(0) += c;
            }
        }
        if n == 0 {
            return LoginStats::default();
        }
        let rank = (n * 95).div_ceil(100);
        let mut seen = 0;
        let mut p95 = 0;
        for (l, c) in by_latency {
            seen += c;
            if seen >= rank {
                p95 = l;
                break;
            }
        }
        LoginStats {
            count: n,
            latency_mean: lat_sum as f64 / n as f64,
            latency_p95: p95 as f64,
            hops_mean: hop_sum as f64 / n as f64,
        }
    }
}

/// Summary of some login flows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoginStats {
    /// Number of flows.
    pub count: u64,
    /// Mean latency, ms.
    pub latency_mean: f64,
    /// 95th percentile latency (nearest rank), ms.
    pub latency_p95: f64,
    /// Mean hops per flow.
    pub hops_mean: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_the_nearest_rank() {
        let mut l = Logins::default();
        for i in 1..=100 {
            l.record(LoginKind::Interactive, i, 10);
        }
        l.record(LoginKind::Silent, 5000, 4);
        let s = l.stats(&[LoginKind::Interactive, LoginKind::Sso]);
        assert_eq!(s.count, 100);
        assert_eq!(s.latency_p95, 95.0);
        assert_eq!(s.latency_mean, 50.5);
        assert_eq!(s.hops_mean, 10.0);
        assert_eq!(l.stats(&[LoginKind::Sso]), LoginStats::default());
    }
}
