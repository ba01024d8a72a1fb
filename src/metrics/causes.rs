//! Why each prompt was shown (issue 13): every credential prompt, MFA prompt,
//! IdP prompt and failed silent authentication is counted under exactly one
//! [`Cause`], so each family sums exactly to its total (a run invariant).
//!
//! Attribution rule (README, "A cause for every prompt"): `first_login` when
//! this browser never completed a login (at the AS; at the IdP for IdP
//! prompts); otherwise what ended the credential that last kept the user
//! logged in — of the AS session and the app's refresh token, the one that
//! ended last. A failed silent authentication is first put down to the
//! browser's third-party cookie policy when the AS cookie was not sent.

/// What ended the credential that last kept the user logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// This browser never completed a login.
    FirstLogin,
    /// The session's idle timeout.
    IdleTimeout,
    /// The session's absolute timeout.
    AbsoluteTimeout,
    /// A browser close dropped the session-only cookie.
    BrowserClose,
    /// A logout (app, AS or federated).
    Logout,
    /// A password reset ended the AS session.
    PasswordReset,
    /// The user cleared cookies and site data.
    CookieClear,
    /// The refresh-token family passed its idle or absolute lifetime.
    RefreshTokenExpired,
    /// The refresh-token family was revoked (reuse detection).
    RefreshTokenRevoked,
    /// The browser deleted the storage where the SPA kept its refresh token:
    /// the site was not visited for longer than the browser's script-storage
    /// cap (Safari ITP).
    StoragePurged,
    /// The browser blocks third-party cookies: no AS cookie in the iframe.
    ThirdPartyCookiesBlocked,
    /// The browser partitions third-party cookies: the iframe's jar has no AS cookie.
    ThirdPartyCookiesPartitioned,
    /// The tenant revoked it (`revoke_sessions` or `revoke_refresh_tokens`
    /// events, issue 17).
    Revoked,
}

impl Cause {
    /// Number of causes.
    pub const COUNT: usize = 13;

    /// How charts and tables name the cause ("AS idle timeout"); the tier a
    /// timeout belongs to is the family's (the AS for logins, the IdP for IdP
    /// prompts), so timeouts are named without it.
    pub fn label(self) -> &'static str {
        match self {
            Cause::FirstLogin => "first login",
            Cause::IdleTimeout => "idle timeout",
            Cause::AbsoluteTimeout => "absolute timeout",
            Cause::BrowserClose => "browser close",
            Cause::Logout => "logout",
            Cause::PasswordReset => "password reset",
            Cause::CookieClear => "cookie clear",
            Cause::RefreshTokenExpired => "refresh token expired",
            Cause::RefreshTokenRevoked => "refresh token revoked",
            Cause::ThirdPartyCookiesBlocked => "third-party cookies blocked",
            Cause::ThirdPartyCookiesPartitioned => "third-party cookies partitioned",
            Cause::StoragePurged => "storage purged",
            Cause::Revoked => "revoked by the tenant",
        }
    }
}

/// A family of counters split by cause, with the scope it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Interactive logins at the AS (per app).
    InteractiveLogins,
    /// MFA prompts (per app): the cause of the login they belong to.
    MfaPrompts,
    /// `prompt=none` answered `login_required` (per app).
    SilentAuthFailures,
    /// IdP dialogs shown (per IdP).
    IdpPrompts,
}

/// `(cause, row name)` of interactive logins, in output order.
const INTERACTIVE_ROWS: [(Cause, &str); 11] = [
    (Cause::FirstLogin, "interactive_logins_by_first_login"),
    (Cause::IdleTimeout, "interactive_logins_by_as_idle_timeout"),
    (
        Cause::AbsoluteTimeout,
        "interactive_logins_by_as_absolute_timeout",
    ),
    (Cause::BrowserClose, "interactive_logins_by_browser_close"),
    (Cause::Logout, "interactive_logins_by_logout"),
    (Cause::PasswordReset, "interactive_logins_by_password_reset"),
    (Cause::CookieClear, "interactive_logins_by_cookie_clear"),
    (
        Cause::RefreshTokenExpired,
        "interactive_logins_by_refresh_token_expired",
    ),
    (
        Cause::RefreshTokenRevoked,
        "interactive_logins_by_refresh_token_revoked",
    ),
    (Cause::StoragePurged, "interactive_logins_by_storage_purged"),
    (Cause::Revoked, "interactive_logins_by_revoked"),
];

/// `(cause, row name)` of MFA prompts, in output order.
const MFA_ROWS: [(Cause, &str); 11] = [
    (Cause::FirstLogin, "mfa_prompts_by_first_login"),
    (Cause::IdleTimeout, "mfa_prompts_by_as_idle_timeout"),
    (Cause::AbsoluteTimeout, "mfa_prompts_by_as_absolute_timeout"),
    (Cause::BrowserClose, "mfa_prompts_by_browser_close"),
    (Cause::Logout, "mfa_prompts_by_logout"),
    (Cause::PasswordReset, "mfa_prompts_by_password_reset"),
    (Cause::CookieClear, "mfa_prompts_by_cookie_clear"),
    (
        Cause::RefreshTokenExpired,
        "mfa_prompts_by_refresh_token_expired",
    ),
    (
        Cause::RefreshTokenRevoked,
        "mfa_prompts_by_refresh_token_revoked",
    ),
    (Cause::StoragePurged, "mfa_prompts_by_storage_purged"),
    (Cause::Revoked, "mfa_prompts_by_revoked"),
];

/// `(cause, row name)` of failed silent authentications, in output order.
const SILENT_ROWS: [(Cause, &str); 10] = [
    (Cause::FirstLogin, "silent_auth_failures_by_first_login"),
    (
        Cause::ThirdPartyCookiesBlocked,
        "silent_auth_failures_by_third_party_cookies_blocked",
    ),
    (
        Cause::ThirdPartyCookiesPartitioned,
        "silent_auth_failures_by_third_party_cookies_partitioned",
    ),
    (
        Cause::IdleTimeout,
        "silent_auth_failures_by_as_idle_timeout",
    ),
    (
        Cause::AbsoluteTimeout,
        "silent_auth_failures_by_as_absolute_timeout",
    ),
    (Cause::BrowserClose, "silent_auth_failures_by_browser_close"),
    (Cause::Logout, "silent_auth_failures_by_logout"),
    (
        Cause::PasswordReset,
        "silent_auth_failures_by_password_reset",
    ),
    (Cause::CookieClear, "silent_auth_failures_by_cookie_clear"),
    (Cause::Revoked, "silent_auth_failures_by_revoked"),
];

/// `(cause, row name)` of IdP prompts, in output order.
const IDP_ROWS: [(Cause, &str); 7] = [
    (Cause::FirstLogin, "idp_prompts_by_first_login"),
    (Cause::IdleTimeout, "idp_prompts_by_idle_timeout"),
    (Cause::AbsoluteTimeout, "idp_prompts_by_absolute_timeout"),
    (Cause::Logout, "idp_prompts_by_logout"),
    (Cause::BrowserClose, "idp_prompts_by_browser_close"),
    (Cause::CookieClear, "idp_prompts_by_cookie_clear"),
    (Cause::Revoked, "idp_prompts_by_revoked"),
];

impl Family {
    /// Every family.
    pub const ALL: [Family; 4] = [
        Family::InteractiveLogins,
        Family::MfaPrompts,
        Family::SilentAuthFailures,
        Family::IdpPrompts,
    ];

    /// What the family counts, for the metric catalog.
    pub fn meaning(self) -> &'static str {
        match self {
            Family::InteractiveLogins => "interactive logins",
            Family::MfaPrompts => "MFA prompts",
            Family::SilentAuthFailures => "silent authentications answered login_required",
            Family::IdpPrompts => "IdP login dialogs shown",
        }
    }

    /// The families kept per app, in output order.
    pub const PER_APP: [Family; 3] = [
        Family::InteractiveLogins,
        Family::MfaPrompts,
        Family::SilentAuthFailures,
    ];

    /// Name of the family's total (the metric it splits).
    pub fn total_name(self) -> &'static str {
        match self {
            Family::InteractiveLogins => "interactive_logins",
            Family::MfaPrompts => "mfa_prompts",
            Family::SilentAuthFailures => "silent_auth_login_required",
            Family::IdpPrompts => "idp_prompts",
        }
    }

    /// Prefix of its rows: `<prefix>_by_<cause>`.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::InteractiveLogins => "interactive_logins",
            Family::MfaPrompts => "mfa_prompts",
            Family::SilentAuthFailures => "silent_auth_failures",
            Family::IdpPrompts => "idp_prompts",
        }
    }

    /// `(cause, row name)` of every cause that can occur in this family, in output order.
    pub fn rows(self) -> &'static [(Cause, &'static str)] {
        match self {
            Family::InteractiveLogins => &INTERACTIVE_ROWS,
            Family::MfaPrompts => &MFA_ROWS,
            Family::SilentAuthFailures => &SILENT_ROWS,
            Family::IdpPrompts => &IDP_ROWS,
        }
    }

    /// The causes that can occur in this family, in output order.
    pub fn causes(self) -> impl Iterator<Item = Cause> {
        self.rows().iter().map(|r| r.0)
    }
}

/// Counts by cause: `[app][Family::PER_APP][Cause]` then `[idp][Cause]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Causes {
    apps: usize,
    counts: Vec<u64>,
}

impl Causes {
    /// Zero counts for `apps` apps and `idps` IdPs.
    pub fn new(apps: usize, idps: usize) -> Self {
        Causes {
            apps,
            counts: vec![0; (apps * Family::PER_APP.len() + idps) * Cause::COUNT],
        }
    }

    fn index(&self, family: Family, scope: usize, cause: Cause) -> usize {
        let row = match family {
            Family::InteractiveLogins => scope * 3,
            Family::MfaPrompts => scope * 3 + 1,
            Family::SilentAuthFailures => scope * 3 + 2,
            Family::IdpPrompts => self.apps * 3 + scope,
        };
        row * Cause::COUNT + cause as usize
    }

    /// One event of `family` at app (or IdP) `scope`, put down to `cause`.
    #[inline]
    pub fn count(&mut self, family: Family, scope: usize, cause: Cause) {
        let i = self.index(family, scope, cause);
        self.counts[i] += 1;
    }

    /// Count of `family` at `scope` by `cause`.
    pub fn get(&self, family: Family, scope: usize, cause: Cause) -> u64 {
        self.counts
            .get(self.index(family, scope, cause))
            .copied()
            .unwrap_or(0)
    }

    /// Adds every count of `other` (same shape).
    pub fn merge(&mut self, other: &Causes) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// The flat array (shard raw files).
    pub fn raw(&self) -> &[u64] {
        &self.counts
    }

    /// Rebuilds from a flat array; `None` when its length does not fit.
    pub fn from_raw(apps: usize, idps: usize, counts: Vec<u64>) -> Option<Causes> {
        let shape = Causes::new(apps, idps);
        (counts.len() == shape.counts.len()).then_some(Causes { apps, counts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_names_follow_the_issue_and_never_collide() {
        let mut names = std::collections::BTreeSet::new();
        let mut causes = std::collections::BTreeSet::new();
        for f in [
            Family::InteractiveLogins,
            Family::MfaPrompts,
            Family::SilentAuthFailures,
            Family::IdpPrompts,
        ] {
            for &(c, name) in f.rows() {
                assert!(name.starts_with(f.prefix()), "{name}");
                assert!(causes.insert((f.prefix(), c)), "{name}: cause twice");
                assert!(names.insert(name), "{name}");
            }
        }
        assert!(names.contains("interactive_logins_by_as_idle_timeout"));
        assert_eq!(names.len(), 11 + 11 + 10 + 7);
        assert!(names.contains("interactive_logins_by_storage_purged"));
        assert!(names.contains("idp_prompts_by_idle_timeout"));
        assert!(names.contains("silent_auth_failures_by_third_party_cookies_blocked"));
    }

    #[test]
    fn counts_land_in_their_own_cell() {
        let mut c = Causes::new(2, 1);
        c.count(Family::MfaPrompts, 1, Cause::Logout);
        c.count(Family::IdpPrompts, 0, Cause::Logout);
        assert_eq!(c.get(Family::MfaPrompts, 1, Cause::Logout), 1);
        assert_eq!(c.get(Family::MfaPrompts, 0, Cause::Logout), 0);
        assert_eq!(c.get(Family::InteractiveLogins, 1, Cause::Logout), 0);
        assert_eq!(c.get(Family::IdpPrompts, 0, Cause::Logout), 1);
        assert_eq!(c.raw().iter().sum::<u64>(), 2);
    }
}
