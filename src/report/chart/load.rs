//! Chart 6: authorization-server load over time, as peaks (issue 17).
//!
//! Capacity is about the busiest seconds, not the mean: each step is the
//! busiest second of its window (an hour, or several when the run is long),
//! read from `load.csv`, for all requests, `/authorize` and `/oauth/token`.
//! A rate limit set on one of these series is drawn as a dashed level.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines, legend_of, marks};
use super::{DrawResult, Figure, Legend};
use crate::report::data::{LoadHour, RunData};
use crate::report::style::{self, Dash, TimeUnit, line_style};

/// At most this many windows across a run (an hour each up to 8 days).
const MAX_WINDOWS: u64 = 200;

/// Window lengths tried, in hours, shortest first.
const NICE_HOURS: [u64; 10] = [1, 2, 3, 4, 6, 12, 24, 48, 168, 720];

/// The series drawn, with their labels.
const SERIES: [(&str, &str); 3] = [
    ("total", "all requests"),
    ("authorize_all", "/authorize"),
    ("token_all", "/oauth/token"),
];

/// Busiest second per window at the AS.
#[derive(Debug, Clone, Copy)]
pub struct AsLoad<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl AsLoad<'_> {
    fn window_hours(&self) -> u64 {
        window_hours(self.run.meta.duration_ms)
    }

    fn unit(&self) -> TimeUnit {
        TimeUnit::for_duration(self.run.meta.end_ms())
    }
}

impl Figure for AsLoad<'_> {
    fn stem(&self) -> &'static str {
        "as_load"
    }

    fn title(&self) -> String {
        "Authorization-server load: the busiest seconds".to_string()
    }

    fn caption(&self) -> String {
        let h = self.window_hours();
        let window = if h == 1 {
            "hour".to_string()
        } else {
            format!("{h} hours")
        };
        let mut text = format!(
            "Each step is the busiest second of its {window} of the measured window \
             (requests per second at the authorization server, from load.csv)"
        );
        if self.run.meta.replicas > 1 {
            text.push_str(", the largest of any replica");
        }
        text.push('.');
        let s = &self.run.summary;
        let figure = |metric: &str| s.value(metric, "as").map(style::number);
        if let (Some(mean), Some(p99), Some(max), Some(minute)) = (
            figure("load_total_per_s_mean"),
            figure("load_total_per_s_p99"),
            figure("load_total_per_s_max"),
            figure("load_total_per_min_max"),
        ) {
            text.push_str(&format!(
                " All requests: {mean}/s on average, 99% of seconds at most {p99}, \
                 the busiest second {max}, the busiest minute {minute}."
            ));
        }
        text
    }

    fn legend(&self) -> Legend {
        legend_of("series:", &self.lines())
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let unit = self.unit();
        let meta = &self.run.meta;
        let y_desc = format!(
            "busiest second per {}, requests/s",
            match self.window_hours() {
                1 => "hour".to_string(),
                h => format!("{h} h"),
            }
        );
        let start = meta.end_ms().saturating_sub(meta.duration_ms);
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: &y_desc,
            x_range: unit.of(start)..unit.of(meta.end_ms()),
            percent: false,
            empty_note: "no AS request in load.csv",
            marks: marks(self.run, unit),
        };
        draw_lines(plot, &axes, &self.lines())
    }
}

impl AsLoad<'_> {
    /// The peak lines, all requests thickest.
    fn lines(&self) -> Vec<Line> {
        let unit = self.unit();
        let hours = self.window_hours();
        SERIES
            .iter()
            .enumerate()
            .map(|(i, (series, label))| {
                let mut style = line_style(i);
                style.width = if i == 0 { 3 } else { 2 };
                style.dash = Dash::Solid;
                Line {
                    label: label.to_string(),
                    points: peak_steps(self.run.load.get(series), hours, unit),
                    band: Vec::new(),
                    style,
                }
            })
            .chain(self.limit_lines())
            .collect()
    }

    /// A dashed level for each rate limit of the drawn series
    /// (`rate_limit_<series>_per_s` in `summary.csv`).
    fn limit_lines(&self) -> Vec<Line> {
        let unit = self.unit();
        let meta = &self.run.meta;
        let (x0, x1) = (
            unit.of(meta.end_ms().saturating_sub(meta.duration_ms)),
            unit.of(meta.end_ms()),
        );
        SERIES
            .iter()
            .enumerate()
            .filter_map(|(i, (series, label))| {
                let limit = self
                    .run
                    .summary
                    .value(&format!("rate_limit_{series}_per_s"), "as")?;
                let mut style = line_style(i);
                style.width = 1;
                style.dash = Dash::Dashed;
                Some(Line {
                    label: format!("{label} limit ({}/s)", style::number(limit)),
                    points: vec![(x0, limit), (x1, limit)],
                    band: Vec::new(),
                    style,
                })
            })
            .collect()
    }
}

/// Hours per window for a measured window of `duration_ms`: the shortest
/// nice length leaving at most [`MAX_WINDOWS`] windows.
pub(super) fn window_hours(duration_ms: u64) -> u64 {
    let hours = duration_ms.div_ceil(3_600_000).max(1);
    NICE_HOURS
        .into_iter()
        .find(|&w| hours.div_ceil(w) <= MAX_WINDOWS)
        .unwrap_or_else(|| hours.div_ceil(MAX_WINDOWS))
}

/// The busiest second of each window of `hours` hours, as a step line.
pub(super) fn peak_steps(rows: &[LoadHour], hours: u64, unit: TimeUnit) -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    for group in rows.chunks(hours.max(1) as usize) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let peak = group.iter().map(|h| h.max_per_s).max().unwrap_or(0) as f64;
        points.push((unit.of(first.time_ms), peak));
        points.push((unit.of(last.time_ms + 3_600_000), peak));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(i: u64, max_per_s: u64) -> LoadHour {
        LoadHour {
            time_ms: i * 3_600_000,
            requests: 0,
            max_per_s,
            max_per_min: 0,
            throttled: 0,
        }
    }

    #[test]
    fn steps_hold_the_busiest_second_of_each_window() {
        let rows = [h(0, 1), h(1, 5), h(2, 2), h(3, 0), h(4, 7)];
        let pts = peak_steps(&rows, 2, TimeUnit::Hours);
        assert_eq!(
            pts,
            vec![
                (0.0, 5.0),
                (2.0, 5.0),
                (2.0, 2.0),
                (4.0, 2.0),
                (4.0, 7.0),
                (5.0, 7.0)
            ]
        );
    }

    #[test]
    fn windows_keep_at_most_200_steps() {
        const H: u64 = 3_600_000;
        assert_eq!(window_hours(7 * 24 * H), 1);
        assert_eq!(window_hours(30 * 24 * H), 4);
        assert_eq!(window_hours(365 * 24 * H), 48);
        assert_eq!(window_hours(3650 * 24 * H), 720);
        assert_eq!(window_hours(H / 2), 1);
    }
}
