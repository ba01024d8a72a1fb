//! `ssosim compare`: two known runs in every format, and refusals.

use crate::support::cli::*;

const A: &str = "metric,scope,value,ci95_low,ci95_high
reauth_rate,all,0.2,0.18,0.22
sso_share,all,0.8,0.78,0.82
interactive_logins,all,100,90,110
sso_logins,all,400,380,420
silent_auth_failure_share,all,0,0,0
sessions_alive_at_end,app:web,10,8,12
sessions_alive_at_end,as,50,45,55
authorize_requests_per_s_peak,as,3,3,3
login_latency_ms_mean,all,1000,990,1010
";

const B: &str = "metric,scope,value,ci95_low,ci95_high
reauth_rate,all,0.1,0.09,0.11
sso_share,all,0.875,0.85,0.9
interactive_logins,all,60,50,95
sso_logins,all,420,400,440
silent_auth_failure_share,all,0,0,0
sessions_alive_at_end,as,80,70,90
authorize_requests_per_s_peak,as,4,,
login_latency_ms_mean,all,900,880,920
sessions_alive_at_end,idp:facebook,5,4,6
";

fn runs() -> tempfile::TempDir {
    let dir = tmp();
    for (name, text) in [("a", A), ("b", B)] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        write(&dir.path().join(name), "summary.csv", text);
    }
    dir
}

fn compare(dir: &std::path::Path, format: &str) -> String {
    let out = ssosim(dir)
        .args(["compare", "a", "b", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty());
    stdout(&out)
}

#[test]
fn table() {
    let dir = runs();
    let text = compare(dir.path(), "table");
    let expected = "\
metric                         scope         a                 b
reauth_rate                    all           0.2 [0.18, 0.22]  0.1 [0.09, 0.11] (-50.0%) *
sso_share                      all           0.8 [0.78, 0.82]  0.875 [0.85, 0.9] (+9.4%) *
interactive_logins             all           100 [90, 110]     60 [50, 95] (-40.0%)
sso_logins                     all           400 [380, 420]    420 [400, 440] (+5.0%)
silent_auth_failure_share      all           0 [0, 0]          0 [0, 0] (+0.0%)
sessions_alive_at_end          app:web       10 [8, 12]        -
sessions_alive_at_end          as            50 [45, 55]       80 [70, 90] (+60.0%) *
sessions_alive_at_end          idp:facebook  -                 5 [4, 6] (new)
authorize_requests_per_s_peak  as            3 [3, 3]          4 (+33.3%)
login_latency_ms_mean          all           1000 [990, 1010]  900 [880, 920] (-10.0%) *
(relative difference to the first run in parentheses; * where the 95% intervals do not overlap, or, for runs paired with the first (same seed and replica count), where the paired difference's 95% interval excludes 0)
";
    assert_eq!(text, expected);
    let default = ssosim(dir.path())
        .args(["compare", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(stdout(&default), expected, "table is the default");
}

#[test]
fn csv() {
    let dir = runs();
    assert_eq!(
        compare(dir.path(), "csv"),
        "\
metric,scope,run,value,ci95_low,ci95_high,rel_diff,differs,paired_diff,paired_ci95_low,paired_ci95_high
reauth_rate,all,a,0.2,0.18,0.22,0,false,,,
reauth_rate,all,b,0.1,0.09,0.11,-0.5,true,,,
sso_share,all,a,0.8,0.78,0.82,0,false,,,
sso_share,all,b,0.875,0.85,0.9,0.09375,true,,,
interactive_logins,all,a,100,90,110,0,false,,,
interactive_logins,all,b,60,50,95,-0.4,false,,,
sso_logins,all,a,400,380,420,0,false,,,
sso_logins,all,b,420,400,440,0.05,false,,,
silent_auth_failure_share,all,a,0,0,0,0,false,,,
silent_auth_failure_share,all,b,0,0,0,0,false,,,
sessions_alive_at_end,app:web,a,10,8,12,0,false,,,
sessions_alive_at_end,app:web,b,,,,,false,,,
sessions_alive_at_end,as,a,50,45,55,0,false,,,
sessions_alive_at_end,as,b,80,70,90,0.6,true,,,
sessions_alive_at_end,idp:facebook,a,,,,,false,,,
sessions_alive_at_end,idp:facebook,b,5,4,6,,false,,,
authorize_requests_per_s_peak,as,a,3,3,3,0,false,,,
authorize_requests_per_s_peak,as,b,4,,,0.333333333,false,,,
login_latency_ms_mean,all,a,1000,990,1010,0,false,,,
login_latency_ms_mean,all,b,900,880,920,-0.1,true,,,
"
    );
}

#[test]
fn markdown() {
    let dir = runs();
    let text = compare(dir.path(), "markdown");
    assert!(
        text.starts_with("| metric | scope | a | b |\n|---|---|---:|---:|\n"),
        "{text}"
    );
    assert!(
        text.contains("| reauth_rate | all | 0.2 [0.18, 0.22] | 0.1 [0.09, 0.11] (-50.0%) * |\n")
    );
    assert!(text.contains("| sessions_alive_at_end | app:web | 10 [8, 12] | - |\n"));
    assert!(text.contains("| sessions_alive_at_end | idp:facebook | - | 5 [4, 6] (new) |\n"));
    assert_eq!(text.lines().filter(|l| l.starts_with("| ")).count(), 11);
}

#[test]
fn json() {
    let dir = runs();
    let doc: serde_json::Value = serde_json::from_str(&compare(dir.path(), "json")).unwrap();
    assert_eq!(doc["runs"], serde_json::json!(["a", "b"]));
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0]["metric"], "reauth_rate");
    assert_eq!(
        rows[0]["runs"][1],
        serde_json::json!({"run": "b", "value": 0.1, "ci95_low": 0.09, "ci95_high": 0.11, "rel_diff": -0.5, "differs": true})
    );
    assert_eq!(rows[1]["metric"], "sso_share");
    assert_eq!(rows[5]["scope"], "app:web");
    assert_eq!(
        rows[5]["runs"][1],
        serde_json::json!({"run": "b", "rel_diff": null, "differs": false})
    );
}

#[test]
fn real_runs_compare() {
    let dir = tmp();
    for (out, idle) in [("short", "1h"), ("long", "3d")] {
        let run = ssosim(dir.path())
            .arg("run")
            .arg(bundled("storezero"))
            .args(SMALL)
            .args([
                "--replicas",
                "3",
                "--no-charts",
                "--quiet",
                "--out",
                out,
                "--set",
            ])
            .arg(format!("authorization_server.idle_timeout={idle}"))
            .output()
            .unwrap();
        assert!(run.status.success());
    }
    let out = ssosim(dir.path())
        .args(["compare", "short", "long", "--charts", "charts"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let reauth = text.lines().find(|l| l.starts_with("reauth_rate")).unwrap();
    assert!(
        reauth.ends_with('*'),
        "a 1h and a 3d idle timeout differ: {reauth}"
    );
    // The two runs overlaid, with a legend, in the --charts folder.
    let charts = entries(&dir.path().join("charts"));
    assert!(
        charts.iter().any(|c| c == "compare_rates.png"),
        "{charts:?}"
    );
    assert!(charts.iter().any(|c| c == "comparison.html"), "{charts:?}");
}

#[test]
fn refusals_and_failures() {
    let dir = runs();
    let out = ssosim(dir.path())
        .args(["compare", "a", "missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "error: missing: not a run folder (no summary.csv); give folders written by ssosim run or sweep"
    );
    let out = ssosim(dir.path()).args(["compare", "a"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "two folders at least");
    let out = ssosim(dir.path())
        .args(["compare", "a", "b", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    write(
        &dir.path().join("b"),
        "summary.csv",
        "metric,scope,value,ci95_low,ci95_high\nreauth_rate,all,zero,,\n",
    );
    let out = ssosim(dir.path())
        .args(["compare", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("b/summary.csv: line 2: value `zero` is not a number"),
        "{}",
        stderr(&out)
    );
}

/// Two hand-made runs with the same seed and 3 replicas whose reauth rates
/// move together replica by replica: their intervals overlap widely, but the
/// per-replica differences (0.01, 0.012, 0.014) are clear of 0.
fn paired_runs(seed_b: u64) -> tempfile::TempDir {
    let dir = runs();
    for (name, seed, values) in [
        ("a", 42, [0.10, 0.20, 0.30]),
        ("b", seed_b, [0.11, 0.212, 0.314]),
    ] {
        let folder = dir.path().join(name);
        write(
            &folder,
            "run.json",
            &format!(r#"{{"scenario": "t", "duration_ms": 1, "seed": {seed}, "replicas": 3}}"#),
        );
        let mut csv = String::from("replica,metric,scope,value\n");
        for (r, v) in values.iter().enumerate() {
            csv += &format!("{r},reauth_rate,all,{v}\n{r},sso_logins,all,400\n");
        }
        write(&folder, "replicas.csv", &csv);
    }
    dir
}

#[test]
fn same_seed_and_replicas_compare_pair_by_pair() {
    let dir = paired_runs(42);
    let csv = compare(dir.path(), "csv");
    // Mean 0.012, sd 0.002, n 3: half-width t(2) · 0.002 / √3.
    let half = 4.302_652_729_749_464 * 0.002 / 3f64.sqrt();
    let line = csv
        .lines()
        .find(|l| l.starts_with("reauth_rate,all,b,"))
        .unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields[7], "true", "paired: the interval excludes 0: {line}");
    let num = |i: usize| fields[i].parse::<f64>().unwrap();
    assert!((num(8) - 0.012).abs() < 1e-9, "{line}");
    assert!((num(9) - (0.012 - half)).abs() < 1e-9, "{line}");
    assert!((num(10) - (0.012 + half)).abs() < 1e-9, "{line}");
    assert!(
        csv.contains("reauth_rate,all,a,0.2,0.18,0.22,0,false,,,\n"),
        "the reference has no difference"
    );
    // sso_logins equal in every replica: paired difference exactly 0, no `*`.
    assert!(
        csv.contains("sso_logins,all,b,420,400,440,0.05,false,0,0,0\n"),
        "{csv}"
    );
    // A metric without replica values (interactive_logins) keeps the overlap rule.
    assert!(csv.contains("interactive_logins,all,b,60,50,95,-0.4,false,,,\n"));
    let table = compare(dir.path(), "table");
    let reauth = table
        .lines()
        .find(|l| l.starts_with("reauth_rate"))
        .unwrap();
    assert!(
        reauth.ends_with("(-50.0%, paired +0.012 [0.00703, 0.017]) *"),
        "{reauth}"
    );
    let doc: serde_json::Value = serde_json::from_str(&compare(dir.path(), "json")).unwrap();
    let cell = &doc["rows"][0]["runs"][1];
    assert!((cell["paired_diff"].as_f64().unwrap() - 0.012).abs() < 1e-9);
    assert_eq!(cell["differs"], true);
}

#[test]
fn another_seed_is_not_paired() {
    let dir = paired_runs(43);
    let csv = compare(dir.path(), "csv");
    assert!(
        csv.contains("reauth_rate,all,b,0.1,0.09,0.11,-0.5,true,,,\n"),
        "independent runs keep the overlap rule and empty paired columns: {csv}"
    );
}

/// Paired against independent intervals on real runs: two storezero runs
/// whose idle timeouts differ by an hour (3d and 2d23h) share their random
/// numbers, so the paired interval of the difference is much narrower than
/// the independent one (√(h₁² + h₂²) from the two runs' half-widths); with
/// another seed the same computation is as wide as the independent one.
#[test]
fn paired_intervals_are_narrow_for_common_random_numbers() {
    use ssosim::metrics::stats::paired_difference;
    use ssosim::report::data::Replicas;
    let dir = tmp();
    for (out, sets) in [
        ("base", vec![]),
        ("near", vec!["authorization_server.idle_timeout=2d23h"]),
        (
            "other_seed",
            vec![
                "authorization_server.idle_timeout=2d23h",
                "simulation.seed=7",
            ],
        ),
    ] {
        let mut cmd = ssosim(dir.path());
        cmd.arg("run")
            .arg(bundled("storezero"))
            .args(SMALL)
            .args(["--set", "simulation.warmup=7d"])
            .args(["--replicas", "5", "--quiet", "--no-charts", "--out", out]);
        for s in sets {
            cmd.args(["--set", s]);
        }
        assert!(cmd.output().unwrap().status.success());
    }
    let load = |name: &str| Replicas::load(&dir.path().join(name)).unwrap().unwrap();
    let (base, near, other) = (load("base"), load("near"), load("other_seed"));
    assert!(base.pairs_with(&near) && !base.pairs_with(&other));
    let widths = |b: &Replicas| {
        let (x, y) = (
            base.values("reauth_rate", "all").unwrap(),
            b.values("reauth_rate", "all").unwrap(),
        );
        let half = |v: &[f64]| {
            let (lo, hi) = ssosim::metrics::stats::Estimate::from_replicas(v)
                .ci95
                .unwrap();
            (hi - lo) / 2.0
        };
        let (lo, hi) = paired_difference(x, y).unwrap().ci95.unwrap();
        ((hi - lo) / 2.0, (half(x).powi(2) + half(y).powi(2)).sqrt())
    };
    let (paired, independent) = widths(&near);
    assert!(
        paired < independent / 4.0,
        "common random numbers: paired half-width {paired} vs independent {independent}"
    );
    let (paired, independent) = widths(&other);
    assert!(
        paired > independent / 3.0,
        "another seed: paired half-width {paired} vs independent {independent}"
    );
    // The command line pairs the first two and not the third.
    let out = ssosim(dir.path())
        .args(["compare", "base", "near", "other_seed", "--format", "csv"])
        .output()
        .unwrap();
    let csv = stdout(&out);
    let line = |run: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("reauth_rate,all,{run},")))
            .unwrap()
            .to_string()
    };
    assert!(!line("near").ends_with(",,,"), "{}", line("near"));
    assert!(
        line("other_seed").ends_with(",,,"),
        "{}",
        line("other_seed")
    );
}

/// The exposure rows are compared when some run has them, after the
/// headline metrics; folders written before they existed show `-`.
#[test]
fn exposure_rows_when_some_run_has_them() {
    let dir = tmp();
    let with = format!("{A}valid_session_hours_per_user_day,as,12.5,12.4,12.6\n");
    for (name, text) in [("a", A), ("b", with.as_str())] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        write(&dir.path().join(name), "summary.csv", text);
    }
    let text = compare(dir.path(), "csv");
    assert!(
        text.contains("valid_session_hours_per_user_day,as,a,,,,,false,,,\n")
            && text.contains("valid_session_hours_per_user_day,as,b,12.5,12.4,12.6,,false,,,\n"),
        "{text}"
    );
    assert!(!text.contains("orphaned_session_hours"), "{text}");
    assert!(!compare(runs().path(), "csv").contains("valid_session"));
}
