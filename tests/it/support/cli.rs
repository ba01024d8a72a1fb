//! Helpers for running the real `ssosim` binary in integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `ssosim` binary built by Cargo for this test run, with a clean
/// environment and the working directory set to `cwd`.
pub(crate) fn ssosim(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ssosim").expect("the ssosim binary is built");
    cmd.current_dir(cwd);
    cmd
}

/// The repository root (bundled scenarios live in `scenarios/`).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled scenario by file stem.
pub(crate) fn bundled(name: &str) -> PathBuf {
    root().join("scenarios").join(format!("{name}.toml"))
}

/// Flags that make any bundled scenario small and fast.
pub(crate) const SMALL: [&str; 4] = [
    "--set",
    "simulation.users=200",
    "--set",
    "simulation.duration=7d",
];

/// A small valid scenario: one regular web app, password and Facebook users.
pub(crate) const BASE: &str = r#"name = "t"
[simulation]
users = 200
duration = "7d"
sample_every = "1h"
[authorization_server]
idle_timeout = "3d"
[identity_providers.facebook]
[[apps]]
name = "web"
kind = "regular_web"
[users]
connections = { password = 0.5, facebook = 0.5 }
"#;

/// Writes `text` as `dir/name` and returns its path.
pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temporary scenario is written");
    path
}

/// A temporary folder.
pub(crate) fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Stdout of a finished command, as text.
pub(crate) fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr of a finished command, as text.
pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every entry of `dir`, sorted, as names.
pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every file of a run folder with its bytes, sorted by name.
pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

/// Every bundled scenario file (`scenarios/*.toml`), sorted.
pub(crate) fn bundled_scenarios() -> Vec<PathBuf> {
    let dir = root().join("scenarios");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no scenario in {}", dir.display());
    found
}

/// `value` of `metric,scope` in a summary.csv text.
pub(crate) fn metric(summary: &str, metric: &str, scope: &str) -> f64 {
    summary
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.len() >= 3 && f[0] == metric && f[1] == scope).then(|| f[2].parse().ok())?
        })
        .unwrap_or_else(|| panic!("no {metric},{scope} in summary"))
}

/// Asserts that a finished command did not panic (its stderr says so if it did).
pub(crate) fn no_panic(out: &std::process::Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
}

/// Starts `ssosim ARGS` in `cwd`, waits until it catches SIGINT and SIGTERM
/// (its handler is installed: [`wait_until_catching`]), sends each of
/// `signals` (`"-TERM"`, `"-INT"`) with `kill`, and waits for it (at most
/// 30 s, then kills it and fails). Returns its output.
#[cfg(target_os = "linux")]
pub(crate) fn interrupted<S: AsRef<std::ffi::OsStr>>(
    cwd: &Path,
    args: &[S],
    signals: &[&str],
) -> std::process::Output {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssosim"))
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssosim starts");
    wait_until_catching(&mut child);
    for (i, signal) in signals.iter().enumerate() {
        if i > 0 {
            // Standard signals do not queue: a second one sent before the
            // first is delivered would merge with it.
            std::thread::sleep(Duration::from_millis(100));
        }
        let sent = Command::new("kill")
            .args([*signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(
            sent.success(),
            "kill {signal} failed: ssosim already exited?"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ssosim did not stop within 30 s of {signals:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_end(&mut stdout);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_end(&mut stderr);
    }
    std::process::Output {
        status,
        stdout,
        stderr,
    }
}

/// Waits until `child` catches SIGINT and SIGTERM, read from the `SigCgt`
/// mask of `/proc/PID/status`: the moment ssosim's handler is installed, so a
/// signal sent after it asks the run to stop instead of killing the process.
/// Fails if the process exits first or is not ready within 30 s.
#[cfg(target_os = "linux")]
pub(crate) fn wait_until_catching(child: &mut std::process::Child) {
    use std::time::{Duration, Instant};
    const WANTED: u64 = (1 << (2 - 1)) | (1 << (15 - 1)); // SIGINT, SIGTERM
    let status = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let caught = std::fs::read_to_string(&status)
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))
                    .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            })
            .unwrap_or(0);
        if caught & WANTED == WANTED {
            return;
        }
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("ssosim exited ({status}) before installing its signal handler");
        }
        assert!(
            Instant::now() < deadline,
            "ssosim did not install its signal handler within 30 s"
        );
        std::thread::yield_now();
    }
}
