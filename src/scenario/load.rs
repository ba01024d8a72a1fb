//! Reading a scenario: file → text → TOML tree → `--set` overrides → validation.
//!
//! Each stage refuses with a [`ScenarioError`] naming the file: unreadable or non-UTF-8
//! files, TOML syntax errors (with line and column), overrides that cannot be applied,
//! then every validation problem at once (design §8). Nothing here panics on input.

use super::Scenario;
use super::error::{Origin, Place, Problem, ScenarioError};
use super::overrides::{Override, apply};
use super::reader::Problems;
use super::validate::validate;
use std::io::Read;
use std::path::Path;
use toml::Table;

/// Loads, overrides and validates a scenario file. `name` defaults to the file stem.
///
/// # Errors
/// A [`ScenarioError`] listing every problem: a missing or unreadable file, a
/// directory, a file over [`MAX_SCENARIO_BYTES`], non-UTF-8 bytes, TOML syntax, a `--set` that cannot apply, or any
/// value refused by validation.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let refuse =
        |place: Place, message: String| ScenarioError::single(&file, Origin::File, place, message);
    if path.is_dir() {
        return Err(refuse(
            Place::Whole,
            "is a directory; give the path of a scenario file (.toml)".to_string(),
        ));
    }
    let bytes = read_capped(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        };
        refuse(
            Place::Whole,
            format!("cannot read: {why}; give the path of a readable scenario file"),
        )
    })?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(refuse(
            Place::Whole,
            format!(
                "is larger than the limit of {MAX_SCENARIO_BYTES} bytes; a scenario file is a few kilobytes of TOML"
            ),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let (line, column) = position(e.as_bytes().get(..valid).unwrap_or_default(), valid);
        refuse(
            Place::Position { line, column },
            "not UTF-8 text; save the scenario as UTF-8".to_string(),
        )
    })?;
    from_str(&text, &file, overrides)
}

/// Largest scenario file read (1 MiB): real ones are a few kilobytes, and the
/// cap keeps a wrong path (a log, a disk image, `/dev/zero`) from filling memory.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Reads at most [`MAX_SCENARIO_BYTES`] + 1 bytes: enough to tell a file over
/// the limit, whatever its size or kind (an endless device included).
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Same as [`load`] from text; `file` names it in messages, and its stem is the
/// default `name` ("scenario" when it has none).
///
/// # Errors
/// As [`load`], minus the file-system ones.
pub fn from_str(text: &str, file: &str, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::single(
            file,
            Origin::File,
            Place::Whole,
            format!(
                "is larger than the limit of {MAX_SCENARIO_BYTES} bytes; a scenario file is a few kilobytes of TOML"
            ),
        ));
    }
    let mut root = parse(text, file)?;
    let written = apply(&mut root, overrides).map_err(|problems| ScenarioError {
        file: file.to_string(),
        problems,
    })?;
    let default_name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("scenario");
    let mut problems = Problems::new(written);
    let scenario = validate(&root, default_name, &mut problems);
    let scenario = super::events::read(&root, scenario, default_name, &mut problems);
    match scenario {
        Some(s) if problems.is_empty() => Ok(s),
        _ => Err(ScenarioError {
            file: file.to_string(),
            problems: non_empty(problems.into_vec()),
        }),
    }
}

/// Parses TOML, reporting a syntax error at its line and column.
fn parse(text: &str, file: &str) -> Result<Table, ScenarioError> {
    text.parse::<Table>().map_err(|e| {
        let start = e.span().map_or(0, |s| s.start);
        let (line, column) = position(text.as_bytes(), start);
        let what = e.message().trim().replace('\n', " ");
        // The TOML reader stops at a fixed nesting depth rather than
        // overflowing the stack; say so in the scenario's terms.
        let message = if what.contains("recurs") {
            "tables or arrays nested too deeply for the TOML reader; a scenario nests at most 4 levels (apps.0.local_session.idle_timeout)".to_string()
        } else {
            format!("{what}; the file must be valid TOML (https://toml.io)")
        };
        ScenarioError::single(file, Origin::File, Place::Position { line, column }, message)
    })
}

/// 1-based line and column (in characters) of byte `offset` in `bytes`.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Guards the "never empty" promise of [`ScenarioError::problems`].
fn non_empty(mut problems: Vec<Problem>) -> Vec<Problem> {
    if problems.is_empty() {
        problems.push(Problem {
            origin: Origin::File,
            place: Place::Whole,
            message:
                "the scenario was refused without a reason (a bug in ssosim); please report it"
                    .to_string(),
        });
    }
    problems
}
