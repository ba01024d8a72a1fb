//! Identity providers (e.g. Facebook): their own sessions, with their own
//! timeouts. A valid IdP session answers the dialog with a redirect and no
//! prompt (SSO at the IdP, activity on its session); otherwise the dialog is
//! shown and a completed login creates the IdP session. Only a federated
//! logout ends it early.

use super::message::Msg;
use super::session::EndCause;
use super::world::{Event, UserWorld};
use crate::engine::Context;
use crate::metrics::IdpCounter;
use crate::scenario::Connection;

impl UserWorld<'_> {
    /// Tier and index of the user's IdP.
    fn idp_of_user(&self) -> Option<(usize, usize)> {
        match self.user.profile.connection {
            Connection::Idp(i) => Some((self.cfg.layout.idp_tier(i), i)),
            Connection::Password => None,
        }
    }

    /// `GET /dialog`.
    pub(super) fn idp_dialog(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let now = ctx.now();
        let Some((tier, idp)) = self.idp_of_user() else {
            return;
        };
        if self.session_valid(tier, now) {
            self.touch(tier, now);
            self.metrics.count_idp(idp, IdpCounter::IdpSsoLogins);
            self.note(now, || "IdP session valid: no IdP prompt".to_string());
            self.send(ctx, Msg::RedirectAsCallback { app });
        } else {
            self.metrics.count_idp(idp, IdpCounter::IdpPrompts);
            self.count_idp_prompt_cause(idp, now);
            self.send(ctx, Msg::IdpPrompt { app });
        }
    }

    /// `POST /login` at the IdP: its session is created.
    pub(super) fn idp_login(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        let Some((tier, _)) = self.idp_of_user() else {
            return;
        };
        self.create_session(tier, ctx.now(), false);
        self.idp_ever_logged_in = true;
        self.send(ctx, Msg::RedirectAsCallback { app });
    }

    /// `GET /logout` at the IdP (federated logout).
    pub(super) fn idp_logout(&mut self, app: u16, ctx: &mut Context<'_, Event>) {
        if let Some((tier, _)) = self.idp_of_user() {
            self.end_session(tier, ctx.now(), EndCause::Logout);
        }
        self.send(ctx, Msg::IdpRedirectReturnTo { app });
    }
}
