//! The cost of `run --logs` (issue 15: at most 3x the run without logs):
//! storezero at 2 000 users on one thread, with and without its log, the
//! log merged from its spilled runs and formatted into a sink (bytes/s of
//! log written is criterion's throughput for the logged run).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ssosim::logs::{self, LogFormat, LogOptions};
use ssosim::runner::{Progress, RunOptions, run};
use ssosim::scenario::{Override, Scenario, load};
use std::path::Path;

const USERS: u64 = 2_000;

fn storezero() -> Scenario {
    let users = Override {
        key: "simulation.users".into(),
        value: USERS.to_string(),
    };
    load(Path::new("scenarios/storezero.toml"), &[users]).expect("bundled scenario")
}

/// Runs `s` on one thread, logging every user into `spill` when given, and
/// returns the bytes of the log written (0 without).
fn run_once(s: &Scenario, spill: Option<&Path>) -> u64 {
    let opts = RunOptions {
        threads: 1,
        shard: None,
        logs: spill.map(LogOptions::all_users),
        reference_path: false,
    };
    let result = run(s, &opts, &Progress::default()).expect("run");
    result.logs.as_ref().map_or(0, |l| {
        let (_, bytes) =
            logs::write_log(&l.runs, &l.tenant, LogFormat::Jsonl, &mut std::io::sink())
                .expect("merge the log");
        bytes
    })
}

fn logging(c: &mut Criterion) {
    let s = storezero();
    let spill = tempfile::tempdir().expect("temporary folder");
    let bytes = run_once(&s, Some(spill.path()));
    let mut group = c.benchmark_group("storezero_2k_users");
    group.sample_size(10);
    group.bench_function("run", |b| b.iter(|| run_once(&s, None)));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("run_with_logs", |b| {
        b.iter(|| run_once(&s, Some(spill.path())))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Criterion's plots need a system font this project does not assume.
    config = Criterion::default().without_plots();
    targets = logging
}
criterion_main!(benches);
