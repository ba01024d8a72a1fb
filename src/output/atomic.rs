//! Atomic file replacement: write a temporary file beside the target, flush it,
//! then rename it over the target, so a reader sees the old file or the new one,
//! never a part of either.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
///
/// # Errors
/// Any I/O error, with the temporary file removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes `path` atomically with what `fill` writes into it (buffered), for
/// files too big to hold in memory (a run's log).
///
/// # Errors
/// Any I/O error (of `fill` too), with the temporary file removed.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temporary_path(path);
    let result = (|| {
        let mut w = io::BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
        fill(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `dir/.name.tmp-<pid>`: hidden, unique per process, in the target's folder so
/// that the rename never crosses file systems.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("summary.csv");
        write_atomic(&target, b"old").unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_failed_write_keeps_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing-folder").join("x.csv");
        assert!(write_atomic(&target, b"data").is_err());
        assert!(!target.exists());
    }
}
