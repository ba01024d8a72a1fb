//! What a run measures (design §7): integer counters, exact login histograms,
//! per-second AS load and per-sample difference arrays for the time series.
//!
//! Everything here is an integer sum over users, so metrics of any partition
//! of the users (threads, shards) merge exactly with [`Metrics::merge`], in any
//! order: that is what makes outputs byte-identical whatever the thread count.

pub mod catalog;
mod causes;
mod counters;
mod endpoints;
pub mod exposure;
pub mod invariants;
mod load;
pub mod load_stats;
mod logins;
pub mod per_user;
mod series;
pub mod stats;

pub use causes::{Cause, Causes, Family};
pub use counters::{AppCounter, GlobalCounter, IdpCounter, TierCounter};
pub use endpoints::{Endpoint, GROUPS, Load, Row, SERIES, series_label, series_name};
pub use load::{PAGE_SECONDS, PerSecond};
pub use logins::{LoginKind, Logins};
pub use series::{Series, SeriesCounter};

/// Shape of the metrics of one scenario: how many apps, IdPs and samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Number of apps (`app:*` scopes).
    pub apps: usize,
    /// Number of identity providers (`idp:*` scopes).
    pub idps: usize,
    /// Measured run length in ms, after the warm-up.
    pub duration: u64,
    /// Warm-up in ms: simulated first, on `[0, warmup)`, counted in no
    /// counter; the time series cover it (time 0 is its start).
    pub warmup: u64,
    /// Time-series period in ms.
    pub sample_every: u64,
    /// Segments users are split by (`segments.csv`).
    pub segments: per_user::SegmentShape,
}

impl Layout {
    /// Session tiers: the AS (tier 0), then each IdP, then each app.
    pub fn tiers(&self) -> usize {
        1 + self.idps + self.apps
    }
    /// Tier index of the authorization server.
    pub const AS_TIER: usize = 0;
    /// Tier index of IdP `i`.
    pub fn idp_tier(&self, i: usize) -> usize {
        1 + i
    }
    /// Tier index of app `a`'s local sessions.
    pub fn app_tier(&self, a: usize) -> usize {
        1 + self.idps + a
    }
    /// End of the simulated time: warm-up plus measured window, ms.
    pub fn end(&self) -> u64 {
        self.warmup.saturating_add(self.duration)
    }
    /// Number of samples: times 0, sample_every, … up to and including
    /// [`Layout::end`] (the warm-up included).
    pub fn samples(&self) -> usize {
        (self.end() / self.sample_every) as usize + 1
    }
    /// Index of the first sample at or after `t`: an event at `t` shows from there on.
    #[inline]
    pub fn sample_at_or_after(&self, t: u64) -> usize {
        t.div_ceil(self.sample_every) as usize
    }
    /// Number of one-second buckets of AS load (measured window only:
    /// bucket 0 starts at the end of the warm-up).
    pub fn seconds(&self) -> usize {
        self.duration.div_ceil(1000) as usize
    }
}

/// [`Layout::sample_at_or_after`] for a stream of times that mostly fall in
/// the sample of the time before (a user's counters): it divides only when
/// the sample changes, and otherwise compares (issue 20).
#[derive(Debug, Clone, Copy)]
pub struct SampleClock {
    /// The time-series period, ms.
    step: u64,
    /// The times `first..=last` all have the sample `k`.
    first: u64,
    last: u64,
    k: usize,
}

impl SampleClock {
    /// A clock for `layout`'s samples.
    pub fn new(layout: &Layout) -> Self {
        SampleClock {
            step: layout.sample_every,
            first: 0,
            last: 0,
            k: 0,
        }
    }

    /// The same as [`Layout::sample_at_or_after`]`(t)`.
    #[inline(always)]
    pub fn at_or_after(&mut self, t: u64) -> usize {
        if t.wrapping_sub(self.first) > self.last - self.first {
            let k = t.div_ceil(self.step);
            self.k = k as usize;
            self.last = k.saturating_mul(self.step);
            self.first = if k == 0 { 0 } else { (k - 1) * self.step + 1 };
        }
        self.k
    }
}

/// All measurements of a set of users in one replica.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// The shape these arrays follow.
    pub layout: Layout,
    /// `[app][AppCounter]`.
    pub app: Vec<u64>,
    /// `[GlobalCounter]`.
    pub global: Vec<u64>,
    /// `[idp][IdpCounter]`.
    pub idp: Vec<u64>,
    /// `[tier][TierCounter]`.
    pub tier: Vec<u64>,
    /// Interactive, SSO and silent login flows: exact latency and hop counts.
    pub logins: Logins,
    /// Requests per one-second bucket, per AS endpoint.
    pub load: Load,
    /// Time series as difference arrays.
    pub series: Series,
    /// Prompts and failed silent authentications by cause.
    pub causes: Causes,
    /// Per-user histograms and segment sums.
    pub per_user: per_user::PerUser,
    /// Valid and orphaned AS session-time and the age of valid AS sessions
    /// over the measured window (issue 16).
    pub exposure: exposure::Exposure,
    /// Whether events count: false during a user's warm-up, true from the
    /// end of its warm-up on (and whenever there is no warm-up). Not an
    /// output: the model switches it for each user.
    pub measuring: bool,
    /// Events handled by the engine (not an output of the model: a cost figure).
    pub events: u64,
    /// Bugs caught while simulating, which [`invariants::check`] refuses.
    /// Not in any output file nor in shard raw files: each run checks its own.
    pub anomalies: Anomalies,
}

/// Things that never happen unless the simulator has a bug, counted on the
/// hot path at the cost of a comparison so that every run can check them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anomalies {
    /// Events scheduled before the current virtual time (moved to it by the
    /// engine, so the clock never went back; see [`crate::engine`]).
    pub late_events: u64,
    /// Activity recorded on a session past its expiry (the model checks
    /// validity before every use, so this stays 0).
    pub expired_session_uses: u64,
}

impl Metrics {
    /// Zeroed metrics of the given shape.
    pub fn new(layout: Layout) -> Self {
        Metrics {
            layout,
            app: vec![0; layout.apps * AppCounter::COUNT],
            global: vec![0; GlobalCounter::COUNT],
            idp: vec![0; layout.idps * IdpCounter::COUNT],
            tier: vec![0; layout.tiers() * TierCounter::COUNT],
            logins: Logins::default(),
            load: Load::new(layout.seconds()),
            series: Series::new(&layout),
            causes: Causes::new(layout.apps, layout.idps),
            per_user: per_user::PerUser::new(layout.apps, layout.segments),
            exposure: exposure::Exposure::default(),
            measuring: true,
            events: 0,
            anomalies: Anomalies::default(),
        }
    }

    /// Adds `other` into `self`. Exact and order-independent (integer sums).
    ///
    /// # Panics
    /// If the layouts differ (a programming error, never user input).
    pub fn merge(&mut self, other: &Metrics) {
        assert_eq!(
            self.layout, other.layout,
            "merging metrics of different scenarios"
        );
        add_all(&mut self.app, &other.app);
        add_all(&mut self.global, &other.global);
        add_all(&mut self.idp, &other.idp);
        add_all(&mut self.tier, &other.tier);
        self.logins.merge(&other.logins);
        self.load.merge(&other.load);
        self.series.merge(&other.series);
        self.causes.merge(&other.causes);
        self.per_user.merge(&other.per_user);
        self.exposure.merge(&other.exposure);
        self.events += other.events;
        self.anomalies.late_events += other.anomalies.late_events;
        self.anomalies.expired_session_uses += other.anomalies.expired_session_uses;
    }

    /// Counts one `c` for app `a` at time `t` (total and time series), when measuring.
    #[inline]
    pub fn count_app(&mut self, a: usize, c: AppCounter, t: u64) {
        let layout = self.layout;
        self.count_app_in(a, c, || layout.sample_at_or_after(t));
    }

    /// [`Metrics::count_app`] at the time whose sample index `sample` gives
    /// (asked for only when the counter has a time series).
    #[inline(always)]
    pub fn count_app_in(&mut self, a: usize, c: AppCounter, sample: impl FnOnce() -> usize) {
        if !self.measuring {
            return;
        }
        self.app[a * AppCounter::COUNT + c as usize] += 1;
        match c {
            AppCounter::ProtectedVisits => self
                .per_user
                .tally(per_user::UserCounter::ProtectedVisits, Some(a)),
            AppCounter::Reauthentications => self
                .per_user
                .tally(per_user::UserCounter::Reauthentications, Some(a)),
            _ => {}
        }
        if let Some(s) = c.series() {
            self.series.bump_counter(a, s, sample());
        }
    }

    /// Value of counter `c` of app `a`.
    pub fn app_value(&self, a: usize, c: AppCounter) -> u64 {
        self.app[a * AppCounter::COUNT + c as usize]
    }

    /// Sum of counter `c` over all apps.
    pub fn app_total(&self, c: AppCounter) -> u64 {
        (0..self.layout.apps).map(|a| self.app_value(a, c)).sum()
    }

    /// Counts one global event, when measuring.
    #[inline]
    pub fn count_global(&mut self, c: GlobalCounter) {
        self.global[c as usize] += u64::from(self.measuring);
    }

    /// Value of a global counter.
    pub fn global_value(&self, c: GlobalCounter) -> u64 {
        self.global[c as usize]
    }

    /// Counts one `c` at IdP `i`, when measuring.
    #[inline]
    pub fn count_idp(&mut self, i: usize, c: IdpCounter) {
        self.idp[i * IdpCounter::COUNT + c as usize] += u64::from(self.measuring);
    }

    /// Value of counter `c` of IdP `i`.
    pub fn idp_value(&self, i: usize, c: IdpCounter) -> u64 {
        self.idp[i * IdpCounter::COUNT + c as usize]
    }

    /// Counts one `c` for session tier `tier`, when measuring. An AS session
    /// ended, whatever the cause, is one of the user's `sessions_lost`.
    #[inline]
    pub fn count_tier(&mut self, tier: usize, c: TierCounter) {
        if !self.measuring {
            return;
        }
        self.tier[tier * TierCounter::COUNT + c as usize] += 1;
        if tier == Layout::AS_TIER && c.is_ending() {
            self.per_user
                .tally(per_user::UserCounter::SessionsLost, None);
        }
    }

    /// Value of counter `c` of session tier `tier`.
    pub fn tier_value(&self, tier: usize, c: TierCounter) -> u64 {
        self.tier[tier * TierCounter::COUNT + c as usize]
    }

    /// One request at endpoint `e` at `t`, when measuring (bucket 0 is the
    /// first second after the warm-up).
    #[inline]
    pub fn request(&mut self, e: Endpoint, t: u64) {
        if self.measuring {
            let s = t.saturating_sub(self.layout.warmup) / 1000;
            self.load.record(e, s);
        }
    }

    /// One login flow served a page (latency from the navigation, hops), when measuring.
    #[inline]
    pub fn login_flow(&mut self, kind: LoginKind, latency_ms: u64, hops: u32) {
        if self.measuring {
            self.logins.record(kind, latency_ms, hops);
        }
    }

    /// One event of `family` at app (or IdP) `scope`, put down to `cause`,
    /// when measuring; interactive logins and failed silent authentications
    /// go to the user's tally too.
    #[inline]
    pub fn count_cause(&mut self, family: Family, scope: usize, cause: Cause) {
        if !self.measuring {
            return;
        }
        self.causes.count(family, scope, cause);
        let c = match family {
            Family::InteractiveLogins => per_user::UserCounter::InteractiveLogins,
            Family::SilentAuthFailures => per_user::UserCounter::SilentAuthFailures,
            _ => return,
        };
        self.per_user.tally(c, Some(scope));
    }

    /// A stretch of a valid session of `tier`, created (its absolute timeout
    /// started) at `created`, valid until `until`, with `created` unchanged
    /// over it: an AS session's piece goes to the exposure sums, clipped to
    /// the measured window (whatever `measuring` says: like the time series).
    #[inline]
    pub fn valid_piece(&mut self, tier: usize, created: u64, until: u64) {
        if tier != Layout::AS_TIER {
            return;
        }
        let from = created.max(self.layout.warmup);
        let to = until.min(self.layout.end());
        if from < to {
            self.exposure.add_valid(from - created, to - created);
        }
    }

    /// An orphaned session of `tier` alive server-side on `[from, until)`:
    /// an AS one counts in the exposure sums, clipped to the measured window.
    #[inline]
    pub fn orphaned(&mut self, tier: usize, from: u64, until: u64) {
        if tier == Layout::AS_TIER {
            let to = until.min(self.layout.end());
            self.exposure
                .add_orphaned(to.saturating_sub(from.max(self.layout.warmup)));
        }
    }

    /// Applies buffered writes, so that every figure can be read.
    pub fn flush(&mut self) {
        self.load.flush();
    }
}

fn add_all(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            apps: 2,
            idps: 1,
            duration: 10_000,
            warmup: 0,
            segments: Default::default(),
            sample_every: 1000,
        }
    }

    #[test]
    fn the_sample_clock_agrees_with_the_division() {
        for every in [1, 7, 1000, 3_600_000] {
            let l = Layout {
                sample_every: every,
                ..layout()
            };
            let mut clock = SampleClock::new(&l);
            // Forward, back, around sample boundaries and far away.
            let mut x: u64 = 99;
            for i in 0..20_000u64 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let t = match i % 4 {
                    0 => i * every / 3,
                    1 => (x >> 40) * every + (x >> 20) % 3 - 1.min(x >> 40),
                    2 => x >> (x % 64),
                    _ => u64::MAX - (x >> 50),
                };
                assert_eq!(clock.at_or_after(t), l.sample_at_or_after(t), "{every} {t}");
            }
        }
    }

    #[test]
    fn merge_is_an_exact_sum_in_any_order() {
        let mut a = Metrics::new(layout());
        let mut b = Metrics::new(layout());
        a.count_app(0, AppCounter::Visits, 1500);
        b.count_app(1, AppCounter::Visits, 0);
        b.count_tier(0, TierCounter::SessionsCreated);
        a.series.interval_in(&layout(), Series::VALID, 0, 0, 4000);
        b.logins.record(LoginKind::Sso, 320, 8);
        a.request(Endpoint::Authorize, 1999);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.app_total(AppCounter::Visits), 2);
        ab.flush();
        assert_eq!(ab.load.endpoint(Endpoint::Authorize).page_counts(0)[1], 1);
    }
}
