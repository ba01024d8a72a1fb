//! Chart 6: authorization-server load over time.

use crate::metrics::catalog;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::lines::{Axes, Line, draw_lines, legend_of};
use super::{DrawResult, Figure, Legend};
use crate::report::data::{RunData, Sample};
use crate::report::style::{self, Dash, TimeUnit, line_style};

/// At most this many averaging windows across a run: at 30 days and hourly
/// samples the per-sample rate is mostly noise, 6 h windows show the level.
const MAX_WINDOWS: u64 = 120;

/// Window lengths tried, shortest first (ms); the window is the first of these
/// that is a whole number of sample periods and gives at most [`MAX_WINDOWS`].
const NICE_WINDOWS_MS: [u64; 17] = [
    1_000,
    10_000,
    60_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    14_400_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
    2_592_000_000,
];

/// `/authorize` and `/oauth/token` requests per second at the AS: the difference
/// of the cumulative counts at the two ends of a window divided by its length,
/// drawn as a step over that window.
#[derive(Debug, Clone, Copy)]
pub struct AsLoad<'a> {
    /// The run.
    pub run: &'a RunData,
}

const COLUMNS: [(&str, &str); 2] = [
    (catalog::AUTHORIZE_REQUESTS.name, "/authorize"),
    (catalog::TOKEN_REQUESTS.name, "/oauth/token"),
];

impl AsLoad<'_> {
    /// Sampling period of the run, ms: from `run.json`, else from the samples.
    fn sample_ms(&self) -> u64 {
        self.run.meta.sample_every_ms.unwrap_or_else(|| {
            let s = self.run.series.get("as", COLUMNS[0].0);
            s.windows(2)
                .map(|w| w[1].time_ms - w[0].time_ms)
                .filter(|d| *d > 0)
                .min()
                .unwrap_or(1)
        })
    }

    fn window_ms(&self) -> u64 {
        averaging_window(self.sample_ms(), self.run.meta.duration_ms)
    }

    /// Total requests of `column` over the run (last cumulative sample).
    fn total(&self, column: &str) -> Option<f64> {
        self.run.series.get("as", column).last().map(|s| s.value)
    }
}

impl Figure for AsLoad<'_> {
    fn stem(&self) -> &'static str {
        "as_load"
    }

    fn title(&self) -> String {
        "Authorization-server load over time".to_string()
    }

    fn caption(&self) -> String {
        let window = self.window_ms();
        let sample = self.sample_ms();
        let grouped = if window > sample {
            format!(" (samples every {}, grouped)", span(sample))
        } else {
            String::new()
        };
        let mut text = format!(
            "Requests per second at the authorization server, each step the mean over {}{grouped}: \
             /authorize (interactive, SSO and silent) and /oauth/token (code exchanges).",
            span(window)
        );
        let s = &self.run.summary;
        let figure = |metric: &str| s.value(metric, "as").map(style::number);
        if let (Some(mean), Some(peak)) = (
            figure(catalog::AUTHORIZE_REQUESTS_PER_S_MEAN.name),
            figure(catalog::AUTHORIZE_REQUESTS_PER_S_PEAK.name),
        ) {
            let over = if self.run.meta.replicas > 1 {
                " (means over replicas)"
            } else {
                ""
            };
            text.push_str(&format!(
                " Over the whole run /authorize averaged {mean} requests/s; its busiest \
                 second had {peak} requests{over}."
            ));
        }
        if let (Some(a), Some(t)) = (self.total(COLUMNS[0].0), self.total(COLUMNS[1].0))
            && a > 0.0
            && (a - t).abs() <= 0.02 * a
        {
            text.push_str(&format!(
                " The two lines nearly coincide ({} /authorize, {} /oauth/token requests in all): \
                 each code-grant login makes one code exchange; /oauth/token is the thin dashed line.",
                style::number(a.round()),
                style::number(t.round())
            ));
        }
        text
    }

    fn legend(&self) -> Legend {
        legend_of("endpoint:", &self.lines())
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        let y_desc = format!("requests/s (mean over {})", span(self.window_ms()));
        let axes = Axes {
            x_desc: unit.axis(),
            y_desc: &y_desc,
            x_range: 0.0..unit.of(self.run.meta.end_ms()),
            percent: false,
            empty_note: "no AS request counts in timeseries.csv",
        };
        draw_lines(plot, &axes, &self.lines())
    }
}

impl AsLoad<'_> {
    /// `/authorize` thick and solid, `/oauth/token` thin and dashed on top of
    /// it, so both show where they are equal.
    fn lines(&self) -> Vec<Line> {
        let unit = TimeUnit::for_duration(self.run.meta.end_ms());
        let window = self.window_ms();
        COLUMNS
            .iter()
            .enumerate()
            .map(|(i, (column, label))| {
                let mut style = line_style(i);
                if i == 0 {
                    style.width = 4;
                } else {
                    style.width = 2;
                    style.dash = Dash::Dashed;
                }
                Line {
                    label: label.to_string(),
                    points: rate_steps(self.run.series.get("as", column), window, unit),
                    band: Vec::new(),
                    style,
                }
            })
            .collect()
    }
}

/// The averaging window for a run of `duration_ms` sampled every `sample_ms`:
/// the shortest nice length that is a whole number of samples and leaves at
/// most [`MAX_WINDOWS`] windows; failing that, enough whole samples.
pub fn averaging_window(sample_ms: u64, duration_ms: u64) -> u64 {
    let sample = sample_ms.max(1);
    let fits = |w: u64| duration_ms.div_ceil(w) <= MAX_WINDOWS;
    if fits(sample) {
        return sample;
    }
    NICE_WINDOWS_MS
        .into_iter()
        .find(|&w| w >= sample && w.is_multiple_of(sample) && fits(w))
        .unwrap_or_else(|| duration_ms.div_ceil(MAX_WINDOWS).div_ceil(sample) * sample)
}

/// A length as `6 h`, `1 d`, `10 min`, `30 s`.
pub fn span(ms: u64) -> String {
    let (unit, name) = match ms {
        m if m >= 86_400_000 && m.is_multiple_of(86_400_000) => (86_400_000.0, "d"),
        m if m >= 3_600_000 && m.is_multiple_of(3_600_000) => (3_600_000.0, "h"),
        m if m >= 60_000 && m.is_multiple_of(60_000) => (60_000.0, "min"),
        _ => (1000.0, "s"),
    };
    format!("{} {name}", style::significant(ms as f64 / unit, 3))
}

/// Per-window rates from cumulative counts, as a step line: the samples that
/// start a window (time a multiple of `window_ms`, plus the last sample) are
/// kept, and for each pair the rate is held from the first time to the second.
pub fn rate_steps(samples: &[Sample], window_ms: u64, unit: TimeUnit) -> Vec<(f64, f64)> {
    let window = window_ms.max(1);
    let mut ends: Vec<Sample> = samples
        .iter()
        .filter(|s| s.time_ms.is_multiple_of(window))
        .copied()
        .collect();
    if let Some(last) = samples.last()
        && ends.last().is_none_or(|e| e.time_ms < last.time_ms)
    {
        ends.push(*last);
    }
    let mut points = Vec::with_capacity(ends.len() * 2);
    for pair in ends.windows(2) {
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

    fn s(time_ms: u64, value: f64) -> Sample {
        Sample {
            time_ms,
            value,
            band: None,
        }
    }

    #[test]
    fn rates_are_differences_over_the_period() {
        let pts = rate_steps(
            &[s(0, 0.0), s(3_600_000, 3600.0), s(7_200_000, 10800.0)],
            3_600_000,
            TimeUnit::Hours,
        );
        assert_eq!(pts, vec![(0.0, 1.0), (1.0, 1.0), (1.0, 2.0), (2.0, 2.0)]);
    }

    #[test]
    fn windows_group_whole_samples() {
        const H: u64 = 3_600_000;
        let samples: Vec<Sample> = (0..=5).map(|i| s(i * H, (i * i) as f64 * 3600.0)).collect();
        // Windows of 2 h: 0–2 h, 2–4 h, then the 4–5 h remainder.
        let pts = rate_steps(&samples, 2 * H, TimeUnit::Hours);
        assert_eq!(
            pts,
            vec![
                (0.0, 2.0),
                (2.0, 2.0),
                (2.0, 6.0),
                (4.0, 6.0),
                (4.0, 9.0),
                (5.0, 9.0)
            ]
        );
    }

    #[test]
    fn window_keeps_about_a_hundred_steps() {
        const H: u64 = 3_600_000;
        assert_eq!(averaging_window(H, 30 * 24 * H), 6 * H);
        assert_eq!(averaging_window(H, 3 * 24 * H), H);
        assert_eq!(averaging_window(60_000, 24 * H), 900_000);
        // 7 min samples: 1 d and 2 d are not whole samples, 7 d is.
        assert_eq!(averaging_window(7 * 60_000, 365 * 24 * H), 7 * 24 * H);
        assert_eq!(span(6 * H), "6 h");
        assert_eq!(span(86_400_000), "1 d");
    }
}
