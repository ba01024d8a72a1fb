//! Chart 5: login latency distribution and hops per login, per kind of login.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{BarValue, Group, GroupedBars, draw_grouped};
use super::{DrawResult, Figure, Glyph, Key, LegendEntry, dash_of, frame, legend, no_data};
use crate::report::data::{LoginCount, LoginKind, RunData};
use crate::report::style::{self, AXIS_SIZE, FONT, GRID, LABEL_SIZE, line_style};

/// Latency bins per decade (log-spaced).
const BINS_PER_DECADE: f64 = 5.0;

/// Left: for each kind of login, the share of its logins per latency bin (log
/// scale). Right: the share of its logins per number of hops.
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
        let medians: Vec<String> = LoginKind::ALL
            .iter()
            .filter_map(|&k| {
                let rows = of_kind(&self.run.logins, k);
                let n: f64 = rows.iter().map(|r| r.count).sum();
                median(&rows).map(|m| {
                    format!(
                        "{} {} s over {} logins",
                        k.label(),
                        style::significant(m / 1000.0, 3),
                        style::number(n)
                    )
                })
            })
            .collect();
        let medians = if medians.is_empty() {
            String::new()
        } else {
            format!(" Medians: {}.", medians.join("; "))
        };
        format!(
            "Left: how long a login flow takes from navigation to page served, as the share \
             of each kind's logins per latency bin (log scale); right: how many hops the \
             flows take.{medians}"
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (plot, legend_area) = frame(root, &self.title())?;
        let logins = &self.run.logins;
        if logins.iter().all(|l| l.count <= 0.0) {
            return no_data(&plot, "no logins in logins.csv");
        }
        let (left, right) = plot.split_horizontally((plot.dim_in_pixel().0 as f64 * 0.58) as u32);
        let kinds: Vec<LoginKind> = LoginKind::ALL
            .into_iter()
            .filter(|&k| of_kind(logins, k).iter().any(|r| r.count > 0.0))
            .collect();
        draw_latency(&left, logins, &kinds)?;
        draw_hops(&right, logins, &kinds)?;
        let entries: Vec<LegendEntry> = kinds
            .iter()
            .map(|&k| LegendEntry {
                key: Key::Line(style_of(k)),
                label: k.label().to_string(),
            })
            .collect();
        legend(&legend_area, "login", &entries)
    }
}

fn style_of(kind: LoginKind) -> style::LineStyle {
    line_style(kind as usize)
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

/// (bin centre s, share %) for each bin from `first` to `last`.
fn histogram(rows: &[LoginCount], first: i32, last: i32) -> Vec<(f64, f64)> {
    let total: f64 = rows.iter().map(|r| r.count).sum();
    (first..=last)
        .map(|k| {
            let n: f64 = rows
                .iter()
                .filter(|r| bin_of(r.latency_ms) == k)
                .map(|r| r.count)
                .sum();
            let centre = (edge_s(k) * edge_s(k + 1)).sqrt();
            (centre, if total > 0.0 { 100.0 * n / total } else { 0.0 })
        })
        .collect()
}

fn draw_latency<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    logins: &[LoginCount],
    kinds: &[LoginKind],
) -> DrawResult {
    let used = logins.iter().filter(|l| l.count > 0.0);
    // One empty bin on each side, so every line starts and ends at zero.
    let bins = used.map(|l| bin_of(l.latency_ms));
    let first = bins.clone().min().unwrap_or(0) - 1;
    let last = bins.max().unwrap_or(0) + 1;
    let lines: Vec<(LoginKind, Vec<(f64, f64)>)> = kinds
        .iter()
        .map(|&k| (k, histogram(&of_kind(logins, k), first, last)))
        .collect();
    let top = lines
        .iter()
        .flat_map(|(_, pts)| pts.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption("latency", (FONT, AXIS_SIZE))
        .margin(16)
        .x_label_area_size(62)
        .y_label_area_size(76)
        .build_cartesian_2d(
            (edge_s(first)..edge_s(last + 1)).log_scale(),
            0.0..(top * 1.1).max(1.0),
        )?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_desc_style((FONT, AXIS_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .x_desc("seconds, log scale")
        .y_desc("share of logins (%)")
        .x_label_formatter(&|v| style::significant(*v, 2))
        .y_label_formatter(&|v| style::axis_number(*v))
        .draw()?;
    for (kind, points) in &lines {
        let style = style_of(*kind);
        let stroke = style.colour.stroke_width(3);
        match dash_of(&style) {
            None => {
                chart.draw_series(LineSeries::new(points.iter().copied(), stroke))?;
            }
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(
                    points.iter().copied(),
                    dash,
                    gap,
                    stroke,
                ))?;
            }
        }
        chart.draw_series(
            points
                .iter()
                .filter(|p| p.1 > 0.0)
                .map(|&p| Glyph::marker(p, style)),
        )?;
    }
    Ok(())
}

fn draw_hops<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    logins: &[LoginCount],
    kinds: &[LoginKind],
) -> DrawResult {
    let used = logins.iter().filter(|l| l.count > 0.0);
    let low = used.clone().map(|l| l.hops).min().unwrap_or(0);
    let high = used.map(|l| l.hops).max().unwrap_or(0);
    let totals: Vec<f64> = kinds
        .iter()
        .map(|&k| of_kind(logins, k).iter().map(|r| r.count).sum())
        .collect();
    let groups: Vec<Group> = (low..=high)
        .map(|hops| Group {
            label: hops.to_string(),
            values: kinds
                .iter()
                .zip(&totals)
                .map(|(&k, total)| {
                    let n: f64 = of_kind(logins, k)
                        .iter()
                        .filter(|r| r.hops == hops)
                        .map(|r| r.count)
                        .sum();
                    (n > 0.0).then(|| BarValue {
                        value: 100.0 * n / total,
                        interval: None,
                    })
                })
                .collect(),
        })
        .collect();
    let series: Vec<(String, RGBColor)> = kinds
        .iter()
        .map(|&k| (k.label().to_string(), style_of(k).colour))
        .collect();
    draw_grouped(
        area,
        None,
        &GroupedBars {
            series: &series,
            groups: &groups,
            x_desc: "hops per login",
            y_desc: "share of logins (%)",
            format: |v| style::axis_number(v),
            value_labels: false,
            legend_heading: "",
            caption: "hops",
            empty_note: "no hop counts",
        },
    )
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
