//! `--set KEY=VALUE` overrides, applied to the TOML tree before validation (design §10).
//!
//! # Syntax
//!
//! - `KEY` is a dotted scenario key: `simulation.users`, `authorization_server.idle_timeout`,
//!   `identity_providers.google.idle_timeout` (tables that do not exist yet are created,
//!   so a flag can add an identity provider or a connection).
//! - `VALUE` is read as a TOML value; when it is not valid TOML it is taken as a string,
//!   so `--set authorization_server.idle_timeout=1d` and `--set simulation.users=1000000`
//!   both work, and `--set 'users.connections={ password = 0.5, facebook = 0.5 }'` replaces
//!   a whole table.
//! - `[[apps]]` is an array: its element is chosen by index, `apps.0.kind=native`, or by
//!   the app's `name`, `apps.storezero.kind=native`. A part made only of digits is an
//!   index. The app must exist (a flag does not add apps, except by replacing `apps` as a
//!   whole with an inline array). Messages always name apps by index (`apps.0.kind`), a
//!   key that `--set` accepts as is.
//!
//! The overridden tree then goes through the same validation as the file; a problem with
//! a key a flag wrote (or a key above or below it) names the flag.

use super::error::{Origin, Place, Problem, ScenarioError};
use super::reader::describe;
use toml::{Table, Value};

/// A `--set KEY=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key, e.g. `authorization_server.idle_timeout` or `apps.0.kind`.
    pub key: String,
    /// The value as given on the command line.
    pub value: String,
}

impl Override {
    /// The flag as written, `KEY=VALUE`, for messages.
    pub fn flag(&self) -> String {
        format!("{}={}", self.key, self.value)
    }
}

/// Parses `KEY=VALUE`, the argument of `--set`. Key and value are trimmed.
///
/// # Errors
/// A [`ScenarioError`] naming the flag when there is no `=`, the key is empty or a part
/// of the dotted key is empty (`a..b`).
pub fn parse_override(text: &str) -> Result<Override, ScenarioError> {
    let refuse = |message: String| {
        ScenarioError::single("", Origin::Flag(text.to_string()), Place::Whole, message)
    };
    let example = "use --set KEY=VALUE, e.g. --set simulation.users=1000";
    let Some((key, value)) = text.split_once('=') else {
        return Err(refuse(format!("no \"=\" in the flag; {example}")));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(refuse(format!("empty key; {example}")));
    }
    if let Some(message) = too_deep(key) {
        return Err(refuse(message));
    }
    if key.split('.').any(|part| part.trim().is_empty()) {
        return Err(refuse(format!(
            "\"{key}\" has an empty part; use a dotted key such as authorization_server.idle_timeout"
        )));
    }
    Ok(Override {
        key: key.to_string(),
        value: value.trim().to_string(),
    })
}

/// Most parts in a `--set` key. The deepest scenario key has four
/// (`apps.0.local_session.idle_timeout`); the cap keeps a hostile key from
/// building a tree so deep that walking or dropping it overflows the stack.
pub const MAX_KEY_PARTS: usize = 8;

/// Why a key is refused for its depth, if it is.
fn too_deep(key: &str) -> Option<String> {
    let parts = key.split('.').count();
    (parts > MAX_KEY_PARTS).then(|| {
        format!(
            "the key has {parts} dotted parts, more than the limit of {MAX_KEY_PARTS}; scenario keys have at most 4, e.g. apps.0.local_session.idle_timeout"
        )
    })
}

/// Reads a `--set` value: a TOML value if it is one, else the text as a string.
pub(crate) fn parse_value(text: &str) -> Value {
    match format!("v = {text}").parse::<Table>() {
        Ok(mut t) if t.len() == 1 => t.remove("v").unwrap_or_else(|| string(text)),
        _ => string(text),
    }
}

fn string(text: &str) -> Value {
    Value::String(text.to_string())
}

/// Applies every override in order. Returns, for each applied flag, the canonical dotted
/// key it wrote (apps by index) and the flag text, so later problems can name the flag;
/// or every problem found while applying them.
pub(crate) fn apply(
    root: &mut Table,
    overrides: &[Override],
) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let mut tree = Value::Table(std::mem::take(root));
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for o in overrides {
        // Overrides built in code skip parse_override: check the depth here too.
        if let Some(message) = too_deep(&o.key) {
            problems.push(Problem {
                origin: Origin::Flag(o.flag()),
                place: Place::Whole,
                message,
            });
            continue;
        }
        let parts: Vec<&str> = o.key.split('.').map(str::trim).collect();
        let mut done = Vec::new();
        match set(&mut tree, &parts, parse_value(&o.value), &mut done) {
            Ok(()) => written.push((done.join("."), o.flag())),
            Err(message) => problems.push(Problem {
                origin: Origin::Flag(o.flag()),
                place: if done.is_empty() {
                    Place::Whole
                } else {
                    Place::Key(done.join("."))
                },
                message,
            }),
        }
    }
    if let Value::Table(t) = tree {
        *root = t;
    }
    if problems.is_empty() {
        Ok(written)
    } else {
        Err(problems)
    }
}

/// Writes `value` at `parts` under `slot`, pushing each canonical part onto `done`.
fn set(
    slot: &mut Value,
    parts: &[&str],
    value: Value,
    done: &mut Vec<String>,
) -> Result<(), String> {
    let Some((first, rest)) = parts.split_first() else {
        *slot = value;
        return Ok(());
    };
    if first.is_empty() {
        return Err("empty key; use --set KEY=VALUE".to_string());
    }
    match slot {
        Value::Table(t) => {
            done.push((*first).to_string());
            let next = t
                .entry(*first)
                .or_insert_with(|| Value::Table(Table::new()));
            set(next, rest, value, done)
        }
        Value::Array(items) => {
            let i = element(items, first)?;
            done.push(i.to_string());
            match items.get_mut(i) {
                Some(next) => set(next, rest, value, done),
                None => Err(format!("no element {first}")),
            }
        }
        other => Err(format!(
            "is {}, not a table, so it has no key \"{first}\"; --set goes into tables and [[apps]] only",
            describe(other)
        )),
    }
}

/// The index of the array element `part` names: an index, or the `name` of a table in it.
fn element(items: &[Value], part: &str) -> Result<usize, String> {
    let names: Vec<&str> = items
        .iter()
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .collect();
    let accepted = match (items.len(), names.is_empty()) {
        (0, _) => "the array is empty".to_string(),
        (n, true) => format!("use an index from 0 to {}", n - 1),
        (n, false) => format!(
            "use an index from 0 to {} or a name: {}",
            n - 1,
            names.join(", ")
        ),
    };
    if part.bytes().all(|b| b.is_ascii_digit()) {
        return match part.parse::<usize>() {
            Ok(i) if i < items.len() => Ok(i),
            _ => Err(format!("no element at index {part}; {accepted}")),
        };
    }
    items
        .iter()
        .position(|v| v.get("name").and_then(Value::as_str) == Some(part))
        .ok_or_else(|| format!("no element named \"{part}\"; {accepted}"))
}
