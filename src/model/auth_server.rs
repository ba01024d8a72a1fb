//! The authorization server (Auth0 tenant, design §2–§4).
//!
//! - `/authorize` (top level): a valid session (with MFA when MFA is on) is an
//!   SSO login, with no prompt; otherwise the login transaction starts
//!   (`302 /login`). Every `/authorize` that finds the session is activity.
//! - `/authorize?prompt=none` (hidden iframe): the cookie is third-party there,
//!   so a browser blocking third-party cookies never sends it; tokens by
//!   `postMessage` with a valid session, `login_required` otherwise.
//! - A login completes when the last prompt is answered (credentials or IdP
//!   callback, then MFA when on): the session is created then, or restarted
//!   (`created` reset) by a new interactive login.
//! - Universal Login's resume step: each answered prompt (credentials, IdP
//!   callback, MFA) is answered `302 /authorize/resume`; `GET
//!   /authorize/resume` goes on to the MFA prompt when it is due, otherwise
//!   to the app's callback. It is not an `/authorize` request (AS load) and
//!   not activity on the session.
//! - `/oauth/token` answers the back-channel code exchange; `/v2/logout` ends
//!   the session and, when federated, sends the browser to the IdP's logout.

use super::logs::LogKind;
use super::message::Msg;
use super::session::EndCause;
use super::user::ThirdPartyCookies;
use super::world::{Event, UserWorld};
use crate::engine::Context;
use crate::engine::rng::exponential_ms;
use crate::metrics::{AppCounter, Family, GlobalCounter, Layout, LoginKind};
use crate::scenario::Connection;

const AS: usize = Layout::AS_TIER;

impl UserWorld<'_> {
    /// A valid session the AS may use without prompting: MFA done when required.
    fn as_usable_session(&mut self, t: u64) -> bool {
        self.session_valid(AS, t) && (!self.cfg.mfa || self.sessions[AS].is_some_and(|s| s.mfa))
    }

    /// Top-level `GET /authorize`.
    pub(super) fn as_authorize(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        self.count(app, AppCounter::AuthorizeRequests, now);
        if self.as_usable_session(now) {
            self.touch(AS, now);
            self.count(app, AppCounter::SsoLogins, now);
            let since = self.as_session_since();
            self.log(now, LogKind::LoginSso, app, since, 0);
            self.resolve_visit(Some(LoginKind::Sso));
            self.note(now, || {
                "SSO: the AS session is valid, no prompt".to_string()
            });
            self.send(ctx, Msg::RedirectAppCallback { app });
        } else {
            self.note(now, || "AS starts a login transaction".to_string());
            self.send(ctx, Msg::RedirectLogin { app });
        }
    }

    /// Hidden-iframe `GET /authorize?prompt=none&response_mode=web_message`.
    pub(super) fn as_silent_authorize(
        &mut self,
        app: u16,
        renewal: bool,
        ctx: &mut Context<'_, Event>,
    ) {
        let now = ctx.now();
        self.count(app, AppCounter::AuthorizeRequests, now);
        // The AS cookie is third-party in the iframe unless the tenant is on a
        // custom domain of the apps' site.
        let cookie_sent = self.cfg.custom_domain
            || self.user.profile.third_party_cookies == ThirdPartyCookies::Allowed;
        if cookie_sent && self.as_usable_session(now) {
            self.touch(AS, now);
            self.count(app, AppCounter::SilentAuthSuccesses, now);
            let since = self.as_session_since();
            self.log(now, LogKind::SilentSuccess, app, since, 0);
            if !renewal {
                if self.browser.visit.is_some_and(|v| v.protected) {
                    self.count(app, AppCounter::ProtectedSilentLogins, now);
                }
                self.resolve_visit(Some(LoginKind::Silent));
            }
            self.send(ctx, Msg::WebMessageTokens { app, renewal });
        } else {
            self.count(app, AppCounter::SilentAuthLoginRequired, now);
            self.log(now, LogKind::SilentFailure, app, 0, u32::from(!cookie_sent));
            self.count_silent_failure_cause(app, cookie_sent);
            if !self.ever_logged_in {
                self.count(app, AppCounter::SilentAuthBeforeFirstLogin, now);
            }
            if !cookie_sent {
                self.note(now, || {
                    "third-party cookies blocked: no AS cookie in the iframe".into()
                });
            }
            self.send(ctx, Msg::WebMessageLoginRequired { app, renewal });
        }
    }

    /// Credentials accepted (password, or back from the IdP): MFA when on and
    /// the browser is not remembered (by way of `/authorize/resume`),
    /// otherwise the login completes.
    pub(super) fn as_credentials_accepted(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if self.cfg.mfa && now < self.browser.mfa_remembered_until {
            self.count(app, AppCounter::MfaSkippedRememberedBrowser, now);
            self.as_complete_login(app, ctx);
        } else if self.cfg.mfa {
            self.send(ctx, Msg::RedirectResume { app, mfa: true });
        } else {
            self.as_complete_login(app, ctx);
        }
    }

    /// `GET /authorize/resume`: on to the MFA prompt when it is due, else to
    /// the app's callback.
    pub(super) fn as_resume(&mut self, app: u16, mfa: bool, ctx: &mut Context<'_, Event>) {
        if mfa {
            let now = ctx.now();
            self.count(app, AppCounter::MfaPrompts, now);
            self.log(now, LogKind::MfaStarted, app, 0, 0);
            self.count_login_cause(Family::MfaPrompts, app, now);
            self.send(ctx, Msg::MfaPrompt { app });
        } else {
            self.send(ctx, Msg::RedirectAppCallback { app });
        }
    }

    /// `POST /mfa`: the second factor is done; with "remember this browser"
    /// the browser keeps a persistent cookie that skips MFA for a while.
    pub(super) fn as_mfa_done(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        self.log(ctx.now(), LogKind::MfaSucceeded, app, 0, 0);
        if self.cfg.mfa_remember > 0 {
            self.browser.mfa_remembered_until = ctx.now().saturating_add(self.cfg.mfa_remember);
        }
        self.as_complete_login(app, ctx);
    }

    /// The interactive login completes: the AS session is created (or started
    /// anew), remembering MFA; first login or re-authentication of this user.
    pub(super) fn as_complete_login(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        self.count_login_cause(Family::InteractiveLogins, app, now);
        self.create_session(AS, now, self.cfg.mfa);
        self.count(app, AppCounter::InteractiveLogins, now);
        let since = self.as_session_since();
        self.log_interactive(now, app, since);
        let first = !self.ever_logged_in;
        self.count(
            app,
            if first {
                AppCounter::FirstLogins
            } else {
                AppCounter::Reauthentications
            },
            now,
        );
        self.ever_logged_in = true;
        self.resolve_visit(Some(LoginKind::Interactive));
        self.send(ctx, Msg::RedirectResume { app, mfa: false });
    }

    /// Back-channel `POST /oauth/token`.
    pub(super) fn as_token(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        self.count(app, AppCounter::TokenRequests, now);
        self.log(now, LogKind::CodeExchange, app, 0, 0);
        self.send(ctx, Msg::TokenResponse { app });
    }

    /// `GET /v2/logout`: ends the AS session and, with back-channel logout,
    /// sends a `logout_token` for the user to every app holding a local
    /// session of the user — reachable, or orphaned by a lost cookie and
    /// alive server-side — server to server, so a browser close does not
    /// stop it; federated, on to the IdP's logout.
    pub(super) fn as_logout(&mut self, app: u16, federated: bool, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let since = self.as_session_since();
        self.log(now, LogKind::Logout, app, since, u32::from(federated));
        self.end_session(AS, now, EndCause::Logout);
        if self.cfg.backchannel_logout {
            for other in 0..self.cfg.apps.len() {
                let tier = self.cfg.layout.app_tier(other);
                if self.session_valid(tier, now) || self.has_orphan(tier, now) {
                    self.send_logout_token(ctx, other as u16);
                }
            }
        }
        let next = match self.user.profile.connection {
            Connection::Idp(_) if federated => Msg::RedirectIdpLogout { app },
            _ => Msg::RedirectReturnTo { app },
        };
        self.send(ctx, next);
    }
}

/// A password reset (design §4, §6): the AS ends every session of the user.
impl UserWorld<'_> {
    /// A password reset: every AS session of the user expires at once; local
    /// and IdP sessions live on (design §4, §6).
    pub(super) fn on_password_reset(&mut self, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if let Some(d) = exponential_ms(&mut self.user.resets, self.cfg.reset_rate) {
            ctx.schedule_in(d, Event::PasswordReset);
        }
        // One reset of the user, seen by each of its devices: counted (and
        // logged) once.
        if self.user.device.index == 0 {
            self.metrics.count_global(GlobalCounter::PasswordResets);
            self.log(now, super::logs::LogKind::PasswordChanged, 0, 0, 0);
        }
        self.note(now, || "user resets the password".to_string());
        self.expire_as_sessions(now);
    }

    /// Password reset at `t`: every AS session of the user expires, the
    /// reachable one (counted) and the orphaned ones (series only).
    pub(super) fn expire_as_sessions(&mut self, t: u64) {
        self.end_session(Layout::AS_TIER, t, EndCause::PasswordReset);
        self.end_orphans(Layout::AS_TIER, t);
    }
}
