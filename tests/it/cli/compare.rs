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
(relative difference to the first run in parentheses; * where the 95% intervals do not overlap)
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
metric,scope,run,value,ci95_low,ci95_high,rel_diff,differs
reauth_rate,all,a,0.2,0.18,0.22,0,false
reauth_rate,all,b,0.1,0.09,0.11,-0.5,true
sso_share,all,a,0.8,0.78,0.82,0,false
sso_share,all,b,0.875,0.85,0.9,0.09375,true
interactive_logins,all,a,100,90,110,0,false
interactive_logins,all,b,60,50,95,-0.4,false
sso_logins,all,a,400,380,420,0,false
sso_logins,all,b,420,400,440,0.05,false
silent_auth_failure_share,all,a,0,0,0,0,false
silent_auth_failure_share,all,b,0,0,0,0,false
sessions_alive_at_end,app:web,a,10,8,12,0,false
sessions_alive_at_end,app:web,b,,,,,false
sessions_alive_at_end,as,a,50,45,55,0,false
sessions_alive_at_end,as,b,80,70,90,0.6,true
sessions_alive_at_end,idp:facebook,a,,,,,false
sessions_alive_at_end,idp:facebook,b,5,4,6,,false
authorize_requests_per_s_peak,as,a,3,3,3,0,false
authorize_requests_per_s_peak,as,b,4,,,0.333333333,false
login_latency_ms_mean,all,a,1000,990,1010,0,false
login_latency_ms_mean,all,b,900,880,920,-0.1,true
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
            .args(["--replicas", "3", "--quiet", "--out", out, "--set"])
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
