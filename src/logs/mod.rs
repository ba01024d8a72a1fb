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

/// The sorted runs of a run's log, ready to merge; their temporary folder,
/// if they have one, goes when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct LogRuns {
    /// The temporary folder holding the runs; `None` for runs kept by
    /// someone else (the `logs.part` files of shard folders being merged).
    pub dir: Option<Arc<SpillDir>>,
    /// The run files, in any order (the merge orders the events).
    pub runs: Vec<PathBuf>,
    /// The tenant whose events they are.
    pub tenant: Arc<Tenant>,
    /// True when every user of the run was logged, so that the counts must
    /// equal the counters ([`check`]).
    pub complete: bool,
    /// `--logs-users` (`u64::MAX`: every user).
    pub users: u64,
}

/// A writer that counts and hashes (SHA-256) what goes through it: a shard's
/// `logs.part` is listed in its manifest with both.
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: sha2::Sha256,
    /// Bytes written so far.
    pub bytes: u64,
}

impl<W: std::io::Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: <sha2::Sha256 as sha2::Digest>::new(),
            bytes: 0,
        }
    }

    /// The hex SHA-256 of everything written.
    pub fn sha256_hex(self) -> String {
        self.finish().1
    }

    /// The inner writer back, with the hex SHA-256 of everything written.
    pub fn finish(self) -> (W, String) {
        let hex = <sha2::Sha256 as sha2::Digest>::finalize(self.hasher)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        (self.inner, hex)
    }
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        sha2::Digest::update(&mut self.hasher, &buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Hex SHA-256 and length of a file, read in blocks.
///
/// # Errors
/// When the file cannot be read.
pub fn file_sha256(path: &Path) -> std::io::Result<(String, u64)> {
    let mut w = HashingWriter::new(std::io::sink());
    std::io::copy(&mut std::fs::File::open(path)?, &mut w)?;
    let bytes = w.bytes;
    Ok((w.sha256_hex(), bytes))
}
