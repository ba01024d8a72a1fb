//! The seeds' flows of design §5 as traces: every hop in order, and the
//! sessions valid afterwards.

use ssosim::model::{ModelConfig, ScriptedVisit, Simulator, TraceLine, UserProfile, UserScript};
use ssosim::scenario::{Connection, Scenario, from_str};
use ssosim::time::{DAY, HOUR, MINUTE};

/// One regular web app and one SPA (implicit grant), password and Facebook.
const TENANT: &str = r#"
name = "flows"
[simulation]
users = 1
duration = "30d"
[authorization_server]
idle_timeout = "1h"
absolute_timeout = "1d"
[identity_providers.facebook]
idle_timeout = "60d"
absolute_timeout = "90d"
[[apps]]
name = "storezero"
kind = "regular_web"
local_session = { idle_timeout = "30m", absolute_timeout = "1d" }
[[apps]]
name = "spa"
kind = "spa_implicit"
[users]
connections = { password = 0.5, facebook = 0.5 }
"#;

fn scenario() -> Scenario {
    from_str(TENANT, "flows.toml", &[]).expect("test scenario is valid")
}

/// Traces one scripted user until `until`.
fn trace(
    connection: Connection,
    visits: &[(u64, u8)],
    until: u64,
) -> (Vec<TraceLine>, Vec<String>) {
    let s = scenario();
    let cfg = ModelConfig::new(&s);
    let script = UserScript {
        profile: Some(UserProfile {
            connection,
            blocks_third_party_cookies: false,
        }),
        visits: visits
            .iter()
            .map(|&(at, app)| ScriptedVisit {
                at,
                app,
                protected: true,
            })
            .collect(),
    };
    Simulator::new(&cfg, 0).with_script(script).trace(0, until)
}

/// The hops only, as `from -> to: what`.
fn hops(lines: &[TraceLine]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            l.hop
                .as_ref()
                .map(|(f, t)| format!("{f} -> {t}: {}", l.what))
        })
        .collect()
}

const FACEBOOK: Connection = Connection::Idp(0);

#[test]
fn password_login_to_a_regular_web_app_creates_two_sessions() {
    let (lines, valid) = trace(Connection::Password, &[(1000, 0)], 2000 + 20_000);
    assert_eq!(
        hops(&lines),
        [
            "browser -> storezero: GET /page",
            "storezero -> browser: 302 /authorize",
            "browser -> as: GET /authorize",
            "as -> browser: 302 /login",
            "browser -> as: GET /login",
            "as -> browser: 200 login prompt",
            "browser -> as: POST /login (username, password)",
            "as -> browser: 302 /callback",
            "browser -> storezero: GET /callback",
            "storezero -> as: POST /oauth/token (back channel)",
            "as -> storezero: 200 tokens (back channel)",
            "storezero -> browser: 200 page",
        ]
    );
    // 12 hops of 40 ms and one 8 s prompt: the page is served at 1000 + 8480.
    let served = lines.iter().find(|l| l.what == "200 page").unwrap();
    assert_eq!(served.time, 1000 + 12 * 40 + 8000);
    assert_eq!(valid, ["as", "app:storezero"]);
}

#[test]
fn facebook_login_creates_three_sessions() {
    let (lines, valid) = trace(FACEBOOK, &[(0, 0)], 60_000);
    assert_eq!(
        hops(&lines),
        [
            "browser -> storezero: GET /page",
            "storezero -> browser: 302 /authorize",
            "browser -> as: GET /authorize",
            "as -> browser: 302 /login",
            "browser -> as: GET /login",
            "as -> browser: 200 login prompt",
            "browser -> as: POST /login (connection)",
            "as -> browser: 302 identity provider",
            "browser -> facebook: GET /dialog",
            "facebook -> browser: 200 login dialog",
            "browser -> facebook: POST /login",
            "facebook -> browser: 302 /login/callback",
            "browser -> as: GET /login/callback",
            "as -> browser: 302 /callback",
            "browser -> storezero: GET /callback",
            "storezero -> as: POST /oauth/token (back channel)",
            "as -> storezero: 200 tokens (back channel)",
            "storezero -> browser: 200 page",
        ]
    );
    assert_eq!(valid, ["as", "idp:facebook", "app:storezero"]);
}

#[test]
fn facebook_again_after_the_as_session_expired_needs_one_click_and_no_facebook_prompt() {
    // AS idle timeout 1h, local 30m: three hours later both expired, Facebook's valid.
    let later = 3 * HOUR;
    let (lines, valid) = trace(FACEBOOK, &[(0, 0), (later, 0)], later + MINUTE);
    let second: Vec<&TraceLine> = lines.iter().filter(|l| l.time >= later).collect();
    let second_hops = hops(&second.iter().map(|l| (*l).clone()).collect::<Vec<_>>());
    assert_eq!(
        second_hops,
        [
            "browser -> storezero: GET /page",
            "storezero -> browser: 302 /authorize",
            "browser -> as: GET /authorize",
            "as -> browser: 302 /login",
            "browser -> as: GET /login",
            "as -> browser: 200 login prompt",
            "browser -> as: POST /login (connection)",
            "as -> browser: 302 identity provider",
            "browser -> facebook: GET /dialog",
            "facebook -> browser: 302 /login/callback",
            "browser -> as: GET /login/callback",
            "as -> browser: 302 /callback",
            "browser -> storezero: GET /callback",
            "storezero -> as: POST /oauth/token (back channel)",
            "as -> storezero: 200 tokens (back channel)",
            "storezero -> browser: 200 page",
        ]
    );
    let prompts = second
        .iter()
        .filter(|l| l.what.starts_with("user completes the prompt"))
        .count();
    assert_eq!(prompts, 1, "one click at the AS prompt, no Facebook prompt");
    // The expiries were noted at their own times, by their causes.
    let ended: Vec<&str> = lines
        .iter()
        .filter(|l| l.what.contains("session ends"))
        .map(|l| l.what.as_str())
        .collect();
    assert_eq!(
        ended,
        [
            "app:storezero session ends: idle timeout",
            "as session ends: idle timeout"
        ]
    );
    assert_eq!(valid, ["as", "idp:facebook", "app:storezero"]);
}

#[test]
fn spa_with_implicit_grant_keeps_no_local_session_and_logs_in_silently_next_time() {
    let later = 20 * MINUTE;
    let (lines, valid) = trace(FACEBOOK, &[(0, 1), (later, 1)], later + MINUTE);
    let all = hops(&lines);
    // First visit: silent authentication fails (no AS session yet), then the
    // whole page goes to /authorize and the user logs in with Facebook.
    assert_eq!(
        &all[..6],
        [
            "browser -> spa: GET /page",
            "spa -> browser: 200 single-page app",
            "browser -> as: GET /authorize?prompt=none&response_mode=web_message (iframe)",
            "as -> browser: 200 web_message: error=login_required",
            "browser -> as: GET /authorize",
            "as -> browser: 302 /login",
        ]
    );
    assert!(all.contains(&"browser -> facebook: GET /dialog".to_string()));
    assert!(
        !all.iter().any(|h| h.contains("/oauth/token")),
        "implicit grant: no code exchange"
    );
    // Second visit: silently, by prompt=none, without any prompt.
    let second: Vec<String> = hops(
        &lines
            .iter()
            .filter(|l| l.time >= later)
            .cloned()
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        second,
        [
            "browser -> spa: GET /page",
            "spa -> browser: 200 single-page app",
            "browser -> as: GET /authorize?prompt=none&response_mode=web_message (iframe)",
            "as -> browser: 200 web_message: tokens",
        ]
    );
    assert_eq!(
        valid,
        ["as", "idp:facebook"],
        "sessions at the AS and Facebook, none at the app"
    );
}

#[test]
fn sso_across_apps_logs_in_to_the_second_app_without_a_prompt() {
    // Log in to the SPA, then visit the regular web app: SSO at the AS.
    let later = 25 * MINUTE;
    let (lines, valid) = trace(Connection::Password, &[(0, 1), (later, 0)], later + MINUTE);
    let second = hops(
        &lines
            .iter()
            .filter(|l| l.time >= later)
            .cloned()
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        second,
        [
            "browser -> storezero: GET /page",
            "storezero -> browser: 302 /authorize",
            "browser -> as: GET /authorize",
            "as -> browser: 302 /callback",
            "browser -> storezero: GET /callback",
            "storezero -> as: POST /oauth/token (back channel)",
            "as -> storezero: 200 tokens (back channel)",
            "storezero -> browser: 200 page",
        ]
    );
    assert_eq!(valid, ["as", "app:storezero"]);
}

#[test]
fn a_trace_is_in_time_order_and_reproducible() {
    let s = scenario();
    let cfg = ModelConfig::new(&s);
    let (a, _) = Simulator::new(&cfg, 0).trace(0, 10 * DAY);
    let (b, _) = Simulator::new(&cfg, 0).trace(0, 10 * DAY);
    assert_eq!(a, b);
    assert!(a.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(a.len() > 50, "ten days of visits at 3 a day");
}
