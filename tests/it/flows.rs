//! The seeds' flows of design §5 as traces: every hop in order, and the
//! sessions valid afterwards.

use ssosim::model::{
    ModelConfig, ScriptedVisit, Simulator, ThirdPartyCookies, TraceLine, UserProfile, UserScript,
};
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
token_cache = "local_storage"
[users]
connections = { password = 0.5, facebook = 0.5 }
"#;

fn scenario() -> Scenario {
    from_str(TENANT, "flows.toml", &[]).expect("test scenario is valid")
}

/// Traces one scripted user until `until`.
fn trace(
    connection: Connection,
    visits: &[(u64, u16)],
    until: u64,
) -> (Vec<TraceLine>, Vec<String>) {
    let s = scenario();
    let cfg = ModelConfig::new(&s);
    let script = UserScript {
        profile: Some(UserProfile::new(connection, ThirdPartyCookies::Allowed)),
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

/// The hops from time `t` on.
fn hops_from(lines: &[TraceLine], t: u64) -> Vec<String> {
    let later: Vec<TraceLine> = lines.iter().filter(|l| l.time >= t).cloned().collect();
    hops(&later)
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

/// The hops, one per line, against the snapshot `name` in
/// `tests/it/snapshots/`: a flow change is reviewed as a diff of that file
/// (after a deliberate change: `INSTA_UPDATE=always cargo test --release --
/// flows`, then `git diff tests/it/snapshots`).
fn assert_hops(name: &str, hops: &[String]) {
    insta::assert_snapshot!(name, hops.join("\n"));
}

const FACEBOOK: Connection = Connection::Idp(0);

#[test]
fn password_login_to_a_regular_web_app_creates_two_sessions() {
    let (lines, valid) = trace(Connection::Password, &[(1000, 0)], 2000 + 20_000);
    assert_hops(
        "password_login_to_a_regular_web_app_creates_two_sessions",
        &hops(&lines),
    );
    // 14 hops of 40 ms and one 8 s prompt: the page is served at 1000 + 8560.
    let served = lines.iter().find(|l| l.what == "200 page").unwrap();
    assert_eq!(served.time, 1000 + 14 * 40 + 8000);
    assert_eq!(valid, ["as", "app:storezero"]);
}

#[test]
fn facebook_login_creates_three_sessions() {
    let (lines, valid) = trace(FACEBOOK, &[(0, 0)], 60_000);
    assert_hops("facebook_login_creates_three_sessions", &hops(&lines));
    assert_eq!(valid, ["as", "idp:facebook", "app:storezero"]);
}

#[test]
fn facebook_again_after_the_as_session_expired_needs_one_click_and_no_facebook_prompt() {
    // AS idle timeout 1h, local 30m: three hours later both expired, Facebook's valid.
    let later = 3 * HOUR;
    let (lines, valid) = trace(FACEBOOK, &[(0, 0), (later, 0)], later + MINUTE);
    let second: Vec<&TraceLine> = lines.iter().filter(|l| l.time >= later).collect();
    let second_hops = hops(&second.iter().map(|l| (*l).clone()).collect::<Vec<_>>());
    assert_hops(
        "facebook_again_after_the_as_session_expired_needs_one_click_and_no_facebook_prompt",
        &second_hops,
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
    assert_hops(
        "spa_with_implicit_grant_keeps_no_local_session_and_logs_in_silently_next_time_1",
        &all[..6],
    );
    assert!(all.contains(&"browser -> facebook: GET /dialog".to_string()));
    assert!(
        !all.iter().any(|h| h.contains("/oauth/token")),
        "implicit grant: no code exchange"
    );
    // Second visit: silently, by prompt=none, without any prompt.
    let second: Vec<String> = hops_from(&lines, later);
    assert_hops(
        "spa_with_implicit_grant_keeps_no_local_session_and_logs_in_silently_next_time_2",
        &second,
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
    let second = hops_from(&lines, later);
    assert_hops(
        "sso_across_apps_logs_in_to_the_second_app_without_a_prompt",
        &second,
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

/// Traces a scripted user of a scenario given as TOML.
fn trace_in(
    toml: &str,
    profile: UserProfile,
    visits: &[(u64, u16, bool)],
    until: u64,
) -> (Vec<TraceLine>, Vec<String>) {
    let s = from_str(toml, "flows.toml", &[]).expect("valid test scenario");
    let cfg = ModelConfig::new(&s);
    let script = UserScript {
        profile: Some(profile),
        visits: visits
            .iter()
            .map(|&(at, app, protected)| ScriptedVisit { at, app, protected })
            .collect(),
    };
    Simulator::new(&cfg, 0).with_script(script).trace(0, until)
}

fn notes(lines: &[TraceLine]) -> Vec<&str> {
    lines
        .iter()
        .filter(|l| l.hop.is_none())
        .map(|l| l.what.as_str())
        .collect()
}

#[test]
fn mfa_is_asked_at_the_interactive_login_and_remembered_for_sso() {
    let toml = TENANT.replace(
        "absolute_timeout = \"1d\"\n[identity",
        "absolute_timeout = \"1d\"\nmfa = true\n[identity",
    );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    // Regular web app, then the SPA 20 minutes later: SSO by prompt=none, no MFA.
    let (lines, _) = trace_in(
        &toml,
        profile,
        &[(0, 0, true), (20 * MINUTE, 1, true)],
        21 * MINUTE,
    );
    let all = hops(&lines);
    let mfa = all.iter().filter(|h| h.contains("MFA prompt")).count();
    assert_eq!(mfa, 1, "{all:#?}");
    let i = all
        .iter()
        .position(|h| h.contains("POST /login (username"))
        .unwrap();
    // Universal Login resumes the transaction after each answered prompt:
    // to the MFA prompt after the password, to the app after MFA.
    assert_hops(
        "mfa_is_asked_at_the_interactive_login_and_remembered_for_sso",
        &all[i + 1..i + 8],
    );
    assert!(all.last().unwrap().ends_with("200 web_message: tokens"));
}

#[test]
fn blocked_third_party_cookies_fail_silent_auth_but_not_a_top_level_sso() {
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Blocked);
    // Log in on the web app, then open the SPA's protected page.
    let later = 20 * MINUTE;
    let (lines, _) = trace_in(
        TENANT,
        profile,
        &[(0, 0, true), (later, 1, true)],
        later + MINUTE,
    );
    let second = hops_from(&lines, later);
    assert_hops(
        "blocked_third_party_cookies_fail_silent_auth_but_not_a_top_level_sso",
        &second,
    );
    assert!(notes(&lines).contains(&"third-party cookies blocked: no AS cookie in the iframe"));
}

#[test]
fn federated_logout_ends_the_app_as_and_facebook_sessions() {
    let toml = TENANT.replace(
        "[users]\n",
        "[users]\nlogout_share = 1.0\nfederated_logout_share = 1.0\n",
    );
    let profile = UserProfile::new(FACEBOOK, ThirdPartyCookies::Allowed);
    let (lines, valid) = trace_in(&toml, profile, &[(0, 0, true)], 30 * MINUTE);
    let all = hops(&lines);
    let i = all
        .iter()
        .position(|h| h.ends_with("GET /logout") && h.contains("storezero"))
        .unwrap();
    assert_hops(
        "federated_logout_ends_the_app_as_and_facebook_sessions",
        &all[i..],
    );
    let ended: Vec<&str> = notes(&lines)
        .into_iter()
        .filter(|n| n.contains("ends: logout"))
        .collect();
    assert_eq!(
        ended,
        [
            "app:storezero session ends: logout",
            "as session ends: logout",
            "idp:facebook session ends: logout"
        ]
    );
    assert!(valid.is_empty(), "{valid:?}");
}

#[test]
fn a_plain_logout_leaves_the_facebook_session() {
    let toml = TENANT.replace("[users]\n", "[users]\nlogout_share = 1.0\n");
    let profile = UserProfile::new(FACEBOOK, ThirdPartyCookies::Allowed);
    let (lines, valid) = trace_in(&toml, profile, &[(0, 0, true)], 30 * MINUTE);
    assert!(hops(&lines).contains(&"browser -> as: GET /v2/logout".to_string()));
    assert_eq!(valid, ["idp:facebook"]);
}

#[test]
fn a_browser_close_abandons_the_login_and_drops_session_only_cookies() {
    // Non-persistent AS cookie; the browser closes every 43 s on average, so
    // many closes land during a login (8 s prompt), others after it.
    let toml = TENANT
        .replace(
            "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
            "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"\ncookie = \"non_persistent\"",
        )
        .replace("[users]\n", "[users]\nbrowser_closes_per_day = 2000.0\n");
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let visits: Vec<(u64, u16, bool)> = (0..200).map(|i| (i * 17 * MINUTE, 0, true)).collect();
    let (lines, _) = trace_in(&toml, profile, &visits, 200 * 17 * MINUTE);
    let n = notes(&lines);
    assert!(n.contains(&"browser closes"));
    assert!(
        n.contains(&"as session ends: browser close"),
        "the AS cookie is session-only"
    );
    assert!(
        n.contains(&"app:storezero session ends: browser close"),
        "the local cookie is session-only"
    );
    // After a close cut a visit, none of its hops arrive.
    for (i, l) in lines.iter().enumerate() {
        if l.what == "login abandoned" {
            let next = &lines[i + 1..];
            if let Some(resumed) = next.iter().find(|l| l.hop.is_some()) {
                assert_eq!(
                    resumed.what, "GET /page",
                    "a new visit starts with a navigation"
                );
            }
        }
    }
    assert!(
        n.contains(&"login abandoned"),
        "200 logins of 8 s, a close every 43 s: some login is cut"
    );
}

#[test]
fn a_password_reset_expires_the_as_session_but_not_the_local_one() {
    let toml = TENANT
        .replace(
            "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
            "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"",
        )
        .replace(
            "[users]\n",
            "[users]\npassword_resets_per_year = 100000.0\n",
        );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    // Resets every 5 minutes on average; the local session lasts 30 minutes idle.
    let (lines, _) = trace_in(&toml, profile, &[(0, 0, true)], 25 * MINUTE);
    let created = lines
        .iter()
        .position(|l| l.what == "as session created")
        .unwrap();
    let reset = created
        + lines[created..]
            .iter()
            .position(|l| l.what == "user resets the password")
            .expect("a reset after the login");
    assert_eq!(lines[reset + 1].what, "as session ends: password reset");
    assert_eq!(lines[reset + 1].time, lines[reset].time);
    let n = notes(&lines);
    assert!(
        !n.iter()
            .any(|x| x.starts_with("app:storezero session ends")),
        "{n:?}"
    );
}

/// The tenant with refresh tokens on the SPA (idle 1 day, absolute 3 days).
fn with_refresh_tokens(extra_users: &str) -> String {
    TENANT
        .replace(
            "kind = \"spa_implicit\"\n",
            "kind = \"spa_implicit\"\nrefresh_tokens = { enabled = true, absolute_lifetime = \"3d\", idle_lifetime = \"1d\" }\n",
        )
        .replace("[users]\n", &format!("[users]\n{extra_users}"))
}

#[test]
fn refresh_tokens_log_in_without_the_as_session_or_third_party_cookies() {
    // Blocked third-party cookies; AS idle timeout 1h. Second visit 3 hours
    // later: the AS session has expired, the refresh token has not.
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Blocked);
    let later = 3 * HOUR;
    let (lines, valid) = trace_in(
        &with_refresh_tokens(""),
        profile,
        &[(0, 1, true), (later, 1, true)],
        later + MINUTE,
    );
    let second = hops_from(&lines, later);
    assert_hops(
        "refresh_tokens_log_in_without_the_as_session_or_third_party_cookies",
        &second,
    );
    // The exchange neither needed nor extended the AS session.
    assert!(valid.is_empty(), "{valid:?}");
}

#[test]
fn an_expired_refresh_token_falls_back_to_silent_then_interactive_login() {
    // Idle lifetime 1 day: a visit two days later finds it expired.
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let later = 2 * DAY;
    let (lines, _) = trace_in(
        &with_refresh_tokens(""),
        profile,
        &[(0, 1, true), (later, 1, true)],
        later + MINUTE,
    );
    let second = hops_from(&lines, later);
    assert_hops(
        "an_expired_refresh_token_falls_back_to_silent_then_interactive_login",
        &second[..8],
    );
}

#[test]
fn a_rotated_token_lost_in_flight_is_a_reuse_that_revokes_the_family() {
    // Closes every 2 s on average, visits every 5 minutes: some close drops
    // the answer of a rotation in flight; the next exchange presents the old
    // token, the AS detects the reuse and revokes the family.
    let toml = with_refresh_tokens("browser_closes_per_day = 43200.0\n");
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let visits: Vec<(u64, u16, bool)> = (0..600).map(|i| (i * 5 * MINUTE, 1, true)).collect();
    let (lines, _) = trace_in(&toml, profile, &visits, 600 * 5 * MINUTE);
    let reuse = lines
        .iter()
        .position(|l| l.what == "refresh token reused: the family is revoked")
        .expect("a reuse in 600 visits");
    // Before it: a granted rotation whose answer never arrived (browser close).
    let before = &lines[..reuse];
    let last_request = before
        .iter()
        .rposition(|l| l.what.starts_with("POST /oauth/token (grant_type=refresh"))
        .unwrap();
    let dropped = &before[..last_request];
    let prior = dropped
        .iter()
        .rposition(|l| l.what.starts_with("POST /oauth/token (grant_type=refresh"))
        .unwrap();
    let between: Vec<&str> = dropped[prior..].iter().map(|l| l.what.as_str()).collect();
    assert!(between.contains(&"browser closes"), "{between:#?}");
    assert!(
        !between.contains(&"200 tokens, rotated refresh token"),
        "{between:#?}"
    );
    assert_eq!(lines[reuse + 1].what, "400 invalid_grant");
}

#[test]
fn mfa_remember_browser_skips_mfa_at_the_next_interactive_login() {
    let toml = TENANT.replace(
        "absolute_timeout = \"1d\"\n[identity",
        "absolute_timeout = \"1d\"\nmfa = true\nmfa_remember_browser = \"30d\"\n[identity",
    );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    // The AS session (idle 1h) and local session (30m) expire between visits.
    let later = 3 * HOUR;
    let (lines, _) = trace_in(
        &toml,
        profile,
        &[(0, 0, true), (later, 0, true)],
        later + MINUTE,
    );
    let first = hops(
        &lines
            .iter()
            .filter(|l| l.time < later)
            .cloned()
            .collect::<Vec<_>>(),
    );
    let second = hops_from(&lines, later);
    assert!(first.contains(&"as -> browser: 200 MFA prompt".to_string()));
    assert!(second.contains(&"as -> browser: 200 login prompt".to_string()));
    assert!(
        !second.contains(&"as -> browser: 200 MFA prompt".to_string()),
        "{second:#?}"
    );
}

#[test]
fn app_only_logout_keeps_the_as_session_and_sso_logs_back_in() {
    let toml = TENANT.replace(
        "[users]\n",
        "[users]\nlogout_share = 1.0\napp_only_logout_share = 1.0\n",
    );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let later = 20 * MINUTE;
    let (lines, _) = trace_in(
        &toml,
        profile,
        &[(0, 0, true), (later, 0, true)],
        later + MINUTE,
    );
    let all = hops(&lines);
    assert!(all.contains(&"storezero -> browser: 302 / (app-only logout)".to_string()));
    assert!(!all.iter().any(|h| h.contains("/v2/logout")));
    let second = hops_from(&lines, later);
    assert_eq!(
        second[3], "as -> browser: 302 /callback",
        "SSO: {second:#?}"
    );
}

#[test]
fn backchannel_logout_ends_the_local_sessions_of_other_apps() {
    let toml = TENANT
        .replace(
            "absolute_timeout = \"1d\"\n[identity",
            "absolute_timeout = \"1d\"\nbackchannel_logout = true\n[identity",
        )
        .replace(
            "kind = \"spa_implicit\"\ntoken_cache = \"local_storage\"",
            "kind = \"regular_web\"",
        )
        .replace("[users]\n", "[users]\nlogout_share = 0.5\n");
    let s = from_str(&toml, "flows.toml", &[]).unwrap();
    let cfg = ModelConfig::new(&s);
    let script = UserScript {
        profile: Some(UserProfile::new(
            Connection::Password,
            ThirdPartyCookies::Allowed,
        )),
        visits: vec![
            ScriptedVisit {
                at: 0,
                app: 0,
                protected: true,
            },
            ScriptedVisit {
                at: 11 * MINUTE,
                app: 1,
                protected: true,
            },
        ],
    };
    // Logout is drawn per visit: among users, find one who stayed logged in
    // to the first app and logged out of the second.
    let found = (0..60).find_map(|id| {
        let (lines, valid) = Simulator::new(&cfg, 0)
            .with_script(script.clone())
            .trace(id, 25 * MINUTE);
        let all = hops(&lines);
        let notified = all
            .iter()
            .any(|h| h == "as -> storezero: POST /backchannel-logout (logout_token)");
        notified.then_some((lines, valid))
    });
    let (lines, valid) = found.expect("one user in 60 logs out of the second app only");
    let notice = lines
        .iter()
        .position(|l| l.what == "POST /backchannel-logout (logout_token)")
        .unwrap();
    assert_eq!(lines[notice + 1].what, "app:storezero session ends: logout");
    assert_eq!(lines[notice + 1].time, lines[notice].time);
    assert!(valid.is_empty(), "every session ended: {valid:?}");
}

#[test]
fn a_custom_domain_makes_silent_auth_work_with_blocked_third_party_cookies() {
    let toml = TENANT.replace(
        "absolute_timeout = \"1d\"\n[identity",
        "absolute_timeout = \"1d\"\ncustom_domain = true\n[identity",
    );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Blocked);
    let later = 20 * MINUTE;
    let (lines, _) = trace_in(
        &toml,
        profile,
        &[(0, 1, true), (later, 1, true)],
        later + MINUTE,
    );
    let second = hops_from(&lines, later);
    assert_eq!(
        second.last().unwrap(),
        "as -> browser: 200 web_message: tokens"
    );
}

#[test]
fn clearing_cookies_ends_every_session_the_browser_reached() {
    let toml = TENANT
        .replace(
            "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
            "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"",
        )
        .replace("[users]\n", "[users]\ncookie_clears_per_month = 4000.0\n");
    let profile = UserProfile::new(FACEBOOK, ThirdPartyCookies::Allowed);
    // A clear every ~11 minutes on average; look at the first after the login.
    let (lines, _) = trace_in(&toml, profile, &[(0, 0, true)], 3 * HOUR);
    let created = lines
        .iter()
        .position(|l| l.what == "app:storezero session created")
        .unwrap();
    let clear = created
        + lines[created..]
            .iter()
            .position(|l| l.what == "user clears cookies and site data")
            .unwrap();
    let ended: Vec<&str> = lines[clear + 1..]
        .iter()
        .take_while(|l| l.time == lines[clear].time && l.hop.is_none())
        .map(|l| l.what.as_str())
        .collect();
    assert_eq!(
        ended,
        [
            "as session ends: cookies cleared",
            "idp:facebook session ends: cookies cleared",
            "app:storezero session ends: cookies cleared"
        ]
    );
}

#[test]
fn a_native_apps_session_lives_in_the_app_not_in_the_browser() {
    // A native app beside a session-only AS cookie; the browser closes about
    // every 3 minutes and its cookies are cleared about every 3 minutes too.
    let toml = TENANT
        .replace(
            "kind = \"regular_web\"\nlocal_session = { idle_timeout = \"30m\", absolute_timeout = \"1d\" }",
            "kind = \"native\"\nlocal_session = { idle_timeout = \"1d\", absolute_timeout = \"1d\" }",
        )
        .replace(
            "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
            "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"\ncookie = \"non_persistent\"",
        )
        .replace(
            "[users]\n",
            "[users]\nbrowser_closes_per_day = 500.0\ncookie_clears_per_month = 15000.0\n",
        );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let visits: Vec<(u64, u16, bool)> = (0..20).map(|i| (i * 30 * MINUTE, 0, true)).collect();
    let until = 20 * 30 * MINUTE;
    let (lines, valid) = trace_in(&toml, profile, &visits, until);
    let n = notes(&lines);
    assert!(n.contains(&"browser closes"));
    assert!(n.contains(&"user clears cookies and site data"));
    assert!(
        n.iter()
            .any(|x| *x == "as session ends: browser close"
                || *x == "as session ends: cookies cleared"),
        "the AS session is the browser's: {n:#?}"
    );
    let created = n
        .iter()
        .filter(|x| **x == "app:storezero session created")
        .count();
    assert_eq!(created, 1, "one login, then the app's own session: {n:#?}");
    assert!(
        !n.iter()
            .any(|x| x.starts_with("app:storezero session ends")),
        "{n:#?}"
    );
    assert!(valid.contains(&"app:storezero".to_string()), "{valid:?}");
    // The last visit is served from the local session, browser closes or not.
    assert_hops(
        "a_native_apps_session_lives_in_the_app_not_in_the_browser",
        &hops_from(&lines, 19 * 30 * MINUTE),
    );
}

/// The tenant with back-channel logout, two regular web apps (`storezero`
/// and `spa`) whose local sessions last a day idle, and `users` lines.
fn backchannel_tenant(users: &str) -> String {
    TENANT
        .replace(
            "absolute_timeout = \"1d\"\n[identity",
            "absolute_timeout = \"1d\"\nbackchannel_logout = true\n[identity",
        )
        .replace(
            "local_session = { idle_timeout = \"30m\", absolute_timeout = \"1d\" }",
            "local_session = { idle_timeout = \"1d\", absolute_timeout = \"1d\" }",
        )
        .replace(
            "kind = \"spa_implicit\"\ntoken_cache = \"local_storage\"",
            "kind = \"regular_web\"",
        )
        .replace("[users]\n", &format!("[users]\n{users}"))
}

#[test]
fn a_backchannel_logout_token_is_not_dropped_by_a_browser_close() {
    // Short visits to the two apps in turn, half of them ending in a logout,
    // and a browser close every 5 s on average: some close lands within the
    // 40 ms between `/v2/logout` and the `logout_token`'s arrival at the
    // other app. The token goes server to server and arrives all the same.
    let toml = backchannel_tenant(
        "logout_share = 0.5\nbrowser_closes_per_day = 17280.0\nvisit_length = \"1s\"\nlogin_think_time = \"1s\"\n",
    )
    .replace(
        "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
        "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"",
    );
    let profile = UserProfile::new(Connection::Password, ThirdPartyCookies::Allowed);
    let visits: Vec<(u64, u16, bool)> = (0..3000)
        .map(|i| (i * 5000, (i % 2) as u16, true))
        .collect();
    let found = (0..20).find_map(|id| {
        let s = from_str(&toml, "flows.toml", &[]).unwrap();
        let cfg = ModelConfig::new(&s);
        let script = UserScript {
            profile: Some(profile),
            visits: visits
                .iter()
                .map(|&(at, app, protected)| ScriptedVisit { at, app, protected })
                .collect(),
        };
        let (lines, _) = Simulator::new(&cfg, 0)
            .with_script(script)
            .trace(id, 3000 * 5000);
        // A `/v2/logout` from one app while the other holds a session (so
        // the AS sends it a token), then a browser close before it arrived.
        let hit = lines.iter().enumerate().find_map(|(i, l)| {
            if l.what != "GET /v2/logout" {
                return None;
            }
            let from = lines[..i]
                .iter()
                .rev()
                .find(|x| x.what == "302 /v2/logout")?;
            let other = if from.hop.as_ref()?.0 == "storezero" {
                "spa"
            } else {
                "storezero"
            };
            let (created, ended) = (
                format!("app:{other} session created"),
                format!("app:{other} session ends"),
            );
            let other_valid = lines[..i]
                .iter()
                .rev()
                .find(|x| x.what == created || x.what.starts_with(&ended))
                .is_some_and(|x| x.what == created);
            let closed = lines[i..]
                .iter()
                .take_while(|x| x.time < l.time + 40)
                .any(|x| x.what == "browser closes");
            (other_valid && closed).then_some(i)
        })?;
        Some((lines, hit))
    });
    let (lines, i) = found.expect("a close within 40 ms of a /v2/logout");
    let t = lines[i].time;
    let token = lines[i..]
        .iter()
        .find(|l| l.what == "POST /backchannel-logout (logout_token)")
        .expect("the logout_token is delivered");
    assert_eq!(token.time, t + 40, "{:#?}", &lines[i..i + 12]);
}

#[test]
fn a_backchannel_logout_ends_a_local_session_orphaned_by_a_browser_close() {
    // Log in to storezero (session-only local cookie), then, three hours
    // later, to the other app by SSO and log out there. A browser close in
    // between orphaned storezero's session: its cookie is gone, the server
    // side would live a day. The logout_token ends that remainder.
    use ssosim::metrics::Series;
    let toml = backchannel_tenant("logout_share = 1.0\nbrowser_closes_per_day = 24.0\n").replace(
        "idle_timeout = \"1h\"\nabsolute_timeout = \"1d\"",
        "idle_timeout = \"1d\"\nabsolute_timeout = \"1d\"",
    );
    let s = from_str(&toml, "flows.toml", &[]).unwrap();
    let cfg = ModelConfig::new(&s);
    let later = 3 * HOUR;
    let script = UserScript {
        profile: Some(UserProfile::new(
            Connection::Password,
            ThirdPartyCookies::Allowed,
        )),
        visits: vec![
            ScriptedVisit {
                at: 0,
                app: 0,
                protected: true,
            },
            ScriptedVisit {
                at: later,
                app: 1,
                protected: true,
            },
        ],
    };
    let found = (0..200).find_map(|id| {
        let mut sim = Simulator::new(&cfg, 0).with_script(script.clone());
        let (lines, _) = sim.trace(id, 5 * HOUR);
        let n = notes(&lines);
        let orphaned = n.contains(&"app:storezero session ends: browser close");
        let notified = lines
            .iter()
            .any(|l| l.what == "POST /backchannel-logout (logout_token)");
        let orphans = sim
            .metrics()
            .series
            .sessions(Series::ORPHANED, cfg.layout.app_tier(0));
        (orphaned && notified).then_some((lines, orphans))
    });
    let (lines, orphans) = found.expect("a close orphans storezero's session before the logout");
    let token = lines
        .iter()
        .position(|l| l.what == "POST /backchannel-logout (logout_token)")
        .unwrap();
    assert_eq!(lines[token].hop.as_ref().unwrap().1, "storezero");
    assert_eq!(
        lines[token + 1].what,
        "app:storezero orphaned session ends: back-channel logout"
    );
    assert_eq!(lines[token + 1].time, lines[token].time);
    // Hourly samples: orphaned before the logout (about 3 h 10 min), not after,
    // where the remainder would otherwise have lived until a day after the login.
    let h = |k: usize| orphans[k];
    assert_eq!(h(3), 1, "{orphans:?}");
    assert!((4..=24).all(|k| h(k) == 0), "{:?}", &orphans[..26]);
}

/// The login flows a scripted user's visits recorded: (kind, latency, hops).
fn recorded_logins(
    toml: &str,
    connection: Connection,
    visits: &[(u64, u16)],
    until: u64,
) -> Vec<(String, u64, u32)> {
    let s = from_str(toml, "flows.toml", &[]).expect("valid test scenario");
    let cfg = ModelConfig::new(&s);
    let script = UserScript {
        profile: Some(UserProfile::new(connection, ThirdPartyCookies::Allowed)),
        visits: visits
            .iter()
            .map(|&(at, app)| ScriptedVisit {
                at,
                app,
                protected: true,
            })
            .collect(),
    };
    let mut sim = Simulator::new(&cfg, 0).with_script(script);
    sim.trace(0, until);
    sim.metrics()
        .logins
        .rows()
        .map(|(k, latency, hops, _)| (k.name().to_string(), latency, hops))
        .collect()
}

#[test]
fn a_code_grant_login_is_14_hops_with_the_resume_step_and_20_with_facebook() {
    // Universal Login's resume step adds two hops to every interactive login
    // (302 /authorize/resume, GET /authorize/resume): 14 for a password login
    // to a regular web app (as a certified OP driven by a real browser shows),
    // 20 with Facebook's dialog; an SSO login has no resume step (8 hops).
    assert_eq!(
        recorded_logins(TENANT, Connection::Password, &[(0, 0)], HOUR),
        [("interactive".to_string(), 14 * 40 + 8000, 14)]
    );
    assert_eq!(
        recorded_logins(TENANT, FACEBOOK, &[(0, 0)], HOUR),
        [("interactive".to_string(), 20 * 40 + 2 * 8000, 20)]
    );
    // The SPA first (interactive, by way of a failed silent attempt), then
    // the web app by SSO.
    let rows = recorded_logins(
        TENANT,
        Connection::Password,
        &[(0, 1), (20 * MINUTE, 0)],
        HOUR,
    );
    assert_eq!(
        rows,
        [
            ("interactive".to_string(), 14 * 40 + 8000, 14),
            ("sso".to_string(), 8 * 40, 8)
        ]
    );
}

#[test]
fn processing_times_delay_each_message_the_as_and_the_idp_send() {
    // AS 100 ms, Facebook 25 ms per message they send, 40 ms latency: every
    // hop arrives 40 ms after the one before, plus the sender's processing
    // time, plus 8 s after a prompt.
    let toml = TENANT
        .replace(
            "absolute_timeout = \"1d\"\n[identity",
            "absolute_timeout = \"1d\"\nprocessing_time = \"100ms\"\n[identity",
        )
        .replace(
            "absolute_timeout = \"90d\"\n",
            "absolute_timeout = \"90d\"\nprocessing_time = \"25ms\"\n",
        );
    let profile = UserProfile::new(FACEBOOK, ThirdPartyCookies::Allowed);
    let (lines, _) = trace_in(&toml, profile, &[(0, 0, true)], HOUR);
    let mut last = 0;
    let mut after_prompt = false;
    let mut checked = 0;
    for l in &lines {
        let Some((from, _)) = &l.hop else {
            after_prompt |= l.what.starts_with("user completes the prompt");
            continue;
        };
        let processing = match from.as_str() {
            "as" => 100,
            "facebook" => 25,
            _ => 0,
        };
        let think = if after_prompt { 8000 } else { 0 };
        if l.what != "GET /page" {
            assert_eq!(l.time, last + think + 40 + processing, "{l:?}");
            checked += 1;
        }
        last = l.time;
        after_prompt = false;
    }
    assert_eq!(checked, 19, "every hop after the navigation");
}
