//! The counters of design §7, by scope. Each enum is dense (`as usize` indexes a
//! flat array) and lists its metric names in output order.

use super::series::SeriesCounter;

/// Counters kept per app (`app:<name>`; the `all` scope sums them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppCounter {
    /// Distinct users that visited the app at least once.
    Users,
    /// Page loads that start a visit.
    Visits,
    /// Visits to pages requiring login.
    ProtectedVisits,
    /// Protected visits served from a valid local session.
    LocalSessionHits,
    /// Top-level `/authorize` that found a valid AS session (no prompt).
    SsoLogins,
    /// Logins where the AS prompt was shown and completed.
    InteractiveLogins,
    /// The user's first interactive login in the run.
    FirstLogins,
    /// Interactive logins after the first.
    Reauthentications,
    /// `prompt=none` answered with tokens.
    SilentAuthSuccesses,
    /// `prompt=none` answered with `login_required`.
    SilentAuthLoginRequired,
    /// Silent attempts before the user's first login (a subset of the failures).
    SilentAuthBeforeFirstLogin,
    /// Protected visits of a `spa_implicit` app served by silent authentication.
    ProtectedSilentLogins,
    /// Protected visits cut short before a login decided them: by a browser
    /// close, or still undecided when the run ended.
    LoginsAbandoned,
    /// Access-token renewals during a visit: silent (`prompt=none`) or by a
    /// refresh token.
    TokenRenewals,
    /// Logouts started at the end of a visit.
    Logouts,
    /// MFA prompts shown.
    MfaPrompts,
    /// `/authorize` requests that start an authorization for this app.
    AuthorizeRequests,
    /// `/oauth/token` requests of this app: code exchanges and refresh-token
    /// grants.
    TokenRequests,
    /// Interactive logins where MFA was skipped: the browser was remembered.
    MfaSkippedRememberedBrowser,
    /// Local sessions ended by an OIDC back-channel logout from the AS.
    BackchannelLogouts,
    /// Refresh-token exchanges at `/oauth/token` (page loads and renewals).
    RefreshTokenExchanges,
    /// Protected visits served by a refresh-token exchange.
    RefreshTokenLogins,
    /// Refresh-token exchanges refused (expired, revoked or reused).
    RefreshTokenFailures,
    /// Reuse of a rotated refresh token detected: the family is revoked.
    RefreshTokenReuseDetected,
    /// Protected visits not yet decided when the AS refused one of their
    /// requests during an outage (tenant events): the user left without a login.
    LoginsFailedOutage,
    /// Visits ended by a request the AS refused during an outage (protected
    /// or not, decided or not).
    VisitsFailedOutage,
}

impl AppCounter {
    /// Number of app counters.
    pub const COUNT: usize = 26;
    /// Every counter, in output order.
    pub const ALL: [AppCounter; Self::COUNT] = [
        AppCounter::Users,
        AppCounter::Visits,
        AppCounter::ProtectedVisits,
        AppCounter::LocalSessionHits,
        AppCounter::SsoLogins,
        AppCounter::InteractiveLogins,
        AppCounter::FirstLogins,
        AppCounter::Reauthentications,
        AppCounter::SilentAuthSuccesses,
        AppCounter::SilentAuthLoginRequired,
        AppCounter::SilentAuthBeforeFirstLogin,
        AppCounter::ProtectedSilentLogins,
        AppCounter::LoginsAbandoned,
        AppCounter::TokenRenewals,
        AppCounter::Logouts,
        AppCounter::MfaPrompts,
        AppCounter::AuthorizeRequests,
        AppCounter::TokenRequests,
        AppCounter::MfaSkippedRememberedBrowser,
        AppCounter::BackchannelLogouts,
        AppCounter::RefreshTokenExchanges,
        AppCounter::RefreshTokenLogins,
        AppCounter::RefreshTokenFailures,
        AppCounter::RefreshTokenReuseDetected,
        AppCounter::LoginsFailedOutage,
        AppCounter::VisitsFailedOutage,
    ];

    /// Metric name (design §9).
    pub fn name(self) -> &'static str {
        match self {
            AppCounter::Users => "users",
            AppCounter::Visits => "visits",
            AppCounter::ProtectedVisits => "protected_visits",
            AppCounter::LocalSessionHits => "local_session_hits",
            AppCounter::SsoLogins => "sso_logins",
            AppCounter::InteractiveLogins => "interactive_logins",
            AppCounter::FirstLogins => "first_logins",
            AppCounter::Reauthentications => "reauthentications",
            AppCounter::SilentAuthSuccesses => "silent_auth_successes",
            AppCounter::SilentAuthLoginRequired => "silent_auth_login_required",
            AppCounter::SilentAuthBeforeFirstLogin => "silent_auth_before_first_login",
            AppCounter::ProtectedSilentLogins => "protected_silent_logins",
            AppCounter::LoginsAbandoned => "logins_abandoned",
            AppCounter::TokenRenewals => "token_renewals",
            AppCounter::Logouts => "logouts",
            AppCounter::MfaPrompts => "mfa_prompts",
            AppCounter::AuthorizeRequests => "authorize_requests",
            AppCounter::TokenRequests => "token_requests",
            AppCounter::MfaSkippedRememberedBrowser => "mfa_skipped_remembered_browser",
            AppCounter::BackchannelLogouts => "backchannel_logouts",
            AppCounter::RefreshTokenExchanges => "refresh_token_exchanges",
            AppCounter::RefreshTokenLogins => "refresh_token_logins",
            AppCounter::RefreshTokenFailures => "refresh_token_failures",
            AppCounter::RefreshTokenReuseDetected => "refresh_token_reuse_detected",
            AppCounter::LoginsFailedOutage => "logins_failed_outage",
            AppCounter::VisitsFailedOutage => "visits_failed_outage",
        }
    }

    /// The cumulative time series this counter feeds, if any.
    #[inline(always)]
    pub fn series(self) -> Option<SeriesCounter> {
        Some(match self {
            AppCounter::Visits => SeriesCounter::Visits,
            AppCounter::ProtectedVisits => SeriesCounter::ProtectedVisits,
            AppCounter::InteractiveLogins => SeriesCounter::InteractiveLogins,
            AppCounter::Reauthentications => SeriesCounter::Reauthentications,
            AppCounter::SsoLogins => SeriesCounter::SsoLogins,
            AppCounter::SilentAuthSuccesses => SeriesCounter::SilentAuthSuccesses,
            AppCounter::SilentAuthLoginRequired => SeriesCounter::SilentAuthLoginRequired,
            AppCounter::AuthorizeRequests => SeriesCounter::AuthorizeRequests,
            AppCounter::TokenRequests => SeriesCounter::TokenRequests,
            _ => return None,
        })
    }
}

/// Counters of the whole population that belong to no app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalCounter {
    /// Simulated users.
    Users,
    /// Browser closes.
    BrowserCloses,
    /// Password resets (password users only).
    PasswordResets,
    /// Users deleting all cookies and site data.
    CookieClears,
    /// Simulated devices (browsers): `users.devices` of each user.
    Devices,
}

impl GlobalCounter {
    /// Number of global counters.
    pub const COUNT: usize = 5;
    /// Metric name.
    pub fn name(self) -> &'static str {
        match self {
            GlobalCounter::Users => "users",
            GlobalCounter::BrowserCloses => "browser_closes",
            GlobalCounter::PasswordResets => "password_resets",
            GlobalCounter::CookieClears => "cookie_clears",
            GlobalCounter::Devices => "devices",
        }
    }
}

/// Counters kept per identity provider (`idp:<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdpCounter {
    /// The IdP's login dialog was shown.
    IdpPrompts,
    /// The IdP's session was reused (no dialog).
    IdpSsoLogins,
}

impl IdpCounter {
    /// Number of IdP counters.
    pub const COUNT: usize = 2;
    /// Every counter, in output order.
    pub const ALL: [IdpCounter; Self::COUNT] = [IdpCounter::IdpPrompts, IdpCounter::IdpSsoLogins];
    /// Metric name.
    pub fn name(self) -> &'static str {
        match self {
            IdpCounter::IdpPrompts => "idp_prompts",
            IdpCounter::IdpSsoLogins => "idp_sso_logins",
        }
    }
}

/// Session counters kept per tier (`as`, `idp:*`, `app:*`). A session ends once,
/// by its first cause; conservation: alive at the end of the warm-up + created
/// = every ended + alive at end (the design's five causes, plus cookies
/// cleared by the user, 0 unless enabled, and tenant revocations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierCounter {
    /// Sessions created (a login completed).
    SessionsCreated,
    /// Ended by the idle timeout.
    EndedIdle,
    /// Ended by the absolute timeout (also a tie with idle).
    EndedAbsolute,
    /// Session-only cookie dropped by a browser close while valid.
    EndedBrowserClose,
    /// Ended by a logout.
    EndedLogout,
    /// Ended by a password reset (AS only).
    EndedPasswordReset,
    /// Cookie deleted by the user (`cookie_clears_per_month`) while valid.
    EndedCookiesCleared,
    /// Still valid and reachable at the end of the run.
    AliveAtEnd,
    /// Valid and reachable when the user's warm-up ended (0 without warm-up).
    AliveAtWarmupEnd,
    /// Ended by a tenant's `revoke_sessions` event while valid.
    EndedRevoked,
}

impl TierCounter {
    /// Number of tier counters.
    pub const COUNT: usize = 10;
    /// Every counter, in output order.
    pub const ALL: [TierCounter; Self::COUNT] = [
        TierCounter::SessionsCreated,
        TierCounter::EndedIdle,
        TierCounter::EndedAbsolute,
        TierCounter::EndedBrowserClose,
        TierCounter::EndedLogout,
        TierCounter::EndedPasswordReset,
        TierCounter::EndedCookiesCleared,
        TierCounter::EndedRevoked,
        TierCounter::AliveAtEnd,
        TierCounter::AliveAtWarmupEnd,
    ];
    /// The seven causes a session ends by.
    pub const ENDINGS: [TierCounter; 7] = [
        TierCounter::EndedIdle,
        TierCounter::EndedAbsolute,
        TierCounter::EndedBrowserClose,
        TierCounter::EndedLogout,
        TierCounter::EndedPasswordReset,
        TierCounter::EndedCookiesCleared,
        TierCounter::EndedRevoked,
    ];
    /// True for the counters of a session ending.
    #[inline]
    pub fn is_ending(self) -> bool {
        Self::ENDINGS.contains(&self)
    }
    /// Metric name.
    pub fn name(self) -> &'static str {
        match self {
            TierCounter::SessionsCreated => "sessions_created",
            TierCounter::EndedIdle => "sessions_ended_idle",
            TierCounter::EndedAbsolute => "sessions_ended_absolute",
            TierCounter::EndedBrowserClose => "sessions_ended_browser_close",
            TierCounter::EndedLogout => "sessions_ended_logout",
            TierCounter::EndedPasswordReset => "sessions_ended_password_reset",
            TierCounter::EndedCookiesCleared => "sessions_ended_cookies_cleared",
            TierCounter::AliveAtEnd => "sessions_alive_at_end",
            TierCounter::AliveAtWarmupEnd => "sessions_alive_at_warmup_end",
            TierCounter::EndedRevoked => "sessions_ended_revoked",
        }
    }
}
