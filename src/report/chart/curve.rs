//! Response curves: a metric against the value of one scenario key, its 95%
//! band over replicas behind the line, one panel per metric. Drawn by `tune`
//! (with the target as a dashed line and the answer marked) and by a sweep
//! that varies one duration or numeric key (`comparison.html`). The x axis
//! names the key and is logarithmic when the values span more than 10×.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::latency::ticks_125;
use super::{DrawResult, Glyph, mesh, no_data};
use crate::report::style::{self, AXIS_SIZE, BLACK, BLUE, FONT, NOTE_SIZE, VERMILLION, line_style};

/// One point of a curve: the key's value (in axis units) and the metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// The key's value, in the axis's unit.
    pub x: f64,
    /// The metric's mean.
    pub y: f64,
    /// Its 95% interval, with replicas.
    pub band: Option<(f64, f64)>,
}

/// One panel: a metric's curve, and what to mark on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The metric, shown above the panel.
    pub metric: String,
    /// The y axis description (shares are drawn as `percent`).
    pub y_desc: String,
    /// Points by increasing x.
    pub points: Vec<CurvePoint>,
    /// Values in [0, 1] drawn as percentages.
    pub percent: bool,
    /// The target, drawn as a dashed horizontal line.
    pub target: Option<f64>,
    /// The answer: its x and its label, drawn as a vertical line.
    pub answer: Option<(f64, String)>,
}

/// A response-curve figure: one [`Panel`] per metric, all against one key.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCurves {
    /// File stem.
    pub stem: &'static str,
    /// Title.
    pub title: String,
    /// Caption for the report.
    pub caption: String,
    /// X axis description: the key, and its unit.
    pub x_desc: String,
    /// Logarithmic x axis (values spanning more than 10×).
    pub log_x: bool,
    /// The panels, top to bottom.
    pub panels: Vec<Panel>,
}

/// Height of one panel, px.
const PANEL_HEIGHT: u32 = 320;

/// The unit a duration axis is drawn in, for values up to `max_ms`: minutes
/// below 3 hours, hours below 3 days, days above; (milliseconds per unit,
/// unit name).
pub fn duration_unit(max_ms: f64) -> (f64, &'static str) {
    let unit = style::TimeUnit::for_duration(max_ms as u64);
    let name = match unit {
        style::TimeUnit::Minutes => "minutes",
        style::TimeUnit::Hours => "hours",
        style::TimeUnit::Days => "days",
    };
    (unit.ms(), name)
}

/// The x axis description: the key, then its unit and scale in parentheses
/// (`authorization_server.idle_timeout (hours, log scale)`).
pub fn axis_name(key: &str, unit: Option<&str>, log: bool) -> String {
    match (unit, log) {
        (Some(u), true) => format!("{key} ({u}, log scale)"),
        (Some(u), false) => format!("{key} ({u})"),
        (None, true) => format!("{key} (log scale)"),
        (None, false) => key.to_string(),
    }
}

/// True when positive values span more than 10×: the axis is logarithmic.
pub fn wide(xs: impl Iterator<Item = f64> + Clone) -> bool {
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(0.0, f64::max);
    lo > 0.0 && hi / lo > 10.0
}

impl super::Figure for ResponseCurves {
    fn stem(&self) -> &'static str {
        self.stem
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn caption(&self) -> String {
        self.caption.clone()
    }

    fn plot_height(&self) -> u32 {
        PANEL_HEIGHT * self.panels.len().max(1) as u32
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        if self.panels.iter().all(|p| p.points.is_empty()) {
            return no_data(plot, "no point to draw");
        }
        let xs = self
            .panels
            .iter()
            .flat_map(|p| p.points.iter().map(|q| q.x));
        let (mut lo, mut hi) = (
            xs.clone().fold(f64::INFINITY, f64::min),
            xs.fold(f64::NEG_INFINITY, f64::max),
        );
        if hi <= lo {
            (lo, hi) = (lo - 0.5 * lo.abs().max(1.0), hi + 0.5 * hi.abs().max(1.0));
        }
        let mut rest = plot.clone();
        for (i, panel) in self.panels.iter().enumerate() {
            let (area, below) = rest.split_vertically(PANEL_HEIGHT);
            if self.log_x && lo > 0.0 {
                let (l, h) = (lo / 1.15, hi * 1.15);
                let x = (l..h).log_scale().with_key_points(ticks_125(l, h));
                draw_panel(&area, x, panel, &self.x_desc, i)?;
            } else {
                let pad = 0.04 * (hi - lo);
                draw_panel(&area, (lo - pad)..(hi + pad), panel, &self.x_desc, i)?;
            }
            rest = below;
        }
        Ok(())
    }
}

/// Draws one panel on `area` with the x coordinate `x` (linear or log).
fn draw_panel<DB, X>(
    area: &DrawingArea<DB, Shift>,
    x: X,
    panel: &Panel,
    x_desc: &str,
    index: usize,
) -> DrawResult
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    if panel.points.is_empty() {
        return no_data(area, "no run has this metric");
    }
    let scale = if panel.percent { 100.0 } else { 1.0 };
    let top = panel
        .points
        .iter()
        .map(|p| p.band.map_or(p.y, |b| b.1))
        .chain(panel.target)
        .fold(0.0_f64, f64::max)
        * scale;
    let bottom = panel
        .points
        .iter()
        .map(|p| p.band.map_or(p.y, |b| b.0))
        .chain(panel.target)
        .fold(0.0_f64, f64::min)
        * scale;
    let y_top = if top > bottom {
        top * 1.1
    } else {
        bottom + 1.0
    };
    let percent = panel.percent;
    let y_tick = move |v: &f64| {
        if percent {
            format!("{}%", style::significant(*v, 3))
        } else {
            style::AxisUnit::for_top(y_top).tick(*v)
        }
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.metric, (FONT, AXIS_SIZE))
        .margin(12)
        .margin_right(20)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(x, bottom.min(0.0)..y_top)?;
    mesh(&mut chart)
        .x_desc(x_desc)
        .y_desc(if percent {
            "percent"
        } else {
            panel.y_desc.as_str()
        })
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| style::significant(*v, 3))
        .y_label_formatter(&y_tick)
        .draw()?;
    let style = line_style(index);
    let band: Vec<(f64, f64, f64)> = panel
        .points
        .iter()
        .filter_map(|p| p.band.map(|(l, h)| (p.x, l * scale, h * scale)))
        .collect();
    if band.len() >= 2 {
        let mut outline: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
        outline.extend(band.iter().rev().map(|b| (b.0, b.1)));
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            style.colour.mix(0.2).filled(),
        )))?;
    }
    let points: Vec<(f64, f64)> = panel.points.iter().map(|p| (p.x, p.y * scale)).collect();
    chart.draw_series(LineSeries::new(
        points.iter().copied(),
        style.colour.stroke_width(style.width),
    ))?;
    chart.draw_series(points.iter().map(|&p| Glyph::marker(p, style)))?;
    let (x_lo, x_hi) = {
        let r = chart.x_range();
        (r.start, r.end)
    };
    let note = (FONT, NOTE_SIZE).into_font();
    if let Some(target) = panel.target {
        let y = target * scale;
        chart.draw_series(DashedLineSeries::new(
            [(x_lo, y), (x_hi, y)],
            10,
            6,
            VERMILLION.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("target {}", y_tick(&y)),
            (x_hi, y),
            note.clone()
                .color(&VERMILLION)
                .pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))?;
    }
    if let Some((x, label)) = &panel.answer {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*x, bottom.min(0.0)), (*x, y_top)],
            BLUE.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*x, y_top),
            note.color(&BLACK).pos(Pos::new(HPos::Left, VPos::Top)),
        )))?;
    }
    Ok(())
}

impl ResponseCurves {
    /// The response curve of a `tune`: the metric against the key, the
    /// target dashed, the answer marked.
    pub fn of_tuning(
        tuning: &crate::decide::tune::Tuning,
        range: &crate::decide::axis::Range,
        target: &crate::decide::target::Target,
        scope: &str,
    ) -> Self {
        let log_x = range.is_wide();
        let (unit, x_desc) = match range.kind {
            crate::decide::axis::Kind::Duration => {
                let (ms, name) = duration_unit(range.high);
                (ms, axis_name(&range.key, Some(name), log_x))
            }
            _ => (1.0, axis_name(&range.key, None, log_x)),
        };
        let points = tuning
            .points
            .iter()
            .map(|p| CurvePoint {
                x: p.value / unit,
                y: p.measure.estimate.mean,
                band: p.measure.estimate.ci95,
            })
            .collect();
        let answer = tuning.answer();
        Self {
            stem: "tune_curve",
            title: format!("{} against {}", target.metric, range.key),
            caption: format!(
                "{} (scope {scope}) at each value of {} run by the search, all with the same \
                 seeds (band: 95% interval over replicas); dashed: the target {}; vertical \
                 line: the answer, {}.",
                target.metric,
                range.key,
                target.condition(),
                answer.text
            ),
            x_desc,
            log_x,
            panels: vec![Panel {
                metric: format!("{} {}", target.metric, target.condition()),
                y_desc: target.metric.clone(),
                points,
                percent: false,
                target: Some(target.value),
                answer: Some((answer.value / unit, format!(" answer {}", answer.text))),
            }],
        }
    }
}
