//! Time order with bounded memory: each worker thread keeps at most `budget`
//! records; when full, it sorts them by (time, user, sequence) and writes
//! them to a temporary file — a sorted run of compact binary records. At the
//! end the runs are merged (k-way, by the same key) and each record is
//! formatted as it goes into the log file. The key orders every record
//! totally, so the merged bytes do not depend on which thread simulated which
//! user, nor on where the runs were cut.
//!
//! A run file is a sequence of 52-byte records, little-endian: time, user,
//! identity, session (`u64` each), sequence, count, latest (`u32` each), app,
//! connection (`u16` each), kind, browser kind (`u8` each), 2 zero bytes. A
//! shard's `logs.part` is one such run.

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

/// Bytes of one record in a run file.
const RECORD: usize = 52;

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
    budget: usize,
    /// Records not yet spilled.
    pub buffer: Vec<LogRecord>,
    runs: Vec<PathBuf>,
}

impl Spiller {
    /// A spiller writing runs into `dir`, at most `budget` records held.
    pub fn new(dir: Arc<SpillDir>, budget: usize) -> Self {
        Spiller {
            dir,
            budget: budget.max(1),
            buffer: Vec::new(),
            runs: Vec::new(),
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
            write_record(&mut w, r)?;
        }
        w.flush()?;
        self.buffer.clear();
        self.runs.push(path);
        Ok(())
    }
}

/// Writes one record.
pub fn write_record(w: &mut impl Write, r: &LogRecord) -> io::Result<()> {
    let mut b = [0u8; RECORD];
    b[0..8].copy_from_slice(&r.time.to_le_bytes());
    b[8..16].copy_from_slice(&r.user.to_le_bytes());
    b[16..24].copy_from_slice(&r.identity.to_le_bytes());
    b[24..32].copy_from_slice(&r.session.to_le_bytes());
    b[32..36].copy_from_slice(&r.seq.to_le_bytes());
    b[36..40].copy_from_slice(&r.count.to_le_bytes());
    b[40..44].copy_from_slice(&r.latest.to_le_bytes());
    b[44..46].copy_from_slice(&r.app.to_le_bytes());
    b[46..48].copy_from_slice(&r.connection.to_le_bytes());
    b[48] = r.kind as u8;
    b[49] = r.browser;
    w.write_all(&b)
}

/// The order of the log.
fn key(r: &LogRecord) -> Key {
    (r.time, r.user, r.seq)
}

/// A run being read: its next record.
struct Cursor {
    reader: BufReader<File>,
    record: LogRecord,
    path: PathBuf,
}

impl Cursor {
    fn open(path: &Path) -> io::Result<Option<Cursor>> {
        let mut c = Cursor {
            reader: BufReader::with_capacity(1 << 16, File::open(path)?),
            record: LogRecord {
                time: 0,
                user: 0,
                identity: 0,
                session: 0,
                seq: 0,
                count: 0,
                latest: 0,
                app: 0,
                connection: 0,
                browser: 0,
                kind: LogKind::LoginSso,
            },
            path: path.to_path_buf(),
        };
        Ok(c.advance()?.then_some(c))
    }

    /// Reads the next record; false at the end of the run.
    fn advance(&mut self) -> io::Result<bool> {
        let mut b = [0u8; RECORD];
        match self.reader.read_exact(&mut b[..1]) {
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
            .read_exact(&mut b[1..])
            .map_err(|_| bad("truncated record"))?;
        let u64_at = |a: usize| u64::from_le_bytes(b[a..a + 8].try_into().unwrap_or_default());
        let u32_at = |a: usize| u32::from_le_bytes(b[a..a + 4].try_into().unwrap_or_default());
        let u16_at = |a: usize| u16::from_le_bytes(b[a..a + 2].try_into().unwrap_or_default());
        let r = LogRecord {
            time: u64_at(0),
            user: u64_at(8),
            identity: u64_at(16),
            session: u64_at(24),
            seq: u32_at(32),
            count: u32_at(36),
            latest: u32_at(40),
            app: u16_at(44),
            connection: u16_at(46),
            browser: b[49],
            kind: LogKind::from_byte(b[48]).ok_or_else(|| bad("unknown event kind"))?,
        };
        if key(&r) < key(&self.record) {
            return Err(bad("records out of order"));
        }
        self.record = r;
        Ok(true)
    }
}

/// Events written, by kind (index: `LogKind as usize`).
pub type KindCounts = [u64; LogKind::ALL.len()];

/// Merges sorted runs into one stream, in key order, handing each record to
/// `emit`; returns how many of each kind there were.
///
/// # Errors
/// An unreadable or damaged run, or an error of `emit`.
pub fn merge_runs(
    runs: &[PathBuf],
    mut emit: impl FnMut(&LogRecord) -> io::Result<()>,
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
        .map(|(i, c)| Reverse((key(&c.record), i)))
        .collect();
    let mut counts = [0u64; LogKind::ALL.len()];
    while let Some(Reverse((_, i))) = heap.pop() {
        let c = &mut cursors[i];
        counts[c.record.kind as usize] += 1;
        emit(&c.record)?;
        if c.advance()? {
            heap.push(Reverse((key(&c.record), i)));
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
    /// Its name in `--logs-format` and in a shard's manifest.
    pub fn key(self) -> &'static str {
        match self {
            LogFormat::Jsonl => "jsonl",
            LogFormat::Array => "array",
        }
    }

    /// The format named `key`, if any.
    pub fn from_key(key: &str) -> Option<LogFormat> {
        [LogFormat::Jsonl, LogFormat::Array]
            .into_iter()
            .find(|f| f.key() == key)
    }

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
    tenant: &Tenant,
    format: LogFormat,
    out: &mut impl Write,
) -> io::Result<(KindCounts, u64)> {
    let mut bytes = 0u64;
    let mut first = true;
    let mut json = Vec::with_capacity(1024);
    if format == LogFormat::Array {
        out.write_all(b"[")?;
        bytes += 1;
    }
    let counts = merge_runs(runs, |r| {
        json.clear();
        write_event(&mut json, tenant, r);
        let sep: &[u8] = match (format, first) {
            (LogFormat::Jsonl, _) => b"",
            (LogFormat::Array, true) => b"\n",
            (LogFormat::Array, false) => b",\n",
        };
        first = false;
        out.write_all(sep)?;
        out.write_all(&json)?;
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
    let counts = merge_runs(runs, |r| write_record(out, r))?;
    out.flush()?;
    Ok(counts)
}
