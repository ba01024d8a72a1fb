//! The exposure rows of scope `as` (issue 16) against closed forms, against
//! the time series they must agree with, and across thread counts.
//!
//! The scenarios are SPAs whose every visit is protected: each visit runs
//! silent authentication at the AS, which touches a valid AS session (or,
//! when there is none, ends in an interactive login that creates one). So
//! the AS session is a function of the Poisson visits at λ a day alone,
//! up to the seconds a login takes (negligible against hours).

use crate::support::model::closed_form_spa;
use ssosim::metrics::stats::Estimate;
use ssosim::metrics::{Layout, Series};
use ssosim::output::summary;
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::Scenario;

/// An SPA tenant, every visit protected, λ = 3 visits a day, a warm-up long
/// enough for the steady state; `extra_as` sets the AS timeouts and cookie,
/// `users` adds user keys.
fn spa(extra_as: &str, users: &str, n: u64, warmup_days: u64, replicas: u32) -> Scenario {
    let simulation = format!(
        "users = {n}\nduration = \"30d\"\nwarmup = \"{warmup_days}d\"\nreplicas = {replicas}\nsample_every = \"10m\""
    );
    closed_form_spa(&simulation, extra_as, users)
}

/// Each replica's value of `metric` in scope `as`.
fn values(s: &Scenario, replicas: &[ssosim::metrics::Metrics], metric: &str) -> Vec<f64> {
    summary::rows(s, replicas)
        .into_iter()
        .find(|r| r.metric == metric && r.scope == "as")
        .unwrap_or_else(|| panic!("no row {metric} in scope as"))
        .values
}

/// Asserts that the replicas' mean of `metric` is within 4 standard errors
/// (over replicas) of `expected`, and that the standard error is below
/// `precision` (so that the test can fail).
fn assert_close(
    s: &Scenario,
    r: &[ssosim::metrics::Metrics],
    metric: &str,
    expected: f64,
    precision: f64,
) {
    let v = values(s, r, metric);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    assert!(
        se < precision,
        "{metric}: standard error {se} over {precision}"
    );
    assert!(
        (mean - expected).abs() < 4.0 * se,
        "{metric}: {mean:.5} vs closed form {expected:.5} (4 SE = {:.5}; replicas {v:?})",
        4.0 * se
    );
}

fn simulate(s: &Scenario, threads: usize) -> Vec<ssosim::metrics::Metrics> {
    let opts = RunOptions {
        threads,
        ..RunOptions::default()
    };
    run(s, &opts, &Progress::default()).expect("run").replicas
}

/// Idle timeout T only (absolute timeout a year). A session, created at a
/// visit, lives while the gaps between visits stay under T, then T more:
/// valid at t iff a visit fell in (t − T, t], so valid session-hours per
/// user-day = 24 · (1 − e^{−λT}).
///
/// Its age: the session's life L = G_1 + … + G_N + T, where the G_i are the
/// gaps shorter than T that keep it alive (each short with probability
/// p = 1 − q, q = e^{−λT}; N geometric, P(N = n) = p^n q) and the last gap
/// is the T after the last visit. At a random instant of valid time the
/// session is picked with probability ∝ L and its age is uniform on [0, L),
/// so the mean age is E[L²] / (2 E[L]) (the inspection paradox). With
/// m1 = E[G | G < T] = 1/λ − T q/p,
/// m2 = E[G² | G < T] = (2/λ² − q (T² + 2T/λ + 2/λ²)) / p,
/// E[N] = p/q, E[N²] = p (1 + p)/q², S = G_1 + … + G_N:
/// E[S] = E[N] m1, E[S²] = E[N] (m2 − m1²) + E[N²] m1²,
/// E[L] = E[S] + T (= (1 − q)/(qλ): E[L]/(E[L] + 1/λ) = 1 − q, the valid
/// share above), E[L²] = E[S²] + 2T E[S] + T².
fn idle_mean_age(l: f64, t: f64) -> f64 {
    let q = (-l * t).exp();
    let p = 1.0 - q;
    let m1 = 1.0 / l - t * q / p;
    let m2 = (2.0 / (l * l) - q * (t * t + 2.0 * t / l + 2.0 / (l * l))) / p;
    let (en, en2) = (p / q, p * (1.0 + p) / (q * q));
    let es = en * m1;
    let es2 = en * (m2 - m1 * m1) + en2 * m1 * m1;
    let el = es + t;
    let el2 = es2 + 2.0 * t * es + t * t;
    el2 / (2.0 * el)
}

#[test]
fn idle_timeout_gives_24_times_one_minus_exp_minus_lambda_t_and_the_renewal_mean_age() {
    // λ = 3/day, T = 6 h: 24 (1 − e^−0.75) = 12.66 h per user-day; mean age
    // 5.564 h (a Monte Carlo of the renewal process gives 5.561).
    let (l, t) = (3.0f64, 0.25f64);
    let s = spa(
        "idle_timeout = \"6h\"\nabsolute_timeout = \"365d\"",
        "",
        1500,
        5,
        6,
    );
    let r = simulate(&s, 0);
    let hours = 24.0 * (1.0 - (-l * t).exp());
    assert_close(&s, &r, "valid_session_hours_per_user_day", hours, 0.02);
    let age = idle_mean_age(l, t) * 24.0;
    assert!((age - 5.5645).abs() < 1e-3, "{age}");
    assert_close(&s, &r, "valid_session_age_hours_mean", age, 0.02);
    // Nothing orphans a session. A session older than a day needs a day of
    // gaps under 6 h in a row: rare, not impossible; a week, rarer still.
    assert_eq!(
        values(&s, &r, "orphaned_session_hours_per_user_day"),
        vec![0.0; 6]
    );
    let day = values(&s, &r, "valid_session_share_older_1d");
    assert!(day.iter().all(|&x| x > 0.0 && x < 0.2), "{day:?}");
    let week = values(&s, &r, "valid_session_share_older_7d");
    assert!(week.iter().all(|&x| x < 1e-3), "{week:?}");
}

#[test]
fn absolute_timeout_gives_uniform_ages_over_a() {
    // Idle timeout = absolute timeout A = 8 days: the absolute one ends
    // every session (a tie counts as absolute), so each session is valid
    // exactly A from its login and its age runs uniformly over [0, A). Over
    // valid time: mean age A/2 = 96 h, p95 0.95 A = 182.4 h, a share 7/8
    // older than 1 day and 1/8 older than 7 days. A session lasts A, then
    // the next visit comes after 1/λ on average: valid hours per user-day
    // 24 · A/(A + 1/λ) = 23.04. The warm-up (80 days, 9.6 cycles) spreads
    // the users' phases in the cycle evenly.
    let s = spa(
        "idle_timeout = \"8d\"\nabsolute_timeout = \"8d\"",
        "",
        600,
        80,
        5,
    );
    let r = simulate(&s, 0);
    assert_close(
        &s,
        &r,
        "valid_session_hours_per_user_day",
        24.0 * 8.0 / (8.0 + 1.0 / 3.0),
        0.02,
    );
    assert_close(&s, &r, "valid_session_age_hours_mean", 96.0, 0.5);
    assert_close(&s, &r, "valid_session_share_older_1d", 0.875, 0.002);
    assert_close(&s, &r, "valid_session_share_older_7d", 0.125, 0.005);
    // The p95 comes from the age histogram: a bucket near 182 h is 1.2 h
    // wide, interpolated linearly over a flat density.
    assert_close(&s, &r, "valid_session_age_hours_p95", 182.4, 0.5);
}

#[test]
fn browser_closes_orphan_sessions_for_the_rest_of_their_idle_timeout() {
    // Session-only AS cookie, closes at μ = 1/day, idle T = 6 h, visits at
    // λ = 3/day; k = λ + μ. Valid at t iff the last visit, u ago, is within
    // T and no close came since: density λ e^{−ku} on [0, T), so valid
    // hours per user-day = 24 λ/k (1 − e^{−kT}) = 11.378. A close at t
    // finding the session valid (rate μ) orphans it for the T − u left of
    // its idle timeout: orphaned hours per user-day
    // = 24 μ λ ∫₀ᵀ (T − u) e^{−ku} du = 24 μ λ (T/k − (1 − e^{−kT})/k²) = 1.655.
    let (l, m, t) = (3.0f64, 1.0f64, 0.25f64);
    let k = l + m;
    let s = spa(
        "cookie = \"non_persistent\"\nidle_timeout = \"6h\"\nabsolute_timeout = \"365d\"",
        "browser_closes_per_day = 1.0",
        1500,
        5,
        6,
    );
    let r = simulate(&s, 0);
    let valid = 24.0 * l / k * (1.0 - (-k * t).exp());
    let orphaned = 24.0 * m * l * (t / k - (1.0 - (-k * t).exp()) / (k * k));
    assert_close(&s, &r, "valid_session_hours_per_user_day", valid, 0.02);
    assert_close(
        &s,
        &r,
        "orphaned_session_hours_per_user_day",
        orphaned,
        0.01,
    );
}

/// The exact session-hours are the integrals of the `valid` and `orphaned`
/// series of tier `as`: summed over the samples of the measured window at
/// a 10-minute step they agree to well under 1%.
#[test]
fn session_hours_are_the_integrals_of_the_time_series() {
    let s = spa(
        "cookie = \"non_persistent\"\nidle_timeout = \"6h\"\nabsolute_timeout = \"2d\"",
        "browser_closes_per_day = 1.0\ncookie_clears_per_month = 2.0",
        300,
        3,
        1,
    );
    let r = simulate(&s, 0);
    let m = &r[0];
    let l = m.layout;
    let users = 300.0 * 30.0;
    let first = l.sample_at_or_after(l.warmup);
    for (kind, metric) in [
        (Series::VALID, "valid_session_hours_per_user_day"),
        (Series::ORPHANED, "orphaned_session_hours_per_user_day"),
    ] {
        let samples = m.series.sessions(kind, Layout::AS_TIER);
        let sampled: i64 = samples[first..samples.len() - 1].iter().sum();
        let from_series = sampled as f64 * l.sample_every as f64 / 3.6e6 / users;
        let exact = values(&s, &r, metric)[0];
        assert!(exact > 0.1, "{metric}: {exact}");
        assert!(
            (exact - from_series).abs() < 0.005 * exact,
            "{metric}: exact {exact} vs series {from_series}"
        );
    }
}

/// The exposure sums are integers: any thread count gives the same bits.
#[test]
fn exposure_rows_are_the_same_whatever_the_thread_count() {
    let s = spa(
        "cookie = \"non_persistent\"\nidle_timeout = \"2d\"\nabsolute_timeout = \"10d\"",
        "browser_closes_per_day = 0.2",
        400,
        3,
        2,
    );
    let rows = |threads| {
        let r = simulate(&s, threads);
        summary::rows(&s, &r)
            .into_iter()
            .filter(|row| {
                row.scope == "as"
                    && (row.metric.starts_with("valid_session")
                        || row.metric.starts_with("orphaned_session"))
            })
            .map(|row| (row.metric, row.values))
            .collect::<Vec<_>>()
    };
    let one = rows(1);
    assert_eq!(one.len(), 6);
    assert!(
        one.iter().all(|(_, v)| v.iter().all(|&x| x > 0.0)),
        "{one:?}"
    );
    assert_eq!(one, rows(2));
    assert_eq!(one, rows(3));
    let e = Estimate::from_replicas(&one[0].1);
    assert!(e.ci95.is_some());
}
