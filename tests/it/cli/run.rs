//! `ssosim run`: every bundled scenario, determinism across thread counts,
//! replicas, streams and the default output folder.

use crate::support::cli::*;

const FILES: [&str; 9] = [
    "distributions.csv",
    "load.csv",
    "logins.csv",
    "replicas.csv",
    "run.json",
    "scenario.toml",
    "segments.csv",
    "summary.csv",
    "timeseries.csv",
];

#[test]
fn every_bundled_scenario_runs() {
    let mut names: Vec<String> = entries(&root().join("scenarios"))
        .into_iter()
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_string))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "browsers",
            "enterprise",
            "incident",
            "mfa",
            "multi_app",
            "shared_computers",
            "spa_refresh_tokens",
            "spa_third_party",
            "storezero"
        ]
    );
    let dir = tmp();
    for name in names {
        let text = std::fs::read_to_string(bundled(&name)).unwrap();
        assert!(
            text.starts_with(&format!("# {name}:")) && text.contains("# Look at:")
                || text.contains("Look at:"),
            "{name} opens with its question and what to look at"
        );
        let out = ssosim(dir.path())
            .arg("run")
            .arg(bundled(&name))
            .args(SMALL)
            // Charts of every bundled scenario: tests/report_runs.rs.
            .args(["--quiet", "--no-charts", "--out"])
            .arg(&name)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).is_empty() && stderr(&out).is_empty());
        assert_eq!(entries(&dir.path().join(&name)), FILES, "{name}");
        let summary = std::fs::read_to_string(dir.path().join(&name).join("summary.csv")).unwrap();
        assert_eq!(metric(&summary, "users", "all"), 200.0, "{name}");
    }
}

#[test]
fn thread_counts_give_identical_bytes() {
    let dir = tmp();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "4"] {
        let out = ssosim(dir.path())
            .arg("run")
            .arg(bundled("multi_app"))
            .args([
                "--set",
                "simulation.users=3000",
                "--set",
                "simulation.duration=3d",
                "--set",
                "simulation.warmup=1d",
                "--replicas",
                "2",
                "--quiet",
                "--threads",
                threads,
                "--out",
                threads,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let read = |f: &str| std::fs::read(dir.path().join(threads).join(f)).unwrap();
        outputs.push((
            read("summary.csv"),
            read("timeseries.csv"),
            read("logins.csv"),
            read("distributions.csv"),
            read("segments.csv"),
            read("replicas.csv"),
        ));
    }
    assert!(outputs[0] == outputs[1], "1 vs 2 threads differ");
    assert!(outputs[0] == outputs[2], "1 vs 4 threads differ");
}

#[test]
fn replicas_give_intervals() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args(["--replicas", "3", "--quiet", "--out", "r"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = std::fs::read_to_string(dir.path().join("r/summary.csv")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.starts_with("reauth_rate,all,"))
        .unwrap();
    let f: Vec<f64> = row.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
    assert!(f[1] < f[0] && f[0] < f[2], "{row}");
    let one = summary
        .lines()
        .find(|l| l.starts_with("visits,all,"))
        .unwrap();
    assert!(!one.ends_with(",,"), "{one}");
}

#[test]
fn summary_on_stderr_unless_quiet_and_default_folder() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).is_empty(), "results on stdout only when asked");
    let err = stderr(&out);
    for expected in [
        "storezero: 200 users x 1 replica(s) over 7d;",
        "reauth_rate",
        "sso_share",
        "silent_auth_failure_share",
        "sessions alive at end       app:storezero ",
        "results in output/storezero (summary.csv",
    ] {
        assert!(err.contains(expected), "{expected:?} in\n{err}");
    }
    // No progress bar: stderr is not a terminal here.
    assert!(!err.contains("ETA"), "{err}");
    let written = entries(&dir.path().join("output/storezero"));
    for f in FILES {
        assert!(written.iter().any(|w| w == f), "{f} in {written:?}");
    }
    assert!(
        written.iter().any(|w| w == "report.html"),
        "charts and report drawn"
    );
}

#[test]
fn trace_prints_hops_on_stdout() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("trace")
        .arg(bundled("storezero"))
        .args(["--user", "3", "--until", "2d"])
        .args(["--set", "simulation.warmup=0s"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("GET /authorize"), "{text}");
    assert!(text.contains("valid sessions at"), "{text}");
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn a_shard_says_how_many_users_it_simulated_and_lists_its_files() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args(["--shard", "0/3", "--replicas", "2", "--out", "sh"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // Users 0, 3, ..., 198 of 200.
    assert!(
        err.lines()
            .any(|l| l.starts_with("storezero: shard 0/3: 67 of 200 users x 2 replica(s)")),
        "{err}"
    );
    let files = entries(&dir.path().join("sh"));
    assert_eq!(
        files,
        [
            "replica-0.json",
            "replica-1.json",
            "scenario.toml",
            "shard.json"
        ]
    );
    assert!(
        err.contains(&format!("shard folder sh ({})", files.join(", "))),
        "{err}"
    );
    // chart on a shard folder: what it is and what to do, nothing written.
    let out = ssosim(dir.path()).args(["chart", "sh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sh: a shard folder") && stderr(&out).contains("ssosim merge"),
        "{}",
        stderr(&out)
    );
    assert_eq!(entries(&dir.path().join("sh")), files);
}

#[test]
fn chart_says_what_it_drew() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args(["--quiet", "--no-charts", "--out", "r"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ssosim(dir.path()).args(["chart", "r"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let drawn: Vec<String> = entries(&dir.path().join("r"))
        .into_iter()
        .filter(|n| !FILES.contains(&n.as_str()))
        .collect();
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("drew {} files in r: ", drawn.len())),
        "{err}"
    );
    for name in &drawn {
        assert!(err.contains(name.as_str()), "{name} in {err}");
    }
    let out = ssosim(dir.path())
        .args(["chart", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nowhere: no such folder"),
        "{}",
        stderr(&out)
    );
}
