//! Chart 5: login latency distribution and hops per login, per kind of login.

use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, Figure, Glyph, Key, Legend, LegendEntry, mesh, no_data};
use crate::report::data::{LoginCount, LoginKind, RunData, login_label};
use crate::report::style::{self, AXIS_SIZE, FONT, NOTE_SIZE, line_style};

/// Height of each of the two panels, px.
const PANEL_HEIGHT: u32 = 340;

/// Latency bins per decade (log-spaced).
const BINS_PER_DECADE: f64 = 5.0;

/// Top: for each kind of login, the share of its logins per latency bin (log
/// scale), each lollipop standing at the mean latency of its bin's logins and
/// labelled with it, so a 16.7 s login never reads as the bin's round "20".
/// Bottom: the share of its logins per number of hops. Both as lollipops (a
/// stem and the kind's marker), since a run has few distinct values and a
/// line between them would invent the ones in between.
#[derive(Debug, Clone, Copy)]
pub struct LoginLatency<'a> {
    /// The run.
    pub run: &'a RunData,
}

impl Figure for LoginLatency<'_> {
    fn stem(&self) -> &'static str {
        "login_latency"
    }

    fn title(&self) -> String {
        "Login latency and hops, by kind of login".to_string()
    }

    fn caption(&self) -> String {
        let replicas = self.run.meta.replicas.max(1) as f64;
        let medians: Vec<String> = LoginKind::ALL
            .iter()
            .filter_map(|&k| {
                let rows = of_kind(&self.run.logins, k);
                let n: f64 = rows.iter().map(|r| r.count).sum();
                median(&rows).map(|m| {
                    format!(
                        "{} {} s over {} logins",
                        login_label(k),
                        style::significant(m / 1000.0, 3),
                        style::number((n / replicas).round())
                    )
                })
            })
            .collect();
        let per = if replicas > 1.0 {
            " per replica (mean)"
        } else {
            ""
        };
        let medians = if medians.is_empty() {
            String::new()
        } else {
            format!(" Medians{per}: {}.", medians.join("; "))
        };
        format!(
            "Top: how long a login flow takes from navigation to page served, as the share \
             of each kind's logins per latency bin (5 bins per decade, log scale), each \
             lollipop at its bin's mean latency; bottom: the share of each kind's logins by \
             number of hops (only the counts that occur).{medians}"
        )
    }

    fn legend(&self) -> Legend {
        let entries = kinds(&self.run.logins)
            .into_iter()
            .map(|k| LegendEntry {
                key: Key::Line(style_of(k)),
                label: login_label(k).to_string(),
            })
            .collect();
        Legend::new("login:", entries)
    }

    fn plot_height(&self) -> u32 {
        2 * PANEL_HEIGHT
    }

    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult {
        let logins = &self.run.logins;
        if logins.iter().all(|l| l.count <= 0.0) {
            return no_data(plot, "no logins in logins.csv");
        }
        let (top, bottom) = plot.split_vertically(PANEL_HEIGHT);
        let kinds = kinds(logins);
        draw_latency(&top, logins, &kinds)?;
        draw_hops(&bottom, logins, &kinds)
    }
}

/// The kinds of login that happened in this run.
fn kinds(logins: &[LoginCount]) -> Vec<LoginKind> {
    LoginKind::ALL
        .into_iter()
        .filter(|&k| of_kind(logins, k).iter().any(|r| r.count > 0.0))
        .collect()
}

/// Colour and marker of a kind; solid, since its stems are solid.
fn style_of(kind: LoginKind) -> style::LineStyle {
    style::LineStyle {
        dash: style::Dash::Solid,
        ..line_style(kind as usize)
    }
}

fn of_kind(logins: &[LoginCount], kind: LoginKind) -> Vec<LoginCount> {
    logins
        .iter()
        .filter(|l| l.kind == kind && l.count > 0.0)
        .copied()
        .collect()
}

/// Median latency (ms) of `rows`, weighted by count.
fn median(rows: &[LoginCount]) -> Option<f64> {
    let total: f64 = rows.iter().map(|r| r.count).sum();
    if total <= 0.0 {
        return None;
    }
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| a.latency_ms.total_cmp(&b.latency_ms));
    let mut seen = 0.0;
    for r in &sorted {
        seen += r.count;
        if seen >= total / 2.0 {
            return Some(r.latency_ms);
        }
    }
    sorted.last().map(|r| r.latency_ms)
}

/// Bin index of a latency (ms, at least 1 ms).
fn bin_of(latency_ms: f64) -> i32 {
    (latency_ms.max(1.0).log10() * BINS_PER_DECADE).floor() as i32
}

/// Lower edge of bin `k`, seconds.
fn edge_s(k: i32) -> f64 {
    10f64.powf(k as f64 / BINS_PER_DECADE) / 1000.0
}

/// (position s, share %) for each bin from `first` to `last`: the position is
/// the mean latency of the bin's logins (the bin's centre when it has none).
fn histogram(rows: &[LoginCount], first: i32, last: i32) -> Vec<(f64, f64)> {
    let total: f64 = rows.iter().map(|r| r.count).sum();
    (first..=last)
        .map(|k| {
            let in_bin = rows.iter().filter(|r| bin_of(r.latency_ms) == k);
            let n: f64 = in_bin.clone().map(|r| r.count).sum();
            let at = if n > 0.0 {
                in_bin.map(|r| r.count * r.latency_ms).sum::<f64>() / n / 1000.0
            } else {
                (edge_s(k) * edge_s(k + 1)).sqrt()
            };
            (at, if total > 0.0 { 100.0 * n / total } else { 0.0 })
        })
        .collect()
}

/// Places the lollipops: `shares[k][j]` is kind `k`'s share in slot `j` (0 for
/// none). Returns, per kind, (slot, offset from the slot centre in slot widths,
/// share) of its nonzero slots; kinds sharing a slot stand side by side, a kind
/// alone in its slot stands in the middle.
fn place(shares: &[Vec<f64>]) -> Vec<Vec<(usize, f64, f64)>> {
    let slots = shares.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = vec![Vec::new(); shares.len()];
    for j in 0..slots {
        let here: Vec<usize> = (0..shares.len())
            .filter(|&k| shares[k].get(j).is_some_and(|v| *v > 0.0))
            .collect();
        let c = here.len() as f64;
        for (p, &k) in here.iter().enumerate() {
            let offset = (p as f64 - (c - 1.0) / 2.0) * 0.22;
            out[k].push((j, offset, shares[k][j]));
        }
    }
    out
}

/// Draws lollipops (a stem from zero and the kind's marker on top) for each
/// series of (x, share %) points, and prints `label` of each above its marker
/// where the text has room.
fn lollipops<DB: DrawingBackend, X: plotters::coord::ranged1d::Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    series: &[(style::LineStyle, Vec<(f64, f64)>)],
    label: fn((f64, f64)) -> String,
) -> DrawResult {
    for (style, points) in series {
        let stem = style.colour.stroke_width(3);
        chart.draw_series(
            points
                .iter()
                .map(|&(x, y)| PathElement::new(vec![(x, 0.0), (x, y)], stem)),
        )?;
        chart.draw_series(points.iter().map(|&p| Glyph::marker(p, *style)))?;
    }
    // Labels go to the tallest lollipops first; one that would overlap a label
    // already placed is left out (the axis still gives its value).
    let note = (FONT, NOTE_SIZE).into_font().color(&BLACK);
    // (point, its pixel, its label's width in px)
    type Top = ((f64, f64), (i32, i32), i32);
    let mut tops: Vec<Top> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter())
        .map(|&p| {
            let text = label(p);
            let w = chart
                .plotting_area()
                .estimate_text_size(&text, &note)
                .map_or(40, |(w, _)| w as i32);
            (p, chart.backend_coord(&p), w)
        })
        .collect();
    tops.sort_by(|a, b| b.0.1.total_cmp(&a.0.1));
    let mut placed: Vec<((i32, i32), i32)> = Vec::new();
    let mut labelled = Vec::new();
    for (p, (x, y), w) in tops {
        let clear = placed
            .iter()
            .all(|((qx, qy), qw)| (x - qx).abs() * 2 >= w + qw + 4 || (y - qy).abs() >= 20);
        if clear {
            placed.push(((x, y), w));
            labelled.push(p);
        }
    }
    // Above the marker (radius 7), never across it.
    chart.draw_series(labelled.iter().map(|&p| {
        EmptyElement::at(p)
            + Text::new(
                label(p),
                (0, -10),
                note.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
    }))?;
    Ok(())
}

/// A share tick: `40%`; none above 100% (that room is for the labels).
fn share_tick(v: &f64) -> String {
    if *v > 100.0 + 1e-9 {
        String::new()
    } else {
        format!("{}%", style::significant(*v, 3))
    }
}

/// Ticks at 1, 2 and 5 times the powers of ten between `low` and `high`.
pub(super) fn ticks_125(low: f64, high: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powf(low.log10().floor());
    while decade <= high {
        for m in [1.0, 2.0, 5.0] {
            let t = decade * m;
            if t >= low && t <= high {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

fn draw_latency<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    logins: &[LoginCount],
    kinds: &[LoginKind],
) -> DrawResult {
    let used = logins.iter().filter(|l| l.count > 0.0);
    // One empty bin on each side, so no lollipop sits on the frame.
    let bins = used.map(|l| bin_of(l.latency_ms));
    let first = bins.clone().min().unwrap_or(0) - 1;
    let last = bins.max().unwrap_or(0) + 1;
    let histograms: Vec<Vec<(f64, f64)>> = kinds
        .iter()
        .map(|&kind| histogram(&of_kind(logins, kind), first, last))
        .collect();
    let shares: Vec<Vec<f64>> = histograms
        .iter()
        .map(|h| h.iter().map(|p| p.1).collect())
        .collect();
    let series: Vec<(style::LineStyle, Vec<(f64, f64)>)> = place(&shares)
        .into_iter()
        .zip(kinds)
        .zip(&histograms)
        .map(|((placed, &kind), h)| {
            let points = placed
                .into_iter()
                .map(|(j, offset, share)| (h[j].0 * 10f64.powf(offset / BINS_PER_DECADE), share))
                .collect();
            (style_of(kind), points)
        })
        .collect();
    let top = shares.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
    let (low, high) = (edge_s(first), edge_s(last + 1));
    let mut chart = ChartBuilder::on(area)
        .caption("latency", (FONT, AXIS_SIZE))
        .margin(12)
        .margin_right(20)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(
            (low..high)
                .log_scale()
                .with_key_points(ticks_125(low, high)),
            0.0..(top * 1.2).max(1.0),
        )?;
    mesh(&mut chart)
        .x_desc("seconds, log scale")
        .y_desc("share of logins")
        .x_label_formatter(&|v| style::significant(*v, 2))
        .y_label_formatter(&share_tick)
        .draw()?;
    lollipops(&mut chart, &series, |(x, share)| {
        format!(
            "{}% · {} s",
            style::significant(share, 2),
            style::significant(x, 3)
        )
    })
}

/// The hop counts any login took, ascending.
fn hop_values(logins: &[LoginCount]) -> Vec<u32> {
    let mut hops: Vec<u32> = logins
        .iter()
        .filter(|l| l.count > 0.0)
        .map(|l| l.hops)
        .collect();
    hops.sort_unstable();
    hops.dedup();
    hops
}

fn draw_hops<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    logins: &[LoginCount],
    kinds: &[LoginKind],
) -> DrawResult {
    // Only the hop counts that occur, one slot each: the kinds take a handful of
    // distinct values far apart, and a full 4..18 axis left slivers of bars.
    let values = hop_values(logins);
    let n = values.len();
    let shares: Vec<Vec<f64>> = kinds
        .iter()
        .map(|&kind| {
            let rows = of_kind(logins, kind);
            let total: f64 = rows.iter().map(|r| r.count).sum();
            values
                .iter()
                .map(|&hops| {
                    let c: f64 = rows
                        .iter()
                        .filter(|r| r.hops == hops)
                        .map(|r| r.count)
                        .sum();
                    if total > 0.0 { 100.0 * c / total } else { 0.0 }
                })
                .collect()
        })
        .collect();
    let series: Vec<(style::LineStyle, Vec<(f64, f64)>)> = place(&shares)
        .into_iter()
        .zip(kinds)
        .map(|(placed, &kind)| {
            let points = placed
                .into_iter()
                .map(|(j, offset, share)| (j as f64 + offset, share))
                .collect();
            (style_of(kind), points)
        })
        .collect();
    let top = shares.iter().flatten().fold(0.0_f64, |a, b| a.max(*b));
    let mut chart = ChartBuilder::on(area)
        .caption("hops", (FONT, AXIS_SIZE))
        .margin(12)
        .margin_right(20)
        .x_label_area_size(56)
        .y_label_area_size(76)
        .build_cartesian_2d(-0.6..n as f64 - 0.4, 0.0..(top * 1.2).max(1.0))?;
    let label_of = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            values[i as usize].to_string()
        } else {
            String::new()
        }
    };
    mesh(&mut chart)
        .disable_x_mesh()
        .x_desc("hops per login")
        .y_desc("share of logins")
        .x_labels(n + 1)
        .x_label_formatter(&label_of)
        .y_label_formatter(&share_tick)
        .draw()?;
    lollipops(&mut chart, &series, |(_, share)| {
        format!("{}%", style::significant(share, 2))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: LoginKind, latency_ms: f64, count: f64) -> LoginCount {
        LoginCount {
            kind,
            latency_ms,
            hops: 4,
            count,
        }
    }

    #[test]
    fn median_is_weighted() {
        let rows = [
            row(LoginKind::Sso, 100.0, 1.0),
            row(LoginKind::Sso, 300.0, 5.0),
        ];
        assert_eq!(median(&rows), Some(300.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn kinds_sharing_a_slot_stand_side_by_side() {
        let placed = place(&[vec![50.0, 0.0], vec![50.0, 100.0]]);
        assert_eq!(placed[0], vec![(0, -0.11, 50.0)]);
        assert_eq!(placed[1], vec![(0, 0.11, 50.0), (1, 0.0, 100.0)]);
    }

    #[test]
    fn latency_ticks_are_1_2_5() {
        assert_eq!(
            ticks_125(0.15, 30.0),
            vec![0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
        );
    }

    #[test]
    fn histogram_shares_sum_to_100() {
        let rows = [
            row(LoginKind::Sso, 120.0, 1.0),
            row(LoginKind::Sso, 9000.0, 3.0),
        ];
        let h = histogram(&rows, bin_of(120.0), bin_of(9000.0));
        let sum: f64 = h.iter().map(|p| p.1).sum();
        assert!((sum - 100.0).abs() < 1e-9);
        assert_eq!(h.first().unwrap().1, 25.0);
    }
}
