//! Reading the files of a run folder back: the errors every reader gives
//! (the file, the line, what is wrong and what was expected) and the CSV
//! helpers the readers beside each writer share.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a file of a run folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// The file does not follow the run-folder contract.
    #[error("{}: {}{message}", path.display(), line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when the problem is on one line.
        line: Option<u64>,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// The text of `path`.
///
/// # Errors
/// [`ReadError::Read`] naming it.
pub fn read(path: &Path) -> Result<String, ReadError> {
    fs::read_to_string(path).map_err(|source| ReadError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A [`ReadError::Malformed`] of `path` at `line`.
pub fn malformed(path: &Path, line: Option<u64>, message: impl Into<String>) -> ReadError {
    ReadError::Malformed {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// A CSV reader of `text` with its header.
pub fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes())
}

/// The header's fields, trimmed; refused when the file is empty.
pub fn header(path: &Path, reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, ReadError> {
    let header = reader.headers().map_err(|e| csv_error(path, &e))?;
    if header.is_empty() {
        return Err(malformed(
            path,
            None,
            "the file is empty; expected a header",
        ));
    }
    Ok(header.iter().map(|h| h.trim().to_string()).collect())
}

/// Reads the header and refuses any other than `expected`.
pub fn expect_header(
    path: &Path,
    reader: &mut csv::Reader<&[u8]>,
    expected: &[&str],
) -> Result<(), ReadError> {
    let found = header(path, reader)?;
    if found != expected {
        return Err(malformed(
            path,
            Some(1),
            format!(
                "header is `{}`; expected `{}`",
                found.join(","),
                expected.join(",")
            ),
        ));
    }
    Ok(())
}

/// A CSV error of `path` as a [`ReadError::Malformed`] with its line.
pub fn csv_error(path: &Path, e: &csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    malformed(path, line, message)
}

/// The 1-based line of `record`.
pub fn line_of(record: &csv::StringRecord) -> Option<u64> {
    record.position().map(|p| p.line())
}

/// The number in `column`; refused when empty or not finite.
pub fn number(path: &Path, line: Option<u64>, column: &str, text: &str) -> Result<f64, ReadError> {
    optional_number(path, line, column, text)?
        .ok_or_else(|| malformed(path, line, format!("{column} is empty; expected a number")))
}

/// The whole number in `column`; refused when it is not one (or does not
/// fit `T`).
pub fn whole<T: std::str::FromStr>(
    path: &Path,
    line: Option<u64>,
    column: &str,
    text: &str,
) -> Result<T, ReadError> {
    text.parse::<T>().map_err(|_| {
        malformed(
            path,
            line,
            format!("{column} `{text}` is not a whole number"),
        )
    })
}

/// The number in `column`, `None` when empty; refused when not finite.
pub fn optional_number(
    path: &Path,
    line: Option<u64>,
    column: &str,
    text: &str,
) -> Result<Option<f64>, ReadError> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(malformed(
            path,
            line,
            format!("{column} `{text}` is not a number"),
        )),
    }
}
