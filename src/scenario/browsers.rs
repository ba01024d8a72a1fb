//! Browser kinds (issue 14): the built-in profiles, the default mix, the
//! `[browsers.<name>]` definitions and overrides, and `users.browsers`.
//!
//! Sources of every built-in policy and of the default mix are in the README
//! ("Browsers as they are"). The legacy `users.third_party_cookies_blocked` /
//! `_partitioned` shares keep working when `users.browsers` is absent; the two
//! together are refused.

use super::reader::{Problems, Section, child, describe, number_value};
use super::validate::SHARE_TOLERANCE;
use super::{BrowserProfile, BrowserShare, CookiePolicy};
use crate::time::DAY;
use toml::{Table, Value};

/// ITP's cap on script-writable storage and on cookies set from JavaScript.
const ITP_CAP: u64 = 7 * DAY;

/// The built-in profiles: `(name, third-party cookies, script storage cap,
/// script cookie cap)`.
const BUILT_IN: [(&str, CookiePolicy, Option<u64>, Option<u64>); 5] = [
    ("chrome", CookiePolicy::Allowed, None, None),
    ("edge", CookiePolicy::Allowed, None, None),
    (
        "safari",
        CookiePolicy::Blocked,
        Some(ITP_CAP),
        Some(ITP_CAP),
    ),
    ("firefox", CookiePolicy::Partitioned, None, None),
    ("brave", CookiePolicy::Blocked, None, None),
];

/// `users.browsers = "default"`: StatCounter Global Stats, browser market
/// share worldwide, all platforms, February 2025, as the English Wikipedia
/// article "Web browser" tabulates it (StatCounter accessed 21 March 2025;
/// whole percents: Chrome 66, Safari 18, Edge 5, Firefox 3, Samsung
/// Internet 2, Opera 2, others 4), the Chromium-based others folded into
/// `chrome`.
pub const DEFAULT_MIX: [(&str, f64); 4] = [
    ("chrome", 0.74),
    ("edge", 0.05),
    ("firefox", 0.03),
    ("safari", 0.18),
];

const POLICIES: &[(&str, CookiePolicy)] = &[
    ("allowed", CookiePolicy::Allowed),
    ("blocked", CookiePolicy::Blocked),
    ("partitioned", CookiePolicy::Partitioned),
];

/// The built-in profile called `name`.
pub fn built_in(name: &str) -> Option<BrowserProfile> {
    BUILT_IN
        .iter()
        .find(|b| b.0 == name)
        .map(
            |&(name, third_party_cookies, storage, cookie)| BrowserProfile {
                name: name.to_string(),
                third_party_cookies,
                script_storage_cap: storage,
                script_cookie_cap: cookie,
            },
        )
}

/// Names of the built-in profiles, in README order.
pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|b| b.0)
}

fn is_browser_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// `[browsers.<name>]`: each definition, a built-in's policies overridden by
/// the keys given, or a new kind (whose `third_party_cookies` is required).
/// `None` when one of them failed.
pub(crate) fn read_definitions(p: &mut Problems, top: &mut Section) -> Option<Vec<BrowserProfile>> {
    let key = top.key("browsers");
    let table = match top.get("browsers") {
        None => return Some(Vec::new()),
        Some(Value::Table(t)) => t,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a table, found {}; use [browsers.<name>] tables with third_party_cookies, script_storage_cap, script_cookie_cap",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let mut out = Some(Vec::new());
    for (name, value) in table {
        let b_key = child(&key, name);
        let read = if !is_browser_name(name) {
            p.at(
                &b_key,
                "not a valid browser name; use lowercase letters, digits, \"_\" and \"-\"",
            );
            None
        } else {
            read_definition(p, &b_key, name, value)
        };
        match (read, out.as_mut()) {
            (Some(b), Some(list)) => list.push(b),
            _ => out = None,
        }
    }
    out
}

fn read_definition(
    p: &mut Problems,
    key: &str,
    name: &str,
    value: &Value,
) -> Option<BrowserProfile> {
    let Value::Table(t) = value else {
        p.at(
            key,
            format!("expected a table, found {}; use [{key}]", describe(value)),
        );
        return None;
    };
    let base = built_in(name);
    let mut s = Section::new(t, key);
    let third_party_cookies = s.choice(
        p,
        "third_party_cookies",
        base.as_ref().map(|b| b.third_party_cookies),
        POLICIES,
    );
    let storage = cap(
        p,
        &mut s,
        "script_storage_cap",
        base.as_ref().and_then(|b| b.script_storage_cap),
    );
    let cookie = cap(
        p,
        &mut s,
        "script_cookie_cap",
        base.as_ref().and_then(|b| b.script_cookie_cap),
    );
    s.finish(p);
    Some(BrowserProfile {
        name: name.to_string(),
        third_party_cookies: third_party_cookies?,
        script_storage_cap: storage?,
        script_cookie_cap: cookie?,
    })
}

/// A cap: a positive duration, or `"none"`; `default` when absent.
fn cap(
    p: &mut Problems,
    s: &mut Section,
    name: &'static str,
    default: Option<u64>,
) -> Option<Option<u64>> {
    if matches!(s.get(name), Some(Value::String(v)) if v == "none") {
        return Some(None);
    }
    if !s.has(name) {
        return Some(default);
    }
    let key = s.key(name);
    match s.duration(p, name, 0) {
        Some(0) => {
            p.at(
                &key,
                "a cap of 0 would delete the storage at once; use a positive duration such as \"7d\", or \"none\"",
            );
            None
        }
        other => other.map(Some),
    }
}

/// `users.browsers`: a table name → share over built-in and defined kinds,
/// summing to 1, or `"default"`; `None` inside when absent. Every defined
/// kind must be in the mix (a definition nobody uses would be ignored
/// silently), and the legacy cookie shares must not be set with it.
pub(crate) fn read_mix(
    p: &mut Problems,
    users: &mut Section,
    defined: &[BrowserProfile],
    legacy_set: &[&str],
) -> Option<Option<Vec<BrowserShare>>> {
    let key = users.key("browsers");
    let profile_of = |name: &str| {
        defined
            .iter()
            .find(|b| b.name == name)
            .cloned()
            .or_else(|| built_in(name))
    };
    let mix: Vec<BrowserShare> = match users.get("browsers") {
        None => {
            for b in defined {
                p.at(
                    &format!("browsers.{}", b.name),
                    "defined but users.browsers is not set, so no user would use it; add users.browsers = { ... } naming it, or remove the table",
                );
            }
            return if defined.is_empty() { Some(None) } else { None };
        }
        Some(Value::String(s)) if s == "default" => DEFAULT_MIX
            .iter()
            .map(|&(name, share)| profile_of(name).map(|profile| BrowserShare { profile, share }))
            .collect::<Option<_>>()?,
        Some(Value::Table(t)) if !t.is_empty() => read_shares(p, &key, t, &profile_of)?,
        Some(other) => {
            p.at(
                &key,
                format!(
                    "expected a table of browser → share or \"default\", found {}; use browsers = {{ chrome = 0.7, safari = 0.3 }}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let mut ok = true;
    for legacy in legacy_set {
        p.at_pair(
            &users.key(legacy),
            &key,
            "cannot be set together with users.browsers: each browser's third-party cookie policy comes from its profile now; remove this key, or set third_party_cookies in [browsers.<name>]",
        );
        ok = false;
    }
    for b in defined {
        if !mix.iter().any(|m| m.profile.name == b.name) {
            p.at(
                &format!("browsers.{}", b.name),
                format!("defined but not in users.browsers, so no user would use it; add {} to users.browsers or remove the table", b.name),
            );
            ok = false;
        }
    }
    ok.then_some(Some(mix))
}

fn read_shares(
    p: &mut Problems,
    key: &str,
    t: &Table,
    profile_of: &dyn Fn(&str) -> Option<BrowserProfile>,
) -> Option<Vec<BrowserShare>> {
    let mut out = Some(Vec::new());
    for (name, value) in t {
        let b_key = child(key, name);
        let profile = profile_of(name);
        if profile.is_none() {
            let known: Vec<&str> = built_in_names().collect();
            p.at(
                &b_key,
                format!(
                    "no browser named \"{name}\"; use a built-in one ({}) or define [browsers.{name}] with its third_party_cookies",
                    known.join(", ")
                ),
            );
        }
        let share = number_value(p, &b_key, value, 1.0);
        match (profile, share, out.as_mut()) {
            (Some(profile), Some(share), Some(list)) => list.push(BrowserShare { profile, share }),
            _ => out = None,
        }
    }
    let list = out?;
    let sum: f64 = list.iter().map(|b| b.share).sum();
    if (sum - 1.0).abs() > SHARE_TOLERANCE {
        p.at(key, format!("shares sum to {sum}; they must sum to 1"));
        return None;
    }
    Some(list)
}
