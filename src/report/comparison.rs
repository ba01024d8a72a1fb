//! Runs side by side: the headline metrics of several `summary.csv` files, the
//! relative difference of each to the first run, and whether their 95%
//! intervals overlap. One computation for `ssosim compare` (which prints it)
//! and `comparison.html` (which shows it), so both say the same.
//!
//! Headline metrics ([`HEADLINE`]): `reauth_rate`, `sso_share`,
//! `interactive_logins`, `sso_logins`, `silent_auth_failure_share` (scope
//! `all`), `sessions_alive_at_end` of every tier found in any run,
//! `authorize_requests_per_s_peak` (`as`), `login_latency_ms_mean` (`all`),
//! the exposure side ([`EXPOSURE`], `as`, when some run has it):
//! `valid_session_hours_per_user_day`, `orphaned_session_hours_per_user_day`
//! and `valid_session_age_hours_mean`,
//! then every `interactive_logins_by_<cause>` (scope `all`) that is not zero
//! in every run, then [`SEGMENT_METRICS`] of every segment of users
//! (`segments.csv`) that some run has, the segment as the scope
//! (`connection=facebook`).
//!
//! Two rules decide the `*` of a run against the first. Runs that share their
//! random numbers replica by replica (same seed and replica count, both with
//! `replicas.csv`: [`Replicas::pairs_with`]) are *paired*: the cell carries
//! the mean of the per-replica differences and its 95% interval
//! ([`paired_difference`]), and `*` means that interval excludes 0.
//! Otherwise `*` means the two runs' 95% intervals do not overlap.

use crate::metrics::catalog;
use serde::Serialize;

use super::data::{Replicas, RunData, Segments, Summary, SummaryRow};
use crate::metrics::Family;
use crate::metrics::stats::paired_difference;
use crate::report::style::significant;

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

/// The exposure side (scope `as`), compared when some run has it (run
/// folders written before these rows existed do not).
pub const EXPOSURE: [&str; 3] = [
    catalog::VALID_SESSION_HOURS_PER_USER_DAY.name,
    catalog::ORPHANED_SESSION_HOURS_PER_USER_DAY.name,
    catalog::VALID_SESSION_AGE_HOURS_MEAN.name,
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
    /// `replicas.csv` and the seed, for runs that keep them.
    pub replicas: Option<&'a Replicas>,
}

impl<'a> From<&'a RunData> for Tables<'a> {
    fn from(run: &'a RunData) -> Self {
        Tables {
            summary: &run.summary,
            segments: &run.segments,
            replicas: run.replicas.as_ref(),
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
    /// Paired runs: the paired difference's 95% interval excludes 0;
    /// otherwise: the 95% intervals of this run and the first do not overlap.
    pub differs: bool,
    /// The paired difference to the first run, when the two are paired (not
    /// for the first run itself).
    #[serde(flatten)]
    pub paired: Option<Paired>,
}

/// The difference of a run to the first, replica by replica (runs with the
/// same seed and replica count): mean of `value[r] − first[r]` and its 95%
/// interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paired {
    /// Mean of the per-replica differences.
    pub paired_diff: f64,
    /// Lower end of its 95% interval.
    pub paired_ci95_low: f64,
    /// Upper end of its 95% interval.
    pub paired_ci95_high: f64,
}

impl Paired {
    /// The interval excludes 0: the difference is not noise.
    pub fn excludes_zero(&self) -> bool {
        self.paired_ci95_low > 0.0 || self.paired_ci95_high < 0.0
    }
}

/// The paired difference of `metric` at `scope` between `run` and `first`,
/// when both keep their replicas' values and share their random numbers.
pub fn paired(
    first: Option<&Replicas>,
    run: Option<&Replicas>,
    metric: &str,
    scope: &str,
) -> Option<Paired> {
    let (a, b) = (first?, run?);
    if !a.pairs_with(b) {
        return None;
    }
    let d = paired_difference(a.values(metric, scope)?, b.values(metric, scope)?)?;
    let (lo, hi) = d.ci95?;
    Some(Paired {
        paired_diff: d.mean,
        paired_ci95_low: lo,
        paired_ci95_high: hi,
    })
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
/// the segments, the first run the reference; runs paired with the first
/// ([`Replicas::pairs_with`]) get their paired difference and the paired `*`.
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
    for metric in EXPOSURE {
        if runs.iter().any(|r| r.summary.value(metric, "as").is_some()) {
            keys.push((metric.to_string(), "as".to_string()));
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
            let first_replicas = runs.first().and_then(|r| r.replicas);
            let cells = labels
                .iter()
                .zip(runs)
                .enumerate()
                .map(|(i, (label, run))| {
                    let value = get(run);
                    let pair = run.replicas.filter(|_| i > 0);
                    let paired = paired(first_replicas, pair, &metric, &scope);
                    Cell {
                        run: label.clone(),
                        value,
                        rel_diff: rel_diff(first, value),
                        differs: paired
                            .map_or_else(|| differs(first, value), |p| p.excludes_zero()),
                        paired,
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
/// ` (+12.3%)`, ` (new)` when the first is 0, with the paired difference when
/// there is one (` (+12.3%, paired +0.0123 [0.0101, 0.0145])`), then ` *` when
/// the difference is not noise; empty for the first run and for a missing value.
pub fn mark(cell: &Cell, first: bool) -> String {
    if first || cell.value.is_none() {
        return String::new();
    }
    let relative = match cell.rel_diff {
        Some(r) => format!("{:+.1}%", r * 100.0),
        None => "new".to_string(),
    };
    let mut s = match cell.paired {
        Some(p) => format!(
            " ({relative}, paired {} [{}, {}])",
            signed(p.paired_diff),
            significant(p.paired_ci95_low, 3),
            significant(p.paired_ci95_high, 3)
        ),
        None => format!(" ({relative})"),
    };
    if cell.differs {
        s.push_str(" *");
    }
    s
}

/// A difference with its sign, 3 significant digits: `+0.0123`, `-4.5`.
fn signed(v: f64) -> String {
    let text = significant(v, 3);
    if v > 0.0 { format!("+{text}") } else { text }
}

/// One axis of a friction–exposure frontier (`sweep --frontier`): a
/// `summary.csv` metric, at a scope, and which way is better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    /// Metric name.
    pub metric: String,
    /// The scope written after `@` (`reauth_rate@app:spa`); otherwise the
    /// runs' `all` row, else the first scope whose row has the metric.
    pub scope: Option<String>,
    /// Lower values are better ([`catalog::lower_is_better`]).
    pub lower_is_better: bool,
}

/// The two axes of `--frontier FRICTION,EXPOSURE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierAxes {
    /// The friction metric (x).
    pub friction: Axis,
    /// The exposure metric (y).
    pub exposure: Axis,
}

/// Parses `FRICTION,EXPOSURE` (each `METRIC` or `METRIC@SCOPE`), checking
/// both names against the metric catalog.
///
/// # Errors
/// The text is not two metrics, or a name is not a `summary.csv` metric: the
/// message lists the accepted names.
pub fn parse_frontier(text: &str) -> Result<FrontierAxes, String> {
    let example = "e.g. --frontier reauth_rate,valid_session_hours_per_user_day";
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [friction, exposure] = parts.as_slice() else {
        return Err(format!(
            "--frontier {text}: give two metrics, FRICTION,EXPOSURE (each METRIC or METRIC@SCOPE), {example}"
        ));
    };
    let axis = |part: &str| {
        let (metric, scope) = match part.split_once('@') {
            Some((m, s)) => (m.trim(), Some(s.trim().to_string())),
            None => (part, None),
        };
        if catalog::describe(metric).is_none() {
            let names: Vec<&str> = catalog::ALL.iter().map(|m| m.name).collect();
            return Err(format!(
                "--frontier {text}: unknown metric \"{metric}\"; accepted: {}, and the rows named by rule \
                 (<family>_by_<cause>, <metric>_per_user_month_<stat>, load_<series>_<stat>, \
                 rate_limit_<series>_<figure>; see the README's glossary)",
                names.join(", ")
            ));
        }
        if scope.as_deref() == Some("") {
            return Err(format!(
                "--frontier {text}: an empty scope after @; give all, as, app:<name> or idp:<name>"
            ));
        }
        Ok(Axis {
            metric: metric.to_string(),
            scope,
            lower_is_better: catalog::lower_is_better(metric),
        })
    };
    Ok(FrontierAxes {
        friction: axis(friction)?,
        exposure: axis(exposure)?,
    })
}

/// One point of a frontier: a run's friction and exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// The run's label.
    pub label: String,
    /// Its friction (x).
    pub friction: Value,
    /// Its exposure (y).
    pub exposure: Value,
    /// No other run is at least as good on both and better on one.
    pub optimal: bool,
}

/// Friction against exposure for every run, the Pareto-optimal ones marked.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontier {
    /// The friction metric, its scope and direction.
    pub friction: Axis,
    /// The exposure metric, its scope and direction.
    pub exposure: Axis,
    /// One point per run, in the order given.
    pub points: Vec<FrontierPoint>,
}

/// Why a frontier cannot be drawn: a metric missing from a run (`run`, its
/// index), or from every run (`run` = `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontierError {
    /// The run at fault, when one is.
    pub run: Option<usize>,
    /// What is missing, in words.
    pub message: String,
}

/// The frontier of `runs` (labelled `labels`) on `axes`: each axis's scope
/// resolved on the runs' summaries, optimality judged on the means.
///
/// # Errors
/// [`FrontierError`]: a run without the metric at that scope.
pub fn frontier(
    axes: &FrontierAxes,
    labels: &[String],
    runs: &[Tables<'_>],
) -> Result<Frontier, FrontierError> {
    let resolve = |axis: &Axis| -> Result<Axis, FrontierError> {
        let scope = match &axis.scope {
            Some(s) => s.clone(),
            None => runs
                .iter()
                .find_map(|r| {
                    let rows = r.summary.rows.iter().filter(|x| x.metric == axis.metric);
                    rows.clone()
                        .find(|x| x.scope == "all")
                        .or_else(|| rows.clone().next())
                        .map(|x| x.scope.clone())
                })
                .ok_or_else(|| FrontierError {
                    run: None,
                    message: format!("no run has the metric {}", axis.metric),
                })?,
        };
        Ok(Axis {
            scope: Some(scope),
            ..axis.clone()
        })
    };
    let (friction, exposure) = (resolve(&axes.friction)?, resolve(&axes.exposure)?);
    let value = |i: usize, axis: &Axis| {
        let scope = axis.scope.as_deref().unwrap_or("all");
        runs[i]
            .summary
            .get(&axis.metric, scope)
            .map(Value::from)
            .ok_or_else(|| FrontierError {
                run: Some(i),
                message: format!("run {} has no row {},{scope}", labels[i], axis.metric),
            })
    };
    let mut points = Vec::new();
    for (i, label) in labels.iter().enumerate().take(runs.len()) {
        points.push(FrontierPoint {
            label: label.clone(),
            friction: value(i, &friction)?,
            exposure: value(i, &exposure)?,
            optimal: false,
        });
    }
    let means: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.friction.value, p.exposure.value))
        .collect();
    let optimal = pareto_optimal(&means, (friction.lower_is_better, exposure.lower_is_better));
    for (p, o) in points.iter_mut().zip(optimal) {
        p.optimal = o;
    }
    Ok(Frontier {
        friction,
        exposure,
        points,
    })
}

/// For each point `(x, y)`, whether it is Pareto-optimal: no other point is
/// at least as good on both and strictly better on one. `lower` says, per
/// coordinate, whether lower is better. Equal points are all optimal or all
/// not; a NaN coordinate is never optimal and dominates nothing.
pub fn pareto_optimal(points: &[(f64, f64)], lower: (bool, bool)) -> Vec<bool> {
    let sign = |better_low: bool| if better_low { 1.0 } else { -1.0 };
    let (sx, sy) = (sign(lower.0), sign(lower.1));
    let costs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (sx * x, sy * y)).collect();
    costs
        .iter()
        .map(|p| {
            !p.0.is_nan()
                && !p.1.is_nan()
                && !costs
                    .iter()
                    .any(|q| q.0 <= p.0 && q.1 <= p.1 && (q.0 < p.0 || q.1 < p.1))
        })
        .collect()
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
        Tables {
            summary,
            segments,
            replicas: None,
        }
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
    fn pareto_points_are_those_no_other_beats_on_both() {
        // Lower is better on both: (1, 5), (2, 3), (4, 1) trade off; (3, 4)
        // is beaten by (2, 3); (4, 2) by (4, 1) (equal x, lower y); the
        // duplicate (2, 3) is optimal as its twin.
        let pts = [
            (1.0, 5.0),
            (2.0, 3.0),
            (3.0, 4.0),
            (4.0, 1.0),
            (4.0, 2.0),
            (2.0, 3.0),
        ];
        assert_eq!(
            pareto_optimal(&pts, (true, true)),
            [true, true, false, true, false, true]
        );
        // Higher is better on x (an SSO share): (4, 1) has the highest x
        // and the lowest y, so it alone is optimal.
        assert_eq!(
            pareto_optimal(&pts, (false, true)),
            [false, false, false, true, false, false]
        );
        // Higher is better on both: (1, 5) has the highest y, (4, 2) the
        // highest y at the highest x, (3, 4) beats (2, 3).
        assert_eq!(
            pareto_optimal(&pts, (false, false)),
            [true, false, true, false, true, false]
        );
        assert_eq!(pareto_optimal(&[], (true, true)), Vec::<bool>::new());
        assert_eq!(
            pareto_optimal(&[(f64::NAN, 0.0), (1.0, 1.0)], (true, true)),
            [false, true]
        );
    }

    #[test]
    fn frontier_axes_are_catalog_metrics_with_a_scope() {
        let a = parse_frontier("reauth_rate, valid_session_hours_per_user_day@as").unwrap();
        assert_eq!(a.friction.metric, "reauth_rate");
        assert_eq!(a.friction.scope, None);
        assert_eq!(a.exposure.scope.as_deref(), Some("as"));
        assert!(a.friction.lower_is_better && a.exposure.lower_is_better);
        assert!(
            !parse_frontier("sso_share,orphaned_session_hours_per_user_day")
                .unwrap()
                .friction
                .lower_is_better
        );
        let e = parse_frontier("reauth_rat,valid_session_hours_per_user_day").unwrap_err();
        assert!(e.contains("unknown metric \"reauth_rat\""), "{e}");
        assert!(e.contains("reauth_rate, silent_auth_failure_share"), "{e}");
        assert!(
            parse_frontier("reauth_rate")
                .unwrap_err()
                .contains("two metrics")
        );
        assert!(parse_frontier("reauth_rate,sso_share,visits").is_err());
        assert!(parse_frontier("reauth_rate@,sso_share").is_err());
        // Scopes resolve on the runs: `all` first, else where the row is.
        let a_run =
            summary("reauth_rate,all,0.2,0.1,0.3\nvalid_session_hours_per_user_day,as,10,,\n");
        let b_run = summary("reauth_rate,all,0.1,,\nvalid_session_hours_per_user_day,as,12,,\n");
        let c_run = summary("reauth_rate,all,0.3,,\nvalid_session_hours_per_user_day,as,11,,\n");
        let none = Segments::default();
        let runs = [
            tables(&a_run, &none),
            tables(&b_run, &none),
            tables(&c_run, &none),
        ];
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let axes = parse_frontier("reauth_rate,valid_session_hours_per_user_day").unwrap();
        let f = frontier(&axes, &labels, &runs).unwrap();
        assert_eq!(f.exposure.scope.as_deref(), Some("as"));
        assert_eq!(f.friction.scope.as_deref(), Some("all"));
        let optimal: Vec<bool> = f.points.iter().map(|p| p.optimal).collect();
        assert_eq!(optimal, [true, true, false], "c is beaten by a on both");
        assert_eq!(f.points[0].friction.ci95_low, Some(0.1));
        let wrong = parse_frontier("reauth_rate@as,valid_session_hours_per_user_day").unwrap();
        let e = frontier(&wrong, &labels, &runs).unwrap_err();
        assert_eq!(e.run, Some(0));
        assert_eq!(e.message, "run a has no row reauth_rate,as");
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
