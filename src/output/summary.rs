//! `summary.csv` (design §9): `metric,scope,value,ci95_low,ci95_high`, rows in
//! a fixed order — scope `all`, then each `app:<name>`, `as`, each `idp:<name>`.

use crate::metrics::stats::{Estimate, fmt_num};
use crate::metrics::{AppCounter, GlobalCounter, IdpCounter, LoginKind, Metrics, TierCounter};
use crate::scenario::Scenario;

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
        "reauth_rate",
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
        "silent_auth_failure_share",
        ratio(failed, failed + get(AppCounter::SilentAuthSuccesses)),
    ));
    // The one definition of the SSO share: of the top-level `/authorize`
    // requests that ended in a login, those that needed no prompt.
    let sso = get(AppCounter::SsoLogins);
    v.push((
        "sso_share",
        ratio(sso, sso + get(AppCounter::InteractiveLogins)),
    ));
    v
}

fn global_values(m: &Metrics) -> Values {
    let mut v: Values = vec![
        (
            "browser_closes",
            m.global_value(GlobalCounter::BrowserCloses) as f64,
        ),
        (
            "password_resets",
            m.global_value(GlobalCounter::PasswordResets) as f64,
        ),
        (
            "cookie_clears",
            m.global_value(GlobalCounter::CookieClears) as f64,
        ),
    ];
    let both = m.logins.stats(&[LoginKind::Interactive, LoginKind::Sso]);
    v.push(("login_latency_ms_mean", both.latency_mean));
    v.push(("login_latency_ms_p95", both.latency_p95));
    v.push(("hops_per_login_mean", both.hops_mean));
    for (kind, mean, p95, hops) in [
        (
            LoginKind::Interactive,
            "interactive_login_latency_ms_mean",
            "interactive_login_latency_ms_p95",
            "interactive_hops_mean",
        ),
        (
            LoginKind::Sso,
            "sso_login_latency_ms_mean",
            "sso_login_latency_ms_p95",
            "sso_hops_mean",
        ),
        (
            LoginKind::Silent,
            "silent_login_latency_ms_mean",
            "silent_login_latency_ms_p95",
            "silent_hops_mean",
        ),
        (
            LoginKind::RefreshToken,
            "refresh_token_login_latency_ms_mean",
            "refresh_token_login_latency_ms_p95",
            "refresh_token_hops_mean",
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

fn as_load_values(m: &Metrics) -> Values {
    let seconds = m.layout.duration as f64 / 1000.0;
    vec![
        (
            "authorize_requests_per_s_mean",
            m.authorize_per_s.total() as f64 / seconds,
        ),
        (
            "authorize_requests_per_s_peak",
            f64::from(m.authorize_per_s.peak()),
        ),
        (
            "token_requests_per_s_mean",
            m.token_per_s.total() as f64 / seconds,
        ),
        ("token_requests_per_s_peak", f64::from(m.token_per_s.peak())),
    ]
}

/// Every (scope, values) of one replica, in output order.
fn scopes(s: &Scenario, m: &Metrics) -> Vec<(String, Values)> {
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
    as_v.extend(as_load_values(m));
    out.push(("as".to_string(), as_v));
    for (i, idp) in s.identity_providers.iter().enumerate() {
        let mut v: Values = IdpCounter::ALL
            .iter()
            .map(|&c| (c.name(), m.idp_value(i, c) as f64))
            .collect();
        v.extend(tier_values(m, m.layout.idp_tier(i)));
        out.push((format!("idp:{}", idp.name), v));
    }
    out
}

/// The summary rows of a run, values per replica.
pub fn rows(s: &Scenario, replicas: &[Metrics]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (r, m) in replicas.iter().enumerate() {
        let mut i = 0;
        for (scope, values) in scopes(s, m) {
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
