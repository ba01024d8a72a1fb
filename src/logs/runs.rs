//! Time order with bounded memory: each worker thread keeps at most `budget`
//! records; when full, it sorts them by (time, user, sequence), formats them
//! and writes them to a temporary file — a sorted run. At the end the runs are
//! merged (k-way, by the same key) into the log file. The key orders every
//! record of a run totally, so the merged bytes do not depend on which thread
//! simulated which user, nor on where the runs were cut.
//!
//! A run file is a sequence of entries: a 32-byte header — time (`u64`), user
//! (`u64`), sequence (`u32`), kind (`u8`), 3 zero bytes, JSON length (`u32`),
//! all little-endian — then the event's JSON (no newline). A shard's
//! `logs.part` is one such run.

use super::event::write_event;
use super::tenant::Tenant;
use crate::model::{LogKind, LogRecord};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes of an entry's header.
const HEADER: usize = 32;

/// Records a thread keeps before spilling a sorted run (about 30 MB).
pub const DEFAULT_BUDGET: usize = 1 << 19;

/// The order of the log: time, then user, then the user's sequence.
pub type Key = (u64, u64, u32);

/// A folder of temporary run files, removed with everything in it when dropped.
#[derive(Debug)]
pub struct SpillDir {
    path: PathBuf,
}

static SPILLS: AtomicU64 = AtomicU64::new(0);

impl SpillDir {
    /// Creates `.ssosim-logs-<pid>-<n>` in `parent` (created if needed).
    ///
    /// # Errors
    /// When the folder cannot be created.
    pub fn new(parent: &Path) -> io::Result<Self> {
        fs::create_dir_all(parent)?;
        let n = SPILLS.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!(".ssosim-logs-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir(&path)?;
        Ok(SpillDir { path })
    }

    /// Where the runs are.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// One worker thread's records on their way to sorted runs.
#[derive(Debug)]
pub struct Spiller {
    dir: Arc<SpillDir>,
    tenant: Arc<Tenant>,
    budget: usize,
    /// Records not yet spilled.
    pub buffer: Vec<LogRecord>,
    runs: Vec<PathBuf>,
    scratch: Vec<u8>,
}

impl Spiller {
    /// A spiller writing runs into `dir`, at most `budget` records held.
    pub fn new(dir: Arc<SpillDir>, tenant: Arc<Tenant>, budget: usize) -> Self {
        Spiller {
            dir,
            tenant,
            budget: budget.max(1),
            buffer: Vec::new(),
            runs: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Spills a sorted run when the buffer holds `budget` records or more.
    ///
    /// # Errors
    /// When a run cannot be written.
    pub fn maybe_spill(&mut self) -> io::Result<()> {
        if self.buffer.len() >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// Spills what is left and returns this thread's runs.
    ///
    /// # Errors
    /// When a run cannot be written.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        Ok(self.runs)
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buffer
            .sort_unstable_by_key(|r| (r.time, r.user, r.seq));
        let n = SPILLS.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.path().join(format!("run-{n}"));
        let mut w = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        for r in &self.buffer {
            self.scratch.clear();
            write_event(&mut self.scratch, &self.tenant, r);
            write_entry(&mut w, (r.time, r.user, r.seq), r.kind, &self.scratch)?;
        }
        w.flush()?;
        self.buffer.clear();
        self.runs.push(path);
        Ok(())
    }
}

/// Writes one entry (header and JSON).
pub fn write_entry(w: &mut impl Write, key: Key, kind: LogKind, json: &[u8]) -> io::Result<()> {
    let mut h = [0u8; HEADER];
    h[0..8].copy_from_slice(&key.0.to_le_bytes());
    h[8..16].copy_from_slice(&key.1.to_le_bytes());
    h[16..20].copy_from_slice(&key.2.to_le_bytes());
    h[20] = kind as u8;
    let len = u32::try_from(json.len()).map_err(|_| io::Error::other("log event too long"))?;
    h[24..28].copy_from_slice(&len.to_le_bytes());
    w.write_all(&h)?;
    w.write_all(json)
}

/// A run being read: its next entry.
struct Cursor {
    reader: BufReader<File>,
    key: Key,
    kind: LogKind,
    json: Vec<u8>,
    path: PathBuf,
}

impl Cursor {
    fn open(path: &Path) -> io::Result<Option<Cursor>> {
        let mut c = Cursor {
            reader: BufReader::with_capacity(1 << 16, File::open(path)?),
            key: (0, 0, 0),
            kind: LogKind::LoginSso,
            json: Vec::new(),
            path: path.to_path_buf(),
        };
        Ok(c.advance()?.then_some(c))
    }

    /// Reads the next entry; false at the end of the run.
    fn advance(&mut self) -> io::Result<bool> {
        let mut h = [0u8; HEADER];
        match self.reader.read_exact(&mut h[..1]) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
        let bad = |what: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {what}", self.path.display()),
            )
        };
        self.reader
            .read_exact(&mut h[1..])
            .map_err(|_| bad("truncated entry header"))?;
        let word = |a: usize| u64::from_le_bytes(h[a..a + 8].try_into().unwrap_or_default());
        let key = (
            word(0),
            word(8),
            u32::from_le_bytes(h[16..20].try_into().unwrap_or_default()),
        );
        let kind = LogKind::from_byte(h[20]).ok_or_else(|| bad("unknown event kind"))?;
        let len = u32::from_le_bytes(h[24..28].try_into().unwrap_or_default()) as usize;
        if len > 1 << 20 {
            return Err(bad("entry longer than 1 MiB"));
        }
        if key < self.key {
            return Err(bad("entries out of order"));
        }
        self.json.resize(len, 0);
        self.reader
            .read_exact(&mut self.json)
            .map_err(|_| bad("truncated entry"))?;
        self.key = key;
        self.kind = kind;
        Ok(true)
    }
}

/// Events written, by kind (index: `LogKind as usize`).
pub type KindCounts = [u64; LogKind::ALL.len()];

/// Merges sorted runs into one stream, in key order, handing each entry to
/// `emit`; returns how many of each kind there were.
///
/// # Errors
/// An unreadable or damaged run, or an error of `emit`.
pub fn merge_runs(
    runs: &[PathBuf],
    mut emit: impl FnMut(Key, LogKind, &[u8]) -> io::Result<()>,
) -> io::Result<KindCounts> {
    let mut cursors = Vec::new();
    for path in runs {
        if let Some(c) = Cursor::open(path)? {
            cursors.push(c);
        }
    }
    let mut heap: BinaryHeap<Reverse<(Key, usize)>> = cursors
        .iter()
        .enumerate()
        .map(|(i, c)| Reverse((c.key, i)))
        .collect();
    let mut counts = [0u64; LogKind::ALL.len()];
    while let Some(Reverse((_, i))) = heap.pop() {
        let c = &mut cursors[i];
        counts[c.kind as usize] += 1;
        emit(c.key, c.kind, &c.json)?;
        if c.advance()? {
            heap.push(Reverse((c.key, i)));
        }
    }
    Ok(counts)
}

/// How the log file holds its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// `logs.jsonl`: one JSON object per line.
    #[default]
    Jsonl,
    /// `logs.json`: one JSON array, one event per line (the Management API's
    /// page format).
    Array,
}

impl LogFormat {
    /// The file name in a run folder.
    pub fn file_name(self) -> &'static str {
        match self {
            LogFormat::Jsonl => "logs.jsonl",
            LogFormat::Array => "logs.json",
        }
    }
}

/// Merges `runs` into `out` as a log file of `format`; returns the counts
/// by kind and the bytes written.
///
/// # Errors
/// An unreadable or damaged run, or a write error.
pub fn write_log(
    runs: &[PathBuf],
    format: LogFormat,
    out: &mut impl Write,
) -> io::Result<(KindCounts, u64)> {
    let mut bytes = 0u64;
    let mut first = true;
    if format == LogFormat::Array {
        out.write_all(b"[")?;
        bytes += 1;
    }
    let counts = merge_runs(runs, |_, _, json| {
        let sep: &[u8] = match (format, first) {
            (LogFormat::Jsonl, _) => b"",
            (LogFormat::Array, true) => b"\n",
            (LogFormat::Array, false) => b",\n",
        };
        first = false;
        out.write_all(sep)?;
        out.write_all(json)?;
        bytes += (sep.len() + json.len()) as u64;
        if format == LogFormat::Jsonl {
            out.write_all(b"\n")?;
            bytes += 1;
        }
        Ok(())
    })?;
    if format == LogFormat::Array {
        let end: &[u8] = if first { b"]\n" } else { b"\n]\n" };
        out.write_all(end)?;
        bytes += end.len() as u64;
    }
    out.flush()?;
    Ok((counts, bytes))
}

/// Merges `runs` into one run (a shard's `logs.part`).
///
/// # Errors
/// An unreadable or damaged run, or a write error.
pub fn write_run(runs: &[PathBuf], out: &mut impl Write) -> io::Result<KindCounts> {
    let counts = merge_runs(runs, |key, kind, json| write_entry(out, key, kind, json))?;
    out.flush()?;
    Ok(counts)
}
