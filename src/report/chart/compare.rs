//! Comparison charts: several runs overlaid on one chart, one legend entry per run.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{BarValue, Group, GroupedBars, draw_grouped};
use super::lines::{Axes, Line, draw_lines};
use super::{DrawResult, Figure, frame};
use crate::report::data::{RunData, Summary};
use crate::report::style::{self, FILL_COLOURS, TimeUnit, line_style};

/// One time-series column of every run, overlaid, with confidence bands.
#[derive(Debug, Clone, Copy)]
pub struct CompareSeries<'a> {
    runs: &'a [(String, RunData)],
    scope: &'static str,
    column: &'static str,
    stem: &'static str,
    title: &'static str,
    y_desc: &'static str,
    caption: &'static str,
}

impl<'a> CompareSeries<'a> {
    /// Valid AS sessions over time, one line per run.
    pub fn as_sessions(runs: &'a [(String, RunData)]) -> Self {
        Self {
            runs,
            scope: "as",
            column: "valid_sessions",
            stem: "compare_as_sessions",
            title: "Valid AS sessions over time, by run",
            y_desc: "valid AS sessions",
            caption: "Sessions valid at the authorization server at each sample time, one \
                      line per run (bands: 95% interval over replicas).",
        }
    }

    /// Logged-in users over time, one line per run.
    pub fn logged_in_users(runs: &'a [(String, RunData)]) -> Self {
        Self {
            runs,
            scope: "all",
            column: "logged_in_users",
            stem: "compare_logged_in_users",
            title: "Logged-in users over time, by run",
            y_desc: "logged-in users",
            caption: "Users with a valid session reachable from their browser at each \
                      sample time, one line per run (bands: 95% interval over replicas).",
        }
    }
}

impl Figure for CompareSeries<'_> {
    fn stem(&self) -> &'static str {
        self.stem
    }

    fn title(&self) -> String {
        self.title.to_string()
    }

    fn caption(&self) -> String {
        self.caption.to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, self.title)?;
        let longest = self
            .runs
            .iter()
            .map(|(_, r)| r.meta.duration_ms)
            .max()
            .unwrap_or(0);
        let unit = TimeUnit::for_duration(longest);
        let lines: Vec<Line> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, (label, run))| {
                Line::from_samples(
                    label.clone(),
                    run.series.get(self.scope, self.column),
                    unit,
                    line_style(i),
                )
            })
            .collect();
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: self.y_desc,
            x_range: 0.0..unit.of(longest),
            legend_heading: "run",
            empty_note: "no run has this series",
        };
        draw_lines(&plot, &legend, &axes, &lines)
    }
}

/// Bars per run of three shares, with their 95 % intervals where known:
/// re-authentication rate, SSO share, silent-auth failure share.
#[derive(Debug, Clone, Copy)]
pub struct CompareRates<'a> {
    /// (label, run) pairs.
    pub runs: &'a [(String, RunData)],
}

/// One compared share: (group label, how to get it from a summary).
type Share = (&'static str, fn(&Summary) -> Option<BarValue>);

const SHARES: [Share; 3] = [
    ("re-authentication rate", reauth_rate),
    ("SSO share", sso_share),
    ("silent-auth failure share", silent_failure_share),
];

/// `reauth_rate` at scope `all`, in %.
fn reauth_rate(s: &Summary) -> Option<BarValue> {
    s.get("reauth_rate", "all").map(|r| BarValue {
        value: 100.0 * r.value,
        interval: r.ci95.map(|(lo, hi)| (100.0 * lo, 100.0 * hi)),
    })
}

/// `sso_share` at scope `all` (sso_logins / (sso_logins + interactive_logins)),
/// in %, with its interval.
fn sso_share(s: &Summary) -> Option<BarValue> {
    s.get("sso_share", "all").map(|r| BarValue {
        value: 100.0 * r.value,
        interval: r.ci95.map(|(lo, hi)| (100.0 * lo, 100.0 * hi)),
    })
}

/// `silent_auth_failure_share` at scope `all`, in %, with its interval: the
/// share of silent attempts answered `login_required`, leaving out those made
/// before the user's first login (which always fail).
/// No bar for a run that made no silent attempt: its share is undefined (the
/// summary writes 0 there).
fn silent_failure_share(s: &Summary) -> Option<BarValue> {
    let attempts = s.value("silent_auth_successes", "all").unwrap_or(0.0)
        + s.value("silent_auth_login_required", "all").unwrap_or(0.0)
        - s.value("silent_auth_before_first_login", "all")
            .unwrap_or(0.0);
    let counted = s.get("silent_auth_successes", "all").is_some()
        || s.get("silent_auth_login_required", "all").is_some();
    if counted && attempts <= 0.0 {
        return None;
    }
    s.get("silent_auth_failure_share", "all").map(|r| BarValue {
        value: 100.0 * r.value,
        interval: r.ci95.map(|(lo, hi)| (100.0 * lo, 100.0 * hi)),
    })
}

impl Figure for CompareRates<'_> {
    fn stem(&self) -> &'static str {
        "compare_rates"
    }

    fn title(&self) -> String {
        "Re-authentication, SSO and silent failures, by run".to_string()
    }

    fn caption(&self) -> String {
        "Per run: re-authentications per protected visit (reauth_rate); top-level \
         logins that needed no prompt, sso_logins / (sso_logins + interactive_logins) \
         (sso_share); silent attempts answered login_required, leaving out those before \
         the user's first login (silent_auth_failure_share). Whiskers: 95% interval over \
         replicas where the run has one; \
         no silent-failure bar for a run that made no silent attempt."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, &self.title())?;
        let series: Vec<(String, RGBColor)> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, (label, _))| (label.clone(), FILL_COLOURS[i % FILL_COLOURS.len()]))
            .collect();
        let groups: Vec<Group> = SHARES
            .iter()
            .map(|(label, get)| Group {
                label: label.to_string(),
                values: self.runs.iter().map(|(_, r)| get(&r.summary)).collect(),
            })
            .collect();
        draw_grouped(
            &plot,
            Some(&legend),
            &GroupedBars {
                series: &series,
                groups: &groups,
                x_desc: "",
                y_desc: "percent",
                format: |v| format!("{}%", style::significant(v, 3)),
                value_labels: true,
                legend_heading: "run",
                caption: "",
                empty_note: "no run has these metrics",
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn shares_use_the_summary_metrics() {
        let s = Summary::parse(
            Path::new("summary.csv"),
            "metric,scope,value,ci95_low,ci95_high\n\
             sso_share,all,0.25,,\n\
             silent_auth_successes,all,1,,\nsilent_auth_login_required,all,99,,\n\
             silent_auth_failure_share,all,0.25,0.2,0.3\n",
        )
        .unwrap();
        assert_eq!(sso_share(&s).unwrap().value, 25.0);
        let f = silent_failure_share(&s).unwrap();
        assert_eq!((f.value, f.interval), (25.0, Some((20.0, 30.0))));
        assert_eq!(reauth_rate(&s), None);
        let none = Summary::parse(
            Path::new("summary.csv"),
            "metric,scope,value,ci95_low,ci95_high\n\
             silent_auth_successes,all,0,,\nsilent_auth_login_required,all,0,,\n\
             silent_auth_failure_share,all,0,,\n",
        )
        .unwrap();
        assert_eq!(silent_failure_share(&none), None);
    }
}
