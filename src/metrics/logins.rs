//! Exact distribution of login flows: (kind, latency in ms, hops) → count.
//!
//! Latencies are sums of network delays, think and processing times in whole
//! milliseconds: with constant ones few distinct values occur, with drawn
//! (log-normal) ones at most one cell per millisecond of the latencies seen.
//! An exact sparse map is mergeable without rounding (percentiles come out
//! exact).

use std::borrow::Cow;
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

/// A cell of the distribution: (kind, latency in ms, hops).
type Cell = (LoginKind, u64, u32);

/// Cells counted apart before they go to the map (see [`Logins::record`]).
const RECENT: usize = 4;

/// Exact joint counts of (kind, latency_ms, hops).
#[derive(Debug, Clone, Default)]
pub struct Logins {
    counts: BTreeMap<Cell, u64>,
    /// The last cells recorded and their counts not yet in `counts`.
    recent: [Option<(Cell, u64)>; RECENT],
    /// The slot of `recent` the next new cell takes.
    next: usize,
}

impl PartialEq for Logins {
    fn eq(&self, other: &Self) -> bool {
        self.cells() == other.cells()
    }
}

impl Eq for Logins {}

impl Logins {
    /// Records one login flow. With constant delays a run's flows fall in a
    /// handful of cells: the last few cells recorded are counted apart, so
    /// that most records are a comparison and an increment instead of a
    /// search of the map (issue 20); a new cell moves the oldest one's
    /// count to the map.
    #[inline]
    pub fn record(&mut self, kind: LoginKind, latency_ms: u64, hops: u32) {
        let cell = (kind, latency_ms, hops);
        for (c, n) in self.recent.iter_mut().flatten() {
            if *c == cell {
                *n += 1;
                return;
            }
        }
        let evicted = self.recent[self.next].replace((cell, 1));
        self.next = (self.next + 1) % RECENT;
        if let Some((c, n)) = evicted {
            *self.counts.entry(c).or_insert(0) += n;
        }
    }

    /// Every count, those of the recent cells included.
    fn cells(&self) -> Cow<'_, BTreeMap<Cell, u64>> {
        if self.recent.iter().all(Option::is_none) {
            return Cow::Borrowed(&self.counts);
        }
        let mut all = self.counts.clone();
        for &(c, n) in self.recent.iter().flatten() {
            *all.entry(c).or_insert(0) += n;
        }
        Cow::Owned(all)
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
        let recent = other.recent.iter().flatten().map(|(c, n)| (c, n));
        for (k, v) in other.counts.iter().chain(recent) {
            *self.counts.entry(*k).or_insert(0) += v;
        }
    }
    /// Rows (kind, latency, hops, count) in a fixed order.
    pub fn rows(&self) -> impl Iterator<Item = (LoginKind, u64, u32, u64)> + use<> {
        let rows: Vec<_> = self
            .cells()
            .iter()
            .map(|(&(k, l, h), &c)| (k, l, h, c))
            .collect();
        rows.into_iter()
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

    #[test]
    fn recent_cells_count_like_the_map() {
        // Runs of a few cells and one-offs, more distinct cells than the
        // recent slots: every count ends up in the rows, once.
        let mut l = Logins::default();
        let mut direct: BTreeMap<Cell, u64> = BTreeMap::new();
        let mut x: u64 = 7;
        for i in 0..5_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let kind = LoginKind::ALL[(x >> 62) as usize];
            let latency = if i % 3 == 0 { (x >> 40) % 50 } else { 120 };
            let cell = (kind, latency, 4 + (x >> 61) as u32 % 2);
            l.record(cell.0, cell.1, cell.2);
            *direct.entry(cell).or_insert(0) += 1;
        }
        let rows: Vec<_> = l.rows().collect();
        let want: Vec<_> = direct.iter().map(|(&(k, a, h), &c)| (k, a, h, c)).collect();
        assert_eq!(rows, want);
        // Equal whatever is still counted apart; merging adds it all.
        let mut from_rows = Logins::default();
        for &(k, a, h, c) in &rows {
            from_rows.add(k, a, h, c);
        }
        assert_eq!(l, from_rows);
        let mut twice = from_rows.clone();
        twice.merge(&l);
        let doubled: Vec<_> = want.iter().map(|&(k, a, h, c)| (k, a, h, 2 * c)).collect();
        assert_eq!(twice.rows().collect::<Vec<_>>(), doubled);
    }
}
