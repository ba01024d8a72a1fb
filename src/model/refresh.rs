//! Refresh tokens with rotation (Auth0's refresh-token rotation, for SPAs and
//! native apps; `apps[].refresh_tokens`).
//!
//! - Every login that gives the app tokens (interactive, SSO, silent) also
//!   issues a new refresh-token family; the app keeps its token (a SPA in
//!   local storage, so it survives a browser close but not a cookie clear).
//! - An exchange at `/oauth/token` is valid while the family is within its
//!   absolute lifetime (from the login that issued it; rotated tokens keep it)
//!   and its idle lifetime (from the last exchange). With rotation, each
//!   exchange returns a new token and invalidates the one presented; the
//!   previous token is still accepted for `reuse_interval`. Presenting an
//!   invalidated token (reuse) revokes the whole family.
//! - An exchange does not touch the AS session: it neither needs it nor
//!   extends it. It needs no cookie, so third-party cookie policies do not
//!   apply.
//! - A reuse happens naturally when a browser close drops the response of a
//!   rotation in flight: the app still holds the old token.
//! - For `logged_in_users`, a user is logged in while an app holds a token the
//!   AS would accept: from the login (or the answer of an exchange) until the
//!   family's lifetimes run out, the family is revoked or the app forgets it.

use super::logs::LogKind;
use super::message::{Exchanger, Msg};
use super::world::{Event, UserWorld};
use crate::engine::Context;
use crate::metrics::{AppCounter, Cause, LoginKind};

/// The family of refresh tokens issued by one login, as the AS keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshFamily {
    /// When the login issued it (start of the absolute lifetime).
    pub issued: u64,
    /// Last exchange (start of the idle lifetime).
    pub last_used: u64,
    /// Version of the only valid token (rotation increments it).
    pub version: u32,
    /// Until when the previous version is still accepted (reuse interval).
    pub previous_valid_until: u64,
}

/// What the AS answers to an exchange.
enum Exchange {
    Granted,
    Expired,
    Reused,
    Missing,
}

impl UserWorld<'_> {
    /// True when app `app` asks for refresh tokens.
    pub(super) fn uses_refresh_tokens(&self, app: u16) -> bool {
        self.cfg.apps[app as usize].refresh_tokens.enabled
    }

    /// A login gave app `app` tokens at `t`: a new family, held by the app.
    pub(super) fn issue_refresh_token(&mut self, app: u16, t: u64) {
        if !self.uses_refresh_tokens(app) {
            return;
        }
        self.rt_server[app as usize] = Some(RefreshFamily {
            issued: t,
            last_used: t,
            version: 0,
            previous_valid_until: 0,
        });
        self.rt_client[app as usize] = Some(0);
        self.refresh_reach(app, t);
    }

    /// The app stores the token the AS just returned (at `t`).
    pub(super) fn store_refresh_token(&mut self, app: u16, t: u64) {
        self.rt_answer_pending = false;
        self.rt_client[app as usize] = self.rt_server[app as usize].map(|f| f.version);
        self.refresh_reach(app, t);
    }

    /// The app forgets its refresh token at `t` (logout, refused exchange,
    /// cleared site data).
    pub(super) fn forget_refresh_token(&mut self, app: u16, t: u64) {
        self.rt_client[app as usize] = None;
        self.refresh_reach(app, t);
    }

    /// Until when the token app `app` holds would be accepted, seen at `t`:
    /// the family's lifetimes, and for the token a rotation just replaced,
    /// the reuse interval. `None` when no exchange would succeed now.
    /// A script-storage cap ends it at the purge of the SPA's storage.
    #[inline]
    fn usable_until(&self, app: u16, t: u64) -> Option<u64> {
        let mut until = self.token_alive_until(app)?;
        if let Some(deadline) = self.storage_deadline(app) {
            until = until.min(deadline);
        }
        (t < until).then_some(until)
    }

    /// Until when the AS would accept the token app `app` holds, by the
    /// family's lifetimes and, for the token a rotation just replaced, the
    /// reuse interval; `None` when it holds none or one already reused.
    #[inline]
    pub(super) fn token_alive_until(&self, app: u16) -> Option<u64> {
        let a = app as usize;
        let (f, presented) = (self.rt_server[a]?, self.rt_client[a]?);
        let policy = self.cfg.apps[a].refresh_tokens;
        let alive = f
            .issued
            .saturating_add(policy.absolute_lifetime)
            .min(f.last_used.saturating_add(policy.idle_lifetime));
        if presented == f.version {
            Some(alive)
        } else if presented + 1 == f.version {
            Some(alive.min(f.previous_valid_until))
        } else {
            None
        }
    }

    /// The browser closed at `now`: an exchange's answer in flight is lost,
    /// and the app keeps the token it had, which the rotation may have made
    /// unusable; every app's token interval is brought in step
    /// ([`UserWorld::refresh_reach`]). Only such a lost answer (an exchange
    /// granted, its answer cut by this close or by the end of the visit) or
    /// a `set` event (which may change the lifetimes) leaves an interval out
    /// of step: otherwise nothing changed since the last `refresh_reach`,
    /// and an interval that ran out ends at the same time whether it is
    /// closed now or later, so the fast path skips it (issue 20). The
    /// reference path (and a trace) always does it: the fast-path tests
    /// compare the two.
    pub(super) fn tokens_after_close(&mut self, now: u64) {
        if self.token_intervals_in_step() {
            return;
        }
        self.rt_answer_pending = false;
        for app in 0..self.cfg.apps.len() {
            self.refresh_reach(app as u16, now);
        }
    }

    /// True on the fast path when every app's token interval is as the last
    /// [`UserWorld::refresh_reach`] left it, but for the time passing: no
    /// granted exchange's answer was lost, no `set` event may have changed
    /// the lifetimes. Then an update whose only news is the time can wait,
    /// as an interval that ran out ends at the same time whether it is
    /// closed now or later (issue 20).
    #[inline]
    pub(super) fn token_intervals_in_step(&self) -> bool {
        self.on_fast_path() && !self.rt_answer_pending && !self.root.has_set_events
    }

    /// Keeps the logged-in interval of app `app`'s refresh token in step with
    /// what the app holds and the AS keeps, after a change at `t`.
    pub(super) fn refresh_reach(&mut self, app: u16, t: u64) {
        let a = app as usize;
        let open = self.rt_reach[a];
        if open.is_none() && self.rt_client[a].is_none() {
            return; // no token held, none was: nothing changes
        }
        let now = self.usable_until(app, t);
        if open.is_some_and(|(_, until)| Some(until) == now) {
            return;
        }
        if let Some((since, until)) = open {
            self.reach.add(since, until.min(t));
        }
        self.rt_reach[a] = now.map(|until| (t, until));
    }

    fn exchange(&mut self, app: u16, t: u64) -> Exchange {
        let policy = self.cfg.apps[app as usize].refresh_tokens;
        let a = app as usize;
        let (Some(f), Some(presented)) = (self.rt_server[a], self.rt_client[a]) else {
            return Exchange::Missing;
        };
        let alive = t < f.issued.saturating_add(policy.absolute_lifetime)
            && t < f.last_used.saturating_add(policy.idle_lifetime);
        if !alive {
            self.rt_server[a] = None;
            let expiry = f
                .issued
                .saturating_add(policy.absolute_lifetime)
                .min(f.last_used.saturating_add(policy.idle_lifetime));
            self.refresh_token_lost(app, Cause::RefreshTokenExpired, expiry);
            return Exchange::Expired;
        }
        let current = presented == f.version;
        let within_leeway = presented + 1 == f.version && t < f.previous_valid_until;
        if !(current || within_leeway) {
            self.rt_server[a] = None;
            self.refresh_token_lost(app, Cause::RefreshTokenRevoked, t);
            return Exchange::Reused;
        }
        let mut f = f;
        f.last_used = t;
        if policy.rotation && current {
            f.version += 1;
            f.previous_valid_until = t.saturating_add(policy.reuse_interval);
        }
        self.rt_server[a] = Some(f);
        Exchange::Granted
    }

    /// The log record of an exchange: `sertft` with the counter presented,
    /// `ferrt` with it and the family's latest, `fertft` otherwise.
    fn log_exchange(
        &mut self,
        t: u64,
        app: u16,
        outcome: &Exchange,
        family: Option<RefreshFamily>,
        presented: Option<u32>,
    ) {
        if self.logs.is_none() || !self.metrics.measuring {
            return;
        }
        let issued = family.map_or(0, |f| f.issued);
        let presented = presented.unwrap_or(0);
        let (kind, latest) = match outcome {
            Exchange::Granted => (LogKind::RefreshExchange, 0),
            Exchange::Reused => (LogKind::RefreshReused, family.map_or(0, |f| f.version)),
            Exchange::Expired | Exchange::Missing => (LogKind::RefreshFailed, 0),
        };
        self.push_log(t, kind, app, issued, presented, latest);
    }

    /// `POST /oauth/token` with `grant_type=refresh_token` at the AS.
    pub(super) fn as_refresh(&mut self, app: u16, by: Exchanger, ctx: &mut Context<'_, Event>) {
        let renewal = by == Exchanger::SpaRenewal;
        let now = ctx.now();
        self.count(app, AppCounter::RefreshTokenExchanges, now);
        self.count(app, AppCounter::TokenRequests, now);
        let (family, presented) = (self.rt_server[app as usize], self.rt_client[app as usize]);
        let outcome = self.exchange(app, now);
        self.log_exchange(now, app, &outcome, family, presented);
        let reply = match outcome {
            Exchange::Granted => {
                if !renewal {
                    if self.browser.visit.is_some_and(|v| v.protected) {
                        self.count(app, AppCounter::RefreshTokenLogins, now);
                    }
                    self.resolve_visit(Some(LoginKind::RefreshToken));
                }
                // The app holds the new token when the answer arrives.
                self.rt_answer_pending = true;
                Msg::RefreshTokenGranted { app, by }
            }
            refused => {
                self.refresh_reach(app, now);
                self.count(app, AppCounter::RefreshTokenFailures, now);
                if matches!(refused, Exchange::Reused) {
                    self.count(app, AppCounter::RefreshTokenReuseDetected, now);
                    self.note(now, || {
                        "refresh token reused: the family is revoked".to_string()
                    });
                }
                Msg::RefreshTokenDenied { app, by }
            }
        };
        self.send(ctx, reply);
    }
}
