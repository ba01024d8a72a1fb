//! Runs side by side: the headline metrics of several `summary.csv` files, the
//! relative difference of each to the first run, and whether their 95%
//! intervals overlap. One computation for `ssosim compare` (which prints it)
//! and `comparison.html` (which shows it), so both say the same.
//!
//! Headline metrics ([`HEADLINE`]): `reauth_rate`, `sso_share`,
//! `interactive_logins`, `sso_logins`, `silent_auth_failure_share` (scope
//! `all`), `sessions_alive_at_end` of every tier found in any run,
//! `authorize_requests_per_s_peak` (`as`) and `login_latency_ms_mean` (`all`),
//! then every `interactive_logins_by_<cause>` (scope `all`) that is not zero
//! in every run, then [`SEGMENT_METRICS`] of every segment of users
//! (`segments.csv`) that some run has, the segment as the scope
//! (`connection=facebook`).

use crate::metrics::catalog;
use serde::Serialize;

use super::data::{RunData, Segments, Summary, SummaryRow};
use crate::metrics::Family;

/// `(metric, scope)`; scope `None` means every scope in which the metric appears.
pub type Metrics = [(&'static str, Option<&'static str>)];

/// The metrics `ssosim compare` prints and `comparison.html` shows.
pub const HEADLINE: &Metrics = &[
    (catalog::REAUTH_RATE.name, Some("all")),
    (catalog::SSO_SHARE.name, Some("all")),
    (catalog::INTERACTIVE_LOGINS.name, Some("all")),
    (catalog::SSO_LOGINS.name, Some("all")),
    (catalog::SILENT_AUTH_FAILURE_SHARE.name, Some("all")),
    (catalog::SESSIONS_ALIVE_AT_END.name, None),
    (catalog::AUTHORIZE_REQUESTS_PER_S_PEAK.name, Some("as")),
    (catalog::LOGIN_LATENCY_MS_MEAN.name, Some("all")),
];

/// The metrics of `segments.csv` compared, segment by segment.
pub const SEGMENT_METRICS: [&str; 2] = [
    catalog::REAUTH_RATE.name,
    catalog::INTERACTIVE_LOGINS_PER_USER_MONTH.name,
];

/// What is compared of one run: its `summary.csv` and `segments.csv`.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    /// `summary.csv`.
    pub summary: &'a Summary,
    /// `segments.csv` (empty for runs without one).
    pub segments: &'a Segments,
}

impl<'a> From<&'a RunData> for Tables<'a> {
    fn from(run: &'a RunData) -> Self {
        Tables {
            summary: &run.summary,
            segments: &run.segments,
        }
    }
}

impl Tables<'_> {
    /// The row of `metric` at `scope`: a segment name reads `segments.csv`.
    fn get(&self, metric: &str, scope: &str) -> Option<&SummaryRow> {
        if scope.contains('=') {
            self.segments.get(scope, metric)
        } else {
            self.summary.get(metric, scope)
        }
    }
}

/// One value of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Value {
    /// Mean over replicas.
    pub value: f64,
    /// Lower end of the 95% interval, with replicas.
    pub ci95_low: Option<f64>,
    /// Upper end of the 95% interval, with replicas.
    pub ci95_high: Option<f64>,
}

impl From<&SummaryRow> for Value {
    fn from(row: &SummaryRow) -> Self {
        Self {
            value: row.value,
            ci95_low: row.ci95.map(|c| c.0),
            ci95_high: row.ci95.map(|c| c.1),
        }
    }
}

/// One run's cell in a comparison row.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The run's label.
    pub run: String,
    /// Its value, when its summary has the metric.
    #[serde(flatten)]
    pub value: Option<Value>,
    /// (value − first) / |first|; absent when the first is 0 and this is not.
    pub rel_diff: Option<f64>,
    /// The 95% intervals of this run and the first do not overlap.
    pub differs: bool,
}

/// One metric of one scope across runs.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Metric name.
    pub metric: String,
    /// Scope.
    pub scope: String,
    /// One cell per run, in the order given.
    pub runs: Vec<Cell>,
}

/// The comparison rows of the [`HEADLINE`] metrics, the prompt causes and
/// the segments, the first run the reference.
pub fn compare(labels: &[String], runs: &[Tables<'_>]) -> Vec<Row> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for (metric, scope) in HEADLINE {
        for run in runs {
            for r in &run.summary.rows {
                let wanted = r.metric == *metric && scope.is_none_or(|x| x == r.scope);
                if wanted && !keys.iter().any(|k| k.0 == r.metric && k.1 == r.scope) {
                    keys.push((r.metric.clone(), r.scope.clone()));
                }
            }
        }
        if let Some(scope) = scope
            && !keys.iter().any(|k| k.0 == *metric && k.1 == *scope)
        {
            keys.push((metric.to_string(), scope.to_string()));
        }
    }
    // Why users typed their credentials: each cause of interactive logins
    // (scope `all`) that some run has.
    for (_, name) in Family::InteractiveLogins.rows() {
        if runs
            .iter()
            .any(|r| r.summary.value(name, "all").is_some_and(|v| v != 0.0))
        {
            keys.push((name.to_string(), "all".to_string()));
        }
    }
    let mut segments: Vec<&str> = Vec::new();
    for run in runs {
        for name in run.segments.names() {
            if !segments.contains(&name) {
                segments.push(name);
            }
        }
    }
    for segment in segments {
        for metric in SEGMENT_METRICS {
            keys.push((metric.to_string(), segment.to_string()));
        }
    }
    keys.into_iter()
        .map(|(metric, scope)| {
            let get = |run: &Tables<'_>| run.get(&metric, &scope).map(Value::from);
            let first = runs.first().and_then(&get);
            let cells = labels
                .iter()
                .zip(runs)
                .map(|(label, run)| {
                    let value = get(run);
                    Cell {
                        run: label.clone(),
                        value,
                        rel_diff: rel_diff(first, value),
                        differs: differs(first, value),
                    }
                })
                .collect();
            Row {
                metric,
                scope,
                runs: cells,
            }
        })
        .collect()
}

/// (v − first) / |first|: 0 when both are 0, `None` when only the first is.
pub fn rel_diff(first: Option<Value>, v: Option<Value>) -> Option<f64> {
    let (a, b) = (first?.value, v?.value);
    if a != 0.0 {
        Some((b - a) / a.abs())
    } else if b == 0.0 {
        Some(0.0)
    } else {
        None
    }
}

/// Both values have 95% intervals and they do not overlap.
pub fn differs(first: Option<Value>, v: Option<Value>) -> bool {
    match (first, v) {
        (Some(a), Some(b)) => match (a.ci95_low, a.ci95_high, b.ci95_low, b.ci95_high) {
            (Some(alo), Some(ahi), Some(blo), Some(bhi)) => bhi < alo || blo > ahi,
            _ => false,
        },
        _ => false,
    }
}

/// The mark of a cell against the first run, as the CLI prints it:
/// ` (+12.3%)`, ` (new)` when the first is 0, then ` *` when intervals do not
/// overlap; empty for the first run and for a missing value.
pub fn mark(cell: &Cell, first: bool) -> String {
    if first || cell.value.is_none() {
        return String::new();
    }
    let mut s = match cell.rel_diff {
        Some(r) => format!(" ({:+.1}%)", r * 100.0),
        None => " (new)".to_string(),
    };
    if cell.differs {
        s.push_str(" *");
    }
    s
}

/// What tells the compared runs apart: the scenario keys whose values differ
/// between their `scenario.toml` files (a sweep's `--vary` keys), and each
/// run's values of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// The varied keys, dotted (`authorization_server.idle_timeout`); empty
    /// when the runs cannot be told apart this way (a run without
    /// `scenario.toml`, identical scenarios, or more than [`MAX_KEYS`] keys).
    pub keys: Vec<String>,
    /// Per run: its values of `keys`, joined by `, ` (`1d`), or the run's own
    /// label when `keys` is empty.
    pub values: Vec<String>,
    /// Per run: `key=value` pairs with each key's last part
    /// (`idle_timeout=1d`), or the run's own label when `keys` is empty.
    pub labels: Vec<String>,
}

/// More varied keys than this and the runs are labelled by folder instead:
/// they are different scenarios rather than points of one.
pub const MAX_KEYS: usize = 3;

/// The [`Points`] of `runs` (label, run), in the given order.
pub fn points(runs: &[(String, RunData)]) -> Points {
    let own = || Points {
        keys: Vec::new(),
        values: runs.iter().map(|(l, _)| l.clone()).collect(),
        labels: runs.iter().map(|(l, _)| l.clone()).collect(),
    };
    let flat: Option<Vec<Vec<(String, String)>>> = runs
        .iter()
        .map(|(_, r)| {
            let value: toml::Table = toml::from_str(r.scenario_toml.as_deref()?).ok()?;
            let mut out = Vec::new();
            flatten("", &toml::Value::Table(value), &mut out);
            Some(out)
        })
        .collect();
    let Some(flat) = flat else {
        return own();
    };
    let mut keys: Vec<String> = Vec::new();
    for run in &flat {
        for (key, _) in run {
            let values = flat
                .iter()
                .map(|r| r.iter().find(|(k, _)| k == key).map(|p| &p.1));
            let first = flat[0].iter().find(|(k, _)| k == key).map(|p| &p.1);
            if values.clone().any(|v| v != first) && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return own();
    }
    let value_of = |run: &[(String, String)], key: &String| {
        run.iter()
            .find(|(k, _)| k == key)
            .map_or("-".to_string(), |p| p.1.clone())
    };
    let short = |key: &String| key.rsplit('.').next().unwrap_or(key).to_string();
    Points {
        values: flat
            .iter()
            .map(|run| {
                keys.iter()
                    .map(|k| value_of(run, k))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect(),
        labels: flat
            .iter()
            .map(|run| {
                keys.iter()
                    .map(|k| format!("{}={}", short(k), value_of(run, k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect(),
        keys,
    }
}

/// Dotted keys and their values (strings unquoted); arrays of tables get
/// their index (`apps[0].kind`).
fn flatten(prefix: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&join(k), v, out);
            }
        }
        toml::Value::Array(items)
            if items.iter().all(toml::Value::is_table) && !items.is_empty() =>
        {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        toml::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn summary(rows: &str) -> Summary {
        Summary::parse(
            Path::new("summary.csv"),
            &format!("metric,scope,value,ci95_low,ci95_high\n{rows}"),
        )
        .unwrap()
    }

    fn tables<'a>(summary: &'a Summary, segments: &'a Segments) -> Tables<'a> {
        Tables { summary, segments }
    }

    #[test]
    fn segments_are_compared_with_the_segment_as_scope() {
        let a = summary("reauth_rate,all,0.10,,\n");
        let seg = Segments::parse(
            Path::new("segments.csv"),
            "segment,metric,scope,value,ci95_low,ci95_high\n\
             browser=safari,reauth_rate,all,0.2,,\n\
             browser=safari,users,all,10,,\n",
        )
        .unwrap();
        let none = Segments::default();
        let rows = compare(
            &["a".into(), "b".into()],
            &[tables(&a, &seg), tables(&a, &none)],
        );
        let safari: Vec<&Row> = rows
            .iter()
            .filter(|r| r.scope == "browser=safari")
            .collect();
        assert_eq!(safari.len(), SEGMENT_METRICS.len());
        assert_eq!(safari[0].metric, "reauth_rate");
        assert_eq!(safari[0].runs[0].value.map(|v| v.value), Some(0.2));
        assert!(
            safari[0].runs[1].value.is_none(),
            "run b has no segments.csv"
        );
    }

    #[test]
    fn prompt_causes_that_some_run_has_are_compared() {
        let a = summary(
            "interactive_logins_by_as_idle_timeout,all,40,,\n\
             interactive_logins_by_browser_close,all,0,,\n\
             interactive_logins_by_logout,all,0,,\n",
        );
        let b = summary(
            "interactive_logins_by_as_idle_timeout,all,10,,\n\
             interactive_logins_by_browser_close,all,30,,\n\
             interactive_logins_by_logout,all,0,,\n",
        );
        let none = Segments::default();
        let rows = compare(
            &["a".into(), "b".into()],
            &[tables(&a, &none), tables(&b, &none)],
        );
        let causes: Vec<&str> = rows
            .iter()
            .filter(|r| r.metric.starts_with("interactive_logins_by_"))
            .map(|r| r.metric.as_str())
            .collect();
        assert_eq!(
            causes,
            [
                "interactive_logins_by_as_idle_timeout",
                "interactive_logins_by_browser_close"
            ]
        );
    }

    #[test]
    fn differences_and_marks_against_the_first_run() {
        let a = summary("reauth_rate,all,0.10,0.09,0.11\nsessions_alive_at_end,as,5,,\n");
        let b = summary("reauth_rate,all,0.12,0.115,0.125\nsessions_alive_at_end,idp:fb,2,,\n");
        let none = Segments::default();
        let rows = compare(
            &["a".into(), "b".into()],
            &[tables(&a, &none), tables(&b, &none)],
        );
        let reauth = &rows[0];
        assert_eq!(
            (reauth.metric.as_str(), reauth.scope.as_str()),
            ("reauth_rate", "all")
        );
        let cell = &reauth.runs[1];
        assert!((cell.rel_diff.unwrap() - 0.2).abs() < 1e-12);
        assert!(cell.differs, "[0.115, 0.125] is clear of [0.09, 0.11]");
        assert_eq!(mark(cell, false), " (+20.0%) *");
        assert_eq!(mark(&reauth.runs[0], true), "");
        // Every tier of any run, each in its own row; a missing value stays empty.
        let alive: Vec<&str> = rows
            .iter()
            .filter(|r| r.metric == "sessions_alive_at_end")
            .map(|r| r.scope.as_str())
            .collect();
        assert_eq!(alive, ["as", "idp:fb"]);
        assert!(
            rows.iter()
                .any(|r| r.metric == "sso_share" && r.runs.iter().all(|c| c.value.is_none()))
        );
    }

    #[test]
    fn relative_difference_from_zero() {
        let v = |value| {
            Some(Value {
                value,
                ci95_low: None,
                ci95_high: None,
            })
        };
        assert_eq!(rel_diff(v(0.0), v(0.0)), Some(0.0));
        assert_eq!(rel_diff(v(0.0), v(1.0)), None);
        assert!(!differs(v(1.0), v(2.0)), "no interval, no claim");
    }
}
