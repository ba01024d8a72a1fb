//! `ssosim tune`: the answer against a closed form, determinism, a target met
//! nowhere, the response curve, and refusals.

use crate::support::cli::*;
use ssosim::time::{DAY, parse_duration};

/// An SPA (implicit grant) whose every visit is protected and runs silent
/// authentication: with Poisson visits at λ = 3 a day and an AS idle timeout
/// T, a silent authentication fails when the gap since the previous visit
/// exceeds T, so the failure share is e^(−λT), and the shortest T with a
/// share at most p is ln(1/p)/λ. The 8-day warm-up leaves under 1% of users
/// younger than a day when measuring starts (the finite-window correction of
/// `closed_forms.rs` is then below 0.1% of the attempts).
const SPA: &str = r#"name = "spa-idle"
[simulation]
users = 1500
duration = "8d"
warmup = "8d"
sample_every = "1d"
replicas = 2
[authorization_server]
plan = "enterprise"
idle_timeout = "1d"
absolute_timeout = "365d"
[[apps]]
name = "spa"
kind = "spa_implicit"
token_cache = "local_storage"
[users]
visits_per_day = 3.0
protected_share = 1.0
visit_length = "1m"
"#;

fn tune(dir: &std::path::Path, out: &str, extra: &[&str]) -> std::process::Output {
    write(dir, "spa.toml", SPA);
    ssosim(dir)
        .args([
            "tune",
            "spa.toml",
            "--vary",
            "authorization_server.idle_timeout=1h..3d",
        ])
        .args(["--quiet", "--no-charts", "--out", out])
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ms(v: &serde_json::Value) -> f64 {
    parse_duration(v.as_str().unwrap()).unwrap() as f64
}

#[test]
fn tune_finds_the_idle_timeout_of_the_closed_form() {
    let dir = tmp();
    let target = ["--target", "silent_auth_failure_share<=0.05"];
    let out = tune(dir.path(), "t", &target);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&dir.path().join("t/tune.json"));
    let exact = 20f64.ln() / 3.0 * DAY as f64; // 23h57m57s
    let (value, low, high) = (
        ms(&doc["value"]),
        ms(&doc["value_low"]),
        ms(&doc["value_high"]),
    );
    assert!(
        (value - exact).abs() / exact < 0.03,
        "{} against ln(20)/3 days = 23h57m57s",
        doc["value"]
    );
    assert!(low <= exact && exact <= high, "{doc}");
    assert_eq!(
        (doc["met"].as_bool(), doc["monotone"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(doc["key"], "authorization_server.idle_timeout");
    assert_eq!(doc["target"], "<= 0.05");
    // One line on stdout, naming the key, the value, its interval, the target.
    let line = stdout(&out);
    assert_eq!(line.lines().count(), 1);
    assert!(
        line.starts_with(&format!(
            "authorization_server.idle_timeout = {} (95%: {} – {}) gives silent_auth_failure_share <= 0.05 (",
            doc["value"].as_str().unwrap(),
            doc["value_low"].as_str().unwrap(),
            doc["value_high"].as_str().unwrap()
        )),
        "{line}"
    );
    // Every point has its run folder, and its mean is that run's summary row;
    // the points meeting the target are exactly those at or above the answer.
    let points = doc["points"].as_array().unwrap();
    assert!(points.len() >= 6 && points.len() <= 14, "{}", points.len());
    for p in points {
        let folder = dir.path().join("t").join(p["folder"].as_str().unwrap());
        let summary = std::fs::read_to_string(folder.join("summary.csv")).unwrap();
        let row = summary
            .lines()
            .find(|l| l.starts_with("silent_auth_failure_share,all,"))
            .unwrap();
        let mean: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
        assert!((mean - p["mean"].as_f64().unwrap()).abs() < 1e-8);
        assert_eq!(
            p["meets"].as_bool().unwrap(),
            ms(&p["value"]) >= value,
            "{p}"
        );
        // Common random numbers: every point ran with the scenario's seed.
        let run = json(&folder.join("run.json"));
        assert_eq!(run["seed"], 42);
    }
    // The response curve decodes and says what it shows.
    let png = std::fs::read(dir.path().join("t/tune_curve.png")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!(info.width, 560);
    let svg = std::fs::read_to_string(dir.path().join("t/tune_curve.svg")).unwrap();
    let tree = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = tree.descendants().filter_map(|n| n.text()).collect();
    for wanted in [
        "target 0.05".to_string(),
        format!(" answer {}", doc["value"].as_str().unwrap()),
        "authorization_server.idle_timeout (days, log scale)".to_string(),
    ] {
        assert!(
            texts.iter().any(|t| t.trim() == wanted.trim()),
            "{wanted}: {texts:?}"
        );
    }
    // The same search on one thread writes the same tune.json.
    let again = tune(dir.path(), "t1", &[target[0], target[1], "--threads", "1"]);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("t/tune.json")).unwrap(),
        std::fs::read(dir.path().join("t1/tune.json")).unwrap()
    );
}

#[test]
fn a_target_met_nowhere_says_the_closest_value() {
    let dir = tmp();
    let out = tune(
        dir.path(),
        "t",
        &["--target", "silent_auth_failure_share<=0.00001"],
    );
    assert!(out.status.success(), "exit 0: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "no value of authorization_server.idle_timeout in 1h..3d gives silent_auth_failure_share <= 0.00001: the closest is authorization_server.idle_timeout = 3d, with "
        ),
        "{}",
        stdout(&out)
    );
    let doc = json(&dir.path().join("t/tune.json"));
    assert_eq!(
        (doc["met"].as_bool(), doc["value"].as_str()),
        (Some(false), Some("3d"))
    );
    assert_eq!(
        doc["points"].as_array().unwrap().len(),
        2,
        "the two ends only"
    );
}

#[test]
fn bad_flags_are_refused_and_write_nothing() {
    let dir = tmp();
    for (flags, says) in [
        (
            vec![
                "--vary",
                "authorization_server.idle_timeout=3d..1h",
                "--target",
                "reauth_rate<=0.1",
            ],
            "error: --vary authorization_server.idle_timeout=3d..1h: 3d is not below 1h;",
        ),
        (
            vec![
                "--vary",
                "authorization_server.idle_timeout=1h..5d",
                "--target",
                "reauth_rate<=0.1",
            ],
            "error: --vary authorization_server.idle_timeout=5d:",
        ),
        (
            vec![
                "--vary",
                "authorization_server.idle_timeout=1h..3d",
                "--target",
                "reauth_rate=0.1",
            ],
            "error: --target reauth_rate=0.1: no <= or >=;",
        ),
        (
            vec![
                "--vary",
                "authorization_server.idle_timeout=1h..3d",
                "--target",
                "no_such_metric<=1",
            ],
            "error: --target: no metric no_such_metric in this scenario's summary;",
        ),
        (
            vec![
                "--vary",
                "authorization_server.idle_timeout=1h..3d",
                "--target",
                "reauth_rate<=0.1",
                "--tolerance",
                "0",
            ],
            "error: --tolerance 0: use a share of the value above 0 and below 1",
        ),
    ] {
        write(dir.path(), "base.toml", BASE);
        let out = ssosim(dir.path())
            .args(["tune", "base.toml", "--quiet", "--out", "t"])
            .args(&flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(says),
            "{flags:?}: {}",
            stderr(&out)
        );
        assert!(!dir.path().join("t").exists(), "{flags:?}: nothing written");
    }
}
