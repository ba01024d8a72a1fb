//! `ssosim trace`: whole outputs of fixed users compared with the expected
//! text kept here, in each format, so that any change to a flow, a note or a
//! format shows as a diff. A deliberate change updates the expected text.

use crate::support::cli::*;

/// Two apps (a regular web app with a 1-hour local session, a `spa_implicit`
/// app renewing its 10-minute tokens in an iframe), half the browsers
/// blocking third-party cookies. Latency and think time are written out so
/// that the traces do not depend on their defaults.
const SCENARIO: &str = r#"name = "snap"
[simulation]
users = 50
duration = "2d"
seed = 7
[authorization_server]
idle_timeout = "1d"
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1h", absolute_timeout = "1d" }
[[apps]]
name = "spa"
kind = "spa_implicit"
token_lifetime = "10m"
token_cache = "local_storage"
[network]
latency = "40ms"
[users]
login_think_time = "8s"
visits_per_day = 2.0
protected_share = 0.7
connections = { password = 0.5, facebook = 0.5 }
visit_length = "25m"
third_party_cookies_blocked = 0.5
"#;

/// Runs `ssosim trace snap.toml ARGS...` and returns stdout.
fn trace(args: &[&str]) -> String {
    let dir = tmp();
    write(dir.path(), "snap.toml", SCENARIO);
    let out = ssosim(dir.path())
        .args(["trace", "snap.toml"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["snap.toml"], "trace writes no file");
    stdout(&out)
}

/// Compares line by line, so that a failure names the first line that differs.
fn assert_same(found: &str, expected: &str) {
    for (i, (f, e)) in found.lines().zip(expected.lines()).enumerate() {
        assert_eq!(f, e, "line {} differs; whole output:\n{found}", i + 1);
    }
    assert_eq!(
        found, expected,
        "line counts differ; whole output:\n{found}"
    );
}

/// User 5: an interactive login (with the note naming why the prompt came),
/// two local-session hits, the local session's idle timeout, then a silent
/// login on the SPA and two silent renewals.
const TEXT_USER_5: &str = r#"user 5 of snap: connection password; third-party cookies allowed; AS cookie persistent; visit rate 2/day
0d+01:18:39.186                            * visit to web (protected page)
0d+01:18:39.226     browser -> web         GET /page
0d+01:18:39.266         web -> browser     302 /authorize
0d+01:18:39.306     browser -> as          GET /authorize
0d+01:18:39.306                            * AS starts a login transaction
0d+01:18:39.346          as -> browser     302 /login
0d+01:18:39.386     browser -> as          GET /login
0d+01:18:39.426          as -> browser     200 login prompt
0d+01:18:39.426                            * user completes the prompt in 8s
0d+01:18:47.466     browser -> as          POST /login (username, password)
0d+01:18:47.466                            * interactive login: first login of this browser
0d+01:18:47.466                            * as session created
0d+01:18:47.506          as -> browser     302 /authorize/resume
0d+01:18:47.546     browser -> as          GET /authorize/resume
0d+01:18:47.586          as -> browser     302 /callback
0d+01:18:47.626     browser -> web         GET /callback
0d+01:18:47.666         web -> as          POST /oauth/token (back channel)
0d+01:18:47.706          as -> web         200 tokens (back channel)
0d+01:18:47.706                            * app:web session created
0d+01:18:47.746         web -> browser     200 page
0d+01:18:47.746                            = served: interactive login
0d+01:48:03.296                            * visit to web (protected page)
0d+01:48:03.336     browser -> web         GET /page
0d+01:48:03.376         web -> browser     200 page
0d+01:48:03.376                            = served: local-session hit
0d+02:13:03.376                            * visit to web (protected page)
0d+02:13:03.416     browser -> web         GET /page
0d+02:13:03.456         web -> browser     200 page
0d+02:13:03.456                            = served: local-session hit
0d+03:13:03.416                            * app:web session ends: idle timeout
0d+10:48:44.104                            * visit to spa (anonymous page)
0d+10:48:44.144     browser -> spa         GET /page
0d+10:48:44.184         spa -> browser     200 single-page app
0d+10:48:44.224     browser -> as          GET /authorize?prompt=none&response_mode=web_message (iframe)
0d+10:48:44.264          as -> browser     200 web_message: tokens
0d+10:48:44.264                            = served: silent authentication
0d+10:58:44.304     browser -> as          GET /authorize?prompt=none&response_mode=web_message (iframe, renewal)
0d+10:58:44.344          as -> browser     200 web_message: tokens
0d+11:08:44.384     browser -> as          GET /authorize?prompt=none&response_mode=web_message (iframe, renewal)
0d+11:08:44.424          as -> browser     200 web_message: tokens
valid sessions at 1d+00:00:00.000: 1 (as)
"#;

#[test]
fn text_trace_of_a_fixed_user() {
    assert_same(&trace(&["--user", "5", "--until", "1d"]), TEXT_USER_5);
}

/// User 13, logins only: an interactive login on the web app, then on the SPA
/// a silent authentication that fails (third-party cookies blocked) and a
/// top-level SSO. The failed renewal after it is not a login: left out.
const MERMAID_USER_13_LOGINS: &str = r#"sequenceDiagram
    participant p0 as browser
    participant p1 as web
    participant p2 as AS
    participant p3 as spa
    Note over p0: user 13 of snap: connection password, third-party cookies blocked, AS cookie persistent, visit rate 2/day
    Note over p0: 0d+05:07:20.886 visit to web (protected page)
    p0->>p1: 0d+05:07:20.926 GET /page
    p1->>p0: 0d+05:07:20.966 302 /authorize
    p0->>p2: 0d+05:07:21.006 GET /authorize
    Note over p0: 0d+05:07:21.006 AS starts a login transaction
    p2->>p0: 0d+05:07:21.046 302 /login
    p0->>p2: 0d+05:07:21.086 GET /login
    p2->>p0: 0d+05:07:21.126 200 login prompt
    Note over p0: 0d+05:07:21.126 user completes the prompt in 8s
    p0->>p2: 0d+05:07:29.166 POST /login (username, password)
    Note over p0: 0d+05:07:29.166 interactive login: first login of this browser
    Note over p2: 0d+05:07:29.166 as session created
    p2->>p0: 0d+05:07:29.206 302 /authorize/resume
    p0->>p2: 0d+05:07:29.246 GET /authorize/resume
    p2->>p0: 0d+05:07:29.286 302 /callback
    p0->>p1: 0d+05:07:29.326 GET /callback
    p1->>p2: 0d+05:07:29.366 POST /oauth/token (back channel)
    p2->>p1: 0d+05:07:29.406 200 tokens (back channel)
    Note over p1: 0d+05:07:29.406 app:web session created
    p1->>p0: 0d+05:07:29.446 200 page
    Note over p0: 0d+05:07:29.446 served: interactive login
    Note over p0: 0d+21:44:27.709 visit to spa (protected page)
    p0->>p3: 0d+21:44:27.749 GET /page
    p3->>p0: 0d+21:44:27.789 200 single-page app
    p0->>p2: 0d+21:44:27.829 GET /authorize?prompt=none&response_mode=web_message (iframe)
    Note over p0: 0d+21:44:27.829 third-party cookies blocked: no AS cookie in the iframe
    p2->>p0: 0d+21:44:27.869 200 web_message: error=login_required
    p0->>p2: 0d+21:44:27.909 GET /authorize
    Note over p0: 0d+21:44:27.909 SSO: the AS session is valid, no prompt
    p2->>p0: 0d+21:44:27.949 302 /callback
    p0->>p3: 0d+21:44:27.989 GET /callback
    p3->>p0: 0d+21:44:28.029 200 page
    Note over p0: 0d+21:44:28.029 served: SSO
    Note over p0: valid sessions at 1d+00:00:00.000: 1 (as)
"#;

#[test]
fn mermaid_trace_of_a_fixed_user_logins_only() {
    assert_same(
        &trace(&[
            "--user", "13", "--until", "1d", "--only", "logins", "--format", "mermaid",
        ]),
        MERMAID_USER_13_LOGINS,
    );
}

/// User 12, visits and sessions: an interactive login on the SPA, then its
/// first token renewal fails (third-party cookies blocked).
const JSONL_USER_12_VISITS_SESSIONS: &str = r#"{"kind":"user","user":12,"scenario":"snap","connection":"password","third_party_cookies":"blocked","as_cookie":"persistent","visits_per_day":2.0}
{"kind":"visit","time_ms":57760435,"time":"0d+16:02:40.435","what":"visit to spa (protected page)"}
{"kind":"session","time_ms":57768795,"time":"0d+16:02:48.795","scope":"as","what":"as session created"}
{"kind":"outcome","time_ms":57768995,"time":"0d+16:02:48.995","outcome":"interactive","what":"served: interactive login"}
{"kind":"outcome","time_ms":58369075,"time":"0d+16:12:49.075","outcome":"renewal_failed","what":"token renewal failed: the page has no tokens until the next visit"}
{"kind":"valid_sessions","time_ms":86400000,"time":"1d+00:00:00.000","scopes":["as"]}
"#;

#[test]
fn jsonl_trace_of_a_fixed_user_visits_and_sessions() {
    let found = trace(&[
        "--user", "12", "--until", "1d", "--only", "visits", "--only", "sessions", "--format",
        "jsonl",
    ]);
    assert_same(&found, JSONL_USER_12_VISITS_SESSIONS);
    for line in found.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).expect("each line is one JSON object");
        assert!(v["kind"].is_string(), "{line}");
    }
}

#[test]
fn every_visit_has_one_outcome_and_no_debug_names() {
    let all = trace(&["--user", "13", "--set", "users.logout_share=0.5"]);
    assert!(!all.contains("(As)") && !all.contains("AppOnly"), "{all}");
    let visits = trace(&[
        "--user",
        "13",
        "--set",
        "users.logout_share=0.5",
        "--only",
        "visits",
        "--format",
        "jsonl",
    ]);
    let kinds: Vec<String> = visits
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| {
            v["kind"] == "visit" || v["outcome"].is_string() && v["outcome"] != "renewal_failed"
        })
        .map(|v| v["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.len() >= 4, "{visits}");
    for pair in kinds.chunks(2) {
        assert_eq!(pair, ["visit", "outcome"], "{visits}");
    }
}

/// Four users, three app kinds (regular web, `spa_implicit`, native with
/// refresh tokens), frequent browser closes: every kind of outcome occurs.
const RICH: &str = r#"name = "rich"
[simulation]
users = 4
duration = "20d"
[authorization_server]
idle_timeout = "1d"
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1h", absolute_timeout = "1d" }
[[apps]]
name = "spa"
kind = "spa_implicit"
token_lifetime = "10m"
[[apps]]
name = "mobile"
kind = "native"
refresh_tokens = { enabled = true, absolute_lifetime = "5d", idle_lifetime = "2d" }
[users]
visits_per_day = 6.0
protected_share = 0.7
connections = { password = 0.5, facebook = 0.5 }
visit_length = "25m"
browser_closes_per_day = 500.0
third_party_cookies_blocked = 0.5
"#;

/// The outcome lines of every user's trace are the run's counters: one per
/// visit, and per kind the counter of that kind (protected visits).
#[test]
fn outcome_lines_add_up_to_the_run_counters() {
    let dir = tmp();
    write(dir.path(), "rich.toml", RICH);
    let run = ssosim(dir.path())
        .args(["run", "rich.toml", "--quiet", "--no-charts", "--out", "r"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = std::fs::read_to_string(dir.path().join("r/summary.csv")).unwrap();
    let counter = |metric: &str| -> u64 {
        let prefix = format!("{metric},all,");
        let line = summary.lines().find(|l| l.starts_with(&prefix)).unwrap();
        line[prefix.len()..]
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // (protected page, outcome) → visits.
    let mut outcomes = std::collections::BTreeMap::<(bool, String), u64>::new();
    for user in ["0", "1", "2", "3"] {
        let out = ssosim(dir.path())
            .args([
                "trace",
                "rich.toml",
                "--user",
                user,
                "--only",
                "visits",
                "--format",
                "jsonl",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mut protected = None;
        for line in stdout(&out).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            match v["kind"].as_str().unwrap() {
                "visit" => {
                    protected = Some(v["what"].as_str().unwrap().contains("(protected page)"))
                }
                "outcome" if v["outcome"] != "renewal_failed" => {
                    let p = protected.take().expect("one outcome per visit, after it");
                    let kind = v["outcome"].as_str().unwrap().to_string();
                    *outcomes.entry((p, kind)).or_default() += 1;
                }
                _ => {}
            }
        }
    }
    let n = |p: bool, kind: &str| outcomes.get(&(p, kind.to_string())).copied().unwrap_or(0);
    assert_eq!(
        outcomes.values().sum::<u64>(),
        counter("visits"),
        "{outcomes:?}"
    );
    for (kind, metric) in [
        ("local_session", "local_session_hits"),
        ("sso", "sso_logins"),
        ("silent", "protected_silent_logins"),
        ("refresh_token", "refresh_token_logins"),
        ("interactive", "interactive_logins"),
        ("abandoned", "logins_abandoned"),
    ] {
        assert_eq!(n(true, kind), counter(metric), "{kind}: {outcomes:?}");
        assert!(n(true, kind) > 0, "{kind} occurs: {outcomes:?}");
    }
    let protected: u64 = outcomes.iter().filter(|(k, _)| k.0).map(|(_, v)| v).sum();
    assert_eq!(protected, counter("protected_visits"));
}

/// A trace that stops within the warm-up does not claim that the warm-up
/// ended (storezero warms up for 90 days).
#[test]
fn a_trace_within_the_warm_up_does_not_end_it() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .args(["trace"])
        .arg(bundled("storezero"))
        .args(["--user", "0", "--until", "2d"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("warm-up ends"), "{}", stdout(&out));
    let whole = ssosim(dir.path())
        .args(["trace"])
        .arg(bundled("storezero"))
        .args(["--user", "0"])
        .output()
        .unwrap();
    assert!(
        stdout(&whole).contains("warm-up ends"),
        "{}",
        stdout(&whole)
    );
}
