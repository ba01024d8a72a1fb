//! `ssosim trace`: whole outputs of fixed users compared with snapshots
//! (`tests/it/cli/snapshots/`, insta), in each format, so that any change to
//! a flow, a note or a format shows as a diff to review. A deliberate change
//! updates them: `INSTA_UPDATE=always cargo test --release -- trace`, then
//! read `git diff tests/it/cli/snapshots` before committing.

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

#[test]
fn text_trace_of_a_fixed_user() {
    insta::assert_snapshot!("text_user_5", trace(&["--user", "5", "--until", "1d"]));
}

#[test]
fn mermaid_trace_of_a_fixed_user_logins_only() {
    insta::assert_snapshot!(
        "mermaid_user_13_logins",
        trace(&[
            "--user", "13", "--until", "1d", "--only", "logins", "--format", "mermaid",
        ])
    );
}

#[test]
fn jsonl_trace_of_a_fixed_user_visits_and_sessions() {
    let found = trace(&[
        "--user", "12", "--until", "1d", "--only", "visits", "--only", "sessions", "--format",
        "jsonl",
    ]);
    insta::assert_snapshot!("jsonl_user_12_visits_sessions", found);
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
    let counter = |name: &str| metric(&summary, name, "all") as u64;
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

/// With several devices per user, `--device K` follows device K as the run
/// simulated it: over every user and device, the traced visits are the
/// run's; the header names the device and its browser kind.
#[test]
fn every_device_of_every_user_traces_as_the_run_simulates_it() {
    let dir = tmp();
    let text = RICH.replace(
        "third_party_cookies_blocked = 0.5",
        "browsers = { safari = 0.5, chrome = 0.5 }\ndevices = { 1 = 0.5, 3 = 0.5 }",
    );
    write(dir.path(), "multi.toml", &text);
    let run = ssosim(dir.path())
        .args(["run", "multi.toml", "--quiet", "--no-charts", "--out", "r"])
        .args(["--set", "simulation.users=6"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = std::fs::read_to_string(dir.path().join("r/summary.csv")).unwrap();
    let counter = |name: &str| metric(&summary, name, "all") as u64;
    let trace = |user: u64, device: u32| {
        ssosim(dir.path())
            .args(["trace", "multi.toml", "--set", "simulation.users=6"])
            .args(["--only", "visits", "--format", "jsonl"])
            .args(["--user", &user.to_string(), "--device", &device.to_string()])
            .output()
            .unwrap()
    };
    let (mut visits, mut devices) = (0, 0);
    for user in 0..6 {
        for device in 1.. {
            let out = trace(user, device);
            if !out.status.success() {
                assert_eq!(out.status.code(), Some(2));
                assert!(stderr(&out).contains("--device"), "{}", stderr(&out));
                assert!(device > 1, "every user has a first device");
                break;
            }
            devices += 1;
            let text = stdout(&out);
            let header: serde_json::Value =
                serde_json::from_str(text.lines().next().unwrap()).unwrap();
            let browser = header["browser"].as_str().unwrap();
            assert!(["safari", "chrome"].contains(&browser), "{header}");
            let named = header.get("device").and_then(|d| d.as_str());
            assert!(
                named.is_none_or(|d| d.starts_with(&format!("{device} of "))),
                "{header}"
            );
            visits += text
                .lines()
                .filter(|l| l.contains("\"kind\":\"visit\""))
                .count() as u64;
        }
    }
    assert_eq!(devices, counter("devices"));
    assert!(devices > 6, "some users have several devices");
    assert_eq!(visits, counter("visits"));
}
