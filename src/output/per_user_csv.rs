//! `distributions.csv` and `segments.csv` (issue 13): per-user tails and the
//! headline metrics by segment of users.
//!
//! - `distributions.csv`: `metric,scope,count,users` — how many users had
//!   exactly `count` interactive logins, failed silent authentications (scope
//!   `all` and each `app:<name>`) or lost AS sessions (scope `as`) in the
//!   measured window (`simulation.duration`, after the warm-up), summed over
//!   replicas; every user appears once per (metric, scope), zeros included.
//! - `segments.csv`: `segment,metric,scope,value,ci95_low,ci95_high` —
//!   segments `connection=<name>`, `cookies=allowed|blocked|partitioned` and,
//!   with gamma-distributed visit rates, `activity=q1`…`q4`; per segment the
//!   users, protected visits, re-authentications, the reauth rate and the
//!   per-user monthly means of interactive logins, failed silent
//!   authentications and AS sessions lost. Values are means over replicas
//!   with a 95 % interval when there are several; a segment with no user in
//!   any replica is left out.

use super::read::{ReadError, csv_error, csv_reader, expect_header, line_of, whole};
use super::summary::{SummaryRow, summary_row};
use crate::metrics::Metrics;
use crate::metrics::catalog;
use crate::metrics::per_user::{PerUser, TailScope, UserCounter};
use crate::metrics::stats::{Estimate, fmt_num};
use crate::scenario::Scenario;
use std::path::Path;

/// `distributions.csv` bytes.
pub(super) fn distributions_csv(s: &Scenario, replicas: &[Metrics]) -> Vec<u8> {
    let mut all: Option<PerUser> = None;
    for m in replicas {
        match &mut all {
            Some(a) => a.merge(&m.per_user),
            None => all = Some(m.per_user.clone()),
        }
    }
    let mut out = String::from("metric,scope,count,users\n");
    if let Some(all) = all {
        for (c, scope, count, users) in all.rows() {
            let scope = match (c, scope) {
                (UserCounter::SessionsLost, _) => "as".to_string(),
                (_, TailScope::All) => "all".to_string(),
                (_, TailScope::App(a)) => format!("app:{}", s.apps[a].name),
            };
            out.push_str(&format!("{},{scope},{count},{users}\n", c.name()));
        }
    }
    out.into_bytes()
}

/// Names of the segments, in the order of [`PerUser::segment`] ids.
pub(super) fn segment_names(s: &Scenario, m: &Metrics) -> Vec<String> {
    let shape = m.per_user.shape();
    let mut names = vec!["connection=password".to_string()];
    names.extend(
        s.identity_providers
            .iter()
            .map(|i| format!("connection={}", i.name)),
    );
    names.truncate(shape.connections);
    for c in ["allowed", "blocked", "partitioned"] {
        names.push(format!("cookies={c}"));
    }
    for q in 1..=shape.quartiles {
        names.push(format!("activity=q{q}"));
    }
    if let Some(mix) = &s.users.browsers {
        names.extend(mix.iter().map(|b| format!("browser={}", b.profile.name)));
    }
    names
}

/// Metrics of one segment in one replica.
fn segment_values(m: &Metrics, id: usize) -> (u64, [(&'static str, f64); 7]) {
    let (users, sums) = m.per_user.segment(id);
    let get = |c: UserCounter| sums[c as usize] as f64;
    let per_user_month = |c: UserCounter| {
        let months = crate::output::summary::months(m);
        if users == 0 || months == 0.0 {
            0.0
        } else {
            get(c) / users as f64 / months
        }
    };
    let protected = get(UserCounter::ProtectedVisits);
    let reauth = get(UserCounter::Reauthentications);
    (
        users,
        [
            (catalog::USERS.name, users as f64),
            (catalog::PROTECTED_VISITS.name, protected),
            (catalog::REAUTHENTICATIONS.name, reauth),
            (
                catalog::REAUTH_RATE.name,
                if protected == 0.0 {
                    0.0
                } else {
                    reauth / protected
                },
            ),
            (
                catalog::INTERACTIVE_LOGINS_PER_USER_MONTH.name,
                per_user_month(UserCounter::InteractiveLogins),
            ),
            (
                catalog::SILENT_AUTH_FAILURES_PER_USER_MONTH.name,
                per_user_month(UserCounter::SilentAuthFailures),
            ),
            (
                catalog::SESSIONS_LOST_PER_USER_MONTH.name,
                per_user_month(UserCounter::SessionsLost),
            ),
        ],
    )
}

/// `segments.csv` bytes.
pub(super) fn segments_csv(s: &Scenario, replicas: &[Metrics]) -> Vec<u8> {
    let mut out = String::from("segment,metric,scope,value,ci95_low,ci95_high\n");
    let Some(first) = replicas.first() else {
        return out.into_bytes();
    };
    for (id, name) in segment_names(s, first).iter().enumerate() {
        let per_replica: Vec<_> = replicas.iter().map(|m| segment_values(m, id)).collect();
        if per_replica.iter().all(|r| r.0 == 0) {
            continue;
        }
        for k in 0..per_replica[0].1.len() {
            let values: Vec<f64> = per_replica.iter().map(|r| r.1[k].1).collect();
            let e = Estimate::from_replicas(&values);
            let (lo, hi) = match e.ci95 {
                Some((lo, hi)) => (fmt_num(lo), fmt_num(hi)),
                None => (String::new(), String::new()),
            };
            out.push_str(&format!(
                "{name},{},all,{},{lo},{hi}\n",
                per_replica[0].1[k].0,
                fmt_num(e.mean)
            ));
        }
    }
    out.into_bytes()
}

// ---- reading segments.csv and distributions.csv back -----------------------

/// `segments.csv`: the headline metrics of each segment of users (issue 13),
/// rows in file order.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    /// `(segment, row)`, in file order.
    pub rows: Vec<(String, SummaryRow)>,
}

const SEGMENTS_HEADER: [&str; 6] = [
    "segment",
    "metric",
    "scope",
    "value",
    "ci95_low",
    "ci95_high",
];

impl Segments {
    /// Parses the text of `segments.csv`; `path` only names it in errors.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] on a wrong header or a bad number.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReadError> {
        let mut reader = csv_reader(text);
        expect_header(path, &mut reader, &SEGMENTS_HEADER)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let segment = record.get(0).unwrap_or("").trim().to_string();
            rows.push((segment, summary_row(path, &record, 1)?));
        }
        Ok(Self { rows })
    }

    /// The segments, in order of first appearance (`connection=password`, …).
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (s, _) in &self.rows {
            if !names.contains(&s.as_str()) {
                names.push(s);
            }
        }
        names
    }

    /// The row of `metric` (scope `all`) for `segment`.
    pub fn get(&self, segment: &str, metric: &str) -> Option<&SummaryRow> {
        self.rows
            .iter()
            .find(|(s, r)| s == segment && r.metric == metric && r.scope == "all")
            .map(|(_, r)| r)
    }
}

/// One row of `distributions.csv`: how many users had exactly `count` of
/// `metric` at `scope` in the measured window (summed over replicas).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    /// `interactive_logins`, `silent_auth_failures` or `sessions_lost`.
    pub metric: String,
    /// `all`, `as` or `app:<name>`.
    pub scope: String,
    /// The per-user count.
    pub count: u64,
    /// Users (times replicas) with exactly that count.
    pub users: u64,
}

const DISTRIBUTIONS_HEADER: [&str; 4] = ["metric", "scope", "count", "users"];

/// Parses the text of `distributions.csv`; `path` only names it in errors.
///
/// # Errors
/// [`ReadError::Malformed`] on a wrong header or a count that is not a whole number.
pub fn parse_distributions(path: &Path, text: &str) -> Result<Vec<Distribution>, ReadError> {
    let mut reader = csv_reader(text);
    expect_header(path, &mut reader, &DISTRIBUTIONS_HEADER)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let column = |i: usize, name: &str| whole::<u64>(path, line, name, field(i));
        rows.push(Distribution {
            metric: field(0).to_string(),
            scope: field(1).to_string(),
            count: column(2, "count")?,
            users: column(3, "users")?,
        });
    }
    Ok(rows)
}
