//! The one table of `summary.csv`'s metrics (issue 19): each metric's name,
//! what it means, its unit and how replicas, threads and shards combine it.
//!
//! The counters keep their names in their enums ([`super::AppCounter::name`]
//! and the others) because the hot path indexes by enum; this table gives
//! every name its meaning and unit, and the code that *reads* a metric
//! (report, charts, compare, the run summary) names it through the constants
//! below, so a rename is one edit here. Tests hold the two together: every
//! name a run writes is described here, and every entry here is written by
//! some bundled scenario. The families split by cause
//! (`<family>_by_<cause>`) and the per-user tails (`<metric>_per_user_month_*`)
//! are described by rule ([`describe`]), not one entry each.

use std::borrow::Cow;

use super::causes::Family;

/// What kind of quantity a metric is: how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole count (mean over replicas, so maybe fractional).
    Count,
    /// A share in [0, 1].
    Share,
    /// Milliseconds.
    Ms,
    /// A mean or rate that is not a share (hops per login, requests per second).
    Decimal,
}

/// How the metric of a run is obtained from its parts (users, worker
/// threads, shards); replicas are always averaged, with a Student-t interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// An integer counter: the parts add up.
    Sum,
    /// A ratio of two summed counters, computed after merging.
    Ratio,
    /// The largest value of a merged per-second series.
    Max,
    /// A statistic of a merged exact histogram (latencies, per-user counts).
    Histogram,
}

/// One metric of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// Its name in `summary.csv`, `segments.csv` and `timeseries.csv`.
    pub name: &'static str,
    /// What it counts or measures, in one line.
    pub meaning: &'static str,
    /// How it is printed.
    pub unit: Unit,
    /// How its parts combine.
    pub merge: Merge,
}

macro_rules! metrics {
    ($($id:ident = $name:literal, $unit:ident, $merge:ident, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $id: Metric = Metric {
                name: $name,
                meaning: $meaning,
                unit: Unit::$unit,
                merge: Merge::$merge,
            };
        )*
        /// Every metric with an entry of its own, in `summary.csv` order.
        pub const ALL: &[Metric] = &[$($id),*];
    };
}

metrics! {
    USERS = "users", Count, Sum, "simulated users (per app: users who visited it at least once)";
    VISITS = "visits", Count, Sum, "page visits";
    PROTECTED_VISITS = "protected_visits", Count, Sum, "visits to pages that need a login";
    LOCAL_SESSION_HITS = "local_session_hits", Count, Sum, "protected visits served from the app's own session";
    SSO_LOGINS = "sso_logins", Count, Sum, "logins with no prompt: the AS session was valid";
    INTERACTIVE_LOGINS = "interactive_logins", Count, Sum, "logins where the AS prompt was shown and completed";
    FIRST_LOGINS = "first_logins", Count, Sum, "a browser's first interactive login ever";
    REAUTHENTICATIONS = "reauthentications", Count, Sum, "interactive logins after the browser's first";
    SILENT_AUTH_SUCCESSES = "silent_auth_successes", Count, Sum, "prompt=none answered with tokens";
    SILENT_AUTH_LOGIN_REQUIRED = "silent_auth_login_required", Count, Sum, "prompt=none answered login_required";
    SILENT_AUTH_BEFORE_FIRST_LOGIN = "silent_auth_before_first_login", Count, Sum, "silent attempts before the browser's first login (always fail)";
    PROTECTED_SILENT_LOGINS = "protected_silent_logins", Count, Sum, "protected visits served by silent authentication";
    LOGINS_ABANDONED = "logins_abandoned", Count, Sum, "protected visits cut short (browser closed, or the run ended) before a login decided them";
    TOKEN_RENEWALS = "token_renewals", Count, Sum, "access-token renewals during a visit (silent or by refresh token)";
    LOGOUTS = "logouts", Count, Sum, "logouts started at the end of a visit";
    MFA_PROMPTS = "mfa_prompts", Count, Sum, "MFA prompts shown";
    AUTHORIZE_REQUESTS = "authorize_requests", Count, Sum, "/authorize requests that start an authorization";
    TOKEN_REQUESTS = "token_requests", Count, Sum, "/oauth/token requests (code and refresh-token grants)";
    MFA_SKIPPED_REMEMBERED_BROWSER = "mfa_skipped_remembered_browser", Count, Sum, "interactive logins whose MFA was skipped: the browser was remembered";
    BACKCHANNEL_LOGOUTS = "backchannel_logouts", Count, Sum, "local sessions ended by an OIDC back-channel logout";
    REFRESH_TOKEN_EXCHANGES = "refresh_token_exchanges", Count, Sum, "refresh-token exchanges at /oauth/token";
    REFRESH_TOKEN_LOGINS = "refresh_token_logins", Count, Sum, "protected visits served by a refresh-token exchange";
    REFRESH_TOKEN_FAILURES = "refresh_token_failures", Count, Sum, "refresh-token exchanges refused (expired, revoked or reused)";
    REFRESH_TOKEN_REUSE_DETECTED = "refresh_token_reuse_detected", Count, Sum, "reuse of a rotated refresh token detected: the family revoked";
    LOGINS_FAILED_OUTAGE = "logins_failed_outage", Count, Sum, "protected visits not yet decided when the AS refused a request during an outage ([[events]])";
    VISITS_FAILED_OUTAGE = "visits_failed_outage", Count, Sum, "visits ended by a request the AS refused during an outage ([[events]])";
    REAUTH_RATE = "reauth_rate", Share, Ratio, "re-authentications per protected visit";
    SILENT_AUTH_FAILURE_SHARE = "silent_auth_failure_share", Share, Ratio, "share of silent attempts answered login_required, before-first-login ones left out";
    SSO_SHARE = "sso_share", Share, Ratio, "sso_logins / (sso_logins + interactive_logins): logins that needed no prompt";
    DEVICES = "devices", Count, Sum, "simulated devices, each a browser of its own (users.devices)";
    BROWSER_CLOSES = "browser_closes", Count, Sum, "browser closes";
    PASSWORD_RESETS = "password_resets", Count, Sum, "password resets (password users only)";
    COOKIE_CLEARS = "cookie_clears", Count, Sum, "users deleting all cookies and site data";
    LOGIN_LATENCY_MS_MEAN = "login_latency_ms_mean", Ms, Histogram, "mean login flow latency (interactive and SSO)";
    LOGIN_LATENCY_MS_P95 = "login_latency_ms_p95", Ms, Histogram, "95th percentile login latency (interactive and SSO)";
    HOPS_PER_LOGIN_MEAN = "hops_per_login_mean", Decimal, Histogram, "mean hops per login (interactive and SSO)";
    INTERACTIVE_LOGIN_LATENCY_MS_MEAN = "interactive_login_latency_ms_mean", Ms, Histogram, "mean latency of interactive logins";
    INTERACTIVE_LOGIN_LATENCY_MS_P95 = "interactive_login_latency_ms_p95", Ms, Histogram, "95th percentile latency of interactive logins";
    INTERACTIVE_HOPS_MEAN = "interactive_hops_mean", Decimal, Histogram, "mean hops of interactive logins";
    SSO_LOGIN_LATENCY_MS_MEAN = "sso_login_latency_ms_mean", Ms, Histogram, "mean latency of SSO logins";
    SSO_LOGIN_LATENCY_MS_P95 = "sso_login_latency_ms_p95", Ms, Histogram, "95th percentile latency of SSO logins";
    SSO_HOPS_MEAN = "sso_hops_mean", Decimal, Histogram, "mean hops of SSO logins";
    SILENT_LOGIN_LATENCY_MS_MEAN = "silent_login_latency_ms_mean", Ms, Histogram, "mean latency of silent authentications";
    SILENT_LOGIN_LATENCY_MS_P95 = "silent_login_latency_ms_p95", Ms, Histogram, "95th percentile latency of silent authentications";
    SILENT_HOPS_MEAN = "silent_hops_mean", Decimal, Histogram, "mean hops of silent authentications";
    REFRESH_TOKEN_LOGIN_LATENCY_MS_MEAN = "refresh_token_login_latency_ms_mean", Ms, Histogram, "mean latency of refresh-token logins";
    REFRESH_TOKEN_LOGIN_LATENCY_MS_P95 = "refresh_token_login_latency_ms_p95", Ms, Histogram, "95th percentile latency of refresh-token logins";
    REFRESH_TOKEN_HOPS_MEAN = "refresh_token_hops_mean", Decimal, Histogram, "mean hops of refresh-token logins";
    SESSIONS_CREATED = "sessions_created", Count, Sum, "sessions created (a login completed)";
    SESSIONS_ENDED_IDLE = "sessions_ended_idle", Count, Sum, "sessions ended by the idle timeout";
    SESSIONS_ENDED_ABSOLUTE = "sessions_ended_absolute", Count, Sum, "sessions ended by the absolute timeout";
    SESSIONS_ENDED_BROWSER_CLOSE = "sessions_ended_browser_close", Count, Sum, "session-only cookies dropped by a browser close while valid";
    SESSIONS_ENDED_LOGOUT = "sessions_ended_logout", Count, Sum, "sessions ended by a logout";
    SESSIONS_ENDED_PASSWORD_RESET = "sessions_ended_password_reset", Count, Sum, "sessions ended by a password reset";
    SESSIONS_ENDED_COOKIES_CLEARED = "sessions_ended_cookies_cleared", Count, Sum, "session cookies deleted by the user while valid";
    SESSIONS_ENDED_REVOKED = "sessions_ended_revoked", Count, Sum, "sessions ended while valid by a revoke_sessions event ([[events]])";
    SESSIONS_ALIVE_AT_END = "sessions_alive_at_end", Count, Sum, "sessions still valid and reachable at the end of the run";
    SESSIONS_ALIVE_AT_WARMUP_END = "sessions_alive_at_warmup_end", Count, Sum, "sessions valid and reachable when the user's warm-up ended";
    AUTHORIZE_REQUESTS_PER_S_MEAN = "authorize_requests_per_s_mean", Decimal, Ratio, "mean /authorize requests per second over the measured window";
    AUTHORIZE_REQUESTS_PER_S_PEAK = "authorize_requests_per_s_peak", Count, Max, "requests in the busiest second at /authorize";
    TOKEN_REQUESTS_PER_S_MEAN = "token_requests_per_s_mean", Decimal, Ratio, "mean /oauth/token requests per second over the measured window";
    TOKEN_REQUESTS_PER_S_PEAK = "token_requests_per_s_peak", Count, Max, "requests in the busiest second at /oauth/token";
    IDP_PROMPTS = "idp_prompts", Count, Sum, "the IdP's login dialog was shown";
    IDP_SSO_LOGINS = "idp_sso_logins", Count, Sum, "the IdP's session was reused (no dialog)";
    INTERACTIVE_LOGINS_PER_USER_MONTH = "interactive_logins_per_user_month", Decimal, Ratio, "interactive logins per user and 30 days of measured time (segments.csv)";
    SILENT_AUTH_FAILURES_PER_USER_MONTH = "silent_auth_failures_per_user_month", Decimal, Ratio, "failed silent authentications per user and 30 days of measured time (segments.csv)";
    SESSIONS_LOST_PER_USER_MONTH = "sessions_lost_per_user_month", Decimal, Ratio, "AS sessions lost per user and 30 days of measured time (segments.csv)";
    VALID_SESSION_HOURS_PER_USER_DAY = "valid_session_hours_per_user_day", Decimal, Ratio, "hours of valid, reachable AS sessions per user and day of the measured window";
    ORPHANED_SESSION_HOURS_PER_USER_DAY = "orphaned_session_hours_per_user_day", Decimal, Ratio, "hours of orphaned AS sessions (cookie lost, alive server-side) per user and day of the measured window";
    VALID_SESSION_AGE_HOURS_MEAN = "valid_session_age_hours_mean", Decimal, Ratio, "mean age (time since its absolute timeout started) of valid AS sessions, over valid session-time in the measured window, hours";
    VALID_SESSION_AGE_HOURS_P95 = "valid_session_age_hours_p95", Decimal, Histogram, "95th percentile age of valid AS sessions over valid session-time, hours (to 1/64 of the age)";
    VALID_SESSION_SHARE_OLDER_1D = "valid_session_share_older_1d", Share, Ratio, "share of valid AS session-time at an age of at least 1 day";
    VALID_SESSION_SHARE_OLDER_7D = "valid_session_share_older_7d", Share, Ratio, "share of valid AS session-time at an age of at least 7 days";
}

/// The metrics where more is better (logins without a prompt); for every
/// other metric less is better (prompts, failures, exposure). The frontier of
/// `sweep --frontier` follows this.
const HIGHER_IS_BETTER: [&str; 8] = [
    SSO_SHARE.name,
    SSO_LOGINS.name,
    SILENT_AUTH_SUCCESSES.name,
    PROTECTED_SILENT_LOGINS.name,
    REFRESH_TOKEN_LOGINS.name,
    LOCAL_SESSION_HITS.name,
    MFA_SKIPPED_REMEMBERED_BROWSER.name,
    IDP_SSO_LOGINS.name,
];

/// True unless more of the metric `name` is better ([`HIGHER_IS_BETTER`]).
pub fn lower_is_better(name: &str) -> bool {
    !HIGHER_IS_BETTER.contains(&name)
}

/// Names of the per-user statistics (`<metric>_per_user_month_<stat>`) and
/// what each says.
const TAIL_STATS: [(&str, &str, Unit); 5] = [
    ("p50", "median per user and 30 days", Unit::Decimal),
    ("p90", "90th percentile per user and 30 days", Unit::Decimal),
    ("p99", "99th percentile per user and 30 days", Unit::Decimal),
    (
        "share_ge_1",
        "share of users with at least 1 per 30 days",
        Unit::Share,
    ),
    (
        "share_ge_3",
        "share of users with at least 3 per 30 days",
        Unit::Share,
    ),
];

/// What the per-user tails count, by the prefix of their names.
const TAILED: [(&str, &str); 3] = [
    ("interactive_logins", "interactive logins"),
    ("silent_auth_failures", "failed silent authentications"),
    ("sessions_lost", "AS sessions lost"),
];

/// A metric as [`describe`] finds it: its own entry, or one made by rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// What it counts or measures.
    pub meaning: Cow<'static, str>,
    /// How it is printed.
    pub unit: Unit,
    /// How its parts combine.
    pub merge: Merge,
}

/// What the metric `name` means, its unit and merge: its entry, or, for the
/// families split by cause and the per-user tails, a description made by
/// rule. `None` for a name ssosim does not write.
pub fn describe(name: &str) -> Option<Described> {
    if let Some(m) = ALL.iter().find(|m| m.name == name) {
        return Some(Described {
            meaning: Cow::Borrowed(m.meaning),
            unit: m.unit,
            merge: m.merge,
        });
    }
    for family in Family::ALL {
        if let Some((cause, _)) = family.rows().iter().find(|(_, row)| *row == name) {
            return Some(Described {
                meaning: Cow::Owned(format!(
                    "{} put down to: {}",
                    family.meaning(),
                    cause.label()
                )),
                unit: Unit::Count,
                merge: Merge::Sum,
            });
        }
    }
    for (prefix, what) in TAILED {
        let Some(stat) = name
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix("_per_user_month_"))
        else {
            continue;
        };
        if let Some((_, says, unit)) = TAIL_STATS.iter().find(|(s, _, _)| *s == stat) {
            return Some(Described {
                meaning: Cow::Owned(format!("{what}: {says} of measured time")),
                unit: *unit,
                merge: Merge::Histogram,
            });
        }
    }
    describe_load(name)
}

/// The load series whose name starts `rest`, then `_`, and what follows;
/// the longest name wins (`authorize_all_…` is not `authorize`'s).
fn split_series(rest: &str) -> Option<(usize, &str)> {
    (0..super::SERIES)
        .filter_map(|i| {
            rest.strip_prefix(super::series_name(i))
                .and_then(|r| r.strip_prefix('_'))
                .map(|r| (i, r))
        })
        .min_by_key(|(_, r)| r.len())
}

/// The AS-load rows (issue 17), described by rule:
/// `load_<series>_per_s_<stat>`, `load_<series>_per_min_max` and
/// `rate_limit_<series>_<figure>`, for each load series
/// ([`super::series_name`]).
fn describe_load(name: &str) -> Option<Described> {
    let made = |meaning: String, unit: Unit, merge: Merge| Described {
        meaning: Cow::Owned(meaning),
        unit,
        merge,
    };
    if let Some(rest) = name.strip_prefix("load_") {
        let (i, stat) = split_series(rest)?;
        let what = super::series_label(i);
        return match stat {
            "per_s_mean" => Some(made(
                format!("{what}: mean requests per second over the measured window"),
                Unit::Decimal,
                Merge::Ratio,
            )),
            "per_s_max" => Some(made(
                format!("{what}: requests in the busiest second"),
                Unit::Count,
                Merge::Max,
            )),
            "per_min_max" => Some(made(
                format!("{what}: requests in the busiest minute"),
                Unit::Count,
                Merge::Max,
            )),
            s @ ("per_s_p50" | "per_s_p95" | "per_s_p99" | "per_s_p99_9") => Some(made(
                format!(
                    "{what}: requests per second, {} of the measured window's seconds (nearest rank)",
                    &s[6..].replace('_', ".")
                ),
                Unit::Count,
                Merge::Histogram,
            )),
            _ => None,
        };
    }
    let (i, figure) = split_series(name.strip_prefix("rate_limit_")?)?;
    let what = super::series_label(i);
    let (meaning, unit) = match figure {
        "per_s" => ("rate limit: tokens added per second", Unit::Decimal),
        "burst" => ("rate limit: tokens the bucket holds", Unit::Count),
        "requests_throttled" => ("requests the rate limit would refuse", Unit::Count),
        "throttled_share" => ("share of requests the rate limit would refuse", Unit::Share),
        "seconds_throttled" => (
            "seconds in which the rate limit would refuse a request",
            Unit::Count,
        ),
        "seconds_at_warning" => (
            "seconds leaving the bucket at most 20% full (Auth0's api_limit_warning)",
            Unit::Count,
        ),
        _ => return None,
    };
    Some(made(format!("{what}: {meaning}"), unit, Merge::Histogram))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AppCounter, GlobalCounter, IdpCounter, TierCounter};

    #[test]
    fn names_are_unique_and_meanings_given() {
        for (i, m) in ALL.iter().enumerate() {
            assert!(!m.meaning.is_empty(), "{}", m.name);
            assert!(
                ALL[..i].iter().all(|o| o.name != m.name),
                "{} twice",
                m.name
            );
        }
    }

    #[test]
    fn every_counter_is_described() {
        let names = AppCounter::ALL
            .iter()
            .map(|c| c.name())
            .chain(
                [
                    GlobalCounter::Users,
                    GlobalCounter::BrowserCloses,
                    GlobalCounter::PasswordResets,
                    GlobalCounter::CookieClears,
                ]
                .iter()
                .map(|c| c.name()),
            )
            .chain(TierCounter::ALL.iter().map(|c| c.name()))
            .chain(IdpCounter::ALL.iter().map(|c| c.name()));
        for name in names {
            assert!(describe(name).is_some(), "{name} has no catalog entry");
        }
    }

    #[test]
    fn families_and_tails_are_described_by_rule() {
        let m = describe("interactive_logins_by_as_idle_timeout").unwrap();
        assert_eq!(m.unit, Unit::Count);
        assert!(m.meaning.ends_with("idle timeout"), "{}", m.meaning);
        let t = describe("sessions_lost_per_user_month_share_ge_3").unwrap();
        assert_eq!((t.unit, t.merge), (Unit::Share, Merge::Histogram));
        assert!(describe("sessions_lost_per_user_month_p42").is_none());
        let l = describe("load_authorize_all_per_s_p99_9").unwrap();
        assert!(l.meaning.starts_with("/authorize (all): "), "{}", l.meaning);
        assert!(l.meaning.contains("p99.9"), "{}", l.meaning);
        let l = describe("load_authorize_per_min_max").unwrap();
        assert!(l.meaning.starts_with("GET /authorize: "), "{}", l.meaning);
        let r = describe("rate_limit_token_all_seconds_at_warning").unwrap();
        assert!(r.meaning.contains("api_limit_warning"), "{}", r.meaning);
        assert!(describe("load_total_per_s_p42").is_none());
        assert!(describe("no_such_metric").is_none());
    }
}
