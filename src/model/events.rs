//! Tenant events on a user's timeline (`[[events]]`, issue 17): each user
//! world schedules every event of the scenario at its virtual time, so all
//! users see it at the same instant while staying independent (runs stay
//! parallel and exact).
//!
//! - `revoke_sessions`: the AS session ends (`revoked`), valid or orphaned;
//!   with `idp`/`apps`, the IdP and local sessions too. The next prompt is
//!   put down to the cause `revoked`.
//! - `revoke_refresh_tokens`: the AS forgets every refresh-token family; the
//!   app still holds its token, so its next exchange is refused
//!   (`invalid_grant`) and the SDK falls back as for an expired token.
//! - `outage`: every request reaching the AS until the end of the outage is
//!   refused; the visit it belongs to ends there (the user does not retry
//!   and comes back at the next visit). Nothing the AS would have done (a
//!   session touched or created, a log record) happens.
//! - `set`: the configuration in effect switches; sessions valid then keep
//!   the smaller of their limits and the new ones (Auth0's rule, see
//!   [`super::session::Bound`]).

use super::config::{ModelConfig, ModelEventKind};
use super::session::EndCause;
use super::trace::Outcome;
use super::world::{Event, UserWorld};
use crate::engine::{Context, Simulation};
use crate::metrics::{AppCounter, Cause, Layout};
use crate::time::Clock;

impl<'c> UserWorld<'c> {
    /// Schedules the scenario's tenant events on this timeline.
    pub(super) fn schedule_tenant_events(&mut self, sim: &mut Simulation<Event>) {
        for (i, e) in self.root.events.iter().enumerate() {
            // Validation keeps events within the run and at most 1 000.
            sim.schedule_at(e.at, Event::Tenant { index: i as u16 });
        }
    }

    /// Tenant event `index` happens now.
    pub(super) fn on_tenant_event(&mut self, index: u16, ctx: &mut Context<'_, Event>) {
        let root: &'c ModelConfig = self.root;
        let Some(e) = root.events.get(index as usize) else {
            return;
        };
        let now = ctx.now();
        match &e.kind {
            ModelEventKind::RevokeSessions { idp, apps } => {
                self.note(now, || "the tenant revokes every session".to_string());
                self.revoke_tier(Layout::AS_TIER, now);
                let layout = self.cfg.layout;
                if *idp {
                    for tier in 1..=layout.idps {
                        self.revoke_tier(tier, now);
                    }
                }
                if *apps {
                    for a in 0..layout.apps {
                        self.revoke_tier(layout.app_tier(a), now);
                    }
                }
            }
            ModelEventKind::RevokeRefreshTokens => {
                self.note(now, || "the tenant revokes every refresh token".to_string());
                for app in 0..self.cfg.apps.len() as u16 {
                    if self.rt_server[app as usize].take().is_some() {
                        self.refresh_token_lost(app, Cause::Revoked, now);
                        self.refresh_reach(app, now);
                    }
                }
            }
            ModelEventKind::Outage { until } => {
                let until = *until;
                self.note(now, || {
                    format!(
                        "the AS is down until {}: it refuses every request",
                        Clock(until)
                    )
                });
                self.outage_until = self.outage_until.max(until);
            }
            ModelEventKind::Set(next) => {
                self.note(now, || "the tenant changes its settings".to_string());
                self.switch_config(next, now);
            }
        }
    }

    /// Ends the tier's session (counted when valid) and its orphaned
    /// server-side remainders: the tenant revoked them.
    fn revoke_tier(&mut self, tier: usize, now: u64) {
        self.end_session(tier, now, EndCause::Revoked);
        self.end_orphans(tier, now);
    }

    /// A `set` event: `next` is in effect from `now`. A session valid now
    /// keeps the smaller of its limits and the new ones.
    fn switch_config(&mut self, next: &'c ModelConfig, now: u64) {
        let old = self.cfg;
        for tier in 0..self.sessions.len() {
            if old.policies[tier] != next.policies[tier]
                && self.session_valid(tier, now)
                && let Some(s) = &mut self.sessions[tier]
            {
                s.rebind(&old.policies[tier], &next.policies[tier], now);
            }
        }
        self.cfg = next;
    }

    /// The AS refuses a request (an outage): the visit it belongs to ends
    /// now, counted; a protected visit not yet decided failed its login.
    #[cold]
    #[inline(never)]
    pub(super) fn refuse(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let Some(v) = self.browser.visit.take() else {
            return;
        };
        if v.protected && !v.resolved {
            self.count(v.app, AppCounter::LoginsFailedOutage, now);
        }
        self.count(v.app, AppCounter::VisitsFailedOutage, now);
        self.mark_outcome(now, Outcome::Refused);
        self.spa_page_left(v.app, now);
        self.browser.epoch = self.browser.epoch.wrapping_add(1);
        self.start_pending_visit(ctx);
    }
}
