//! Applications (relying parties, design §3). Code-grant apps (`regular_web`,
//! `spa_backend`, `native`) keep a local session: a protected page with a
//! valid one is served at once (activity on the local session only); otherwise
//! the app redirects to `/authorize`, and on the callback exchanges the code
//! over the back channel and creates its local session. A `spa_implicit` app
//! serves its shell, which runs silent authentication; its callback carries the
//! tokens in the fragment, so it creates no session. Anonymous pages of a
//! code-grant app touch no session.

use super::browser::LogoutKind;
use super::message::{Exchanger, Msg};
use super::session::EndCause;
use super::world::{Event, UserWorld};
use crate::engine::Context;
use crate::metrics::AppCounter;

impl UserWorld<'_> {
    fn app_tier(&self, app: u16) -> usize {
        self.cfg.layout.app_tier(app as usize)
    }

    /// `GET /page`.
    pub(super) fn app_page_request(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        if !self.cfg.apps[app as usize].kind.uses_code_grant() {
            self.send(ctx, Msg::SpaShell { app });
            return;
        }
        let protected = self.browser.visit.is_some_and(|v| v.protected);
        if !protected {
            self.send(ctx, Msg::Page { app });
            return;
        }
        let tier = self.app_tier(app);
        if self.session_valid(tier, now) {
            self.touch(tier, now);
            self.count(app, AppCounter::LocalSessionHits, now);
            self.resolve_visit(None);
            self.send(ctx, Msg::Page { app });
        } else if self.rt_client[app as usize].is_some() {
            // A native app with a refresh token tries it before any redirect.
            self.send(
                ctx,
                Msg::RefreshTokenRequest {
                    app,
                    by: Exchanger::NativeApp,
                },
            );
        } else {
            self.send(ctx, Msg::RedirectAuthorize { app });
        }
    }

    /// A native app's refresh token was exchanged: a new local session.
    pub(super) fn app_refresh_granted(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        self.store_refresh_token(app, ctx.now());
        let tier = self.app_tier(app);
        self.create_session(tier, ctx.now(), false);
        self.send(ctx, Msg::Page { app });
    }

    /// A native app's refresh token was refused: it forgets it and sends the
    /// user to `/authorize`.
    pub(super) fn app_refresh_denied(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        self.forget_refresh_token(app, ctx.now());
        self.note(ctx.now(), || {
            "refresh token refused: the app sends the user to /authorize".to_string()
        });
        self.send(ctx, Msg::RedirectAuthorize { app });
    }

    /// OIDC back-channel logout: the `logout_token` names the user (`sub`),
    /// so the app ends every session it holds for them: the reachable one
    /// (counted in `backchannel_logouts`) and the server-side remainders of
    /// sessions whose cookie was lost (orphaned; already counted as ended).
    pub(super) fn app_backchannel_logout(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let tier = self.app_tier(app);
        let now = ctx.now();
        if self.session_valid(tier, now) {
            self.count(app, AppCounter::BackchannelLogouts, now);
            self.end_session(tier, now, EndCause::Logout);
        }
        if self.end_orphans(tier, now) > 0 {
            self.note(now, || {
                format!(
                    "{} orphaned session ends: back-channel logout",
                    self.cfg.tier_name(tier)
                )
            });
        }
    }

    /// `GET /callback`: exchange the code (code grant) or read the tokens from
    /// the fragment (implicit grant).
    pub(super) fn app_callback(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        if self.cfg.apps[app as usize].kind.uses_code_grant() {
            self.send(ctx, Msg::TokenRequest { app });
        } else {
            if let Some(v) = &mut self.browser.visit {
                v.tokens = true;
            }
            self.issue_refresh_token(app, ctx.now());
            self.set_hint_cookie(app, ctx.now());
            self.send(ctx, Msg::Page { app });
        }
    }

    /// Tokens from the back-channel exchange: the app creates its local session.
    pub(super) fn app_token_response(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let tier = self.app_tier(app);
        self.create_session(tier, ctx.now(), false);
        self.issue_refresh_token(app, ctx.now());
        self.send(ctx, Msg::Page { app });
    }

    /// `GET /logout`: the app ends its local session, then sends the browser
    /// to the AS's `/v2/logout` — or back to itself for an app-only logout.
    pub(super) fn app_logout(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let tier = self.app_tier(app);
        self.end_session(tier, ctx.now(), EndCause::Logout);
        let app_only = self
            .browser
            .visit
            .is_some_and(|v| v.logout == LogoutKind::AppOnly);
        if app_only {
            self.send(ctx, Msg::AppRedirectReturnTo { app });
        } else {
            self.send(ctx, Msg::RedirectV2Logout { app });
        }
    }
}
