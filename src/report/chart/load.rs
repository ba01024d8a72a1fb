//! Chart 6: authorization-server load over time.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines};
use super::{DrawResult, Figure, frame};
use crate::report::data::{RunData, Sample};
use crate::report::style::{TimeUnit, line_style};

/// `/authorize` and `/oauth/token` requests per second at the AS: the difference
/// of the cumulative counts between two samples divided by the sample period,
/// drawn as a step over that period.
#[derive(Debug, Clone, Copy)]
pub struct AsLoad<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl Figure for AsLoad<'_> {
    fn stem(&self) -> &'static str {
        "as_load"
    }

    fn title(&self) -> String {
        "Authorization-server load over time".to_string()
    }

    fn caption(&self) -> String {
        "Requests per second at the authorization server, averaged over each sample \
         period: /authorize (interactive, SSO and silent) and /oauth/token (code exchanges)."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend) = frame(root, &self.title())?;
        let unit = TimeUnit::for_duration(self.run.meta.duration_ms);
        let columns = [
            ("authorize_requests", "/authorize"),
            ("token_requests", "/oauth/token"),
        ];
        let lines: Vec<Line> = columns
            .iter()
            .enumerate()
            .map(|(i, (column, label))| Line {
                label: label.to_string(),
                points: rate_steps(self.run.series.get("as", column), unit),
                band: Vec::new(),
                style: line_style(i),
            })
            .collect();
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: "requests per second",
            x_range: 0.0..unit.of(self.run.meta.duration_ms),
            legend_heading: "endpoint",
            empty_note: "no AS request counts in timeseries.csv",
        };
        draw_lines(&plot, &legend, &axes, &lines)
    }
}

/// Per-period rates from cumulative counts, as a step line: for each pair of
/// consecutive samples, the rate held from the first time to the second.
pub fn rate_steps(samples: &[Sample], unit: TimeUnit) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(samples.len() * 2);
    for pair in samples.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let seconds = (b.time_ms - a.time_ms) as f64 / 1000.0;
        if seconds <= 0.0 {
            continue;
        }
        let rate = ((b.value - a.value) / seconds).max(0.0);
        points.push((unit.of(a.time_ms), rate));
        points.push((unit.of(b.time_ms), rate));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_differences_over_the_period() {
        let s = |t, v| Sample {
            time_ms: t,
            value: v,
            band: None,
        };
        let pts = rate_steps(
            &[s(0, 0.0), s(3_600_000, 3600.0), s(7_200_000, 10800.0)],
            TimeUnit::Hours,
        );
        assert_eq!(pts, vec![(0.0, 1.0), (1.0, 1.0), (1.0, 2.0), (2.0, 2.0)]);
    }
}
