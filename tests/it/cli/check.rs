//! `ssosim check`: what would run, the estimates, `--toml`, and refusals.

use crate::support::cli::*;

#[test]
fn check_prints_what_would_run_and_writes_nothing() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .args(["check"])
        .arg(bundled("storezero"))
        .args(["--threads", "2", "--set", "simulation.users=20000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "valid scenario \"storezero\"",
        "overrides: simulation.users=20000",
        "simulation: 20000 users over 30d, 1 replica(s), seed 42, sampled every 1h (2881 samples)",
        "network: 40ms per hop",
        "authorization server: plan self_service, idle 3d, absolute 30d, persistent cookie, MFA off",
        "identity provider facebook: idle 60d, absolute 90d, persistent cookie",
        "app storezero (regular_web, 100% of visits): local session idle 2h, absolute 1d, non_persistent cookie",
        "connections: password 60%, facebook 40%",
        "expected events (estimate): about 33.8 million per replica, 22.5 per user-day",
        "AS load (estimate): 0.733 requests/s on average, busiest second about 14 requests",
        "peak memory (estimate, within about ±25%): 21 MB",
        "with 2 thread(s): 2 accumulators of 5 MB",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    assert!(stderr(&out).is_empty());
    assert!(entries(dir.path()).is_empty(), "check wrote something");
    // The whole page, so that a change to what check says is reviewed as a
    // diff (`INSTA_UPDATE=always cargo test --release -- check`).
    let text = text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]");
    insta::assert_snapshot!("check_storezero_20000_users", text);
}

#[test]
fn check_lists_every_app_kind() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("check")
        .arg(bundled("multi_app"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for kind in ["regular_web", "spa_backend", "native", "spa_implicit"] {
        assert!(text.contains(&format!("({kind},")), "{kind} in\n{text}");
    }
    assert!(text.contains(
        "app support (spa_implicit, 10% of visits): no local session, tokens renewed every 1h, kept in memory (hint cookie 1d)"
    ));
}

#[test]
fn check_toml_round_trips() {
    let dir = tmp();
    let out = ssosim(dir.path())
        .arg("check")
        .arg(bundled("storezero"))
        .args(["--toml", "--set", "authorization_server.idle_timeout=1d"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let toml = stdout(&out);
    assert!(toml.contains("idle_timeout = \"1d\""), "{toml}");
    write(dir.path(), "again.toml", &toml);
    let again = ssosim(dir.path())
        .args(["check", "again.toml", "--toml"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again), toml);
}

#[test]
fn check_refuses_like_run() {
    let dir = tmp();
    write(
        dir.path(),
        "x.toml",
        &BASE.replace("users = 200", "users = 0"),
    );
    let out = ssosim(dir.path())
        .args(["check", "x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        stderr(&out).trim(),
        "error: x.toml: simulation.users: 0 is below 1; use a whole number from 1 to 1000000000"
    );
}
