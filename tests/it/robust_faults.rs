//! Faults at the library level (issue 9): an output location that cannot be
//! written (under a regular file, read-only, full, a folder in the way) gives
//! an error naming the path and leaves previous results byte for byte as they
//! were, with no staging folder left behind; a shard folder truncated or
//! corrupted anywhere is refused by the merge, naming the file — or, when the
//! change means nothing (white space in JSON), merges to the same bytes.
//!
//! The read-only and full-disk cases mount a small tmpfs when the test runs
//! with the right to (root in a container); without it they fall back to
//! permissions (read-only) or say they were skipped (full).

use ssosim::output::write_run;
use ssosim::report::publish::{PublishError, publish_run};
use ssosim::runner::{Progress, RunOptions, RunResult, run};
use ssosim::scenario::{Scenario, from_str};
use ssosim::shard::manifest::sha256_hex;
use ssosim::shard::{MergeError, write_shard};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SMALL: &str = r#"
name = "small"
[simulation]
users = 40
duration = "2d"
seed = 3
replicas = 2
[authorization_server]
mfa = true
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
[[apps]]
name = "spa"
kind = "spa_implicit"
refresh_tokens = { enabled = true }
[users]
visits_per_day = 8.0
connections = { password = 0.5, facebook = 0.5 }
browser_closes_per_day = 2.0
logout_share = 0.2
"#;

fn scenario(extra: &[&str]) -> Scenario {
    let flags: Vec<_> = extra
        .iter()
        .map(|f| ssosim::scenario::parse_override(f).expect("a flag"))
        .collect();
    from_str(SMALL, "small.toml", &flags).expect("loads")
}

fn simulate(s: &Scenario, shard: Option<(u64, u64)>) -> RunResult {
    let opts = RunOptions {
        threads: 1,
        shard,
        logs: None,
        reference_path: false,
    };
    run(s, &opts, &Progress::default()).expect("runs")
}

/// Every file under `dir` (names relative) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").to_path_buf();
                out.insert(rel, fs::read(&p).expect("readable"));
            }
        }
    }
    out
}

/// Names in `dir` that are staging leftovers.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|it| {
            it.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".staging-") || n.contains(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Mount(at.to_path_buf()))
    }
    fn read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).output();
    }
}

#[test]
fn a_new_run_replaces_every_file_and_keeps_other_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("run");
    let s = scenario(&[]);
    write_run(&out, &s, &[], None, &simulate(&s, None)).expect("first run");
    fs::write(out.join("notes.txt"), "the analyst's").expect("write");
    let s2 = scenario(&["simulation.seed=4"]);
    let files = write_run(&out, &s2, &[], None, &simulate(&s2, None)).expect("second run");
    assert_eq!(files.len(), ssosim::output::RUN_FILES.len());
    assert_eq!(
        fs::read(out.join("notes.txt")).expect("kept"),
        b"the analyst's"
    );
    assert!(
        fs::read_to_string(out.join("scenario.toml"))
            .expect("new")
            .contains("seed = 4")
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// Faults that need no privilege: a path through a regular file, the output
/// folder itself a regular file, a folder where a result file goes.
#[test]
fn unwritable_locations_name_the_path_and_keep_previous_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let s = scenario(&[]);
    let result = simulate(&s, None);
    let file = tmp.path().join("a-file");
    fs::write(&file, "not a folder").expect("write");
    for out in [
        file.join("run"),
        file.join("deeper").join("run"),
        file.clone(),
    ] {
        let e = write_run(&out, &s, &[], None, &result).expect_err("refused");
        assert_eq!(e.path, file, "{e}");
        assert!(e.to_string().contains("is not a folder"), "{e}");
        assert_eq!(fs::read(&file).expect("intact"), b"not a folder");
    }
    // A folder where timeseries.csv goes: refused before any file moves.
    let out = tmp.path().join("run");
    write_run(&out, &s, &[], None, &result).expect("first run");
    let before = snapshot(&out);
    fs::remove_file(out.join("timeseries.csv")).expect("remove");
    fs::create_dir_all(out.join("timeseries.csv").join("x")).expect("mkdir");
    let before_blocked = snapshot(&out);
    let s2 = scenario(&["simulation.seed=9"]);
    let e = write_run(&out, &s2, &[], None, &simulate(&s2, None)).expect_err("refused");
    assert_eq!(e.path, out.join("timeseries.csv"), "{e}");
    assert_eq!(snapshot(&out), before_blocked);
    assert_eq!(
        before_blocked.get(Path::new("summary.csv")),
        before.get(Path::new("summary.csv"))
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// A read-only location: a read-only tmpfs (works for root too), or a folder
/// without write permission when not root.
#[test]
fn a_read_only_location_keeps_previous_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let s = scenario(&[]);
    let result = simulate(&s, None);
    let s2 = scenario(&["simulation.seed=11"]);
    let result2 = simulate(&s2, None);
    let area = tmp.path().join("area");
    let mount = Mount::tmpfs(&area, "4m");
    fs::create_dir_all(&area).expect("mkdir");
    let out = area.join("run");
    write_run(&out, &s, &[], None, &result).expect("first run");
    let before = snapshot(&out);
    let locked = match &mount {
        Some(m) => m.read_only(),
        None => {
            use std::os::unix::fs::PermissionsExt;
            for d in [&area, &out] {
                fs::set_permissions(d, fs::Permissions::from_mode(0o555)).expect("chmod");
            }
            // Root ignores permissions: then this case cannot be made here.
            fs::File::create(out.join("probe")).is_err()
        }
    };
    if !locked {
        eprintln!("skipped: cannot make a read-only location here");
        return;
    }
    for target in [out.clone(), area.join("new-run")] {
        let e = write_run(&target, &s2, &[], None, &result2).expect_err("refused");
        assert!(e.path.starts_with(&area), "{e}");
        assert_eq!(snapshot(&out), before, "previous results changed");
        assert!(!area.join("new-run").exists());
        assert_eq!(leftovers(&area), Vec::<String>::new());
    }
}

/// A full location: the new, larger run does not fit; the previous one stays
/// whole and no staging folder is left.
#[test]
fn a_full_location_keeps_previous_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let area = tmp.path().join("full");
    let Some(_mount) = Mount::tmpfs(&area, "512k") else {
        eprintln!("skipped: cannot mount a small tmpfs here");
        return;
    };
    let s = scenario(&["simulation.replicas=1"]);
    let out = area.join("run");
    write_run(&out, &s, &[], None, &simulate(&s, None)).expect("first run fits");
    let before = snapshot(&out);
    // A minute per sample over two days: megabytes of time series.
    let big = scenario(&["simulation.sample_every=1m"]);
    let e = write_run(&out, &big, &[], None, &simulate(&big, None)).expect_err("disk full");
    assert!(e.path.starts_with(&out), "{e}");
    assert!(e.to_string().to_lowercase().contains("space"), "{e}");
    assert_eq!(snapshot(&out), before, "previous results changed");
    assert_eq!(leftovers(&area), Vec::<String>::new());
    // Space is back for a run that fits.
    let s3 = scenario(&["simulation.seed=5"]);
    write_run(&out, &s3, &[], None, &simulate(&s3, None)).expect("fits again");
}

// ---- shards ------------------------------------------------------------------

/// Two shards of `SMALL` and the unsharded run folder, in `root`.
fn shards(root: &Path) -> (Vec<PathBuf>, PathBuf) {
    let s = scenario(&[]);
    let full = root.join("full");
    write_run(&full, &s, &[], None, &simulate(&s, None)).expect("full run");
    let dirs: Vec<PathBuf> = (0..2)
        .map(|i| {
            let d = root.join(format!("shard-{i}"));
            write_shard(&d, &s, &[], (i, 2), &simulate(&s, Some((i, 2))), None).expect("shard");
            d
        })
        .collect();
    (dirs, full)
}

/// How a merge into a folder ended badly: refused (nothing read is right),
/// or the folder could not be published.
#[derive(Debug)]
enum MergeFault {
    Refused(MergeError),
    Failed(PublishError),
}

impl std::fmt::Display for MergeFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeFault::Refused(e) => e.fmt(f),
            MergeFault::Failed(e) => e.fmt(f),
        }
    }
}

/// `ssosim merge --no-charts` as the library does it: merge, then publish.
fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), MergeFault> {
    let m = ssosim::shard::merge(dirs).map_err(MergeFault::Refused)?;
    publish_run(
        out,
        &m.scenario,
        &m.overrides,
        &m.result,
        false,
        m.log_format,
    )
    .map_err(MergeFault::Failed)?;
    Ok(())
}

const EXACT: [&str; 4] = [
    "summary.csv",
    "timeseries.csv",
    "logins.csv",
    "scenario.toml",
];

/// The merge of `dirs` into a fresh folder: refused naming a file of a shard,
/// or (a change that means nothing) the unsharded bytes.
fn merge_is_refused_or_exact(dirs: &[PathBuf], full: &Path, out: &Path, what: &str) -> bool {
    match merge(dirs, out) {
        Err(e) => {
            let text = e.to_string();
            assert!(matches!(e, MergeFault::Refused(_)), "{what}: {text}");
            assert!(
                dirs.iter().any(|d| text.contains(&d.display().to_string())),
                "{what}: the message names no shard file: {text}"
            );
            assert!(
                !out.exists(),
                "{what}: a refused merge wrote {}",
                out.display()
            );
            true
        }
        Ok(_) => {
            for f in EXACT {
                assert_eq!(
                    fs::read(out.join(f)).ok(),
                    fs::read(full.join(f)).ok(),
                    "{what}: merged {f} differs from the unsharded run"
                );
            }
            false
        }
    }
}

/// Every file of a shard truncated at several lengths, and one byte changed
/// at spread positions of every file: never a panic, never a wrong result.
#[test]
fn truncated_or_corrupted_shards_are_refused_naming_the_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (dirs, full) = shards(tmp.path());
    let pristine: Vec<_> = dirs.iter().map(|d| snapshot(d)).collect();
    let restore = || {
        for (d, files) in dirs.iter().zip(&pristine) {
            for (name, bytes) in files {
                fs::write(d.join(name), bytes).expect("restore");
            }
        }
    };
    assert!(!merge_is_refused_or_exact(
        &dirs,
        &full,
        &tmp.path().join("ok"),
        "intact"
    ));
    let (mut tried, mut refused) = (0, 0);
    for (k, (d, files)) in dirs.iter().zip(&pristine).enumerate() {
        for (name, bytes) in files {
            let path = d.join(name);
            let len = bytes.len();
            let mut cuts = vec![0, 1, len / 3, len / 2, len - 1];
            cuts.dedup();
            for cut in cuts {
                fs::write(&path, &bytes[..cut]).expect("truncate");
                let out = tmp.path().join(format!("t-{k}-{}-{cut}", name.display()));
                let what = format!("{} cut at {cut} of {len}", path.display());
                let was_refused = merge_is_refused_or_exact(&dirs, &full, &out, &what);
                // Only a cut of trailing white space (the final newline) may merge.
                let harmless = bytes[cut..].iter().all(u8::is_ascii_whitespace);
                assert!(was_refused || harmless, "{what}: accepted");
                if !was_refused {
                    eprintln!("merged exactly: {what}");
                }
                tried += 1;
                refused += usize::from(was_refused);
                restore();
            }
            for step in 0..24 {
                let at = (len - 1) * step / 23;
                let mut b = bytes.clone();
                b[at] = match b[at] {
                    b'0'..=b'8' => b[at] + 1,
                    b'9' => b'0',
                    b'"' => b'x',
                    b'{' | b'[' => b' ',
                    _ => b'#',
                };
                fs::write(&path, &b).expect("corrupt");
                let out = tmp.path().join(format!("c-{k}-{}-{at}", name.display()));
                let what = format!("{} byte {at} changed", path.display());
                let was_refused = merge_is_refused_or_exact(&dirs, &full, &out, &what);
                if !was_refused {
                    let around = &bytes[at.saturating_sub(24)..(at + 4).min(len)];
                    let around = String::from_utf8_lossy(around);
                    eprintln!("merged exactly: {what}, in {around:?}");
                }
                refused += usize::from(was_refused);
                tried += 1;
                restore();
            }
        }
    }
    eprintln!("{tried} damaged shard folders tried, {refused} refused, the rest merged exactly");
    assert!(refused * 10 >= tried * 8, "{refused} of {tried}");
}

/// Rewrites `raw` with `edit` applied and its manifest entry updated, as a
/// tool (or an attacker) that knows the format would.
fn rewrite(dir: &Path, raw: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(raw);
    let mut v: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).expect("raw")).expect("json");
    edit(&mut v);
    let bytes = serde_json::to_vec(&v).expect("json");
    fs::write(&path, &bytes).expect("write");
    let mpath = dir.join("shard.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&fs::read(&mpath).expect("manifest")).expect("json");
    let index: usize = raw
        .trim_start_matches("replica-")
        .trim_end_matches(".json")
        .parse()
        .expect("index");
    m["files"][index]["bytes"] = bytes.len().into();
    m["files"][index]["sha256"] = sha256_hex(&bytes).into();
    fs::write(&mpath, serde_json::to_vec(&m).expect("json")).expect("write");
}

/// Numbers changed with the hash made to match: the invariants refuse what
/// the hash cannot, and sums that would overflow are refused, not wrapped.
#[test]
fn consistent_looking_but_wrong_numbers_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 5] = [
        (
            "one more session created",
            |v| {
                let x = v["tier"][0].as_u64().expect("n");
                v["tier"][0] = (x + 1).into();
            },
            "invariant",
        ),
        (
            "a protected visit undecided",
            |v| {
                let x = v["app"][2].as_u64().expect("n");
                v["app"][2] = (x + 1).into();
            },
            "protected_visits",
        ),
        (
            "a negative valid-session count",
            |v| {
                v["series_sessions"][1] = (-1_000_000).into();
            },
            "valid sessions",
        ),
        (
            "engine events at u64::MAX",
            |v| {
                v["events"] = u64::MAX.into();
            },
            "overflows",
        ),
        (
            "a logins row twice",
            |v| {
                let rows = v["logins"].as_array_mut().expect("rows");
                let first = rows[0].clone();
                rows.push(first);
            },
            "appears twice",
        ),
    ];
    for (k, (what, edit, needle)) in cases.into_iter().enumerate() {
        let (dirs, _) = shards(&tmp.path().join(format!("case-{k}")));
        rewrite(&dirs[1], "replica-0.json", edit);
        if needle == "overflows" {
            rewrite(&dirs[0], "replica-0.json", edit);
        }
        let out = tmp.path().join(format!("out-{k}"));
        let e = merge(&dirs, &out).expect_err(what);
        let text = e.to_string();
        assert!(
            matches!(e, MergeFault::Refused(MergeError::Damaged { .. })),
            "{what}: {text}"
        );
        assert!(
            text.contains("replica-0.json") && text.contains(needle),
            "{what}: {text}"
        );
        assert!(!out.exists());
    }
}

/// A merge whose output cannot be written fails naming the path, and a
/// previous merged folder stays whole.
#[test]
fn a_merge_that_cannot_write_keeps_previous_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (dirs, _) = shards(tmp.path());
    let out = tmp.path().join("merged");
    merge(&dirs, &out).expect("merges");
    let before = snapshot(&out);
    fs::remove_file(out.join("logins.csv")).expect("remove");
    fs::create_dir_all(out.join("logins.csv").join("x")).expect("mkdir");
    let blocked = snapshot(&out);
    let e = merge(&dirs, &out).expect_err("blocked");
    assert!(matches!(e, MergeFault::Failed(_)), "{e}");
    assert!(
        e.to_string()
            .contains(&out.join("logins.csv").display().to_string()),
        "{e}"
    );
    assert_eq!(snapshot(&out), blocked);
    assert_eq!(
        blocked.get(Path::new("summary.csv")),
        before.get(Path::new("summary.csv"))
    );
    let file = tmp.path().join("plain");
    fs::write(&file, "x").expect("write");
    let e = merge(&dirs, &file.join("merged")).expect_err("under a file");
    assert!(e.to_string().contains(&file.display().to_string()), "{e}");
}
