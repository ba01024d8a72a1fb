//! Loader tests: defaults, every refusal rule with its message, `--set`, round trip.

use super::*;
use crate::time::{DAY, HOUR, MINUTE, SECOND};

/// The smallest valid scenario: one app, everything else defaulted.
const MIN_APP: &str = "[[apps]]\nname = \"a\"\nkind = \"regular_web\"\n";

/// The design §8 sketch, verbatim.
const SKETCH: &str = r#"name = "storezero"
[simulation]
users = 10000
duration = "30d"
seed = 42
sample_every = "1h"
[network]
latency = "40ms"
[authorization_server]
plan = "self_service"
cookie = "persistent"          # or "non_persistent"
idle_timeout = "3d"
absolute_timeout = "30d"
mfa = false
[identity_providers.facebook]
idle_timeout = "60d"
absolute_timeout = "90d"
[[apps]]
name = "storezero"
kind = "regular_web"           # regular_web | spa_backend | native | spa_implicit
local_session = { idle_timeout = "2h", absolute_timeout = "1d", cookie = "non_persistent" }
[users]
visits_per_day = 3.0
protected_share = 0.5
connections = { password = 0.6, facebook = 0.4 }
browser_closes_per_day = 1.0
logout_share = 0.05
password_resets_per_year = 1.0
third_party_cookies_blocked = 0.3
"#;

/// `extra` (top-level keys and sections) followed by the minimal app.
fn with(extra: &str) -> String {
    format!("{extra}\n{MIN_APP}")
}

fn ok(text: &str) -> Scenario {
    match from_str(text, "scenarios/x.toml", &[]) {
        Ok(s) => s,
        Err(e) => panic!("refused:\n{e}"),
    }
}

fn sets(flags: &[&str]) -> Vec<Override> {
    flags.iter().map(|f| parse_override(f).unwrap()).collect()
}

/// The printed lines of the refusal of `text` with `flags`.
fn refusal(text: &str, flags: &[&str]) -> Vec<String> {
    match from_str(text, "scenarios/x.toml", &sets(flags)) {
        Ok(_) => panic!("accepted:\n{text}\nwith {flags:?}"),
        Err(e) => e.lines(),
    }
}

/// Asserts that `text` is refused with exactly the line `expected` among its problems.
#[track_caller]
fn refused(text: &str, expected: &str) {
    let lines = refusal(text, &[]);
    assert!(
        lines.iter().any(|l| l == expected),
        "expected\n  {expected}\ngot\n  {}",
        lines.join("\n  ")
    );
}

/// Asserts that some problem line starts with `prefix` (messages quoting DURATION_FORMS).
#[track_caller]
fn refused_starting(text: &str, prefix: &str) {
    let lines = refusal(text, &[]);
    assert!(
        lines.iter().any(|l| l.starts_with(prefix)),
        "expected a line starting\n  {prefix}\ngot\n  {}",
        lines.join("\n  ")
    );
}

// ---- defaults and accepted files ----

#[test]
fn almost_empty_file_loads_with_every_default() {
    let s = ok(MIN_APP);
    assert_eq!(s.name, "x");
    assert_eq!(
        s.simulation,
        SimulationConfig {
            users: 1000,
            duration: 30 * DAY,
            warmup: 0,
            seed: 42,
            start: DEFAULT_START_MS,
            sample_every: HOUR,
            replicas: 1
        }
    );
    assert_eq!(s.network.latency, Delay::constant(40));
    assert_eq!(s.authorization_server.processing_time, Delay::constant(0));
    assert_eq!(s.authorization_server.plan, Plan::SelfService);
    assert_eq!(
        s.authorization_server.session,
        SessionPolicy {
            idle_timeout: 3 * DAY,
            absolute_timeout: 30 * DAY,
            cookie: CookieKind::Persistent
        }
    );
    assert!(!s.authorization_server.mfa);
    assert_eq!(s.authorization_server.mfa_remember_browser, 0);
    assert!(!s.authorization_server.custom_domain);
    assert!(!s.authorization_server.backchannel_logout);
    assert!(s.identity_providers.is_empty());
    assert_eq!(
        s.apps,
        vec![AppConfig {
            name: "a".into(),
            kind: AppKind::RegularWeb,
            local_session: SessionPolicy {
                idle_timeout: 2 * HOUR,
                absolute_timeout: DAY,
                cookie: CookieKind::NonPersistent
            },
            token_lifetime: 2 * HOUR,
            id_token_lifetime: 10 * HOUR,
            visit_share: 1.0,
            refresh_tokens: RefreshTokenPolicy {
                enabled: false,
                absolute_lifetime: 30 * DAY,
                idle_lifetime: 15 * DAY,
                rotation: true,
                reuse_interval: 0,
            },
            token_cache: TokenCache::Memory,
            session_check_expiry: DAY,
        }]
    );
    assert_eq!(
        s.users,
        UsersConfig {
            visits_per_day: 3.0,
            protected_share: 0.5,
            connections: vec![(Connection::Password, 1.0)],
            browser_closes_per_day: 0.0,
            logout_share: 0.0,
            federated_logout_share: 0.0,
            password_resets_per_year: 0.0,
            third_party_cookies_blocked: 0.0,
            visit_length: 10 * MINUTE,
            login_think_time: Delay::constant(8 * SECOND),
            third_party_cookies_partitioned: 0.0,
            cookie_clears_per_month: 0.0,
            app_only_logout_share: 0.0,
            daily_profile: vec![],
            visit_rate: RateDistribution::Constant,
            browsers: None,
            private_browsing_share: 0.0,
            devices: vec![(1, 1.0)],
        }
    );
}

#[test]
fn model_breadth_keys_load_and_round_trip() {
    let s = ok(&with(
        r#"
[authorization_server]
mfa = true
mfa_remember_browser = "30d"
custom_domain = true
backchannel_logout = true
[[apps]]
name = "spa"
kind = "spa_implicit"
refresh_tokens = { enabled = true, absolute_lifetime = "7d", idle_lifetime = "1d", reuse_interval = "10s" }
[users]
third_party_cookies_blocked = 0.3
third_party_cookies_partitioned = 0.2
cookie_clears_per_month = 0.5
federated_logout_share = 0.4
app_only_logout_share = 0.5
daily_profile = [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 6, 4, 2, 1]
visit_rate_distribution = "gamma"
visit_rate_shape = 0.5
"#,
    ));
    assert_eq!(s.apps[0].refresh_tokens.idle_lifetime, DAY);
    assert_eq!(s.users.visit_rate, RateDistribution::Gamma { shape: 0.5 });
    assert_eq!(s.users.daily_profile.len(), 24);
    assert_eq!(from_str(&to_toml(&s), "again.toml", &[]).unwrap(), s);
}

#[test]
fn delays_are_constants_or_log_normal_by_median_and_p90() {
    let s = ok(&with(
        r#"
[network]
latency = { median = "40ms", p90 = "120ms" }
[authorization_server]
processing_time = { median = "30ms", p90 = "200ms" }
[identity_providers.facebook]
processing_time = "15ms"
[identity_providers.google]
[users]
login_think_time = { median = "8s", p90 = "30s" }
"#,
    ));
    assert_eq!(
        s.network.latency,
        Delay {
            median: 40,
            p90: 120
        }
    );
    assert_eq!(
        s.authorization_server.processing_time,
        Delay {
            median: 30,
            p90: 200
        }
    );
    assert_eq!(s.identity_providers[0].processing_time, Delay::constant(15));
    assert_eq!(s.identity_providers[1].processing_time, Delay::constant(0));
    assert_eq!(
        s.users.login_think_time,
        Delay {
            median: 8 * SECOND,
            p90: 30 * SECOND
        }
    );
    let out = to_toml(&s);
    assert!(
        out.contains("\nlatency = { median = \"40ms\", p90 = \"120ms\" }\n"),
        "{out}"
    );
    assert!(
        out.contains("\nlogin_think_time = { median = \"8s\", p90 = \"30s\" }\n"),
        "{out}"
    );
    assert!(out.contains("\nprocessing_time = \"15ms\"\n"), "{out}");
    assert_eq!(from_str(&out, "again.toml", &[]).unwrap(), s);
    // A median equal to its p90 is that constant, written as one.
    let same = ok(&with(
        "[users]\nlogin_think_time = { median = \"8s\", p90 = \"8s\" }",
    ));
    assert_eq!(same, ok(&with("[users]\nlogin_think_time = \"8s\"")));
    assert!(to_toml(&same).contains("\nlogin_think_time = \"8s\"\n"));
    // From the command line too.
    let s = ok_with(
        MIN_APP,
        &["network.latency={ median = \"20ms\", p90 = \"90ms\" }"],
    );
    assert_eq!(
        s.network.latency,
        Delay {
            median: 20,
            p90: 90
        }
    );
}

#[test]
fn delay_refusals_name_the_key_and_the_accepted_forms() {
    const FORMS: &str = "use a string such as \"40ms\" or \"8s\" (a constant) or a table { median = \"8s\", p90 = \"30s\" } (log-normal: both durations, p90 at least the median)";
    refused(
        &with("[users]\nlogin_think_time = { median = \"8s\", p90 = \"5s\" }"),
        &format!(
            "error: scenarios/x.toml: users.login_think_time.p90: 5s is below the median 8s; {FORMS}"
        ),
    );
    refused(
        &with("[network]\nlatency = { median = \"40ms\" }"),
        "error: scenarios/x.toml: network.latency.p90: missing; give both median and p90, e.g. network.latency = { median = \"8s\", p90 = \"30s\" }",
    );
    refused(
        &with("[network]\nlatency = { median = \"40ms\", p95 = \"1s\", p90 = \"1s\" }"),
        "error: scenarios/x.toml: network.latency.p95: unknown key; did you mean network.latency.p90?",
    );
    refused(
        &with("[network]\nlatency = 40"),
        &format!(
            "error: scenarios/x.toml: network.latency: bare number 40 is not a duration; {FORMS}"
        ),
    );
    refused(
        &with("[network]\nlatency = [\"40ms\"]"),
        &format!(
            "error: scenarios/x.toml: network.latency: expected a duration, found an array; {FORMS}"
        ),
    );
    refused_starting(
        &with("[authorization_server]\nprocessing_time = { median = 30, p90 = \"1s\" }"),
        "error: scenarios/x.toml: authorization_server.processing_time.median: bare number 30 is not a duration; use a string such as",
    );
    refused(
        &with("[identity_providers.fb]\nprocessing_time = { median = \"0ms\", p90 = \"1s\" }"),
        "error: scenarios/x.toml: identity_providers.fb.processing_time.median: 0ms with p90 1s is no log-normal; use a median above 0ms, or identity_providers.fb.processing_time = \"0ms\" for no delay",
    );
    refused_starting(
        &with("[users]\nlogin_think_time = { median = \"8s\", p90 = \"36501d\" }"),
        "error: scenarios/x.toml: users.login_think_time.p90: 36501d is above the limit of 36500d; use a string such as",
    );
}

#[test]
fn model_breadth_refusals() {
    for (text, key, wrong) in [
        (
            "[users]\nthird_party_cookies_blocked = 0.7\nthird_party_cookies_partitioned = 0.5",
            "users.third_party_cookies_partitioned",
            "more than 1",
        ),
        (
            "[users]\nfederated_logout_share = 0.7\napp_only_logout_share = 0.5",
            "users.app_only_logout_share",
            "more than 1",
        ),
        (
            "[users]\ndaily_profile = [1, 2]",
            "users.daily_profile",
            "has 2 values",
        ),
        (
            "[users]\ndaily_profile = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]",
            "users.daily_profile",
            "all 24 weights are 0",
        ),
        (
            "[users]\nvisit_rate_distribution = \"gamma\"\nvisit_rate_shape = 0",
            "users.visit_rate_shape",
            "not a gamma shape",
        ),
        (
            "[users]\nvisit_rate_distribution = \"pareto\"",
            "users.visit_rate_distribution",
            "unknown value",
        ),
        (
            "[[apps]]\nname = \"w\"\nkind = \"regular_web\"\nrefresh_tokens = { enabled = true }",
            "apps.0.refresh_tokens.enabled",
            "spa_implicit and native",
        ),
        (
            "[[apps]]\nname = \"n\"\nkind = \"native\"\nrefresh_tokens = { enabled = true, idle_lifetime = \"40d\" }",
            "apps.0.refresh_tokens.idle_lifetime",
            "longer than absolute_lifetime",
        ),
    ] {
        let e = from_str(&with(text), "x.toml", &[]).unwrap_err();
        let lines = e.lines().join("\n");
        assert!(
            lines.contains(key) && lines.contains(wrong),
            "{text}: {lines}"
        );
    }
}

#[test]
fn idp_defaults_and_sorting() {
    let s = ok(&with(
        "[identity_providers.zeta]\n[identity_providers.facebook]\nidle_timeout = \"1d\"",
    ));
    let names: Vec<&str> = s
        .identity_providers
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, ["facebook", "zeta"]);
    assert_eq!(s.identity_providers[0].session.idle_timeout, DAY);
    assert_eq!(
        s.identity_providers[1].session,
        SessionPolicy {
            idle_timeout: 60 * DAY,
            absolute_timeout: 90 * DAY,
            cookie: CookieKind::Persistent
        }
    );
}

#[test]
fn default_name_is_the_file_stem_or_scenario() {
    assert_eq!(
        from_str(MIN_APP, "dir/my-run.toml", &[]).unwrap().name,
        "my-run"
    );
    assert_eq!(from_str(MIN_APP, "", &[]).unwrap().name, "scenario");
}

#[test]
fn design_sketch_loads() {
    let s = ok(SKETCH);
    assert_eq!(s.name, "storezero");
    assert_eq!(s.simulation.users, 10000);
    assert_eq!(s.identity_providers.len(), 1);
    assert_eq!(
        s.users.connections,
        vec![(Connection::Password, 0.6), (Connection::Idp(0), 0.4)]
    );
    assert_eq!(s.connection_name(Connection::Idp(0)), "facebook");
    assert_eq!(s.apps[0].local_session.cookie, CookieKind::NonPersistent);
    assert_eq!(s.users.third_party_cookies_blocked, 0.3);
}

#[test]
fn integers_are_accepted_where_numbers_are_expected() {
    let s = ok(&with(
        "[users]\nvisits_per_day = 3\nconnections = { password = 1 }",
    ));
    assert_eq!(s.users.visits_per_day, 3.0);
    assert_eq!(s.users.connections, vec![(Connection::Password, 1.0)]);
}

#[test]
fn local_session_as_a_sub_table() {
    let s = ok(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\n[apps.local_session]\nidle_timeout = \"5m\"\n",
    );
    assert_eq!(s.apps[0].local_session.idle_timeout, 5 * MINUTE);
    assert_eq!(s.apps[0].local_session.absolute_timeout, DAY);
}

#[test]
fn a_native_apps_session_lives_in_the_app_so_its_cookie_is_persistent() {
    // Default: persistent (no browser close or cookie clear reaches it).
    let native = |ls: &str| format!("[[apps]]\nname = \"n\"\nkind = \"native\"\n{ls}");
    let s = ok(&native(""));
    assert_eq!(s.apps[0].local_session.cookie, CookieKind::Persistent);
    let s = ok(&native("local_session = { idle_timeout = \"1h\" }\n"));
    assert_eq!(s.apps[0].local_session.cookie, CookieKind::Persistent);
    let s = ok(&native("local_session = { cookie = \"persistent\" }\n"));
    assert_eq!(s.apps[0].local_session.cookie, CookieKind::Persistent);
    // Web apps keep the session-only default.
    assert_eq!(
        ok(MIN_APP).apps[0].local_session.cookie,
        CookieKind::NonPersistent
    );
    refused(
        &native("local_session = { cookie = \"non_persistent\" }\n"),
        "error: scenarios/x.toml: apps.0.local_session.cookie: \"non_persistent\" does not apply to a native app: its session lives in the app, not in a browser cookie, so browser closes and cookie clears do not end it; remove cookie or use \"persistent\"",
    );
    // Turning a web app with a session-only cookie into a native one says so.
    let web = "[[apps]]\nname = \"w\"\nkind = \"regular_web\"\nlocal_session = { idle_timeout = \"2h\", absolute_timeout = \"1d\", cookie = \"non_persistent\" }\n";
    let lines = refusal(web, &["apps.w.kind=native"]);
    assert!(
        lines.iter().any(|l| l.ends_with("apps.0.local_session.cookie: \"non_persistent\" does not apply to a native app: its session lives in the app, not in a browser cookie, so browser closes and cookie clears do not end it; remove cookie or use \"persistent\"")),
        "{lines:?}"
    );
}

#[test]
fn visit_shares_default_to_even_and_may_be_given() {
    let two = "[[apps]]\nname = \"a\"\nkind = \"native\"\n[[apps]]\nname = \"b\"\nkind = \"spa_implicit\"\n";
    let s = ok(two);
    assert_eq!(s.apps[0].visit_share, 0.5);
    assert_eq!(s.apps[1].visit_share, 0.5);
    let s = ok(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nvisit_share = 0.25\n[[apps]]\nname = \"b\"\nkind = \"spa_implicit\"\nvisit_share = 0.75\n",
    );
    assert_eq!(s.apps[1].visit_share, 0.75);
}

#[test]
fn zero_latency_and_enterprise_limits_accepted() {
    let s = ok(&with(
        "[network]\nlatency = \"0ms\"\n[authorization_server]\nplan = \"enterprise\"\nidle_timeout = \"100d\"\nabsolute_timeout = \"365d\"",
    ));
    assert_eq!(s.network.latency, Delay::constant(0));
    assert_eq!(s.authorization_server.session.idle_timeout, 100 * DAY);
}

// ---- refusals ----

#[test]
fn unknown_keys_suggest_or_list() {
    refused(
        &with("[users]\nvisits_per_dya = 3"),
        "error: scenarios/x.toml: users.visits_per_dya: unknown key; did you mean users.visits_per_day?",
    );
    refused(
        &with("[user]\nvisits_per_day = 3"),
        "error: scenarios/x.toml: user: unknown key; did you mean users?",
    );
    refused(
        &with("[network]\ncolour = 1"),
        "error: scenarios/x.toml: network.colour: unknown key; accepted keys: latency",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nlocal_session = { idle = \"1h\" }\n",
        "error: scenarios/x.toml: apps.0.local_session.idle: unknown key; accepted keys: idle_timeout, absolute_timeout, cookie",
    );
    refused(
        &with("[identity_providers.facebook]\nidle_timeot = \"1d\""),
        "error: scenarios/x.toml: identity_providers.facebook.idle_timeot: unknown key; did you mean identity_providers.facebook.idle_timeout?",
    );
}

#[test]
fn wrong_types() {
    refused(
        &with("[simulation]\nusers = \"many\""),
        "error: scenarios/x.toml: simulation.users: expected a whole number, found the string \"many\"; use a whole number from 1 to 1000000000",
    );
    refused(
        &with("[simulation]\nusers = 10.0"),
        "error: scenarios/x.toml: simulation.users: expected a whole number, found the number 10.0; use a whole number from 1 to 1000000000",
    );
    refused(
        &with("[authorization_server]\nmfa = \"yes\""),
        "error: scenarios/x.toml: authorization_server.mfa: expected true or false, found the string \"yes\"",
    );
    refused(
        &with("simulation = 3"),
        "error: scenarios/x.toml: simulation: expected a table, found the integer 3; use a [simulation] table",
    );
    refused(
        &with("[users]\nprotected_share = \"half\""),
        "error: scenarios/x.toml: users.protected_share: expected a number, found the string \"half\"; use a share from 0 to 1",
    );
    refused(
        &with("name = 5"),
        "error: scenarios/x.toml: name: expected a string, found the integer 5",
    );
}

#[test]
fn bare_numbers_and_malformed_durations() {
    refused_starting(
        &with("[simulation]\nduration = 30"),
        "error: scenarios/x.toml: simulation.duration: bare number 30 is not a duration; use a string such as \"250ms\"",
    );
    refused_starting(
        &with("[network]\nlatency = 1.5"),
        "error: scenarios/x.toml: network.latency: bare number 1.5 is not a duration; use a string such as",
    );
    refused_starting(
        &with("[simulation]\nduration = \"30\""),
        "error: scenarios/x.toml: simulation.duration: \"30\" has no unit; use a string such as",
    );
    refused_starting(
        &with("[simulation]\nduration = \"3w\""),
        "error: scenarios/x.toml: simulation.duration: \"3w\" has an unknown unit \"w\"; use",
    );
    refused_starting(
        &with("[users]\nvisit_length = \"5m1h\""),
        "error: scenarios/x.toml: users.visit_length: \"5m1h\" repeats a unit or does not go from largest to smallest; use",
    );
    refused_starting(
        &with("[users]\nvisit_length = true"),
        "error: scenarios/x.toml: users.visit_length: expected a duration, found the boolean true; use",
    );
    refused_starting(
        &with("[users]\nvisit_length = \"36501d\""),
        "error: scenarios/x.toml: users.visit_length: 36501d is above the limit of 36500d; use",
    );
}

#[test]
fn rates_negative_non_finite_absurd() {
    refused(
        &with("[users]\nvisits_per_day = -1.0"),
        "error: scenarios/x.toml: users.visits_per_day: -1 is negative; use a number from 0 to 1000000",
    );
    refused(
        &with("[users]\nvisits_per_day = inf"),
        "error: scenarios/x.toml: users.visits_per_day: inf is not a finite number; use a number from 0 to 1000000",
    );
    refused(
        &with("[users]\nbrowser_closes_per_day = nan"),
        "error: scenarios/x.toml: users.browser_closes_per_day: NaN is not a finite number; use a number from 0 to 1000000",
    );
    refused(
        &with("[users]\nvisits_per_day = 1e9"),
        "error: scenarios/x.toml: users.visits_per_day: 1000000000 is above the limit of 1000000; use a number from 0 to 1000000",
    );
    refused(
        &with("[users]\npassword_resets_per_year = -2"),
        "error: scenarios/x.toml: users.password_resets_per_year: -2 is negative; use a number from 0 to 1000000",
    );
}

#[test]
fn shares_outside_zero_one() {
    for key in [
        "protected_share",
        "logout_share",
        "federated_logout_share",
        "third_party_cookies_blocked",
    ] {
        refused(
            &with(&format!("[users]\n{key} = 1.5")),
            &format!(
                "error: scenarios/x.toml: users.{key}: 1.5 is above the limit of 1; use a share from 0 to 1"
            ),
        );
    }
    refused(
        &with("[users]\nlogout_share = -0.1"),
        "error: scenarios/x.toml: users.logout_share: -0.1 is negative; use a share from 0 to 1",
    );
    refused(
        "[identity_providers.fb]\n[users]\nconnections = { password = 1.5, fb = -0.5 }\n[[apps]]\nname = \"a\"\nkind = \"native\"\n",
        "error: scenarios/x.toml: users.connections.fb: -0.5 is negative; use a share from 0 to 1",
    );
}

#[test]
fn connections_must_sum_to_one_and_name_defined_idps() {
    refused(
        &with(
            "[identity_providers.facebook]\n[users]\nconnections = { password = 0.5, facebook = 0.4 }",
        ),
        "error: scenarios/x.toml: users.connections: shares sum to 0.9; they must sum to 1",
    );
    refused(
        &with("[identity_providers.facebook]\n[users]\nconnections = { password = 0.5, facebok = 0.5 }"),
        "error: scenarios/x.toml: users.connections.facebok: no identity provider named \"facebook\"; did you mean facebook? define [identity_providers.facebok] or use one of: password, facebook"
            .replace("named \"facebook\"", "named \"facebok\"")
            .as_str(),
    );
    refused(
        &with("[users]\nconnections = { google = 1.0 }"),
        "error: scenarios/x.toml: users.connections.google: no identity provider named \"google\"; define [identity_providers.google] or use one of: password",
    );
    refused(
        &with("[users]\nconnections = {}"),
        "error: scenarios/x.toml: users.connections: no connection; give at least one, e.g. connections = { password = 1.0 }",
    );
    // Within the 1e-9 tolerance.
    ok(&with(
        "[identity_providers.f]\n[users]\nconnections = { password = 0.1, f = 0.9000000000001 }",
    ));
}

#[test]
fn connections_are_stored_password_first_then_idps_by_name() {
    let s = ok(&with(
        "[identity_providers.b]\n[identity_providers.a]\n[users]\nconnections = { b = 0.25, a = 0.25, password = 0.5 }",
    ));
    assert_eq!(
        s.users.connections,
        vec![
            (Connection::Password, 0.5),
            (Connection::Idp(0), 0.25),
            (Connection::Idp(1), 0.25)
        ]
    );
}

#[test]
fn idp_names() {
    refused(
        &with("[identity_providers.password]"),
        "error: scenarios/x.toml: identity_providers.password: \"password\" is the database connection, not an identity provider; use another name",
    );
    refused(
        &with("[identity_providers.FaceBook]"),
        "error: scenarios/x.toml: identity_providers.FaceBook: not a valid identity provider name; use lowercase letters, digits, \"_\" and \"-\"",
    );
    refused(
        &with("[identity_providers]\nfacebook = 3"),
        "error: scenarios/x.toml: identity_providers.facebook: expected a table, found the integer 3; use [identity_providers.facebook]",
    );
}

#[test]
fn apps_required_unique_and_of_known_kind() {
    refused(
        "",
        "error: scenarios/x.toml: apps: no apps; add at least one [[apps]] table with name and kind",
    );
    refused(
        "apps = []",
        "error: scenarios/x.toml: apps: no apps; add at least one [[apps]] table with name and kind",
    );
    refused(
        "apps = 3",
        "error: scenarios/x.toml: apps: expected an array of tables ([[apps]]), found the integer 3",
    );
    refused(
        &format!("{MIN_APP}{MIN_APP}"),
        "error: scenarios/x.toml: apps.1.name: duplicate app name \"a\" (apps.0 has it too); give each app its own name",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"mainframe\"\n",
        "error: scenarios/x.toml: apps.0.kind: unknown value \"mainframe\"; use one of \"regular_web\", \"spa_backend\", \"native\", \"spa_implicit\"",
    );
    refused(
        "[[apps]]\nname = \"a\"\n",
        "error: scenarios/x.toml: apps.0.kind: missing; this key is required, one of \"regular_web\", \"spa_backend\", \"native\", \"spa_implicit\"",
    );
    refused(
        "[[apps]]\nkind = \"native\"\n",
        "error: scenarios/x.toml: apps.0.name: missing; this key is required (a string)",
    );
    refused(
        "[[apps]]\nname = \"my app\"\nkind = \"native\"\n",
        "error: scenarios/x.toml: apps.0.name: \"my app\" is not a valid app name; use ASCII letters, digits, \"_\" and \"-\"",
    );
}

#[test]
fn more_apps_or_identity_providers_than_16_bits_number_are_refused_with_the_limit() {
    // The model numbers apps and IdPs with 16 bits (an 8-bit index used to
    // wrap silently). A file of at most 1 MiB cannot hold that many, so the
    // refusal is checked on a TOML tree, as the loader builds it.
    use toml::{Table, Value};
    let app = |i: usize| {
        let mut t = Table::new();
        t.insert("name".into(), Value::String(format!("a{i}")));
        t.insert("kind".into(), Value::String("native".into()));
        Value::Table(t)
    };
    let problems = |root: &Table| {
        let mut p = super::reader::Problems::default();
        super::validate::validate(root, "x", &mut p);
        p.into_vec()
            .into_iter()
            .map(|x| match x.place {
                Place::Key(k) => format!("{k}: {}", x.message),
                other => format!("{other:?}: {}", x.message),
            })
            .collect::<Vec<_>>()
    };
    let mut root = Table::new();
    root.insert(
        "apps".into(),
        Value::Array((0..=MAX_APPS).map(app).collect()),
    );
    assert_eq!(
        problems(&root),
        ["apps: 65536 apps, more than the limit of 65535; use at most 65535 [[apps]] tables"]
    );
    let mut root = Table::new();
    root.insert("apps".into(), Value::Array(vec![app(0)]));
    let idps: Table = (0..=MAX_IDPS)
        .map(|i| (format!("i{i}"), Value::Table(Table::new())))
        .collect();
    root.insert("identity_providers".into(), Value::Table(idps));
    assert_eq!(
        problems(&root),
        [
            "identity_providers: 65536 identity providers, more than the limit of 65535; define at most 65535"
        ]
    );
    // At the limit, apps are read, and a duplicate name is found (in linear time).
    let mut apps: Vec<Value> = (0..MAX_APPS).map(app).collect();
    apps[MAX_APPS - 1] = app(7);
    let mut root = Table::new();
    root.insert("apps".into(), Value::Array(apps));
    assert_eq!(
        problems(&root),
        [
            "apps.65534.name: duplicate app name \"a7\" (apps.7 has it too); give each app its own name"
        ]
    );
}

#[test]
fn spa_implicit_keeps_no_local_session() {
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"spa_implicit\"\nlocal_session = { idle_timeout = \"1h\" }\n",
        "error: scenarios/x.toml: apps.0.local_session: spa_implicit apps keep no local session; remove local_session or choose a kind with a backend",
    );
}

#[test]
fn unknown_plan_and_cookie_list_accepted_values() {
    refused(
        &with("[authorization_server]\nplan = \"free\""),
        "error: scenarios/x.toml: authorization_server.plan: unknown value \"free\"; use one of \"self_service\", \"enterprise\"",
    );
    refused(
        &with("[authorization_server]\ncookie = \"session\""),
        "error: scenarios/x.toml: authorization_server.cookie: unknown value \"session\"; use one of \"persistent\", \"non_persistent\"",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nlocal_session = { cookie = 1 }\n",
        "error: scenarios/x.toml: apps.0.local_session.cookie: expected a string, found the integer 1; use one of \"persistent\", \"non_persistent\"",
    );
}

#[test]
fn plan_limits() {
    refused(
        &with("[authorization_server]\nidle_timeout = \"5d\""),
        "error: scenarios/x.toml: authorization_server.idle_timeout: 5d is above the self_service limit of 3d; set plan = \"enterprise\" for up to 100d",
    );
    refused(
        &with("[authorization_server]\nabsolute_timeout = \"31d\""),
        "error: scenarios/x.toml: authorization_server.absolute_timeout: 31d is above the self_service limit of 30d; set plan = \"enterprise\" for up to 365d",
    );
    refused(
        &with("[authorization_server]\nidle_timeout = \"101d\"\nabsolute_timeout = \"400d\""),
        "error: scenarios/x.toml: authorization_server.idle_timeout: 101d is above the self_service limit of 3d; use at most 3d (100d with plan = \"enterprise\")",
    );
    refused(
        &with("[authorization_server]\nplan = \"enterprise\"\nabsolute_timeout = \"366d\""),
        "error: scenarios/x.toml: authorization_server.absolute_timeout: 366d is above the enterprise limit of 365d; use at most 365d",
    );
}

#[test]
fn idle_above_absolute_at_every_tier() {
    refused(
        &with("[authorization_server]\nidle_timeout = \"2d\"\nabsolute_timeout = \"1d\""),
        "error: scenarios/x.toml: authorization_server.idle_timeout: 2d is longer than absolute_timeout 1d; use an idle timeout no longer than the absolute timeout",
    );
    refused(
        &with("[identity_providers.fb]\nidle_timeout = \"100d\""),
        "error: scenarios/x.toml: identity_providers.fb.idle_timeout: 100d is longer than absolute_timeout 90d; use an idle timeout no longer than the absolute timeout",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nlocal_session = { idle_timeout = \"2d\" }\n",
        "error: scenarios/x.toml: apps.0.local_session.idle_timeout: 2d is longer than absolute_timeout 1d; use an idle timeout no longer than the absolute timeout",
    );
}

#[test]
fn zero_durations() {
    let zero = "must be longer than 0ms; use a positive duration such as \"1h\"";
    for (section, key) in [
        ("authorization_server", "idle_timeout"),
        ("authorization_server", "absolute_timeout"),
        ("identity_providers.fb", "idle_timeout"),
        ("simulation", "duration"),
        ("simulation", "sample_every"),
    ] {
        refused(
            &with(&format!("[{section}]\n{key} = \"0s\"")),
            &format!("error: scenarios/x.toml: {section}.{key}: {zero}"),
        );
    }
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nlocal_session = { absolute_timeout = \"0ms\" }\n",
        &format!("error: scenarios/x.toml: apps.0.local_session.absolute_timeout: {zero}"),
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"spa_implicit\"\ntoken_lifetime = \"0s\"\n",
        &format!("error: scenarios/x.toml: apps.0.token_lifetime: {zero}"),
    );
}

#[test]
fn simulation_sizes() {
    refused(
        &with("[simulation]\nusers = 0"),
        "error: scenarios/x.toml: simulation.users: 0 is below 1; use a whole number from 1 to 1000000000",
    );
    refused(
        &with("[simulation]\nusers = 1_000_000_000_000"),
        "error: scenarios/x.toml: simulation.users: 1000000000000 is above the limit of 1000000000; use a whole number from 1 to 1000000000",
    );
    refused(
        &with("[simulation]\nseed = -1"),
        "error: scenarios/x.toml: simulation.seed: -1 is below 0; use a whole number from 0 to 9223372036854775807",
    );
    refused(
        &with("[simulation]\nreplicas = 0"),
        "error: scenarios/x.toml: simulation.replicas: 0 is below 1; use a whole number from 1 to 1000",
    );
    refused(
        &with("[simulation]\nreplicas = 1001"),
        "error: scenarios/x.toml: simulation.replicas: 1001 is above the limit of 1000; use a whole number from 1 to 1000",
    );
}

#[test]
fn sampling_period() {
    refused(
        &with("[simulation]\nduration = \"1d\"\nsample_every = \"2d\""),
        "error: scenarios/x.toml: simulation.sample_every: 2d is longer than simulation.duration 1d; use a period no longer than the run",
    );
    refused(
        &with("[simulation]\nduration = \"30d\"\nsample_every = \"1s\""),
        "error: scenarios/x.toml: simulation.sample_every: 1s gives 2592000 samples over 30d, more than the limit of 1000000; use a period of at least 2s592ms",
    );
    ok(&with(
        "[simulation]\nduration = \"1d\"\nsample_every = \"1d\"",
    ));
}

#[test]
fn values_that_would_overflow() {
    refused(
        &with(
            "[simulation]\nusers = 1000000000\nduration = \"36500d\"\nsample_every = \"1d\"\n[users]\nvisits_per_day = 1000000",
        ),
        "error: scenarios/x.toml: simulation: the run would simulate about 3.650e19 events per replica (users x rates x duration), more than the limit of 9.007e15; lower simulation.users, simulation.duration or the users.* rates",
    );
    // Token renewals count too: a 1ms token over a 10m visit is 600000 renewals.
    let lines = refusal(
        "[simulation]\nusers = 100000000\n[[apps]]\nname = \"a\"\nkind = \"spa_implicit\"\ntoken_lifetime = \"1ms\"\n[users]\nvisits_per_day = 100\n",
        &[],
    );
    assert!(lines[0].contains("events per replica"), "{lines:?}");
}

#[test]
fn visit_shares_on_all_or_none_and_summing_to_one() {
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nvisit_share = 0.5\n[[apps]]\nname = \"b\"\nkind = \"native\"\n",
        "error: scenarios/x.toml: apps.1.visit_share: missing while apps.0 sets visit_share; set visit_share on every app or on none",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nvisit_share = 0.5\n[[apps]]\nname = \"b\"\nkind = \"native\"\nvisit_share = 0.6\n",
        "error: scenarios/x.toml: apps: visit_share values sum to 1.1; they must sum to 1",
    );
    refused(
        "[[apps]]\nname = \"a\"\nkind = \"native\"\nvisit_share = 2\n",
        "error: scenarios/x.toml: apps.0.visit_share: 2 is above the limit of 1; use a share from 0 to 1",
    );
}

#[test]
fn bad_scenario_names() {
    refused(
        &with("name = \"../etc\""),
        "error: scenarios/x.toml: name: \"../etc\" cannot name the output folder; use a non-empty name without \"/\", \"\\\" or control characters",
    );
    refused(
        &with("name = \"\""),
        "error: scenarios/x.toml: name: \"\" cannot name the output folder; use a non-empty name without \"/\", \"\\\" or control characters",
    );
}

#[test]
fn every_problem_is_collected() {
    let text = "[simulation]\nusers = 0\nduration = 30\n[users]\nvisits_per_dya = 1\nlogout_share = 2\n[authorization_server]\nplan = \"gold\"\n";
    let e = from_str(text, "scenarios/x.toml", &[]).unwrap_err();
    let keys: Vec<&str> = e.problems().iter().filter_map(Problem::key).collect();
    assert_eq!(
        keys,
        [
            "simulation.users",
            "simulation.duration",
            "authorization_server.plan",
            "apps",
            "users.logout_share",
            "users.visits_per_dya"
        ]
    );
    assert_eq!(e.to_string().lines().count(), 6);
    assert_eq!(e.to_string(), e.lines().join("\n"));
}

#[test]
fn no_second_error_caused_by_the_first() {
    // A refused idle timeout is not then compared with the absolute one.
    let lines = refusal(&with("[authorization_server]\nidle_timeout = \"31d\""), &[]);
    assert_eq!(lines.len(), 1, "{lines:?}");
}

// ---- TOML syntax, files ----

#[test]
fn syntax_errors_give_line_and_column() {
    let lines = refusal("[simulation]\nusers = 10\nseed = = 3\n", &[]);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("error: scenarios/x.toml: line 3, column 8: "),
        "{lines:?}"
    );
    assert!(lines[0].ends_with("; the file must be valid TOML (https://toml.io)"));
    let lines = refusal("a = 1\na = 2\n", &[]);
    assert!(
        lines[0].starts_with("error: scenarios/x.toml: line 2, column 1: "),
        "{lines:?}"
    );
}

#[test]
fn unreadable_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let e = load(&missing, &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "error: {}: cannot read: no such file; give the path of a readable scenario file",
            missing.display()
        )
    );
    let e = load(dir.path(), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "error: {}: is a directory; give the path of a scenario file (.toml)",
            dir.path().display()
        )
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"name = \"a\"\nx = \"\xff\"\n").unwrap();
    let e = load(&bad, &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "error: {}: line 2, column 6: not UTF-8 text; save the scenario as UTF-8",
            bad.display()
        )
    );
    let good = dir.path().join("good-one.toml");
    std::fs::write(&good, MIN_APP).unwrap();
    assert_eq!(load(&good, &[]).unwrap().name, "good-one");
}

// ---- --set ----

#[test]
fn parse_override_forms_and_errors() {
    assert_eq!(
        parse_override("simulation.users=1000").unwrap(),
        Override {
            key: "simulation.users".into(),
            value: "1000".into()
        }
    );
    assert_eq!(parse_override(" a = b=c ").unwrap().value, "b=c");
    let msg = |t: &str| parse_override(t).unwrap_err().to_string();
    assert_eq!(
        msg("simulation.users"),
        "error: --set simulation.users: no \"=\" in the flag; use --set KEY=VALUE, e.g. --set simulation.users=1000"
    );
    assert_eq!(
        msg("=3"),
        "error: --set =3: empty key; use --set KEY=VALUE, e.g. --set simulation.users=1000"
    );
    assert_eq!(
        msg("a..b=3"),
        "error: --set a..b=3: \"a..b\" has an empty part; use a dotted key such as authorization_server.idle_timeout"
    );
}

fn ok_with(text: &str, flags: &[&str]) -> Scenario {
    match from_str(text, "scenarios/x.toml", &sets(flags)) {
        Ok(s) => s,
        Err(e) => panic!("refused:\n{e}"),
    }
}

#[test]
fn overrides_on_nested_keys() {
    let s = ok_with(
        SKETCH,
        &[
            "authorization_server.idle_timeout=1d",
            "simulation.users=1000000",
            "users.connections.password=0.5",
            "users.connections.facebook=0.5",
            "identity_providers.facebook.cookie=non_persistent",
            "network.latency=\"0ms\"",
            "authorization_server.mfa=true",
            "name=other",
        ],
    );
    assert_eq!(s.authorization_server.session.idle_timeout, DAY);
    assert_eq!(s.simulation.users, 1_000_000);
    assert_eq!(
        s.users.connections,
        vec![(Connection::Password, 0.5), (Connection::Idp(0), 0.5)]
    );
    assert_eq!(
        s.identity_providers[0].session.cookie,
        CookieKind::NonPersistent
    );
    assert_eq!(s.network.latency, Delay::constant(0));
    assert!(s.authorization_server.mfa);
    assert_eq!(s.name, "other");
}

#[test]
fn overrides_create_tables_and_replace_whole_values() {
    let s = ok_with(
        MIN_APP,
        &[
            "identity_providers.google.idle_timeout=2d",
            "users.connections={ password = 0.5, google = 0.5 }",
        ],
    );
    assert_eq!(s.identity_providers[0].name, "google");
    assert_eq!(s.users.connections.len(), 2);
    let s = ok_with(
        MIN_APP,
        &["apps=[{ name = \"x\", kind = \"native\" }, { name = \"y\", kind = \"spa_implicit\" }]"],
    );
    assert_eq!(s.apps.len(), 2);
}

#[test]
fn overrides_select_apps_by_index_or_name() {
    let two = "[[apps]]\nname = \"web\"\nkind = \"regular_web\"\n[[apps]]\nname = \"spa\"\nkind = \"regular_web\"\n";
    let s = ok_with(
        two,
        &[
            "apps.1.kind=spa_implicit",
            "apps.web.local_session.idle_timeout=30m",
            "apps.spa.token_lifetime=1h",
        ],
    );
    assert_eq!(s.apps[1].kind, AppKind::SpaImplicit);
    assert_eq!(s.apps[0].local_session.idle_timeout, 30 * MINUTE);
    assert_eq!(s.apps[1].token_lifetime, HOUR);
}

#[test]
fn override_problems_name_the_flag() {
    assert_eq!(
        refusal(MIN_APP, &["simulation.users=abc"]),
        [
            "error: --set simulation.users=abc: simulation.users: expected a whole number, found the string \"abc\"; use a whole number from 1 to 1000000000"
        ]
    );
    assert_eq!(
        refusal(MIN_APP, &["authorization_server.idle_timeout=5d"]),
        [
            "error: --set authorization_server.idle_timeout=5d: authorization_server.idle_timeout: 5d is above the self_service limit of 3d; set plan = \"enterprise\" for up to 100d"
        ]
    );
    assert_eq!(
        refusal(MIN_APP, &["users.visits_per_dya=3"]),
        [
            "error: --set users.visits_per_dya=3: users.visits_per_dya: unknown key; did you mean users.visits_per_day?"
        ]
    );
    assert_eq!(
        refusal(MIN_APP, &["apps.a.kind=desktop"]),
        [
            "error: --set apps.a.kind=desktop: apps.0.kind: unknown value \"desktop\"; use one of \"regular_web\", \"spa_backend\", \"native\", \"spa_implicit\""
        ]
    );
    // A flag below the key in trouble is named too.
    let lines = refusal(MIN_APP, &["users.connections.password=0.5"]);
    assert_eq!(
        lines,
        [
            "error: --set users.connections.password=0.5: users.connections: shares sum to 0.5; they must sum to 1"
        ]
    );
    // Problems of the file itself still name the file.
    let lines = refusal(&with("[users]\nlogout_share = 2"), &["simulation.users=5"]);
    assert!(
        lines[0].starts_with("error: scenarios/x.toml: users.logout_share:"),
        "{lines:?}"
    );
}

#[test]
fn overrides_that_cannot_apply() {
    // Into a key that is absent: the flag creates a table, which validation refuses.
    assert_eq!(
        refusal(MIN_APP, &["simulation.users.max=3"]),
        [
            "error: --set simulation.users.max=3: simulation.users: expected a whole number, found a table; use a whole number from 1 to 1000000000"
        ]
    );
    assert_eq!(
        refusal(
            &with("[simulation]\nusers = 1000"),
            &["simulation.users.max=3"]
        ),
        [
            "error: --set simulation.users.max=3: simulation.users: is the integer 1000, not a table, so it has no key \"max\"; --set goes into tables and [[apps]] only"
        ]
    );
    assert_eq!(
        refusal(MIN_APP, &["apps.3.kind=native"]),
        [
            "error: --set apps.3.kind=native: apps: no element at index 3; use an index from 0 to 0 or a name: a"
        ]
    );
    assert_eq!(
        refusal(MIN_APP, &["apps.web.kind=native"]),
        [
            "error: --set apps.web.kind=native: apps: no element named \"web\"; use an index from 0 to 0 or a name: a"
        ]
    );
}

#[test]
fn override_values_that_are_not_toml_are_strings() {
    assert_eq!(
        overrides::parse_value("1d"),
        toml::Value::String("1d".into())
    );
    assert_eq!(overrides::parse_value("1000"), toml::Value::Integer(1000));
    assert_eq!(overrides::parse_value("0.5"), toml::Value::Float(0.5));
    assert_eq!(overrides::parse_value("true"), toml::Value::Boolean(true));
    assert_eq!(
        overrides::parse_value("1\nx = 2"),
        toml::Value::String("1\nx = 2".into())
    );
    assert_eq!(overrides::parse_value(""), toml::Value::String("".into()));
}

// ---- to_toml ----

#[test]
fn to_toml_round_trips() {
    let three = "[identity_providers.github]\n[identity_providers.facebook]\nabsolute_timeout = \"1d12h30m15s5ms\"\nidle_timeout = \"1d\"\n[users]\nconnections = { github = 0.2, password = 0.3, facebook = 0.5 }\nvisits_per_day = 0.1\nthird_party_cookies_blocked = 0.3333333333333333\n[[apps]]\nname = \"a\"\nkind = \"regular_web\"\n[[apps]]\nname = \"b\"\nkind = \"spa_implicit\"\ntoken_lifetime = \"15m\"\n[[apps]]\nname = \"c\"\nkind = \"native\"\n";
    for text in [MIN_APP, SKETCH, three] {
        let s = ok(text);
        let out = to_toml(&s);
        let back = match from_str(&out, "elsewhere.toml", &[]) {
            Ok(b) => b,
            Err(e) => panic!("to_toml output refused:\n{e}\n{out}"),
        };
        assert_eq!(back, s, "{out}");
        assert_eq!(to_toml(&back), out);
    }
}

#[test]
fn to_toml_writes_every_key() {
    let out = to_toml(&ok(MIN_APP));
    for key in [
        "name = \"x\"",
        "users = 1000",
        "duration = \"30d\"",
        "seed = 42",
        "sample_every = \"1h\"",
        "replicas = 1",
        "latency = \"40ms\"",
        "plan = \"self_service\"",
        "cookie = \"persistent\"",
        "idle_timeout = \"3d\"",
        "absolute_timeout = \"30d\"",
        "mfa = false",
        "local_session = { idle_timeout = \"2h\", absolute_timeout = \"1d\", cookie = \"non_persistent\" }",
        "token_lifetime = \"2h\"",
        "visit_share = 1.0",
        "visits_per_day = 3.0",
        "protected_share = 0.5",
        "connections = { password = 1.0 }",
        "browser_closes_per_day = 0.0",
        "logout_share = 0.0",
        "federated_logout_share = 0.0",
        "password_resets_per_year = 0.0",
        "third_party_cookies_blocked = 0.0",
        "visit_length = \"10m\"",
        "login_think_time = \"8s\"",
        "processing_time = \"0ms\"",
    ] {
        assert!(out.lines().any(|l| l == key), "missing {key} in\n{out}");
    }
}

#[test]
fn cut_or_mangled_files_never_panic() {
    // Not the proptest of issue 9: every prefix of the sketch and a few hostile flags.
    let cuts = SKETCH.char_indices().map(|(i, _)| i);
    for i in cuts {
        let _ = from_str(&SKETCH[..i], "x.toml", &[]);
        let _ = from_str(&SKETCH[i..], "x.toml", &[]);
    }
    for flag in [
        "apps=3",
        "apps.0=3",
        "apps.0.name.x=1",
        "apps.99999999999999999999.kind=native",
        "users.connections=[]",
        "users.connections.password={}",
        "simulation={}",
        "identity_providers=[1]",
        "name={ a = 1 }",
        "simulation.duration=-1d",
        "simulation.seed=9223372036854775807",
        "simulation.users=1e400",
    ] {
        let _ = from_str(SKETCH, "x.toml", &sets(&[flag]));
    }
}

// ---- browsers (issue 14) ----

#[test]
fn browser_mix_built_ins_overrides_and_definitions_round_trip() {
    let s = ok(&with(
        r#"
[users]
browsers = { chrome = 0.5, safari = 0.3, kiosk = 0.2 }
private_browsing_share = 0.1
[browsers.safari]
script_storage_cap = "none"
[browsers.kiosk]
third_party_cookies = "partitioned"
script_cookie_cap = "1d"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
session_check_expiry = "7d"
"#,
    ));
    let mix = s.users.browsers.as_ref().unwrap();
    let get = |n: &str| mix.iter().find(|b| b.profile.name == n).unwrap();
    assert_eq!(get("chrome").profile, built_in("chrome").unwrap());
    // An override keeps the built-in's other policies.
    let safari = &get("safari").profile;
    assert_eq!(safari.third_party_cookies, CookiePolicy::Blocked);
    assert_eq!(
        (safari.script_storage_cap, safari.script_cookie_cap),
        (None, Some(7 * DAY))
    );
    let kiosk = &get("kiosk").profile;
    assert_eq!(kiosk.third_party_cookies, CookiePolicy::Partitioned);
    assert_eq!(
        (kiosk.script_storage_cap, kiosk.script_cookie_cap),
        (None, Some(DAY))
    );
    assert_eq!(s.users.private_browsing_share, 0.1);
    assert_eq!(s.apps[0].token_cache, TokenCache::LocalStorage);
    assert_eq!(s.apps[0].session_check_expiry, 7 * DAY);
    assert_eq!(from_str(&to_toml(&s), "again.toml", &[]).unwrap(), s);
}

#[test]
fn the_default_mix_sums_to_one_over_built_in_profiles() {
    let s = ok(&with("[users]\nbrowsers = \"default\"\n"));
    let mix = s.users.browsers.unwrap();
    assert_eq!(mix.len(), DEFAULT_MIX.len());
    let sum: f64 = mix.iter().map(|b| b.share).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    assert!(
        mix.iter()
            .all(|b| built_in(&b.profile.name).as_ref() == Some(&b.profile))
    );
}

#[test]
fn browser_refusals_name_the_key_and_what_is_accepted() {
    refused(
        &with(
            "[users]\nbrowsers = { chrome = 0.7, brave = 0.3 }\nthird_party_cookies_blocked = 0.3\n",
        ),
        "error: scenarios/x.toml: users.third_party_cookies_blocked: cannot be set together with users.browsers: each browser's third-party cookie policy comes from its profile now; remove this key, or set third_party_cookies in [browsers.<name>]",
    );
    refused(
        &with("[users]\nbrowsers = { chrome = 0.5, opera = 0.5 }\n"),
        "error: scenarios/x.toml: users.browsers.opera: no browser named \"opera\"; use a built-in one (chrome, edge, safari, firefox, brave) or define [browsers.opera] with its third_party_cookies",
    );
    refused(
        &with("[users]\nbrowsers = { chrome = 0.5, safari = 0.4 }\n"),
        "error: scenarios/x.toml: users.browsers: shares sum to 0.9; they must sum to 1",
    );
    refused(
        &with(
            "[users]\nbrowsers = { chrome = 1.0 }\n[browsers.kiosk]\nthird_party_cookies = \"blocked\"\n",
        ),
        "error: scenarios/x.toml: browsers.kiosk: defined but not in users.browsers, so no user would use it; add kiosk to users.browsers or remove the table",
    );
    refused(
        &with(
            "[users]\nbrowsers = { kiosk = 1.0 }\n[browsers.kiosk]\nscript_storage_cap = \"7d\"\n",
        ),
        "error: scenarios/x.toml: browsers.kiosk.third_party_cookies: missing; this key is required, one of \"allowed\", \"blocked\", \"partitioned\"",
    );
    refused(
        &with(
            "[users]\nbrowsers = { safari = 1.0 }\n[browsers.safari]\nthird_party_cookies = \"sometimes\"\n",
        ),
        "error: scenarios/x.toml: browsers.safari.third_party_cookies: unknown value \"sometimes\"; use one of \"allowed\", \"blocked\", \"partitioned\"",
    );
    refused(
        &with(
            "[users]\nbrowsers = { safari = 1.0 }\n[browsers.safari]\nscript_storage_cap = \"0s\"\n",
        ),
        "error: scenarios/x.toml: browsers.safari.script_storage_cap: a cap of 0 would delete the storage at once; use a positive duration such as \"7d\", or \"none\"",
    );
    refused(
        &with("[users]\nbrowsers = 0.5\n"),
        "error: scenarios/x.toml: users.browsers: expected a table of browser → share or \"default\", found the number 0.5; use browsers = { chrome = 0.7, safari = 0.3 }",
    );
    refused(
        &with("[browsers.safari]\nscript_storage_cap = \"1d\"\n"),
        "error: scenarios/x.toml: browsers.safari: defined but users.browsers is not set, so no user would use it; add users.browsers = { ... } naming it, or remove the table",
    );
    refused(
        &with("[[apps]]\nname = \"web\"\nkind = \"regular_web\"\ntoken_cache = \"memory\"\n"),
        "error: scenarios/x.toml: apps.0.token_cache: applies to spa_implicit apps only (the SDK keeps tokens in the browser); an app with a local session or a native app keeps its own; remove it",
    );
    refused(
        &with("[[apps]]\nname = \"spa\"\nkind = \"spa_implicit\"\ntoken_cache = \"cookie\"\n"),
        "error: scenarios/x.toml: apps.0.token_cache: unknown value \"cookie\"; use one of \"memory\", \"local_storage\"",
    );
    refused(
        &with("[users]\nprivate_browsing_share = 1.5\n"),
        "error: scenarios/x.toml: users.private_browsing_share: 1.5 is above the limit of 1; use a share from 0 to 1",
    );
}

#[test]
fn devices_are_counts_to_shares_summing_to_one() {
    let s = ok(&with("[users]\ndevices = { 2 = 0.25, 1 = 0.75 }\n"));
    assert_eq!(s.users.devices, vec![(1, 0.75), (2, 0.25)]);
    assert_eq!(from_str(&to_toml(&s), "again.toml", &[]).unwrap(), s);
    refused(
        &with("[users]\ndevices = { 0 = 1.0 }\n"),
        "error: scenarios/x.toml: users.devices.0: \"0\" is not a number of devices; use a table of device counts (1 to 16) to shares summing to 1, e.g. devices = { 1 = 0.6, 2 = 0.4 }",
    );
    refused(
        &with("[users]\ndevices = { 1 = 0.5, 2 = 0.4 }\n"),
        "error: scenarios/x.toml: users.devices: shares sum to 0.9; they must sum to 1",
    );
    refused(
        &with("[users]\ndevices = 2\n"),
        "error: scenarios/x.toml: users.devices: expected a table, found the integer 2; use a table of device counts (1 to 16) to shares summing to 1, e.g. devices = { 1 = 0.6, 2 = 0.4 }",
    );
}

#[test]
fn rate_limits_read_presets_and_buckets() {
    let s = ok(&with(
        "[authorization_server.rate_limits]\npreset = \"auth0_free\"\ntotal = { per_second = 10, burst = 40 }\nlogin_page = { per_second = 0.5, burst = 3 }",
    ));
    let names: Vec<(&str, f64, u64)> = s
        .authorization_server
        .rate_limits
        .buckets()
        .into_iter()
        .map(|(i, b)| (crate::metrics::series_name(i), b.per_second, b.burst))
        .collect();
    // The preset's total is replaced by the one given; series order.
    assert_eq!(
        names,
        [
            ("login_page", 0.5, 3),
            ("login_post", 5.0, 5),
            ("token_all", 30.0, 30),
            ("total", 10.0, 40)
        ]
    );
    // Written back, read again: the same limits.
    let again = ok(&crate::scenario::to_toml(&s));
    assert_eq!(
        again.authorization_server.rate_limits,
        s.authorization_server.rate_limits
    );
    // Absent: no limit, and nothing in the canonical text.
    let none = ok(&with(""));
    assert!(none.authorization_server.rate_limits.buckets().is_empty());
    assert!(!crate::scenario::to_toml(&none).contains("rate_limits"));
}

#[test]
fn rate_limit_refusals_name_the_key_and_what_is_accepted() {
    let t = |body: &str| with(&format!("[authorization_server.rate_limits]\n{body}"));
    refused(
        &t("preset = \"auth0_gold\""),
        "error: scenarios/x.toml: authorization_server.rate_limits.preset: unknown value \"auth0_gold\"; use one of \"none\", \"auth0_free\", \"auth0_essentials\", \"auth0_professional\", \"auth0_enterprise\"",
    );
    refused_starting(
        &t("totl = { per_second = 1, burst = 1 }"),
        "error: scenarios/x.toml: authorization_server.rate_limits.totl: unknown key; did you mean authorization_server.rate_limits.total?",
    );
    refused(
        &t("total = { per_second = 1 }"),
        "error: scenarios/x.toml: authorization_server.rate_limits.total.burst: missing; a bucket needs per_second and burst: use total = { per_second = 25, burst = 25 }",
    );
    refused_starting(
        &t("total = { per_second = 0, burst = 5 }"),
        "error: scenarios/x.toml: authorization_server.rate_limits.total.per_second: must be above 0",
    );
    refused_starting(
        &t("total = { per_second = 5, burst = 0 }"),
        "error: scenarios/x.toml: authorization_server.rate_limits.total.burst: 0 is below 1",
    );
    refused_starting(
        &t("total = 25"),
        "error: scenarios/x.toml: authorization_server.rate_limits.total: expected a table, found",
    );
    refused_starting(
        &t("total = { per_second = -1, burst = 5 }"),
        "error: scenarios/x.toml: authorization_server.rate_limits.total.per_second:",
    );
}
