//! End-to-end throughput and the costs around it: storezero and an SPA
//! scenario at 10 000 users (one thread, so figures are per core), the exact
//! metric merge, and writing a run folder's CSV files.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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
        &[set("simulation.users", users.to_string())],
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
    ] {
        let cfg = ModelConfig::new(&s);
        // Events per iteration, for an events/s figure.
        let mut probe = Simulator::new(&cfg, 0);
        for id in 0..s.simulation.users {
            probe.simulate(id, s.simulation.duration);
        }
        group.throughput(Throughput::Elements(probe.into_metrics().events));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut sim = Simulator::new(&cfg, 0);
                for id in 0..s.simulation.users {
                    sim.simulate(id, s.simulation.duration);
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

criterion_group! {
    name = benches;
    // No plots: they need system fonts this machine does not have.
    config = Criterion::default().without_plots();
    targets = throughput, merge_and_write
}
criterion_main!(benches);
