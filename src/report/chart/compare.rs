//! Comparison charts: several runs overlaid on one chart, one legend entry per
//! run, and one bar per run of each share; runs are labelled by their point
//! (the varied keys and values, see `report::comparison::points`).

use crate::metrics::catalog;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{Bar, BarValue, Bars, draw_bars};
use super::lines::{Axes, Line, draw_lines, legend_of};
use super::{DrawResult, Figure, Legend};
use crate::report::comparison::{Value, differs, paired, rel_diff};
use crate::report::data::{RunData, Summary};
use crate::report::style::{self, BLUE, TimeUnit, line_style};

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

    fn legend(&self) -> Legend {
        legend_of("run:", &self.lines())
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let unit = TimeUnit::for_duration(self.longest());
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: self.y_desc,
            x_range: 0.0..unit.of(self.longest()),
            percent: false,
            empty_note: "no run has this series",
            marks: Vec::new(),
        };
        draw_lines(plot, &axes, &self.lines())
    }
}

impl CompareSeries<'_> {
    fn longest(&self) -> u64 {
        self.runs
            .iter()
            .map(|(_, r)| r.meta.duration_ms)
            .max()
            .unwrap_or(0)
    }

    fn lines(&self) -> Vec<Line> {
        let unit = TimeUnit::for_duration(self.longest());
        self.runs
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
            .collect()
    }
}

/// One panel per share, one bar per run, with 95% intervals where known:
/// re-authentication rate, SSO share, silent-auth failure share. Above each
/// bar but the first: its relative difference to the first run, and `*` where
/// their intervals do not overlap (as `ssosim compare` prints). A share no
/// run has (no silent attempt anywhere) gets no panel.
#[derive(Debug, Clone, Copy)]
pub struct CompareRates<'a> {
    /// (label, run) pairs.
    pub runs: &'a [(String, RunData)],
    /// Per run, its label under the bars (the varied values).
    pub axis: &'a [String],
    /// The x axis description (the varied keys).
    pub x_desc: &'a str,
}

/// Height of one panel, px.
const PANEL_HEIGHT: u32 = 300;

/// One compared share: (metric name, how to get it from a summary).
type Share = (&'static str, fn(&Summary) -> Option<BarValue>);

const SHARES: [Share; 3] = [
    (catalog::REAUTH_RATE.name, reauth_rate),
    (catalog::SSO_SHARE.name, sso_share),
    (
        catalog::SILENT_AUTH_FAILURE_SHARE.name,
        silent_failure_share,
    ),
];

impl CompareRates<'_> {
    /// The shares at least one run has.
    fn shares(&self) -> Vec<&'static Share> {
        SHARES
            .iter()
            .filter(|(_, get)| self.runs.iter().any(|(_, r)| get(&r.summary).is_some()))
            .collect()
    }

    /// The bars of one share, with their notes against the first run (`*`
    /// by the paired rule for runs paired with the first, as `compare`).
    fn bars(&self, metric: &str, get: fn(&Summary) -> Option<BarValue>) -> Vec<Bar> {
        let as_value = |b: BarValue| Value {
            value: b.value,
            ci95_low: b.interval.map(|i| i.0),
            ci95_high: b.interval.map(|i| i.1),
        };
        let first = self
            .runs
            .first()
            .and_then(|(_, r)| get(&r.summary))
            .map(as_value);
        let first_replicas = self.runs.first().and_then(|(_, r)| r.replicas.as_ref());
        self.runs
            .iter()
            .zip(self.axis)
            .enumerate()
            .map(|(i, ((_, run), label))| {
                let value = get(&run.summary);
                let v = value.map(as_value);
                let note = match (i, value) {
                    (0, _) | (_, None) => String::new(),
                    _ => {
                        let diff = rel_diff(first, v)
                            .map_or("new".to_string(), |r| format!("{:+.0}%", 100.0 * r));
                        let pair = paired(first_replicas, run.replicas.as_ref(), metric, "all");
                        let differ = pair.map_or_else(|| differs(first, v), |p| p.excludes_zero());
                        let star = if differ { " *" } else { "" };
                        format!("{diff}{star}")
                    }
                };
                Bar {
                    label: label.clone(),
                    value,
                    note,
                }
            })
            .collect()
    }
}

/// `reauth_rate` at scope `all`, in %.
fn reauth_rate(s: &Summary) -> Option<BarValue> {
    s.get(catalog::REAUTH_RATE.name, "all").map(|r| BarValue {
        value: 100.0 * r.value,
        interval: r.ci95.map(|(lo, hi)| (100.0 * lo, 100.0 * hi)),
    })
}

/// `sso_share` at scope `all` (sso_logins / (sso_logins + interactive_logins)),
/// in %, with its interval.
fn sso_share(s: &Summary) -> Option<BarValue> {
    s.get(catalog::SSO_SHARE.name, "all").map(|r| BarValue {
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
    let attempts = s
        .value(catalog::SILENT_AUTH_SUCCESSES.name, "all")
        .unwrap_or(0.0)
        + s.value(catalog::SILENT_AUTH_LOGIN_REQUIRED.name, "all")
            .unwrap_or(0.0)
        - s.value(catalog::SILENT_AUTH_BEFORE_FIRST_LOGIN.name, "all")
            .unwrap_or(0.0);
    let counted = s.get(catalog::SILENT_AUTH_SUCCESSES.name, "all").is_some()
        || s.get(catalog::SILENT_AUTH_LOGIN_REQUIRED.name, "all")
            .is_some();
    if counted && attempts <= 0.0 {
        return None;
    }
    s.get(catalog::SILENT_AUTH_FAILURE_SHARE.name, "all")
        .map(|r| BarValue {
            value: 100.0 * r.value,
            interval: r.ci95.map(|(lo, hi)| (100.0 * lo, 100.0 * hi)),
        })
}

impl Figure for CompareRates<'_> {
    fn stem(&self) -> &'static str {
        "compare_rates"
    }

    fn title(&self) -> String {
        if self
            .shares()
            .iter()
            .any(|s| s.0 == catalog::SILENT_AUTH_FAILURE_SHARE.name)
        {
            "Re-authentication, SSO and silent failures, by run".to_string()
        } else {
            "Re-authentication and SSO, by run".to_string()
        }
    }

    fn caption(&self) -> String {
        let silent = if self
            .shares()
            .iter()
            .any(|s| s.0 == catalog::SILENT_AUTH_FAILURE_SHARE.name)
        {
            "; silent attempts answered login_required, leaving out those before the \
             user's first login (silent_auth_failure_share)"
        } else {
            ""
        };
        format!(
            "Per run: re-authentications per protected visit (reauth_rate); \
             sso_logins / (sso_logins + interactive_logins) (sso_share){silent}. Whiskers: \
             95% interval over replicas where the run has one. Above each bar after the \
             first: its relative difference to the first run, and * where the two 95% \
             intervals do not overlap (for runs paired with the first, by seed and \
             replica count: where the paired difference's interval excludes 0)."
        )
    }

    fn plot_height(&self) -> u32 {
        PANEL_HEIGHT * self.shares().len().max(1) as u32
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let shares = self.shares();
        if shares.is_empty() {
            return super::no_data(plot, "no run has these metrics");
        }
        let mut rest = plot.clone();
        for (metric, get) in shares {
            let (panel, below) = rest.split_vertically(PANEL_HEIGHT);
            draw_bars(
                &panel,
                &Bars {
                    bars: &self.bars(metric, *get),
                    colour: BLUE,
                    x_desc: self.x_desc,
                    y_desc: "percent",
                    format: |v| format!("{}%", style::significant(v, 3)),
                    caption: metric,
                    empty_note: "no run has this metric",
                },
            )?;
            rest = below;
        }
        Ok(())
    }
}

/// The compared shares as response curves, when the runs are the points of
/// one varied duration or numeric key (`values`, each run's value of `key`):
/// one panel per share, the share against the key's value (in hours or days
/// for a duration; log axis when the values span more than 10×), 95% bands
/// over replicas. `None` when a value is not a number or a duration.
pub fn rate_curves(
    runs: &[(String, RunData)],
    key: &str,
    values: &[String],
) -> Option<super::ResponseCurves> {
    use super::curve::{CurvePoint, Panel, ResponseCurves, axis_name, duration_unit, wide};
    let (durations, xs) = crate::decide::axis::numeric_values(values)?;
    let log_x = wide(xs.iter().copied());
    let (unit, x_desc) = if durations {
        let (ms, name) = duration_unit(xs.iter().copied().fold(0.0, f64::max));
        (ms, axis_name(key, Some(name), log_x))
    } else {
        (1.0, axis_name(key, None, log_x))
    };
    let rates = CompareRates {
        runs,
        axis: values,
        x_desc: key,
    };
    let panels = rates
        .shares()
        .into_iter()
        .map(|(metric, get)| {
            let mut points: Vec<CurvePoint> = runs
                .iter()
                .zip(&xs)
                .filter_map(|((_, run), x)| {
                    get(&run.summary).map(|b| CurvePoint {
                        x: x / unit,
                        y: b.value / 100.0,
                        band: b.interval.map(|(lo, hi)| (lo / 100.0, hi / 100.0)),
                    })
                })
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            Panel {
                metric: (*metric).to_string(),
                y_desc: (*metric).to_string(),
                points,
                percent: true,
                target: None,
                answer: None,
            }
        })
        .collect();
    Some(ResponseCurves {
        stem: "compare_rates",
        title: format!("Re-authentication and SSO against {key}"),
        caption: format!(
            "Per share, its value at each point of the sweep against {key} \
             (reauth_rate: re-authentications per protected visit; sso_share: \
             sso_logins / (sso_logins + interactive_logins); silent_auth_failure_share \
             when some run made silent attempts), with its 95% band over replicas."
        ),
        x_desc,
        log_x,
        panels,
    })
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
