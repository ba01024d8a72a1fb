//! `timeseries.csv` (design §9): `time_ms,scope`, then valid and orphaned
//! sessions, logged-in users and cumulative counters, one row per sample and
//! scope (`all`, `as`, each `idp:<name>`, each `app:<name>`). Cells that do not
//! apply to a scope are empty. With replicas, each value is the mean and is
//! followed by `<column>_ci95_low,<column>_ci95_high`.

use crate::metrics::stats::{Estimate, fmt_num};
use crate::metrics::{Layout, Metrics, Series, SeriesCounter};
use crate::scenario::Scenario;

/// Value columns, after `time_ms,scope`.
fn columns() -> Vec<&'static str> {
    let mut c = vec!["valid_sessions", "orphaned_sessions", "logged_in_users"];
    c.extend(SeriesCounter::ALL.iter().map(|s| s.name()));
    c
}

/// One scope's columns for one replica: per column, `None` (empty) or a series.
fn scope_series(m: &Metrics, scope: &Scope) -> Vec<Option<Vec<i64>>> {
    let l = m.layout;
    let n = l.samples();
    let sum = |vs: Vec<Vec<i64>>| -> Vec<i64> {
        let mut acc = vec![0; n];
        for v in vs {
            for (a, b) in acc.iter_mut().zip(v) {
                *a += b;
            }
        }
        acc
    };
    let counters = |apps: &[usize], only: Option<&[SeriesCounter]>| -> Vec<Option<Vec<i64>>> {
        SeriesCounter::ALL
            .iter()
            .map(|&s| {
                if only.is_some_and(|o| !o.contains(&s)) {
                    None
                } else {
                    Some(sum(apps.iter().map(|&a| m.series.counter(a, s)).collect()))
                }
            })
            .collect()
    };
    let all_apps: Vec<usize> = (0..l.apps).collect();
    let mut out = Vec::new();
    match *scope {
        Scope::All => {
            out.push(Some(sum((0..l.tiers())
                .map(|t| m.series.sessions(Series::VALID, t))
                .collect())));
            out.push(Some(sum((0..l.tiers())
                .map(|t| m.series.sessions(Series::ORPHANED, t))
                .collect())));
            out.push(Some(m.series.logged_in_users()));
            out.extend(counters(&all_apps, None));
        }
        Scope::As => {
            out.push(Some(m.series.sessions(Series::VALID, Layout::AS_TIER)));
            out.push(Some(m.series.sessions(Series::ORPHANED, Layout::AS_TIER)));
            out.push(None);
            out.extend(counters(
                &all_apps,
                Some(&[
                    SeriesCounter::AuthorizeRequests,
                    SeriesCounter::TokenRequests,
                ]),
            ));
        }
        Scope::Idp(i) => {
            out.push(Some(m.series.sessions(Series::VALID, l.idp_tier(i))));
            out.push(Some(m.series.sessions(Series::ORPHANED, l.idp_tier(i))));
            out.push(None);
            out.extend(SeriesCounter::ALL.iter().map(|_| None));
        }
        Scope::App(a) => {
            out.push(Some(m.series.sessions(Series::VALID, l.app_tier(a))));
            out.push(Some(m.series.sessions(Series::ORPHANED, l.app_tier(a))));
            out.push(None);
            out.extend(counters(&[a], None));
        }
    }
    out
}

/// A scope of the time series.
enum Scope {
    All,
    As,
    Idp(usize),
    App(usize),
}

/// `timeseries.csv` bytes.
pub(super) fn to_csv(s: &Scenario, replicas: &[Metrics]) -> Vec<u8> {
    let Some(first) = replicas.first() else {
        return Vec::new();
    };
    let with_ci = replicas.len() > 1;
    let mut out = String::from("time_ms,scope");
    for c in columns() {
        out.push(',');
        out.push_str(c);
        if with_ci {
            out.push_str(&format!(",{c}_ci95_low,{c}_ci95_high"));
        }
    }
    out.push('\n');
    let mut scopes = vec![
        ("all".to_string(), Scope::All),
        ("as".to_string(), Scope::As),
    ];
    for (i, idp) in s.identity_providers.iter().enumerate() {
        scopes.push((format!("idp:{}", idp.name), Scope::Idp(i)));
    }
    for (a, app) in s.apps.iter().enumerate() {
        scopes.push((format!("app:{}", app.name), Scope::App(a)));
    }
    let per_scope: Vec<Vec<Vec<Option<Vec<i64>>>>> = scopes
        .iter()
        .map(|(_, sc)| replicas.iter().map(|m| scope_series(m, sc)).collect())
        .collect();
    let step = first.layout.sample_every;
    let mut values = Vec::with_capacity(replicas.len());
    for k in 0..first.layout.samples() {
        for ((name, _), reps) in scopes.iter().zip(&per_scope) {
            out.push_str(&format!("{},{}", k as u64 * step, name));
            for col in 0..reps[0].len() {
                match &reps[0][col] {
                    None => out.push_str(if with_ci { ",,," } else { "," }),
                    Some(_) => {
                        values.clear();
                        values.extend(
                            reps.iter()
                                .map(|r| r[col].as_ref().map_or(0.0, |v| v[k] as f64)),
                        );
                        let e = Estimate::from_replicas(&values);
                        out.push(',');
                        out.push_str(&fmt_num(e.mean));
                        if let Some((lo, hi)) = e.ci95 {
                            out.push_str(&format!(",{},{}", fmt_num(lo), fmt_num(hi)));
                        }
                    }
                }
            }
            out.push('\n');
        }
    }
    out.into_bytes()
}
