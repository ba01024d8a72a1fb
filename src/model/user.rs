//! A user (design §6): a profile drawn once (connection, third-party cookie
//! policy) and the random processes of its timeline — Poisson visits, browser
//! closes and password resets — each from its own ChaCha stream derived from
//! (seed, replica, user id, purpose).

use super::config::{ModelConfig, pick};
use super::world::{Event, UserWorld};
use crate::engine::rng::{self, exponential_ms};
use crate::engine::{Context, Simulation};
use crate::metrics::GlobalCounter;
use crate::scenario::Connection;
use rand_chacha::ChaCha8Rng;

/// Stream purposes (see [`crate::engine::rng`]).
const PROFILE: u64 = 0;
const ARRIVALS: u64 = 1;
const CLOSES: u64 = 2;
const RESETS: u64 = 3;
/// Per-visit choices: app, protected page, logout, federated logout.
const CHOICES: u64 = 4;

/// What is drawn once per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserProfile {
    /// How the user signs in.
    pub connection: Connection,
    /// The browser blocks third-party cookies.
    pub blocks_third_party_cookies: bool,
}

/// One user: profile and random streams.
#[derive(Debug)]
pub(super) struct User {
    pub profile: UserProfile,
    pub arrivals: ChaCha8Rng,
    pub closes: ChaCha8Rng,
    pub resets: ChaCha8Rng,
    pub choices: ChaCha8Rng,
}

impl User {
    pub fn new(cfg: &ModelConfig, replica: u32, id: u64, profile: Option<UserProfile>) -> Self {
        let stream = |purpose| rng::stream(cfg.seed, replica, id, purpose);
        let profile = profile.unwrap_or_else(|| {
            let mut r = stream(PROFILE);
            let c = pick(
                cfg.connection_cumulative.iter().map(|c| c.1),
                rng::unit(&mut r),
            );
            UserProfile {
                connection: cfg.connection_cumulative[c].0,
                blocks_third_party_cookies: rng::bernoulli(&mut r, cfg.third_party_blocked),
            }
        });
        User {
            profile,
            arrivals: stream(ARRIVALS),
            closes: stream(CLOSES),
            resets: stream(RESETS),
            choices: stream(CHOICES),
        }
    }

    /// Index of the user's IdP (0 for password users: only used in trace labels).
    pub fn idp_index(&self) -> u8 {
        match self.profile.connection {
            Connection::Idp(i) => i as u8,
            Connection::Password => 0,
        }
    }
}

impl UserWorld<'_> {
    /// First visit, first close and first reset of the timeline.
    pub fn schedule_first_events(&mut self, sim: &mut Simulation<Event>) {
        let first_visit = match &self.script {
            Some(s) => s.visits.first().map(|v| v.at),
            None => exponential_ms(&mut self.user.arrivals, self.cfg.visit_rate),
        };
        if let Some(t) = first_visit {
            sim.schedule_at(t, Event::VisitArrival);
        }
        if let Some(t) = exponential_ms(&mut self.user.closes, self.cfg.close_rate) {
            sim.schedule_at(t, Event::BrowserClose);
        }
        if self.user.profile.connection == Connection::Password
            && let Some(t) = exponential_ms(&mut self.user.resets, self.cfg.reset_rate)
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
            None => exponential_ms(&mut self.user.arrivals, self.cfg.visit_rate)
                .map(|d| ctx.now().saturating_add(d)),
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
        self.drop_session_cookies(now);
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
        self.note(now, || "user resets the password".to_string());
        self.expire_as_sessions(now);
    }
}
