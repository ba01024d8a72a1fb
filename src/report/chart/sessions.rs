//! Chart 1: valid sessions over time per tier, and orphaned sessions.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines};
use super::{DrawResult, Figure, frame};
use crate::report::data::{RunData, order_tiers, scope_label};
use crate::report::style::{TimeUnit, line_style};

/// Valid sessions per tier (AS, each IdP, each app) and orphaned sessions
/// (server-side sessions whose session-only cookie was dropped), over time.
#[derive(Debug, Clone, Copy)]
pub struct ValidSessions<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl ValidSessions<'_> {
    /// Tiers whose valid sessions are zero at every sample (an SPA with no local
    /// session, an IdP nobody uses): a line along the axis would only hide it.
    fn empty_tiers(&self) -> Vec<String> {
        let series = &self.run.series;
        order_tiers(series.scopes().iter().map(String::as_str))
            .into_iter()
            .filter(|scope| {
                let samples = series.get(scope, "valid_sessions");
                !samples.is_empty()
                    && samples
                        .iter()
                        .all(|s| s.value == 0.0 && s.band.is_none_or(|(_, hi)| hi == 0.0))
            })
            .collect()
    }
}

impl Figure for ValidSessions<'_> {
    fn stem(&self) -> &'static str {
        "sessions"
    }

    fn title(&self) -> String {
        "Valid sessions over time, per tier".to_string()
    }

    fn caption(&self) -> String {
        let empty = self.empty_tiers();
        let left_out = if empty.is_empty() {
            String::new()
        } else {
            format!(
                " Left out, with no session at any time: {}.",
                empty
                    .iter()
                    .map(|s| scope_label(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let band = if self.run.meta.replicas > 1 {
            " Shaded: 95% interval over replicas."
        } else {
            ""
        };
        format!(
            "How many sessions are valid at each sample time at the authorization server, \
             each identity provider and each app; the orphaned line counts server-side \
             sessions still valid whose browser cookie is gone.{band}{left_out}"
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, &self.title())?;
        let unit = TimeUnit::for_duration(self.run.meta.duration_ms);
        let series = &self.run.series;
        let empty = self.empty_tiers();
        let mut lines: Vec<Line> = order_tiers(series.scopes().iter().map(String::as_str))
            .iter()
            .filter(|scope| !empty.contains(scope))
            .map(|scope| (scope_label(scope), series.get(scope, "valid_sessions")))
            .filter(|(_, samples)| !samples.is_empty())
            .enumerate()
            .map(|(i, (label, samples))| Line::from_samples(label, samples, unit, line_style(i)))
            .collect();
        let orphaned = series.get("all", "orphaned_sessions");
        if !orphaned.is_empty() {
            let style = line_style(lines.len());
            lines.push(Line::from_samples("orphaned (all)", orphaned, unit, style));
        }
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: "valid sessions",
            x_range: 0.0..unit.of(self.run.meta.duration_ms),
            legend_heading: "tier",
            empty_note: "no session series in timeseries.csv",
        };
        draw_lines(&plot, &legend, &axes, &lines)
    }
}
