//! A user (design §6): a profile drawn once (connection, third-party cookie
//! policy) and the random processes of its timeline — Poisson visits, browser
//! closes, password resets, cookie clears, per-visit choices and drawn delays
//! (latencies, think and processing times) — each from its own ChaCha stream
//! derived from (seed, replica, user id, purpose).

use super::config::{ModelConfig, pick};
use super::world::{Event, UserWorld};
use crate::engine::rng::{self, exponential_ms};
use crate::engine::{Context, Simulation};
use crate::metrics::GlobalCounter;
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
}

impl UserProfile {
    /// A profile with the scenario's mean visit rate (scripts, tests).
    pub fn new(connection: Connection, third_party_cookies: ThirdPartyCookies) -> Self {
        UserProfile {
            connection,
            third_party_cookies,
            visits_per_day: f64::NAN,
        }
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
pub fn start_in_warmup(r: &mut ChaCha8Rng, warmup: u64) -> u64 {
    let mean = (rng::unit(r) + rng::unit(r) + rng::unit(r)) / 3.0;
    let age = ((mean * warmup as f64) as u64).clamp(1, warmup);
    warmup - age
}

impl User {
    pub fn new(cfg: &ModelConfig, replica: u32, id: u64, profile: Option<UserProfile>) -> Self {
        let stream = |purpose| rng::stream(cfg.seed, replica, id, purpose);
        let mean_rate = cfg.visit_rate * DAY as f64;
        let profile_given = profile;
        let mut profile = profile.unwrap_or_else(|| {
            let mut r = stream(PROFILE);
            let c = pick(
                cfg.connection_cumulative.iter().map(|c| c.1),
                rng::unit(&mut r),
            );
            let u = rng::unit(&mut r);
            let third_party_cookies = if u < cfg.third_party_blocked {
                ThirdPartyCookies::Blocked
            } else if u < cfg.third_party_blocked + cfg.third_party_partitioned {
                ThirdPartyCookies::Partitioned
            } else {
                ThirdPartyCookies::Allowed
            };
            let visits_per_day = match cfg.visit_rate_distribution {
                RateDistribution::Constant => mean_rate,
                RateDistribution::Gamma { shape } => rng::gamma(&mut r, shape) * mean_rate / shape,
            };
            UserProfile {
                connection: cfg.connection_cumulative[c].0,
                third_party_cookies,
                visits_per_day,
            }
        });
        let start = if cfg.warmup > 0 && profile_given.is_none() {
            start_in_warmup(&mut stream(START), cfg.warmup)
        } else {
            0
        };
        if profile.visits_per_day.is_nan() {
            profile.visits_per_day = mean_rate;
        }
        User {
            profile,
            arrivals: stream(ARRIVALS),
            closes: stream(CLOSES),
            resets: stream(RESETS),
            choices: stream(CHOICES),
            clears: stream(CLEARS),
            delays: stream(DELAYS),
            visit_rate_peak: profile.visits_per_day / DAY as f64 * cfg.daily_peak,
            start,
        }
    }

    /// The next visit after `t`: Poisson at the user's rate, shaped by the
    /// daily profile by thinning (candidates at the peak rate, each kept with
    /// the probability of its hour's intensity over the peak).
    pub fn next_visit(&mut self, cfg: &ModelConfig, t: u64) -> Option<u64> {
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
    pub fn idp_index(&self) -> u16 {
        match self.profile.connection {
            Connection::Idp(i) => i as u16,
            Connection::Password => 0,
        }
    }
}

impl UserWorld<'_> {
    /// First visit, first close and first reset of the timeline, drawn from
    /// the user's start.
    pub fn schedule_first_events(&mut self, sim: &mut Simulation<Event>) {
        let start = self.user.start;
        let first_visit = match &self.script {
            Some(s) => s.visits.first().map(|v| v.at),
            None => self.user.next_visit(self.cfg, start),
        };
        if let Some(t) = first_visit {
            sim.schedule_at(t, Event::VisitArrival);
        }
        let after = |d: Option<u64>| d.and_then(|d| start.checked_add(d));
        if let Some(t) = after(exponential_ms(&mut self.user.closes, self.cfg.close_rate)) {
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

    /// A visit arrives: the next one is drawn from this arrival (Poisson); one
    /// arriving during another visit starts when that one ends.
    pub fn on_visit_arrival(&mut self, ctx: &mut Context<'_, Event>) {
        let next = match &self.script {
            Some(s) => {
                self.script_next += 1;
                s.visits.get(self.script_next).map(|v| v.at.max(ctx.now()))
            }
            None => self.user.next_visit(self.cfg, ctx.now()),
        };
        if let Some(t) = next {
            ctx.schedule_at(t, Event::VisitArrival);
        }
        if self.browser.visit.is_some() {
            self.browser.pending_visits += 1;
        } else {
            self.start_visit(ctx);
        }
    }

    /// The browser closes: the visit under way ends at once (hops in flight are
    /// dropped, a login under way is abandoned) and session-only cookies go.
    pub fn on_browser_close(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = exponential_ms(&mut self.user.closes, self.cfg.close_rate) {
            ctx.schedule_in(d, Event::BrowserClose);
        }
        self.metrics.count_global(GlobalCounter::BrowserCloses);
        self.note(now, || "browser closes".to_string());
        self.cut_visit(now);
        self.drop_cookies(now, false);
        // An exchange's answer in flight is lost: the app keeps the token it had.
        for app in 0..self.cfg.apps.len() {
            self.refresh_reach(app as u16, now);
        }
        self.start_pending_visit(ctx);
    }

    /// A password reset: every AS session of the user expires at once; local
    /// and IdP sessions live on (design §4, §6).
    pub fn on_password_reset(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = exponential_ms(&mut self.user.resets, self.cfg.reset_rate) {
            ctx.schedule_in(d, Event::PasswordReset);
        }
        self.metrics.count_global(GlobalCounter::PasswordResets);
        self.log(now, super::logs::LogKind::PasswordChanged, 0, 0, 0);
        self.note(now, || "user resets the password".to_string());
        self.expire_as_sessions(now);
    }

    /// The user deletes all cookies and site data: every session the browser
    /// reached ends (`cookies_cleared`), orphaned server-side; the MFA
    /// "remember this browser" cookie and SPAs' stored refresh tokens go too.
    /// A visit under way goes on.
    pub fn on_cookie_clear(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = exponential_ms(&mut self.user.clears, self.cfg.clear_rate) {
            ctx.schedule_in(d, Event::CookieClear);
        }
        self.metrics.count_global(GlobalCounter::CookieClears);
        self.note(now, || "user clears cookies and site data".to_string());
        self.drop_cookies(now, true);
        self.browser.mfa_remembered_until = 0;
        for app in 0..self.cfg.apps.len() {
            if !self.cfg.apps[app].kind.uses_code_grant() {
                self.refresh_token_lost(app as u16, crate::metrics::Cause::CookieClear, now);
                self.forget_refresh_token(app as u16, now);
            }
        }
    }
}
