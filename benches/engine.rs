//! The engine alone: schedule + pop + dispatch with a trivial handler, with
//! 2, 8 and 64 events pending (the "hold" model: each event handled schedules
//! one more at a random later time, so the queue size stays constant).
//! Reported per event. A user's timeline holds a handful of pending events;
//! the queue is built for that size (see `src/engine/queue.rs`).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ssosim::engine::{Context, Model, Simulation};

/// Each event schedules the next one a pseudo-random delay later.
struct Hold {
    x: u64,
}

impl Model for Hold {
    type Event = u32;
    #[inline]
    fn handle(&mut self, e: u32, ctx: &mut Context<'_, u32>) {
        self.x = self
            .x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // A delay of 0 to 2^20 - 1 ms (about 17 minutes), without a division.
        ctx.schedule_in(self.x >> 44, e);
    }
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_hold");
    for pending in [2u64, 8, 64] {
        let steps = 200_000u64;
        group.throughput(Throughput::Elements(steps));
        group.bench_with_input(
            BenchmarkId::from_parameter(pending),
            &pending,
            |b, &pending| {
                let mut sim = Simulation::new();
                let mut model = Hold { x: 1 };
                for i in 0..pending {
                    sim.schedule_at(i * (1 << 20) / pending, i as u32);
                }
                b.iter(|| {
                    for _ in 0..steps {
                        sim.step(&mut model, u64::MAX);
                    }
                });
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: they need system fonts this machine does not have.
    config = Criterion::default().without_plots();
    targets = hold
}
criterion_main!(benches);
