//! Bar plots: horizontal 100 % stacks (one bar per tier or app, its name
//! above it) and vertical bars with optional error bars.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, Figure, Key, Legend, LegendEntry, mesh, no_data};
use crate::report::style::{self, AXIS_SIZE, FONT, LABEL_SIZE, NOTE_SIZE};

/// One horizontal bar: a category and the size of each part in it.
#[derive(Debug, Clone)]
pub(super) struct Stack {
    /// Category label, drawn on the y axis.
    pub label: String,
    /// Size of each part, in the order of [`StackedBars::parts`].
    pub parts: Vec<f64>,
}

/// A chart of horizontal 100 % stacks, one bar per tier or app (why sessions
/// end, how users get in, why they typed their credentials again). Those
/// charts differ only in their parts, bars and words: each chart's module
/// reads them from the run, and this one [`Figure`] draws them all.
#[derive(Debug, Clone)]
pub struct Stacked {
    /// File stem.
    pub(super) stem: &'static str,
    /// Title.
    pub(super) title: &'static str,
    /// Caption, built from the parts and bars.
    pub(super) caption: String,
    /// Heading of the legend.
    pub(super) legend_heading: &'static str,
    /// Part names and colours.
    pub(super) parts: Vec<(String, RGBColor)>,
    /// Bars, top to bottom.
    pub(super) bars: Vec<Stack>,
    /// X axis description.
    pub(super) x_desc: &'static str,
    /// Text shown when there is no bar.
    pub(super) empty_note: &'static str,
    /// Text shown in a bar whose parts are all zero.
    pub(super) none_note: &'static str,
}

impl Figure for Stacked {
    fn stem(&self) -> &'static str {
        self.stem
    }

    fn title(&self) -> String {
        self.title.to_string()
    }

    fn caption(&self) -> String {
        self.caption.clone()
    }

    /// 80 px per bar (its name, then the bar) plus the x axis.
    fn plot_height(&self) -> u32 {
        24 + 80 * self.bars.len().max(1) as u32 + 56
    }

    /// One filled box per part.
    fn legend(&self) -> Legend {
        Legend::new(
            self.legend_heading,
            self.parts
                .iter()
                .map(|(label, colour)| LegendEntry {
                    key: Key::Fill(*colour),
                    label: label.clone(),
                })
                .collect(),
        )
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        draw_stacked(plot, self)
    }
}

/// Leaves out the parts that are zero in every bar: a legend entry for a
/// category this run never had is noise.
pub(super) fn drop_zero_parts(
    parts: Vec<(String, RGBColor)>,
    bars: Vec<Stack>,
) -> (Vec<(String, RGBColor)>, Vec<Stack>) {
    let keep: Vec<bool> = (0..parts.len())
        .map(|i| {
            bars.iter()
                .any(|b| b.parts.get(i).is_some_and(|v| *v > 0.0))
        })
        .collect();
    let parts = parts
        .into_iter()
        .zip(&keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect();
    let bars = bars
        .into_iter()
        .map(|b| Stack {
            label: b.label,
            parts: b
                .parts
                .into_iter()
                .zip(&keep)
                .filter_map(|(v, k)| k.then_some(v))
                .collect(),
        })
        .collect();
    (parts, bars)
}

/// White or black, whichever reads better on `fill`.
fn text_colour(fill: RGBColor) -> RGBColor {
    let luma = 0.299 * fill.0 as f64 + 0.587 * fill.1 as f64 + 0.114 * fill.2 as f64;
    if luma < 140.0 { WHITE } else { BLACK }
}

/// Draws `bars` in `plot`, each bar's name above it at the left, so the bars
/// get the whole width.
fn draw_stacked<DB: DrawingBackend>(plot: &DrawingArea<DB, Shift>, bars: &Stacked) -> DrawResult {
    if bars.bars.is_empty() {
        return no_data(plot, bars.empty_note);
    }
    let n = bars.bars.len();
    let label_font = (FONT, LABEL_SIZE).into_font().color(&BLACK);
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(56)
        .y_label_area_size(8)
        .build_cartesian_2d(0.0..100.0, 0.0..n as f64)?;
    mesh(&mut chart)
        .disable_y_mesh()
        .x_desc(bars.x_desc)
        .x_labels(6)
        .y_labels(0)
        .x_label_formatter(&|v| format!("{}%", style::significant(*v, 3)))
        .draw()?;

    let (plot_width, _) = chart.plotting_area().dim_in_pixel();
    // In each slot (one unit of y): the bar in the lower half, its name above.
    let (bar_low, bar_high, name_at) = (0.08, 0.56, 0.78);
    let note = (FONT, NOTE_SIZE).into_font();
    for (i, bar) in bars.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        chart.draw_series(std::iter::once(Text::new(
            bar.label.clone(),
            (0.8, y + name_at),
            label_font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        )))?;
        let centre = y + (bar_low + bar_high) / 2.0;
        let total: f64 = bar.parts.iter().filter(|v| **v > 0.0).sum();
        if total <= 0.0 {
            chart.draw_series(std::iter::once(Text::new(
                bars.none_note.to_string(),
                (1.0, centre),
                note.clone()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )))?;
            continue;
        }
        let mut start = 0.0;
        for (value, (_, colour)) in bar.parts.iter().zip(&bars.parts) {
            if *value <= 0.0 {
                continue;
            }
            let share = 100.0 * value / total;
            let end = (start + share).min(100.0);
            let corners = [(start, y + bar_low), (end, y + bar_high)];
            chart.draw_series([
                Rectangle::new(corners, colour.filled()),
                Rectangle::new(corners, WHITE.stroke_width(2)),
            ])?;
            let text = format!("{}%", share.round());
            let fits = plot
                .estimate_text_size(&text, &TextStyle::from(note.clone()))
                .is_ok_and(|(w, _)| f64::from(w) + 8.0 <= share / 100.0 * plot_width as f64);
            if fits && share >= 0.5 {
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    ((start + end) / 2.0, centre),
                    note.clone()
                        .color(&text_colour(*colour))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
            start = end;
        }
    }
    // The bars' white edges cut the y axis: draw it again on top.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n as f64)],
        BLACK.stroke_width(1),
    )))?;
    Ok(())
}

/// A caption sentence naming the segments too thin to carry their percentage
/// (under 4 %), so no share is only guessable from the picture:
/// ` Thin segments: app a (10): first login 2.2%, abandoned 0.01%.`
pub(super) fn thin_parts(parts: &[(String, RGBColor)], bars: &[Stack]) -> String {
    let mut notes = Vec::new();
    for bar in bars {
        let total: f64 = bar.parts.iter().filter(|v| **v > 0.0).sum();
        if total <= 0.0 {
            continue;
        }
        let thin: Vec<String> = bar
            .parts
            .iter()
            .zip(parts)
            .filter(|(v, _)| **v > 0.0 && 100.0 * **v / total < 4.0)
            .map(|(v, (label, _))| format!("{label} {}%", style::significant(100.0 * v / total, 2)))
            .collect();
        if !thin.is_empty() {
            notes.push(format!("{}: {}", bar.label, thin.join(", ")));
        }
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" Thin segments: {}.", notes.join("; "))
    }
}

/// One bar's value: its height and its interval, if known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BarValue {
    /// Height.
    pub value: f64,
    /// 95 % interval.
    pub interval: Option<(f64, f64)>,
}

/// One vertical bar: its label under the axis, its value, and a note printed
/// above its value (e.g. the difference to the first bar).
#[derive(Debug, Clone)]
pub(super) struct Bar {
    /// Label under the bar.
    pub label: String,
    /// Value; `None` leaves the slot empty.
    pub value: Option<BarValue>,
    /// Text above the value label; empty for none.
    pub note: String,
}

/// Vertical bars of one quantity, one per run, with whiskers for intervals.
#[derive(Debug, Clone)]
pub(super) struct Bars<'a> {
    /// Bars, left to right.
    pub bars: &'a [Bar],
    /// Colour of every bar.
    pub colour: RGBColor,
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Format of y ticks and value labels.
    pub format: fn(f64) -> String,
    /// Panel caption drawn above the plot (empty for none).
    pub caption: &'a str,
    /// Text shown when no bar has a value.
    pub empty_note: &'a str,
}

/// Draws `bars` in `plot`.
pub(super) fn draw_bars<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    bars: &Bars<'_>,
) -> DrawResult {
    let top = bars
        .bars
        .iter()
        .filter_map(|b| b.value)
        .map(|v| v.interval.map_or(v.value, |(_, hi)| hi.max(v.value)))
        .fold(f64::NAN, f64::max);
    if top.is_nan() {
        return no_data(plot, bars.empty_note);
    }
    // Room above the tallest bar for its value and note.
    let y_top = if top > 0.0 { top * 1.3 } else { 1.0 };
    let n = bars.bars.len();
    let mut builder = ChartBuilder::on(plot);
    if !bars.caption.is_empty() {
        builder.caption(bars.caption, (FONT, AXIS_SIZE));
    }
    let mut chart = builder
        .margin(12)
        .margin_right(20)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..y_top)?;
    let label_of = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            bars.bars[i as usize].label.clone()
        } else {
            String::new()
        }
    };
    let format = bars.format;
    mesh(&mut chart)
        .disable_x_mesh()
        .x_desc(bars.x_desc)
        .y_desc(bars.y_desc)
        .x_labels(n.min(24))
        .y_labels(5)
        .x_label_formatter(&label_of)
        .y_label_formatter(&|v| format(*v))
        .draw()?;

    let (plot_width, _) = chart.plotting_area().dim_in_pixel();
    let bar_px = plot_width as f64 * 0.6 / n.max(1) as f64;
    let note = (FONT, NOTE_SIZE).into_font().color(&BLACK);
    for (i, bar) in bars.bars.iter().enumerate() {
        let Some(value) = bar.value else {
            continue;
        };
        let (left, right) = (i as f64 - 0.3, i as f64 + 0.3);
        let centre = i as f64;
        let corners = [(left, 0.0), (right, value.value)];
        chart.draw_series([
            Rectangle::new(corners, bars.colour.filled()),
            Rectangle::new(corners, BLACK.stroke_width(1)),
        ])?;
        let mut label_y = value.value;
        if let Some((lo, hi)) = value.interval {
            let cap = 0.06;
            let whisker = BLACK.stroke_width(2);
            chart.draw_series([
                PathElement::new(vec![(centre, lo), (centre, hi)], whisker),
                PathElement::new(vec![(centre - cap, lo), (centre + cap, lo)], whisker),
                PathElement::new(vec![(centre - cap, hi), (centre + cap, hi)], whisker),
            ])?;
            label_y = hi.max(value.value);
        }
        if bar_px < 40.0 {
            continue;
        }
        let (x, y) = chart.backend_coord(&(centre, label_y));
        let base = plot.get_base_pixel();
        let (x, y) = (x - base.0, y - base.1 - 4);
        plot.draw(&Text::new(
            format(value.value),
            (x, y),
            note.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
        if !bar.note.is_empty() {
            plot.draw(&Text::new(
                bar.note.clone(),
                (x, y - NOTE_SIZE as i32 - 2),
                note.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
    }
    Ok(())
}
