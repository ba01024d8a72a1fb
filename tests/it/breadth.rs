//! Model breadth (issue 10): each key against a closed form or an exact
//! comparison with a scenario it must reproduce.

use crate::support::model::{assert_share, closed_form_spa, silent_after, simulate};
use ssosim::metrics::per_user::PerUser;
use ssosim::metrics::{
    AppCounter as A, GlobalCounter, Layout, LoginKind, Metrics, SeriesCounter, TierCounter,
};
use ssosim::metrics::{Cause, Causes, Family};
use ssosim::scenario::{Scenario, from_str};

/// `m` without what is split by the users' third-party cookie policy (their
/// segments, and the cause of failed silent authentications), for tests
/// that compare runs differing only in that policy.
pub(crate) fn without_cookie_split(mut m: Metrics) -> Metrics {
    m.per_user = PerUser::new(m.layout.apps, m.layout.segments);
    m.causes = Causes::new(m.layout.apps, m.layout.idps);
    m
}

/// The closed-form SPA with long AS timeouts, `extra` among its user keys.
fn spa(extra: &str, users: u64, days: u64) -> Scenario {
    closed_form_spa(
        &format!("users = {users}\nduration = \"{days}d\"\nsample_every = \"1h\""),
        "idle_timeout = \"100d\"\nabsolute_timeout = \"365d\"",
        extra,
    )
}

#[test]
fn refresh_token_idle_lifetime_share_of_failed_exchanges_is_exp_minus_lambda_l() {
    // Every browser blocks third-party cookies, so silent auth always fails and
    // a failed exchange leads to a login and a new family. An exchange fails
    // when the gap since the last one is at least L = 1 day; with λ = 3/day the
    // share is e^(-λL), less the run's first day, where no gap of a day can lie
    // behind an exchange: e^(-3)·86/89 over 30 days, as for silent auth.
    let s = from_str(
        &spa_text("refresh_tokens = { enabled = true, absolute_lifetime = \"100d\", idle_lifetime = \"1d\" }", "third_party_cookies_blocked = 1.0"),
        "rt.toml",
        &[],
    )
    .unwrap();
    let m = simulate(&s, 0);
    let n = m.app_total(A::RefreshTokenExchanges) as f64;
    let failed = m.app_total(A::RefreshTokenFailures) as f64;
    assert_share(
        failed,
        n,
        (-3.0f64).exp() * 86.0 / 89.0,
        "refresh-token failures",
    );
    assert_eq!(
        m.app_total(A::RefreshTokenReuseDetected),
        0,
        "no browser closes, no reuse"
    );
}

/// The SPA text with extra lines for the app and for `[users]`.
fn spa_text(app: &str, users: &str) -> String {
    format!(
        r#"
name = "breadth"
[simulation]
users = 20000
duration = "30d"
[authorization_server]
plan = "enterprise"
idle_timeout = "1d"
absolute_timeout = "365d"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
{app}
[users]
visits_per_day = 3.0
protected_share = 1.0
visit_length = "1m"
{users}
"#
    )
}

#[test]
fn refresh_tokens_cut_reauthentication_when_third_party_cookies_are_blocked() {
    let without = simulate(
        &from_str(
            &spa_text("", "third_party_cookies_blocked = 1.0"),
            "a.toml",
            &[],
        )
        .unwrap(),
        0,
    );
    let with = simulate(
        &from_str(
            &spa_text(
                "refresh_tokens = { enabled = true }",
                "third_party_cookies_blocked = 1.0",
            ),
            "b.toml",
            &[],
        )
        .unwrap(),
        0,
    );
    let rate = |m: &Metrics| {
        m.app_total(A::Reauthentications) as f64 / m.app_total(A::ProtectedVisits) as f64
    };
    // Without refresh tokens every top-level SSO works but silent auth never
    // does; with them (15-day idle lifetime) almost every visit is served by
    // an exchange, and the AS session (idle 1 day) is no longer kept alive.
    assert!(
        with.app_total(A::RefreshTokenLogins) as f64
            > 0.9 * with.app_total(A::ProtectedVisits) as f64
    );
    assert_eq!(without.app_total(A::SilentAuthSuccesses), 0);
    assert!(
        rate(&with) < rate(&without),
        "{} vs {}",
        rate(&with),
        rate(&without)
    );
}

#[test]
fn a_custom_domain_gives_exactly_the_results_of_allowed_third_party_cookies() {
    let blocked_custom = spa_text("", "third_party_cookies_blocked = 1.0").replace(
        "absolute_timeout = \"365d\"",
        "absolute_timeout = \"365d\"\ncustom_domain = true",
    );
    let a = simulate(&from_str(&blocked_custom, "a.toml", &[]).unwrap(), 0);
    let b = simulate(&from_str(&spa_text("", ""), "b.toml", &[]).unwrap(), 0);
    let blocked = Cause::ThirdPartyCookiesBlocked;
    assert_eq!(a.causes.get(Family::SilentAuthFailures, 0, blocked), 0);
    assert_eq!(without_cookie_split(a), without_cookie_split(b));
}

#[test]
fn partitioned_third_party_cookies_behave_as_blocked_for_silent_auth() {
    let a = simulate(
        &from_str(
            &spa_text("", "third_party_cookies_blocked = 0.4"),
            "a.toml",
            &[],
        )
        .unwrap(),
        0,
    );
    let b = simulate(
        &from_str(
            &spa_text("", "third_party_cookies_partitioned = 0.4"),
            "b.toml",
            &[],
        )
        .unwrap(),
        0,
    );
    let f = Family::SilentAuthFailures;
    assert_eq!(
        a.causes.get(f, 0, Cause::ThirdPartyCookiesBlocked),
        b.causes.get(f, 0, Cause::ThirdPartyCookiesPartitioned)
    );
    assert!(a.causes.get(f, 0, Cause::ThirdPartyCookiesBlocked) > 0);
    assert_eq!(b.causes.get(f, 0, Cause::ThirdPartyCookiesBlocked), 0);
    assert!(a.app_total(A::SilentAuthLoginRequired) > a.app_total(A::SilentAuthSuccesses) / 10);
    assert_eq!(without_cookie_split(a), without_cookie_split(b));
}

#[test]
fn cookie_clears_at_rate_mu_fail_silent_auth_with_share_mu_over_lambda_plus_mu() {
    // As the browser-close closed form: clears at 30/month = 1/day, λ = 3/day.
    let s = spa("cookie_clears_per_month = 30.0", 20_000, 35);
    let m = simulate(&s, 0);
    let (fails, n) = silent_after(&m, 5 * 24);
    assert_share(fails, n, 0.25, "silent failures after cookie clears");
    assert!(m.tier_value(Layout::AS_TIER, TierCounter::EndedCookiesCleared) > 0);
    assert!(m.global_value(GlobalCounter::CookieClears) > 0);
}

#[test]
fn remembering_the_browser_for_the_whole_run_asks_mfa_once_per_user() {
    // AS idle 1 day: users log in again and again, but MFA is asked only at
    // each user's first login (no cookie clears, remember for a year).
    let text = spa_text("", "").replace(
        "absolute_timeout = \"365d\"",
        "absolute_timeout = \"365d\"\nmfa = true\nmfa_remember_browser = \"365d\"",
    );
    let m = simulate(&from_str(&text, "a.toml", &[]).unwrap(), 0);
    assert_eq!(m.app_total(A::MfaPrompts), m.app_total(A::FirstLogins));
    assert_eq!(
        m.app_total(A::MfaPrompts) + m.app_total(A::MfaSkippedRememberedBrowser),
        m.app_total(A::InteractiveLogins)
    );
    assert!(m.app_total(A::Reauthentications) > 0);
}

#[test]
fn token_renewals_happen_every_lifetime_during_a_visit() {
    // 10-minute visits, 3-minute tokens: renewals at 3, 6 and 9 minutes after
    // the page is served, three per visit that runs its course.
    let text = spa_text("token_lifetime = \"3m\"", "")
        .replace("visit_length = \"1m\"", "visit_length = \"10m\"");
    let m = simulate(&from_str(&text, "a.toml", &[]).unwrap(), 0);
    let visits = m.app_total(A::Visits) as f64;
    let renewals = m.app_total(A::TokenRenewals) as f64;
    // A few visits are queued behind another or cut by the end of the run.
    assert!(
        (renewals / visits - 3.0).abs() < 0.01,
        "{renewals} renewals for {visits} visits"
    );
}

#[test]
fn app_only_logouts_never_end_as_sessions_and_backchannel_logout_reaches_other_apps() {
    let base = |as_extra: &str, users_extra: &str| {
        format!(
            r#"
[simulation]
users = 3000
duration = "10d"
[authorization_server]
{as_extra}
[[apps]]
name = "web"
kind = "regular_web"
[[apps]]
name = "shop"
kind = "spa_backend"
[users]
protected_share = 1.0
logout_share = 0.3
{users_extra}
"#
        )
    };
    let app_only = simulate(
        &from_str(&base("", "app_only_logout_share = 1.0"), "a.toml", &[]).unwrap(),
        0,
    );
    assert!(app_only.app_total(A::Logouts) > 0);
    assert_eq!(
        app_only.tier_value(Layout::AS_TIER, TierCounter::EndedLogout),
        0
    );
    let plain = simulate(&from_str(&base("", ""), "b.toml", &[]).unwrap(), 0);
    let bc = simulate(
        &from_str(&base("backchannel_logout = true", ""), "c.toml", &[]).unwrap(),
        0,
    );
    let app_logout_ends = |m: &Metrics| {
        (0..2)
            .map(|a| m.tier_value(m.layout.app_tier(a), TierCounter::EndedLogout))
            .sum::<u64>()
    };
    assert_eq!(plain.app_total(A::BackchannelLogouts), 0);
    // Each AS logout notifies at most the other app.
    let notices = bc.app_total(A::BackchannelLogouts);
    assert!(notices > 0 && notices <= bc.tier_value(Layout::AS_TIER, TierCounter::EndedLogout));
    // Sessions ended by a notice are local sessions ended by logout.
    assert!(app_logout_ends(&bc) >= app_logout_ends(&plain) + notices / 2);
}

#[test]
fn a_daily_profile_shapes_visits_by_hour_of_day() {
    // Visits only between 8:00 and 20:00, twice as many in the evening hours.
    let w: [f64; 24] = std::array::from_fn(|h| match h {
        8..=15 => 1.0,
        16..=19 => 2.0,
        _ => 0.0,
    });
    let profile: Vec<String> = w.iter().map(|x: &f64| format!("{x:?}")).collect();
    let s = spa(
        &format!("daily_profile = [{}]", profile.join(", ")),
        5000,
        10,
    );
    let m = simulate(&s, 0);
    let visits = m.series.counter(0, SeriesCounter::Visits);
    let mut per_hour = [0f64; 24];
    for k in 1..visits.len() {
        // Visits in ((k-1)h, kh] land in hour (k-1) of the day.
        per_hour[(k - 1) % 24] += (visits[k] - visits[k - 1]) as f64;
    }
    let total: f64 = per_hour.iter().sum();
    let sum_w: f64 = w.iter().sum();
    for h in 0..24 {
        let p = w[h] / sum_w;
        if p == 0.0 {
            // Only visits that arrived in the last open hour and waited for
            // the one before them to end (one visit at a time) start here.
            assert!(per_hour[h] < 1e-4 * total, "hour {h}: {}", per_hour[h]);
        } else {
            assert_share(per_hour[h], total, p, &format!("hour {h}"));
        }
    }
    // The mean rate is kept: 3 visits a day.
    let expected = 5000.0 * 10.0 * 3.0;
    assert!(
        (total - expected).abs() < 4.0 * expected.sqrt() + 0.01 * expected,
        "{total}"
    );
}

#[test]
fn gamma_visit_rates_keep_the_mean_and_spread_users() {
    // Visits per user over T days: negative binomial, mean λT, variance
    // λT + (λT)²/k. Per-user counts from one simulator, user by user.
    use ssosim::model::{ModelConfig, Simulator};
    let s = spa(
        "visit_rate_distribution = \"gamma\"\nvisit_rate_shape = 0.5",
        4000,
        20,
    );
    let cfg = ModelConfig::new(&s);
    let mut sim = Simulator::new(&cfg, 0);
    let mut counts = Vec::new();
    let mut before = 0;
    for id in 0..4000 {
        sim.simulate(id, s.simulation.duration);
        let total = sim.metrics().app_total(A::Visits);
        counts.push((total - before) as f64);
        before = total;
    }
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / (n - 1.0);
    let lt = 3.0 * 20.0;
    let expected_var = lt + lt * lt / 0.5;
    assert!(
        (mean - lt).abs() < 4.0 * (expected_var / n).sqrt(),
        "mean {mean}"
    );
    // Variance within 25% (its own error is large with a heavy tail).
    assert!(
        (var / expected_var - 1.0).abs() < 0.25,
        "variance {var} vs {expected_var}"
    );
}

#[test]
fn tokens_are_renewed_when_the_first_of_the_access_and_id_tokens_expires() {
    // Access tokens last 3 minutes, ID tokens 2: renewals at 2, 4, 6 and 8
    // minutes of a 10-minute visit, four per visit.
    let text = spa_text("token_lifetime = \"3m\"\nid_token_lifetime = \"2m\"", "")
        .replace("visit_length = \"1m\"", "visit_length = \"10m\"");
    let m = simulate(&from_str(&text, "a.toml", &[]).unwrap(), 0);
    let ratio = m.app_total(A::TokenRenewals) as f64 / m.app_total(A::Visits) as f64;
    assert!((ratio - 4.0).abs() < 0.015, "{ratio} renewals per visit");
}

#[test]
fn an_app_past_index_255_keeps_its_own_visits_and_sessions() {
    // 257 apps, every visit to the last one (index 256): an 8-bit app index
    // wrapped it to app 0, which got its visits, logins and sessions.
    let mut text = String::from(
        "[simulation]\nusers = 300\nduration = \"5d\"\n[users]\nprotected_share = 1.0\n",
    );
    for i in 0..257 {
        let share = if i == 256 { "1.0" } else { "0.0" };
        text +=
            &format!("[[apps]]\nname = \"a{i}\"\nkind = \"regular_web\"\nvisit_share = {share}\n");
    }
    let s = from_str(&text, "many_apps.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    let m = simulate(&s, 0);
    let last = 256;
    for c in [
        A::Visits,
        A::InteractiveLogins,
        A::LocalSessionHits,
        A::TokenRequests,
    ] {
        assert_eq!(m.app_value(0, c), 0, "app a0 got {}", c.name());
        assert_eq!(m.app_value(last, c), m.app_total(c), "{}", c.name());
        assert!(m.app_value(last, c) > 0, "{}", c.name());
    }
    let created = |a: usize| m.tier_value(m.layout.app_tier(a), TierCounter::SessionsCreated);
    assert_eq!(created(0), 0);
    assert!(created(last) > 0);
}

#[test]
fn browser_closes_and_cookie_clears_never_end_a_native_apps_session() {
    // A web app and a native app, both with a session-only-capable local
    // session; browser closes (1/day) and cookie clears (30/month) end the
    // web app's sessions and orphan them, never the native app's.
    let text = r#"
[simulation]
users = 3000
duration = "20d"
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1d", absolute_timeout = "3d", cookie = "non_persistent" }
[[apps]]
name = "mobile"
kind = "native"
local_session = { idle_timeout = "1d", absolute_timeout = "3d" }
[users]
protected_share = 1.0
browser_closes_per_day = 1.0
cookie_clears_per_month = 30.0
"#;
    let m = simulate(&from_str(text, "native.toml", &[]).unwrap(), 0);
    let (web, native) = (m.layout.app_tier(0), m.layout.app_tier(1));
    assert!(m.tier_value(web, TierCounter::EndedBrowserClose) > 1000);
    assert!(m.tier_value(web, TierCounter::EndedCookiesCleared) > 1000);
    assert_eq!(m.tier_value(native, TierCounter::EndedBrowserClose), 0);
    assert_eq!(m.tier_value(native, TierCounter::EndedCookiesCleared), 0);
    assert!(m.tier_value(native, TierCounter::SessionsCreated) > 0);
    use ssosim::metrics::Series;
    assert!(
        m.series
            .sessions(Series::ORPHANED, web)
            .iter()
            .any(|&x| x > 0)
    );
    assert!(
        m.series
            .sessions(Series::ORPHANED, native)
            .iter()
            .all(|&x| x == 0)
    );
    // The AS session, held by a browser cookie, is reached by clears.
    assert!(m.tier_value(Layout::AS_TIER, TierCounter::EndedCookiesCleared) > 0);
}

#[test]
fn users_served_by_refresh_tokens_count_as_logged_in() {
    // Every browser blocks third-party cookies and the AS session ends after
    // a day without /authorize: after the first login every visit is served
    // by a refresh-token exchange, which never touches the AS session. A user
    // is logged in (served without a credential prompt) from the first login
    // on: the family (30 d absolute, 15 d idle at 3 visits a day) outlives
    // the run. So, at every sample, logged-in users = first logins so far
    // (exactly), ≈ N(1 − e^(−3t)) (closed form).
    let s = from_str(
        &spa_text(
            "refresh_tokens = { enabled = true }",
            "third_party_cookies_blocked = 1.0",
        ),
        "rt.toml",
        &[],
    )
    .unwrap();
    let m = simulate(&s, 0);
    assert_eq!(m.app_total(A::Reauthentications), 0);
    assert!(
        m.app_total(A::RefreshTokenLogins) + m.app_total(A::InteractiveLogins)
            >= m.app_total(A::ProtectedVisits) - m.app_total(A::LoginsAbandoned)
    );
    let logged_in = m.series.logged_in_users();
    let first = m.series.counter(0, SeriesCounter::InteractiveLogins);
    assert_eq!(logged_in, first, "logged in = first logins so far");
    let n = 20_000.0;
    let hour = 1.0 / 24.0;
    for (k, &x) in logged_in.iter().enumerate().skip(1) {
        let p = 1.0 - (-3.0 * k as f64 * hour).exp();
        let se = (n * p * (1.0 - p)).sqrt().max(1.0);
        assert!(
            (x as f64 - n * p).abs() < 4.5 * se,
            "sample {k}: {x} logged in, closed form {:.0}",
            n * p
        );
    }
    assert!(logged_in[logged_in.len() - 1] > 19_900);
}

/// Storezero with `extra` flags, at 4 000 users.
fn storezero_with(flags: &[(&str, &str)]) -> Scenario {
    use ssosim::scenario::Override;
    let text = std::fs::read_to_string("scenarios/storezero.toml").unwrap();
    let mut overrides = vec![Override {
        key: "simulation.users".into(),
        value: "4000".into(),
    }];
    overrides.extend(flags.iter().map(|(k, v)| Override {
        key: (*k).into(),
        value: (*v).into(),
    }));
    from_str(&text, "storezero.toml", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn constant_delays_draw_nothing_and_keep_every_result() {
    // A median equal to its p90 is a constant: no random number is drawn, so
    // every result is the one of the plain duration (and of the defaults).
    let plain = simulate(&storezero_with(&[]), 0);
    let tables = simulate(
        &storezero_with(&[
            ("network.latency", "{ median = \"40ms\", p90 = \"40ms\" }"),
            (
                "users.login_think_time",
                "{ median = \"8s\", p90 = \"8s\" }",
            ),
            ("authorization_server.processing_time", "\"0ms\""),
            (
                "identity_providers.facebook.processing_time",
                "{ median = \"0ms\", p90 = \"0ms\" }",
            ),
        ]),
        0,
    );
    assert_eq!(plain, tables);
}

#[test]
fn log_normal_think_times_have_the_median_and_p90_asked_for() {
    // Password users of a web app, latency 40 ms: an interactive login takes
    // 40 ms per hop plus one think time, so latency − 40·hops is a draw of
    // the think time: half at or below the median, 90% at or below p90.
    let text = r#"
[simulation]
users = 20000
duration = "10d"
[authorization_server]
idle_timeout = "2h"
absolute_timeout = "1d"
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1h", absolute_timeout = "1d" }
[users]
protected_share = 1.0
login_think_time = { median = "8s", p90 = "30s" }
"#;
    let m = simulate(&from_str(text, "think.toml", &[]).unwrap(), 0);
    let (mut n, mut below_median, mut below_p90) = (0.0, 0.0, 0.0);
    for (kind, latency, hops, count) in m.logins.rows() {
        if kind != LoginKind::Interactive {
            continue;
        }
        let think = latency - 40 * u64::from(hops);
        let c = count as f64;
        n += c;
        below_median += if think <= 8000 { c } else { 0.0 };
        below_p90 += if think <= 30_000 { c } else { 0.0 };
    }
    assert!(n > 50_000.0, "{n} interactive logins");
    assert_share(below_median, n, 0.5, "think times at or below the median");
    assert_share(below_p90, n, 0.9, "think times at or below p90");
}

#[test]
fn log_normal_latencies_give_silent_logins_their_closed_form_mean() {
    // A silent login is 4 hops (page, shell, iframe /authorize, web_message),
    // each a log-normal draw of median m = 40 ms and σ = ln(120/40)/z0.9:
    // mean 4·m·e^(σ²/2), variance 4·m²·e^(σ²)(e^(σ²) − 1).
    let text = spa_text("", "")
        .replace(
            "[authorization_server]",
            "[network]\nlatency = { median = \"40ms\", p90 = \"120ms\" }\n[authorization_server]",
        )
        .replace("idle_timeout = \"1d\"", "idle_timeout = \"100d\"");
    let m = simulate(&from_str(&text, "latency.toml", &[]).unwrap(), 0);
    let sigma = 3f64.ln() / 1.281_551_565_544_600_4;
    let s2 = sigma * sigma;
    let mean = 4.0 * 40.0 * (s2 / 2.0).exp();
    let sd = (4.0 * 1600.0 * s2.exp() * (s2.exp() - 1.0)).sqrt();
    let (mut n, mut sum) = (0.0, 0.0);
    for (kind, latency, hops, count) in m.logins.rows() {
        if kind == LoginKind::Silent {
            assert_eq!(hops, 4);
            n += count as f64;
            sum += latency as f64 * count as f64;
        }
    }
    assert!(n > 1e6, "{n} silent logins");
    let measured = sum / n;
    assert!(
        (measured - mean).abs() < 4.0 * sd / n.sqrt(),
        "mean {measured:.3} ms vs closed form {mean:.3} ms"
    );
}
