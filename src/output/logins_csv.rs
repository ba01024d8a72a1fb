//! `logins.csv`: the exact distribution of login flows, `kind,latency_ms,hops,count`
//! summed over replicas.

use super::read::{
    ReadError, csv_error, csv_reader, expect_header, line_of, malformed, number, whole,
};
use crate::metrics::{LoginKind, Logins, Metrics};
use std::path::Path;

/// `logins.csv` bytes.
pub(super) fn to_csv(replicas: &[Metrics]) -> Vec<u8> {
    let mut all = Logins::default();
    for m in replicas {
        all.merge(&m.logins);
    }
    let mut out = String::from("kind,latency_ms,hops,count\n");
    for (kind, latency, hops, count) in all.rows() {
        out.push_str(&format!("{},{latency},{hops},{count}\n", kind.name()));
    }
    out.into_bytes()
}

// ---- reading logins.csv back --------------------------------------------------

/// One row of `logins.csv`: how many logins of a kind took this latency and hops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoginCount {
    /// Flow kind.
    pub kind: LoginKind,
    /// Navigation to page served, ms.
    pub latency_ms: f64,
    /// Hops of the flow.
    pub hops: u32,
    /// Number of logins (a mean over replicas, so maybe fractional).
    pub count: f64,
}

const LOGINS_HEADER: [&str; 4] = ["kind", "latency_ms", "hops", "count"];

/// Parses the text of `logins.csv`; `path` only names it in errors.
///
/// # Errors
/// [`ReadError::Malformed`] on a wrong header, an unknown kind or a bad number.
pub fn parse_logins(path: &Path, text: &str) -> Result<Vec<LoginCount>, ReadError> {
    let mut reader = csv_reader(text);
    expect_header(path, &mut reader, &LOGINS_HEADER)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = line_of(&record);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let kind = LoginKind::ALL
            .into_iter()
            .find(|k| k.name() == field(0))
            .ok_or_else(|| {
                malformed(
                    path,
                    line,
                    format!(
                        "kind `{}` is unknown; expected one of {}",
                        field(0),
                        LoginKind::ALL.map(LoginKind::name).join(", ")
                    ),
                )
            })?;
        let latency_ms = number(path, line, "latency_ms", field(1))?;
        let hops = whole::<u32>(path, line, "hops", field(2))?;
        let count = number(path, line, "count", field(3))?;
        if latency_ms < 0.0 || count < 0.0 {
            return Err(malformed(
                path,
                line,
                "latency_ms and count must not be negative",
            ));
        }
        rows.push(LoginCount {
            kind,
            latency_ms,
            hops,
            count,
        });
    }
    Ok(rows)
}
