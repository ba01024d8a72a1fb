//! Chart 4: how users get in, per app.

use crate::metrics::catalog;
use plotters::prelude::*;

use super::bars::{Stack, Stacked, drop_zero_parts, thin_parts};
use crate::report::data::{RunData, Summary, scope_label};
use crate::report::style::{self, FILL_COLOURS};

/// The simulator's decomposition of a protected visit (metric, legend label):
/// `protected_visits` is the sum of these seven, per app.
///
/// `protected_silent_logins` counts only the silent logins of protected page
/// loads; `silent_auth_successes` also counts anonymous loads and token
/// renewals, so it does not belong here.
pub(super) const PATHS: [(&str, &str); 7] = [
    (catalog::LOCAL_SESSION_HITS.name, "local session"),
    (catalog::SSO_LOGINS.name, "SSO"),
    (catalog::PROTECTED_SILENT_LOGINS.name, "silent auth"),
    (catalog::REFRESH_TOKEN_LOGINS.name, "refresh token"),
    (catalog::FIRST_LOGINS.name, "first login"),
    (catalog::REAUTHENTICATIONS.name, "re-authentication"),
    (catalog::LOGINS_ABANDONED.name, "abandoned"),
];

/// Grey for protected visits the seven parts do not account for (none when the
/// run's counters are consistent).
const OTHER: RGBColor = RGBColor(200, 200, 200);

/// Stacked bars per app (and for all apps when there are several): how protected
/// visits were served.
pub fn login_paths(run: &RunData) -> Stacked {
    let (parts, bars) = stacks(&run.summary);
    let small = thin_parts(&parts, &bars);
    Stacked {
        stem: "login_paths",
        title: "How users get in, per app",
        caption: format!(
            "For each app, how visits to protected pages were served: from the app's own \
             session, by SSO at the AS (no prompt), by silent authentication (prompt=none), \
             by an interactive login (first ever or re-authentication), or abandoned; the \
             number in brackets is the count of protected visits{}.{small}",
            if bars.len() > 1 {
                ", and \"all apps\" adds the apps up"
            } else {
                ""
            }
        ),
        legend_heading: "served by:",
        parts,
        bars,
        x_desc: "share of protected visits (%)",
        empty_note: "no per-app login metrics in summary.csv",
        none_note: "no protected visits",
    }
}

/// The counts of app `scope` (or of all apps for `all`): the six parts, then the
/// protected visits they leave unexplained (0 when consistent), and the number
/// of protected visits; `None` when the run has none of the parts.
fn counts(summary: &Summary, scope: &str) -> Option<(Vec<f64>, f64)> {
    let values: Vec<Option<f64>> = PATHS
        .iter()
        .map(|(metric, _)| summary.value(metric, scope))
        .collect();
    if values.iter().all(Option::is_none) {
        return None;
    }
    let mut parts: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    let sum: f64 = parts.iter().sum();
    let visits = summary
        .value(catalog::PROTECTED_VISITS.name, scope)
        .unwrap_or(sum);
    // Counts are means over replicas: allow for rounding in the file.
    let rest = visits - sum;
    parts.push(if rest > 1e-6 * visits.max(1.0) {
        rest
    } else {
        0.0
    });
    Some((parts, visits))
}

/// The scopes drawn: `all` first when there are several apps, then each app.
fn scopes(summary: &Summary) -> Vec<String> {
    let apps = summary.apps();
    let mut scopes = Vec::new();
    if apps.len() > 1 {
        scopes.push("all".to_string());
    }
    scopes.extend(apps);
    scopes
}

/// The ways in that served at least one protected visit (plus "not accounted
/// for" if any bar needs it), and one bar per scope.
fn stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let (parts, bars) = all_stacks(summary);
    drop_zero_parts(parts, bars)
}

/// Every part the summary has a metric for, zero or not, and the bars.
fn all_stacks(summary: &Summary) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let drawn: Vec<(String, Vec<f64>, f64)> = scopes(summary)
        .into_iter()
        .filter_map(|scope| {
            let all = if scope == "all" {
                all_apps(summary)
            } else {
                None
            };
            let (parts, visits) = all.or_else(|| counts(summary, &scope))?;
            Some((scope, parts, visits))
        })
        .collect();
    let mut present: Vec<usize> = (0..PATHS.len())
        .filter(|&i| summary.rows.iter().any(|r| r.metric == PATHS[i].0))
        .collect();
    if drawn.iter().any(|(_, parts, _)| parts[PATHS.len()] > 0.0) {
        present.push(PATHS.len());
    }
    let parts = present
        .iter()
        .map(|&i| match PATHS.get(i) {
            Some((_, label)) => (label.to_string(), FILL_COLOURS[i]),
            None => ("not accounted for".to_string(), OTHER),
        })
        .collect();
    let bars = drawn
        .into_iter()
        .map(|(scope, parts, visits)| {
            let name = if scope == "all" {
                "all apps".to_string()
            } else {
                scope_label(&scope)
            };
            Stack {
                label: format!("{name} ({})", style::number(visits.round())),
                parts: present.iter().map(|&i| parts[i]).collect(),
            }
        })
        .collect();
    (parts, bars)
}

/// Scope `all` as the sum of the apps, so the bar is exactly the apps added up.
fn all_apps(summary: &Summary) -> Option<(Vec<f64>, f64)> {
    let per_app: Vec<(Vec<f64>, f64)> = summary
        .apps()
        .iter()
        .filter_map(|app| counts(summary, app))
        .collect();
    if per_app.is_empty() {
        return None;
    }
    let mut parts = vec![0.0; PATHS.len() + 1];
    let mut visits = 0.0;
    for (p, v) in per_app {
        for (sum, x) in parts.iter_mut().zip(p) {
            *sum += x;
        }
        visits += v;
    }
    Some((parts, visits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn summary(text: &str) -> Summary {
        Summary::parse(
            Path::new("summary.csv"),
            &format!("metric,scope,value,ci95_low,ci95_high\n{text}"),
        )
        .unwrap()
    }

    #[test]
    fn parts_use_protected_silent_logins_not_all_silent_successes() {
        let s = summary(
            "protected_visits,app:a,10,,\nlocal_session_hits,app:a,2,,\nsso_logins,app:a,3,,\n\
             protected_silent_logins,app:a,1,,\nsilent_auth_successes,app:a,50,,\n\
             first_logins,app:a,1,,\nreauthentications,app:a,3,,\nlogins_abandoned,app:a,0,,\n",
        );
        let (parts, bars) = stacks(&s);
        // Neither "not accounted for" nor the zero "abandoned" gets a part.
        let labels: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            labels,
            [
                "local session",
                "SSO",
                "silent auth",
                "first login",
                "re-authentication"
            ]
        );
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].label, "app a (10)");
        assert_eq!(bars[0].parts, vec![2.0, 3.0, 1.0, 1.0, 3.0]);
    }

    #[test]
    fn all_apps_is_the_sum_and_gaps_are_shown() {
        let s = summary(
            "protected_visits,app:a,10,,\nsso_logins,app:a,10,,\n\
             protected_visits,app:b,6,,\nsso_logins,app:b,4,,\n",
        );
        let (parts, bars) = stacks(&s);
        assert_eq!(
            parts.last().unwrap().0,
            "not accounted for",
            "app b leaves 2 visits unexplained"
        );
        assert_eq!(bars[0].label, "all apps (16)");
        assert_eq!(bars[0].parts, vec![14.0, 2.0]);
        assert_eq!(bars[2].parts, vec![4.0, 2.0]);
    }
}
