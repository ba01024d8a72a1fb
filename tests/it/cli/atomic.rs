//! A failed or interrupted run leaves the previous results intact, and an
//! unwritable `--out` is a clear error with status 1, not a panic.

use crate::support::cli::*;

/// Runs storezero small into `dir/out` and returns the folder's bytes.
fn first_run(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let out = ssosim(dir)
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args(["--quiet", "--out", "out"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let snap = snapshot(&dir.join("out"));
    // The eight data files, each chart in PNG and SVG, and the report.
    assert_eq!(
        snap.len(),
        ssosim::output::RUN_FILES.len() + 2 * ssosim::report::RUN_CHART_STEMS.len() + 1
    );
    snap
}

#[test]
fn a_refused_run_leaves_previous_results() {
    let dir = tmp();
    let before = first_run(dir.path());
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(["--quiet", "--out", "out", "--set", "simulation.users=0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

#[test]
fn an_unwritable_out_is_status_1_with_a_clear_message() {
    let dir = tmp();
    write(dir.path(), "file", "not a folder");
    for (out_arg, message) in [
        (
            "file/run",
            "error: cannot write results to file/run: file exists and is not a folder; choose a writable --out folder",
        ),
        (
            "file",
            "error: cannot write results to file: file exists and is not a folder; choose a writable --out folder",
        ),
    ] {
        let out = ssosim(dir.path())
            .arg("run")
            .arg(bundled("storezero"))
            .args(SMALL)
            .args(["--quiet", "--out", out_arg])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stderr(&out).trim(), message);
    }
    assert_eq!(entries(dir.path()), ["file"]);
}

#[test]
fn a_rerun_replaces_every_file_and_leaves_no_staging_folder() {
    let dir = tmp();
    let before = first_run(dir.path());
    let out = ssosim(dir.path())
        .arg("run")
        .arg(bundled("storezero"))
        .args(SMALL)
        .args(["--quiet", "--out", "out", "--set", "simulation.seed=7"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let after = snapshot(&dir.path().join("out"));
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before);
    assert_eq!(entries(dir.path()), ["out"]);
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_run_writes_nothing() {
    let dir = tmp();
    let before = first_run(dir.path());
    for signal in ["-INT", "-TERM"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ssosim"))
            .current_dir(dir.path())
            .arg("run")
            .arg(bundled("storezero"))
            .args(["--set", "simulation.users=2000000", "--out", "out"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_until_catching(&mut child);
        let killed = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{signal}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error: interrupted; nothing was written"),
            "{}",
            stderr(&out)
        );
        assert_eq!(snapshot(&dir.path().join("out")), before);
        assert_eq!(entries(dir.path()), ["out"]);
    }
}
