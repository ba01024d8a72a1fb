//! Chart 2: the share of users logged in over time, against the share who hold
//! a valid AS session.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines, legend_of};
use super::{DrawResult, Figure, Legend};
use crate::report::data::{RunData, Sample};
use crate::report::style::{self, TimeUnit, line_style};

/// Two shares of the users, over time: logged in (`logged_in_users`: would be
/// served without a credential prompt) and holding a valid, reachable AS
/// session (`valid_sessions` at `as`: the next app they open gets SSO). The gap
/// between the lines is the users served only by an app's own session or
/// tokens, which the sessions chart, counting sessions per tier, cannot show.
#[derive(Debug, Clone, Copy)]
pub struct LoggedInUsers<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl LoggedInUsers<'_> {
    /// The two lines, in % of the users when `run.json` gives their number,
    /// else in users.
    fn lines(&self) -> Vec<Line> {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        let scale = self.per_user().map_or(1.0, |u| 100.0 / u);
        let scaled = |samples: &[Sample]| -> Vec<Sample> {
            samples
                .iter()
                .map(|s| Sample {
                    time_ms: s.time_ms,
                    value: s.value * scale,
                    band: s.band.map(|(lo, hi)| (lo * scale, hi * scale)),
                })
                .collect()
        };
        let series = &self.run.series;
        vec![
            Line::from_samples(
                "logged in",
                &scaled(series.get("all", "logged_in_users")),
                unit,
                line_style(0),
            ),
            Line::from_samples(
                "valid AS session",
                &scaled(series.get("as", "valid_sessions")),
                unit,
                line_style(1),
            ),
        ]
    }

    /// The number of users, when known and not zero.
    fn per_user(&self) -> Option<f64> {
        self.run.meta.users.filter(|u| *u > 0).map(|u| u as f64)
    }
}

impl Figure for LoggedInUsers<'_> {
    fn stem(&self) -> &'static str {
        "logged_in_users"
    }

    fn title(&self) -> String {
        "Share of users logged in, and with SSO ready".to_string()
    }

    fn caption(&self) -> String {
        let of = self
            .per_user()
            .map(|u| format!("share of the {} users", style::number(u)))
            .unwrap_or_else(|| "number of users".to_string());
        let band = if self.run.meta.replicas > 1 {
            " Shaded: 95% interval over replicas."
        } else {
            ""
        };
        format!(
            "At each sample time, the {of} who are logged in (logged_in_users: the next \
             protected page would be served without a credential prompt) and who hold a \
             valid AS session reachable from their browser (the next app they open gets SSO). \
             The gap is the users kept in only by an app's own session or tokens.{band}"
        )
    }

    fn legend(&self) -> Legend {
        legend_of("", &self.lines())
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        let percent = self.per_user().is_some();
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: if percent { "share of users" } else { "users" },
            x_range: 0.0..unit.of(self.run.meta.end_ms()),
            percent,
            empty_note: "no logged_in_users series in timeseries.csv",
            marks: super::lines::marks(self.run, unit),
        };
        draw_lines(plot, &axes, &self.lines())
    }
}
