//! [`to_toml`]: the scenario as run, as canonical TOML.
//!
//! Every key is written, defaults filled in, in the order of design §8; durations are
//! printed with [`Dur`], numbers in Rust's shortest round-trip form, so loading the
//! output gives back the same [`Scenario`].

use super::*;
use crate::time::Dur;
use std::fmt::Write;

/// The scenario as run, as canonical TOML (every key, defaults filled in).
///
/// `from_str(&to_toml(s), ..)` gives back `s`. `local_session` is left out for
/// `spa_implicit` apps, which keep none.
pub fn to_toml(s: &Scenario) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_scenario(&mut out, s);
    out
}

fn write_scenario(out: &mut String, s: &Scenario) -> std::fmt::Result {
    writeln!(out, "name = {}", quote(&s.name))?;
    let sim = &s.simulation;
    writeln!(out, "\n[simulation]")?;
    writeln!(out, "users = {}", sim.users)?;
    writeln!(out, "duration = \"{}\"", Dur(sim.duration))?;
    if sim.warmup > 0 {
        writeln!(out, "warmup = \"{}\"", Dur(sim.warmup))?;
    }
    writeln!(out, "seed = {}", sim.seed)?;
    if sim.start != DEFAULT_START_MS {
        writeln!(out, "start = \"{}\"", crate::calendar::iso(sim.start))?;
    }
    writeln!(out, "sample_every = \"{}\"", Dur(sim.sample_every))?;
    writeln!(out, "replicas = {}", sim.replicas)?;
    writeln!(out, "\n[network]")?;
    writeln!(out, "latency = {}", delay(s.network.latency))?;
    let auth = &s.authorization_server;
    writeln!(out, "\n[authorization_server]")?;
    writeln!(out, "plan = \"{}\"", auth.plan.as_str())?;
    writeln!(out, "cookie = \"{}\"", auth.session.cookie.as_str())?;
    writeln!(out, "idle_timeout = \"{}\"", Dur(auth.session.idle_timeout))?;
    writeln!(
        out,
        "absolute_timeout = \"{}\"",
        Dur(auth.session.absolute_timeout)
    )?;
    writeln!(out, "mfa = {}", auth.mfa)?;
    writeln!(
        out,
        "mfa_remember_browser = \"{}\"",
        Dur(auth.mfa_remember_browser)
    )?;
    writeln!(out, "custom_domain = {}", auth.custom_domain)?;
    writeln!(out, "backchannel_logout = {}", auth.backchannel_logout)?;
    writeln!(out, "processing_time = {}", delay(auth.processing_time))?;
    auth.rate_limits.write(out);
    for idp in &s.identity_providers {
        writeln!(out, "\n[identity_providers.{}]", idp.name)?;
        writeln!(out, "idle_timeout = \"{}\"", Dur(idp.session.idle_timeout))?;
        writeln!(
            out,
            "absolute_timeout = \"{}\"",
            Dur(idp.session.absolute_timeout)
        )?;
        writeln!(out, "cookie = \"{}\"", idp.session.cookie.as_str())?;
        writeln!(out, "processing_time = {}", delay(idp.processing_time))?;
    }
    for app in &s.apps {
        write_app(out, app)?;
    }
    write_users(out, s)?;
    super::events::write(out, &s.events)
}

fn write_app(out: &mut String, app: &AppConfig) -> std::fmt::Result {
    writeln!(out, "\n[[apps]]")?;
    writeln!(out, "name = {}", quote(&app.name))?;
    writeln!(out, "kind = \"{}\"", app.kind.as_str())?;
    if app.kind.uses_code_grant() {
        let ls = &app.local_session;
        writeln!(
            out,
            "local_session = {{ idle_timeout = \"{}\", absolute_timeout = \"{}\", cookie = \"{}\" }}",
            Dur(ls.idle_timeout),
            Dur(ls.absolute_timeout),
            ls.cookie.as_str()
        )?;
    }
    writeln!(out, "token_lifetime = \"{}\"", Dur(app.token_lifetime))?;
    writeln!(
        out,
        "id_token_lifetime = \"{}\"",
        Dur(app.id_token_lifetime)
    )?;
    writeln!(out, "visit_share = {}", number(app.visit_share))?;
    if !app.kind.uses_code_grant() {
        writeln!(out, "token_cache = \"{}\"", app.token_cache.as_str())?;
        writeln!(
            out,
            "session_check_expiry = \"{}\"",
            Dur(app.session_check_expiry)
        )?;
    }
    let rt = &app.refresh_tokens;
    writeln!(
        out,
        "refresh_tokens = {{ enabled = {}, absolute_lifetime = \"{}\", idle_lifetime = \"{}\", rotation = {}, reuse_interval = \"{}\" }}",
        rt.enabled,
        Dur(rt.absolute_lifetime),
        Dur(rt.idle_lifetime),
        rt.rotation,
        Dur(rt.reuse_interval)
    )
}

fn write_users(out: &mut String, s: &Scenario) -> std::fmt::Result {
    let u = &s.users;
    writeln!(out, "\n[users]")?;
    writeln!(out, "visits_per_day = {}", number(u.visits_per_day))?;
    writeln!(out, "protected_share = {}", number(u.protected_share))?;
    let conns: Vec<String> = u
        .connections
        .iter()
        .map(|(c, x)| format!("{} = {}", s.connection_name(*c), number(*x)))
        .collect();
    writeln!(out, "connections = {{ {} }}", conns.join(", "))?;
    writeln!(
        out,
        "browser_closes_per_day = {}",
        number(u.browser_closes_per_day)
    )?;
    writeln!(out, "logout_share = {}", number(u.logout_share))?;
    writeln!(
        out,
        "federated_logout_share = {}",
        number(u.federated_logout_share)
    )?;
    writeln!(
        out,
        "password_resets_per_year = {}",
        number(u.password_resets_per_year)
    )?;
    if u.browsers.is_none() {
        writeln!(
            out,
            "third_party_cookies_blocked = {}",
            number(u.third_party_cookies_blocked)
        )?;
    }
    writeln!(out, "visit_length = \"{}\"", Dur(u.visit_length))?;
    writeln!(out, "login_think_time = {}", delay(u.login_think_time))?;
    if u.browsers.is_none() {
        writeln!(
            out,
            "third_party_cookies_partitioned = {}",
            number(u.third_party_cookies_partitioned)
        )?;
    }
    writeln!(
        out,
        "cookie_clears_per_month = {}",
        number(u.cookie_clears_per_month)
    )?;
    writeln!(
        out,
        "app_only_logout_share = {}",
        number(u.app_only_logout_share)
    )?;
    let profile: Vec<String> = u.daily_profile.iter().map(|w| number(*w)).collect();
    writeln!(out, "daily_profile = [{}]", profile.join(", "))?;
    match u.visit_rate {
        RateDistribution::Constant => writeln!(out, "visit_rate_distribution = \"constant\"")?,
        RateDistribution::Gamma { shape } => {
            writeln!(out, "visit_rate_distribution = \"gamma\"")?;
            writeln!(out, "visit_rate_shape = {}", number(shape))?
        }
    }
    writeln!(
        out,
        "private_browsing_share = {}",
        number(u.private_browsing_share)
    )?;
    let devices: Vec<String> = u
        .devices
        .iter()
        .map(|(n, x)| format!("{n} = {}", number(*x)))
        .collect();
    writeln!(out, "devices = {{ {} }}", devices.join(", "))?;
    if let Some(mix) = &u.browsers {
        write_browsers(out, mix)?;
    }
    Ok(())
}

/// `users.browsers` and one `[browsers.<name>]` table per kind of the mix,
/// every policy written.
fn write_browsers(out: &mut String, mix: &[BrowserShare]) -> std::fmt::Result {
    let shares: Vec<String> = mix
        .iter()
        .map(|b| format!("{} = {}", b.profile.name, number(b.share)))
        .collect();
    writeln!(out, "browsers = {{ {} }}", shares.join(", "))?;
    let cap = |c: Option<u64>| c.map_or("none".to_string(), |d| Dur(d).to_string());
    for b in mix {
        let p = &b.profile;
        writeln!(out, "\n[browsers.{}]", p.name)?;
        writeln!(
            out,
            "third_party_cookies = \"{}\"",
            p.third_party_cookies.as_str()
        )?;
        writeln!(
            out,
            "script_storage_cap = \"{}\"",
            cap(p.script_storage_cap)
        )?;
        writeln!(out, "script_cookie_cap = \"{}\"", cap(p.script_cookie_cap))?;
    }
    Ok(())
}

/// A delay: `"40ms"` for a constant, `{ median = "8s", p90 = "30s" }` otherwise.
fn delay(d: Delay) -> String {
    if d.is_constant() {
        format!("\"{}\"", Dur(d.median))
    } else {
        format!(
            "{{ median = \"{}\", p90 = \"{}\" }}",
            Dur(d.median),
            Dur(d.p90)
        )
    }
}

/// A TOML float that reads back as the same `f64` (`1.0`, `0.3333333333333333`, `1e-7`).
fn number(x: f64) -> String {
    format!("{x:?}")
}

/// A TOML basic string, escaped.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
