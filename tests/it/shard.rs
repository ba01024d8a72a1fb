//! Shards and their merge (design §11), through the real binary: every shard
//! is its own process, started all at once, and the merge must give the bytes
//! of the unsharded run; a merge of shards that do not belong together, or of
//! a damaged shard, is refused (exit 2), names the folder or file, and writes
//! nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ssosim"))
}

fn storezero() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/storezero.toml")
}

/// Three apps (one `spa_implicit`), two IdPs, MFA, session-only AS cookie.
const MULTI_APP: &str = r#"
name = "multi"
[simulation]
users = 250
duration = "4d"
seed = 7
sample_every = "2h"
[network]
latency = "30ms"
[authorization_server]
cookie = "non_persistent"
idle_timeout = "1d"
absolute_timeout = "3d"
mfa = true
[identity_providers.facebook]
idle_timeout = "10d"
absolute_timeout = "20d"
[identity_providers.google]
idle_timeout = "2d"
absolute_timeout = "5d"
cookie = "non_persistent"
[[apps]]
name = "shop"
kind = "regular_web"
visit_share = 0.5
[[apps]]
name = "spa"
kind = "spa_implicit"
token_lifetime = "5m"
visit_share = 0.3
[[apps]]
name = "mobile"
kind = "native"
visit_share = 0.2
[users]
visits_per_day = 6.0
protected_share = 0.6
connections = { password = 0.5, facebook = 0.3, google = 0.2 }
browser_closes_per_day = 2.0
logout_share = 0.1
federated_logout_share = 0.5
password_resets_per_year = 20.0
third_party_cookies_blocked = 0.4
visit_length = "20m"
"#;

/// A scenario file and the `--set` flags that make it small.
struct Case {
    file: PathBuf,
    sets: Vec<String>,
}

impl Case {
    fn storezero(replicas: u32) -> Case {
        Case {
            file: storezero(),
            sets: vec![
                "simulation.users=300".into(),
                "simulation.duration=5d".into(),
                "simulation.warmup=2d".into(),
                format!("simulation.replicas={replicas}"),
            ],
        }
    }

    fn multi(dir: &Path, replicas: u32) -> Case {
        let file = dir.join("multi.toml");
        fs::write(&file, MULTI_APP).unwrap();
        Case {
            file,
            sets: vec![format!("simulation.replicas={replicas}")],
        }
    }

    /// `ssosim run FILE --set ... --threads 1 --quiet --out OUT [extra]`.
    fn run(&self, out: &Path, extra: &[&str]) -> Command {
        let mut c = bin();
        c.arg("run").arg(&self.file);
        for s in &self.sets {
            c.arg("--set").arg(s);
        }
        c.args(["--threads", "1", "--quiet", "--out"]).arg(out);
        c.args(extra);
        c
    }
}

fn ok(out: Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs shards `0..n` as concurrent processes (all started, then waited for),
/// into `root/shard-i`; returns the folders.
fn run_shards(case: &Case, root: &Path, n: u64) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = (0..n).map(|i| root.join(format!("shard-{i}"))).collect();
    let children: Vec<_> = (0..n)
        .map(|i| {
            let spec = format!("{i}/{n}");
            case.run(&dirs[i as usize], &["--shard", &spec])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        ok(child.wait_with_output().unwrap(), &format!("shard {i}/{n}"));
    }
    dirs
}

fn merge(dirs: &[PathBuf], out: &Path) -> Output {
    bin()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap()
}

fn assert_same_run(full: &Path, merged: &Path, label: &str) {
    let exact = ssosim::output::RUN_FILES
        .into_iter()
        .filter(|f| *f != ssosim::output::RUN_JSON);
    for f in exact {
        let a = fs::read(full.join(f)).unwrap();
        let b = fs::read(merged.join(f)).unwrap();
        assert!(a == b, "{label}: {f} differs between unsharded and merged");
    }
    // Charts and report too: every file but run.json (wall-clock figures).
    let mut names: Vec<_> = fs::read_dir(full)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(
        names.iter().any(|n| n == "report.html"),
        "{label}: charts drawn"
    );
    for name in names.iter().filter(|n| *n != "run.json") {
        let (a, b) = (
            fs::read(full.join(name)).unwrap(),
            fs::read(merged.join(name)),
        );
        assert!(
            b.is_ok_and(|b| a == b),
            "{label}: {name:?} differs between unsharded and merged"
        );
    }
    let json = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&fs::read(p.join("run.json")).unwrap()).unwrap()
    };
    let (a, b) = (json(full), json(merged));
    for k in [
        "scenario",
        "scenario_sha256",
        "seed",
        "replicas",
        "users",
        "duration_ms",
        "warmup_ms",
        "events_processed",
        "overrides",
        "shard",
    ] {
        assert_eq!(a[k], b[k], "{label}: run.json {k}");
    }
}

/// Runs `case` unsharded, then in `n` shards for each `n` of `counts`, and
/// checks that every merge gives the unsharded bytes. Storezero goes through
/// one shard, an even and an odd split and more shards than cores; the other
/// cases (replicas, several apps, the browser mix) through one or two counts.
fn check_exact(case: &Case, tmp: &Path, label: &str, counts: &[u64]) {
    let full = tmp.join("full");
    ok(case.run(&full, &[]).output().unwrap(), "unsharded run");
    for &n in counts {
        let root = tmp.join(format!("n{n}"));
        let mut dirs = run_shards(case, &root, n);
        // Any order of folders gives the same bytes.
        dirs.reverse();
        let merged = root.join("merged");
        ok(merge(&dirs, &merged), &format!("{label}: merge of {n}"));
        assert_same_run(&full, &merged, &format!("{label}, N = {n}"));
    }
}

#[test]
fn storezero_shards_merge_to_the_unsharded_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    check_exact(&Case::storezero(1), tmp.path(), "storezero", &[1, 2, 3, 7]);
}

#[test]
fn storezero_with_two_replicas_merges_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    check_exact(&Case::storezero(2), tmp.path(), "storezero x2", &[3]);
}

#[test]
fn multi_app_spa_implicit_shards_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    check_exact(&Case::multi(tmp.path(), 1), tmp.path(), "multi", &[2, 7]);
    // The exposure sums (raw format version 5) are among the bytes compared:
    // this tenant's session-only AS cookie and browser closes give orphans.
    let summary = fs::read_to_string(tmp.path().join("full/summary.csv")).unwrap();
    for metric in [
        "valid_session_hours_per_user_day",
        "orphaned_session_hours_per_user_day",
        "valid_session_age_hours_p95",
        "valid_session_share_older_1d",
    ] {
        let v = crate::support::cli::metric(&summary, metric, "as");
        assert!(v > 0.0, "{metric} = {v}");
    }
}

/// The bundled browser mix, with private windows and SPA tokens in local
/// storage (Safari purges them): shards merge into the unsharded bytes.
#[test]
fn browser_mix_shards_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case {
        file: Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/browsers.toml"),
        sets: [
            "simulation.users=200",
            "simulation.duration=5d",
            "simulation.warmup=10d",
            "simulation.replicas=2",
            "users.private_browsing_share=0.2",
            "apps.0.token_cache=local_storage",
        ]
        .map(String::from)
        .to_vec(),
    };
    check_exact(&case, tmp.path(), "browsers", &[2]);
}

#[test]
fn multi_app_with_two_replicas_merges_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    check_exact(&Case::multi(tmp.path(), 2), tmp.path(), "multi x2", &[3]);
}

#[test]
fn more_shards_than_users_leaves_some_empty_and_still_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = Case {
        file: storezero(),
        sets: vec!["simulation.users=5".into(), "simulation.duration=2d".into()],
    };
    let full = t.join("full");
    ok(case.run(&full, &[]).output().unwrap(), "unsharded");
    let dirs = run_shards(&case, t, 7);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dirs[6].join("shard.json")).unwrap()).unwrap();
    assert_eq!(m["users_simulated"], 0);
    ok(merge(&dirs, &t.join("merged")), "merge");
    assert_same_run(&full, &t.join("merged"), "5 users in 7 shards");
}

#[test]
fn the_shard_folder_holds_raw_results_scenario_and_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::storezero(2);
    let dirs = run_shards(&case, tmp.path(), 3);
    let mut names: Vec<String> = fs::read_dir(&dirs[1])
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "replica-0.json",
            "replica-1.json",
            "scenario.toml",
            "shard.json"
        ]
    );
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dirs[1].join("shard.json")).unwrap()).unwrap();
    assert_eq!(m["format"], "ssosim-shard");
    assert_eq!(m["format_version"], ssosim::shard::raw::FORMAT_VERSION);
    assert_eq!(m["shard_index"], 1);
    assert_eq!(m["shard_count"], 3);
    assert_eq!(m["users"], 300);
    assert_eq!(m["users_simulated"], 100);
    assert_eq!(m["replicas"], 2);
    assert_eq!(m["seed"], 42);
    // No float anywhere in the raw results.
    let raw: serde_json::Value =
        serde_json::from_slice(&fs::read(dirs[1].join("replica-1.json")).unwrap()).unwrap();
    assert_eq!(raw["format"], "ssosim-raw");
    assert_eq!(raw["replica"], 1);
    fn integers_only(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => n.is_u64() || n.is_i64(),
            serde_json::Value::Array(a) => a.iter().all(integers_only),
            serde_json::Value::Object(o) => o.values().all(integers_only),
            _ => true,
        }
    }
    assert!(integers_only(&raw));
}

/// Runs a merge that must be refused: exit 2, one `error:` message containing
/// each of `needles`, no panic, nothing written.
fn refused(dirs: &[PathBuf], tmp: &Path, needles: &[&str]) {
    let out = tmp.join("refused-out");
    let o = merge(dirs, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = Case::storezero(1);
    let dirs = run_shards(&case, &t.join("a"), 3);

    // A missing shard.
    refused(&dirs[..2], t, &["shard 2/3 is missing"]);
    refused(&dirs[1..2], t, &["shards 0/3, 2/3 are missing"]);
    // A duplicate shard.
    let dup = vec![dirs[0].clone(), dirs[1].clone(), dirs[1].clone()];
    refused(&dup, t, &["shard 1/3 is given twice", &shown(&dirs[1])]);
    // A copy of a shard under another name is still a duplicate.
    let copy = t.join("copy");
    fs::create_dir(&copy).unwrap();
    for e in fs::read_dir(&dirs[2]).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let with_copy = vec![dirs[0].clone(), dirs[2].clone(), copy.clone()];
    refused(&with_copy, t, &["shard 2/3 is given twice", &shown(&copy)]);

    // A shard of another seed.
    let seed = Case {
        sets: [case.sets.clone(), vec!["simulation.seed=43".into()]].concat(),
        file: case.file.clone(),
    };
    let other = t.join("seed43");
    ok(
        seed.run(&other, &["--shard", "1/3"]).output().unwrap(),
        "seed 43",
    );
    let mixed = vec![dirs[0].clone(), other.clone(), dirs[2].clone()];
    refused(
        &mixed,
        t,
        &[&shown(&other), "seed is 43, but 42 in", &shown(&dirs[0])],
    );

    // A shard of another scenario (same seed, users and N).
    let scen = Case {
        sets: [
            case.sets.clone(),
            vec!["authorization_server.idle_timeout=1d".into()],
        ]
        .concat(),
        file: case.file.clone(),
    };
    let other = t.join("idle1d");
    ok(
        scen.run(&other, &["--shard", "2/3"]).output().unwrap(),
        "idle 1d",
    );
    let mixed = vec![dirs[0].clone(), dirs[1].clone(), other.clone()];
    refused(&mixed, t, &[&shown(&other), "scenario_sha256 is"]);

    // Shards of another N.
    let other_n = run_shards(&case, &t.join("n2"), 2);
    let mixed = vec![dirs[0].clone(), dirs[1].clone(), other_n[1].clone()];
    refused(
        &mixed,
        t,
        &[&shown(&other_n[1]), "shard_count (N) is 2, but 3"],
    );

    // A folder that is not a shard, and one that does not exist.
    let full = t.join("full");
    ok(case.run(&full, &[]).output().unwrap(), "unsharded");
    refused(
        std::slice::from_ref(&full),
        t,
        &[&shown(&full), "no shard.json"],
    );
    refused(&[t.join("nowhere")], t, &["nowhere: no such folder"]);

    // The intact shards still merge.
    ok(merge(&dirs, &t.join("merged")), "intact merge");
    assert_same_run(&full, &t.join("merged"), "intact");
}

#[test]
fn merge_refuses_damaged_shards_and_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let case = Case::multi(t, 2);
    let fresh = |name: &str| run_shards(&case, &t.join(name), 2);

    // A truncated raw file.
    let dirs = fresh("truncated");
    let raw = dirs[1].join("replica-1.json");
    let bytes = fs::read(&raw).unwrap();
    fs::write(&raw, &bytes[..bytes.len() / 2]).unwrap();
    refused(&dirs, t, &[&shown(&raw), "damaged", "truncated or altered"]);

    // One digit changed, same length.
    let dirs = fresh("altered");
    let raw = dirs[0].join("replica-0.json");
    let mut bytes = fs::read(&raw).unwrap();
    let at = bytes
        .iter()
        .rposition(|b| b.is_ascii_digit() && *b != b'9')
        .unwrap();
    bytes[at] += 1;
    fs::write(&raw, &bytes).unwrap();
    refused(&dirs, t, &[&shown(&raw), "truncated or altered"]);

    // A raw file made consistent with its manifest but of the wrong shape.
    let dirs = fresh("reshaped");
    let raw = dirs[1].join("replica-0.json");
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&raw).unwrap()).unwrap();
    v["tier"].as_array_mut().unwrap().pop();
    let bytes = serde_json::to_vec(&v).unwrap();
    fs::write(&raw, &bytes).unwrap();
    let mpath = dirs[1].join("shard.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&mpath).unwrap()).unwrap();
    m["files"][0]["bytes"] = bytes.len().into();
    m["files"][0]["sha256"] = ssosim::shard::manifest::sha256_hex(&bytes).into();
    fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    refused(&dirs, t, &[&shown(&raw), "tier:"]);

    // A missing raw file.
    let dirs = fresh("missing-raw");
    let raw = dirs[0].join("replica-1.json");
    fs::remove_file(&raw).unwrap();
    refused(&dirs, t, &[&shown(&raw), "cannot read"]);

    // A truncated manifest.
    let dirs = fresh("manifest");
    let mpath = dirs[1].join("shard.json");
    let bytes = fs::read(&mpath).unwrap();
    fs::write(&mpath, &bytes[..bytes.len() - 40]).unwrap();
    refused(&dirs, t, &[&shown(&mpath), "damaged"]);

    // An edited scenario.toml.
    let dirs = fresh("scenario");
    let spath = dirs[0].join("scenario.toml");
    let text = fs::read_to_string(&spath).unwrap();
    fs::write(&spath, text.replace("seed = 7", "seed = 8")).unwrap();
    refused(&dirs, t, &[&shown(&spath), "scenario_sha256"]);

    // Another ssosim version.
    let dirs = fresh("version");
    let mpath = dirs[0].join("shard.json");
    let text = fs::read_to_string(&mpath).unwrap();
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    fs::write(&mpath, text.replace(&version, "\"0.0.0-other\"")).unwrap();
    refused(&dirs, t, &[&shown(&dirs[0]), "ssosim 0.0.0-other"]);
}

#[test]
fn a_bad_shard_flag_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::storezero(1);
    for bad in ["3/3", "1", "0/0", "-1/2", "a/2", "1/2/3", ""] {
        let out = tmp.path().join("never");
        let flag = format!("--shard={bad}");
        let o = case.run(&out, &[&flag]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(err.starts_with("error: --shard: "), "{bad}: {err}");
        assert!(err.contains("accepted: I/N with 0 ≤ I < N"), "{bad}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn merge_without_folders_is_a_usage_error() {
    let o = bin().args(["merge", "--out", "x"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}
