//! Time series as difference arrays over sample indices.
//!
//! A sample at time `k·sample_every` counts a session valid on `[start, end)`
//! when `start ≤ k·step < end`: the interval adds +1 at `ceil(start/step)` and
//! −1 at `ceil(end/step)`. Cumulative counters add +1 at the first sample at or
//! after the event. Each change costs O(1) whatever the number of users, and
//! prefix sums at output time give the series.

use super::Layout;
use super::counters::AppCounter;

/// Cumulative counters that have a time series, per app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesCounter {
    /// Visits.
    Visits,
    /// Protected visits.
    ProtectedVisits,
    /// Interactive logins.
    InteractiveLogins,
    /// Re-authentications.
    Reauthentications,
    /// SSO logins.
    SsoLogins,
    /// Silent authentication successes.
    SilentAuthSuccesses,
    /// Silent authentication `login_required`.
    SilentAuthLoginRequired,
    /// `/authorize` requests.
    AuthorizeRequests,
    /// `/oauth/token` requests.
    TokenRequests,
}

impl SeriesCounter {
    /// Number of counter series.
    pub const COUNT: usize = 9;
    /// Every series, in column order.
    pub const ALL: [SeriesCounter; Self::COUNT] = [
        SeriesCounter::Visits,
        SeriesCounter::ProtectedVisits,
        SeriesCounter::InteractiveLogins,
        SeriesCounter::Reauthentications,
        SeriesCounter::SsoLogins,
        SeriesCounter::SilentAuthSuccesses,
        SeriesCounter::SilentAuthLoginRequired,
        SeriesCounter::AuthorizeRequests,
        SeriesCounter::TokenRequests,
    ];
    /// Column name in `timeseries.csv`: the name of the counter it accumulates.
    pub fn name(self) -> &'static str {
        self.counter().name()
    }

    /// The app counter whose total this series accumulates (the one whose
    /// [`AppCounter::series`] is this series).
    pub fn counter(self) -> AppCounter {
        AppCounter::ALL
            .into_iter()
            .find(|c| c.series() == Some(self))
            .unwrap_or(AppCounter::Visits)
    }
}

/// Difference arrays of every series of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    samples: usize,
    tiers: usize,
    /// `[kind][tier][sample]`, kind = [`Series::VALID`] or [`Series::ORPHANED`].
    sessions: Vec<i64>,
    /// `[sample]`: users with a valid session reachable at the AS or an app.
    logged_in: Vec<i64>,
    /// `[app][SeriesCounter][sample]`.
    counters: Vec<i64>,
}

impl Series {
    /// Valid sessions reachable from the browser.
    pub const VALID: usize = 0;
    /// Sessions whose cookie was lost, alive server-side until they expire.
    pub const ORPHANED: usize = 1;

    /// Zeroed series for a layout.
    pub fn new(layout: &Layout) -> Self {
        let samples = layout.samples();
        let tiers = layout.tiers();
        Series {
            samples,
            tiers,
            sessions: vec![0; 2 * tiers * samples],
            logged_in: vec![0; samples],
            counters: vec![0; layout.apps * SeriesCounter::COUNT * samples],
        }
    }

    fn add_interval(arr: &mut [i64], step: u64, start: u64, end: u64) {
        if end <= start {
            return;
        }
        let a = start.div_ceil(step) as usize;
        let b = end.div_ceil(step) as usize;
        if a >= arr.len() || a == b {
            return;
        }
        arr[a] += 1;
        if let Some(x) = arr.get_mut(b) {
            *x -= 1;
        }
    }

    /// A session of `tier` counted as `kind` on `[start, end)`.
    #[inline]
    pub fn interval_in(&mut self, layout: &Layout, kind: usize, tier: usize, start: u64, end: u64) {
        let base = (kind * self.tiers + tier) * self.samples;
        let arr = &mut self.sessions[base..base + self.samples];
        Self::add_interval(arr, layout.sample_every, start, end);
    }

    /// A user logged in on `[start, end)`.
    #[inline]
    pub fn logged_in(&mut self, layout: &Layout, start: u64, end: u64) {
        Self::add_interval(&mut self.logged_in, layout.sample_every, start, end);
    }

    /// One event of counter `s` of app `a` from sample `k` on.
    #[inline(always)]
    pub fn bump_counter(&mut self, a: usize, s: SeriesCounter, k: usize) {
        if k < self.samples {
            self.counters[(a * SeriesCounter::COUNT + s as usize) * self.samples + k] += 1;
        }
    }

    /// Adds another run's differences.
    pub fn merge(&mut self, other: &Series) {
        for (a, b) in self.sessions.iter_mut().zip(&other.sessions) {
            *a += b;
        }
        for (a, b) in self.logged_in.iter_mut().zip(&other.logged_in) {
            *a += b;
        }
        for (a, b) in self.counters.iter_mut().zip(&other.counters) {
            *a += b;
        }
    }

    /// The raw difference arrays `(sessions, logged_in, counters)`, in the
    /// layout documented on the fields, for the shard raw format (design §11).
    pub fn raw(&self) -> (&[i64], &[i64], &[i64]) {
        (&self.sessions, &self.logged_in, &self.counters)
    }

    /// Rebuilds series from raw difference arrays read back from a shard.
    /// `None` when a length does not match `layout` (a damaged file).
    pub fn from_raw(
        layout: &Layout,
        sessions: Vec<i64>,
        logged_in: Vec<i64>,
        counters: Vec<i64>,
    ) -> Option<Series> {
        let shape = Series::new(layout);
        let fits = sessions.len() == shape.sessions.len()
            && logged_in.len() == shape.logged_in.len()
            && counters.len() == shape.counters.len();
        fits.then_some(Series {
            sessions,
            logged_in,
            counters,
            ..shape
        })
    }

    fn prefix(arr: &[i64]) -> Vec<i64> {
        arr.iter()
            .scan(0i64, |acc, d| {
                *acc += d;
                Some(*acc)
            })
            .collect()
    }

    /// Sessions of `kind` at `tier`, per sample.
    pub fn sessions(&self, kind: usize, tier: usize) -> Vec<i64> {
        let base = (kind * self.tiers + tier) * self.samples;
        Self::prefix(&self.sessions[base..base + self.samples])
    }

    /// Logged-in users per sample.
    pub fn logged_in_users(&self) -> Vec<i64> {
        Self::prefix(&self.logged_in)
    }

    /// Cumulative count of `s` for app `a`, per sample.
    pub fn counter(&self, a: usize, s: SeriesCounter) -> Vec<i64> {
        let base = (a * SeriesCounter::COUNT + s as usize) * self.samples;
        Self::prefix(&self.counters[base..base + self.samples])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_series_accumulates_the_counter_that_feeds_it() {
        for s in SeriesCounter::ALL {
            assert_eq!(s.counter().series(), Some(s));
            assert_eq!(s.counter().name(), s.name());
        }
    }

    #[test]
    fn an_interval_counts_at_the_samples_it_covers() {
        let layout = Layout {
            apps: 1,
            idps: 0,
            duration: 10_000,
            warmup: 0,
            segments: Default::default(),
            sample_every: 1000,
        };
        let mut s = Series::new(&layout);
        // Valid on [1000, 3500): samples at 1000, 2000, 3000.
        s.interval_in(&layout, Series::VALID, 0, 1000, 3500);
        // Valid on [2500, 20000): past the end of the run.
        s.interval_in(&layout, Series::VALID, 0, 2500, 20_000);
        // Empty and sub-sample intervals count nowhere.
        s.interval_in(&layout, Series::VALID, 0, 4100, 4900);
        s.interval_in(&layout, Series::VALID, 0, 5000, 5000);
        let v = s.sessions(Series::VALID, 0);
        assert_eq!(v, vec![0, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1]);
        s.bump_counter(0, SeriesCounter::Visits, layout.sample_at_or_after(0));
        s.bump_counter(0, SeriesCounter::Visits, layout.sample_at_or_after(1001));
        assert_eq!(
            s.counter(0, SeriesCounter::Visits),
            vec![1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2]
        );
    }
}
