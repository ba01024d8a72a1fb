//! `summary.csv` (design §9): `metric,scope,value,ci95_low,ci95_high`, rows in
//! a fixed order — scope `all`, then each `app:<name>`, `as`, each `idp:<name>`.
//!
//! `replicas.csv` (issue 16): `replica,metric,scope,value`, the value of every
//! summary row in each replica (replica-major, rows in summary order), so that
//! two runs sharing their random numbers can be compared replica by replica.

use super::read::{
    ReadError, csv_error, csv_reader, expect_header, line_of, malformed, number, optional_number,
    read,
};
use super::run_json::RunMeta;
use super::{REPLICAS_CSV, RUN_JSON};
use crate::metrics::SERIES;
use crate::metrics::catalog;
use crate::metrics::load_stats::{Limit, LoadStats};
use crate::metrics::per_user::{TailScope, UserCounter, quantile};
use crate::metrics::series_name;
use crate::metrics::stats::{Estimate, fmt_num};
use crate::metrics::{
    AppCounter, Family, GlobalCounter, IdpCounter, LoginKind, Metrics, TierCounter,
};
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// One metric of one scope, one value per replica.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Metric name.
    pub metric: String,
    /// `all`, `app:<name>`, `as` or `idp:<name>`.
    pub scope: String,
    /// Value in each replica.
    pub values: Vec<f64>,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Metrics of one scope in one replica: (name, value) in output order.
type Values = Vec<(&'static str, f64)>;

/// Counters of one app, or summed over apps (`app = None`).
fn app_values(m: &Metrics, app: Option<usize>) -> Values {
    let get = |c: AppCounter| match app {
        Some(a) => m.app_value(a, c),
        None => m.app_total(c),
    };
    let mut v: Values = Vec::new();
    for c in AppCounter::ALL {
        let x = match (c, app) {
            (AppCounter::Users, None) => m.global_value(GlobalCounter::Users),
            _ => get(c),
        };
        v.push((c.name(), x as f64));
    }
    v.push((
        catalog::REAUTH_RATE.name,
        ratio(
            get(AppCounter::Reauthentications),
            get(AppCounter::ProtectedVisits),
        ),
    ));
    // Share of silent authentications answered login_required, leaving out
    // those made before the user's first login (which always fail).
    let failed =
        get(AppCounter::SilentAuthLoginRequired) - get(AppCounter::SilentAuthBeforeFirstLogin);
    v.push((
        catalog::SILENT_AUTH_FAILURE_SHARE.name,
        ratio(failed, failed + get(AppCounter::SilentAuthSuccesses)),
    ));
    // The one definition of the SSO share: of the top-level `/authorize`
    // requests that ended in a login, those that needed no prompt.
    let sso = get(AppCounter::SsoLogins);
    v.push((
        catalog::SSO_SHARE.name,
        ratio(sso, sso + get(AppCounter::InteractiveLogins)),
    ));
    v.extend(cause_values(m, app));
    v.extend(tail_values(m, app));
    v
}

/// `<family>_by_<cause>` of the per-app families, for one app or summed.
fn cause_values(m: &Metrics, app: Option<usize>) -> Values {
    let mut v: Values = Vec::new();
    for family in Family::PER_APP {
        for &(cause, name) in family.rows() {
            let x: u64 = match app {
                Some(a) => m.causes.get(family, a, cause),
                None => (0..m.layout.apps)
                    .map(|a| m.causes.get(family, a, cause))
                    .sum(),
            };
            v.push((name, x as f64));
        }
    }
    v
}

/// Names of the per-user rows of one counter, in output order.
fn tail_names(c: UserCounter) -> [&'static str; 5] {
    match c {
        UserCounter::InteractiveLogins => [
            "interactive_logins_per_user_month_p50",
            "interactive_logins_per_user_month_p90",
            "interactive_logins_per_user_month_p99",
            "interactive_logins_per_user_month_share_ge_1",
            "interactive_logins_per_user_month_share_ge_3",
        ],
        UserCounter::SilentAuthFailures => [
            "silent_auth_failures_per_user_month_p50",
            "silent_auth_failures_per_user_month_p90",
            "silent_auth_failures_per_user_month_p99",
            "silent_auth_failures_per_user_month_share_ge_1",
            "silent_auth_failures_per_user_month_share_ge_3",
        ],
        _ => [
            "sessions_lost_per_user_month_p50",
            "sessions_lost_per_user_month_p90",
            "sessions_lost_per_user_month_p99",
            "sessions_lost_per_user_month_share_ge_1",
            "sessions_lost_per_user_month_share_ge_3",
        ],
    }
}

/// Months (30 days) in the measured window.
pub fn months(m: &Metrics) -> f64 {
    m.layout.duration as f64 / (30 * crate::time::DAY) as f64
}

/// Per-user quantiles (p50, p90, p99, nearest rank) and the shares of users
/// with at least 1 and 3 per month, of a histogram of counts over the
/// measured window, scaled to 30 days.
fn tail_stats(hist: &[(u64, u64)], months: f64) -> [f64; 5] {
    let users: u64 = hist.iter().map(|h| h.1).sum();
    let share = |per_month: f64| {
        let at_least = hist
            .iter()
            .filter(|h| h.0 as f64 >= per_month * months - 1e-9)
            .map(|h| h.1)
            .sum();
        ratio(at_least, users)
    };
    [
        quantile(hist, 0.5) as f64 / months,
        quantile(hist, 0.9) as f64 / months,
        quantile(hist, 0.99) as f64 / months,
        share(1.0),
        share(3.0),
    ]
}

/// Per-user tails of interactive logins and failed silent authentications
/// (one app, or all apps together).
fn tail_values(m: &Metrics, app: Option<usize>) -> Values {
    let scope = app.map_or(TailScope::All, TailScope::App);
    let mut v: Values = Vec::new();
    for c in [
        UserCounter::InteractiveLogins,
        UserCounter::SilentAuthFailures,
    ] {
        let stats = tail_stats(&m.per_user.histogram(c, scope), months(m));
        v.extend(tail_names(c).into_iter().zip(stats));
    }
    v
}

/// Per-user tail of AS sessions lost (scope `as`).
fn sessions_lost_values(m: &Metrics) -> Values {
    let c = UserCounter::SessionsLost;
    let stats = tail_stats(&m.per_user.histogram(c, TailScope::All), months(m));
    tail_names(c).into_iter().zip(stats).collect()
}

/// Exposure of the AS sessions over the measured window (scope `as`, issue
/// 16): valid and orphaned session-hours per user and day, and the age of
/// valid session-time ([`crate::metrics::exposure`]).
fn exposure_values(m: &Metrics) -> Values {
    let e = &m.exposure;
    let user_days = m.global_value(GlobalCounter::Users) as f64 * m.layout.duration as f64
        / crate::time::DAY as f64;
    let hours = |ms: u128| ms as f64 / crate::time::HOUR as f64;
    let per_user_day = |ms: u128| {
        if user_days > 0.0 {
            hours(ms) / user_days
        } else {
            0.0
        }
    };
    let h = crate::time::HOUR as f64;
    vec![
        (
            catalog::VALID_SESSION_HOURS_PER_USER_DAY.name,
            per_user_day(e.valid_ms()),
        ),
        (
            catalog::ORPHANED_SESSION_HOURS_PER_USER_DAY.name,
            per_user_day(e.orphaned_ms()),
        ),
        (
            catalog::VALID_SESSION_AGE_HOURS_MEAN.name,
            e.mean_age_ms() / h,
        ),
        (
            catalog::VALID_SESSION_AGE_HOURS_P95.name,
            e.age_quantile_ms(0.95) / h,
        ),
        (catalog::VALID_SESSION_SHARE_OLDER_1D.name, e.older_share(0)),
        (catalog::VALID_SESSION_SHARE_OLDER_7D.name, e.older_share(1)),
    ]
}

fn global_values(m: &Metrics) -> Values {
    let mut v: Values = vec![
        ("devices", m.global_value(GlobalCounter::Devices) as f64),
        (
            catalog::BROWSER_CLOSES.name,
            m.global_value(GlobalCounter::BrowserCloses) as f64,
        ),
        (
            catalog::PASSWORD_RESETS.name,
            m.global_value(GlobalCounter::PasswordResets) as f64,
        ),
        (
            catalog::COOKIE_CLEARS.name,
            m.global_value(GlobalCounter::CookieClears) as f64,
        ),
    ];
    let both = m.logins.stats(&[LoginKind::Interactive, LoginKind::Sso]);
    v.push((catalog::LOGIN_LATENCY_MS_MEAN.name, both.latency_mean));
    v.push((catalog::LOGIN_LATENCY_MS_P95.name, both.latency_p95));
    v.push((catalog::HOPS_PER_LOGIN_MEAN.name, both.hops_mean));
    for (kind, mean, p95, hops) in [
        (
            LoginKind::Interactive,
            catalog::INTERACTIVE_LOGIN_LATENCY_MS_MEAN.name,
            catalog::INTERACTIVE_LOGIN_LATENCY_MS_P95.name,
            catalog::INTERACTIVE_HOPS_MEAN.name,
        ),
        (
            LoginKind::Sso,
            catalog::SSO_LOGIN_LATENCY_MS_MEAN.name,
            catalog::SSO_LOGIN_LATENCY_MS_P95.name,
            catalog::SSO_HOPS_MEAN.name,
        ),
        (
            LoginKind::Silent,
            catalog::SILENT_LOGIN_LATENCY_MS_MEAN.name,
            catalog::SILENT_LOGIN_LATENCY_MS_P95.name,
            catalog::SILENT_HOPS_MEAN.name,
        ),
        (
            LoginKind::RefreshToken,
            catalog::REFRESH_TOKEN_LOGIN_LATENCY_MS_MEAN.name,
            catalog::REFRESH_TOKEN_LOGIN_LATENCY_MS_P95.name,
            catalog::REFRESH_TOKEN_HOPS_MEAN.name,
        ),
    ] {
        let s = m.logins.stats(&[kind]);
        v.push((mean, s.latency_mean));
        v.push((p95, s.latency_p95));
        v.push((hops, s.hops_mean));
    }
    v
}

fn tier_values(m: &Metrics, tier: usize) -> Values {
    TierCounter::ALL
        .iter()
        .map(|&c| (c.name(), m.tier_value(tier, c) as f64))
        .collect()
}

fn as_load_values(m: &Metrics, load: &LoadStats) -> Values {
    let seconds = m.layout.duration as f64 / 1000.0;
    let authorize = &load.series[LoadStats::AUTHORIZE_ALL];
    let token = &load.series[LoadStats::TOKEN_ALL];
    let mut v: Values = vec![
        (
            "authorize_requests_per_s_mean",
            authorize.requests as f64 / seconds,
        ),
        ("authorize_requests_per_s_peak", authorize.max() as f64),
        ("token_requests_per_s_mean", token.requests as f64 / seconds),
        ("token_requests_per_s_peak", token.max() as f64),
    ];
    for (names, series) in load_names().iter().zip(&load.series) {
        let figures = [
            series.mean(seconds),
            series.quantile(0.5) as f64,
            series.quantile(0.95) as f64,
            series.quantile(0.99) as f64,
            series.quantile(0.999) as f64,
            series.max() as f64,
            series.max_per_min as f64,
        ];
        v.extend(names.iter().map(String::as_str).zip(figures));
    }
    v
}

/// The scenario's rate limits as token buckets on the load series.
pub fn limits(s: &Scenario) -> Vec<Limit> {
    s.authorization_server
        .rate_limits
        .buckets()
        .into_iter()
        .map(|(series, b)| Limit {
            series,
            refill_milli: (b.per_second * 1000.0).round() as u64,
            burst: b.burst,
        })
        .collect()
}

/// Rows of each rate limit (issue 17): the bucket, then what it would have
/// refused.
fn rate_limit_values(load: &LoadStats) -> Values {
    let mut v: Values = Vec::new();
    for (limit, t) in &load.limits {
        let names = &rate_limit_names()[limit.series];
        let requests = load.series[limit.series].requests;
        let figures = [
            limit.refill_milli as f64 / 1000.0,
            limit.burst as f64,
            t.requests as f64,
            ratio(t.requests, requests),
            t.seconds as f64,
            t.warning_seconds as f64,
        ];
        v.extend(names.iter().map(String::as_str).zip(figures));
    }
    v
}

/// `rate_limit_<series>_{per_s,burst,requests_throttled,throttled_share,
/// seconds_throttled,seconds_at_warning}`, per load series.
fn rate_limit_names() -> &'static [[String; 6]] {
    static NAMES: OnceLock<Vec<[String; 6]>> = OnceLock::new();
    NAMES.get_or_init(|| {
        (0..SERIES)
            .map(|i| {
                let n = series_name(i);
                [
                    "per_s",
                    "burst",
                    "requests_throttled",
                    "throttled_share",
                    "seconds_throttled",
                    "seconds_at_warning",
                ]
                .map(|x| format!("rate_limit_{n}_{x}"))
            })
            .collect()
    })
}

/// `load_<series>_per_s_{mean,p50,p95,p99,p99_9,max}` and
/// `load_<series>_per_min_max`, per load series (issue 17).
fn load_names() -> &'static [[String; 7]] {
    static NAMES: OnceLock<Vec<[String; 7]>> = OnceLock::new();
    NAMES.get_or_init(|| {
        (0..SERIES)
            .map(|i| {
                let n = series_name(i);
                ["mean", "p50", "p95", "p99", "p99_9", "max", "min_max"].map(|x| match x {
                    "min_max" => format!("load_{n}_per_min_max"),
                    _ => format!("load_{n}_per_s_{x}"),
                })
            })
            .collect()
    })
}

/// Every (scope, values) of one replica, in output order.
fn scopes(s: &Scenario, m: &Metrics, load: &LoadStats) -> Vec<(String, Values)> {
    let mut out = Vec::new();
    let mut all = app_values(m, None);
    all.extend(global_values(m));
    out.push(("all".to_string(), all));
    for (a, app) in s.apps.iter().enumerate() {
        let mut v = app_values(m, Some(a));
        v.extend(tier_values(m, m.layout.app_tier(a)));
        out.push((format!("app:{}", app.name), v));
    }
    let mut as_v = tier_values(m, crate::metrics::Layout::AS_TIER);
    as_v.extend(as_load_values(m, load));
    as_v.extend(rate_limit_values(load));
    as_v.extend(sessions_lost_values(m));
    as_v.extend(exposure_values(m));
    out.push(("as".to_string(), as_v));
    for (i, idp) in s.identity_providers.iter().enumerate() {
        let mut v: Values = IdpCounter::ALL
            .iter()
            .map(|&c| (c.name(), m.idp_value(i, c) as f64))
            .collect();
        v.extend(tier_values(m, m.layout.idp_tier(i)));
        for &(cause, name) in Family::IdpPrompts.rows() {
            v.push((name, m.causes.get(Family::IdpPrompts, i, cause) as f64));
        }
        out.push((format!("idp:{}", idp.name), v));
    }
    out
}

/// The summary rows of a run, values per replica.
pub fn rows(s: &Scenario, replicas: &[Metrics]) -> Vec<Row> {
    let limits = limits(s);
    let loads: Vec<LoadStats> = replicas
        .iter()
        .map(|m| LoadStats::of(&m.load, &limits))
        .collect();
    rows_with(s, replicas, &loads)
}

/// [`rows`], given each replica's load statistics (computed once per run).
pub fn rows_with(s: &Scenario, replicas: &[Metrics], loads: &[LoadStats]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (r, (m, load)) in replicas.iter().zip(loads).enumerate() {
        let mut i = 0;
        for (scope, values) in scopes(s, m, load) {
            for (metric, x) in values {
                if r == 0 {
                    rows.push(Row {
                        metric: metric.to_string(),
                        scope: scope.clone(),
                        values: vec![x],
                    });
                } else {
                    rows[i].values.push(x);
                }
                i += 1;
            }
        }
    }
    rows
}

/// `summary.csv` bytes.
pub fn to_csv(rows: &[Row]) -> Vec<u8> {
    let mut out = String::from("metric,scope,value,ci95_low,ci95_high\n");
    for r in rows {
        let e = Estimate::from_replicas(&r.values);
        let (lo, hi) = match e.ci95 {
            Some((lo, hi)) => (fmt_num(lo), fmt_num(hi)),
            None => (String::new(), String::new()),
        };
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.metric,
            r.scope,
            fmt_num(e.mean),
            lo,
            hi
        ));
    }
    out.into_bytes()
}

/// `replicas.csv` bytes: each summary row's value in each replica, replica 0
/// first, rows in `summary.csv` order; the mean of a row's values is its
/// `summary.csv` value.
pub fn to_replicas_csv(rows: &[Row]) -> Vec<u8> {
    let mut out = String::from("replica,metric,scope,value\n");
    let replicas = rows.first().map_or(0, |r| r.values.len());
    for replica in 0..replicas {
        for r in rows {
            out.push_str(&format!(
                "{replica},{},{},{}\n",
                r.metric,
                r.scope,
                fmt_num(r.values[replica])
            ));
        }
    }
    out.into_bytes()
}

// ---- reading summary.csv and replicas.csv back ----------------------------

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Metric name (design §9).
    pub metric: String,
    /// `all`, `as`, `app:<name>` or `idp:<name>`.
    pub scope: String,
    /// Mean over replicas.
    pub value: f64,
    /// 95 % confidence interval, with replicas.
    pub ci95: Option<(f64, f64)>,
}

/// `summary.csv`, rows in file order.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The rows, in file order.
    pub rows: Vec<SummaryRow>,
}

const SUMMARY_HEADER: [&str; 5] = ["metric", "scope", "value", "ci95_low", "ci95_high"];

impl Summary {
    /// Parses the text of `summary.csv`; `path` only names it in errors.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] on a wrong header, a missing field or a number
    /// that does not parse.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReadError> {
        let mut reader = csv_reader(text);
        expect_header(path, &mut reader, &SUMMARY_HEADER)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            rows.push(summary_row(path, &record, 0)?);
        }
        Ok(Self { rows })
    }

    /// The row of `metric` at `scope`, if the run has it.
    pub fn get(&self, metric: &str, scope: &str) -> Option<&SummaryRow> {
        self.rows
            .iter()
            .find(|r| r.metric == metric && r.scope == scope)
    }

    /// The value of `metric` at `scope`, if the run has it.
    pub fn value(&self, metric: &str, scope: &str) -> Option<f64> {
        self.get(metric, scope).map(|r| r.value)
    }

    /// Scopes in the order tiers are shown: `as`, then `idp:*`, then `app:*`,
    /// each group in order of first appearance.
    pub fn tiers(&self) -> Vec<String> {
        order_tiers(self.rows.iter().map(|r| r.scope.as_str()))
    }

    /// `app:*` scopes in order of first appearance.
    pub fn apps(&self) -> Vec<String> {
        self.tiers()
            .into_iter()
            .filter(|s| s.starts_with("app:"))
            .collect()
    }
}

/// `replicas.csv` (`replica,metric,scope,value`) with the seed of `run.json`:
/// every summary row's value in each replica. Two runs with the same seed and
/// replica count share their random numbers replica by replica, so they can
/// be compared pair by pair ([`Replicas::pairs_with`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replicas {
    /// The seed of `run.json`, when it has one.
    pub seed: Option<u64>,
    /// Number of replicas (rows per (metric, scope)).
    pub count: usize,
    values: BTreeMap<(String, String), Vec<f64>>,
}

const REPLICAS_HEADER: [&str; 4] = ["replica", "metric", "scope", "value"];

impl Replicas {
    /// Reads `dir/replicas.csv` and the seed of `dir/run.json`; `None` when
    /// either file is missing (a folder written before replicas were kept).
    ///
    /// # Errors
    /// [`ReadError`] when a file is there but unreadable or malformed.
    pub fn load(dir: &Path) -> Result<Option<Self>, ReadError> {
        let (csv, json) = (dir.join(REPLICAS_CSV), dir.join(RUN_JSON));
        if !csv.is_file() || !json.is_file() {
            return Ok(None);
        }
        let meta = RunMeta::parse(&json, &read(&json)?)?;
        Self::parse(&csv, &read(&csv)?, meta.seed).map(Some)
    }

    /// Parses the text of `replicas.csv`; `path` only names it in errors.
    /// Replicas must be numbered 0, 1, … and every row must have one value
    /// per replica.
    ///
    /// # Errors
    /// [`ReadError::Malformed`] on a wrong header, a number that does not
    /// parse, or a row missing from a replica.
    pub fn parse(path: &Path, text: &str, seed: Option<u64>) -> Result<Self, ReadError> {
        let mut reader = csv_reader(text);
        expect_header(path, &mut reader, &REPLICAS_HEADER)?;
        let mut values: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let line = line_of(&record);
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let replica = field(0).parse::<usize>().map_err(|_| {
                malformed(
                    path,
                    line,
                    format!("replica \"{}\" is not a whole number", field(0)),
                )
            })?;
            let value = number(path, line, "value", field(3))?;
            let slot = values
                .entry((field(1).to_string(), field(2).to_string()))
                .or_default();
            if slot.len() != replica {
                return Err(malformed(
                    path,
                    line,
                    format!(
                        "replica {replica} of {} at {}: expected replica {}; replicas are numbered from 0, each row once per replica",
                        field(1),
                        field(2),
                        slot.len()
                    ),
                ));
            }
            slot.push(value);
        }
        let count = values.values().map(Vec::len).max().unwrap_or(0);
        if let Some(((metric, scope), _)) = values.iter().find(|(_, v)| v.len() != count) {
            return Err(malformed(
                path,
                None,
                format!("{metric} at {scope} lacks a value in some of the {count} replicas"),
            ));
        }
        Ok(Self {
            seed,
            count,
            values,
        })
    }

    /// The value of `metric` at `scope` in each replica.
    pub fn values(&self, metric: &str, scope: &str) -> Option<&[f64]> {
        self.values
            .get(&(metric.to_string(), scope.to_string()))
            .map(Vec::as_slice)
    }

    /// True when `self` and `other` share their random numbers replica by
    /// replica: the same seed (both known) and the same number of replicas,
    /// at least 2 (a paired interval needs two differences).
    pub fn pairs_with(&self, other: &Replicas) -> bool {
        self.seed.is_some()
            && self.seed == other.seed
            && self.count == other.count
            && self.count >= 2
    }
}

/// The `metric,scope,value,ci95_low,ci95_high` fields of `record` from column `at` on.
pub(crate) fn summary_row(
    path: &Path,
    record: &csv::StringRecord,
    at: usize,
) -> Result<SummaryRow, ReadError> {
    let line = line_of(record);
    let field = |i: usize| record.get(at + i).unwrap_or("").trim();
    let value = number(path, line, "value", field(2))?;
    let low = optional_number(path, line, "ci95_low", field(3))?;
    let high = optional_number(path, line, "ci95_high", field(4))?;
    Ok(SummaryRow {
        metric: field(0).to_string(),
        scope: field(1).to_string(),
        value,
        ci95: low.zip(high),
    })
}

/// Keeps the tier scopes (`as`, `idp:*`, `app:*`) of `scopes`, deduplicated, as,
/// then IdPs, then apps, each group in order of first appearance.
pub fn order_tiers<'a>(scopes: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    for s in scopes {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    let group = |p: fn(&str) -> bool| seen.iter().filter(move |s| p(s)).map(|s| s.to_string());
    group(|s| s == "as")
        .chain(group(|s| s.starts_with("idp:")))
        .chain(group(|s| s.starts_with("app:")))
        .collect()
}

#[cfg(test)]
mod read_tests {
    use super::*;
    use std::path::PathBuf;

    fn p() -> PathBuf {
        PathBuf::from("run/summary.csv")
    }

    #[test]
    fn summary_reads_values_and_intervals() {
        let s = Summary::parse(
            &p(),
            "metric,scope,value,ci95_low,ci95_high\nvisits,all,10,,\nreauth_rate,app:a,0.5,0.4,0.6\n",
        )
        .unwrap();
        assert_eq!(s.value("visits", "all"), Some(10.0));
        assert_eq!(
            s.get("reauth_rate", "app:a").unwrap().ci95,
            Some((0.4, 0.6))
        );
        assert_eq!(s.get("visits", "as"), None);
    }

    #[test]
    fn summary_errors_name_file_and_line() {
        let e = Summary::parse(
            &p(),
            "metric,scope,value,ci95_low,ci95_high\nvisits,all,ten,,\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "run/summary.csv: line 2: value `ten` is not a number");
        let e = Summary::parse(&p(), "a,b\n").unwrap_err().to_string();
        assert!(
            e.starts_with("run/summary.csv: line 1: header is `a,b`"),
            "{e}"
        );
        let e = Summary::parse(&p(), "").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = Summary::parse(&p(), "metric,scope,value,ci95_low,ci95_high\nvisits,all\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("2 fields"), "{e}");
    }

    #[test]
    fn tiers_are_as_then_idps_then_apps() {
        let scopes = ["all", "app:b", "idp:fb", "as", "app:a", "app:b"];
        assert_eq!(
            order_tiers(scopes.into_iter()),
            vec!["as", "idp:fb", "app:b", "app:a"]
        );
    }
}
