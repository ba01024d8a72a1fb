//! Runs a scenario: replicas one after another, each over all users in
//! parallel (rayon), merged exactly. Prints nothing: it reports progress
//! through the [`Progress`] counters the caller passes in and reads.
//!
//! Users are cut into fixed blocks of [`BLOCK`] ids, whatever the thread count;
//! each block's metrics are integer sums, and so is their merge, so the result
//! is the same bytes for 1 or N threads (design §1).

use crate::logs::{LogOptions, LogRuns, SpillDir, Spiller, Tenant};
use crate::metrics::Metrics;
use crate::metrics::invariants::{self, Facts, InvariantError};
use crate::metrics::load_stats::{Limit, LoadStats};
use crate::model::{ModelConfig, Simulator};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Users per unit of parallel work.
pub const BLOCK: u64 = 1024;

/// How to run, beyond the scenario itself.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    /// Simulate only users with `id % count == index` (`--shard index/count`).
    pub shard: Option<(u64, u64)>,
    /// Record the tenant's log of replica 0 (`--logs`).
    pub logs: Option<LogOptions>,
    /// Queue every hop of a redirect chain instead of running chains inline
    /// (`run --reference-path`, hidden): the reference the fast path is
    /// checked against, byte for byte (issue 20).
    pub reference_path: bool,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Metrics of each replica, in replica order.
    pub replicas: Vec<Metrics>,
    /// Wall-clock seconds spent simulating.
    pub wall_time_s: f64,
    /// Threads used.
    pub threads: usize,
    /// Each replica's load statistics, computed once when first asked for.
    pub loads: OnceLock<Vec<LoadStats>>,
    /// The sorted runs of the tenant's log, when asked for.
    pub logs: Option<LogRuns>,
    /// The peak memory `run.json` reports, when not this process's (a merge
    /// reports its largest shard's).
    pub peak_rss_bytes: Option<u64>,
}

impl RunResult {
    /// Each replica's load statistics under `limits` (the scenario's rate
    /// limits): one pass over each replica's per-second counts, done once.
    pub fn load_stats(&self, limits: &[Limit]) -> &[LoadStats] {
        self.loads.get_or_init(|| {
            self.replicas
                .iter()
                .map(|m| LoadStats::of(&m.load, limits))
                .collect()
        })
    }

    /// Engine events over all replicas.
    pub fn events(&self) -> u64 {
        self.replicas.iter().map(|m| m.events).sum()
    }
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The caller asked to stop (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    /// The thread pool could not start.
    #[error("cannot start {0} worker threads")]
    Threads(usize),
    /// The metrics of a replica break an invariant (a bug in ssosim): the
    /// results would be wrong, so none are returned.
    #[error("{0}")]
    Invariant(#[from] InvariantError),
    /// The log's temporary runs could not be written.
    #[error("cannot write the log's temporary files in {folder}: {why}")]
    LogSpill {
        /// The folder they go in.
        folder: String,
        /// The I/O error.
        why: String,
    },
}

/// Progress of a run, shared with whoever displays it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Users simulated so far, over all replicas.
    pub users_done: AtomicU64,
    /// Engine events handled so far, over all replicas (for events/s displays).
    pub events_done: AtomicU64,
    /// Set to stop the run at the next block.
    pub cancel: AtomicBool,
}

/// Simulates every replica of `scenario`.
///
/// Every replica's metrics are checked against the invariants of
/// [`crate::metrics::invariants`] before they are returned.
///
/// # Errors
/// [`RunError::Interrupted`] when `progress.cancel` is set;
/// [`RunError::Invariant`] when a replica's metrics break an invariant.
pub fn run(
    scenario: &Scenario,
    opts: &RunOptions,
    progress: &Progress,
) -> Result<RunResult, RunError> {
    let threads = if opts.threads == 0 {
        num_cpus()
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| RunError::Threads(threads))?;
    let mut cfg = ModelConfig::new(scenario);
    cfg.inline_hops = !opts.reference_path;
    let facts = Facts::of(scenario);
    let start = Instant::now();
    let spill_error = |folder: &std::path::Path, e: std::io::Error| RunError::LogSpill {
        folder: folder.display().to_string(),
        why: e.to_string(),
    };
    let mut log = match &opts.logs {
        Some(o) => Some(LogSink {
            dir: Arc::new(
                SpillDir::new(&o.spill_parent).map_err(|e| spill_error(&o.spill_parent, e))?,
            ),
            tenant: Arc::new(Tenant::new(scenario)),
            options: o.clone(),
        }),
        None => None,
    };
    let mut replicas = Vec::new();
    let mut runs = Vec::new();
    for replica in 0..scenario.simulation.replicas {
        // One tenant, one log: replica 0's.
        let sink = if replica == 0 { log.as_ref() } else { None };
        let (m, part) =
            pool.install(|| run_replica(&cfg, scenario, replica, opts.shard, progress, sink))?;
        invariants::verify(&m, &facts, replica)?;
        replicas.push(m);
        runs.extend(part);
    }
    let logs = log.take().map(|sink| LogRuns {
        dir: Some(sink.dir),
        runs,
        tenant: sink.tenant,
        complete: sink.options.users >= scenario.simulation.users,
        users: sink.options.users,
    });
    Ok(RunResult {
        replicas,
        wall_time_s: start.elapsed().as_secs_f64(),
        threads,
        loads: OnceLock::new(),
        logs,
        peak_rss_bytes: None,
    })
}

/// Where the worker threads put the log's sorted runs.
struct LogSink {
    dir: Arc<SpillDir>,
    tenant: Arc<Tenant>,
    options: LogOptions,
}

/// One replica: each worker thread owns one simulator (and so one metrics
/// accumulator) and takes the next block of users from a shared counter until
/// none is left; the accumulators are then merged. Memory is therefore fixed
/// (one accumulator per thread), and the result, an integer sum, does not
/// depend on which thread simulated which block.
fn run_replica(
    cfg: &ModelConfig,
    scenario: &Scenario,
    replica: u32,
    shard: Option<(u64, u64)>,
    progress: &Progress,
    log: Option<&LogSink>,
) -> Result<(Metrics, Vec<std::path::PathBuf>), RunError> {
    let users = scenario.simulation.users;
    // Each timeline runs to the end of the warm-up plus the measured window.
    let end = cfg.end;
    let blocks = users.div_ceil(BLOCK);
    let next = AtomicU64::new(0);
    let spill_error = |e: std::io::Error| RunError::LogSpill {
        folder: log.map_or_else(String::new, |l| l.dir.path().display().to_string()),
        why: e.to_string(),
    };
    let worker = |_| -> Result<(Metrics, Vec<std::path::PathBuf>), RunError> {
        let mut sim = Simulator::new(cfg, replica);
        let mut spiller = log.map(|l| {
            sim = Simulator::new(cfg, replica).with_logs(l.options.users);
            Spiller::new(l.dir.clone(), l.options.budget)
        });
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                let runs = match spiller {
                    Some(s) => s.finish().map_err(spill_error)?,
                    None => Vec::new(),
                };
                return Ok((sim.into_metrics(), runs));
            }
            if progress.cancel.load(Ordering::Relaxed) {
                return Err(RunError::Interrupted);
            }
            let (first, last) = (b * BLOCK, ((b + 1) * BLOCK).min(users));
            let mut done = 0;
            let events_before = sim.metrics().events;
            for id in first..last {
                // A user may take long (a long warm-up at a high visit
                // rate): a stop request is honoured between users.
                if progress.cancel.load(Ordering::Relaxed) {
                    return Err(RunError::Interrupted);
                }
                if shard.is_none_or(|(i, n)| id % n == i) {
                    sim.simulate(id, end);
                    done += 1;
                    if let Some(s) = &mut spiller {
                        sim.take_logs(&mut s.buffer);
                        s.maybe_spill().map_err(spill_error)?;
                    }
                }
            }
            progress.users_done.fetch_add(done, Ordering::Relaxed);
            let events = sim.metrics().events - events_before;
            progress.events_done.fetch_add(events, Ordering::Relaxed);
        }
    };
    let threads = rayon::current_num_threads().min(blocks.max(1) as usize);
    let parts: Vec<(Metrics, Vec<std::path::PathBuf>)> = (0..threads)
        .into_par_iter()
        .map(worker)
        .collect::<Result<_, _>>()?;
    let mut runs = Vec::new();
    let mut merged: Option<Metrics> = None;
    for (m, part) in parts {
        runs.extend(part);
        match &mut merged {
            Some(total) => total.merge(&m),
            None => merged = Some(m),
        }
    }
    Ok((merged.unwrap_or_else(|| Metrics::new(cfg.layout)), runs))
}

/// Logical cores available to this process.
pub fn num_cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
