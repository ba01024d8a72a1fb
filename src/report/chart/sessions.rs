//! Chart 1: valid sessions over time per tier, and orphaned sessions per tier
//! in a panel of their own.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines, visible};
use super::{DrawResult, Figure, Key, Legend, LegendEntry};
use crate::report::data::{RunData, order_tiers, scope_label};
use crate::report::style::{PLOT_HEIGHT, TimeUnit, line_style};

/// Height of each of the two panels, px.
const PANEL_HEIGHT: u32 = 330;

/// Valid sessions per tier (AS, each IdP, each app) over time and, below them
/// on their own axis, orphaned sessions per tier: server-side sessions still
/// valid whose session-only cookie was dropped. Orphans are not summed with
/// the valid sessions (they can outnumber the users: one per browser close).
#[derive(Debug, Clone, Copy)]
pub struct ValidSessions<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl ValidSessions<'_> {
    /// One line per tier of `column`, the tier's style fixed by its rank among
    /// all tiers, so a tier looks the same in both panels.
    fn lines(&self, column: &str) -> Vec<Line> {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        let series = &self.run.series;
        order_tiers(series.scopes().iter().map(String::as_str))
            .iter()
            .enumerate()
            .map(|(i, scope)| {
                Line::from_samples(
                    scope_label(scope),
                    series.get(scope, column),
                    unit,
                    line_style(i),
                )
            })
            .collect()
    }

    /// Tiers without a valid session at any sample (an SPA with no local
    /// session, an IdP nobody uses): left out of the chart and its legend.
    fn empty_tiers(&self) -> Vec<String> {
        let lines = self.lines("valid_sessions");
        let shown = visible(&lines);
        lines
            .iter()
            .filter(|l| !shown.iter().any(|s| s.label == l.label))
            .map(|l| l.label.clone())
            .collect()
    }

    fn has_orphans(&self) -> bool {
        !visible(&self.lines("orphaned_sessions")).is_empty()
    }

    fn axes(&self, y_desc: &'static str, empty_note: &'static str) -> Axes<'static> {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        Axes {
            x_desc: unit.axis(),
            y_desc,
            x_range: 0.0..unit.of(self.run.meta.end_ms()),
            percent: false,
            empty_note,
            marks: super::lines::marks(self.run, unit),
        }
    }
}

impl Figure for ValidSessions<'_> {
    fn stem(&self) -> &'static str {
        "sessions"
    }

    fn title(&self) -> String {
        "Valid and orphaned sessions over time, per tier".to_string()
    }

    fn caption(&self) -> String {
        let empty = self.empty_tiers();
        let left_out = if empty.is_empty() {
            String::new()
        } else {
            format!(
                " Left out, with no session at any time: {}.",
                empty.join(", ")
            )
        };
        let band = if self.run.meta.replicas > 1 {
            " Shaded: 95% interval over replicas."
        } else {
            ""
        };
        let orphans = if self.has_orphans() {
            " Lower panel, on its own axis: orphaned sessions per tier, still valid at the \
             server after the browser dropped their session-only cookie (one per browser \
             close, so they can outnumber the users)."
        } else {
            " No session was orphaned in this run (no session-only cookie was dropped while \
             its session was valid)."
        };
        format!(
            "Upper panel: how many sessions are valid and reachable from the browser at each \
             sample time at the authorization server, each identity provider and each app.\
             {orphans}{band}{left_out}"
        )
    }

    fn legend(&self) -> Legend {
        let valid = self.lines("valid_sessions");
        let orphaned = self.lines("orphaned_sessions");
        let (a, b) = (visible(&valid), visible(&orphaned));
        let entries = valid
            .iter()
            .filter(|l| {
                a.iter().any(|v| v.label == l.label) || b.iter().any(|o| o.label == l.label)
            })
            .map(|l| LegendEntry {
                key: Key::Line(l.style),
                label: l.label.clone(),
            })
            .collect();
        Legend::new("tier:", entries)
    }

    fn plot_height(&self) -> u32 {
        if self.has_orphans() {
            2 * PANEL_HEIGHT
        } else {
            PLOT_HEIGHT
        }
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let valid = self.lines("valid_sessions");
        let valid_axes = self.axes("valid sessions", "no session series in timeseries.csv");
        if !self.has_orphans() {
            return draw_lines(plot, &valid_axes, &valid);
        }
        let (upper, lower) = plot.split_vertically(PANEL_HEIGHT);
        draw_lines(&upper, &valid_axes, &valid)?;
        draw_lines(
            &lower,
            &self.axes("orphaned sessions", "no orphaned session"),
            &self.lines("orphaned_sessions"),
        )
    }
}
