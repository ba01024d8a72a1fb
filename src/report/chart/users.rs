//! Chart 2: logged-in users over time.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines};
use super::{DrawResult, Figure, frame};
use crate::report::data::RunData;
use crate::report::style::{TimeUnit, line_style};

/// Users with a valid session reachable from their browser (at the AS or at an
/// app), over time, with its confidence band when the run has replicas.
#[derive(Debug, Clone, Copy)]
pub struct LoggedInUsers<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl Figure for LoggedInUsers<'_> {
    fn stem(&self) -> &'static str {
        "logged_in_users"
    }

    fn title(&self) -> String {
        "Logged-in users over time".to_string()
    }

    fn caption(&self) -> String {
        let of = self
            .run
            .meta
            .users
            .map(|u| format!(" (of {} users)", crate::report::style::number(u as f64)))
            .unwrap_or_default();
        format!(
            "Users who could open a protected page without typing credentials at each \
             sample time{of}: a valid session reachable from their browser at the AS or an app."
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, &self.title())?;
        let unit = TimeUnit::for_duration(self.run.meta.duration_ms);
        let samples = self.run.series.get("all", "logged_in_users");
        let label = if samples.iter().any(|s| s.band.is_some()) {
            "mean, 95% band"
        } else {
            "logged-in users"
        };
        let lines = [Line::from_samples(label, samples, unit, line_style(0))];
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: "logged-in users",
            x_range: 0.0..unit.of(self.run.meta.duration_ms),
            legend_heading: "",
            empty_note: "no logged_in_users series in timeseries.csv",
        };
        draw_lines(&plot, &legend, &axes, &lines)
    }
}
