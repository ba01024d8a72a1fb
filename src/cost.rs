//! What a run will cost, estimated from the scenario's rates before running it
//! (`ssosim check`). Both figures are estimates, labelled so wherever shown.
//!
//! # Events
//!
//! An engine event is a visit arrival, the end of a dwell, a browser close, a
//! password reset, a token expiry, or one hop delivered. Hops per visit are
//! counted from the flows of design §3 and §5:
//!
//! | visit | hops |
//! |---|---|
//! | code-grant app, anonymous page, or protected page served from the local session | 2 |
//! | code-grant app, SSO login | 8 |
//! | code-grant app, interactive login (password, with the `/authorize/resume` step) | 14 (+6 with an IdP dialog, +4 with MFA) |
//! | `spa_implicit`, silent authentication (success, or anonymous page) | 4 |
//! | `spa_implicit`, protected page after `login_required`: SSO / interactive | 8 / 14 (+6, +4) |
//! | logout at the end of the dwell (code grant / `spa_implicit`) | 6 / 4 (+2 federated) |
//! | `spa_implicit` with a `memory` cache and no hint cookie: anonymous page / protected page | 2 / 6 or 12 (+6, +4) |
//!
//! plus 2 events per visit (arrival, dwell end) and 3 per token renewal. The
//! chance that a local or AS session is still valid at a visit is that of a
//! Poisson process of uses outrunning the idle timeout and the processes that
//! end a session (browser closes for session-only cookies, logouts, password
//! resets, the absolute timeout):
//! `P(valid) = u / (u + k) · (1 − exp(−(u + k) · idle))`, with `u` the rate of
//! uses and `k` that of endings. First logins are not counted apart.
//!
//! # Memory
//!
//! Each worker thread owns one accumulator (see `runner`), and each finished
//! replica keeps its merged one. An accumulator holds the time series (8
//! bytes × samples × (2 × tiers + 1 + 9 × apps)) and the per-second AS load
//! per endpoint in hour pages (`metrics::PerSecond`): 24 bytes per endpoint
//! and hour, plus per hour either 2.8 bytes per request (sparse) or 7 200
//! bytes (dense), whichever is smaller, plus write buffers. The load part
//! grows with the requests an accumulator holds: at the end of a replica
//! the first thread's takes in the others'. Then come the load statistics
//! (224 bytes per hour and replica), the output text and a measured base of
//! about 6 MB (binary, allocator, thread stacks). The AS load estimate
//! (requests per visit at each endpoint) comes from the same chances as the
//! events. Measured, `--threads 2` (2026-12-02): storezero 20 000 users × 30
//! days 20.9 MB (estimate 22 MB); 3 000 users × 365 days 36.7 MB (estimate
//! 41 MB); 3 000 users × 3 650 days 250 MB (estimate 289 MB).

use crate::metrics::{Endpoint, PAGE_SECONDS};
use crate::scenario::{Connection, CookieKind, CookiePolicy, Scenario, TokenCache};
use crate::time::{DAY, SECOND};

/// Base memory of a run besides its accumulators, in bytes (measured: 5.2 MB
/// for a one-hour run of 10 users).
pub const BASE_MEMORY: u64 = 6 * 1024 * 1024;
/// Write buffers of one endpoint's per-second counts, at most.
const LOAD_BUFFER_BYTES: u64 = 512 * 1024;
/// Bytes of `timeseries.csv` text per sample and series (measured: 17 on
/// storezero, 3 000 users over 3 650 days).
const OUTPUT_BYTES_PER_VALUE: u64 = 20;

/// The cost of a run, estimated from its scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Engine events per user and simulated day.
    pub events_per_user_day: f64,
    /// Engine events in one replica.
    pub events_per_replica: f64,
    /// Bytes of one metrics accumulator.
    pub accumulator_bytes: u64,
    /// Accumulators alive at the peak.
    pub accumulators: u64,
    /// Bytes of the output text held before writing.
    pub output_bytes: u64,
    /// Estimated peak resident memory, bytes.
    pub memory_bytes: u64,
    /// Mean requests per second the AS receives in the measured window.
    pub requests_per_s_mean: f64,
    /// Expected busiest second of requests at the AS (see [`peak_second`]).
    pub requests_per_s_peak: f64,
}

/// `P(valid)` of a session used at rate `uses` and ended at rate `ends` (per
/// day), with an idle timeout of `idle_days`.
fn valid(uses: f64, ends: f64, idle_days: f64) -> f64 {
    let total = uses + ends;
    if total <= 0.0 {
        return 0.0;
    }
    uses / total * (1.0 - (-total * idle_days).exp())
}

/// Estimates the events and memory of a run of `s` with `threads` workers.
pub fn estimate(s: &Scenario, threads: usize) -> Estimate {
    let u = &s.users;
    let day = DAY as f64;
    let (v, p, logout) = (u.visits_per_day, u.protected_share, u.logout_share);
    let password: f64 = u
        .connections
        .iter()
        .filter(|(c, _)| *c == Connection::Password)
        .map(|(_, x)| x)
        .sum();
    let idp = 1.0 - password;
    let resets = password * u.password_resets_per_year / 365.0;
    let closes = u.browser_closes_per_day;
    let lost = |cookie: CookieKind| match cookie {
        CookieKind::Persistent => 0.0,
        CookieKind::NonPersistent => closes,
    };
    // Partitioned cookies act as blocked in the iframe; a custom domain makes
    // the AS cookie first-party there.
    let blocked = if s.authorization_server.custom_domain {
        0.0
    } else {
        match &u.browsers {
            Some(mix) => mix
                .iter()
                .filter(|b| b.profile.third_party_cookies != CookiePolicy::Allowed)
                .map(|b| b.share)
                .sum(),
            None => u.third_party_cookies_blocked + u.third_party_cookies_partitioned,
        }
    };
    let clears = u.cookie_clears_per_month / 30.0;
    let extra_login = idp * 6.0 + if s.authorization_server.mfa { 4.0 } else { 0.0 };

    // Local-session hits per code-grant app, and the AS's rate of uses.
    let mut as_uses = 0.0;
    let hits: Vec<f64> = s
        .apps
        .iter()
        .map(|a| {
            if a.kind.uses_code_grant() {
                let uses = v * p * a.visit_share;
                let ls = a.local_session;
                let idle = ls.idle_timeout.min(ls.absolute_timeout) as f64 / day;
                let ends = lost(ls.cookie) + day / ls.absolute_timeout as f64;
                let hit = (1.0 - logout) * valid(uses, ends, idle);
                as_uses += uses * (1.0 - hit);
                hit
            } else {
                as_uses += v * a.visit_share * ((1.0 - blocked) + blocked * p);
                0.0
            }
        })
        .collect();
    let asp = s.authorization_server.session;
    let as_ends =
        lost(asp.cookie) + v * p * logout + resets + clears + day / asp.absolute_timeout as f64;
    let as_valid = valid(
        as_uses,
        as_ends,
        asp.idle_timeout.min(asp.absolute_timeout) as f64 / day,
    );

    let mut per_visit = 2.0;
    // Requests per visit at each AS endpoint, from the same chances.
    let mfa = if s.authorization_server.mfa { 1.0 } else { 0.0 };
    let mut requests = [0.0f64; Endpoint::COUNT];
    let mut add = |e: Endpoint, x: f64| requests[e as usize] += x;
    let interactive = |add: &mut dyn FnMut(Endpoint, f64), x: f64| {
        add(Endpoint::LoginPage, x);
        add(Endpoint::LoginPost, x);
        add(Endpoint::LoginCallback, x * idp);
        add(Endpoint::AuthorizeResume, x * (1.0 + mfa));
        add(Endpoint::MfaPost, x * mfa);
    };
    for (a, hit) in s.apps.iter().zip(&hits) {
        let share = a.visit_share;
        add(Endpoint::Logout, share * p * logout);
        if a.kind.uses_code_grant() {
            let logins = share * p * (1.0 - hit);
            add(Endpoint::Authorize, logins);
            add(Endpoint::TokenCode, logins);
            interactive(&mut add, logins * (1.0 - as_valid));
        } else {
            let silent = (1.0 - blocked) * as_valid;
            let renew_every = a.token_lifetime.min(a.id_token_lifetime).max(1);
            let renewals = (u.visit_length.saturating_sub(1) / renew_every) as f64;
            let with_tokens = silent + (1.0 - silent) * p;
            let rt = a.refresh_tokens;
            // A refresh token survives the page load only in local storage;
            // a memory cache checks the AS session in the iframe only while
            // its hint cookie lives (a visit within session_check_expiry),
            // else a protected page goes to /authorize at the top.
            let stored = a.token_cache == TokenCache::LocalStorage;
            let hint = if stored {
                1.0
            } else {
                1.0 - (-v * share * a.session_check_expiry as f64 / day).exp()
            };
            let ok = if rt.enabled && stored {
                let ends = day / rt.absolute_lifetime as f64 + clears + p * logout;
                valid(v * share, ends, rt.idle_lifetime as f64 / day)
            } else {
                0.0
            };
            if rt.enabled && stored {
                add(Endpoint::TokenRefresh, share * (1.0 + ok * renewals));
            }
            let without = share * (1.0 - ok);
            add(
                Endpoint::AuthorizeIframe,
                without * hint * (1.0 + with_tokens * renewals),
            );
            let failed = without * (hint * (1.0 - silent) * p + (1.0 - hint) * p);
            add(Endpoint::Authorize, failed);
            interactive(&mut add, failed * (1.0 - as_valid));
        }
    }
    for (a, hit) in s.apps.iter().zip(&hits) {
        let federated = idp * u.federated_logout_share * 2.0;
        let hops = if a.kind.uses_code_grant() {
            let login = as_valid * 8.0 + (1.0 - as_valid) * (14.0 + extra_login);
            let protected = hit * 2.0 + (1.0 - hit) * login;
            (1.0 - p) * 2.0 + p * (protected + logout * (6.0 + federated))
        } else {
            let silent = (1.0 - blocked) * as_valid;
            let after_failure = as_valid * 4.0 + (1.0 - as_valid) * (10.0 + extra_login);
            // A renewal is scheduled while it falls strictly before the dwell ends.
            let renew_every = a.token_lifetime.min(a.id_token_lifetime).max(1);
            let renewals = (u.visit_length.saturating_sub(1) / renew_every) as f64;
            let with_tokens = silent + (1.0 - silent) * p;
            let checked = 4.0
                + (1.0 - silent) * p * after_failure
                + with_tokens * renewals * 3.0
                + p * logout * (4.0 + federated);
            // Without its hint cookie a memory-cache SDK skips the iframe: a
            // protected page goes to /authorize, an anonymous one is served.
            // The cookie lives while a visit came within its life.
            let stored = a.token_cache == TokenCache::LocalStorage;
            let hint = if stored {
                1.0
            } else {
                1.0 - (-v * a.visit_share * a.session_check_expiry as f64 / day).exp()
            };
            let unchecked = 2.0 + p * (after_failure + renewals * 3.0 + logout * (4.0 + federated));
            let without_refresh = hint * checked + (1.0 - hint) * unchecked;
            let rt = a.refresh_tokens;
            if rt.enabled && stored {
                // A load exchanges the refresh token (4 hops with the shell);
                // a refused one costs 2 hops, then the flow without it.
                let ends = day / rt.absolute_lifetime as f64 + clears + p * logout;
                let ok = valid(v * a.visit_share, ends, rt.idle_lifetime as f64 / day);
                ok * (4.0 + renewals * 3.0 + p * logout * (4.0 + federated))
                    + (1.0 - ok) * (2.0 + without_refresh)
            } else {
                without_refresh
            }
        };
        per_visit += a.visit_share * hops;
    }
    // Each device closes and is cleared at the users.* rates.
    let devices: f64 = u.devices.iter().map(|&(n, x)| f64::from(n) * x).sum();
    let events_per_user_day = v * per_visit + (closes + clears) * devices + resets;
    // Users start at times spread evenly over the warm-up: on average each
    // simulates half of it before the measured window.
    let days = (s.simulation.duration as f64 + s.simulation.warmup as f64 / 2.0) / day;
    let events_per_replica = events_per_user_day * days * s.simulation.users as f64;

    let per_visit_requests = requests.map(|x| x * v);
    let received: f64 = per_visit_requests[..Endpoint::COUNT - 1].iter().sum();
    let logins = per_visit_requests[Endpoint::Authorize as usize]
        + per_visit_requests[Endpoint::AuthorizeIframe as usize]
        + per_visit_requests[Endpoint::TokenRefresh as usize];

    let seconds = s.simulation.duration.div_ceil(SECOND);
    let pages = seconds.div_ceil(PAGE_SECONDS);
    let samples = (s.simulation.warmup + s.simulation.duration) / s.simulation.sample_every + 1;
    let tiers = (1 + s.identity_providers.len() + s.apps.len()) as u64;
    let apps = s.apps.len() as u64;
    let series = 2 * tiers + 1 + 9 * apps;
    let threads = threads.max(1) as u64;
    let users = s.simulation.users as f64;
    let profile = hour_weights(&u.daily_profile);
    let load = |users: f64| load_bytes(&per_visit_requests, users, pages, &profile);
    let fixed = 8 * samples * series + PAGE_HEADER_BYTES * Endpoint::COUNT as u64 * pages;
    let accumulator_bytes = fixed + load(users / threads as f64);
    let replicas = u64::from(s.simulation.replicas);
    let accumulators = threads + replicas - 1;
    // The first thread's accumulator takes in the others at the end of a
    // replica: it grows from its users' requests to all of them.
    let merged_growth = load(users).saturating_sub(load(users / threads as f64));
    let finished = (fixed + load(users)).saturating_mul(replicas - 1);
    let hours = LOAD_STATS_BYTES_PER_HOUR * pages * replicas;
    let output_bytes = OUTPUT_BYTES_PER_VALUE * samples * series + LOAD_CSV_BYTES_PER_HOUR * pages;
    let memory_bytes = BASE_MEMORY
        .saturating_add(accumulator_bytes.saturating_mul(threads))
        .saturating_add(merged_growth)
        .saturating_add(finished)
        .saturating_add(hours)
        .saturating_add(output_bytes);
    let days = s.simulation.duration as f64 / day;
    Estimate {
        events_per_user_day,
        events_per_replica,
        accumulator_bytes,
        accumulators,
        output_bytes,
        memory_bytes,
        requests_per_s_mean: users * received / 86_400.0,
        requests_per_s_peak: peak_second(
            users * logins / 86_400.0 * profile.iter().cloned().fold(0.0, f64::max),
            if logins > 0.0 { received / logins } else { 0.0 },
            days * 86_400.0,
        ),
    }
}

/// Bytes of one page's entry (the enum holding a sparse or dense page).
const PAGE_HEADER_BYTES: u64 = 24;
/// Bytes per hour of the load statistics of one replica (14 series × 16 bytes).
const LOAD_STATS_BYTES_PER_HOUR: u64 = 14 * 16;
/// Bytes of `load.csv` per hour (measured: 313 on storezero, 9 series).
const LOAD_CSV_BYTES_PER_HOUR: u64 = 300;
/// Heap bytes per request in a sparse page: 2, and two fifths more for
/// vector growth and the allocator (measured on storezero over 3 650 days).
const SPARSE_BYTES_PER_REQUEST: f64 = 2.0 * 1.4;

/// Relative visit intensity of each hour of the day, mean 1 (flat without a
/// profile).
fn hour_weights(profile: &[f64]) -> Vec<f64> {
    let mean = profile.iter().sum::<f64>() / profile.len().max(1) as f64;
    if profile.is_empty() || mean <= 0.0 {
        return vec![1.0; 24];
    }
    profile.iter().map(|w| w / mean).collect()
}

/// Heap bytes of the per-second load of `users` users over `pages` hours
/// (see `metrics::PerSecond`): per endpoint and hour,
/// [`SPARSE_BYTES_PER_REQUEST`] while sparse, 7 200 once dense, plus
/// the write buffers of each endpoint that has requests.
fn load_bytes(per_user_day: &[f64], users: f64, pages: u64, profile: &[f64]) -> u64 {
    let mut bytes = 0.0;
    for &rate in per_user_day {
        if rate <= 0.0 {
            continue;
        }
        let per_hour = users * rate / 24.0;
        let per_day: f64 = profile
            .iter()
            .map(|w| (per_hour * w * SPARSE_BYTES_PER_REQUEST).min(PAGE_SECONDS as f64 * 2.0))
            .sum();
        bytes += per_day / profile.len() as f64 * pages as f64;
        bytes += (per_hour * pages as f64 * 8.0).min(LOAD_BUFFER_BYTES as f64);
    }
    bytes as u64
}

/// Expected busiest second over `seconds` seconds: logins (the first request
/// of each flow at the AS) arrive as a Poisson process of `rate` per second
/// at the busiest hour, each bringing `per_login` requests that mostly fall
/// within a second or two; the busiest second is taken as `per_login` times
/// the largest `k` that at least one second of a Poisson(`rate`) process
/// reaches on average (seconds · P(X ≥ k) ≥ 1).
pub fn peak_second(rate: f64, per_login: f64, seconds: f64) -> f64 {
    if rate <= 0.0 || seconds < 1.0 {
        return 0.0;
    }
    // P(X >= k) from the upper tail, in logs: ln pmf(k) = k ln λ − λ − ln k!.
    // ln k!: exact below 20, Stirling's series above (error below 1e-7).
    let ln_fact = |k: u64| -> f64 {
        if k < 20 {
            (2..=k).map(|i| (i as f64).ln()).sum()
        } else {
            let x = k as f64;
            x * x.ln() - x + 0.5 * (std::f64::consts::TAU * x).ln() + 1.0 / (12.0 * x)
        }
    };
    let ln_pmf = |k: u64| k as f64 * rate.ln() - rate - ln_fact(k);
    let mut k = rate.ceil() as u64;
    loop {
        // Tail from k: the next 60 terms are enough once past the mean.
        let first = ln_pmf(k + 1);
        let mut tail = 0.0;
        let mut term = first.exp();
        for j in (k + 1)..(k + 61) {
            tail += term;
            term *= rate / (j + 1) as f64;
        }
        if tail * seconds < 1.0 {
            return per_login * k as f64;
        }
        k += 1;
    }
}

/// Most events a run may be expected to simulate, over all replicas, without
/// `--force`: a few hours of simulation on two cores (200 000 storezero users
/// for 30 days are 1.3 × 10^8).
pub const MAX_UNFORCED_EVENTS: f64 = 1e11;

/// Physical memory of the machine, from `/proc/meminfo` (Linux only).
pub fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// Why a run is too big to start without `--force`, one line per reason
/// (`simulation: ...`), or nothing.
pub fn too_big(s: &Scenario, threads: usize) -> Vec<String> {
    let e = estimate(s, threads);
    let mut reasons = Vec::new();
    let events = e.events_per_replica * f64::from(s.simulation.replicas);
    if events > MAX_UNFORCED_EVENTS {
        let hours = events / 10e6 / 3_600.0;
        reasons.push(format!(
            "simulation: the run would simulate about {events:.1e} events (estimate; about {hours:.0} hours at 10 M events/s), more than {MAX_UNFORCED_EVENTS:.0e} without --force; lower simulation.users, simulation.duration, simulation.replicas or the users.* rates, or pass --force"
        ));
    }
    if let Some(ram) = physical_memory()
        && e.memory_bytes > ram
    {
        reasons.push(format!(
            "simulation: the run would need about {} MB of memory (estimate), more than the {} MB of this machine; use fewer --threads or replicas, a shorter simulation.duration or a longer sample_every, or pass --force",
            e.memory_bytes / (1024 * 1024),
            ram / (1024 * 1024)
        ));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storezero_is_about_22_events_per_user_day() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/storezero.toml");
        let s = crate::scenario::load(std::path::Path::new(path), &[]).unwrap();
        let e = estimate(&s, 2);
        // Measured: 6 663 501 events for 10 000 users over 30 days, 22.2.
        assert!(
            (e.events_per_user_day - 22.2).abs() < 2.0,
            "{}",
            e.events_per_user_day
        );
        // 5 000 users a thread fill their hours' pages densely (7 200 bytes
        // for the busiest endpoints), far below the 20 MB of a u32 a second.
        assert!(
            e.accumulator_bytes > 1_000_000 && e.accumulator_bytes < 12_000_000,
            "{}",
            e.accumulator_bytes
        );
        assert_eq!(e.accumulators, 2);
        // Measured: 0.357 requests/s, busiest second 12.
        assert!((e.requests_per_s_mean / 0.357 - 1.0).abs() < 0.1);
        assert!((9.0..=15.0).contains(&e.requests_per_s_peak));
    }

    /// The event estimate of every bundled scenario is within 10% of a run.
    #[test]
    fn estimates_match_runs_of_the_bundled_scenarios() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        assert!(files.len() >= 6, "{files:?}");
        let users = crate::scenario::Override {
            key: "simulation.users".to_string(),
            value: "1000".to_string(),
        };
        for f in files {
            let s = crate::scenario::load(&f, std::slice::from_ref(&users)).unwrap();
            let opts = crate::runner::RunOptions::default();
            let r = crate::runner::run(&s, &opts, &Default::default()).unwrap();
            let actual = r.events() as f64;
            let est = estimate(&s, 1);
            let e = est.events_per_replica;
            assert!(
                (e / actual - 1.0).abs() < 0.10,
                "{}: estimated {e}, ran {actual}",
                f.display()
            );
            // The AS load: mean within 15%, busiest second within a factor 2.
            // (A huge tenant's estimate stays quick: see peak_second_of_a_huge_tenant.)
            let load = crate::metrics::load_stats::LoadStats::of(&r.replicas[0].load, &[]);
            let total = load.total();
            let mean = total.mean(load.seconds as f64);
            assert!(
                (est.requests_per_s_mean / mean - 1.0).abs() < 0.15,
                "{}: estimated {} requests/s, ran {mean}",
                f.display(),
                est.requests_per_s_mean
            );
            let peak = total.max() as f64;
            assert!(
                est.requests_per_s_peak <= 2.0 * peak && peak <= 2.0 * est.requests_per_s_peak,
                "{}: estimated busiest second {}, ran {peak}",
                f.display(),
                est.requests_per_s_peak
            );
        }
    }

    #[test]
    fn peak_second_of_a_huge_tenant() {
        // 10 million logins a second, one request each: the busiest of a
        // day's seconds is a few standard deviations (3 162) above the mean.
        let k = peak_second(1e7, 1.0, 86_400.0);
        assert!(k > 1e7 + 3.0 * 3162.0 && k < 1e7 + 6.0 * 3162.0, "{k}");
        // A quiet tenant: 0.155 logins/s of 2.3 requests over 30 days.
        assert_eq!(peak_second(0.155, 2.3, 2_592_000.0), 2.3 * 5.0);
        assert_eq!(peak_second(0.0, 2.0, 100.0), 0.0);
    }

    #[test]
    fn valid_share_is_a_probability() {
        assert_eq!(valid(0.0, 0.0, 1.0), 0.0);
        let x = valid(1.5, 1.0, 1.0 / 12.0);
        assert!(x > 0.1 && x < 0.12, "{x}");
        assert!(valid(1e6, 0.0, 3.0) > 0.999);
    }
}
