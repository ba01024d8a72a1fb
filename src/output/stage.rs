//! Writing a set of files as one: staged in a hidden sibling folder, then
//! published, so that a failed write never leaves a mix of old and new files.
//!
//! # Steps
//! 1. Refuse at once when a part of the target path exists and is not a
//!    folder, naming that part.
//! 2. Write every file into `.<name>.staging-<pid>-<n>` beside the target (same
//!    file system, so renames never copy). Any failure here — a full disk, a
//!    read-only or unwritable location — removes the staging folder and leaves
//!    the target untouched: previous results stay whole.
//! 3. Publish. A target that does not exist yet is the staging folder renamed:
//!    all files appear at once. An existing target first has each file name
//!    checked (a folder in the way refuses before anything moves), then each
//!    file renamed over the old one — atomic per file, and a rename within one
//!    folder of files already written does not fail for lack of space. Other
//!    files in the target (charts, the analyst's notes) are left alone.

use super::OutputError;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Staging folders made by this process, so that two writes to folders of one
/// name (tests, sweeps) never share one.
static STAGED: AtomicU64 = AtomicU64::new(0);

fn error(path: &Path, source: io::Error) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (name, bytes) into the folder `dir` as one set (see the
/// module docs) and returns their paths there, in order. Files are published
/// in the order given, so the last one (a shard's manifest) appears last.
///
/// # Errors
/// An [`OutputError`] naming the path that could not be written; `dir` then
/// holds exactly what it held before.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>, OutputError> {
    publish_folder(
        dir,
        |staging| {
            for (name, bytes) in files {
                // Named by where it was going: the staging folder is an implementation detail.
                write_staged(&staging.join(name), bytes).map_err(|e| error(&dir.join(name), e))?;
            }
            Ok(files.iter().map(|(name, _)| name.to_string()).collect())
        },
        |e| e,
    )
}

/// Writes one file of a staging folder and syncs it to disk, so that a
/// published folder never holds a file whose bytes are not there yet: every
/// file of every result folder (runs, shards, merges) is written this way.
///
/// # Errors
/// The I/O error of creating, writing or syncing it.
pub fn write_staged(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Publishes into `dir`, as one set, the files that `fill` writes into the
/// staging folder it is given (it returns their names, in publishing order):
/// steps 1 to 3 of the module docs. `io` turns a publishing error into the
/// caller's error type.
///
/// # Errors
/// The error of `fill`, or of publishing; `dir` then holds exactly what it
/// held before.
pub fn publish_folder<E>(
    dir: &Path,
    fill: impl FnOnce(&Path) -> Result<Vec<String>, E>,
    io: impl Fn(OutputError) -> E,
) -> Result<Vec<PathBuf>, E> {
    if let Some(blocker) = dir.ancestors().find(|a| a.is_file()) {
        return Err(io(error(
            blocker,
            io::Error::new(
                io::ErrorKind::NotADirectory,
                format!(
                    "exists and is not a folder, so {} cannot be created; choose another output folder",
                    dir.display()
                ),
            ),
        )));
    }
    let name = dir
        .file_name()
        .map_or_else(|| "run".to_string(), |n| n.to_string_lossy().into_owned());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| io(error(&parent, e)))?;
    let n = STAGED.fetch_add(1, Ordering::Relaxed);
    let staging = parent.join(format!(".{name}.staging-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = match fs::create_dir(&staging).map_err(|e| io(error(dir, e))) {
        Ok(()) => {
            fill(&staging).and_then(|names| publish_staged(dir, &staging, &names).map_err(&io))
        }
        Err(e) => Err(e),
    };
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Step 3: moves the staged files into `dir` (see the module docs).
fn publish_staged(
    dir: &Path,
    staging: &Path,
    names: &[String],
) -> Result<Vec<PathBuf>, OutputError> {
    let targets: Vec<PathBuf> = names.iter().map(|name| dir.join(name)).collect();
    if !dir.exists() && fs::rename(staging, dir).is_ok() {
        sync_folder(dir);
        return Ok(targets);
    }
    // A folder (not a link to one: renaming replaces a link) where a file goes.
    let in_the_way = |t: &&PathBuf| fs::symlink_metadata(t).is_ok_and(|m| m.is_dir());
    if let Some(blocker) = targets.iter().find(in_the_way) {
        return Err(error(
            blocker,
            io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a folder where a result file goes; move it away",
            ),
        ));
    }
    fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
    for (name, target) in names.iter().zip(&targets) {
        fs::rename(staging.join(name), target).map_err(|e| error(target, e))?;
    }
    sync_folder(dir);
    Ok(targets)
}

/// Makes the renames durable where the platform allows (best effort).
fn sync_folder(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_folder_appears_whole_and_no_staging_is_left() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("run");
        let paths = write_files(&dir, &[("x.csv", b"1"), ("y.json", b"2")]).unwrap();
        assert_eq!(paths, vec![dir.join("x.csv"), dir.join("y.json")]);
        assert_eq!(names(&dir), vec!["x.csv", "y.json"]);
        assert_eq!(names(&root.path().join("a")), vec!["run"]);
    }

    #[test]
    fn an_existing_folder_keeps_other_files_and_gets_new_ones() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::write(dir.join("x.csv"), "old").unwrap();
        write_files(&dir, &[("x.csv", b"new")]).unwrap();
        assert_eq!(fs::read(dir.join("x.csv")).unwrap(), b"new");
        assert_eq!(fs::read(dir.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(names(root.path()), vec!["run"]);
    }

    #[test]
    fn a_folder_in_the_way_refuses_before_anything_moves() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        fs::create_dir_all(dir.join("y.json")).unwrap();
        fs::write(dir.join("x.csv"), "old").unwrap();
        let e = write_files(&dir, &[("x.csv", b"new"), ("y.json", b"2")]).unwrap_err();
        assert_eq!(e.path, dir.join("y.json"));
        assert_eq!(fs::read(dir.join("x.csv")).unwrap(), b"old");
        assert_eq!(names(root.path()), vec!["run"]);
    }
}
