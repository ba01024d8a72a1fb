//! `ssosim fit` (issue 15): a scenario simulated with known parameters,
//! logged and fitted, gives each parameter back within its interval; hostile
//! log files are counted with line numbers, never a panic, and a file with
//! nothing usable is refused.

use crate::support::cli::{ssosim, tmp, write};
use ssosim::fit::{LogSet, fit};
use ssosim::logs::{LogFormat, LogOptions};
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::from_str;

/// The truth: two connections, gamma visit rates, a daily profile, a logout share.
const TRUTH: &str = r#"name = "truth"
[simulation]
users = 3000
duration = "14d"
warmup = "30d"
seed = 13
[authorization_server]
idle_timeout = "3d"
absolute_timeout = "30d"
[identity_providers.facebook]
[[apps]]
name = "shop"
kind = "regular_web"
local_session = { idle_timeout = "2h", absolute_timeout = "1d", cookie = "non_persistent" }
[users]
visits_per_day = 2.0
visit_rate_distribution = "gamma"
visit_rate_shape = 2.0
protected_share = 0.5
connections = { password = 0.7, facebook = 0.3 }
logout_share = 0.1
browser_closes_per_day = 1.0
daily_profile = [0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.5, 1.4, 1.3, 1.3, 1.3, 1.3, 1.3, 1.4, 1.5, 1.6, 1.7, 1.6, 1.3, 0.8, 0.4]
"#;

#[test]
fn a_logged_scenario_is_fitted_back_within_the_intervals() {
    let dir = tmp();
    let truth = from_str(TRUTH, "truth.toml", &[]).unwrap();
    let opts = RunOptions {
        threads: 0,
        shard: None,
        logs: Some(LogOptions::all_users(dir.path())),
        reference_path: false,
    };
    let r = run(&truth, &opts, &Progress::default()).unwrap();
    let runs = r.logs.as_ref().unwrap();
    let path = dir.path().join("logs.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    ssosim::logs::write_log(&runs.runs, &runs.tenant, LogFormat::Jsonl, &mut f).unwrap();
    drop(f);
    let mut logs = LogSet::default();
    logs.read_file(&path).unwrap();
    assert!(logs.skipped.is_empty());
    let fitted = fit(&logs, Some(&truth)).unwrap();
    let expect = [
        ("users.connections.password", 0.7),
        ("users.connections.facebook", 0.3),
        ("users.visits_per_day", 2.0),
        ("users.visit_rate_shape", 2.0),
        ("users.logout_share", 0.1),
        ("simulation.users", 3000.0),
    ];
    for (key, value) in expect {
        let e = fitted
            .estimates
            .iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("no estimate of {key}"));
        assert!(
            e.low <= value && value <= e.high,
            "{key}: truth {value} outside {} [{}, {}]",
            e.value,
            e.low,
            e.high
        );
        assert!(
            e.high - e.low < 0.3 * value,
            "{key}: interval too wide to mean anything: {e:?}"
        );
    }
    // The daily profile: each hour within 4 of its standard errors (24 hours).
    for (h, w) in truth.users.daily_profile.iter().enumerate() {
        let mean = truth.users.daily_profile.iter().sum::<f64>() / 24.0;
        let e = &fitted
            .estimates
            .iter()
            .find(|e| e.key == format!("users.daily_profile[{h}]"))
            .unwrap();
        let half = (e.high - e.low) / 2.0;
        assert!(
            (e.value - w / mean).abs() < 2.1 * half,
            "hour {h}: {} vs {}",
            e.value,
            w / mean
        );
    }
    // The fitted scenario loads and keeps the base's timeouts.
    let again = from_str(&fitted.toml, "fitted.toml", &[]).unwrap();
    assert_eq!(
        again.authorization_server.session,
        truth.authorization_server.session
    );
    assert!(fitted.toml.contains("visits_per_day = ") && fitted.toml.contains("# fitted: "));
}

/// One event of tenant `tenant`.
fn event(kind: &str, user: &str, hour: u32, tenant: &str) -> String {
    format!(
        r#"{{"type":"{kind}","user_id":"{user}","date":"2026-01-01T{hour:02}:00:00.000Z","tenant_name":"{tenant}","connection":"Username-Password-Authentication","client_name":"web"}}"#
    )
}

#[test]
fn hostile_log_files_are_counted_with_line_numbers_and_empty_ones_refused() {
    let dir = tmp();
    let mut lines = Vec::new();
    for u in 0..30 {
        lines.push(event("s", &format!("auth0|{u}"), 8 + u % 10, "acme"));
        lines.push(event("seacft", &format!("auth0|{u}"), 8 + u % 10, "acme"));
    }
    lines.push("{not json".to_string()); // line 61
    lines.push(event("sapi", "auth0|1", 9, "acme")); // 62: a type the fit does not use
    lines.push(event("s", "", 9, "acme")); // 63: no user
    lines.push(event("s", "auth0|1", 9, "other")); // 64: another tenant
    lines.push(r#"{"type":"s","user_id":"auth0|2","date":"yesterday"}"#.to_string()); // 65
    lines.push("42".to_string()); // 66: not an event
    lines.push(format!(
        r#"{{"log_id":"1","data":{}}}"#,
        event("slo", "auth0|3", 9, "acme")
    )); // 67: a log-stream delivery
    write(dir.path(), "hostile.jsonl", &(lines.join("\n") + "\n"));
    write(
        dir.path(),
        "page.json",
        &format!(
            "[{},\n{}]",
            event("s", "auth0|40", 9, "acme"),
            event("s", "auth0|41", 10, "acme")
        ),
    );
    let out = ssosim(dir.path())
        .args(["fit", "hostile.jsonl", "page.json", "--out", "fitted.toml"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for expected in [
        "read 69 events: 63 used, of 32 users",
        "skipped 1 (not JSON): hostile.jsonl:61",
        "skipped 1 (not an event object): hostile.jsonl:66",
        "skipped 1 (event type not used by the fit): hostile.jsonl:62",
        "skipped 1 (no user_id): hostile.jsonl:63",
        "skipped 1 (no ISO 8601 date): hostile.jsonl:65",
        "skipped 1 (another tenant): hostile.jsonl:64",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    assert!(from_str(&fitted, "fitted.toml", &[]).is_ok(), "{fitted}");
    assert!(fitted.contains("name = \"acme\""));
    // Nothing usable: refused, nothing written.
    write(dir.path(), "junk.jsonl", "{not json\n[1, 2\n\"text\"\n");
    write(dir.path(), "empty.json", "");
    let out = ssosim(dir.path())
        .args(["fit", "junk.jsonl", "empty.json", "--out", "none.toml"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("no usable log event") && err.contains("junk.jsonl:1"),
        "{err}"
    );
    assert!(!dir.path().join("none.toml").exists());
    // A missing file is refused naming it.
    let out = ssosim(dir.path())
        .args(["fit", "missing.jsonl", "--out", "none.toml"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("missing.jsonl"));
}
