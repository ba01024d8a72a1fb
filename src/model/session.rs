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
    /// The limits a `set` event bound this session to, when one changed its
    /// tier's timeouts while it was valid; `None`: the tier's current policy.
    pub bound: Option<Bound>,
}

/// The timeouts of a session created before a `set` event changed them
/// (issue 17), by Auth0's rule: a longer limit applies only to sessions
/// created after the change; a shorter one applies at once, from the
/// session's next activity. So the session keeps the smaller of its limits
/// and the new ones, and a session valid at the change is not found to have
/// expired before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Idle timeout in force for this session, ms.
    pub idle: u64,
    /// Absolute timeout in force for this session, ms.
    pub absolute: u64,
    /// Time of the change: the session stays valid at least until then.
    pub since: u64,
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
    /// A tenant's `revoke_sessions` event (issue 17).
    Revoked,
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
            EndCause::Revoked => TierCounter::EndedRevoked,
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
            EndCause::Revoked => "revoked by the tenant",
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
            bound: None,
        }
    }

    /// When it expires with no further activity, and by which timeout.
    #[inline]
    pub fn natural_end(&self, p: &SessionPolicy) -> (u64, EndCause) {
        let (idle, absolute, since) = match self.bound {
            None => (p.idle_timeout, p.absolute_timeout, 0),
            Some(b) => (b.idle, b.absolute, b.since),
        };
        let idle = self.last_activity.saturating_add(idle).max(since);
        let absolute = self.created.saturating_add(absolute).max(since);
        if absolute <= idle {
            (absolute, EndCause::Absolute)
        } else {
            (idle, EndCause::Idle)
        }
    }

    /// A `set` event at `t` changes the tier's policy from `old` to `new`:
    /// the session, valid at `t`, keeps the smaller limits (see [`Bound`]).
    pub fn rebind(&mut self, old: &SessionPolicy, new: &SessionPolicy, t: u64) {
        let (idle, absolute) = match self.bound {
            None => (old.idle_timeout, old.absolute_timeout),
            Some(b) => (b.idle, b.absolute),
        };
        self.bound = Some(Bound {
            idle: idle.min(new.idle_timeout),
            absolute: absolute.min(new.absolute_timeout),
            since: t,
        });
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

    #[test]
    fn a_change_shortens_at_once_and_lengthens_only_new_sessions() {
        let longer = SessionPolicy {
            idle_timeout: 1000,
            absolute_timeout: 5000,
            ..P
        };
        let shorter = SessionPolicy {
            idle_timeout: 10,
            ..P
        };
        // Lengthened at 50: the session keeps its limits.
        let mut s = Session::new(0, false);
        s.rebind(&P, &longer, 50);
        assert_eq!(s.natural_end(&longer), (100, EndCause::Idle));
        // Shortened at 50 after activity at 45: idle from the last activity
        // (55), never before the change.
        let mut s = Session::new(0, false);
        s.last_activity = 45;
        s.rebind(&P, &shorter, 50);
        assert_eq!(s.natural_end(&shorter), (55, EndCause::Idle));
        s.last_activity = 30;
        assert_eq!(s.natural_end(&shorter), (50, EndCause::Idle));
        // Shorter, then longer again: the shorter limit stays.
        s.last_activity = 55;
        s.rebind(&shorter, &longer, 60);
        assert_eq!(s.natural_end(&longer), (65, EndCause::Idle));
    }
}
