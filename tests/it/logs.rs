//! The tenant's log (`run --logs`, issue 15): every event type against the
//! required fields of its Auth0 schema, time order, counts against the
//! counters, and the same bytes whatever the threads and spill budget.

use crate::support::cli::{ssosim, tmp, write};
use serde_json::Value;
use ssosim::logs::{self, LogFormat, LogOptions};
use ssosim::model::{LogKind, LogRecord};
use ssosim::runner::{Progress, RunOptions, RunResult, run};
use ssosim::scenario::{Scenario, from_str};
use std::collections::BTreeMap;
use std::path::Path;

/// A scenario whose users do most of what Auth0 logs: MFA, two connections,
/// a code-grant app and an SPA with rotating refresh tokens, logouts,
/// password resets, browser closes, blocked third-party cookies.
pub(crate) const BUSY: &str = r#"name = "Busy Tenant"
[simulation]
users = 120
duration = "4d"
warmup = "2d"
seed = 7
start = "2026-03-01T00:00:00Z"
[authorization_server]
idle_timeout = "1d"
mfa = true
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
local_session = { idle_timeout = "1h", absolute_timeout = "1d", cookie = "non_persistent" }
[[apps]]
name = "spa"
kind = "spa_implicit"
token_lifetime = "10m"
token_cache = "local_storage"
refresh_tokens = { enabled = true, absolute_lifetime = "2d", idle_lifetime = "1d", rotation = true, reuse_interval = "0s" }
[users]
visits_per_day = 6.0
protected_share = 0.7
connections = { password = 0.5, facebook = 0.5 }
browser_closes_per_day = 6.0
logout_share = 0.2
password_resets_per_year = 60.0
third_party_cookies_blocked = 0.5
visit_length = "30m"
"#;

/// (field, JSON type) pairs.
type Fields = Vec<(&'static str, &'static str)>;

/// The fields each event type requires, with their JSON types, as the
/// schemas of `auth0/auth0-log-schemas` give them
/// (`schemas/log-types/<type>.schema.json`, `required` at the top level;
/// `ip` is a string of format ipv4 or ipv6). `details` entries list what
/// the schema requires inside `details`.
fn required(kind: &str) -> (Fields, Fields) {
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut v = vec![
            ("description", "string"),
            ("ip", "ip"),
            ("log_id", "string"),
            ("type", "string"),
        ];
        v.extend_from_slice(extra);
        v
    };
    match kind {
        // s.schema.json
        "s" => (
            base(&[
                ("client_name", "string"),
                ("details", "object"),
                ("environment_name", "string"),
                ("hostname", "string"),
                ("is_mobile", "boolean"),
                ("strategy", "string"),
                ("strategy_type", "string"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // ssa.schema.json
        "ssa" => (
            base(&[
                ("client_name", "string"),
                ("details", "object"),
                ("hostname", "string"),
            ]),
            vec![],
        ),
        // fsa.schema.json
        "fsa" => (
            base(&[
                ("audience", "string"),
                ("client_name", "string"),
                ("hostname", "string"),
            ]),
            vec![],
        ),
        // slo.schema.json
        "slo" => (
            base(&[
                ("client_name", "string"),
                ("details", "object"),
                ("environment_name", "string"),
                ("hostname", "string"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // seacft.schema.json
        "seacft" => (
            base(&[
                ("client_name", "string"),
                ("details", "object"),
                ("hostname", "string"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // sertft.schema.json
        "sertft" => (
            base(&[
                ("audience", "string"),
                ("client_name", "string"),
                ("details", "object"),
                ("environment_name", "string"),
                ("is_mobile", "boolean"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // fertft.schema.json
        "fertft" => (
            base(&[
                ("audience", "string"),
                ("client_name", "string"),
                ("details", "object"),
                ("environment_name", "string"),
                ("hostname", "string"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // ferrt.schema.json: details require familyId, latestCounter, tokenCounter.
        "ferrt" => (
            base(&[
                ("audience", "string"),
                ("client_name", "string"),
                ("details", "object"),
                ("environment_name", "string"),
                ("hostname", "string"),
                ("is_mobile", "boolean"),
                ("tenant_name", "string"),
            ]),
            vec![
                ("familyId", "string"),
                ("latestCounter", "number"),
                ("tokenCounter", "number"),
            ],
        ),
        // gd_start_auth.schema.json
        "gd_start_auth" => (
            base(&[("details", "object"), ("tenant_name", "string")]),
            vec![],
        ),
        // gd_auth_succeed.schema.json
        "gd_auth_succeed" => (
            base(&[
                ("details", "object"),
                ("environment_name", "string"),
                ("tenant_name", "string"),
            ]),
            vec![],
        ),
        // scp.schema.json: details require body (an object).
        "scp" => (
            base(&[
                ("client_name", "string"),
                ("details", "object"),
                ("strategy", "string"),
                ("strategy_type", "string"),
            ]),
            vec![("body", "object")],
        ),
        other => panic!("event type {other} has no schema in this test"),
    }
}

/// True when `v` has JSON type `t` (`ip`: an IPv4 or IPv6 string).
fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "ip" => v
            .as_str()
            .is_some_and(|s| s.parse::<std::net::IpAddr>().is_ok()),
        _ => false,
    }
}

/// Checks one event against its schema's required fields and the fields
/// every ssosim event carries; panics naming the event and the field.
fn validate(e: &Value) {
    let kind = e["type"].as_str().expect("type is a string");
    let (top, details) = required(kind);
    for (field, t) in top {
        assert!(has_type(&e[field], t), "{kind}: {field} is not a {t}: {e}");
    }
    for (field, t) in details {
        assert!(
            has_type(&e["details"][field], t),
            "{kind}: details.{field} is not a {t}: {e}"
        );
    }
    // Every event: the fields the issue lists, typed as the schemas type them.
    for field in [
        "log_id",
        "date",
        "type",
        "description",
        "client_name",
        "connection",
        "user_id",
        "user_name",
        "user_agent",
        "hostname",
        "tenant_name",
        "environment_name",
    ] {
        assert!(e[field].is_string(), "{kind}: {field} is not a string: {e}");
    }
    assert!(e["client_id"].is_string() || e["client_id"].is_null());
    assert!(e["details"].is_object());
    let date = e["date"].as_str().unwrap_or_default();
    assert!(
        ssosim::calendar::parse_iso(date).is_ok(),
        "{kind}: date {date}"
    );
    if kind == "s" {
        // s.schema.json: each prompt requires requiredCaptcha and session_id.
        for p in e["details"]["prompts"].as_array().expect("prompts") {
            assert!(p["requiredCaptcha"].is_boolean() && p["session_id"].is_string());
        }
    }
}

fn scenario(text: &str) -> Scenario {
    from_str(text, "busy.toml", &[]).expect("valid scenario")
}

/// Runs `s` with its log recorded (spilled in `spill`), on `threads`.
fn run_logged(s: &Scenario, threads: usize, budget: usize, users: u64, spill: &Path) -> RunResult {
    let mut o = LogOptions::all_users(spill);
    o.budget = budget;
    o.users = users;
    let opts = RunOptions {
        threads,
        shard: None,
        logs: Some(o),
        reference_path: false,
    };
    run(s, &opts, &Progress::default()).expect("run")
}

/// The log file's bytes and its counts by kind.
fn log_bytes(r: &RunResult, format: LogFormat) -> (Vec<u8>, logs::KindCounts) {
    let runs = r.logs.as_ref().expect("runs");
    let mut out = Vec::new();
    let (counts, bytes) =
        logs::write_log(&runs.runs, &runs.tenant, format, &mut out).expect("merge");
    assert_eq!(bytes, out.len() as u64);
    (out, counts)
}

#[test]
fn every_event_type_written_has_the_required_fields_of_its_auth0_schema() {
    let dir = tmp();
    let s = scenario(BUSY);
    let r = run_logged(&s, 2, 1000, u64::MAX, dir.path());
    let (bytes, counts) = log_bytes(&r, LogFormat::Jsonl);
    let text = String::from_utf8(bytes).expect("UTF-8");
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines() {
        let e: Value = serde_json::from_str(line).expect("each line is one JSON object");
        validate(&e);
        *seen
            .entry(e["type"].as_str().unwrap().to_string())
            .or_default() += 1;
        assert_eq!(e["tenant_name"], "busy-tenant");
        assert_eq!(e["hostname"], "busy-tenant.us.auth0.com");
    }
    for t in [
        "s",
        "ssa",
        "fsa",
        "seacft",
        "sertft",
        "fertft",
        "slo",
        "gd_start_auth",
        "gd_auth_succeed",
        "scp",
    ] {
        assert!(
            seen.get(t).is_some_and(|&n| n > 0),
            "no {t} event in {seen:?}"
        );
    }
    // The log agrees with the counters (the run invariant the CLI checks).
    let problems = logs::check::disagreements(&counts, &r.replicas[0]);
    assert!(problems.is_empty(), "{problems:?}");
    // And the check is not vacuous: one event fewer is caught.
    let mut short = counts;
    short[LogKind::SilentSuccess as usize] -= 1;
    assert_eq!(logs::check::disagreements(&short, &r.replicas[0]).len(), 1);
}

#[test]
fn every_kind_the_model_can_log_formats_to_its_schema() {
    let s = scenario(BUSY);
    let tenant = logs::Tenant::new(&s);
    for (i, kind) in LogKind::ALL.into_iter().enumerate() {
        let r = LogRecord {
            time: s.simulation.warmup + 1234,
            user: 42,
            identity: 0x0123_4567_89ab_cdef,
            session: 99,
            seq: i as u32,
            count: 3,
            latest: 5,
            app: 1,
            connection: 1,
            browser: 0,
            kind,
        };
        let mut out = Vec::new();
        logs::event::write_event(&mut out, &tenant, &r);
        let e: Value = serde_json::from_slice(&out).expect("one JSON object");
        validate(&e);
        assert_eq!(e["type"], kind.code());
        assert_eq!(e["date"], "2026-03-01T00:00:01.234Z");
        assert_eq!(e["connection"], "facebook");
        assert_eq!(e["strategy_type"], "social");
        assert!(e["user_id"].as_str().unwrap().starts_with("facebook|"));
    }
}

#[test]
fn the_log_is_in_time_order_and_the_same_bytes_whatever_threads_and_spills() {
    let dir = tmp();
    let s = scenario(BUSY);
    let one = run_logged(&s, 1, 1 << 20, u64::MAX, dir.path());
    let (reference, _) = log_bytes(&one, LogFormat::Jsonl);
    assert_eq!(
        one.logs.as_ref().unwrap().runs.len(),
        1,
        "one thread, no spill"
    );
    for (threads, budget) in [(2, 1 << 20), (2, 37), (3, 1)] {
        let r = run_logged(&s, threads, budget, u64::MAX, dir.path());
        if budget < 100 {
            assert!(r.logs.as_ref().unwrap().runs.len() > 10, "spilled runs");
        }
        assert!(
            log_bytes(&r, LogFormat::Jsonl).0 == reference,
            "{threads} threads, budget {budget}"
        );
    }
    // Time order (ties by user, then sequence: log ids hold both).
    let text = String::from_utf8(reference).unwrap();
    let mut last = (String::new(), String::new());
    for line in text.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let key = (
            e["date"].as_str().unwrap().to_string(),
            e["log_id"].as_str().unwrap().to_string(),
        );
        assert!(key.0 >= last.0, "{} after {}", key.0, last.0);
        last = key;
    }
    // The temporary runs go with the result.
    drop(one);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "spill folders left: {left:?}");
}

#[test]
fn logs_users_keeps_the_first_users_and_the_array_holds_the_same_events() {
    let dir = tmp();
    let s = scenario(BUSY);
    let all = run_logged(&s, 2, 1 << 20, u64::MAX, dir.path());
    let some = run_logged(&s, 2, 1 << 20, 5, dir.path());
    let (all_lines, _) = log_bytes(&all, LogFormat::Jsonl);
    let (some_lines, _) = log_bytes(&some, LogFormat::Jsonl);
    let all_text = String::from_utf8(all_lines).unwrap();
    let some_text = String::from_utf8(some_lines).unwrap();
    let users: std::collections::BTreeSet<String> = some_text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["user_name"].to_string())
        .collect();
    assert_eq!(users.len(), 5);
    // Each kept line is a line of the full log, in the same order.
    let mut full = all_text.lines();
    for line in some_text.lines() {
        assert!(full.any(|l| l == line), "{line} is not in the full log");
    }
    assert!(!some.logs.as_ref().unwrap().complete);
    let (array, _) = log_bytes(&all, LogFormat::Array);
    let events: Vec<Value> = serde_json::from_slice(&array).expect("one JSON array");
    let lines: Vec<Value> = all_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events, lines);
    // Logging changes no other result.
    let plain = run(&s, &RunOptions::default(), &Progress::default()).unwrap();
    assert_eq!(plain.replicas, all.replicas);
}

#[test]
fn run_logs_writes_the_log_file_and_leaves_the_other_files_as_they_were() {
    let dir = tmp();
    write(dir.path(), "busy.toml", BUSY);
    ssosim(dir.path())
        .args([
            "run",
            "busy.toml",
            "--out",
            "plain",
            "--no-charts",
            "--quiet",
        ])
        .assert()
        .success();
    ssosim(dir.path())
        .args([
            "run",
            "busy.toml",
            "--out",
            "logged",
            "--no-charts",
            "--quiet",
            "--logs",
        ])
        .args(["--threads", "2"])
        .assert()
        .success();
    ssosim(dir.path())
        .args([
            "run",
            "busy.toml",
            "--out",
            "array",
            "--no-charts",
            "--quiet",
        ])
        .args(["--logs-format", "array", "--threads", "1"])
        .assert()
        .success();
    for f in [
        "summary.csv",
        "timeseries.csv",
        "logins.csv",
        "scenario.toml",
    ] {
        let a = std::fs::read(dir.path().join("plain").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("logged").join(f)).unwrap();
        assert!(a == b, "{f} differs with --logs");
    }
    let jsonl = std::fs::read_to_string(dir.path().join("logged/logs.jsonl")).unwrap();
    assert!(jsonl.lines().count() > 100);
    let array: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.path().join("array/logs.json")).unwrap())
            .unwrap();
    assert_eq!(array.len(), jsonl.lines().count());
    // No temporary runs left beside the output folders.
    let hidden: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn simulation_start_is_an_iso_instant_or_refused_naming_the_key() {
    let ok = from_str(
        &BUSY.replace("\"2026-03-01T00:00:00Z\"", "2026-03-01T06:30:00Z"),
        "busy.toml",
        &[],
    )
    .expect("a TOML date-time is accepted");
    assert_eq!(
        ssosim::calendar::iso(ok.simulation.start),
        "2026-03-01T06:30:00.000Z"
    );
    for bad in [
        "\"2026-02-30T00:00:00Z\"",
        "\"yesterday\"",
        "12",
        "\"2026-03-01T00:00:00+02:00\"",
    ] {
        let text = BUSY.replace("\"2026-03-01T00:00:00Z\"", bad);
        let e = from_str(&text, "busy.toml", &[]).unwrap_err().to_string();
        assert!(
            e.contains("busy.toml") && e.contains("simulation.start") && e.contains("ISO 8601"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn sharded_runs_carry_their_log_part_and_merge_to_the_unsharded_log() {
    let dir = tmp();
    write(dir.path(), "busy.toml", BUSY);
    let quiet = ["--no-charts", "--quiet"];
    ssosim(dir.path())
        .args([
            "run",
            "busy.toml",
            "--out",
            "whole",
            "--logs-format",
            "array",
        ])
        .args(quiet)
        .assert()
        .success();
    for i in 0..3 {
        ssosim(dir.path())
            .args([
                "run",
                "busy.toml",
                "--logs-format",
                "array",
                "--threads",
                "1",
            ])
            .args(["--shard", &format!("{i}/3"), "--out", &format!("s{i}")])
            .args(quiet)
            .assert()
            .success();
        assert!(dir.path().join(format!("s{i}/logs.part")).is_file());
    }
    ssosim(dir.path())
        .args(["merge", "s2", "s0", "s1", "--out", "merged"])
        .args(quiet)
        .assert()
        .success();
    let whole = std::fs::read(dir.path().join("whole/logs.json")).unwrap();
    let merged = std::fs::read(dir.path().join("merged/logs.json")).unwrap();
    assert!(
        whole == merged,
        "the merged log differs from the unsharded one"
    );
    // A part altered after the shard was written is refused, naming it.
    let part = dir.path().join("s1/logs.part");
    let mut bytes = std::fs::read(&part).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&part, bytes).unwrap();
    let out = ssosim(dir.path())
        .args(["merge", "s0", "s1", "s2", "--out", "again"])
        .args(quiet)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("logs.part") && err.contains("altered"),
        "{err}"
    );
    assert!(!dir.path().join("again").exists());
    // Shards run with and without --logs do not merge.
    ssosim(dir.path())
        .args(["run", "busy.toml", "--shard", "1/3", "--out", "s1"])
        .args(quiet)
        .assert()
        .success();
    let out = ssosim(dir.path())
        .args(["merge", "s0", "s1", "s2", "--out", "again"])
        .args(quiet)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--logs"), "{err}");
}

#[test]
fn user_agents_follow_the_devices_browser_kind() {
    let dir = tmp();
    let text = BUSY.replace(
        "third_party_cookies_blocked = 0.5",
        "browsers = { safari = 0.5, firefox = 0.5 }",
    );
    let s = scenario(&text);
    let r = run_logged(&s, 2, 1000, u64::MAX, dir.path());
    let (bytes, _) = log_bytes(&r, LogFormat::Jsonl);
    let mut agents: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for line in String::from_utf8(bytes).unwrap().lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let (Some(user), Some(agent)) = (e["user_id"].as_str(), e["user_agent"].as_str()) else {
            continue;
        };
        let mobile = e["is_mobile"].as_bool().unwrap();
        assert_eq!(
            mobile,
            agent.contains("Mobile"),
            "is_mobile agrees with the agent: {agent}"
        );
        let seen = agents
            .entry(user.to_string())
            .or_insert_with(|| (agent.to_string(), mobile));
        assert_eq!(seen.0, agent, "one device, one browser: {user}");
    }
    let safari = agents.values().filter(|a| a.0.contains("Safari")).count();
    let firefox = agents
        .values()
        .filter(|a| a.0.starts_with("Firefox"))
        .count();
    assert_eq!(safari + firefox, agents.len(), "only the mix's browsers");
    assert!(
        safari > 20 && firefox > 20,
        "{safari} safari, {firefox} firefox"
    );
}
