//! End-to-end throughput and the costs around it: storezero, its SPA variant,
//! spa_third_party and spa_refresh_tokens at 10 000 users over 30 days
//! without warm-up (one thread, so figures are per core), the exact metric
//! merge, writing a run folder's CSV files, and the load statistics of a
//! light year.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ssosim::metrics::load_stats::LoadStats;
use ssosim::metrics::{Endpoint, Load};
use ssosim::model::{ModelConfig, Simulator};
use ssosim::output::write_run;
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::{Override, Scenario, load};
use std::path::Path;

fn scenario(path: &str, users: u64) -> Scenario {
    let set = |k: &str, v: String| Override {
        key: k.into(),
        value: v,
    };
    load(
        Path::new(path),
        &[
            set("simulation.users", users.to_string()),
            set("simulation.warmup", "0s".to_string()),
            set("simulation.duration", "30d".to_string()),
        ],
    )
    .expect("bundled scenario")
}

/// The SPA variant of storezero: implicit grant, a third of browsers block
/// third-party cookies.
fn spa(users: u64) -> Scenario {
    let set = |k: &str, v: &str| Override {
        key: k.into(),
        value: v.into(),
    };
    load(
        Path::new("scenarios/storezero.toml"),
        &[
            set("simulation.users", &users.to_string()),
            set("simulation.warmup", "0s"),
            set("apps", r#"[{name = "storezero", kind = "spa_implicit"}]"#),
        ],
    )
    .expect("SPA variant")
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("scenario_10k_users_30d");
    group.sample_size(10);
    for (name, s) in [
        ("storezero", scenario("scenarios/storezero.toml", 10_000)),
        ("spa_implicit", spa(10_000)),
        (
            "spa_third_party",
            scenario("scenarios/spa_third_party.toml", 10_000),
        ),
        (
            "spa_refresh_tokens",
            scenario("scenarios/spa_refresh_tokens.toml", 10_000),
        ),
    ] {
        let cfg = ModelConfig::new(&s);
        // Events per iteration, for an events/s figure; those that went
        // through the queue (the others are hops run inline, issue 20).
        let mut probe = Simulator::new(&cfg, 0);
        for id in 0..s.simulation.users {
            probe.simulate(id, cfg.end);
        }
        let queued = probe.queued_events();
        let events = probe.into_metrics().events;
        let user_days = (s.simulation.users * s.simulation.duration) as f64 / 86_400_000.0;
        println!(
            "{name}: {:.2} events handled and {:.2} queued per user-day",
            events as f64 / user_days,
            queued as f64 / user_days
        );
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut sim = Simulator::new(&cfg, 0);
                for id in 0..s.simulation.users {
                    sim.simulate(id, cfg.end);
                }
                sim.into_metrics()
            })
        });
    }
    group.finish();
}

fn merge_and_write(c: &mut Criterion) {
    let s = scenario("scenarios/storezero.toml", 2_000);
    let result = run(
        &s,
        &RunOptions {
            threads: 1,
            shard: None,
            logs: None,
            reference_path: false,
        },
        &Progress::default(),
    )
    .expect("run");
    let m = result.replicas[0].clone();
    c.bench_function("metrics_merge_30d", |b| {
        b.iter(|| {
            let mut a = m.clone();
            a.merge(&m);
            a
        })
    });
    let dir = tempfile::tempdir().expect("temp dir");
    c.bench_function("write_run_csv_30d", |b| {
        b.iter(|| write_run(dir.path(), &s, &[], None, &result).expect("write"))
    });
}

/// The load statistics (histograms, busiest seconds and minutes) of a year
/// at light loads: three endpoints with one request every 100 s each (36
/// an hour, the load of a small `tune` or `sweep` run: hours read by their
/// busy seconds) or every 10 s (360 an hour: read second by second). Once
/// per run, but over every hour of it.
fn load_statistics(c: &mut Criterion) {
    let seconds = 365 * 86_400;
    let mut group = c.benchmark_group("load_statistics_365d");
    for every in [100, 10] {
        let mut load = Load::new(seconds);
        let mut x: u64 = 7;
        for e in [
            Endpoint::AuthorizeIframe,
            Endpoint::TokenRefresh,
            Endpoint::Authorize,
        ] {
            for _ in 0..seconds / every {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                load.record(e, (x >> 33) % seconds as u64);
            }
        }
        load.flush();
        group.bench_function(format!("one_request_every_{every}s"), |b| {
            b.iter(|| LoadStats::of(&load, &[]))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: they need system fonts this machine does not have.
    config = Criterion::default().without_plots();
    targets = throughput, merge_and_write, load_statistics
}
criterion_main!(benches);
