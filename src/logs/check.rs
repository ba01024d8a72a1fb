//! The log agrees with `summary.csv`: a run invariant of `--logs`.
//!
//! When every user is logged, the events written, by kind, equal the
//! counters of replica 0 (the logged replica) over the measured window:
//!
//! | events | counter |
//! |---|---|
//! | `s` of interactive logins | `interactive_logins` |
//! | `s` of SSO logins | `sso_logins` |
//! | `ssa` | `silent_auth_successes` (token renewals included) |
//! | `fsa` | `silent_auth_login_required` |
//! | `seacft` | `token_requests` − `refresh_token_exchanges` |
//! | `sertft` + `fertft` + `ferrt` | `refresh_token_exchanges` |
//! | `fertft` + `ferrt` | `refresh_token_failures` |
//! | `ferrt` | `refresh_token_reuse_detected` |
//! | `gd_start_auth` | `mfa_prompts` |
//! | `scp` | `password_resets` |
//!
//! and, as bounds, `gd_auth_succeed` ≤ `mfa_prompts` (a challenge may be
//! left unanswered) and `slo` ≤ `logouts` (app-only logouts never reach the
//! AS, and a browser close may cut the redirect to `/v2/logout`).

use super::runs::KindCounts;
use crate::metrics::{AppCounter, GlobalCounter, Metrics};
use crate::model::LogKind;

/// The events whose count equals a counter (the table above).
const EQUAL: [(&str, &[LogKind], AppCounter); 8] = [
    (
        "s (interactive)",
        &[LogKind::LoginInteractive],
        AppCounter::InteractiveLogins,
    ),
    ("s (SSO)", &[LogKind::LoginSso], AppCounter::SsoLogins),
    (
        "ssa",
        &[LogKind::SilentSuccess],
        AppCounter::SilentAuthSuccesses,
    ),
    (
        "fsa",
        &[LogKind::SilentFailure],
        AppCounter::SilentAuthLoginRequired,
    ),
    (
        "sertft + fertft + ferrt",
        &[
            LogKind::RefreshExchange,
            LogKind::RefreshFailed,
            LogKind::RefreshReused,
        ],
        AppCounter::RefreshTokenExchanges,
    ),
    (
        "fertft + ferrt",
        &[LogKind::RefreshFailed, LogKind::RefreshReused],
        AppCounter::RefreshTokenFailures,
    ),
    (
        "ferrt",
        &[LogKind::RefreshReused],
        AppCounter::RefreshTokenReuseDetected,
    ),
    (
        "gd_start_auth",
        &[LogKind::MfaStarted],
        AppCounter::MfaPrompts,
    ),
];

/// The events whose count is at most a counter.
const AT_MOST: [(&str, LogKind, AppCounter); 2] = [
    (
        "gd_auth_succeed",
        LogKind::MfaSucceeded,
        AppCounter::MfaPrompts,
    ),
    ("slo", LogKind::Logout, AppCounter::Logouts),
];

/// Every disagreement between the log's counts and replica 0's counters, in
/// words; empty when they agree.
pub fn disagreements(counts: &KindCounts, m: &Metrics) -> Vec<String> {
    let n = |kinds: &[LogKind]| kinds.iter().map(|k| counts[*k as usize]).sum::<u64>();
    let c = |a: AppCounter| m.app_total(a);
    let mut out = Vec::new();
    let mut equal = |what: &str, logged: u64, counted: u64, counter: &str| {
        if logged != counted {
            out.push(format!(
                "{what}: {logged} events in the log, but {counter} = {counted}"
            ));
        }
    };
    for (what, kinds, counter) in EQUAL {
        equal(what, n(kinds), c(counter), counter.name());
    }
    equal(
        "seacft",
        n(&[LogKind::CodeExchange]),
        c(AppCounter::TokenRequests).saturating_sub(c(AppCounter::RefreshTokenExchanges)),
        &format!(
            "{} - {}",
            AppCounter::TokenRequests.name(),
            AppCounter::RefreshTokenExchanges.name()
        ),
    );
    equal(
        "scp",
        n(&[LogKind::PasswordChanged]),
        m.global_value(GlobalCounter::PasswordResets),
        GlobalCounter::PasswordResets.name(),
    );
    for (what, kind, counter) in AT_MOST {
        if n(&[kind]) > c(counter) {
            out.push(format!(
                "{what}: {} events in the log, more than {} = {}",
                n(&[kind]),
                counter.name(),
                c(counter)
            ));
        }
    }
    out
}
