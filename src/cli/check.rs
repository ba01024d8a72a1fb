//! `ssosim check SCENARIO [--set KEY=VALUE]... [--replicas N] [--threads N] [--toml]`:
//! validates the scenario exactly as `run` would and prints, on stdout, what
//! would run: size, sessions of every tier, apps, users' behaviour, and the
//! estimated events and memory ([`super::estimate`]). With `--toml`, prints the
//! scenario as it would run (defaults filled in, overrides applied) instead.
//! Refused scenarios print every problem on stderr and exit with status 2.

use super::{Error, REPLICAS_RANGE, ScenarioArgs, THREADS_RANGE, replicas_override};
use crate::cost::estimate;
use crate::runner::num_cpus;
use crate::scenario::{BrowserShare, Scenario, SessionPolicy, to_toml};
use crate::time::Dur;
use clap::Args;
use std::io::Write;

/// Arguments of `ssosim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario and its overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Replicas, as `run --replicas` would use.
    #[arg(long, value_parser = clap::value_parser!(u64).range(REPLICAS_RANGE))]
    pub replicas: Option<u64>,
    /// Worker threads the memory estimate assumes [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(THREADS_RANGE))]
    pub threads: Option<u64>,
    /// Print the scenario as it would run (canonical TOML) instead of the overview.
    #[arg(long)]
    pub toml: bool,
}

/// Validates and prints.
pub(super) fn exec(args: CheckArgs) -> Result<(), Error> {
    let (s, overrides) = args.scenario.load(&replicas_override(args.replicas))?;
    let text = if args.toml {
        to_toml(&s)
    } else {
        let threads = args.threads.map_or_else(num_cpus, |t| t as usize);
        let file = args.scenario.scenario.display().to_string();
        let flags: Vec<String> = overrides.iter().map(|o| o.flag()).collect();
        overview(&s, &file, &flags, threads)
    };
    for w in super::steady::warnings(&s) {
        eprintln!("{w}");
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::failed(format!("cannot write to stdout: {e}")))
}

/// "idle 3d, absolute 30d, persistent cookie".
fn policy(p: &SessionPolicy) -> String {
    format!(
        "idle {}, absolute {}, {} cookie",
        Dur(p.idle_timeout),
        Dur(p.absolute_timeout),
        p.cookie.as_str()
    )
}

/// A share as a percentage, without needless decimals.
fn pct(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.trim_end_matches(".0"))
}

/// A count in engineering form: 6.7 million, 850 thousand.
fn big(x: f64) -> String {
    match x {
        x if x >= 1e9 => format!("{:.1} billion", x / 1e9),
        x if x >= 1e6 => format!("{:.1} million", x / 1e6),
        x if x >= 1e3 => format!("{:.0} thousand", x / 1e3),
        x => format!("{x:.0}"),
    }
}

/// Bytes as MB or GB.
fn bytes(b: u64) -> String {
    let mb = b as f64 / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else if mb >= 1.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.0} kB", b as f64 / 1024.0)
    }
}

/// The overview `check` prints.
pub(super) fn overview(s: &Scenario, file: &str, overrides: &[String], threads: usize) -> String {
    let sim = &s.simulation;
    let mut t = format!("{file}: valid scenario \"{}\"\n", s.name);
    if !overrides.is_empty() {
        t += &format!("  overrides: {}\n", overrides.join(" "));
    }
    t += &format!(
        "  simulation: {} users over {}, {} replica(s), seed {}, sampled every {} ({} samples)\n",
        sim.users,
        Dur(sim.duration),
        sim.replicas,
        sim.seed,
        Dur(sim.sample_every),
        (sim.warmup + sim.duration) / sim.sample_every + 1
    );
    if sim.warmup > 0 {
        t += &format!(
            "  warm-up: {} simulated before the measured {}, counted in no metric; users start at times drawn over it\n",
            Dur(sim.warmup),
            Dur(sim.duration)
        );
    }
    t += &format!("  network: {} per hop\n", s.network.latency);
    let a = &s.authorization_server;
    t += &format!(
        "  authorization server: plan {}, {}, MFA {}\n",
        a.plan.as_str(),
        policy(&a.session),
        if a.mfa { "on" } else { "off" }
    );
    for idp in &s.identity_providers {
        t += &format!(
            "  identity provider {}: {}\n",
            idp.name,
            policy(&idp.session)
        );
    }
    for app in &s.apps {
        let local = if app.kind.uses_code_grant() {
            format!("local session {}", policy(&app.local_session))
        } else {
            format!(
                "no local session, tokens renewed every {}, kept in {} (hint cookie {})",
                Dur(app.token_lifetime.min(app.id_token_lifetime)),
                app.token_cache.as_str(),
                Dur(app.session_check_expiry)
            )
        };
        t += &format!(
            "  app {} ({}, {} of visits): {local}\n",
            app.name,
            app.kind.as_str(),
            pct(app.visit_share)
        );
    }
    let u = &s.users;
    let connections: Vec<String> = u
        .connections
        .iter()
        .map(|(c, x)| format!("{} {}", s.connection_name(*c), pct(*x)))
        .collect();
    t += &format!("  connections: {}\n", connections.join(", "));
    // With a browser mix, each kind's policy is on the browsers line.
    let cookies = match u.browsers {
        None => format!(
            "{} block third-party cookies, ",
            pct(u.third_party_cookies_blocked)
        ),
        Some(_) => String::new(),
    };
    t += &format!(
        "  users: {} visits/day ({} protected, {} each), {} browser closes/day, {} logout, {} password resets/year, {cookies}{} per prompt\n",
        u.visits_per_day,
        pct(u.protected_share),
        Dur(u.visit_length),
        u.browser_closes_per_day,
        pct(u.logout_share),
        u.password_resets_per_year,
        u.login_think_time
    );
    if let Some(mix) = &u.browsers {
        let kinds: Vec<String> = mix.iter().map(browser).collect();
        t += &format!("  browsers: {}\n", kinds.join(", "));
    }
    if u.devices != [(1, 1.0)] {
        let devices: Vec<String> = u
            .devices
            .iter()
            .map(|(n, x)| format!("{n} {}", pct(*x)))
            .collect();
        t += &format!(
            "  devices per user: {} (each its own browser; visits spread evenly over them)\n",
            devices.join(", ")
        );
    }
    if u.private_browsing_share > 0.0 {
        t += &format!(
            "  private windows: {} of devices (every cookie and all storage last until the browser closes)\n",
            pct(u.private_browsing_share)
        );
    }
    if !s.events.is_empty() {
        let events: Vec<String> = s
            .events
            .iter()
            .map(|e| format!("at {} {}", Dur(e.at), e.label()))
            .collect();
        t += &format!(
            "  tenant events (from the end of the warm-up; the estimates below leave them out): {}\n",
            events.join("; ")
        );
    }
    let e = estimate(s, threads);
    t += &format!(
        "  expected events (estimate): about {} per replica, {:.1} per user-day\n",
        big(e.events_per_replica),
        e.events_per_user_day
    );
    t += &format!(
        "  AS load (estimate): {:.3} requests/s on average, busiest second about {:.0} requests\n",
        e.requests_per_s_mean, e.requests_per_s_peak
    );
    t += &format!(
        "  peak memory (estimate, within about ±25%): {} with {threads} thread(s): {} accumulators of {} (AS load per second and endpoint, time series) + {} of output text + {} base\n",
        bytes(e.memory_bytes),
        e.accumulators,
        bytes(e.accumulator_bytes),
        bytes(e.output_bytes),
        bytes(crate::cost::BASE_MEMORY)
    );
    for reason in crate::cost::too_big(s, threads) {
        t += &format!("  warning: {reason}\n");
    }
    t
}

/// "safari 19.8% (third-party cookies blocked, script storage purged after
/// 7d unvisited, script cookies at most 7d)".
fn browser(b: &BrowserShare) -> String {
    let p = &b.profile;
    let mut policies = vec![format!(
        "third-party cookies {}",
        p.third_party_cookies.as_str()
    )];
    if let Some(cap) = p.script_storage_cap {
        policies.push(format!(
            "script storage purged after {} unvisited",
            Dur(cap)
        ));
    }
    if let Some(cap) = p.script_cookie_cap {
        policies.push(format!("script cookies at most {}", Dur(cap)));
    }
    format!("{} {} ({})", p.name, pct(b.share), policies.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(pct(0.5), "50%");
        assert_eq!(pct(0.333), "33.3%");
        assert_eq!(big(6_663_501.0), "6.7 million");
        assert_eq!(bytes(100 * 1024 * 1024), "100 MB");
    }
}
