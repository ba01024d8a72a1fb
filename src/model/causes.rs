//! Why a prompt was shown (issue 13): each user world remembers when and how
//! each credential that kept the user logged in ended — the AS session, the
//! IdP session, each app's refresh token — and every prompt or failed silent
//! authentication is put down to exactly one [`Cause`]:
//!
//! - `first_login` when this browser never completed a login (at the AS, or
//!   at the IdP for IdP prompts);
//! - otherwise, of the AS session and the app's refresh token, the one that
//!   ended last (had it lived on, no prompt would have been needed): its
//!   cause (timeout, browser close, logout, password reset, cookie clear,
//!   refresh token expired or revoked, storage purged);
//! - a failed silent authentication whose iframe did not carry the AS cookie
//!   is put down to the browser's third-party cookie policy first.
//!
//! An MFA prompt takes the cause of the login it belongs to.

use super::session::EndCause;
use super::user::ThirdPartyCookies;
use super::world::UserWorld;
use crate::metrics::{Cause, Family, Layout};
use crate::time::Clock;

/// A credential that ended: how and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lost {
    /// Why it ended.
    pub cause: Cause,
    /// When it ended (its expiry for a timeout found later).
    pub at: u64,
}

/// The cause of a session's end.
pub(super) fn cause_of(end: EndCause) -> Cause {
    match end {
        EndCause::Idle => Cause::IdleTimeout,
        EndCause::Absolute => Cause::AbsoluteTimeout,
        EndCause::BrowserClose => Cause::BrowserClose,
        EndCause::Logout => Cause::Logout,
        EndCause::PasswordReset => Cause::PasswordReset,
        EndCause::CookiesCleared => Cause::CookieClear,
        EndCause::Revoked => Cause::Revoked,
    }
}

/// Words for a trace note: "AS session ended by idle timeout".
fn describe(l: Lost, what: &str) -> String {
    let how = match l.cause {
        Cause::RefreshTokenExpired => return format!("refresh token expired at {}", Clock(l.at)),
        Cause::RefreshTokenRevoked => {
            return format!("refresh token revoked (reuse) at {}", Clock(l.at));
        }
        Cause::StoragePurged => {
            return format!(
                "refresh token deleted with the site's storage (script-storage cap) at {}",
                Clock(l.at)
            );
        }
        Cause::Revoked => "revocation by the tenant",
        // The timeouts, a browser close, a logout, a password reset, a cookie
        // clear: the words of the cause table.
        other => other.label(),
    };
    format!("{what} ended by {how} at {}", Clock(l.at))
}

impl UserWorld<'_> {
    /// The session of `tier` ended at `at` by `end`: remembered when it is the
    /// AS's or the user's IdP's.
    pub(super) fn session_lost(&mut self, tier: usize, end: EndCause, at: u64) {
        let lost = Lost {
            cause: cause_of(end),
            at,
        };
        if tier == Layout::AS_TIER {
            self.as_lost = Some(lost);
        } else if tier <= self.cfg.layout.idps {
            self.idp_lost = Some(lost);
        }
    }

    /// App `app`'s refresh token stopped working at `at` (expired, revoked,
    /// or dropped by a logout or a cookie clear), if the app held one.
    pub(super) fn refresh_token_lost(&mut self, app: u16, cause: Cause, at: u64) {
        if self.rt_client[app as usize].is_some() {
            self.rt_lost[app as usize] = Some(Lost { cause, at });
        }
    }

    /// The credential whose end led to an AS prompt for `app`: the later of
    /// the AS session's and the app's refresh token's ends; `None` for the
    /// browser's first login.
    fn login_lost(&self, app: u16) -> Option<Lost> {
        if !self.ever_logged_in {
            return None;
        }
        match (self.as_lost, self.rt_lost[app as usize]) {
            (Some(a), Some(r)) if r.at > a.at => Some(r),
            (Some(a), _) => Some(a),
            (None, r) => r,
        }
    }

    /// Counts an interactive login (or its MFA prompt) of `app` under its cause.
    pub(super) fn count_login_cause(&mut self, family: Family, app: u16, t: u64) {
        let lost = self.login_lost(app);
        let cause = lost.map_or(Cause::FirstLogin, |l| l.cause);
        self.metrics.count_cause(family, app as usize, cause);
        if family == Family::InteractiveLogins {
            self.note(t, || match lost {
                None => "interactive login: first login of this browser".to_string(),
                Some(l) => format!("interactive login: {}", describe(l, "AS session")),
            });
        }
    }

    /// Counts a `login_required` answer to `app`'s silent authentication
    /// under its cause; `cookie_sent` tells whether the iframe carried the AS cookie.
    pub(super) fn count_silent_failure_cause(&mut self, app: u16, cookie_sent: bool) {
        let cause = match (cookie_sent, self.user.profile.third_party_cookies) {
            (false, ThirdPartyCookies::Partitioned) => Cause::ThirdPartyCookiesPartitioned,
            (false, _) => Cause::ThirdPartyCookiesBlocked,
            (true, _) if !self.ever_logged_in => Cause::FirstLogin,
            (true, _) => self.as_lost.map_or(Cause::FirstLogin, |l| l.cause),
        };
        self.metrics
            .count_cause(Family::SilentAuthFailures, app as usize, cause);
    }

    /// Counts an IdP prompt under its cause: the user's first login at that
    /// IdP, or how its last IdP session ended.
    pub(super) fn count_idp_prompt_cause(&mut self, idp: usize, t: u64) {
        let lost = if self.idp_ever_logged_in {
            self.idp_lost
        } else {
            None
        };
        let cause = lost.map_or(Cause::FirstLogin, |l| l.cause);
        self.metrics.count_cause(Family::IdpPrompts, idp, cause);
        self.note(t, || match lost {
            None => "IdP prompt: first login at this IdP".to_string(),
            Some(l) => format!("IdP prompt: {}", describe(l, "IdP session")),
        });
    }
}
