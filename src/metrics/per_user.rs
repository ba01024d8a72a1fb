//! Per-user tails and segments (issue 13): what each user went through in the
//! measured window, kept as exact integer histograms (how many users had
//! exactly `k` prompts) and as sums per segment of users (connection,
//! third-party cookie policy, activity quartile), so that they merge exactly
//! across threads and shards like every other metric.
//!
//! The model adds to the current user's tally ([`PerUser::tally`]) while it
//! measures; [`PerUser::end_user`] moves the tally into the histograms and
//! the user's segments, and clears it for the next user.

use std::collections::BTreeMap;

/// What is tallied per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UserCounter {
    /// Protected visits.
    ProtectedVisits,
    /// Interactive logins (the AS prompt shown and completed).
    InteractiveLogins,
    /// Interactive logins after the browser's first.
    Reauthentications,
    /// `prompt=none` answered `login_required`.
    SilentAuthFailures,
    /// AS sessions ended, whatever the cause.
    SessionsLost,
}

impl UserCounter {
    /// Number of tallied counters.
    pub const COUNT: usize = 5;
    /// Every counter, in order.
    pub const ALL: [UserCounter; Self::COUNT] = [
        UserCounter::ProtectedVisits,
        UserCounter::InteractiveLogins,
        UserCounter::Reauthentications,
        UserCounter::SilentAuthFailures,
        UserCounter::SessionsLost,
    ];
    /// Metric name.
    pub fn name(self) -> &'static str {
        match self {
            UserCounter::ProtectedVisits => "protected_visits",
            UserCounter::InteractiveLogins => "interactive_logins",
            UserCounter::Reauthentications => "reauthentications",
            UserCounter::SilentAuthFailures => "silent_auth_failures",
            UserCounter::SessionsLost => "sessions_lost",
        }
    }
}

/// Counters whose per-user distribution is kept (`distributions.csv`).
pub const DISTRIBUTED: [UserCounter; 3] = [
    UserCounter::InteractiveLogins,
    UserCounter::SilentAuthFailures,
    UserCounter::SessionsLost,
];

/// Scope of a distribution: every app together or one app. `sessions_lost`
/// (AS sessions) has the `all` scope only, written `as`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TailScope {
    /// Summed over apps.
    All,
    /// One app.
    App(usize),
}

/// Dimensions users are split by, each drawn once per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SegmentShape {
    /// Connections (password, then each IdP).
    pub connections: usize,
    /// Third-party cookie policies (allowed, blocked, partitioned).
    pub cookies: usize,
    /// Activity quartiles (4 with gamma-distributed visit rates, else 0).
    pub quartiles: usize,
    /// Browser kinds of `users.browsers` (0 without it).
    pub browsers: usize,
}

impl SegmentShape {
    /// Number of segments over every dimension.
    pub fn len(&self) -> usize {
        self.connections + self.cookies + self.quartiles + self.browsers
    }
    /// True when there is no segment at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The segments one user belongs to: one per dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UserSegments {
    /// Index of the user's connection.
    pub connection: usize,
    /// Index of the user's third-party cookie policy.
    pub cookies: usize,
    /// Activity quartile (0..4), when quartiles exist.
    pub quartile: usize,
    /// Index of the browser kind, when `users.browsers` is set.
    pub browser: usize,
}

/// Per-user tallies, histograms and segment sums of a set of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerUser {
    apps: usize,
    shape: SegmentShape,
    /// The current user's tally: `[UserCounter]` over all apps, then
    /// `[app][interactive, silent failures]`.
    tally: Vec<u64>,
    /// `(counter, scope, count) → users`.
    hist: BTreeMap<(UserCounter, TailScope, u64), u64>,
    /// `[segment][users, UserCounter…]`.
    segments: Vec<u64>,
}

impl PerUser {
    /// Empty tallies for `apps` apps and the given segments.
    pub fn new(apps: usize, shape: SegmentShape) -> Self {
        PerUser {
            apps,
            shape,
            tally: vec![0; UserCounter::COUNT + 2 * apps],
            hist: BTreeMap::new(),
            segments: vec![0; shape.len() * (1 + UserCounter::COUNT)],
        }
    }

    /// Adds one `c` to the current user (at app `app` when it has one).
    #[inline]
    pub fn tally(&mut self, c: UserCounter, app: Option<usize>) {
        self.tally[c as usize] += 1;
        let slot = match c {
            UserCounter::InteractiveLogins => 0,
            UserCounter::SilentAuthFailures => 1,
            _ => return,
        };
        if let Some(a) = app {
            self.tally[UserCounter::COUNT + 2 * a + slot] += 1;
        }
    }

    /// The current user is done: its tally goes to the histograms and to its
    /// segments, and is cleared.
    pub fn end_user(&mut self, seg: UserSegments) {
        for c in DISTRIBUTED {
            let n = self.tally[c as usize];
            *self.hist.entry((c, TailScope::All, n)).or_insert(0) += 1;
            let slot = match c {
                UserCounter::InteractiveLogins => 0,
                UserCounter::SilentAuthFailures => 1,
                _ => continue,
            };
            for a in 0..self.apps {
                let n = self.tally[UserCounter::COUNT + 2 * a + slot];
                *self.hist.entry((c, TailScope::App(a), n)).or_insert(0) += 1;
            }
        }
        let s = self.shape;
        // No allocation per user: at most four segments, the quartile's
        // only when rates vary, the browser's only with a browser mix.
        let quartile = (s.quartiles > 0).then(|| s.connections + s.cookies + seg.quartile);
        let browser =
            (s.browsers > 0).then(|| s.connections + s.cookies + s.quartiles + seg.browser);
        let ids = [
            Some(seg.connection),
            Some(s.connections + seg.cookies),
            quartile,
            browser,
        ];
        for id in ids.into_iter().flatten() {
            let base = id * (1 + UserCounter::COUNT);
            if base + UserCounter::COUNT < self.segments.len() {
                self.segments[base] += 1;
                for c in UserCounter::ALL {
                    self.segments[base + 1 + c as usize] += self.tally[c as usize];
                }
            }
        }
        self.tally.iter_mut().for_each(|x| *x = 0);
    }

    /// Adds every count of `other` (same shape).
    pub fn merge(&mut self, other: &PerUser) {
        for (k, v) in &other.hist {
            *self.hist.entry(*k).or_insert(0) += v;
        }
        for (a, b) in self.segments.iter_mut().zip(&other.segments) {
            *a += b;
        }
    }

    /// Histogram rows `(counter, scope, count, users)` in a fixed order.
    pub fn rows(&self) -> impl Iterator<Item = (UserCounter, TailScope, u64, u64)> + '_ {
        self.hist.iter().map(|(&(c, s, n), &u)| (c, s, n, u))
    }

    /// Users of `(counter, scope)` by count, in increasing count.
    pub fn histogram(&self, c: UserCounter, scope: TailScope) -> Vec<(u64, u64)> {
        self.rows()
            .filter(|r| r.0 == c && r.1 == scope)
            .map(|r| (r.2, r.3))
            .collect()
    }

    /// Adds `users` users with `count` (shard raw files).
    pub fn add_row(&mut self, c: UserCounter, scope: TailScope, count: u64, users: u64) {
        if users > 0 {
            *self.hist.entry((c, scope, count)).or_insert(0) += users;
        }
    }

    /// Shape of the segments.
    pub fn shape(&self) -> SegmentShape {
        self.shape
    }

    /// Users in segment `id`, and their sum of each [`UserCounter`].
    pub fn segment(&self, id: usize) -> (u64, [u64; UserCounter::COUNT]) {
        let base = id * (1 + UserCounter::COUNT);
        let mut sums = [0; UserCounter::COUNT];
        for c in UserCounter::ALL {
            sums[c as usize] = self
                .segments
                .get(base + 1 + c as usize)
                .copied()
                .unwrap_or(0);
        }
        (self.segments.get(base).copied().unwrap_or(0), sums)
    }

    /// The flat segment sums (shard raw files).
    pub fn raw_segments(&self) -> &[u64] {
        &self.segments
    }

    /// Replaces the segment sums from a raw file; `false` when the length does not fit.
    pub fn set_raw_segments(&mut self, segments: Vec<u64>) -> bool {
        let fits = segments.len() == self.segments.len();
        if fits {
            self.segments = segments;
        }
        fits
    }
}

/// Nearest-rank quantile `q` of a histogram `(value, users)` sorted by value.
pub fn quantile(hist: &[(u64, u64)], q: f64) -> u64 {
    let n: u64 = hist.iter().map(|h| h.1).sum();
    if n == 0 {
        return 0;
    }
    let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
    let mut seen = 0;
    for &(v, u) in hist {
        seen += u;
        if seen >= rank {
            return v;
        }
    }
    hist.last().map_or(0, |h| h.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_land_in_the_bucket_of_their_count_and_segments_sum() {
        let shape = SegmentShape {
            connections: 2,
            cookies: 3,
            quartiles: 0,
            browsers: 0,
        };
        let mut p = PerUser::new(2, shape);
        p.tally(UserCounter::InteractiveLogins, Some(1));
        p.tally(UserCounter::InteractiveLogins, Some(1));
        p.tally(UserCounter::SessionsLost, None);
        p.end_user(UserSegments {
            connection: 1,
            cookies: 2,
            quartile: 0,
            browser: 0,
        });
        p.end_user(UserSegments::default());
        let h = p.histogram(UserCounter::InteractiveLogins, TailScope::All);
        assert_eq!(h, vec![(0, 1), (2, 1)]);
        let h0 = p.histogram(UserCounter::InteractiveLogins, TailScope::App(0));
        assert_eq!(h0, vec![(0, 2)]);
        assert_eq!(p.segment(1).0, 1);
        assert_eq!(p.segment(1).1[UserCounter::InteractiveLogins as usize], 2);
        assert_eq!(p.segment(2 + 2).0, 1);
        assert_eq!(p.segment(0).0, 1);
        assert_eq!(quantile(&h, 0.5), 0);
        assert_eq!(quantile(&h, 0.9), 2);
    }
}
