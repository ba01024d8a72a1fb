//! Faults of the command line itself, through the real binary: SIGTERM and
//! Ctrl-C mid-run, symbolic links in and around `--out`, the size estimate and
//! `--force`, unwritable locations. Each case checks the exit status, the
//! message, that nothing was lost or written through a link, that no staging
//! folder is left, and that nothing panicked.

use crate::support::cli::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// Big enough to run for seconds, so a signal after 0.5 s lands mid-run.
const LONG: [&str; 2] = ["--set", "simulation.users=2000000"];

/// Flags of a small, fast run without charts.
const FAST: [&str; 6] = [
    "--set",
    "simulation.users=200",
    "--set",
    "simulation.duration=7d",
    "--quiet",
    "--no-charts",
];

/// Runs storezero small into `out` (relative to `cwd`) with `extra` flags.
fn run(cwd: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let out = ssosim(cwd)
        .arg("run")
        .arg(bundled("storezero"))
        .args(FAST)
        .args(["--out", out])
        .args(extra)
        .output()
        .unwrap();
    no_panic(&out);
    out
}

/// Names in `dir` that look like a staging folder.
fn staging(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.contains(".partial-") || n.contains(".staging-"))
        .collect()
}

fn is_link(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

// ---------------------------------------------------------------- signals

/// A run interrupted by SIGTERM, SIGINT or two signals in a row, into a new
/// folder, exits 130 and creates nothing: no folder, no staging folder, the
/// other entries of the location untouched. (`atomic.rs` covers a folder that
/// held a previous run.)
#[test]
fn an_interrupted_run_creates_no_folder_and_no_staging() {
    let dir = tmp();
    write(dir.path(), "notes.txt", "the analyst's notes");
    let scenario = bundled("storezero");
    let sc = scenario.display().to_string();
    for signals in [
        &["-TERM"][..],
        &["-INT"],
        &["-TERM", "-TERM"],
        &["-INT", "-TERM"],
    ] {
        let mut args = vec![
            "run",
            sc.as_str(),
            "--out",
            "runs/new",
            "--quiet",
            "--no-charts",
        ];
        args.extend(LONG);
        let out = interrupted(dir.path(), &args, signals);
        no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(130),
            "{signals:?}: {}",
            stderr(&out)
        );
        if signals.len() == 1 {
            assert!(
                stderr(&out).contains("error: interrupted; nothing was written"),
                "{}",
                stderr(&out)
            );
        }
        assert!(!dir.path().join("runs/new").exists(), "{signals:?}");
        assert!(staging(dir.path()).is_empty());
        assert!(staging(&dir.path().join("runs")).is_empty());
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "the analyst's notes"
        );
    }
}

/// SIGTERM into a folder reached through a symbolic link: the previous
/// results in the link's target stay byte for byte, the link stays a link.
#[test]
fn an_interrupted_run_through_a_symlink_keeps_previous_results() {
    let dir = tmp();
    fs::create_dir(dir.path().join("real")).unwrap();
    symlink("real", dir.path().join("link")).unwrap();
    assert!(run(dir.path(), "link", &[]).status.success());
    let before = snapshot(&dir.path().join("real"));
    assert_eq!(before.len(), ssosim::output::RUN_FILES.len());
    let scenario = bundled("storezero");
    let sc = scenario.display().to_string();
    let mut args = vec![
        "run",
        sc.as_str(),
        "--out",
        "link",
        "--quiet",
        "--no-charts",
    ];
    args.extend(LONG);
    let out = interrupted(dir.path(), &args, &["-TERM"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.path().join("real")), before);
    assert!(is_link(&dir.path().join("link")));
    assert_eq!(entries(dir.path()), ["link", "real"]);
}

/// An interrupted sweep exits 130 and, before its first point finished, leaves
/// no sweep folder and no `sweep.csv`.
#[test]
fn an_interrupted_sweep_writes_no_sweep_csv() {
    let dir = tmp();
    let scenario = bundled("storezero");
    let sc = scenario.display().to_string();
    let args = [
        "sweep",
        sc.as_str(),
        "--vary",
        "simulation.users=2000000,3000000",
        "--out",
        "sw",
        "--quiet",
    ];
    let out = interrupted(dir.path(), &args, &["-TERM"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("sweep.csv was not written"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("sw/sweep.csv").exists());
    assert!(
        entries(dir.path()).iter().all(|n| n == "sw"),
        "{:?}",
        entries(dir.path())
    );
    assert!(entries(&dir.path().join("sw")).is_empty());
}

// ---------------------------------------------------------------- symlinks

/// `--out` a symbolic link to a folder: the results land in that folder, a
/// rerun replaces them there, the link stays a link, no staging is left.
#[test]
fn a_symlinked_out_writes_into_its_target() {
    let dir = tmp();
    fs::create_dir(dir.path().join("real")).unwrap();
    symlink("real", dir.path().join("link")).unwrap();
    assert!(run(dir.path(), "link", &[]).status.success());
    let first = snapshot(&dir.path().join("real"));
    assert_eq!(
        first.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [
            "distributions.csv",
            "load.csv",
            "logins.csv",
            "replicas.csv",
            "run.json",
            "scenario.toml",
            "segments.csv",
            "summary.csv",
            "timeseries.csv"
        ]
    );
    let out = run(dir.path(), "link", &["--set", "simulation.seed=7"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(snapshot(&dir.path().join("real")), first);
    assert!(is_link(&dir.path().join("link")));
    assert_eq!(entries(dir.path()), ["link", "real"]);
}

/// `--out` a link to a folder on another file system (`/dev/shm`): the files
/// are staged beside the real folder, so the renames do not cross file
/// systems. This used to fail with "Invalid cross-device link".
#[test]
fn a_symlinked_out_on_another_file_system_works() {
    use std::os::unix::fs::MetadataExt;
    let dir = tmp();
    let Ok(other) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("skipped: no /dev/shm");
        return;
    };
    let dev = |p: &Path| fs::metadata(p).unwrap().dev();
    if dev(dir.path()) == dev(other.path()) {
        eprintln!("skipped: /dev/shm is on the same file system as the temporary folder");
        return;
    }
    symlink(other.path(), dir.path().join("link")).unwrap();
    let out = run(dir.path(), "link", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        snapshot(other.path()).len(),
        ssosim::output::RUN_FILES.len()
    );
    assert_eq!(entries(dir.path()), ["link"]);
}

/// A link that leads nowhere, as `--out` or as a folder on its way, is
/// refused with status 1 naming the link and its target; nothing is created
/// at the target or beside the link.
#[test]
fn a_dangling_symlink_out_is_refused_naming_it() {
    let dir = tmp();
    symlink("nowhere", dir.path().join("dangling")).unwrap();
    for out_arg in ["dangling", "dangling/run"] {
        let out = run(dir.path(), out_arg, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            stderr(&out).trim(),
            format!(
                "error: cannot write results to {out_arg}: dangling is a symbolic link to nowhere, which does not exist; create that folder or remove the link; choose a writable --out folder"
            )
        );
        assert_eq!(entries(dir.path()), ["dangling"]);
    }
}

/// `--out` a link to a regular file is refused like the file itself.
#[test]
fn a_symlink_to_a_file_as_out_is_refused() {
    let dir = tmp();
    write(dir.path(), "file", "keep me");
    symlink("file", dir.path().join("link")).unwrap();
    let out = run(dir.path(), "link", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: cannot write results to link: "));
    assert!(stderr(&out).contains("exists and is not a folder"));
    assert_eq!(
        fs::read_to_string(dir.path().join("file")).unwrap(),
        "keep me"
    );
    assert_eq!(entries(dir.path()), ["file", "link"]);
}

/// Links inside the output folder where result files go — to a file outside,
/// to a folder, to nothing — are replaced by the new files, never written
/// through: what they pointed to is untouched.
#[test]
fn links_where_result_files_go_are_replaced_not_followed() {
    let dir = tmp();
    assert!(run(dir.path(), "out", &[]).status.success());
    let fresh = snapshot(&dir.path().join("out"));
    write(dir.path(), "outside.txt", "secret");
    fs::create_dir(dir.path().join("elsewhere")).unwrap();
    write(&dir.path().join("elsewhere"), "keep", "kept");
    let out_dir = dir.path().join("out");
    let targets: [(&str, PathBuf); 4] = [
        ("summary.csv", dir.path().join("outside.txt")),
        ("run.json", PathBuf::from("../outside.txt")),
        ("logins.csv", dir.path().join("elsewhere")),
        ("timeseries.csv", PathBuf::from("nowhere")),
    ];
    for (name, target) in &targets {
        fs::remove_file(out_dir.join(name)).unwrap();
        symlink(target, out_dir.join(name)).unwrap();
    }
    let out = run(dir.path(), "out", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("outside.txt")).unwrap(),
        "secret"
    );
    assert_eq!(entries(&dir.path().join("elsewhere")), ["keep"]);
    assert!(!out_dir.join("nowhere").exists());
    for (name, _) in &targets {
        assert!(!is_link(&out_dir.join(name)), "{name} is still a link");
    }
    // The same run: the same bytes, but for run.json's wall-clock figures.
    let after = snapshot(&out_dir);
    for ((n1, b1), (n2, b2)) in fresh.iter().zip(&after) {
        assert_eq!(n1, n2);
        if n1 != "run.json" {
            assert_eq!(b1, b2, "{n1}");
        }
    }
    assert_eq!(entries(dir.path()), ["elsewhere", "out", "outside.txt"]);
}

/// A folder where a result file goes refuses the run before any file moves
/// (it used to stop the renames half-way, leaving a new summary.csv beside
/// the old files), naming it; previous results stay byte for byte.
#[test]
fn a_folder_where_a_result_file_goes_keeps_every_previous_file() {
    let dir = tmp();
    assert!(run(dir.path(), "out", &[]).status.success());
    let out_dir = dir.path().join("out");
    for blocker in ["timeseries.csv", "summary.csv", "logins.csv"] {
        let saved = fs::read(out_dir.join(blocker)).unwrap();
        fs::remove_file(out_dir.join(blocker)).unwrap();
        fs::create_dir(out_dir.join(blocker)).unwrap();
        let before = snapshot(&out_dir);
        let out = run(dir.path(), "out", &["--set", "simulation.seed=7"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            stderr(&out).trim(),
            format!(
                "error: cannot write results to out: out/{blocker}: is a folder where a result file goes; move it away; choose a writable --out folder"
            )
        );
        assert_eq!(snapshot(&out_dir), before, "{blocker}");
        assert_eq!(entries(dir.path()), ["out"]);
        fs::remove_dir(out_dir.join(blocker)).unwrap();
        fs::write(out_dir.join(blocker), saved).unwrap();
    }
}

// ---------------------------------------------------------------- --force

/// A scenario estimated above 10^11 events: `run` and `sweep` refuse it with
/// status 2, naming the estimate and `--force`, and write nothing; `check`
/// shows it with a warning and succeeds; `run --force` starts it (stopped
/// here by SIGTERM: status 130, nothing written).
#[test]
fn a_run_above_the_estimate_limit_needs_force() {
    let dir = tmp();
    let scenario = bundled("storezero");
    let sc = scenario.display().to_string();
    let huge = [
        "--set",
        "simulation.users=1000000000",
        "--set",
        "users.visits_per_day=1000",
        "--set",
        "simulation.duration=1d",
    ];
    let expect = |out: &std::process::Output| {
        no_panic(out);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
        let err = stderr(out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("events (estimate"), "{err}");
        assert!(err.contains("more than 1e11 without --force"), "{err}");
        assert!(err.contains("or pass --force"), "{err}");
        assert!(stdout(out).is_empty());
    };
    let out = ssosim(dir.path())
        .arg("run")
        .arg(&scenario)
        .args(huge)
        .args(["--out", "big"])
        .output()
        .unwrap();
    expect(&out);
    let out = ssosim(dir.path())
        .arg("sweep")
        .arg(&scenario)
        .args(huge)
        .args(["--vary", "simulation.seed=1,2", "--out", "sw"])
        .output()
        .unwrap();
    expect(&out);
    assert!(entries(dir.path()).is_empty());

    let out = ssosim(dir.path())
        .arg("check")
        .arg(&scenario)
        .args(huge)
        .output()
        .unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  warning: simulation: the run would simulate about"),
        "{text}"
    );
    assert!(text.contains("or pass --force"), "{text}");

    let mut args = vec!["run", sc.as_str(), "--force", "--quiet", "--out", "big"];
    args.extend(huge);
    let out = interrupted(dir.path(), &args, &["-TERM"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(entries(dir.path()).is_empty());
}

// ---------------------------------------------------------------- unwritable

/// Locations that cannot be written even by root (`/proc`), and a read-only
/// folder (when not root): status 1, the message names the `--out` given,
/// previous results stay, no staging is left.
#[test]
fn unwritable_locations_are_status_1_and_keep_previous_results() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    if Path::new("/proc/self").exists() {
        for out_arg in ["/proc/ssosim-test", "/proc/self/ssosim-test/run"] {
            let out = run(dir.path(), out_arg, &[]);
            assert_eq!(out.status.code(), Some(1), "{out_arg}: {}", stderr(&out));
            assert!(
                stderr(&out).starts_with(&format!("error: cannot write results to {out_arg}: ")),
                "{}",
                stderr(&out)
            );
            assert!(
                stderr(&out)
                    .trim_end()
                    .ends_with("; choose a writable --out folder")
            );
        }
    }
    assert!(run(dir.path(), "out", &[]).status.success());
    let before = snapshot(&dir.path().join("out"));
    let out_dir = dir.path().join("out");
    fs::set_permissions(&out_dir, fs::Permissions::from_mode(0o555)).unwrap();
    let root = fs::write(out_dir.join("probe"), "").is_ok();
    if root {
        let _ = fs::remove_file(out_dir.join("probe"));
        eprintln!("skipped the read-only folder: running as root");
    } else {
        let out = run(dir.path(), "out", &["--set", "simulation.seed=7"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).starts_with("error: cannot write results to out: "));
        assert_eq!(snapshot(&out_dir), before);
        assert_eq!(entries(dir.path()), ["out"]);
    }
    fs::set_permissions(&out_dir, fs::Permissions::from_mode(0o755)).unwrap();
}
