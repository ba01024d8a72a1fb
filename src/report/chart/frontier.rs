//! Friction against exposure (`sweep --frontier`, issue 16): one point per
//! run, friction on x and exposure on y, their 95% intervals over replicas
//! as error bars, the Pareto-optimal points filled and joined in order of
//! friction, the others hollow and grey. Each point is labelled with its
//! value of the varied keys; points drawn on top of each other share one
//! label (`7d, 30d`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, Figure, Key, Legend, LegendEntry, mesh, no_data};
use crate::metrics::catalog::{self, Unit};
use crate::report::comparison::{Axis, Frontier, Value};
use crate::report::style::{self, BLACK, Dash, FONT, LineStyle, Marker, NOTE_SIZE, VERMILLION};

/// Colour of the points no longer optimal.
const DOMINATED: RGBColor = RGBColor(150, 150, 150);
/// Radius of a point's marker, px.
const RADIUS: i32 = 6;

/// The frontier chart: `frontier` and a short label per point.
#[derive(Debug, Clone, Copy)]
pub struct FrontierChart<'a> {
    /// The points and axes.
    pub frontier: &'a Frontier,
    /// Per point, the text drawn beside it (its values of the varied keys).
    pub labels: &'a [String],
}

/// Points drawn close together and the one label they share.
struct LabelGroup {
    /// Where the first point is drawn, px.
    pixel: (i32, i32),
    /// The first point, in chart coordinates.
    at: (f64, f64),
    /// The points' labels, joined by `, `.
    label: String,
    /// One of them is optimal (the label is drawn in black).
    optimal: bool,
}

/// Shares are drawn as percentages.
fn percent(axis: &Axis) -> bool {
    catalog::describe(&axis.metric).is_some_and(|d| d.unit == Unit::Share)
}

/// `metric (scope)`, and which way is better.
fn describe(axis: &Axis) -> String {
    let scope = axis.scope.as_deref().unwrap_or("all");
    let better = if axis.lower_is_better {
        "lower is better"
    } else {
        "higher is better"
    };
    let unit = if percent(axis) { ", percent" } else { "" };
    format!("{} ({scope}{unit}; {better})", axis.metric)
}

/// The span of `values` (means and interval ends), padded by 8% on each side.
fn span(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let pad = if hi > lo {
        0.08 * (hi - lo)
    } else {
        0.5 * hi.abs().max(1e-9)
    };
    (lo - pad, hi + pad)
}

/// The mean and interval ends of `v`, times `scale`.
fn ends(v: Value, scale: f64) -> [f64; 3] {
    [
        v.value * scale,
        v.ci95_low.unwrap_or(v.value) * scale,
        v.ci95_high.unwrap_or(v.value) * scale,
    ]
}

impl Figure for FrontierChart<'_> {
    fn stem(&self) -> &'static str {
        "frontier"
    }

    fn title(&self) -> String {
        format!(
            "Friction against exposure: {} and {}",
            self.frontier.friction.metric, self.frontier.exposure.metric
        )
    }

    fn caption(&self) -> String {
        let optimal: Vec<&str> = self
            .frontier
            .points
            .iter()
            .zip(self.labels)
            .filter(|(p, _)| p.optimal)
            .map(|(_, l)| l.as_str())
            .collect();
        format!(
            "Each run's {} (x) against its {} (y), with 95% intervals over replicas as \
             error bars. Filled and joined: the Pareto-optimal runs, which no other run \
             beats on both (judged on the means): {}. Hollow: runs another one beats on both.",
            describe(&self.frontier.friction),
            describe(&self.frontier.exposure),
            optimal.join(", ")
        )
    }

    fn legend(&self) -> Legend {
        let style = |colour, marker| LineStyle {
            colour,
            dash: Dash::Solid,
            marker,
            width: 2,
        };
        Legend::new(
            "run:",
            vec![
                LegendEntry {
                    key: Key::Line(style(VERMILLION, Marker::Circle)),
                    label: "Pareto-optimal".to_string(),
                },
                LegendEntry {
                    key: Key::Line(style(DOMINATED, Marker::Ring)),
                    label: "beaten on both".to_string(),
                },
            ],
        )
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let f = self.frontier;
        if f.points.is_empty() {
            return no_data(plot, "no run to draw");
        }
        let (px, py) = (percent(&f.friction), percent(&f.exposure));
        let (sx, sy) = (if px { 100.0 } else { 1.0 }, if py { 100.0 } else { 1.0 });
        let xs: Vec<[f64; 3]> = f.points.iter().map(|p| ends(p.friction, sx)).collect();
        let ys: Vec<[f64; 3]> = f.points.iter().map(|p| ends(p.exposure, sy)).collect();
        let (x0, x1) = span(xs.iter().flatten().copied());
        let (y0, y1) = span(ys.iter().flatten().copied());
        let tick = |is_percent: bool, top: f64| {
            move |v: &f64| {
                if is_percent {
                    format!("{}%", style::significant(*v, 3))
                } else {
                    style::AxisUnit::for_top(top).tick(*v)
                }
            }
        };
        let (x_tick, y_tick) = (
            tick(px, x1.abs().max(x0.abs())),
            tick(py, y1.abs().max(y0.abs())),
        );
        let (x_desc, y_desc) = (
            format!("{} (friction)", f.friction.metric),
            format!("{} (exposure)", f.exposure.metric),
        );
        let mut chart = ChartBuilder::on(plot)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(56)
            .y_label_area_size(76)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        mesh(&mut chart)
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&x_tick)
            .y_label_formatter(&y_tick)
            .draw()?;
        // Error bars first, under the markers.
        for (i, p) in f.points.iter().enumerate() {
            let colour = if p.optimal { VERMILLION } else { DOMINATED };
            let [x, xl, xh] = xs[i];
            let [y, yl, yh] = ys[i];
            for bar in [[(xl, y), (xh, y)], [(x, yl), (x, yh)]] {
                if bar[0] != bar[1] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        bar.to_vec(),
                        colour.stroke_width(2),
                    )))?;
                }
            }
        }
        // The frontier: the optimal points in order of friction.
        let mut line: Vec<(f64, f64)> = (0..f.points.len())
            .filter(|&i| f.points[i].optimal)
            .map(|i| (xs[i][0], ys[i][0]))
            .collect();
        line.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        chart.draw_series(LineSeries::new(line, VERMILLION.stroke_width(3)))?;
        for (i, p) in f.points.iter().enumerate() {
            let at = (xs[i][0], ys[i][0]);
            let marker = if p.optimal {
                Circle::new(at, RADIUS, VERMILLION.filled())
            } else {
                Circle::new(at, RADIUS, DOMINATED.stroke_width(2))
            };
            chart.draw_series(std::iter::once(marker))?;
        }
        // Labels: points drawn within a label's size of an earlier one share
        // its label (`7d, 30d`), so that no two labels overlap there.
        let mut groups: Vec<LabelGroup> = Vec::new();
        for (i, p) in f.points.iter().enumerate() {
            let at = (xs[i][0], ys[i][0]);
            let px = chart.backend_coord(&at);
            let label = self.labels.get(i).cloned().unwrap_or_default();
            match groups.iter_mut().find(|g| {
                (g.pixel.0 - px.0).abs() < 40 && (g.pixel.1 - px.1).abs() < NOTE_SIZE as i32
            }) {
                Some(g) => {
                    g.label = format!("{}, {label}", g.label);
                    g.optimal |= p.optimal;
                }
                None => groups.push(LabelGroup {
                    pixel: px,
                    at,
                    label,
                    optimal: p.optimal,
                }),
            }
        }
        let note = (FONT, NOTE_SIZE).into_font();
        for LabelGroup {
            at, label, optimal, ..
        } in groups
        {
            chart.draw_series(std::iter::once(Text::new(
                format!(" {label}"),
                at,
                note.clone()
                    .color(if optimal { &BLACK } else { &DOMINATED })
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))?;
        }
        Ok(())
    }
}
