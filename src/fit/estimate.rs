//! Estimates: direct ones from the log, then the method of simulated
//! moments for what the log shows only in part.
//!
//! Direct (from the events alone):
//! - connection shares: each user's connection (its events' `connection`),
//!   share of users, 95 % Wilson interval;
//! - apps: each `client_name`; its kind from what it does at the AS (code
//!   exchanges: `regular_web`; silent authentication only: `spa_implicit`),
//!   refresh tokens when it exchanges them.
//!
//! Simulated moments (candidate scenario simulated with common random
//! numbers — the same seed every time — and its log's statistics matched to
//! the tenant's, [`super::stats`]), each step multiplying a parameter by the
//! ratio of the observed to the simulated statistic it drives:
//! - `users.visits_per_day` ← activity events per active user-day;
//! - `users.visit_rate_shape` (gamma) ← dispersion index of per-user counts
//!   (k ∝ 1 / (dispersion − 1), as for negative binomial counts);
//! - `users.logout_share` ← `slo` per `s`;
//! - `users.daily_profile` ← share of activity events per hour;
//! - `simulation.users` ← active users over the simulated share of users
//!   with at least one event (users whose visits left no log).
//!
//! Candidates are simulated with the base's seed + 1 (default base: 43):
//! the same for every candidate, and not the seed of a run that may have
//! written the log (it would replay its draws).
//!
//! Intervals (95 %) map the standard error of the observed statistic and of
//! the simulated one (same number of users) through the same proportion.

use super::read::LogSet;
use super::stats::{ObservedKind, Stats};
use crate::logs::{LogOptions, Tenant};
use crate::runner::{Progress, RunOptions, run};
use crate::scenario::{AppKind, Override, Scenario, from_str, parse_override, to_toml};
use crate::time::DAY;

/// Simulated users at most per candidate: the statistics are per user.
pub const MAX_SIMULATED_USERS: u64 = 20_000;
/// Simulated users at least per candidate, whatever the tenant's size, so
/// that the simulated statistics are more precise than the observed ones.
pub const MIN_SIMULATED_USERS: u64 = 10_000;
/// Iterations of the moment matching.
pub const ITERATIONS: usize = 6;
const Z95: f64 = 1.959_964;

/// One fitted value with its interval and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Dotted scenario key.
    pub key: String,
    /// The value as written in the scenario.
    pub value: f64,
    /// 95 % interval (`f64::INFINITY` when unbounded).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The events it rests on, in words.
    pub from: String,
}

/// The outcome of a fit.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The fitted scenario.
    pub scenario: Scenario,
    /// Its TOML, each fitted key commented.
    pub toml: String,
    /// Every estimate.
    pub estimates: Vec<Estimate>,
    /// Observed statistics.
    pub observed: Stats,
    /// The fitted scenario's simulated statistics.
    pub simulated: Stats,
    /// Remarks on settings (timeouts of `--base`) the log contradicts.
    pub remarks: Vec<String>,
}

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// No usable event.
    #[error("{0}")]
    Nothing(String),
    /// A candidate scenario does not validate (a bug, or a base that cannot take the fit).
    #[error("the fitted scenario does not validate: {0}")]
    Invalid(String),
    /// A candidate run failed.
    #[error("simulating a candidate failed: {0}")]
    Run(String),
}

/// Everything the candidates vary.
#[derive(Debug, Clone)]
struct Params {
    users: f64,
    rate: f64,
    shape: f64,
    logout: f64,
    profile: [f64; 24],
}

/// Fits a scenario to `logs`, on top of `base` (timeouts, apps and the
/// rest the log cannot show) or of a regular-web default.
///
/// # Errors
/// [`FitError::Nothing`] without usable events; the others on a bug or a
/// base that cannot take the fitted keys.
pub fn fit(logs: &LogSet, base: Option<&Scenario>) -> Result<Fit, FitError> {
    if logs.events.is_empty() {
        return Err(FitError::Nothing("no usable event".to_string()));
    }
    let t0 = logs.events.iter().map(|e| e.time).min().unwrap_or(0) / DAY * DAY;
    let t1 = logs.events.iter().map(|e| e.time).max().unwrap_or(0) / DAY * DAY + DAY;
    let days = (t1 - t0) / DAY;
    let observed = Stats::of(&logs.events, days as f64);
    let mut estimates = Vec::new();

    // Connection shares, per user.
    let mut user_conn = vec![u16::MAX; logs.users.len()];
    for e in &logs.events {
        if user_conn[e.user as usize] == u16::MAX {
            user_conn[e.user as usize] = e.connection;
        }
    }
    let known: Vec<u16> = user_conn.into_iter().filter(|c| *c != u16::MAX).collect();
    let mut shares = Vec::new();
    for (i, name) in logs.connections.iter().enumerate() {
        let n = known.iter().filter(|c| usize::from(**c) == i).count() as f64;
        let total = known.len() as f64;
        let (low, high) = wilson(n, total);
        shares.push((name.clone(), n / total));
        estimates.push(Estimate {
            key: format!("users.connections.{name}"),
            value: n / total,
            low,
            high,
            from: format!("{n} of {total} users' connection"),
        });
    }
    if shares.is_empty() {
        shares.push(("password".to_string(), 1.0));
    }

    let text = base_text(logs, base, &shares);
    let base_seed = base.map_or(42, |b| b.simulation.seed);
    let file = "fit";
    let apps_from_logs = base.is_none();
    let mut p = first_guess(&observed, days);
    let mut active_share = 1.0;
    let mut sim_users = 0u64;
    let build = |p: &Params| {
        candidate(
            &text,
            file,
            p,
            days,
            t0,
            &shares,
            logs,
            apps_from_logs,
            base_seed,
        )
    };
    for _ in 0..=ITERATIONS {
        let s = build(&p)?;
        let simulated;
        (simulated, sim_users) = simulate(&s)?;
        active_share = simulated.active_users as f64 / sim_users as f64;
        step(&mut p, &observed, &simulated, active_share);
    }
    let scenario = build(&p)?;
    let scale = |value: f64, o: f64, o_se: f64, s_se: f64| -> (f64, f64) {
        let rel = Z95 * (o_se * o_se + s_se * s_se).sqrt() / o.max(f64::MIN_POSITIVE);
        (value * (1.0 - rel).max(0.0), value * (1.0 + rel))
    };
    // Visit rate and shape drive both statistics: their intervals come from
    // the sensitivity of the simulated statistics to each (finite
    // differences, common random numbers) and the covariance of the observed
    // ones (plus the simulation's share of noise).
    let moved = |rate: f64, shape: f64| -> Result<Stats, FitError> {
        let q = Params {
            rate,
            shape,
            ..p.clone()
        };
        let s = candidate(
            &text,
            file,
            &q,
            days,
            t0,
            &shares,
            logs,
            apps_from_logs,
            base_seed,
        )?;
        Ok(simulate(&s)?.0)
    };
    // The fitted scenario itself, for the report and as the centre of the
    // finite differences.
    let (simulated, _) = simulate(&scenario)?;
    let (dr, dk) = (0.05 * p.rate, 0.1 * p.shape);
    let at_rate = moved(p.rate + dr, p.shape)?;
    let at_shape = moved(p.rate, p.shape + dk)?;
    let g = [
        [
            (at_rate.activity_rate - simulated.activity_rate) / dr,
            (at_shape.activity_rate - simulated.activity_rate) / dk,
        ],
        [
            (at_rate.dispersion - simulated.dispersion) / dr,
            (at_shape.dispersion - simulated.dispersion) / dk,
        ],
    ];
    let inflate = 1.0 + observed.active_users as f64 / simulated.active_users.max(1) as f64;
    let m = [
        [
            observed.activity_rate_se.powi(2) * inflate,
            observed.rate_dispersion_cov * inflate,
        ],
        [
            observed.rate_dispersion_cov * inflate,
            observed.dispersion_se.powi(2) * inflate,
        ],
    ];
    let (rate_se, shape_se) = sandwich(g, m).unwrap_or((f64::INFINITY, f64::INFINITY));
    estimates.push(Estimate {
        key: "users.visits_per_day".into(),
        value: p.rate,
        low: (p.rate - Z95 * rate_se).max(0.0),
        high: p.rate + Z95 * rate_se,
        from: format!(
            "{:.4} activity events (s, ssa, fsa, sertft, fertft, ferrt) per active user-day",
            observed.activity_rate
        ),
    });
    estimates.push(Estimate {
        key: "users.visit_rate_shape".into(),
        value: p.shape,
        low: (p.shape - Z95 * shape_se).max(0.0),
        high: p.shape + Z95 * shape_se,
        from: format!(
            "dispersion index {:.3} of per-user activity events",
            observed.dispersion
        ),
    });
    let (low, high) = scale(
        p.logout,
        observed.logouts_per_login,
        observed.logouts_per_login_se,
        simulated.logouts_per_login_se,
    );
    estimates.push(Estimate {
        key: "users.logout_share".into(),
        value: p.logout,
        low,
        high: high.min(1.0),
        from: format!(
            "{} slo per {} s",
            observed.count(ObservedKind::Logout),
            observed.count(ObservedKind::Login)
        ),
    });
    let a_se = (active_share * (1.0 - active_share) / sim_users.max(1) as f64).sqrt();
    estimates.push(Estimate {
        key: "simulation.users".into(),
        value: p.users.round(),
        low: observed.active_users as f64 / (active_share + Z95 * a_se).min(1.0),
        high: observed.active_users as f64 / (active_share - Z95 * a_se).max(f64::MIN_POSITIVE),
        from: format!(
            "{} users with events, {:.4} of simulated users have any",
            observed.active_users, active_share
        ),
    });
    for h in 0..24 {
        let n = observed.hours[h] as f64;
        let rel = if n > 0.0 { Z95 / n.sqrt() } else { 1.0 };
        estimates.push(Estimate {
            key: format!("users.daily_profile[{h}]"),
            value: p.profile[h],
            low: p.profile[h] * (1.0 - rel).max(0.0),
            high: p.profile[h] * (1.0 + rel),
            from: format!("{n} activity events at {h:02}h UTC"),
        });
    }
    let remarks = base.map(|b| idle_remarks(logs, b)).unwrap_or_default();
    let toml = commented(&to_toml(&scenario), &estimates, logs, days);
    Ok(Fit {
        scenario,
        toml,
        estimates,
        observed,
        simulated,
        remarks,
    })
}

/// Standard errors of two parameters from the Jacobian `g` of the moments
/// in the parameters and the covariance `m` of the moments:
/// the diagonal of g⁻¹ m g⁻ᵀ; `None` when `g` is singular.
fn sandwich(g: [[f64; 2]; 2], m: [[f64; 2]; 2]) -> Option<(f64, f64)> {
    let det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
    if !det.is_finite() || det.abs() < 1e-12 {
        return None;
    }
    let inv = [
        [g[1][1] / det, -g[0][1] / det],
        [-g[1][0] / det, g[0][0] / det],
    ];
    let var = |i: usize| {
        let (a, b) = (inv[i][0], inv[i][1]);
        a * a * m[0][0] + 2.0 * a * b * m[0][1] + b * b * m[1][1]
    };
    Some((var(0).max(0.0).sqrt(), var(1).max(0.0).sqrt()))
}

/// 95 % Wilson interval of a share `n / total`.
fn wilson(n: f64, total: f64) -> (f64, f64) {
    if total <= 0.0 {
        return (0.0, 1.0);
    }
    let p = n / total;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * total)) / (1.0 + z2 / total);
    let half =
        Z95 * (p * (1.0 - p) / total + z2 / (4.0 * total * total)).sqrt() / (1.0 + z2 / total);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn first_guess(o: &Stats, days: u64) -> Params {
    let mean_count = o.activity_rate * days as f64;
    let shape = if o.dispersion > 1.01 {
        (mean_count / (o.dispersion - 1.0)).clamp(0.05, 1000.0)
    } else {
        1000.0
    };
    let mut profile = [1.0; 24];
    for (w, s) in profile.iter_mut().zip(o.hour_shares()) {
        *w = s * 24.0;
    }
    Params {
        users: o.active_users as f64,
        rate: (o.activity_rate * 1.5).max(0.01),
        shape,
        logout: o.logouts_per_login.min(1.0),
        profile,
    }
}

/// One step of the moment matching.
fn step(p: &mut Params, o: &Stats, s: &Stats, active_share: f64) {
    if s.activity_rate > 0.0 && o.activity_rate > 0.0 {
        p.rate = (p.rate * o.activity_rate / s.activity_rate).clamp(1e-4, 1e5);
    }
    if o.dispersion > 1.0 + 1e-6 && s.dispersion > 1.0 + 1e-6 {
        p.shape = (p.shape * (s.dispersion - 1.0) / (o.dispersion - 1.0)).clamp(0.01, 1e4);
    }
    if s.logouts_per_login > 0.0 {
        p.logout = (p.logout * o.logouts_per_login / s.logouts_per_login).clamp(0.0, 1.0);
    } else if o.logouts_per_login == 0.0 {
        p.logout = 0.0;
    }
    let (os, ss) = (o.hour_shares(), s.hour_shares());
    for h in 0..24 {
        if ss[h] > 0.0 {
            p.profile[h] *= os[h] / ss[h];
        }
    }
    let mean = p.profile.iter().sum::<f64>() / 24.0;
    if mean > 0.0 {
        p.profile.iter_mut().for_each(|w| *w /= mean);
    }
    if active_share > 0.0 {
        p.users = (o.active_users as f64 / active_share).max(1.0);
    }
}

/// The scenario text the fitted keys go on: `--base` as canonical TOML
/// (plus any identity provider the log shows and it lacks), or a default
/// with the log's apps and identity providers.
fn base_text(logs: &LogSet, base: Option<&Scenario>, shares: &[(String, f64)]) -> String {
    let idps = shares.iter().map(|(n, _)| n).filter(|n| *n != "password");
    match base {
        Some(b) => {
            let mut text = to_toml(b);
            for name in idps {
                if !b.identity_providers.iter().any(|i| &i.name == name) {
                    text.push_str(&format!("\n[identity_providers.{}]\n", toml_key(name)));
                }
            }
            text
        }
        None => {
            let name = logs.tenant.clone().unwrap_or_else(|| "fitted".to_string());
            let mut text = format!(
                "name = {}\n[simulation]\nwarmup = \"30d\"\n",
                crate::logs::tenant::json_string(&name)
            );
            for idp in idps {
                text.push_str(&format!("[identity_providers.{}]\n", toml_key(idp)));
            }
            text
        }
    }
}

/// A bare TOML key when possible, else a quoted one.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        crate::logs::tenant::json_string(name)
    }
}

/// The apps of the log as `[[apps]]` tables (kind from what each does).
fn apps_toml(logs: &LogSet) -> String {
    let mut out = String::new();
    let total: f64 = logs
        .events
        .iter()
        .filter(|e| e.kind.is_activity() && e.app != u16::MAX)
        .count() as f64;
    for (i, name) in logs.apps.iter().enumerate() {
        let of = |k: ObservedKind| {
            logs.events
                .iter()
                .filter(|e| usize::from(e.app) == i && e.kind == k)
                .count()
        };
        let silent = of(ObservedKind::SilentOk) + of(ObservedKind::SilentFailed);
        let refresh = of(ObservedKind::RefreshOk)
            + of(ObservedKind::RefreshFailed)
            + of(ObservedKind::RefreshReused);
        let kind = if of(ObservedKind::CodeExchange) == 0 && (silent > 0 || refresh > 0) {
            AppKind::SpaImplicit
        } else {
            AppKind::RegularWeb
        };
        out.push_str(&format!(
            "[[apps]]\nname = {}\nkind = \"{}\"\n",
            crate::logs::tenant::json_string(name),
            kind.as_str()
        ));
        if kind == AppKind::SpaImplicit {
            // The log does not say where the SDK kept its tokens.
            out.push_str(
                "token_cache = \"memory\" # not in the log: auth0-spa-js's default cacheLocation; set yours (or use --base)\n",
            );
        }
        if refresh > 0 {
            out.push_str("refresh_tokens = { enabled = true }\n");
        }
        if logs.apps.len() > 1 && total > 0.0 {
            let n = logs
                .events
                .iter()
                .filter(|e| e.kind.is_activity() && usize::from(e.app) == i)
                .count() as f64;
            out.push_str(&format!("visit_share = {}\n", n / total));
        }
    }
    if out.is_empty() {
        out.push_str("[[apps]]\nname = \"app\"\nkind = \"regular_web\"\n");
    }
    out
}

/// The candidate scenario of parameters `p`.
#[allow(clippy::too_many_arguments)]
fn candidate(
    text: &str,
    file: &str,
    p: &Params,
    days: u64,
    t0: u64,
    shares: &[(String, f64)],
    logs: &LogSet,
    apps_from_logs: bool,
    base_seed: u64,
) -> Result<Scenario, FitError> {
    let mut text = text.to_string();
    if apps_from_logs {
        text.push_str(&apps_toml(logs));
    }
    let connections = shares
        .iter()
        .map(|(n, s)| format!("{} = {s}", toml_key(n)))
        .collect::<Vec<_>>()
        .join(", ");
    let profile = p
        .profile
        .iter()
        .map(|w| format!("{w}"))
        .collect::<Vec<_>>()
        .join(", ");
    let users = (p.users.round() as u64).max(1);
    // Not the base's own seed: a base that produced the log would replay it.
    let seed = base_seed.wrapping_add(1) % (i64::MAX as u64);
    let sets = [
        format!("simulation.users={users}"),
        format!("simulation.seed={seed}"),
        format!("simulation.duration=\"{days}d\""),
        format!("simulation.start=\"{}\"", crate::calendar::iso(t0)),
        "simulation.replicas=1".to_string(),
        format!("users.connections={{ {connections} }}"),
        format!("users.daily_profile=[{profile}]"),
        format!("users.visits_per_day={}", p.rate),
        "users.visit_rate_distribution=\"gamma\"".to_string(),
        format!("users.visit_rate_shape={}", p.shape),
        format!("users.logout_share={}", p.logout),
    ];
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| parse_override(s).map_err(|e| FitError::Invalid(e.to_string())))
        .collect::<Result<_, _>>()?;
    // Shares summing to 1 up to rounding: the last one takes the rest.
    from_str(&text, file, &overrides).map_err(|e| FitError::Invalid(e.to_string()))
}

/// Simulates `s` with its users brought within [`MIN_SIMULATED_USERS`] and
/// [`MAX_SIMULATED_USERS`] and returns its log's statistics and the users
/// simulated.
fn simulate(s: &Scenario) -> Result<(Stats, u64), FitError> {
    let mut s = s.clone();
    s.simulation.users = s
        .simulation
        .users
        .clamp(MIN_SIMULATED_USERS, MAX_SIMULATED_USERS);
    let spill = std::env::temp_dir();
    let opts = RunOptions {
        threads: 0,
        shard: None,
        logs: Some(LogOptions::all_users(&spill)),
        reference_path: false,
    };
    let r = run(&s, &opts, &Progress::default()).map_err(|e| FitError::Run(e.to_string()))?;
    let runs = r
        .logs
        .as_ref()
        .ok_or_else(|| FitError::Run("no log".into()))?;
    let tenant = Tenant::new(&s);
    let mut events = Vec::new();
    crate::logs::runs::merge_runs(&runs.runs, |rec| {
        events.push(super::stats::Observation {
            user: rec.user as u32,
            kind: ObservedKind::of(rec.kind),
            time: tenant.date_ms(rec.time),
            app: rec.app,
            connection: rec.connection,
        });
        Ok(())
    })
    .map_err(|e| FitError::Run(e.to_string()))?;
    let stats = Stats::of(&events, (s.simulation.duration / DAY) as f64);
    Ok((stats, s.simulation.users))
}

/// `fsa` events after a gap since the user's last successful login or
/// silent authentication shorter than `--base`'s AS idle timeout: the log
/// then says the session ended sooner (a logout, a password change, a
/// blocked third-party cookie, or a shorter timeout).
fn idle_remarks(logs: &LogSet, base: &Scenario) -> Vec<String> {
    let idle = base.authorization_server.session.idle_timeout;
    let mut last = vec![None; logs.users.len()];
    let mut events: Vec<_> = logs.events.iter().collect();
    events.sort_by_key(|e| (e.time, e.user));
    let (mut short, mut failures) = (0u64, 0u64);
    for e in events {
        match e.kind {
            ObservedKind::Login | ObservedKind::SilentOk => last[e.user as usize] = Some(e.time),
            ObservedKind::SilentFailed => {
                failures += 1;
                if last[e.user as usize].is_some_and(|t| e.time - t < idle) {
                    short += 1;
                }
            }
            _ => {}
        }
    }
    if short == 0 {
        return Vec::new();
    }
    vec![format!(
        "{short} of {failures} fsa (login required) came less than the base's idle timeout {} after the user's last s or ssa: sessions there ended sooner (logouts, password changes, third-party cookies blocked, or a shorter idle timeout)",
        crate::time::Dur(idle)
    )]
}

/// The scenario's TOML with a header on the fit and, after each fitted key,
/// a comment with its estimate, interval and the events it rests on.
fn commented(toml: &str, estimates: &[Estimate], logs: &LogSet, days: u64) -> String {
    let mut out = format!(
        "# Fitted by `ssosim fit` from {} events of {} users over {days} days (tenant {}).\n# Each fitted key says: estimate [95% interval] and the events it rests on.\n",
        logs.events.len(),
        logs.users.len(),
        logs.tenant.as_deref().unwrap_or("unknown")
    );
    let mut section = String::new();
    for line in toml.lines() {
        out.push_str(line);
        if line.starts_with('[') {
            section = line.trim_matches(|c| c == '[' || c == ']').to_string();
        } else if let Some((key, _)) = line.split_once(" = ") {
            let full = format!("{section}.{key}");
            let notes: Vec<String> = estimates
                .iter()
                .filter(|e| {
                    e.key == full
                        || (full == "users.connections" && e.key.starts_with("users.connections."))
                })
                .map(|e| {
                    format!(
                        "{}{} [{}, {}] from {}",
                        e.key
                            .strip_prefix("users.connections.")
                            .map_or(String::new(), |n| format!("{n}: ")),
                        short(e.value),
                        short(e.low),
                        short(e.high),
                        e.from
                    )
                })
                .collect();
            if full == "users.daily_profile" {
                out.push_str("  # fitted per hour: matched to the share of activity events in each UTC hour (intervals in the fit report)");
            } else if !notes.is_empty() {
                out.push_str("  # fitted: ");
                out.push_str(&notes.join("; "));
            }
        }
        out.push('\n');
    }
    out
}

/// A number with 4 significant digits.
pub fn short(x: f64) -> String {
    if x.is_infinite() {
        return "inf".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
