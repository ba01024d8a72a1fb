//! Reading a tenant's log events: JSON lines, JSON arrays (the Management
//! API's pages of `GET /api/v2/logs`) and log-stream deliveries (each event
//! under `data`, as Auth0's custom webhook and event-bridge streams send
//! them), in any mix, file after file.
//!
//! Hostile input never stops the reading: a line that is not JSON, an event
//! of a type the fit does not use, an event without a user id or with an
//! unreadable date, an event of another tenant than the first one — each is
//! counted, its first line numbers kept for the report, and skipped.

use super::stats::{Observation, ObservedKind};
use crate::logs::tenant::scenario_connection;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Why an event was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// The line (or file) is not JSON.
    Malformed,
    /// A JSON value that is not an event object.
    NotAnEvent,
    /// A `type` the fit does not use (or none).
    UnknownType,
    /// No `user_id` (or an empty one).
    NoUser,
    /// No `date`, or not an ISO 8601 UTC instant.
    BadDate,
    /// Another `tenant_name` than the first event's.
    OtherTenant,
}

impl Skip {
    /// Every reason, in report order.
    pub const ALL: [Skip; 6] = [
        Skip::Malformed,
        Skip::NotAnEvent,
        Skip::UnknownType,
        Skip::NoUser,
        Skip::BadDate,
        Skip::OtherTenant,
    ];

    /// The reason in words.
    pub fn words(self) -> &'static str {
        match self {
            Skip::Malformed => "not JSON",
            Skip::NotAnEvent => "not an event object",
            Skip::UnknownType => "event type not used by the fit",
            Skip::NoUser => "no user_id",
            Skip::BadDate => "no ISO 8601 date",
            Skip::OtherTenant => "another tenant",
        }
    }
}

/// Line numbers kept per reason, for the report.
const KEPT_LINES: usize = 5;

/// Everything read from the log files.
#[derive(Debug, Default)]
pub struct LogSet {
    /// Usable events.
    pub events: Vec<Observation>,
    /// User ids, by index of [`Observation::user`].
    pub users: Vec<String>,
    /// Connection names (scenario spelling: `password` or the IdP's name),
    /// by index of [`Observation::connection`].
    pub connections: Vec<String>,
    /// App names (`client_name`), by index of [`Observation::app`].
    pub apps: Vec<String>,
    /// The tenant of the first usable event.
    pub tenant: Option<String>,
    /// Skipped events, by reason: how many, and the first `file:line`s.
    pub skipped: Vec<(Skip, u64, Vec<String>)>,
    /// Events (lines or array elements) read.
    pub read: u64,
    user_index: HashMap<String, u32>,
}

impl LogSet {
    fn skip(&mut self, why: Skip, place: impl FnOnce() -> String) {
        let entry = match self.skipped.iter_mut().find(|(s, _, _)| *s == why) {
            Some(e) => e,
            None => {
                self.skipped.push((why, 0, Vec::new()));
                self.skipped.sort_by_key(|(s, _, _)| *s);
                self.skipped
                    .iter_mut()
                    .find(|(s, _, _)| *s == why)
                    .expect("just pushed")
            }
        };
        entry.1 += 1;
        if entry.2.len() < KEPT_LINES {
            entry.2.push(place());
        }
    }

    fn index(list: &mut Vec<String>, name: &str) -> u16 {
        match list.iter().position(|x| x == name) {
            Some(i) => i as u16,
            None => {
                list.push(name.to_string());
                (list.len() - 1) as u16
            }
        }
    }

    /// Reads one event value found at `place`.
    fn take(&mut self, v: &Value, place: &dyn Fn() -> String) {
        self.read += 1;
        // A log-stream delivery holds the event under `data`.
        let e = match v.get("data") {
            Some(d) if d.is_object() => d,
            _ => v,
        };
        if !e.is_object() {
            return self.skip(Skip::NotAnEvent, place);
        }
        let Some(kind) = e["type"].as_str().and_then(ObservedKind::from_code) else {
            return self.skip(Skip::UnknownType, place);
        };
        let user = e["user_id"].as_str().unwrap_or_default();
        if user.is_empty() {
            return self.skip(Skip::NoUser, place);
        }
        let Some(time) = e["date"]
            .as_str()
            .and_then(|d| crate::calendar::parse_iso(d).ok())
        else {
            return self.skip(Skip::BadDate, place);
        };
        let tenant = e["tenant_name"].as_str().unwrap_or_default();
        match &self.tenant {
            Some(t) if !tenant.is_empty() && t != tenant => {
                return self.skip(Skip::OtherTenant, place);
            }
            None if !tenant.is_empty() => self.tenant = Some(tenant.to_string()),
            _ => {}
        }
        let next = self.users.len() as u32;
        let user = *self.user_index.entry(user.to_string()).or_insert(next);
        if user == next {
            self.users
                .push(e["user_id"].as_str().unwrap_or_default().to_string());
        }
        let connection = match e["connection"].as_str() {
            Some(c) if !c.is_empty() => Self::index(&mut self.connections, &scenario_connection(c)),
            _ => u16::MAX,
        };
        let app = match e["client_name"].as_str() {
            Some(a) if !a.is_empty() => Self::index(&mut self.apps, a),
            _ => u16::MAX,
        };
        self.events.push(Observation {
            user,
            kind,
            time,
            app,
            connection,
        });
    }

    /// Reads a file of JSON lines, or one JSON array (a page of the
    /// Management API, or a batch of a log stream).
    ///
    /// # Errors
    /// When the file cannot be opened or read.
    pub fn read_file(&mut self, path: &Path) -> std::io::Result<()> {
        let name = path.display().to_string();
        let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
        // An array starts with `[` after any white space.
        let starts_array = loop {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                break false;
            }
            let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if blank < buf.len() {
                break buf[blank] == b'[';
            }
            let n = buf.len();
            reader.consume(n);
        };
        if starts_array {
            let mut text = String::new();
            if reader.read_to_string(&mut text).is_err() {
                self.read += 1;
                self.skip(Skip::Malformed, || format!("{name}: not UTF-8"));
                return Ok(());
            }
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Array(items)) => {
                    for (i, v) in items.iter().enumerate() {
                        self.take(v, &|| format!("{name}: element {}", i + 1));
                    }
                }
                _ => {
                    self.read += 1;
                    self.skip(Skip::Malformed, || format!("{name}: not a JSON array"));
                }
            }
            return Ok(());
        }
        let mut line = Vec::new();
        let mut number = 0u64;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            number += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Value>(&line) {
                Ok(v) => self.take(&v, &|| format!("{name}:{number}")),
                Err(_) => {
                    self.read += 1;
                    self.skip(Skip::Malformed, || format!("{name}:{number}"));
                }
            }
        }
        Ok(())
    }
}
