//! Hostile scenarios at the library level (issue 9): absurd sizes are refused
//! with the limit in the message, huge or deeply nested files are refused
//! without exhausting the stack or memory, bytes that are not text and paths
//! that are not files are refused with the path named; edge values that are
//! valid run to the end with every invariant.

use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::{
    MAX_KEY_PARTS, MAX_SCENARIO_BYTES, Override, Scenario, ScenarioError, from_str, load,
    parse_override,
};
use std::path::Path;
use std::time::{Duration, Instant};

const APP: &str = "[[apps]]\nname = \"web\"\nkind = \"regular_web\"\n";

/// The refusal of `text`, as printed.
fn refused(text: &str) -> String {
    match from_str(text, "hostile.toml", &[]) {
        Ok(_) => panic!("accepted:\n{}", &text[..text.len().min(300)]),
        Err(e) => e.to_string(),
    }
}

fn assert_says(message: &str, needles: &[&str]) {
    for n in needles {
        assert!(message.contains(n), "{n:?} not in:\n{message}");
    }
}

/// Each (section, key = value) is refused, the message naming the key and
/// the limit. `[simulation] users = 10^12` and friends.
#[test]
fn absurd_sizes_are_refused_with_the_limit() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "simulation",
            "users = 1_000_000_000_000",
            &["simulation.users", "limit of 1000000000"],
        ),
        (
            "simulation",
            "users = 9223372036854775807",
            &["limit of 1000000000"],
        ),
        ("simulation", "users = -1", &["below 1"]),
        (
            "simulation",
            "replicas = 1_000_000",
            &["simulation.replicas", "limit of 1000"],
        ),
        (
            "simulation",
            "duration = \"300000000000d\"",
            &["simulation.duration", "limit of 36500d"],
        ),
        (
            "simulation",
            "duration = \"99999999999999999999999ms\"",
            &["limit of 36500d"],
        ),
        (
            "simulation",
            "duration = \"36501d\"",
            &["36501d is above the limit of 36500d"],
        ),
        (
            "simulation",
            "duration = \"365d\"\nsample_every = \"1ms\"",
            &["simulation.sample_every", "limit of 1000000"],
        ),
        (
            "users",
            "visits_per_day = 1e9",
            &["users.visits_per_day", "limit of 1000000"],
        ),
        (
            "users",
            "browser_closes_per_day = 1e9",
            &["limit of 1000000"],
        ),
        (
            "users",
            "password_resets_per_year = 1e300",
            &["limit of 1000000"],
        ),
        (
            "users",
            "cookie_clears_per_month = inf",
            &["not a finite number"],
        ),
        ("users", "visits_per_day = nan", &["not a finite number"]),
        ("users", "protected_share = 1e9", &["share from 0 to 1"]),
        (
            "network",
            "latency = \"18446744073709551616ms\"",
            &["network.latency", "limit of 36500d"],
        ),
        (
            "authorization_server",
            "idle_timeout = \"36500d\"",
            &["above the self_service limit"],
        ),
    ];
    for (section, line, needles) in cases {
        let text = format!("[{section}]\n{line}\n{APP}");
        assert_says(&refused(&text), needles);
    }
    // Each value alone is within its limit, but together they would simulate
    // more events than counters hold exactly.
    let text = format!(
        "[simulation]\nusers = 1_000_000_000\nduration = \"36500d\"\nsample_every = \"1d\"\n[users]\nvisits_per_day = 1e6\n{APP}"
    );
    assert_says(
        &refused(&text),
        &["events per replica", "more than the limit of 9.007e15"],
    );
    // An integer beyond i64 is a TOML error with its position.
    assert_says(
        &refused("[simulation]\nusers = 99999999999999999999\n"),
        &["line 2"],
    );
}

/// `n` levels of one nesting form.
fn nested(form: &str, n: usize) -> String {
    match form {
        "arrays" => format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
        "inline tables" => format!("x = {}1{}\n", "{ a = ".repeat(n), " }".repeat(n)),
        "dotted keys" => format!("{} = 1\n", vec!["a"; n].join(".")),
        "table headers" => format!("[{}]\n", vec!["a"; n].join(".")),
        "array headers" => format!("[[{}]]\n", vec!["a"; n].join(".")),
        _ => unreachable!(),
    }
}

/// 10 000 nested arrays or tables: refused quickly with "nested too deeply",
/// on a thread with a small stack to prove nothing recurses that deep.
#[test]
fn deeply_nested_toml_is_refused_without_overflowing_the_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            for form in [
                "arrays",
                "inline tables",
                "dotted keys",
                "table headers",
                "array headers",
            ] {
                for n in [200, 10_000, 100_000] {
                    let start = Instant::now();
                    let message = refused(&nested(form, n));
                    assert_says(&message, &["nested too deeply", "line 1"]);
                    assert!(
                        start.elapsed() < Duration::from_secs(5),
                        "{form} x {n} took {:?}",
                        start.elapsed()
                    );
                }
            }
        })
        .expect("a thread");
    handle.join().expect("no stack overflow, no panic");
}

/// A `--set` key of 100 000 parts once built a tree so deep that dropping it
/// overflowed the stack; now the key is refused before anything is built.
#[test]
fn a_set_key_with_too_many_parts_is_refused() {
    let key = vec!["a"; 100_000].join(".");
    let e = parse_override(&format!("{key}=1")).expect_err("refused");
    assert_says(
        &e.to_string(),
        &["100000 dotted parts", &format!("limit of {MAX_KEY_PARTS}")],
    );
    // Built in code, the override skips the parser: the loader refuses it too.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let o = Override {
                key,
                value: "1".into(),
            };
            let e = from_str(APP, "x.toml", &[o]).expect_err("refused");
            e.to_string()
        })
        .expect("a thread");
    assert_says(&handle.join().expect("no stack overflow"), &["limit of 8"]);
    // A value nested 10 000 deep is not TOML for the reader: it stays a string.
    let deep = format!("simulation.users={}", "[".repeat(10_000));
    let message = from_str(APP, "x.toml", &[parse_override(&deep).expect("parses")])
        .expect_err("refused")
        .to_string();
    assert_says(&message, &["simulation.users", "expected a whole number"]);
}

/// A 10 MB file is refused by size, from a path and from text, at once.
#[test]
fn a_huge_file_is_refused_by_its_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.toml");
    let line = "# padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(10 * 1024 * 1024 / line.len() + 1) + APP;
    std::fs::write(&path, &text).expect("write");
    let start = Instant::now();
    let e = load(&path, &[]).expect_err("refused");
    assert_says(
        &e.to_string(),
        &["huge.toml", &format!("limit of {MAX_SCENARIO_BYTES} bytes")],
    );
    assert_says(&refused(&text), &["limit of 1048576 bytes"]);
    assert!(start.elapsed() < Duration::from_secs(5));
    // Just under the limit, a file of 20 000 unknown keys is refused in
    // reasonable time, each key named.
    let keys: String = (0..20_000)
        .map(|i| format!("unknown_{i} = {i}\n"))
        .collect();
    assert!(keys.len() < MAX_SCENARIO_BYTES);
    let start = Instant::now();
    let e = from_str(&format!("{keys}{APP}"), "wide.toml", &[]).expect_err("refused");
    assert_eq!(e.problems().len(), 20_000);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

/// An endless device is read only up to the limit.
#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_by_size() {
    let e = load(Path::new("/dev/zero"), &[]).expect_err("refused");
    assert_says(&e.to_string(), &["/dev/zero", "limit of"]);
}

fn load_bytes(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bytes.toml");
    std::fs::write(&path, bytes).expect("write");
    load(&path, &[])
}

/// Bytes that are not UTF-8 text are refused at their line and column.
#[test]
fn non_utf8_bytes_are_refused_at_their_position() {
    let cases: &[(&[u8], &str)] = &[
        (b"name = \"caf\xe9\"\n", "line 1, column 12"),
        (b"[simulation]\nusers = 5\n\xff\xfe\n", "line 3, column 1"),
        (b"\xff\xfen\x00a\x00m\x00e\x00", "line 1, column 1"), // UTF-16 with its BOM
        (b"\xc0\x80", "line 1, column 1"),                     // overlong NUL
    ];
    for (bytes, place) in cases {
        let e = load_bytes(bytes).expect_err("refused");
        assert_says(&e.to_string(), &["bytes.toml", place, "not UTF-8"]);
    }
    // Valid UTF-8 that is not TOML: NUL, a lone BOM, control characters.
    for text in ["\0", "\u{feff}", "name = \"a\u{0}b\"", "\u{7}\u{1b}[31m"] {
        assert!(load_bytes(text.as_bytes()).is_err(), "{text:?}");
    }
}

/// A directory, a missing file, a path through a regular file: refused with
/// the path and what to give instead.
#[test]
fn paths_that_are_not_scenario_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plain.toml");
    std::fs::write(&file, APP).expect("write");
    let cases = [
        (dir.path().to_path_buf(), "is a directory"),
        (dir.path().join("missing.toml"), "no such file"),
        (file.join("below.toml"), "cannot read"),
        (dir.path().join(""), "is a directory"),
    ];
    for (path, needle) in cases {
        let e = load(&path, &[]).expect_err("refused");
        assert_says(&e.to_string(), &[&path.display().to_string(), needle]);
    }
    assert!(load(&file, &[]).is_ok());
}

/// Valid but extreme scenarios run to the end with every invariant: zero
/// latency, think time and dwell; one user visiting a million times a day;
/// a run of one millisecond; timeouts of one millisecond; a latency longer
/// than the run (no hop ever arrives).
#[test]
fn valid_edge_scenarios_run_with_every_invariant() {
    let cases = [
        "[simulation]\nusers = 1\nduration = \"1d\"\n[network]\nlatency = \"0ms\"\n[users]\nvisits_per_day = 1e5\nvisit_length = \"0ms\"\nlogin_think_time = \"0ms\"\nbrowser_closes_per_day = 1e4\nlogout_share = 1.0\n",
        "[simulation]\nusers = 3\nduration = \"1ms\"\nsample_every = \"1ms\"\n",
        "[simulation]\nusers = 5\nduration = \"2d\"\n[authorization_server]\nidle_timeout = \"1ms\"\nabsolute_timeout = \"1ms\"\n",
        "[simulation]\nusers = 5\nduration = \"1d\"\n[network]\nlatency = \"36500d\"\n",
        "[simulation]\nusers = 5\nduration = \"2d\"\nsample_every = \"7h\"\n[users]\nvisits_per_day = 0\nbrowser_closes_per_day = 1e6\n",
    ];
    for head in cases {
        let text = format!("{head}{APP}");
        let s = from_str(&text, "edge.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
        let opts = RunOptions {
            threads: 1,
            shard: None,
            logs: None,
            reference_path: false,
        };
        let start = Instant::now();
        let r = run(&s, &opts, &Progress::default()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(r.replicas.len(), 1);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{text}: {:?}",
            start.elapsed()
        );
    }
}
