//! Line plots over virtual time: lines with dash and markers, confidence bands
//! behind them; the legend (under the plot) lists only the lines drawn.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, Glyph, Key, Legend, LegendEntry, dash_of, mesh, no_data};
use crate::report::data::Sample;
use crate::report::style::{self, AxisUnit, FONT, LineStyle, TimeUnit};

/// One line of a plot.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// Legend text.
    pub label: String,
    /// (x, y) points in plot units.
    pub points: Vec<(f64, f64)>,
    /// (x, low, high) of the confidence band; empty without replicas.
    pub band: Vec<(f64, f64, f64)>,
    /// Colour, dash and marker.
    pub style: LineStyle,
}

impl Line {
    /// A line from time-series samples, time in `unit`, value scaled by `scale`.
    pub(super) fn from_samples(
        label: impl Into<String>,
        samples: &[Sample],
        unit: TimeUnit,
        style: LineStyle,
    ) -> Self {
        Self {
            label: label.into(),
            points: samples
                .iter()
                .map(|s| (unit.of(s.time_ms), s.value))
                .collect(),
            band: samples
                .iter()
                .filter_map(|s| s.band.map(|(lo, hi)| (unit.of(s.time_ms), lo, hi)))
                .collect(),
            style,
        }
    }
}

/// What a line plot needs besides its lines.
#[derive(Debug, Clone)]
pub(super) struct Axes<'a> {
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// X range.
    pub x_range: Range<f64>,
    /// Y tick format: a number, or a percentage.
    pub percent: bool,
    /// Text shown when no line has a point.
    pub empty_note: &'a str,
    /// Tenant events: a dashed vertical line with its label at each x.
    pub marks: Vec<(f64, String)>,
}

/// Draws tenant events `marks` within `x_range` as dashed vertical lines up
/// to `y_top`, each labelled at the top, on the side with more room.
pub(super) fn draw_marks<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    marks: &[(f64, String)],
    x_range: &Range<f64>,
    y_top: f64,
) -> DrawResult {
    let font = (FONT, style::NOTE_SIZE).into_font().color(&BLACK);
    for (x, label) in marks.iter().filter(|m| x_range.contains(&m.0)) {
        chart.draw_series(DashedLineSeries::new(
            [(*x, 0.0), (*x, y_top)],
            6,
            4,
            BLACK.stroke_width(2),
        ))?;
        // Right of the line in the left half of the plot, left of it beyond.
        let (text, side) = if *x < (x_range.start + x_range.end) / 2.0 {
            (format!(" {label}"), HPos::Left)
        } else {
            (format!("{label} "), HPos::Right)
        };
        chart.draw_series(std::iter::once(Text::new(
            text,
            (*x, y_top),
            font.clone().pos(Pos::new(side, VPos::Top)),
        )))?;
    }
    Ok(())
}

/// The run's tenant events as marks on a time axis in `unit`.
pub(super) fn marks(
    run: &crate::report::data::RunData,
    unit: style::TimeUnit,
) -> Vec<(f64, String)> {
    run.events
        .iter()
        .map(|e| (unit.of(e.time_ms), e.label.clone()))
        .collect()
}

/// The lines worth drawing: those with a point other than zero (a line along
/// the axis would only hide it, and its legend entry would be noise).
pub(super) fn visible(lines: &[Line]) -> Vec<&Line> {
    lines
        .iter()
        .filter(|l| {
            l.points.iter().any(|p| p.1 != 0.0) || l.band.iter().any(|b| b.1 != 0.0 || b.2 != 0.0)
        })
        .collect()
}

/// The legend of the [`visible`] lines of `lines`.
pub(super) fn legend_of(heading: &str, lines: &[Line]) -> Legend {
    Legend::new(
        heading,
        visible(lines)
            .into_iter()
            .map(|l| LegendEntry {
                key: Key::Line(l.style),
                label: l.label.clone(),
            })
            .collect(),
    )
}

/// Draws the [`visible`] lines of `lines` in `plot`.
pub(super) fn draw_lines<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    axes: &Axes<'_>,
    lines: &[Line],
) -> DrawResult {
    let lines = visible(lines);
    if lines.is_empty() {
        return no_data(plot, axes.empty_note);
    }
    let y_max = lines
        .iter()
        .flat_map(|l| {
            l.points
                .iter()
                .map(|p| p.1)
                .chain(l.band.iter().map(|b| b.2))
        })
        .fold(0.0_f64, f64::max);
    let y_top = match (y_max > 0.0, axes.percent) {
        (false, _) => 1.0,
        // A share never needs ticks above 100%.
        (true, true) => (y_max * 1.08).min(100.0).max(y_max),
        (true, false) => y_max * 1.08,
    };
    let x_range = if axes.x_range.end > axes.x_range.start {
        axes.x_range.clone()
    } else {
        axes.x_range.start..axes.x_range.start + 1.0
    };

    let unit = AxisUnit::for_top(y_top);
    let percent = axes.percent;
    let y_tick = move |v: &f64| {
        if percent {
            format!("{}%", style::significant(*v, 3))
        } else {
            unit.tick(*v)
        }
    };
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_right(20)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(x_range.clone(), 0.0..y_top)?;
    mesh(&mut chart)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| style::significant(*v, 3))
        .y_label_formatter(&y_tick)
        .draw()?;

    for line in &lines {
        if line.band.len() >= 2 {
            let mut outline: Vec<(f64, f64)> = line.band.iter().map(|b| (b.0, b.2)).collect();
            outline.extend(line.band.iter().rev().map(|b| (b.0, b.1)));
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                line.style.colour.mix(0.2).filled(),
            )))?;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let stroke = line.style.colour.stroke_width(line.style.width);
        match dash_of(&line.style) {
            None => {
                chart.draw_series(LineSeries::new(line.points.iter().copied(), stroke))?;
            }
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(
                    line.points.iter().copied(),
                    dash,
                    gap,
                    stroke,
                ))?;
            }
        }
        chart.draw_series(
            marker_points(&line.points, i, lines.len()).map(|p| Glyph::marker(p, line.style)),
        )?;
    }
    draw_marks(&mut chart, &axes.marks, &x_range, y_top)
}

/// About ten markers per line, shifted between lines so they do not sit on
/// top of one another where lines coincide.
fn marker_points(
    points: &[(f64, f64)],
    line: usize,
    lines: usize,
) -> impl Iterator<Item = (f64, f64)> + '_ {
    let step = (points.len() / 10).max(1);
    let offset = step * line / lines.max(1);
    points.iter().copied().skip(offset).step_by(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_spread_and_shifted() {
        let pts: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, 0.0)).collect();
        let a: Vec<_> = marker_points(&pts, 0, 2).map(|p| p.0).collect();
        let b: Vec<_> = marker_points(&pts, 1, 2).map(|p| p.0).collect();
        assert_eq!(a.len(), 10);
        assert_eq!(a[0], 0.0);
        assert_eq!(b[0], 5.0);
    }
}
