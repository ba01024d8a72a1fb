//! A user (design §6): a profile drawn once (connection, browser kind) and the random processes of its timeline — Poisson visits, browser
//! closes, password resets, cookie clears, per-visit choices and drawn delays
//! (latencies, think and processing times) — each from its own ChaCha stream
//! derived from (seed, replica, user id, purpose).

use super::config::{ModelConfig, pick};
use super::world::{Event, UserWorld};
use crate::engine::rng::{self, exponential_ms};
use crate::engine::{Context, Simulation};
use crate::scenario::{Connection, RateDistribution};
use crate::time::{DAY, HOUR};
use rand_chacha::ChaCha8Rng;

/// Stream purposes (see [`crate::engine::rng`]).
const PROFILE: u64 = 0;
const ARRIVALS: u64 = 1;
const CLOSES: u64 = 2;
const RESETS: u64 = 3;
/// Per-visit choices: app, protected page, logout, federated logout.
const CHOICES: u64 = 4;
const CLEARS: u64 = 5;
/// When the user's history starts within the warm-up.
const START: u64 = 6;
/// Drawn delays: hop latencies, think times, server processing times.
const DELAYS: u64 = 7;
// Purpose 8: the user's identity in the tenant log (`super::logs::LOG_IDENTITY`),
// drawn only when the user is logged.
/// What is drawn per device: whether it browses in a private window.
const DEVICE: u64 = 9;
/// How many devices the user has (`users.devices`).
const DEVICES: u64 = 10;

/// Exponential waits drawn at once on the fast path (see [`Waits`]).
const WAITS: usize = 8;

/// The exponential waits of one random stream (between visits, between
/// browser closes), drawn [`WAITS`] at a time on the fast path: the same
/// draws in the same order, but independent of each other, so the
/// processor overlaps their logarithms and divisions instead of waiting for
/// each in turn (issue 20). Waits drawn ahead are always used first, so the
/// stream is read in order whichever path draws next.
#[derive(Debug, Clone, Copy)]
pub(super) struct Waits {
    drawn: [u64; WAITS],
    /// Index of the next wait of `drawn` (`WAITS`: none left).
    next: usize,
}

impl Default for Waits {
    fn default() -> Self {
        Waits {
            drawn: [0; WAITS],
            next: WAITS,
        }
    }
}

impl Waits {
    /// The next exponential wait of `rng` at `rate_per_ms`, as
    /// [`exponential_ms`] draws it (`None` when the rate is 0); with
    /// `ahead`, the following ones are drawn now too. `ahead` only when the
    /// rate cannot change before they are used.
    #[inline]
    pub(super) fn next(
        &mut self,
        rng: &mut ChaCha8Rng,
        rate_per_ms: f64,
        ahead: bool,
    ) -> Option<u64> {
        if self.next < WAITS {
            self.next += 1;
            return Some(self.drawn[self.next - 1]);
        }
        if !ahead {
            return exponential_ms(rng, rate_per_ms);
        }
        if rate_per_ms <= 0.0 {
            return None;
        }
        for w in &mut self.drawn {
            *w = rng::exponential_wait_ms(rng, rate_per_ms);
        }
        self.next = 1;
        Some(self.drawn[0])
    }
}

/// Which of the user's devices a timeline simulates (`users.devices`): each
/// device is a browser of its own (cookies, storage, browser kind, private
/// window), and the user's visits are spread evenly over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    /// 0 for the first device.
    pub index: u32,
    /// The user's number of devices.
    pub count: u32,
}

impl Device {
    /// A user's only device.
    pub const ONLY: Device = Device { index: 0, count: 1 };

    /// True for the user's last device, whose end closes the user's tallies.
    pub fn is_last(self) -> bool {
        self.index + 1 >= self.count
    }

    /// Entity of this device's random streams: the user's own for the first
    /// device (one device draws what a user always drew), beyond it one that
    /// no user id reaches (ids are below 2^30, device indices above bit 40).
    fn entity(self, id: u64) -> u64 {
        if self.index == 0 {
            id
        } else {
            id | (u64::from(self.index) << 40)
        }
    }
}

/// How many devices user `id` has: drawn from its own stream when
/// `users.devices` has several counts, else the only one.
pub(super) fn device_count(cfg: &ModelConfig, replica: u32, id: u64) -> u32 {
    match cfg.device_cumulative.as_slice() {
        [] => 1,
        [(count, _)] => *count,
        counts => {
            let u = rng::unit(&mut rng::stream(cfg.seed, replica, id, DEVICES));
            counts[pick(counts.iter().map(|c| c.1), u)].0
        }
    }
}

/// How a browser treats third-party cookies (drawn once per user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThirdPartyCookies {
    /// Sent in cross-site iframes.
    Allowed,
    /// Never sent in cross-site iframes.
    Blocked,
    /// Kept in a jar per top-level site: the AS cookie set during a top-level
    /// login is not the one the app's iframe sees, so, for silent
    /// authentication, the same as blocked.
    Partitioned,
}

/// What is drawn once per user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserProfile {
    /// How the user signs in.
    pub connection: Connection,
    /// The browser's third-party cookie policy.
    pub third_party_cookies: ThirdPartyCookies,
    /// Visits per day of this user: `visits_per_day`, or drawn from
    /// `visit_rate_distribution` (mean `visits_per_day`).
    pub visits_per_day: f64,
    /// The browser kind (index into [`ModelConfig::browsers`]); `None` for a
    /// scripted profile given only a cookie policy (no storage caps).
    pub browser: Option<u16>,
    /// The user browses in a private window: every cookie and all storage
    /// last until the browser closes (`users.private_browsing_share`).
    pub private: bool,
}

impl UserProfile {
    /// A profile with the scenario's mean visit rate (scripts, tests).
    pub fn new(connection: Connection, third_party_cookies: ThirdPartyCookies) -> Self {
        UserProfile {
            connection,
            third_party_cookies,
            visits_per_day: f64::NAN,
            browser: None,
            private: false,
        }
    }

    /// A profile on the scenario's browser kind `name` (scripts, tests);
    /// `None` when the scenario has no such kind.
    pub fn on_browser(connection: Connection, cfg: &ModelConfig, name: &str) -> Option<Self> {
        let i = cfg.browsers.iter().position(|b| b.name == name)?;
        Some(UserProfile {
            browser: Some(i as u16),
            ..UserProfile::new(connection, cfg.browsers[i].third_party)
        })
    }
}

/// One user: profile and random streams.
#[derive(Debug)]
pub(super) struct User {
    pub profile: UserProfile,
    pub arrivals: ChaCha8Rng,
    pub closes: ChaCha8Rng,
    pub resets: ChaCha8Rng,
    pub choices: ChaCha8Rng,
    pub clears: ChaCha8Rng,
    /// Delays drawn from distributions (constants draw nothing).
    pub delays: ChaCha8Rng,
    /// Candidate visits per ms, at the daily profile's peak (thinned to the profile).
    pub visit_rate_peak: f64,
    /// When the user's history starts within the warm-up, from its own
    /// stream, so that users do not all expire in step (see
    /// [`start_in_warmup`]; 0 without warm-up, and for scripted users, whose
    /// visit times are absolute).
    pub start: u64,
    /// Which of the user's devices this timeline is.
    pub device: Device,
    /// Waits between arrivals drawn ahead from `arrivals` (see [`User::next_visit`]).
    pub arrival_waits: Waits,
    /// Waits between browser closes drawn ahead from `closes`.
    pub close_waits: Waits,
    /// The arrival after the one scheduled, drawn ahead on the fast path:
    /// `(t, next_visit(t))` for the scheduled arrival `t` (see
    /// [`UserWorld::on_visit_arrival`]).
    pub ahead: Option<(u64, Option<u64>)>,
}

/// When a user's history starts in a warm-up of `warmup` ms: its age at the
/// end of the warm-up is the mean of three uniform draws over the warm-up
/// (Irwin–Hall), so ages spread over the whole warm-up with a smooth density.
///
/// Why not one uniform draw: with fixed lifetimes a user's state repeats with
/// a cycle C (say a refresh token's lifetime plus the wait for the next
/// visit); uniform ages on `[0, W)` leave, modulo C, a step of 1/⌊W/C⌋ in how
/// many users are at each point of their cycle — a 30 % dip in prompts for
/// the first days of the window when W = 2.8 C. A smooth age density has no
/// step: the phases are flat within a few percent from W ≈ 2.5 C on.
pub(super) fn start_in_warmup(r: &mut ChaCha8Rng, warmup: u64) -> u64 {
    let mean = (rng::unit(r) + rng::unit(r) + rng::unit(r)) / 3.0;
    let age = ((mean * warmup as f64) as u64).clamp(1, warmup);
    warmup - age
}

/// The profile drawn from stream `r`: connection, browser kind, visit rate.
fn draw_profile(cfg: &ModelConfig, r: &mut ChaCha8Rng) -> UserProfile {
    let mean_rate = cfg.visit_rate * DAY as f64;
    let c = pick(cfg.connection_cumulative.iter().map(|c| c.1), rng::unit(r));
    // The browser kind, from the draw the legacy cookie shares always
    // made: a mix of kinds with those policies gives the same users.
    let drawn = pick(cfg.browser_cumulative.iter().copied(), rng::unit(r));
    let browser = cfg.browser_draw_order[drawn];
    let visits_per_day = match cfg.visit_rate_distribution {
        RateDistribution::Constant => mean_rate,
        RateDistribution::Gamma { shape } => rng::gamma(r, shape) * mean_rate / shape,
    };
    UserProfile {
        connection: cfg.connection_cumulative[c].0,
        third_party_cookies: cfg.browsers[browser].third_party,
        visits_per_day,
        browser: Some(browser as u16),
        private: false,
    }
}

impl User {
    /// Device `device` of user `id`. What belongs to the user is drawn from
    /// the user's streams (connection, visit rate, start, password resets);
    /// what belongs to the device from the device's (browser kind, private
    /// window, visits, closes, choices, clears, delays). The device sees the
    /// user's visit rate divided by the number of devices.
    pub(super) fn new(
        cfg: &ModelConfig,
        replica: u32,
        id: u64,
        device: Device,
        profile: Option<UserProfile>,
    ) -> Self {
        let stream = |purpose| rng::stream(cfg.seed, replica, id, purpose);
        let on_device = |purpose| rng::stream(cfg.seed, replica, device.entity(id), purpose);
        let profile_given = profile;
        let mut profile = profile.unwrap_or_else(|| {
            let mut p = draw_profile(cfg, &mut stream(PROFILE));
            if device.index > 0 {
                let d = draw_profile(cfg, &mut on_device(PROFILE));
                p.browser = d.browser;
                p.third_party_cookies = d.third_party_cookies;
            }
            p.private = cfg.private_share > 0.0
                && rng::bernoulli(&mut on_device(DEVICE), cfg.private_share);
            p
        });
        let start = if cfg.warmup > 0 && profile_given.is_none() {
            start_in_warmup(&mut stream(START), cfg.warmup)
        } else {
            0
        };
        if profile.visits_per_day.is_nan() {
            profile.visits_per_day = cfg.visit_rate * DAY as f64;
        }
        let per_device = profile.visits_per_day / f64::from(device.count.max(1));
        User {
            profile,
            arrivals: on_device(ARRIVALS),
            closes: on_device(CLOSES),
            resets: stream(RESETS),
            choices: on_device(CHOICES),
            clears: on_device(CLEARS),
            delays: on_device(DELAYS),
            visit_rate_peak: per_device / DAY as f64 * cfg.daily_peak,
            start,
            device,
            ahead: None,
            arrival_waits: Waits::default(),
            close_waits: Waits::default(),
        }
    }

    /// The next visit after `t`: Poisson at the user's rate, shaped by the
    /// daily profile by thinning (candidates at the peak rate, each kept with
    /// the probability of its hour's intensity over the peak).
    ///
    /// Without a daily profile each visit takes one exponential wait from
    /// the arrivals stream. With `ahead` (the fast path, when the profile
    /// cannot change during the timeline), [`WAITS`] of them are drawn at
    /// once: the same draws in the same order, but independent of each
    /// other, so the processor overlaps their logarithms and divisions
    /// instead of waiting for each in turn (issue 20). Waits drawn ahead
    /// are used first, whatever `ahead` says.
    pub(super) fn next_visit(&mut self, cfg: &ModelConfig, t: u64, ahead: bool) -> Option<u64> {
        if cfg.daily_profile.is_empty() {
            let wait = self
                .arrival_waits
                .next(&mut self.arrivals, self.visit_rate_peak, ahead)?;
            return t.checked_add(wait);
        }
        let mut at = t;
        loop {
            at = at.checked_add(exponential_ms(&mut self.arrivals, self.visit_rate_peak)?)?;
            if cfg.daily_profile.is_empty() {
                return Some(at);
            }
            let hour = (at / HOUR % 24) as usize;
            if at >= cfg.end
                || rng::unit(&mut self.arrivals) * cfg.daily_peak < cfg.daily_profile[hour]
            {
                return Some(at);
            }
        }
    }

    /// Index of the user's IdP (0 for password users: only used in trace labels).
    pub(super) fn idp_index(&self) -> u16 {
        match self.profile.connection {
            Connection::Idp(i) => i as u16,
            Connection::Password => 0,
        }
    }
}

impl UserWorld<'_> {
    /// First visit, first close and first reset of the timeline, drawn from
    /// the user's start.
    pub(super) fn schedule_first_events(&mut self, sim: &mut Simulation<Event>) {
        let start = self.user.start;
        let first_visit = match &self.script {
            Some(s) => s.visits.first().map(|v| v.at),
            None => self.user.next_visit(self.cfg, start, self.draws_ahead()),
        };
        if let Some(t) = first_visit {
            sim.schedule_at(t, Event::VisitArrival);
            self.draw_ahead(t);
        }
        let after = |d: Option<u64>| d.and_then(|d| start.checked_add(d));
        if let Some(t) = after(self.next_close_wait()) {
            sim.schedule_at(t, Event::BrowserClose);
        }
        if let Some(t) = after(exponential_ms(&mut self.user.clears, self.cfg.clear_rate)) {
            sim.schedule_at(t, Event::CookieClear);
        }
        if self.user.profile.connection == Connection::Password
            && let Some(t) = after(exponential_ms(&mut self.user.resets, self.cfg.reset_rate))
        {
            sim.schedule_at(t, Event::PasswordReset);
        }
    }

    /// On the fast path, draws the arrival that follows the one scheduled at
    /// `t` (what [`User::next_visit`] will be asked at `t`), so that it is
    /// ready when `t` comes.
    #[inline]
    fn draw_ahead(&mut self, t: u64) {
        if self.draws_ahead() {
            self.user.ahead = Some((t, self.user.next_visit(self.cfg, t, true)));
        }
    }

    /// The wait until the next browser close (`None`: the browser never
    /// closes), drawn ahead in batches on the fast path ([`Waits`]).
    #[inline]
    pub(super) fn next_close_wait(&mut self) -> Option<u64> {
        let ahead = self.draws_ahead();
        self.user
            .close_waits
            .next(&mut self.user.closes, self.cfg.close_rate, ahead)
    }

    /// Whether arrivals and closes are drawn ahead of their time (the fast
    /// path): not with a script, nor with a tenant `set` event, which may
    /// change the daily profile or the rates meanwhile.
    #[inline]
    pub(super) fn draws_ahead(&self) -> bool {
        self.on_fast_path() && self.script.is_none() && !self.root.has_set_events
    }

    /// A visit arrives: the next one is drawn from this arrival (Poisson); one
    /// arriving during another visit starts when that one ends.
    ///
    /// On the fast path the next arrival was drawn ahead, when this one was
    /// scheduled, and the one after it is drawn now ([`UserWorld::draw_ahead`]):
    /// the same draws of the arrivals stream in the same order, but the
    /// exponential draw's long chain of arithmetic (a logarithm and a
    /// division) no longer delays the queue's insertion, which compares its
    /// result, and overlaps the rest of the visit (issue 20).
    pub(super) fn on_visit_arrival(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let next = match &self.script {
            Some(s) => {
                self.script_next += 1;
                s.visits.get(self.script_next).map(|v| v.at.max(now))
            }
            None => match self.user.ahead.take() {
                Some((at, next)) => {
                    debug_assert_eq!(at, now, "an arrival drawn ahead from another time");
                    next
                }
                None => self.user.next_visit(self.cfg, now, self.draws_ahead()),
            },
        };
        if let Some(t) = next {
            ctx.schedule_at(t, Event::VisitArrival);
            self.draw_ahead(t);
        }
        if self.browser.visit.is_some() {
            self.browser.pending_visits += 1;
        } else {
            self.start_visit(ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits drawn ahead are the stream's exponential waits in stream order,
    /// whether each is asked for with `ahead` or not (the fast path turns it
    /// off for the event-by-event end of a warm-up, with waits still drawn).
    #[test]
    fn waits_drawn_ahead_are_the_streams_waits_in_order() {
        let rate = 1.0 / 3_600_000.0;
        let mut reference = rng::stream(3, 0, 5, ARRIVALS);
        let expected: Vec<Option<u64>> = (0..40)
            .map(|_| exponential_ms(&mut reference, rate))
            .collect();
        let mut stream = rng::stream(3, 0, 5, ARRIVALS);
        let mut waits = Waits::default();
        // Ahead at 0 (waits 0..8 drawn at once), then one by one from the
        // batch and past it (8..11), ahead again at 11, and so on.
        let got: Vec<Option<u64>> = (0..40)
            .map(|i| waits.next(&mut stream, rate, i % 11 == 0))
            .collect();
        assert_eq!(got, expected);
        // No rate: no wait, drawn ahead or not.
        let mut waits = Waits::default();
        assert_eq!(waits.next(&mut stream, 0.0, true), None);
        assert_eq!(waits.next(&mut stream, 0.0, false), None);
    }
}
