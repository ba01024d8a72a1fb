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

/// Every disagreement between the log's counts and replica 0's counters, in
/// words; empty when they agree.
pub fn disagreements(counts: &KindCounts, m: &Metrics) -> Vec<String> {
    let n = |k: LogKind| counts[k as usize];
    let c = |a: AppCounter| m.app_total(a);
    let mut out = Vec::new();
    let mut equal = |what: &str, logged: u64, counted: u64, counter: &str| {
        if logged != counted {
            out.push(format!(
                "{what}: {logged} events in the log, but {counter} = {counted}"
            ));
        }
    };
    equal(
        "s (interactive)",
        n(LogKind::LoginInteractive),
        c(AppCounter::InteractiveLogins),
        "interactive_logins",
    );
    equal(
        "s (SSO)",
        n(LogKind::LoginSso),
        c(AppCounter::SsoLogins),
        "sso_logins",
    );
    equal(
        "ssa",
        n(LogKind::SilentSuccess),
        c(AppCounter::SilentAuthSuccesses),
        "silent_auth_successes",
    );
    equal(
        "fsa",
        n(LogKind::SilentFailure),
        c(AppCounter::SilentAuthLoginRequired),
        "silent_auth_login_required",
    );
    equal(
        "seacft",
        n(LogKind::CodeExchange),
        c(AppCounter::TokenRequests).saturating_sub(c(AppCounter::RefreshTokenExchanges)),
        "token_requests - refresh_token_exchanges",
    );
    equal(
        "sertft + fertft + ferrt",
        n(LogKind::RefreshExchange) + n(LogKind::RefreshFailed) + n(LogKind::RefreshReused),
        c(AppCounter::RefreshTokenExchanges),
        "refresh_token_exchanges",
    );
    equal(
        "fertft + ferrt",
        n(LogKind::RefreshFailed) + n(LogKind::RefreshReused),
        c(AppCounter::RefreshTokenFailures),
        "refresh_token_failures",
    );
    equal(
        "ferrt",
        n(LogKind::RefreshReused),
        c(AppCounter::RefreshTokenReuseDetected),
        "refresh_token_reuse_detected",
    );
    equal(
        "gd_start_auth",
        n(LogKind::MfaStarted),
        c(AppCounter::MfaPrompts),
        "mfa_prompts",
    );
    equal(
        "scp",
        n(LogKind::PasswordChanged),
        m.global_value(GlobalCounter::PasswordResets),
        "password_resets",
    );
    if n(LogKind::MfaSucceeded) > c(AppCounter::MfaPrompts) {
        out.push(format!(
            "gd_auth_succeed: {} events in the log, more than mfa_prompts = {}",
            n(LogKind::MfaSucceeded),
            c(AppCounter::MfaPrompts)
        ));
    }
    if n(LogKind::Logout) > c(AppCounter::Logouts) {
        out.push(format!(
            "slo: {} events in the log, more than logouts = {}",
            n(LogKind::Logout),
            c(AppCounter::Logouts)
        ));
    }
    out
}
