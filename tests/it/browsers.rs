//! Browsers as they are (issue 14): each browser kind's policy traced on the
//! SPA flows, the SDK's token cache and hint cookie across visits, a private
//! window closing, Safari's storage purge against its closed form, the
//! legacy cookie shares as a mix, and byte-identical outputs across threads.

use crate::support::cli::{snapshot, ssosim, stderr, tmp, write};
use crate::support::model::{assert_share, simulate};
use ssosim::metrics::{AppCounter, Cause, Family};
use ssosim::model::{ModelConfig, ScriptedVisit, Simulator, TraceLine, UserProfile, UserScript};
use ssosim::scenario::{Connection, from_str};
use ssosim::time::{DAY, HOUR, MINUTE};

/// One SPA with refresh tokens; `{cache}` is its token cache. The AS
/// session's idle timeout (1 h) is shorter than the gaps between visits, so
/// after the first visit only the stored refresh token keeps the user in.
const SPA: &str = r#"
name = "browsers"
[simulation]
users = 1
duration = "60d"
[authorization_server]
idle_timeout = "1h"
absolute_timeout = "1d"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "{cache}"
refresh_tokens = { enabled = true, absolute_lifetime = "365d", idle_lifetime = "365d" }
[users]
browsers = { chrome = 0.2, edge = 0.2, safari = 0.2, firefox = 0.2, brave = 0.2 }
"#;

fn spa(cache: &str) -> String {
    SPA.replace("{cache}", cache)
}

/// Traces a scripted user on browser `browser` of `toml` (protected visits
/// to app 0 at `visits`), until `until`.
fn trace(toml: &str, browser: &str, private: bool, visits: &[u64], until: u64) -> Vec<TraceLine> {
    let s = from_str(toml, "browsers.toml", &[]).expect("valid test scenario");
    let cfg = ModelConfig::new(&s);
    let mut profile = UserProfile::on_browser(Connection::Password, &cfg, browser).unwrap();
    profile.private = private;
    let script = UserScript {
        profile: Some(profile),
        visits: visits
            .iter()
            .map(|&at| ScriptedVisit {
                at,
                app: 0,
                protected: true,
            })
            .collect(),
    };
    Simulator::new(&cfg, 0)
        .with_script(script)
        .trace(0, until)
        .0
}

/// The hops and notes from time `t` on, as text.
fn from(lines: &[TraceLine], t: u64) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.time >= t)
        .map(|l| match &l.hop {
            Some((a, b)) => format!("{a} -> {b}: {}", l.what),
            None => l.what.clone(),
        })
        .collect()
}

fn has(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

#[test]
fn the_silent_authentication_iframe_follows_each_browser_cookie_policy() {
    // Memory cache: the second visit (within the hint cookie's day) runs the
    // iframe; the AS session (idle 1 h) is still valid 30 minutes later.
    let toml = spa("memory");
    let at = 30 * MINUTE;
    for (browser, outcome) in [
        ("chrome", "web_message: tokens"),
        ("edge", "web_message: tokens"),
        ("safari", "login_required"),
        ("brave", "login_required"),
        ("firefox", "login_required"),
    ] {
        let lines = from(&trace(&toml, browser, false, &[0, at], at + MINUTE), at);
        let iframe = lines
            .iter()
            .position(|l| l.contains("prompt=none"))
            .unwrap_or_else(|| panic!("{browser}: no iframe in {lines:#?}"));
        let answer = lines[iframe..]
            .iter()
            .find(|l| l.starts_with("as -> browser:"))
            .unwrap();
        assert!(answer.contains(outcome), "{browser}: {lines:#?}");
        if outcome == "login_required" {
            // The top-level /authorize carries the first-party AS cookie: SSO.
            assert!(has(&lines, "served: SSO"), "{browser}: {lines:#?}");
        }
    }
}

#[test]
fn safari_deletes_the_stored_refresh_token_after_seven_days_without_a_visit() {
    let toml = spa("local_storage");
    // Six days later the stored token is exchanged; ten days after that it is gone.
    let (second, third) = (6 * DAY, 16 * DAY);
    let lines = trace(&toml, "safari", false, &[0, second, third], third + MINUTE);
    let six = from(&lines, second);
    assert!(has(&six, "grant_type=refresh_token"), "{six:#?}");
    let ten = from(&lines, second + DAY);
    assert!(
        has(&ten, "the browser deletes the site's script storage"),
        "{ten:#?}"
    );
    assert!(!has(&ten, "grant_type=refresh_token"), "{ten:#?}");
    assert!(
        has(
            &ten,
            "interactive login: refresh token deleted with the site's storage (script-storage cap) at 13d+"
        ),
        "{ten:#?}"
    );
    // Chrome has no cap: the token of 16 days ago still logs the user in.
    let chrome = from(
        &trace(&toml, "chrome", false, &[0, third], third + MINUTE),
        third,
    );
    assert!(has(&chrome, "grant_type=refresh_token"), "{chrome:#?}");
    assert!(!has(&chrome, "interactive login"), "{chrome:#?}");
}

#[test]
fn a_memory_cache_loses_the_refresh_token_at_each_load_and_local_storage_keeps_it() {
    let at = 2 * HOUR;
    let memory = from(
        &trace(&spa("memory"), "chrome", false, &[0, at], at + MINUTE),
        at,
    );
    assert!(!has(&memory, "grant_type=refresh_token"), "{memory:#?}");
    assert!(has(&memory, "prompt=none"), "{memory:#?}");
    let stored = from(
        &trace(
            &spa("local_storage"),
            "chrome",
            false,
            &[0, at],
            at + MINUTE,
        ),
        at,
    );
    assert!(has(&stored, "grant_type=refresh_token"), "{stored:#?}");
    assert!(!has(&stored, "prompt=none"), "{stored:#?}");
}

#[test]
fn without_its_hint_cookie_the_sdk_skips_the_session_check() {
    // Two days later the one-day auth0.is.authenticated cookie is gone: no
    // iframe, the protected page goes straight to a top-level /authorize.
    let at = 2 * DAY;
    let lines = from(
        &trace(&spa("memory"), "chrome", false, &[0, at], at + MINUTE),
        at,
    );
    assert!(
        has(
            &lines,
            "no auth0.is.authenticated cookie: the SDK skips its session check"
        ),
        "{lines:#?}"
    );
    assert!(!has(&lines, "prompt=none"), "{lines:#?}");
    let note = lines.iter().position(|l| l.contains("skips")).unwrap();
    assert_eq!(
        lines[note + 1],
        "browser -> as: GET /authorize",
        "{lines:#?}"
    );
    // With a week-long hint cookie the check runs (and fails: the AS session is gone).
    let week = spa("memory").replace(
        "token_cache = \"memory\"",
        "token_cache = \"memory\"\nsession_check_expiry = \"7d\"",
    );
    let lines = from(&trace(&week, "chrome", false, &[0, at], at + MINUTE), at);
    assert!(has(&lines, "prompt=none"), "{lines:#?}");
    // Safari caps cookies set from JavaScript to 7 days: an 8-day hint lives 7.
    let eight = spa("memory").replace(
        "token_cache = \"memory\"",
        "token_cache = \"memory\"\nsession_check_expiry = \"8d\"",
    );
    let late = 7 * DAY + HOUR;
    let safari = from(
        &trace(&eight, "safari", false, &[0, late], late + MINUTE),
        late,
    );
    assert!(has(&safari, "skips its session check"), "{safari:#?}");
    let chrome = from(
        &trace(&eight, "chrome", false, &[0, late], late + MINUTE),
        late,
    );
    assert!(has(&chrome, "prompt=none"), "{chrome:#?}");
}

#[test]
fn a_private_window_forgets_every_cookie_and_the_stored_token_when_it_closes() {
    // Browser closes at 1 a day; the private user's stored refresh token and
    // persistent AS cookie go at the first close; a normal window keeps them.
    let toml = spa("local_storage").replace("[users]\n", "[users]\nbrowser_closes_per_day = 1.0\n");
    let until = 20 * DAY;
    let visits: Vec<u64> = (0..20).map(|d| d * DAY + 12 * HOUR).collect();
    let private = trace(&toml, "chrome", true, &visits, until);
    let normal = trace(&toml, "chrome", false, &visits, until);
    let logins = |l: &[TraceLine]| {
        from(l, 0)
            .iter()
            .filter(|x| x.starts_with("interactive login:"))
            .count()
    };
    assert_eq!(logins(&normal), 1, "{:#?}", from(&normal, 0));
    assert!(logins(&private) > 5, "{:#?}", from(&private, 0));
    assert!(has(
        &from(&private, 0),
        "interactive login: AS session ended by browser close"
    ));
}

/// A Safari-only population with a refresh token in local storage whose
/// lifetimes are far beyond the run, an AS idle timeout shorter than any gap
/// that matters: a protected visit prompts exactly when the last visit was
/// more than the 7-day cap ago, e^{−λ·cap} for Poisson visits at rate λ.
#[test]
fn safari_prompts_a_share_exp_minus_lambda_cap_of_protected_visits() {
    let toml = r#"
[simulation]
users = 3000
warmup = "60d"
duration = "60d"
seed = 3
[authorization_server]
idle_timeout = "1h"
absolute_timeout = "1h"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
refresh_tokens = { enabled = true, absolute_lifetime = "3650d", idle_lifetime = "3650d" }
[users]
visits_per_day = 0.3
protected_share = 1.0
visit_length = "1m"
browsers = { safari = 1.0 }
"#;
    let s = from_str(toml, "safari.toml", &[]).unwrap();
    let m = simulate(&s, 2);
    let visits = m.app_total(AppCounter::ProtectedVisits) as f64;
    let purged = m
        .causes
        .get(Family::InteractiveLogins, 0, Cause::StoragePurged) as f64;
    let first = m.app_total(AppCounter::FirstLogins);
    let logins = m.app_total(AppCounter::InteractiveLogins);
    assert_eq!(
        logins as f64,
        purged + first as f64,
        "every other prompt is a purge"
    );
    assert!(visits > 40_000.0, "{visits}");
    assert_share(purged, visits, (-0.3f64 * 7.0).exp(), "Safari purge");
}

/// The legacy share of browsers blocking third-party cookies and a mix of
/// kinds with the same policies draw the same users: every counter agrees.
#[test]
fn a_mix_of_kinds_reproduces_the_legacy_cookie_shares() {
    let base = r#"
[simulation]
users = 400
duration = "10d"
[[apps]]
name = "spa"
kind = "spa_implicit"
[users]
"#;
    let legacy = from_str(
        &format!(
            "{base}third_party_cookies_blocked = 0.3\nthird_party_cookies_partitioned = 0.2\n"
        ),
        "legacy.toml",
        &[],
    )
    .unwrap();
    let mix = from_str(
        &format!("{base}browsers = {{ brave = 0.3, firefox = 0.2, chrome = 0.5 }}\n"),
        "mix.toml",
        &[],
    )
    .unwrap();
    let (a, b) = (simulate(&legacy, 1), simulate(&mix, 1));
    assert_eq!(a.app, b.app);
    assert_eq!(a.causes, b.causes);
    assert_eq!(a.tier, b.tier);
    assert!(a.app_total(AppCounter::SilentAuthLoginRequired) > 0);
}

#[test]
fn a_browser_mix_run_is_byte_identical_on_one_or_two_threads() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "mix.toml",
        &spa("local_storage")
            .replace(
                "users = 1\n",
                "users = 300\nwarmup = \"10d\"\nreplicas = 2\n",
            )
            .replace("duration = \"60d\"", "duration = \"10d\"")
            .replace(
                "[users]\n",
                "[users]\nprivate_browsing_share = 0.2\nbrowser_closes_per_day = 1.0\n",
            ),
    );
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = ssosim(dir.path())
            .arg("run")
            .arg(&file)
            .args([
                "--threads",
                threads,
                "--no-charts",
                "--quiet",
                "--out",
                threads,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        files.push(
            snapshot(&dir.path().join(threads))
                .into_iter()
                .filter(|(name, _)| name != "run.json")
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(files[0], files[1]);
    let segments = String::from_utf8(
        files[0]
            .iter()
            .find(|(n, _)| n == "segments.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    for b in ["chrome", "edge", "safari", "firefox", "brave"] {
        assert!(
            segments.contains(&format!("browser={b},users,")),
            "{segments}"
        );
    }
}

/// With k devices sharing a user's visits evenly, each device (its own
/// browser, its own AS session) sees Poisson visits at λ/k: a visit
/// re-authenticates when its device's last visit is more than the AS idle
/// timeout T ago, e^{−λT/k}.
#[test]
fn with_k_devices_each_device_sees_lambda_over_k() {
    let toml = |devices: &str| {
        format!(
            r#"
[simulation]
users = 1500
warmup = "10d"
duration = "40d"
seed = 5
[authorization_server]
plan = "enterprise"
idle_timeout = "1d"
absolute_timeout = "365d"
[[apps]]
name = "web"
kind = "regular_web"
local_session = {{ idle_timeout = "1s", absolute_timeout = "1s" }}
[users]
visits_per_day = 1.0
protected_share = 1.0
visit_length = "1m"
devices = {devices}
"#
        )
    };
    for (devices, k) in [
        ("{ 1 = 1.0 }", 1.0),
        ("{ 2 = 1.0 }", 2.0),
        ("{ 3 = 1.0 }", 3.0),
    ] {
        let s = from_str(&toml(devices), "devices.toml", &[]).unwrap();
        let m = simulate(&s, 2);
        let protected = m.app_total(AppCounter::ProtectedVisits);
        let first = m.app_total(AppCounter::FirstLogins);
        let reauth = m.app_total(AppCounter::Reauthentications) as f64;
        let n = (protected - first) as f64;
        assert_share(reauth, n, (-1.0f64 / k).exp(), devices);
        assert_eq!(
            m.global_value(ssosim::metrics::GlobalCounter::Devices),
            1500 * k as u64
        );
    }
}
