//! Issue 13: the warm-up gives a steady state, every prompt has its cause,
//! and the per-user histograms agree with the totals. Closed forms where
//! they exist, exact sums otherwise.

// Shared helpers; this file does not use every one.
#[allow(dead_code)]
use crate::support::model::{assert_share, simulate};
use ssosim::metrics::per_user::{TailScope, UserCounter};
use ssosim::metrics::{AppCounter as A, Cause, Family, GlobalCounter, SeriesCounter, TierCounter};
use ssosim::scenario::{Scenario, from_str};
use ssosim::time::DAY;

/// An SPA whose every visit is protected and runs silent authentication.
fn spa(sim: &str, extra_as: &str, app: &str, users: &str) -> Scenario {
    let text = format!(
        r#"
name = "steady"
[simulation]
sample_every = "1h"
{sim}
[authorization_server]
plan = "enterprise"
absolute_timeout = "365d"
{extra_as}
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
{app}
[users]
protected_share = 1.0
visit_length = "1m"
{users}
"#
    );
    from_str(&text, "steady.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// Refresh tokens with absolute lifetime A = 10 days (idle lifetime A too,
/// far longer than any gap between visits), an AS session that never outlives a visit: each login
/// starts a cycle of A, then the next visit prompts. Visits Poisson λ = 2 a
/// day, all protected, so the reauth rate is 1 / (1 + λA) = 1/21. With a
/// warm-up of 3A, each 15-day window of the 60 measured days agrees with it.
#[test]
fn after_the_warm_up_the_reauth_rate_is_flat_and_matches_1_over_1_plus_lambda_a() {
    let s = spa(
        "users = 4000\nduration = \"60d\"\nwarmup = \"30d\"",
        "idle_timeout = \"1h\"",
        "refresh_tokens = { enabled = true, absolute_lifetime = \"10d\", idle_lifetime = \"10d\" }",
        "visits_per_day = 2.0",
    );
    let m = simulate(&s, 0);
    let p = 1.0 / (1.0 + 2.0 * 10.0);
    let reauth = m.series.counter(0, SeriesCounter::Reauthentications);
    let protected = m.series.counter(0, SeriesCounter::ProtectedVisits);
    let hour = |t: u64| (t / 3_600_000) as usize;
    // Nothing counts during the warm-up.
    assert_eq!(protected[hour(30 * DAY) - 1], 0);
    for w in 0..4 {
        let (a, b) = (hour((30 + 15 * w) * DAY), hour((45 + 15 * w) * DAY));
        let (r, n) = (
            (reauth[b] - reauth[a]) as f64,
            (protected[b] - protected[a]) as f64,
        );
        assert_share(r, n, p, &format!("window {w}"));
    }
    let (r, n) = (
        m.app_total(A::Reauthentications) as f64,
        m.app_total(A::ProtectedVisits) as f64,
    );
    assert_share(r, n, p, "whole measured window");
    // Every re-authentication is put down to the refresh token's expiry.
    let expired = m
        .causes
        .get(Family::InteractiveLogins, 0, Cause::RefreshTokenExpired);
    assert_eq!(expired, m.app_total(A::Reauthentications));
    // Sessions alive when the warm-up ended are accounted for at every tier.
    for tier in 0..m.layout.tiers() {
        let before = m.tier_value(tier, TierCounter::AliveAtWarmupEnd);
        let created = m.tier_value(tier, TierCounter::SessionsCreated);
        let after: u64 = TierCounter::ENDINGS
            .iter()
            .chain([&TierCounter::AliveAtEnd])
            .map(|&c| m.tier_value(tier, c))
            .sum();
        assert_eq!(before + created, after, "tier {tier}");
    }
}

/// Without a warm-up every user starts cold: the first 15 days hold the
/// first logins and no refresh token expires before day 10, so the windows
/// are far from flat — what the warm-up is for.
#[test]
fn without_a_warm_up_the_first_window_is_not_the_steady_state() {
    let s = spa(
        "users = 2000\nduration = \"30d\"",
        "idle_timeout = \"1h\"",
        "refresh_tokens = { enabled = true, absolute_lifetime = \"10d\", idle_lifetime = \"10d\" }",
        "visits_per_day = 2.0",
    );
    let m = simulate(&s, 0);
    let reauth = m.series.counter(0, SeriesCounter::Reauthentications);
    // No refresh token expires in the first 10 days: no re-authentication.
    assert_eq!(reauth[(10 * DAY / 3_600_000) as usize], 0);
    assert!(m.app_total(A::FirstLogins) > 1900);
}

/// Poisson visits λ, browser closes μ, a session-only AS cookie, idle T:
/// after each AS activity the next event is a visit, a close, or nothing
/// for T. The share of re-authentications caused by closes is
/// μ(1−e^{−(λ+μ)T}) / (μ(1−e^{−(λ+μ)T}) + (λ+μ)e^{−(λ+μ)T}); the others are
/// idle timeouts.
#[test]
fn the_share_of_prompts_caused_by_browser_closes_matches_its_closed_form() {
    let (lambda, mu, t_days) = (3.0f64, 1.0f64, 0.5f64);
    let s = spa(
        "users = 2000\nduration = \"30d\"\nwarmup = \"2d\"",
        "cookie = \"non_persistent\"\nidle_timeout = \"12h\"",
        "",
        &format!("visits_per_day = {lambda}\nbrowser_closes_per_day = {mu}"),
    );
    let m = simulate(&s, 0);
    let x = (-(lambda + mu) * t_days).exp();
    let p = mu * (1.0 - x) / (mu * (1.0 - x) + (lambda + mu) * x);
    let f = Family::InteractiveLogins;
    let closes = m.causes.get(f, 0, Cause::BrowserClose) as f64;
    let idle = m.causes.get(f, 0, Cause::IdleTimeout) as f64;
    assert_eq!(
        (closes + idle) as u64,
        m.app_total(A::Reauthentications),
        "closes and idle timeouts are the only causes"
    );
    assert_share(closes, closes + idle, p, "prompts caused by closes");
}

/// With idle timeouts only, every re-authentication is `as_idle_timeout`,
/// every first login `first_login`, and MFA prompts follow their logins.
#[test]
fn with_idle_timeouts_only_every_reauthentication_is_an_idle_timeout() {
    let s = spa(
        "users = 500\nduration = \"20d\"\nwarmup = \"3d\"",
        "idle_timeout = \"1d\"\nmfa = true",
        "",
        "visits_per_day = 1.0",
    );
    let m = simulate(&s, 0);
    let f = Family::InteractiveLogins;
    assert!(m.app_total(A::Reauthentications) > 1000);
    assert_eq!(
        m.causes.get(f, 0, Cause::IdleTimeout),
        m.app_total(A::Reauthentications)
    );
    assert_eq!(
        m.causes.get(f, 0, Cause::FirstLogin),
        m.app_total(A::FirstLogins)
    );
    // An MFA prompt takes its login's cause; a few logins are cut after the
    // prompt (abandoned, or still under way when the run ends).
    let mut extra = 0;
    for c in Family::MfaPrompts.causes() {
        let (mfa, logins) = (
            m.causes.get(Family::MfaPrompts, 0, c),
            m.causes.get(f, 0, c),
        );
        assert!(mfa >= logins, "{c:?}: {mfa} MFA prompts, {logins} logins");
        extra += mfa - logins;
    }
    assert!(extra <= m.app_total(A::LoginsAbandoned) + 500, "{extra}");
    assert!(extra * 100 < m.app_total(A::InteractiveLogins), "{extra}");
    // Silent authentications fail because the session idled out, or before
    // the browser's first login; cookies are allowed.
    let s_f = Family::SilentAuthFailures;
    let by = |c| m.causes.get(s_f, 0, c);
    assert_eq!(
        by(Cause::IdleTimeout) + by(Cause::FirstLogin),
        m.app_total(A::SilentAuthLoginRequired)
    );
}

/// Per-user histograms hold every user once, and their sums are the totals.
#[test]
fn per_user_histograms_add_up_to_the_summary_totals() {
    let s = spa(
        "users = 800\nduration = \"30d\"\nwarmup = \"5d\"",
        "cookie = \"non_persistent\"\nidle_timeout = \"1d\"",
        "",
        "visits_per_day = 2.0\nbrowser_closes_per_day = 1.0\nthird_party_cookies_blocked = 0.3\nvisit_rate_distribution = \"gamma\"\nvisit_rate_shape = 0.8",
    );
    let m = simulate(&s, 0);
    let users = m.global_value(GlobalCounter::Users);
    let checks = [
        (
            UserCounter::InteractiveLogins,
            m.app_total(A::InteractiveLogins),
        ),
        (
            UserCounter::SilentAuthFailures,
            m.app_total(A::SilentAuthLoginRequired),
        ),
        (
            UserCounter::SessionsLost,
            TierCounter::ENDINGS
                .iter()
                .map(|&c| m.tier_value(0, c))
                .sum(),
        ),
    ];
    for (c, total) in checks {
        let h = m.per_user.histogram(c, TailScope::All);
        assert_eq!(h.iter().map(|x| x.1).sum::<u64>(), users, "{c:?}: users");
        assert_eq!(h.iter().map(|x| x.0 * x.1).sum::<u64>(), total, "{c:?}");
        assert!(h.len() > 3, "{c:?}: a real spread: {h:?}");
    }
    // Segments partition the users along each dimension.
    let shape = m.per_user.shape();
    let sum = |ids: std::ops::Range<usize>| ids.map(|i| m.per_user.segment(i).0).sum::<u64>();
    let conn = shape.connections;
    assert_eq!(sum(0..conn), users);
    assert_eq!(sum(conn..conn + 3), users);
    assert_eq!(shape.quartiles, 4);
    let q = sum(conn + 3..conn + 7);
    assert_eq!(q, users);
    // Quartiles of the gamma distribution itself: about a quarter each.
    for i in conn + 3..conn + 7 {
        assert_share(
            m.per_user.segment(i).0 as f64,
            users as f64,
            0.25,
            "quartile",
        );
    }
}
