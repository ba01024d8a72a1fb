//! The reauth rate per day (per week for runs longer than 120 days) over the
//! whole simulated time, the warm-up shaded (issue 13): a transient left in
//! the measured window shows as a trend or a step. The caption gives the
//! MSER-5 truncation point of the measured series (White, 1997: the batch
//! of 5 observations from which on the mean's standard error, penalised by
//! how few batches remain, is smallest; 0 means no transient detected).

use crate::metrics::catalog;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, Figure, Glyph, Key, Legend, LegendEntry, mesh, no_data};
use crate::report::data::RunData;
use crate::report::style::{self, line_style};

const DAY_MS: u64 = 86_400_000;

/// Grey of the warm-up band.
const WARMUP: RGBColor = RGBColor(225, 225, 225);

/// Re-authentications over protected visits, bucket by bucket.
#[derive(Debug, Clone, Copy)]
pub struct ReauthOverTime<'a> {
    /// The run.
    pub run: &'a RunData,
}

/// The rate series: (bucket start in days, rate), measured buckets only, and
/// the bucket length in days.
pub(super) fn reauth_buckets(run: &RunData) -> (Vec<(f64, f64)>, u64) {
    let end = run.meta.warmup_ms + run.meta.duration_ms;
    let bucket = if end > 120 * DAY_MS { 7 } else { 1 };
    let reauth = run.series.get("all", catalog::REAUTHENTICATIONS.name);
    let protected = run.series.get("all", catalog::PROTECTED_VISITS.name);
    let at = |samples: &[crate::report::data::Sample], t: u64| {
        samples
            .iter()
            .take_while(|s| s.time_ms <= t)
            .last()
            .map_or(0.0, |s| s.value)
    };
    let mut out = Vec::new();
    let mut t = run.meta.warmup_ms;
    while t + bucket * DAY_MS <= end {
        let u = t + bucket * DAY_MS;
        let n = at(protected, u) - at(protected, t);
        if n > 0.0 {
            out.push((
                t as f64 / DAY_MS as f64,
                (at(reauth, u) - at(reauth, t)) / n,
            ));
        }
        t = u;
    }
    (out, bucket)
}

/// MSER-5 truncation point of `ys`, in observations (a multiple of 5): the
/// number of leading observations whose removal minimises the variance of
/// the remaining batch means over the square of their count; searched over
/// the first half of the batches. `None` with fewer than 4 batches.
pub(super) fn mser5(ys: &[f64]) -> Option<usize> {
    let batches: Vec<f64> = ys
        .chunks_exact(5)
        .map(|c| c.iter().sum::<f64>() / 5.0)
        .collect();
    let b = batches.len();
    if b < 4 {
        return None;
    }
    let mut best = (f64::INFINITY, 0);
    for d in 0..=b / 2 {
        let rest = &batches[d..];
        let n = rest.len() as f64;
        let mean = rest.iter().sum::<f64>() / n;
        let ss: f64 = rest.iter().map(|y| (y - mean) * (y - mean)).sum();
        let stat = ss / (n * n);
        if stat < best.0 {
            best = (stat, d);
        }
    }
    Some(best.1 * 5)
}

impl Figure for ReauthOverTime<'_> {
    fn stem(&self) -> &'static str {
        "reauth_over_time"
    }

    fn title(&self) -> String {
        "Reauth rate over time".to_string()
    }

    fn caption(&self) -> String {
        let (points, bucket) = reauth_buckets(self.run);
        let per = if bucket == 7 { "week" } else { "day" };
        let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
        let mser = match mser5(&ys) {
            None => "Too few buckets for the MSER-5 diagnostic".to_string(),
            Some(0) => "MSER-5 finds no transient in the measured window".to_string(),
            Some(k) => format!(
                "MSER-5 suggests discarding the first {} {per}s of the measured window: \
                 lengthen simulation.warmup by as much",
                k
            ),
        };
        format!(
            "Re-authentications over protected visits, {per} by {per}, at scope all. The \
             shaded band is the warm-up ({}), counted in no metric; a flat line after it is the \
             steady state. {mser}.",
            crate::time::Dur(self.run.meta.warmup_ms)
        )
    }

    fn legend(&self) -> Legend {
        Legend::new(
            "",
            vec![
                LegendEntry {
                    key: Key::Line(line_style(0)),
                    label: "reauth rate".to_string(),
                },
                LegendEntry {
                    key: Key::Fill(WARMUP),
                    label: "warm-up".to_string(),
                },
            ],
        )
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let (points, _) = reauth_buckets(self.run);
        if points.is_empty() {
            return no_data(plot, "no protected visits in timeseries.csv");
        }
        let end = (self.run.meta.warmup_ms + self.run.meta.duration_ms) as f64 / DAY_MS as f64;
        let warmup = self.run.meta.warmup_ms as f64 / DAY_MS as f64;
        let top = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-6) * 1.1;
        let mut chart = ChartBuilder::on(plot)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(56)
            .y_label_area_size(76)
            .build_cartesian_2d(0.0..end.max(1.0), 0.0..top)?;
        mesh(&mut chart)
            .x_desc("days since the start of the warm-up")
            .y_desc("reauth rate")
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&|v| style::significant(*v, 3))
            .y_label_formatter(&|v| style::significant(*v, 3))
            .draw()?;
        if warmup > 0.0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (warmup, top)],
                WARMUP.mix(0.6).filled(),
            )))?;
        }
        let s = line_style(0);
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            s.colour.stroke_width(s.width),
        ))?;
        let step = (points.len() / 10).max(1);
        chart.draw_series(points.iter().step_by(step).map(|&p| Glyph::marker(p, s)))?;
        let marks: Vec<(f64, String)> = self
            .run
            .events
            .iter()
            .map(|e| (e.time_ms as f64 / DAY_MS as f64, e.label.clone()))
            .collect();
        super::lines::draw_marks(&mut chart, &marks, &(0.0..end.max(1.0)), top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mser5_cuts_a_transient_and_keeps_a_flat_series() {
        let flat: Vec<f64> = (0..60)
            .map(|i| 0.05 + 0.001 * ((i * 7 % 5) as f64 - 2.0))
            .collect();
        assert_eq!(mser5(&flat), Some(0));
        let mut warm = flat.clone();
        for y in warm.iter_mut().take(10) {
            *y = 0.0;
        }
        assert_eq!(mser5(&warm), Some(10));
        assert_eq!(mser5(&flat[..15]), None);
    }
}
