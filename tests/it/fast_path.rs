//! The hop-chain fast path (issue 20) against the reference path: a redirect
//! chain runs inline when nothing else of the user is due before its next
//! hop, instead of through the queue; `run --reference-path` queues every
//! hop, as traces do. Results must be the same bytes. (Random valid
//! scenarios: `robust_props::the_fast_path_gives_the_reference_bytes`.)

use crate::support::cli::{bundled_scenarios, ssosim, tmp};
use ssosim::model::{ModelConfig, Simulator};
use ssosim::scenario::{Override, load};
use std::path::Path;

/// Every file of a run folder but `run.json` (wall time), logs included.
fn compared() -> impl Iterator<Item = &'static str> {
    ssosim::output::RUN_FILES
        .into_iter()
        .filter(|f| *f != ssosim::output::RUN_JSON)
        .chain(["logs.jsonl"])
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) {
    let out = ssosim(&crate::support::cli::root())
        .args(["run"])
        .arg(scenario)
        .args(["--set", "simulation.users=100", "--replicas", "2"])
        .args([
            "--set",
            "simulation.duration=7d",
            "--set",
            "simulation.warmup=7d",
        ])
        .args(["--no-charts", "--quiet", "--logs", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("ssosim runs");
    assert!(
        out.status.success(),
        "{} {extra:?}: {}",
        scenario.display(),
        crate::support::cli::stderr(&out)
    );
}

/// Every bundled scenario, 100 users, 2 replicas, 7 days after a 7-day
/// warm-up (a visit may straddle its end): the fast path on 2 threads, the
/// reference path on 1, same bytes.
#[test]
fn every_bundled_scenario_gives_the_same_bytes_on_both_paths() {
    let dir = tmp();
    for s in bundled_scenarios() {
        let (fast, reference) = (dir.path().join("fast"), dir.path().join("reference"));
        run(&s, &fast, &["--threads", "2"]);
        run(&s, &reference, &["--threads", "1", "--reference-path"]);
        for f in compared() {
            let a = std::fs::read(fast.join(f)).expect("fast path file");
            let b = std::fs::read(reference.join(f)).expect("reference file");
            assert!(a == b, "{}: {f} differs", s.display());
        }
        // The same events are handled either way (run.json).
        let events = |d: &Path| {
            let j: serde_json::Value =
                serde_json::from_slice(&std::fs::read(d.join("run.json")).unwrap()).unwrap();
            j["events_processed"].as_u64().unwrap()
        };
        assert_eq!(events(&fast), events(&reference), "{}", s.display());
        std::fs::remove_dir_all(&fast).unwrap();
        std::fs::remove_dir_all(&reference).unwrap();
    }
}

/// A browser close on the fast path brings a refresh token's logged-in
/// interval in step only after a lost answer (an exchange granted, its
/// answer cut by the close: `UserWorld::tokens_after_close`); the
/// reference path does it at every close. With 20-minute hops, renewals
/// every 15 minutes of a 20-minute visit and 24 closes a day, many answers
/// are lost (by a close, or by the end of the visit before the close): the
/// same bytes all the same.
#[test]
fn closes_that_cut_token_exchanges_give_the_same_bytes_on_both_paths() {
    same_bytes_on_both_paths(
        "spa_refresh_tokens",
        &[
            "network.latency=20m",
            "users.browser_closes_per_day=24",
            "users.visits_per_day=6",
            "apps.0.token_lifetime=15m",
            "simulation.users=300",
        ],
    );
}

/// The fast path also leaves a page load's update of the token interval
/// for later when no script-storage cap applies (`spa_page_load`). With
/// Safari's 7-day cap on a refresh token in local storage, a visit every
/// 10 days on average and closes that cut the 20-minute hops between the
/// load and the token exchange, the load's update is often the last one
/// before the storage deadline: the same bytes all the same (the test
/// fails when the fast path skips that update whatever the cap).
#[test]
fn page_loads_under_a_storage_cap_give_the_same_bytes_on_both_paths() {
    same_bytes_on_both_paths(
        "browsers",
        &[
            "apps.0.token_cache=\"local_storage\"",
            "users.browsers={ safari = 1.0 }",
            "network.latency=20m",
            "users.browser_closes_per_day=24",
            "users.visits_per_day=0.1",
            "simulation.duration=60d",
            "simulation.users=1000",
        ],
    );
}

/// Runs bundled scenario `name` with the `key=value` overrides on the fast
/// path (2 threads) and on the reference path (1 thread): every compared
/// file is the same.
fn same_bytes_on_both_paths(name: &str, overrides: &[&str]) {
    let dir = tmp();
    let s = crate::support::cli::bundled(name);
    let (fast, reference) = (dir.path().join("fast"), dir.path().join("reference"));
    let sets: Vec<&str> = overrides.iter().flat_map(|o| ["--set", o]).collect();
    run(&s, &fast, &[&sets[..], &["--threads", "2"]].concat());
    run(
        &s,
        &reference,
        &[&sets[..], &["--threads", "1", "--reference-path"]].concat(),
    );
    for f in compared() {
        let a = std::fs::read(fast.join(f)).expect("fast path file");
        let b = std::fs::read(reference.join(f)).expect("reference file");
        assert!(a == b, "{f} differs");
    }
}

/// Queue events per user-day of storezero without warm-up, on each path.
fn queued_per_user_day(inline: bool) -> (f64, u64) {
    let users = 300;
    let set = |k: &str, v: &str| Override {
        key: k.into(),
        value: v.into(),
    };
    let s = load(
        &crate::support::cli::bundled("storezero"),
        &[
            set("simulation.users", &users.to_string()),
            set("simulation.warmup", "0s"),
        ],
    )
    .unwrap();
    let mut cfg = ModelConfig::new(&s);
    cfg.inline_hops = inline;
    let mut sim = Simulator::new(&cfg, 0);
    for id in 0..users {
        sim.simulate(id, cfg.end);
    }
    let user_days = users as f64 * s.simulation.duration as f64 / ssosim::time::DAY as f64;
    let queued = sim.queued_events() as f64 / user_days;
    (queued, sim.into_metrics().events)
}

/// The fast path's point: storezero's hops mostly skip the queue (at most 8
/// queue events per user-day, the target, against one per hop on the
/// reference path), with the same events handled.
#[test]
fn storezero_queues_at_most_8_events_per_user_day() {
    let (fast, handled_fast) = queued_per_user_day(true);
    let (reference, handled_reference) = queued_per_user_day(false);
    assert_eq!(handled_fast, handled_reference);
    let per_user_day = handled_reference as f64 / (300.0 * 30.0);
    assert!(
        (reference - per_user_day).abs() < 1e-9,
        "{reference} {per_user_day}"
    );
    assert!(per_user_day > 20.0, "{per_user_day}");
    assert!(fast <= 8.0, "{fast} queue events per user-day");
}
