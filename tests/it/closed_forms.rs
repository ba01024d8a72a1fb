//! Closed-form results the model must reproduce, each within 4 standard
//! errors, plus a busy tenant that reaches every counter and determinism.
//!
//! Silent-authentication failure shares are measured after a warm-up, from
//! the cumulative counters of the time series: by then every user has logged
//! in once (P(no visit in 5 days at 3 a day) = e^-15), and every attempt has a
//! full gap behind it.

use crate::support::model::{assert_share, closed_form_spa, silent_after, simulate};
use ssosim::metrics::{Layout, TierCounter};
use ssosim::output::summary;
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::{Override, Scenario, from_str};
use ssosim::time::DAY;

/// An SPA (implicit grant), every visit protected, nothing ending sessions
/// but what each test sets.
fn spa(extra_as: &str, users: &str, n: u64, days: u64) -> Scenario {
    let simulation = format!("users = {n}\nduration = \"{days}d\"\nsample_every = \"1d\"");
    closed_form_spa(&simulation, extra_as, users)
}

#[test]
fn idle_timeout_share_of_failed_silent_auth_is_exp_minus_lambda_t() {
    // λ = 3/day, T = 1 day: e^-3.
    let s = spa(
        r#"idle_timeout = "1d"
absolute_timeout = "365d""#,
        "",
        20_000,
        35,
    );
    let m = simulate(&s, 0);
    let (fails, attempts) = silent_after(&m, 5);
    assert_share(fails, attempts, (-3.0f64).exp(), "silent failures");
}

#[test]
fn whole_run_share_includes_the_first_attempts_and_the_warm_up() {
    // Over a whole 30-day run, leaving out only the first attempts (always
    // failing): e^-3 · 86/89 — attempts in the first day cannot have a gap of
    // a day behind them.
    let s = spa(
        r#"idle_timeout = "1d"
absolute_timeout = "365d""#,
        "",
        20_000,
        30,
    );
    let m = simulate(&s, 0);
    let row = |name: &str| {
        summary::rows(&s, std::slice::from_ref(&m))
            .into_iter()
            .find(|r| r.metric == name && r.scope == "all")
            .map(|r| r.values[0])
            .unwrap()
    };
    let fails = row("silent_auth_login_required") - row("silent_auth_before_first_login");
    let attempts = fails + row("silent_auth_successes");
    assert_share(
        fails,
        attempts,
        (-3.0f64).exp() * 86.0 / 89.0,
        "silent failures",
    );
    assert_eq!(
        row("silent_auth_before_first_login"),
        20_000.0,
        "one first attempt per user"
    );
}

#[test]
fn non_persistent_cookie_and_browser_closes_give_mu_over_lambda_plus_mu() {
    // λ = 3/day, μ = 1/day, long timeouts: 1/4.
    let s = spa(
        r#"cookie = "non_persistent"
idle_timeout = "100d"
absolute_timeout = "365d""#,
        "browser_closes_per_day = 1.0",
        20_000,
        35,
    );
    let m = simulate(&s, 0);
    let (fails, attempts) = silent_after(&m, 5);
    assert_share(fails, attempts, 1.0 / 4.0, "silent failures");
}

#[test]
fn absolute_timeout_share_is_one_over_one_plus_lambda_a() {
    // A = 1 day (the idle timeout cannot exceed it; equal to it, it never
    // fires first): a session lasts A plus the wait for the next visit.
    let s = spa(
        r#"idle_timeout = "1d"
absolute_timeout = "1d""#,
        "",
        20_000,
        35,
    );
    let m = simulate(&s, 0);
    let (fails, attempts) = silent_after(&m, 5);
    assert_share(fails, attempts, 1.0 / (1.0 + 3.0), "silent failures");
    assert_eq!(m.tier_value(Layout::AS_TIER, TierCounter::EndedIdle), 0);
}

/// Storezero and a busy multi-app tenant that uses every feature pass the
/// run's invariants (conservation of sessions per tier, one way in per
/// protected visit...: `run` refuses to return results otherwise, so they are
/// not summed again here), and every counter the busy tenant can reach is
/// reached.
#[test]
fn a_busy_tenant_reaches_every_counter_within_the_invariants() {
    let busy = r#"
[simulation]
users = 3000
duration = "20d"
warmup = "3d"
[authorization_server]
cookie = "non_persistent"
idle_timeout = "12h"
absolute_timeout = "3d"
mfa = true
mfa_remember_browser = "2d"
backchannel_logout = true
[identity_providers.facebook]
idle_timeout = "1d"
absolute_timeout = "2d"
cookie = "non_persistent"
[identity_providers.google]
[[apps]]
name = "web"
kind = "regular_web"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
token_lifetime = "5m"
refresh_tokens = { enabled = true, absolute_lifetime = "3d", idle_lifetime = "1d" }
[[apps]]
name = "mobile"
kind = "native"
local_session = { idle_timeout = "1h", absolute_timeout = "1d", cookie = "persistent" }
refresh_tokens = { enabled = true, absolute_lifetime = "10d", idle_lifetime = "2d", reuse_interval = "1s" }
[users]
visits_per_day = 6.0
visit_length = "20m"
connections = { password = 0.5, facebook = 0.3, google = 0.2 }
browser_closes_per_day = 2.0
logout_share = 0.2
federated_logout_share = 0.5
password_resets_per_year = 50.0
third_party_cookies_blocked = 0.3
third_party_cookies_partitioned = 0.2
cookie_clears_per_month = 3.0
app_only_logout_share = 0.2
daily_profile = [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 6, 4, 2, 1]
visit_rate_distribution = "gamma"
visit_rate_shape = 0.7
[[events]]
at = "10d"
kind = "revoke_sessions"
idp = true
apps = true
[[events]]
at = "12d"
kind = "outage"
duration = "1h"
"#;
    let storezero = std::fs::read_to_string("scenarios/storezero.toml").unwrap();
    for (name, text) in [("busy", busy), ("storezero", storezero.as_str())] {
        let s = from_str(
            text,
            name,
            &[Override {
                key: "simulation.users".into(),
                value: "3000".into(),
            }],
        )
        .unwrap();
        let m = simulate(&s, 0);
        for tier in 0..m.layout.tiers() {
            let created = m.tier_value(tier, TierCounter::SessionsCreated)
                + m.tier_value(tier, TierCounter::AliveAtWarmupEnd);
            let spa_tier = name == "busy" && tier == m.layout.app_tier(1);
            assert_eq!(
                created > 0,
                !spa_tier,
                "{name}: tier {tier}: only spa_implicit keeps no session"
            );
        }
        // Every cause, and every feature, shows up in the busy tenant.
        if name == "busy" {
            use ssosim::metrics::{AppCounter as A, GlobalCounter};
            for c in [
                A::RefreshTokenLogins,
                A::RefreshTokenFailures,
                A::BackchannelLogouts,
                A::MfaSkippedRememberedBrowser,
                A::ProtectedSilentLogins,
                A::TokenRenewals,
            ] {
                assert!(m.app_total(c) > 0, "busy: no {}", c.name());
            }
            assert!(m.global_value(GlobalCounter::CookieClears) > 0);
            for c in TierCounter::ALL {
                let total: u64 = (0..m.layout.tiers()).map(|t| m.tier_value(t, c)).sum();
                assert!(total > 0, "busy: no {}", c.name());
            }
        }
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes_any_thread_count() {
    let text = std::fs::read_to_string("scenarios/storezero.toml").unwrap();
    let with = |seed: &str| {
        from_str(
            &text,
            "storezero.toml",
            &[
                Override {
                    key: "simulation.users".into(),
                    value: "5000".into(),
                },
                Override {
                    key: "simulation.seed".into(),
                    value: seed.into(),
                },
            ],
        )
        .unwrap()
    };
    let files = |s: &Scenario, threads: usize| {
        let r = run(
            s,
            &RunOptions {
                threads,
                shard: None,
                logs: None,
                reference_path: false,
            },
            &Progress::default(),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        ssosim::output::write_run(dir.path(), s, &[], None, &r).unwrap();
        ["summary.csv", "timeseries.csv", "logins.csv", "load.csv"]
            .map(|f| std::fs::read(dir.path().join(f)).unwrap())
    };
    let a = files(&with("42"), 1);
    assert_eq!(a, files(&with("42"), 1), "same seed, same bytes");
    assert_eq!(a, files(&with("42"), 2), "1 or 2 threads, same bytes");
    assert_eq!(a, files(&with("42"), 4), "1 or 4 threads, same bytes");
    let b = files(&with("43"), 2);
    assert_ne!(a[0], b[0], "another seed gives another summary");
    assert_ne!(a[1], b[1], "another seed gives another time series");
}

/// No warm-up trap: `DAY` is the unit the scenarios above use.
#[test]
fn sample_every_day_gives_one_sample_a_day() {
    let s = spa(
        r#"idle_timeout = "1d"
absolute_timeout = "365d""#,
        "",
        10,
        3,
    );
    let m = simulate(&s, 1);
    assert_eq!(m.layout.samples(), 4);
    assert_eq!(m.layout.sample_every, DAY);
}

/// Share of silent attempts failed after a browser close over a whole run of
/// `t` days (first attempts left out), visits at `l` and closes at `m` a day.
/// An attempt at time τ has behind it a gap g ~ Exp(l) cut at τ (no earlier
/// visit: it is the first), which failed with probability 1 − e^(−m·g); early
/// attempts have short gaps, so the share is a little under m/(l+m):
/// failures F = l·∫₀ᵗ [(1 − e^(−lτ)) − l/(l+m)·(1 − e^(−(l+m)τ))] dτ,
/// attempts A = l·∫₀ᵗ (1 − e^(−lτ)) dτ.
fn whole_run_close_share(l: f64, m: f64, t: f64) -> f64 {
    let attempts = l * t - (1.0 - (-l * t).exp());
    let k = l + m;
    let failures = l * (t - (1.0 - (-l * t).exp()) / l - l / k * (t - (1.0 - (-k * t).exp()) / k));
    failures / attempts
}

/// Replicas: the 95% interval of each closed-form share contains its value.
#[test]
fn replica_intervals_contain_the_closed_forms() {
    use ssosim::metrics::stats::Estimate;
    let cases = [
        // (authorization server, users, expected share of failed silent auths
        // over the whole 30-day run, first attempts left out)
        (
            "idle_timeout = \"1d\"\nabsolute_timeout = \"365d\"",
            "",
            (-3.0f64).exp() * 86.0 / 89.0,
        ),
        (
            "cookie = \"non_persistent\"\nidle_timeout = \"100d\"\nabsolute_timeout = \"365d\"",
            "browser_closes_per_day = 1.0",
            whole_run_close_share(3.0, 1.0, 30.0),
        ),
    ];
    for (as_keys, users, expected) in cases {
        let mut s = spa(as_keys, users, 3000, 30);
        s.simulation.replicas = 8;
        let r = run(&s, &RunOptions::default(), &Progress::default()).unwrap();
        let row = summary::rows(&s, &r.replicas)
            .into_iter()
            .find(|r| r.metric == "silent_auth_failure_share" && r.scope == "all")
            .unwrap();
        let e = Estimate::from_replicas(&row.values);
        let (lo, hi) = e.ci95.unwrap();
        assert!(
            lo <= expected && expected <= hi,
            "{as_keys}: {expected} not in [{lo}, {hi}]"
        );
    }
}
