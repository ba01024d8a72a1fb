//! Sessions of every tier (AS, IdP, app local sessions) and how they end
//! (design §4 and the rules of §6).
//!
//! - Valid at `t` iff `t < last_activity + idle` and `t < created + absolute`:
//!   expiry is a property of time, checked when a session is used and at the
//!   end of the run, never an event that must fire.
//! - A session ends once, by its first cause. Found expired: `idle` or
//!   `absolute`, whichever deadline came first (a tie is `absolute`).
//! - Each user world keeps, per tier, the one session its browser can reach:
//!   the cookie in the jar and the server-side record are one `Option<Session>`.
//!   A session whose cookie is lost leaves that slot; only its remaining server
//!   lifetime is kept, as an orphan, for the time series.

use crate::metrics::TierCounter;
use crate::scenario::SessionPolicy;

/// One session, as its server keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// When it became valid (start of its validity interval for the series).
    pub since: u64,
    /// Start of the absolute timeout; reset by a new interactive login.
    pub created: u64,
    /// Last activity; resets the idle timer.
    pub last_activity: u64,
    /// MFA completed within this session (AS only).
    pub mfa: bool,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndCause {
    /// Idle timeout reached first.
    Idle,
    /// Absolute timeout reached first (or at the same time as idle).
    Absolute,
    /// Session-only cookie dropped by a browser close while the session was valid.
    BrowserClose,
    /// Logout.
    Logout,
    /// Password reset (AS sessions).
    PasswordReset,
    /// The user deleted cookies and site data while the session was valid.
    CookiesCleared,
}

impl EndCause {
    /// The tier counter this cause increments.
    pub fn counter(self) -> TierCounter {
        match self {
            EndCause::Idle => TierCounter::EndedIdle,
            EndCause::Absolute => TierCounter::EndedAbsolute,
            EndCause::BrowserClose => TierCounter::EndedBrowserClose,
            EndCause::Logout => TierCounter::EndedLogout,
            EndCause::PasswordReset => TierCounter::EndedPasswordReset,
            EndCause::CookiesCleared => TierCounter::EndedCookiesCleared,
        }
    }
    /// Word used in traces.
    pub fn name(self) -> &'static str {
        match self {
            EndCause::Idle => "idle timeout",
            EndCause::Absolute => "absolute timeout",
            EndCause::BrowserClose => "browser close",
            EndCause::Logout => "logout",
            EndCause::PasswordReset => "password reset",
            EndCause::CookiesCleared => "cookies cleared",
        }
    }
}

impl Session {
    /// A session created by a completed login at `t`.
    pub fn new(t: u64, mfa: bool) -> Self {
        Session {
            since: t,
            created: t,
            last_activity: t,
            mfa,
        }
    }

    /// When it expires with no further activity, and by which timeout.
    #[inline]
    pub fn natural_end(&self, p: &SessionPolicy) -> (u64, EndCause) {
        let idle = self.last_activity.saturating_add(p.idle_timeout);
        let absolute = self.created.saturating_add(p.absolute_timeout);
        if absolute <= idle {
            (absolute, EndCause::Absolute)
        } else {
            (idle, EndCause::Idle)
        }
    }

    /// Valid at `t`?
    #[inline]
    pub fn is_valid(&self, p: &SessionPolicy, t: u64) -> bool {
        t < self.natural_end(p).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::CookieKind;

    const P: SessionPolicy = SessionPolicy {
        idle_timeout: 100,
        absolute_timeout: 250,
        cookie: CookieKind::Persistent,
    };

    #[test]
    fn idle_and_absolute_deadlines() {
        let mut s = Session::new(0, false);
        assert!(s.is_valid(&P, 99));
        assert!(!s.is_valid(&P, 100));
        assert_eq!(s.natural_end(&P), (100, EndCause::Idle));
        s.last_activity = 90; // activity resets only the idle timer
        assert_eq!(s.natural_end(&P), (190, EndCause::Idle));
        s.last_activity = 200;
        assert_eq!(s.natural_end(&P), (250, EndCause::Absolute));
        s.last_activity = 150; // both deadlines at 250: a tie counts as absolute
        assert_eq!(s.natural_end(&P), (250, EndCause::Absolute));
    }
}
