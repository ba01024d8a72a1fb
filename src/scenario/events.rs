//! `[[events]]`: tenant events on the timeline (issue 17, point 3).
//!
//! Each event happens at `at`, a duration from the start of the measured
//! window (the end of the warm-up), to every user at once:
//!
//! - `revoke_sessions`: every AS session ends (`idp = true`: IdP sessions
//!   too; `apps = true`: the apps' local sessions too);
//! - `revoke_refresh_tokens`: every refresh-token family is revoked;
//! - `outage` for `duration`: the AS refuses every request it receives;
//! - `set` `key` to `value`: a scenario key changes from then on, through
//!   the `--set` machinery (same parsing, validation and messages).
//!
//! A `set` is validated by applying it, and every `set` before it, to the
//! scenario's tree: the scenario in effect from the event on is validated
//! like the file, and kept with the event ([`TenantEventKind::Set`]). Keys
//! that shape the run or are drawn once per user cannot change mid-run
//! ([`SETTABLE`]).

use super::Scenario;
use super::overrides::{Override, apply};
use super::reader::{Problems, Section, child, describe, duration_value};
use crate::time::Dur;
use std::fmt::Write;
use toml::{Table, Value};

/// Most events in one scenario (each user's timeline schedules them all).
pub const MAX_TENANT_EVENTS: usize = 1000;

/// One event of `[[events]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantEvent {
    /// `at`: from the start of the measured window, ms; within the run.
    pub at: u64,
    /// `kind` and its keys.
    pub kind: TenantEventKind,
}

/// What an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum TenantEventKind {
    /// `revoke_sessions`: every AS session ends; `idp`, `apps`: IdP and app
    /// local sessions too (default false).
    RevokeSessions {
        /// `idp`: IdP sessions end too.
        idp: bool,
        /// `apps`: the apps' local sessions end too.
        apps: bool,
    },
    /// `revoke_refresh_tokens`: every refresh-token family is revoked.
    RevokeRefreshTokens,
    /// `outage`: the AS refuses every request for `duration`.
    Outage {
        /// `duration`, ms (positive).
        duration: u64,
    },
    /// `set`: `key` takes `value` from `at` on.
    Set {
        /// `key`: a dotted scenario key, as `--set` takes it.
        key: String,
        /// `value`: any TOML value, as `--set` reads it.
        value: Value,
        /// The scenario in effect from this event on (this `set` and every
        /// earlier one applied; its own `events` empty).
        then: Box<Scenario>,
    },
}

impl TenantEventKind {
    /// The `kind` as written in the scenario.
    pub fn name(&self) -> &'static str {
        match self {
            TenantEventKind::RevokeSessions { .. } => "revoke_sessions",
            TenantEventKind::RevokeRefreshTokens => "revoke_refresh_tokens",
            TenantEventKind::Outage { .. } => "outage",
            TenantEventKind::Set { .. } => "set",
        }
    }
}

impl TenantEvent {
    /// A short label for charts and tables: `revoke_sessions`, `outage 2h`,
    /// `set authorization_server.idle_timeout = "1d"`.
    pub fn label(&self) -> String {
        match &self.kind {
            TenantEventKind::Outage { duration } => format!("outage {}", Dur(*duration)),
            TenantEventKind::Set { key, value, .. } => format!("set {key} = {value}"),
            TenantEventKind::RevokeSessions { idp, apps } => {
                let mut s = "revoke_sessions".to_string();
                if *idp {
                    s.push_str(" +idp");
                }
                if *apps {
                    s.push_str(" +apps");
                }
                s
            }
            TenantEventKind::RevokeRefreshTokens => "revoke_refresh_tokens".to_string(),
        }
    }
}

const KINDS: &str = "\"revoke_sessions\", \"revoke_refresh_tokens\", \"outage\", \"set\"";

/// Keys a `set` may change, as dotted prefixes (`*` is any app index or IdP
/// name): what the model reads when it is used. Everything else shapes the
/// run (`simulation`, apps and IdPs themselves, rate limits evaluated on the
/// whole run) or is drawn once per user (connections, browsers, devices,
/// visit rates, private browsing).
pub const SETTABLE: &[&str] = &[
    "authorization_server.plan",
    "authorization_server.cookie",
    "authorization_server.idle_timeout",
    "authorization_server.absolute_timeout",
    "authorization_server.mfa",
    "authorization_server.mfa_remember_browser",
    "authorization_server.custom_domain",
    "authorization_server.backchannel_logout",
    "authorization_server.processing_time",
    "identity_providers.*.idle_timeout",
    "identity_providers.*.absolute_timeout",
    "identity_providers.*.cookie",
    "identity_providers.*.processing_time",
    "apps.*.local_session",
    "apps.*.token_lifetime",
    "apps.*.id_token_lifetime",
    "apps.*.visit_share",
    "apps.*.refresh_tokens",
    "apps.*.token_cache",
    "apps.*.session_check_expiry",
    "network.latency",
    "users.protected_share",
    "users.browser_closes_per_day",
    "users.logout_share",
    "users.federated_logout_share",
    "users.app_only_logout_share",
    "users.password_resets_per_year",
    "users.cookie_clears_per_month",
    "users.visit_length",
    "users.login_think_time",
    "users.daily_profile",
];

/// True when dotted `key` is one of [`SETTABLE`] or lies under one.
fn settable(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    SETTABLE.iter().any(|pattern| {
        let pat: Vec<&str> = pattern.split('.').collect();
        parts.len() >= pat.len() && pat.iter().zip(&parts).all(|(p, k)| *p == "*" || p == k)
    })
}

/// An event as read, before its `set` is checked against the scenario.
struct Read {
    at: Option<u64>,
    kind: Option<Partial>,
}

enum Partial {
    Ready(TenantEventKind),
    Set { key: String, value: Value },
}

/// Reads `[[events]]` of `root` into `s` (validated without them), recording
/// every problem; `default_name` is the scenario's default name (for the
/// scenarios a `set` puts in effect). `s` is `None` when the rest of the
/// scenario was refused: the events' own keys are still checked.
pub(crate) fn read(
    root: &Table,
    s: Option<Scenario>,
    default_name: &str,
    p: &mut Problems,
) -> Option<Scenario> {
    let items = match root.get("events") {
        None => return s,
        Some(Value::Array(items)) if items.len() > MAX_TENANT_EVENTS => {
            p.at(
                "events",
                format!(
                    "{} events, more than the limit of {MAX_TENANT_EVENTS}; use at most {MAX_TENANT_EVENTS} [[events]] tables",
                    items.len()
                ),
            );
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            p.at(
                "events",
                format!(
                    "expected an array of tables ([[events]]), found {}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let read: Vec<Read> = items
        .iter()
        .enumerate()
        .map(|(i, v)| read_event(p, &child("events", &i.to_string()), v))
        .collect();
    let mut s = s?;
    // Every `at` within the measured window.
    let duration = s.simulation.duration;
    let mut ok = true;
    for (i, r) in read.iter().enumerate() {
        if let Some(at) = r.at
            && at >= duration
        {
            p.at(
                &format!("events.{i}.at"),
                format!(
                    "{} is not within the run: simulation.duration is {}; use a time from \"0s\" (the end of the warm-up) to less than {}",
                    Dur(at),
                    Dur(duration),
                    Dur(duration)
                ),
            );
            ok = false;
        }
    }
    // `set` events, cumulative in time order (file order at equal times).
    let mut order: Vec<usize> = (0..read.len()).collect();
    order.sort_by_key(|&i| read[i].at.unwrap_or(0));
    let mut base = root.clone();
    base.remove("events");
    let mut overrides = Vec::new();
    let mut kinds: Vec<Option<TenantEventKind>> = vec![None; read.len()];
    for i in order {
        match &read[i].kind {
            Some(Partial::Ready(k)) => kinds[i] = Some(k.clone()),
            Some(Partial::Set { key, value }) => {
                let o = Override {
                    key: key.clone(),
                    value: value.to_string(),
                };
                overrides.push(o);
                match in_effect(&base, &overrides, &s, default_name, i, key, value) {
                    Ok(then) => {
                        kinds[i] = Some(TenantEventKind::Set {
                            key: key.clone(),
                            value: value.clone(),
                            then: Box::new(then),
                        });
                    }
                    Err(problems) => {
                        for (key, message) in problems {
                            p.at(&key, message);
                        }
                        overrides.pop();
                    }
                }
            }
            None => {}
        }
    }
    let mut events = Vec::new();
    for (r, k) in read.iter().zip(kinds) {
        match (r.at, k) {
            (Some(at), Some(kind)) => events.push(TenantEvent { at, kind }),
            _ => ok = false,
        }
    }
    s.events = events;
    ok.then_some(s)
}

/// One `[[events]]` table at `key`.
fn read_event(p: &mut Problems, key: &str, value: &Value) -> Read {
    let Value::Table(t) = value else {
        p.at(
            key,
            format!(
                "expected a table ([[events]] with at and kind), found {}",
                describe(value)
            ),
        );
        return Read {
            at: None,
            kind: None,
        };
    };
    let mut s = Section::new(t, key);
    let at = match s.get("at") {
        None => {
            p.at(
                &s.key("at"),
                "missing; this key is required (a duration from the end of the warm-up, such as \"7d9h\")",
            );
            None
        }
        Some(v) => duration_value(p, &s.key("at"), v),
    };
    let kind_key = s.key("kind");
    let kind = match s.get("kind") {
        None => {
            p.at(
                &kind_key,
                format!("missing; this key is required, one of {KINDS}"),
            );
            None
        }
        Some(Value::String(k)) => read_kind(p, &mut s, k),
        Some(other) => {
            p.at(
                &kind_key,
                format!(
                    "expected a string, found {}; use one of {KINDS}",
                    describe(other)
                ),
            );
            None
        }
    };
    s.finish(p);
    Read { at, kind }
}

/// The keys of one kind of event (others are then reported as unknown).
fn read_kind(p: &mut Problems, s: &mut Section, kind: &str) -> Option<Partial> {
    match kind {
        "revoke_sessions" => {
            let idp = s.boolean(p, "idp", false);
            let apps = s.boolean(p, "apps", false);
            Some(Partial::Ready(TenantEventKind::RevokeSessions {
                idp: idp?,
                apps: apps?,
            }))
        }
        "revoke_refresh_tokens" => Some(Partial::Ready(TenantEventKind::RevokeRefreshTokens)),
        "outage" => {
            let key = s.key("duration");
            let duration = match s.get("duration") {
                None => {
                    p.at(&key, "missing; an outage needs a duration, such as \"2h\"");
                    None
                }
                Some(v) => duration_value(p, &key, v),
            };
            if duration == Some(0) {
                p.at(
                    &key,
                    "must be longer than 0ms; use a positive duration such as \"2h\"",
                );
                return None;
            }
            Some(Partial::Ready(TenantEventKind::Outage {
                duration: duration?,
            }))
        }
        "set" => {
            let key_key = s.key("key");
            let key = match s.get("key") {
                Some(Value::String(k)) if !k.trim().is_empty() => Some(k.trim().to_string()),
                Some(other) => {
                    p.at(
                        &key_key,
                        format!(
                            "expected a dotted scenario key, found {}; use a key such as \"authorization_server.idle_timeout\"",
                            describe(other)
                        ),
                    );
                    None
                }
                None => {
                    p.at(
                        &key_key,
                        "missing; a set event needs a dotted scenario key, such as \"authorization_server.idle_timeout\"",
                    );
                    None
                }
            };
            let value = s.get("value").cloned();
            if value.is_none() {
                p.at(
                    &s.key("value"),
                    "missing; a set event needs the key's new value, such as \"1d\"",
                );
            }
            let key = key?;
            if !settable(&key) {
                p.at(
                    &key_key,
                    format!(
                        "\"{key}\" cannot change during a run (it shapes the run or is drawn once per user); use one of {}",
                        SETTABLE.join(", ")
                    ),
                );
                return None;
            }
            Some(Partial::Set { key, value: value? })
        }
        other => {
            p.at(
                &s.key("kind"),
                format!("unknown value \"{other}\"; use one of {KINDS}"),
            );
            None
        }
    }
}

/// The scenario in effect after the `set` overrides `overrides` (the last
/// being event `i`'s), validated as the file is; its problems, as `(key,
/// message)`, name the event's keys.
fn in_effect(
    base: &Table,
    overrides: &[Override],
    s: &Scenario,
    default_name: &str,
    i: usize,
    key: &str,
    value: &Value,
) -> Result<Scenario, Vec<(String, String)>> {
    let at = |what: &str, message: String| {
        (
            format!("events.{i}.{what}"),
            format!("set {key} = {value}: {message}"),
        )
    };
    let mut tree = base.clone();
    let written = apply(&mut tree, overrides).map_err(|problems| {
        problems
            .into_iter()
            .map(|pr| at("key", pr.message))
            .collect::<Vec<_>>()
    })?;
    let mut problems = Problems::new(written);
    let then = super::validate::validate(&tree, default_name, &mut problems);
    let problems = problems.into_vec();
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|pr| {
                let about = pr.key().unwrap_or_default().to_string();
                let what = if about.is_empty() { "key" } else { "value" };
                let message = if about.is_empty() {
                    pr.message
                } else {
                    format!("{about}: {}", pr.message)
                };
                at(what, message)
            })
            .collect());
    }
    let then = then.ok_or_else(|| vec![at("value", "refused".to_string())])?;
    let same_apps = then.apps.len() == s.apps.len()
        && then
            .apps
            .iter()
            .zip(&s.apps)
            .all(|(a, b)| a.name == b.name && a.kind == b.kind);
    let same_idps = then.identity_providers.len() == s.identity_providers.len()
        && then
            .identity_providers
            .iter()
            .zip(&s.identity_providers)
            .all(|(a, b)| a.name == b.name);
    if !same_apps || !same_idps {
        return Err(vec![at(
            "key",
            "adds, removes or renames an app or identity provider, or changes an app's kind; a set event changes settings of the existing ones".to_string(),
        )]);
    }
    Ok(then)
}

/// Writes `[[events]]` back as canonical TOML.
pub(crate) fn write(out: &mut String, events: &[TenantEvent]) -> std::fmt::Result {
    for e in events {
        writeln!(out, "\n[[events]]")?;
        writeln!(out, "at = \"{}\"", Dur(e.at))?;
        writeln!(out, "kind = \"{}\"", e.kind.name())?;
        match &e.kind {
            TenantEventKind::RevokeSessions { idp, apps } => {
                writeln!(out, "idp = {idp}")?;
                writeln!(out, "apps = {apps}")?;
            }
            TenantEventKind::RevokeRefreshTokens => {}
            TenantEventKind::Outage { duration } => {
                writeln!(out, "duration = \"{}\"", Dur(*duration))?;
            }
            TenantEventKind::Set { key, value, .. } => {
                writeln!(out, "key = {}", Value::String(key.clone()))?;
                writeln!(out, "value = {value}")?;
            }
        }
    }
    Ok(())
}
