//! A small typed reader over the TOML tree.
//!
//! Every value read goes through [`Section::get`], which records the key as accepted;
//! [`Section::finish`] then reports every key of the table that nobody asked for, with a
//! "did you mean" suggestion or the list of accepted keys (design §8: unknown keys are
//! refused). Typed getters return `None` after recording a problem, so validation goes
//! on and collects every problem, and checks that combine two values run only when
//! both are valid (no second error caused by the first).

use super::error::{Origin, Place, Problem};
use super::suggest::closest;
use super::types::Delay;
use crate::time::{DURATION_FORMS, Dur, DurationError, parse_duration};

/// The forms a delay may take, quoted in every error about one.
pub(super) const DELAY_FORMS: &str = "a string such as \"40ms\" or \"8s\" (a constant) or a table { median = \"8s\", p90 = \"30s\" } (log-normal: both durations, p90 at least the median)";
use toml::{Table, Value};

/// Collects problems, attributing each to the file or to the `--set` flag that wrote
/// the key (or a key above or below it).
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    /// Canonical dotted key written by each applied `--set` flag, with the flag text.
    flags: Vec<(String, String)>,
}

impl Problems {
    /// A collector that knows which keys the `--set` flags wrote.
    pub(crate) fn new(flags: Vec<(String, String)>) -> Self {
        Problems {
            list: Vec::new(),
            flags,
        }
    }

    /// Records a problem about `key`: "what is wrong; what is accepted".
    pub(crate) fn at(&mut self, key: &str, message: impl Into<String>) {
        let origin = self.origin_of(key);
        self.list.push(Problem {
            origin,
            place: Place::Key(key.to_string()),
            message: message.into(),
        });
    }

    /// Records a problem about `key` found by comparing it with `other` (an idle
    /// timeout longer than the absolute one): it names the flag that wrote `key`,
    /// else the flag that wrote `other`, else the file.
    pub(crate) fn at_pair(&mut self, key: &str, other: &str, message: impl Into<String>) {
        let origin = match self.origin_of(key) {
            Origin::File => self.origin_of(other),
            flag => flag,
        };
        self.list.push(Problem {
            origin,
            place: Place::Key(key.to_string()),
            message: message.into(),
        });
    }

    /// True when nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems recorded, in order.
    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }

    /// The last flag whose key is `key`, above it or below it; else the file.
    fn origin_of(&self, key: &str) -> Origin {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| related(k, key))
            .map_or(Origin::File, |(_, flag)| Origin::Flag(flag.clone()))
    }
}

/// True when one dotted key is the other or lies under it (`a.b` and `a.b.c`).
fn related(a: &str, b: &str) -> bool {
    let under = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    under(a, b) || under(b, a)
}

/// Joins a dotted key: `child("users", "connections")` is `users.connections`.
pub(crate) fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A table being read: its dotted key and the names asked for so far.
#[derive(Debug)]
pub(crate) struct Section<'a> {
    table: &'a Table,
    path: String,
    asked: Vec<&'static str>,
}

/// An empty table, read when a section is absent so its defaults apply.
static EMPTY: std::sync::LazyLock<Table> = std::sync::LazyLock::new(Table::new);

impl<'a> Section<'a> {
    /// Reads `table`, found at dotted key `path` (`""` for the top level).
    pub(crate) fn new(table: &'a Table, path: impl Into<String>) -> Self {
        Section {
            table,
            path: path.into(),
            asked: Vec::new(),
        }
    }

    /// The dotted key of `name` in this table.
    pub(crate) fn key(&self, name: &str) -> String {
        child(&self.path, name)
    }

    /// The value of `name`, recording `name` as an accepted key.
    pub(crate) fn get(&mut self, name: &'static str) -> Option<&'a Value> {
        self.asked.push(name);
        self.table.get(name)
    }

    /// True when the table has `name` (does not mark it accepted).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.table.contains_key(name)
    }

    /// The sub-table `name`, read as a section; an absent one reads as empty, so
    /// defaults apply. `None` (problem recorded) when it is not a table.
    pub(crate) fn section(&mut self, p: &mut Problems, name: &'static str) -> Option<Section<'a>> {
        let key = self.key(name);
        match self.get(name) {
            None => Some(Section::new(&EMPTY, key)),
            Some(Value::Table(t)) => Some(Section::new(t, key)),
            Some(other) => {
                p.at(
                    &key,
                    format!(
                        "expected a table, found {}; use a [{key}] table",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// Reports every key nobody asked for: unknown keys (design §8).
    pub(crate) fn finish(self, p: &mut Problems) {
        for name in self.table.keys() {
            if !self.asked.contains(&name.as_str()) {
                p.at(&self.key(name), unknown_key(&self.path, name, &self.asked));
            }
        }
    }

    /// A string value, or `default` when absent.
    pub(crate) fn string(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: Option<&str>,
    ) -> Option<String> {
        let key = self.key(name);
        match (self.get(name), default) {
            (Some(Value::String(s)), _) => Some(s.clone()),
            (None, Some(d)) => Some(d.to_string()),
            (None, None) => {
                p.at(&key, "missing; this key is required (a string)");
                None
            }
            (Some(other), _) => {
                p.at(
                    &key,
                    format!("expected a string, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// One of `choices` (scenario spelling, value), or `default` when absent.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: Option<T>,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let key = self.key(name);
        let accepted = || {
            let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            names.join(", ")
        };
        match (self.get(name), default) {
            (None, Some(d)) => Some(d),
            (None, None) => {
                p.at(
                    &key,
                    format!("missing; this key is required, one of {}", accepted()),
                );
                None
            }
            (Some(Value::String(s)), _) => {
                let found = choices.iter().find(|(n, _)| n == s).map(|(_, v)| *v);
                if found.is_none() {
                    p.at(
                        &key,
                        format!("unknown value \"{s}\"; use one of {}", accepted()),
                    );
                }
                found
            }
            (Some(other), _) => {
                p.at(
                    &key,
                    format!(
                        "expected a string, found {}; use one of {}",
                        describe(other),
                        accepted()
                    ),
                );
                None
            }
        }
    }

    /// A boolean, or `default` when absent.
    pub(crate) fn boolean(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: bool,
    ) -> Option<bool> {
        let key = self.key(name);
        match self.get(name) {
            None => Some(default),
            Some(Value::Boolean(b)) => Some(*b),
            Some(other) => {
                p.at(
                    &key,
                    format!("expected true or false, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A whole number in `min..=max`, or `default` when absent.
    pub(crate) fn integer(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: u64,
        (min, max): (u64, u64),
    ) -> Option<u64> {
        let key = self.key(name);
        let accepted = format!("use a whole number from {min} to {max}");
        match self.get(name) {
            None => Some(default),
            Some(Value::Integer(i)) => match u64::try_from(*i) {
                Ok(v) if (min..=max).contains(&v) => Some(v),
                Ok(v) if v > max => {
                    p.at(&key, format!("{v} is above the limit of {max}; {accepted}"));
                    None
                }
                _ => {
                    p.at(&key, format!("{i} is below {min}; {accepted}"));
                    None
                }
            },
            Some(other) => {
                p.at(
                    &key,
                    format!(
                        "expected a whole number, found {}; {accepted}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// A finite number in `0..=max` (integers accepted), or `default` when absent.
    /// A `max` of 1 reads as a share in messages.
    pub(crate) fn number(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: f64,
        max: f64,
    ) -> Option<f64> {
        let key = self.key(name);
        match self.get(name) {
            None => Some(default),
            Some(v) => number_value(p, &key, v, max),
        }
    }

    /// A delay (a duration, or `{ median, p90 }`), or `default` when absent.
    pub(crate) fn delay(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: Delay,
    ) -> Option<Delay> {
        let key = self.key(name);
        match self.get(name) {
            None => Some(default),
            Some(v) => delay_value(p, &key, v),
        }
    }

    /// A duration string, or `default` when absent (design §1: bare numbers refused).
    /// Durations above [`MAX_DURATION`] are refused so that sums of times never overflow.
    pub(crate) fn duration(
        &mut self,
        p: &mut Problems,
        name: &'static str,
        default: u64,
    ) -> Option<u64> {
        let key = self.key(name);
        match self.get(name) {
            None => Some(default),
            Some(v) => duration_value(p, &key, v),
        }
    }
}

/// Longest duration accepted anywhere (100 years of 365 days): far beyond any study,
/// and small enough that adding a few of them to a time never overflows `u64`.
pub const MAX_DURATION: u64 = 36_500 * crate::time::DAY;

/// Reads a number in `0..=max` at `key`: finite, not negative (design §8).
/// A `max` of 1 reads as a share.
pub(crate) fn number_value(p: &mut Problems, key: &str, v: &Value, max: f64) -> Option<f64> {
    let accepted = if max == 1.0 {
        "use a share from 0 to 1".to_string()
    } else {
        format!("use a number from 0 to {max}")
    };
    let x = match v {
        Value::Float(x) => *x,
        // Integers are accepted where numbers are expected (3 reads as 3.0).
        Value::Integer(i) => *i as f64,
        other => {
            p.at(
                key,
                format!("expected a number, found {}; {accepted}", describe(other)),
            );
            return None;
        }
    };
    let wrong = if !x.is_finite() {
        format!("{x} is not a finite number")
    } else if x < 0.0 {
        format!("{x} is negative")
    } else if x > max {
        format!("{x} is above the limit of {max}")
    } else {
        return Some(x);
    };
    p.at(key, format!("{wrong}; {accepted}"));
    None
}

/// Reads a duration at `key` (design §1): a string such as `"1d12h"`, never a bare number.
pub(crate) fn duration_value(p: &mut Problems, key: &str, v: &Value) -> Option<u64> {
    match duration_or_wrong(v) {
        Ok(ms) => Some(ms),
        Err(wrong) => {
            p.at(key, format!("{wrong}; use {DURATION_FORMS}"));
            None
        }
    }
}

/// Reads a delay at `key`: a duration (a constant), or an inline table
/// `{ median, p90 }` of two durations with `p90 ≥ median` (log-normal; a
/// constant when equal, which needs `median > 0` otherwise).
pub(crate) fn delay_value(p: &mut Problems, key: &str, v: &Value) -> Option<Delay> {
    let Value::Table(t) = v else {
        return match duration_or_wrong(v) {
            Ok(ms) => Some(Delay::constant(ms)),
            Err(wrong) => {
                p.at(key, format!("{wrong}; use {DELAY_FORMS}"));
                None
            }
        };
    };
    let mut s = Section::new(t, key);
    let mut part = |p: &mut Problems, name: &'static str| {
        let k = s.key(name);
        match s.get(name) {
            None => {
                p.at(&k, format!("missing; give both median and p90, e.g. {key} = {{ median = \"8s\", p90 = \"30s\" }}"));
                None
            }
            Some(v) => duration_value(p, &k, v),
        }
    };
    let median = part(p, "median");
    let p90 = part(p, "p90");
    s.finish(p);
    let (median, p90) = (median?, p90?);
    if p90 < median {
        p.at(
            &child(key, "p90"),
            format!(
                "{} is below the median {}; use {DELAY_FORMS}",
                Dur(p90),
                Dur(median)
            ),
        );
        return None;
    }
    if median == 0 && p90 > 0 {
        p.at(
            &child(key, "median"),
            format!(
                "0ms with p90 {} is no log-normal; use a median above 0ms, or {key} = \"0ms\" for no delay",
                Dur(p90)
            ),
        );
        return None;
    }
    Some(Delay { median, p90 })
}

/// A duration's milliseconds, or what is wrong with the value.
fn duration_or_wrong(v: &Value) -> Result<u64, String> {
    let wrong = match v {
        Value::String(s) => match parse_duration(s) {
            Ok(ms) if ms <= MAX_DURATION => return Ok(ms),
            Ok(ms) => format!("{} is above the limit of {}", Dur(ms), Dur(MAX_DURATION)),
            Err(DurationError::MissingUnit(_)) => format!("\"{s}\" has no unit"),
            Err(DurationError::Overflow(_)) => format!(
                "\"{}\" is too long, above the limit of {}",
                shorten(s),
                Dur(MAX_DURATION)
            ),
            Err(e) => e.to_string(),
        },
        Value::Integer(i) => format!("bare number {i} is not a duration"),
        Value::Float(x) => format!("bare number {x} is not a duration"),
        other => format!("expected a duration, found {}", describe(other)),
    };
    Err(wrong)
}

/// The message for an unknown key: a close accepted key, or the whole list.
fn unknown_key(path: &str, name: &str, accepted: &[&str]) -> String {
    match closest(name, accepted) {
        Some(near) => format!("unknown key; did you mean {}?", child(path, near)),
        None if accepted.is_empty() => "unknown key; this table takes no keys".to_string(),
        None => format!("unknown key; accepted keys: {}", accepted.join(", ")),
    }
}

/// Describes a value for "found ..." in messages: its type and, if short, itself.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string \"{}\"", shorten(s)),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(x) => format!("the number {x:?}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::Datetime(d) => format!("the date-time {d}"),
        Value::Array(_) => "an array".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

/// At most 40 characters of `s`, with "..." when cut.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relates_keys_by_whole_segments() {
        assert!(related("a.b", "a.b"));
        assert!(related("a.b", "a.b.c"));
        assert!(related("a.b.c", "a"));
        assert!(!related("a.b", "a.bc"));
    }
}
