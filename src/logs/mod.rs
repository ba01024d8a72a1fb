//! The tenant's log (issue 15): the model's log records written as Auth0 log
//! events, in time order, with bounded memory.
//!
//! - [`tenant`]: the tenant, its apps and connections, each user's identity;
//! - [`event`]: one record as an Auth0 log event (JSON);
//! - [`runs`]: sorted runs spilled to temporary files and their k-way merge
//!   into `logs.jsonl` (or `logs.json`, an array);
//! - [`check`]: the log's counts against `summary.csv`, a run invariant.

pub mod check;
pub mod event;
pub mod runs;
pub mod tenant;

pub use runs::{DEFAULT_BUDGET, KindCounts, LogFormat, SpillDir, Spiller, write_log};
pub use tenant::Tenant;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `--logs` asks of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOptions {
    /// Users `0..users` are logged (`--logs-users`; all by default).
    pub users: u64,
    /// Records a worker thread holds before spilling a sorted run.
    pub budget: usize,
    /// Where the temporary runs go (a hidden folder is made in it).
    pub spill_parent: PathBuf,
}

impl LogOptions {
    /// Every user logged, the default budget, runs spilled into `spill_parent`.
    pub fn all_users(spill_parent: &Path) -> Self {
        LogOptions {
            users: u64::MAX,
            budget: DEFAULT_BUDGET,
            spill_parent: spill_parent.to_path_buf(),
        }
    }
}

/// The sorted runs of a run's log, ready to merge; their folder goes when
/// the last clone is dropped.
#[derive(Debug, Clone)]
pub struct LogRuns {
    /// The temporary folder holding the runs.
    pub dir: Arc<SpillDir>,
    /// The run files, in any order (the merge orders the events).
    pub runs: Vec<PathBuf>,
    /// True when every user of the run was logged, so that the counts must
    /// equal the counters ([`check`]).
    pub complete: bool,
}
