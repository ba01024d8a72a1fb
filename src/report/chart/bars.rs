//! Bar plots: horizontal 100 % stacks (one bar per tier or app) and vertical
//! grouped bars with optional error bars.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, Key, LegendEntry, legend, no_data};
use crate::report::style::{self, AXIS_SIZE, FONT, GRID, LABEL_SIZE, NOTE_SIZE};

/// One horizontal bar: a category and the size of each part in it.
#[derive(Debug, Clone)]
pub struct Stack {
    /// Category label, drawn on the y axis.
    pub label: String,
    /// Size of each part, in the order of [`StackedBars::parts`].
    pub parts: Vec<f64>,
}

/// Horizontal bars, each split into parts shown as a share of the bar's sum.
#[derive(Debug, Clone)]
pub struct StackedBars<'a> {
    /// Part names and colours.
    pub parts: &'a [(String, RGBColor)],
    /// Bars, top to bottom.
    pub bars: &'a [Stack],
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Legend heading.
    pub legend_heading: &'a str,
    /// Text shown when there is no bar.
    pub empty_note: &'a str,
    /// Text shown in a bar whose parts are all zero.
    pub none_note: &'a str,
}

/// White or black, whichever reads better on `fill`.
fn text_colour(fill: RGBColor) -> RGBColor {
    let luma = 0.299 * fill.0 as f64 + 0.587 * fill.1 as f64 + 0.114 * fill.2 as f64;
    if luma < 140.0 { WHITE } else { BLACK }
}

/// Image height for `bars` stacked bars with `parts` legend entries: enough for
/// the legend, about 110 px per bar, 300 to [`style::HEIGHT`] px. One or two bars
/// get a short image instead of a tall, mostly empty one.
pub fn stacked_height(bars: usize, parts: usize) -> u32 {
    // Title, legend heading, entries and a bottom margin.
    let legend = 50 + 74 + 32 * parts as u32 + 16;
    // Title, chart margins and the x label area, then the bars.
    let plot = 50 + 32 + 62 + 110 * bars.max(1) as u32;
    legend.max(plot).clamp(300, style::HEIGHT)
}

/// Draws `bars` in `plot`, legend in `legend_area`.
///
/// The y axis is continuous (bar `i` from the top spans `n-1-i .. n-i`) and the
/// bar labels are drawn as text beside it: plotters' segmented coordinates put a
/// single bar at the top of the area, cut off.
pub fn draw_stacked<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: &DrawingArea<DB, Shift>,
    bars: &StackedBars<'_>,
) -> DrawResult {
    if bars.bars.is_empty() {
        return no_data(plot, bars.empty_note);
    }
    let n = bars.bars.len();
    let label_font = (FONT, LABEL_SIZE).into_font().color(&BLACK);
    let widest = bars
        .bars
        .iter()
        .map(|b| {
            plot.estimate_text_size(&b.label, &label_font)
                .map_or(b.label.chars().count() as u32 * 11, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    // Room for the labels, a gap and the rotated axis description.
    let label_area = (widest + 60).clamp(100, 330);
    let mut chart = ChartBuilder::on(plot)
        .margin(16)
        .x_label_area_size(62)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0.0..100.0, 0.0..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_desc_style((FONT, AXIS_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .x_desc(bars.x_desc)
        .y_desc(bars.y_desc)
        .x_labels(11)
        .y_labels(0)
        .x_label_formatter(&|v| format!("{}%", style::significant(*v, 3)))
        .draw()?;

    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let slot = plot_height as f64 / n as f64;
    // Bar thickness: 60 % of its slot, at most 80 px; as a fraction of the slot.
    let thickness = (slot * 0.6).min(80.0) / slot;
    let pad = (1.0 - thickness) / 2.0;
    let note = (FONT, NOTE_SIZE).into_font();
    let base = plot.get_base_pixel();
    for (i, bar) in bars.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let centre = y + 0.5;
        let (ax, ay) = chart.backend_coord(&(0.0, centre));
        plot.draw(&Text::new(
            bar.label.clone(),
            (ax - base.0 - 10, ay - base.1),
            label_font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
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
        for (value, (_, colour)) in bar.parts.iter().zip(bars.parts) {
            if *value <= 0.0 {
                continue;
            }
            let share = 100.0 * value / total;
            let end = (start + share).min(100.0);
            let corners = [(start, y + pad), (end, y + 1.0 - pad)];
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
    let entries: Vec<LegendEntry> = bars
        .parts
        .iter()
        .map(|(label, colour)| LegendEntry {
            key: Key::Fill(*colour),
            label: label.clone(),
        })
        .collect();
    legend(legend_area, bars.legend_heading, &entries)
}

/// A caption sentence naming the segments too thin to carry their percentage
/// (under 4 %), so no share is only guessable from the picture:
/// ` Thin segments: app a (10): first login 2.2%, abandoned 0.01%.`
pub fn thin_parts(parts: &[(String, RGBColor)], bars: &[Stack]) -> String {
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

/// One value of a grouped bar: the bar height and its interval, if known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarValue {
    /// Height.
    pub value: f64,
    /// 95 % interval.
    pub interval: Option<(f64, f64)>,
}

/// A group of bars at one x position.
#[derive(Debug, Clone)]
pub struct Group {
    /// Label under the group.
    pub label: String,
    /// One value per series, `None` where the series has none.
    pub values: Vec<Option<BarValue>>,
}

/// Vertical grouped bars.
#[derive(Debug, Clone)]
pub struct GroupedBars<'a> {
    /// Series names and colours (one bar of each per group).
    pub series: &'a [(String, RGBColor)],
    /// Groups, left to right.
    pub groups: &'a [Group],
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Format of y ticks and value labels.
    pub format: fn(f64) -> String,
    /// Print each bar's value above it (when bars are wide enough).
    pub value_labels: bool,
    /// Legend heading.
    pub legend_heading: &'a str,
    /// Panel caption drawn above the plot (empty for none).
    pub caption: &'a str,
    /// Text shown when there is no value at all.
    pub empty_note: &'a str,
}

/// Draws grouped bars in `plot`, legend in `legend_area`.
///
/// Without `legend_area` the caller draws the legend (it shares one with another panel).
pub fn draw_grouped<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: Option<&DrawingArea<DB, Shift>>,
    bars: &GroupedBars<'_>,
) -> DrawResult {
    let top = bars
        .groups
        .iter()
        .flat_map(|g| g.values.iter().flatten())
        .map(|v| v.interval.map_or(v.value, |(_, hi)| hi.max(v.value)))
        .fold(f64::NAN, f64::max);
    if top.is_nan() {
        return no_data(plot, bars.empty_note);
    }
    let y_top = if top > 0.0 { top * 1.15 } else { 1.0 };
    let n = bars.groups.len();
    let mut builder = ChartBuilder::on(plot);
    if !bars.caption.is_empty() {
        builder.caption(bars.caption, (FONT, AXIS_SIZE));
    }
    let mut chart = builder
        .margin(16)
        .x_label_area_size(62)
        .y_label_area_size(84)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..y_top)?;
    let label_of = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            bars.groups[i as usize].label.clone()
        } else {
            String::new()
        }
    };
    let format = bars.format;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_desc_style((FONT, AXIS_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .x_desc(bars.x_desc)
        .y_desc(bars.y_desc)
        .x_labels(n.min(24))
        .y_labels(8)
        .x_label_formatter(&label_of)
        .y_label_formatter(&|v| format(*v))
        .draw()?;

    let m = bars.series.len().max(1) as f64;
    let width = 0.8 / m;
    let (plot_width, _) = chart.plotting_area().dim_in_pixel();
    let bar_px = plot_width as f64 * width / n.max(1) as f64;
    let note = (FONT, NOTE_SIZE).into_font();
    for (g, group) in bars.groups.iter().enumerate() {
        for (s, value) in group.values.iter().enumerate() {
            let (Some(value), Some((_, colour))) = (value, bars.series.get(s)) else {
                continue;
            };
            let left = g as f64 - 0.4 + s as f64 * width;
            let right = left + width * 0.92;
            let centre = (left + right) / 2.0;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(left, 0.0), (right, value.value)],
                colour.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(left, 0.0), (right, value.value)],
                BLACK.stroke_width(1),
            )))?;
            let mut label_y = value.value;
            if let Some((lo, hi)) = value.interval {
                let cap = width * 0.92 * 0.2;
                let whisker = BLACK.stroke_width(2);
                chart.draw_series([
                    PathElement::new(vec![(centre, lo), (centre, hi)], whisker),
                    PathElement::new(vec![(centre - cap, lo), (centre + cap, lo)], whisker),
                    PathElement::new(vec![(centre - cap, hi), (centre + cap, hi)], whisker),
                ])?;
                label_y = hi.max(value.value);
            }
            if bars.value_labels && bar_px >= 44.0 {
                chart.draw_series(std::iter::once(Text::new(
                    format(value.value),
                    (centre, label_y),
                    note.clone()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )))?;
            }
        }
    }
    let Some(legend_area) = legend_area else {
        return Ok(());
    };
    let entries: Vec<LegendEntry> = bars
        .series
        .iter()
        .map(|(label, colour)| LegendEntry {
            key: Key::Fill(*colour),
            label: label.clone(),
        })
        .collect();
    legend(legend_area, bars.legend_heading, &entries)
}
