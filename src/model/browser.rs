//! The browser (design §2, §6): one visit at a time, following redirects,
//! prompts answered after the think time, hidden-iframe silent authentication
//! and `postMessage`, the dwell on a served page, logout at its end, and
//! token renewals of a `spa_implicit` app during a long visit; what the
//! browser loses when it closes (session-only cookies, or everything in a
//! private window) and when the user clears cookies and site data.

use super::config::pick;
use super::message::{Exchanger, Msg};
use super::session::EndCause;
use super::trace::{LineKind, Outcome};
use super::world::{Event, UserWorld};
use crate::engine::Context;
use crate::engine::rng::{self, exponential_ms};
use crate::metrics::{AppCounter, GlobalCounter, LoginKind};
use crate::scenario::Connection;

/// The visit under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Visit {
    /// App visited.
    pub app: u16,
    /// The page requires login.
    pub protected: bool,
    /// Navigation time (login latency runs from here to the page served).
    pub nav: u64,
    /// Hops delivered since the navigation, until the page is served.
    pub hops: u32,
    /// The page was served; the dwell runs.
    pub served: bool,
    /// How this visit got the user in, once decided: local session, SSO,
    /// silent or interactive login (protected visits only, for abandonment).
    pub resolved: bool,
    /// The login flow that served the page, for the latency distribution.
    pub login: Option<LoginKind>,
    /// A `spa_implicit` app holds tokens in memory.
    pub tokens: bool,
    /// When the dwell ends.
    pub dwell_end: u64,
    /// The logout at the end of this visit, once decided.
    pub logout: LogoutKind,
}

/// How far a logout reaches (design §4; `users.app_only_logout_share`,
/// `users.federated_logout_share`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LogoutKind {
    /// Only the app's local session (and tokens).
    AppOnly,
    /// The app, then the AS (`/v2/logout`).
    As,
    /// The app, the AS and the IdP (`/v2/logout?federated`).
    Federated,
}

impl LogoutKind {
    /// What the logout ends, in words (traces).
    fn reach(self) -> &'static str {
        match self {
            LogoutKind::AppOnly => "the app only",
            LogoutKind::As => "the app and the AS",
            LogoutKind::Federated => "the app, the AS and the identity provider (federated)",
        }
    }
}

/// What the browser keeps beyond its cookies (which live with the sessions
/// they reach, see `session.rs`).
#[derive(Debug, Default)]
pub(super) struct Browser {
    /// The visit under way.
    pub visit: Option<Visit>,
    /// Visits that arrived during the current one and wait for it to end.
    pub pending_visits: u32,
    /// Bumped when a visit ends or is cut: hops and timers of older
    /// generations are dropped on delivery.
    pub epoch: u32,
    /// Until when the MFA "remember this browser" cookie skips MFA.
    pub mfa_remembered_until: u64,
}

impl UserWorld<'_> {
    /// Starts a visit: picks the app and whether the page is protected, and
    /// navigates.
    pub(super) fn start_visit(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let (app, protected) = match &self.script {
            Some(s) => match s.visits.get(self.script_started) {
                Some(v) => (v.app, v.protected),
                None => return,
            },
            None => {
                let app = if self.cfg.apps.len() == 1 {
                    0
                } else {
                    let u = rng::unit(&mut self.user.choices);
                    pick(self.cfg.app_cumulative.iter().copied(), u) as u16
                };
                (
                    app,
                    rng::bernoulli(&mut self.user.choices, self.cfg.protected_share),
                )
            }
        };
        self.script_started += 1;
        self.browser.visit = Some(Visit {
            app,
            protected,
            nav: now,
            hops: 0,
            served: false,
            resolved: false,
            login: None,
            tokens: false,
            dwell_end: 0,
            logout: LogoutKind::As,
        });
        // Apps visited in the measured window (a visit under way at the end of
        // the warm-up belongs to the warm-up).
        if self.metrics.measuring {
            self.visited[app as usize] = true;
        }
        self.count(app, AppCounter::Visits, now);
        if protected {
            self.count(app, AppCounter::ProtectedVisits, now);
        }
        self.mark(now, || {
            let page = if protected { "protected" } else { "anonymous" };
            let what = format!(
                "visit to {} ({} page)",
                self.cfg.apps[app as usize].name, page
            );
            (LineKind::Visit, what)
        });
        self.send(ctx, Msg::PageRequest { app });
    }

    /// The page is served: records the login flow that led here, starts the
    /// dwell, and for a `spa_implicit` app holding tokens, the renewal timer.
    pub(super) fn page_served(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let epoch = self.browser.epoch;
        let Some(v) = &mut self.browser.visit else {
            return;
        };
        v.served = true;
        v.dwell_end = now.saturating_add(self.cfg.visit_length);
        let (app, nav, hops, login, tokens, dwell_end) =
            (v.app, v.nav, v.hops, v.login, v.tokens, v.dwell_end);
        let outcome = Outcome::served(login, v.protected);
        self.mark_outcome(now, outcome);
        if let Some(kind) = login {
            self.metrics.login_flow(kind, now - nav, hops);
        }
        // Held for inline handling: most dwells end before anything else of
        // the user is due (the next visit, a browser close).
        self.schedule_next(ctx, dwell_end, Event::DwellEnd { epoch });
        if tokens {
            self.schedule_renewal(app, ctx);
        }
    }

    /// Schedules the silent renewal of a `spa_implicit` access token at its
    /// expiry, if the visit lasts that long.
    fn schedule_renewal(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let epoch = self.browser.epoch;
        let at = ctx
            .now()
            .saturating_add(self.cfg.apps[app as usize].token_lifetime);
        if self.browser.visit.is_some_and(|v| at < v.dwell_end) {
            // Held for inline handling, like the dwell's end (queued first).
            self.schedule_next(ctx, at, Event::TokenExpiry { epoch });
        }
    }

    /// The access token expired during the visit: renew it with the refresh
    /// token when the app holds one, otherwise by silent authentication.
    pub(super) fn on_token_expiry(&mut self, ctx: &mut Context<'_, Event>) {
        if let Some(v) = self.browser.visit {
            let app = v.app;
            self.count(app, AppCounter::TokenRenewals, ctx.now());
            if self.rt_client[app as usize].is_some() {
                self.send(
                    ctx,
                    Msg::RefreshTokenRequest {
                        app,
                        by: Exchanger::SpaRenewal,
                    },
                );
            } else {
                self.send(ctx, Msg::SilentAuthorize { app, renewal: true });
            }
        }
    }

    /// The single-page app loaded (after the browser's purge of storage left
    /// unvisited past its cap): it exchanges its stored refresh token when it
    /// has one; otherwise, unless the SDK skips its session check (`memory`
    /// cache, no hint cookie: a protected page goes to a top-level
    /// `/authorize`, an anonymous one is served without tokens), it runs
    /// silent authentication in a hidden iframe.
    pub(super) fn browser_spa_loaded(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        self.spa_page_load(app, now);
        if self.rt_client[app as usize].is_some() {
            self.send(
                ctx,
                Msg::RefreshTokenRequest {
                    app,
                    by: Exchanger::SpaLoad,
                },
            );
        } else if self.session_check_skipped(app, now) {
            self.note(now, || {
                "no auth0.is.authenticated cookie: the SDK skips its session check".to_string()
            });
            if self.browser.visit.is_some_and(|v| v.protected) {
                self.send(ctx, Msg::Authorize { app });
            } else {
                self.page_served(ctx);
            }
        } else {
            self.send(
                ctx,
                Msg::SilentAuthorize {
                    app,
                    renewal: false,
                },
            );
        }
    }

    /// Tokens and a rotated refresh token arrived at the single-page app.
    pub(super) fn browser_refresh_granted(
        &mut self,
        app: u16,
        renewal: bool,
        ctx: &mut Context<'_, Event>,
    ) {
        self.store_refresh_token(app, ctx.now());
        self.tokens_received(app, renewal, ctx);
    }

    /// The page holds fresh tokens: a renewal schedules the next one; on
    /// load, the page is served.
    fn tokens_received(&mut self, app: u16, renewal: bool, ctx: &mut Context<'_, Event>) {
        self.set_hint_cookie(app, ctx.now());
        if renewal {
            self.schedule_renewal(app, ctx);
        } else {
            if let Some(v) = &mut self.browser.visit {
                v.tokens = true;
            }
            self.page_served(ctx);
        }
    }

    /// The refresh token was refused: the app forgets it and falls back to
    /// silent authentication (which then may lead to an interactive login).
    pub(super) fn browser_refresh_denied(
        &mut self,
        app: u16,
        renewal: bool,
        ctx: &mut Context<'_, Event>,
    ) {
        self.forget_refresh_token(app, ctx.now());
        self.note(ctx.now(), || {
            "refresh token refused: the app falls back to silent authentication".to_string()
        });
        self.send(ctx, Msg::SilentAuthorize { app, renewal });
    }

    /// The AS login prompt is shown: the user answers it after the think time,
    /// with a password or by picking their identity provider (one click).
    pub(super) fn browser_login_prompt(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let next = match self.user.profile.connection {
            Connection::Password => Msg::PostCredentials { app },
            Connection::Idp(_) => Msg::ChooseIdp { app },
        };
        let think = self.think_time();
        self.send_after(ctx, think, next);
    }

    /// Tokens arrived by `postMessage` (with a new refresh-token family when
    /// the app uses refresh tokens).
    pub(super) fn browser_tokens(&mut self, app: u16, renewal: bool, ctx: &mut Context<'_, Event>) {
        self.issue_refresh_token(app, ctx.now());
        self.tokens_received(app, renewal, ctx);
    }

    /// `login_required` arrived by `postMessage`: a protected page goes on to a
    /// top-level `/authorize`; an anonymous page is served without tokens; a
    /// failed renewal leaves the page without tokens until the next visit.
    pub(super) fn browser_login_required(
        &mut self,
        app: u16,
        renewal: bool,
        ctx: &mut Context<'_, Event>,
    ) {
        // The SDK's answer to `login_required` is a local logout: its cache
        // and hint cookie go.
        self.clear_hint_cookie(app);
        let Some(v) = &mut self.browser.visit else {
            return;
        };
        if renewal {
            v.tokens = false;
            self.mark_outcome(ctx.now(), Outcome::RenewalFailed);
        } else if v.protected {
            self.send(ctx, Msg::Authorize { app });
        } else {
            self.page_served(ctx);
        }
    }

    /// End of the dwell: after a protected visit the user may log out —
    /// app only, app then AS (`/v2/logout`), or federated (IdP users) — with
    /// the shares of the scenario; otherwise the visit ends.
    pub(super) fn on_dwell_end(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let Some(v) = self.browser.visit else { return };
        if !(v.protected && rng::bernoulli(&mut self.user.choices, self.cfg.logout_share)) {
            self.end_visit(ctx);
            return;
        }
        let u = rng::unit(&mut self.user.choices);
        let idp_user = matches!(self.user.profile.connection, Connection::Idp(_));
        let kind = if u < self.cfg.app_only_logout_share {
            LogoutKind::AppOnly
        } else if idp_user && u < self.cfg.app_only_logout_share + self.cfg.federated_logout_share {
            LogoutKind::Federated
        } else {
            LogoutKind::As
        };
        if let Some(v) = &mut self.browser.visit {
            v.logout = kind;
        }
        let app = v.app;
        self.count(app, AppCounter::Logouts, now);
        self.note(now, || format!("user logs out of {}", kind.reach()));
        // Logging out of an app clears its tokens, refresh token included
        // (the family stays valid server-side, unused, until it expires).
        self.refresh_token_lost(app, crate::metrics::Cause::Logout, now);
        self.forget_refresh_token(app, now);
        self.clear_hint_cookie(app);
        if self.cfg.apps[app as usize].kind.uses_code_grant() {
            self.send(ctx, Msg::AppLogout { app });
        } else if kind == LogoutKind::AppOnly {
            self.end_visit(ctx);
        } else {
            self.send(
                ctx,
                Msg::V2Logout {
                    app,
                    federated: kind == LogoutKind::Federated,
                },
            );
        }
    }

    /// The visit is over: later hops of it are dropped, a waiting visit starts.
    pub(super) fn end_visit(&mut self, ctx: &mut Context<'_, Event>) {
        self.cut_visit(ctx.now());
        self.start_pending_visit(ctx);
    }

    /// Ends the visit under way, if any; a protected visit not yet decided
    /// counts as abandoned (see [`UserWorld::visit_stopped`]).
    pub(super) fn cut_visit(&mut self, now: u64) {
        if let Some(v) = self.browser.visit.take() {
            self.spa_page_left(v.app, now);
            self.visit_stopped(v, now, "the browser closed");
            self.browser.epoch = self.browser.epoch.wrapping_add(1);
        }
    }

    /// Starts the next visit that arrived during the last one.
    pub(super) fn start_pending_visit(&mut self, ctx: &mut Context<'_, Event>) {
        if self.browser.visit.is_none() && self.browser.pending_visits > 0 {
            self.browser.pending_visits -= 1;
            self.start_visit(ctx);
        }
    }

    /// Marks how the current protected visit got the user in.
    pub(super) fn resolve_visit(&mut self, login: Option<LoginKind>) {
        if let Some(v) = &mut self.browser.visit {
            v.resolved = true;
            if login.is_some() {
                v.login = login;
            }
        }
    }
}

/// What a browser loses (design §4, §6): session-only cookies when it
/// closes, every cookie and all site data when the user clears them or a
/// private window closes.
impl UserWorld<'_> {
    /// The browser closes: the visit under way ends at once (hops in flight are
    /// dropped, a login under way is abandoned) and session-only cookies go.
    pub(super) fn on_browser_close(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = self.next_close_wait() {
            ctx.schedule_in(d, Event::BrowserClose);
        }
        self.metrics.count_global(GlobalCounter::BrowserCloses);
        self.note(now, || "browser closes".to_string());
        self.cut_visit(now);
        if self.user.profile.private {
            // A private window keeps every cookie and all storage until it closes.
            self.forget_browser_data(now, EndCause::BrowserClose);
        } else {
            self.drop_cookies(now, false, EndCause::BrowserClose);
        }
        self.tokens_after_close(now);
        self.start_pending_visit(ctx);
    }

    /// The user deletes all cookies and site data: every session the browser
    /// reached ends (`cookies_cleared`), orphaned server-side; the MFA
    /// "remember this browser" cookie and SPAs' stored refresh tokens go too.
    /// A visit under way goes on.
    pub(super) fn on_cookie_clear(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = exponential_ms(&mut self.user.clears, self.cfg.clear_rate) {
            ctx.schedule_in(d, Event::CookieClear);
        }
        self.metrics.count_global(GlobalCounter::CookieClears);
        self.note(now, || "user clears cookies and site data".to_string());
        self.forget_browser_data(now, EndCause::CookiesCleared);
    }

    /// Every cookie and all site data go (a cookie clear, a private window
    /// closing): sessions the browser reached end by `why`, the MFA "remember"
    /// cookie, the SDK's hint cookies and SPAs' stored refresh tokens go.
    fn forget_browser_data(&mut self, now: u64, why: EndCause) {
        self.drop_cookies(now, true, why);
        self.browser.mfa_remembered_until = 0;
        for app in 0..self.cfg.apps.len() as u16 {
            if !self.cfg.apps[app as usize].kind.uses_code_grant() {
                self.refresh_token_lost(app, super::causes::cause_of(why), now);
                self.forget_refresh_token(app, now);
                self.clear_hint_cookie(app);
            }
        }
    }

    /// Cookies are lost: on a browser close the session-only ones, when the
    /// user clears cookies (or a private window closes) all of them. A session
    /// valid then ends (`cause`: `browser_close` or `cookies_cleared`) and lingers server-side,
    /// orphaned, until its natural expiry; it is never counted again. A
    /// native app's session lives in the app, not in the browser: neither
    /// reaches it.
    pub(super) fn drop_cookies(&mut self, t: u64, all: bool, cause: EndCause) {
        let cfg = self.cfg;
        let tiers = if all {
            &cfg.browser_tiers
        } else {
            &cfg.session_cookie_tiers
        };
        for &tier in tiers {
            let Some(s) = self.sessions[tier] else {
                continue;
            };
            if !self.session_valid(tier, t) {
                continue;
            }
            let (expiry, _) = s.natural_end(&self.cfg.policies[tier]);
            self.close(tier, t, cause);
            self.orphans.push((tier, t, expiry));
        }
    }
}
