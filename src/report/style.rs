//! Look of every chart: sizes, the embedded font, the palette and line styles,
//! the time axis unit and number formats.
//!
//! # Palette
//! Okabe–Ito colours, which stay distinct under the common colour-vision
//! deficiencies. Lines also differ by dash pattern and marker, and stacked bars
//! alternate light and dark colours with a white gap and a percentage printed in
//! each segment, so every chart still reads when printed in grey.
//!
//! # Font
//! Noto Sans (Apache-2.0) from the `ttf-noto-sans` crate, registered with
//! plotters' `ab_glyph` renderer as the `sans-serif` family, so no system font is
//! needed and PNGs come out the same on every machine. SVGs name `sans-serif` and
//! let the viewer pick its own.

use std::sync::Once;

use plotters::style::{FontStyle, RGBColor};

/// PNG and SVG width, px. Narrow enough that a phone (360 CSS px) shows the
/// image at about two thirds of its size, so [`LABEL_SIZE`] text stays near 12 px; a
/// desktop shows it at its own size.
pub const WIDTH: u32 = 560;
/// Height of a chart's plot area (title and legend come on top of it), px.
pub const PLOT_HEIGHT: u32 = 380;

/// Font family every chart text uses.
pub const FONT: &str = "sans-serif";
/// Chart title size, px (a title too wide for [`WIDTH`] wraps).
pub const TITLE_SIZE: u32 = 28;
/// Axis description size, px.
pub const AXIS_SIZE: u32 = 21;
/// Tick label and legend size, px.
pub const LABEL_SIZE: u32 = 20;
/// Small annotation size (bar totals, segment shares), px.
pub const NOTE_SIZE: u32 = 18;

/// Registers the embedded font with plotters, once per process.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TTF shipped by the crate; a failure here would be
        // a broken dependency, and text would then be reported as a Draw error.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, ttf_noto_sans::REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, ttf_noto_sans::BOLD);
    });
}

/// Okabe–Ito black.
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Okabe–Ito sky blue.
pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
/// Okabe–Ito bluish green.
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Okabe–Ito yellow.
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe–Ito reddish purple.
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Grid and frame grey.
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// Line colours in order (yellow left out: too pale for a thin line on white).
const LINE_COLOURS: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK];

/// Fill colours for stacked segments, alternating dark and light so neighbours
/// differ in grey as well as in hue.
pub const FILL_COLOURS: [RGBColor; 7] = [BLUE, ORANGE, GREEN, YELLOW, VERMILLION, SKY_BLUE, PURPLE];

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Continuous.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
    /// Long dashes with short gaps.
    LongDash,
}

impl Dash {
    /// (dash, gap) in px; `None` for solid.
    pub fn pattern(self) -> Option<(i32, i32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((12, 7)),
            Dash::Dotted => Some((3, 5)),
            Dash::LongDash => Some((24, 6)),
        }
    }
}

/// Marker drawn along a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Filled circle.
    Circle,
    /// Filled triangle.
    Triangle,
    /// Filled square.
    Square,
    /// Diagonal cross.
    Cross,
    /// Hollow circle.
    Ring,
}

/// Colour, dash and marker of one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineStyle {
    /// Stroke colour.
    pub colour: RGBColor,
    /// Dash pattern.
    pub dash: Dash,
    /// Marker.
    pub marker: Marker,
    /// Stroke width, px.
    pub width: u32,
}

const DASHES: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDash];
const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
    Marker::Ring,
];

/// The style of the `i`-th series of a chart: colour, dash and marker all change
/// with `i`, so any one of them alone tells series apart.
pub fn line_style(i: usize) -> LineStyle {
    LineStyle {
        colour: LINE_COLOURS[i % LINE_COLOURS.len()],
        dash: DASHES[i % DASHES.len()],
        marker: MARKERS[i % MARKERS.len()],
        width: 3,
    }
}

/// Unit of the virtual-time axis, chosen by the run length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Minutes, for runs shorter than 3 hours.
    Minutes,
    /// Hours, for runs shorter than 3 days.
    Hours,
    /// Days.
    Days,
}

impl TimeUnit {
    /// The unit for a run of `duration_ms`.
    pub fn for_duration(duration_ms: u64) -> Self {
        const HOUR: u64 = 3_600_000;
        if duration_ms >= 72 * HOUR {
            TimeUnit::Days
        } else if duration_ms >= 3 * HOUR {
            TimeUnit::Hours
        } else {
            TimeUnit::Minutes
        }
    }

    /// Milliseconds in one unit.
    pub fn ms(self) -> f64 {
        match self {
            TimeUnit::Minutes => 60_000.0,
            TimeUnit::Hours => 3_600_000.0,
            TimeUnit::Days => 86_400_000.0,
        }
    }

    /// `time_ms` in this unit.
    pub fn of(self, time_ms: u64) -> f64 {
        time_ms as f64 / self.ms()
    }

    /// Axis description.
    pub fn axis(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "virtual time (minutes)",
            TimeUnit::Hours => "virtual time (hours)",
            TimeUnit::Days => "virtual time (days)",
        }
    }
}

/// A tick or table number: thousands grouped (`12,345`), large values shortened
/// on axes by [`AxisUnit`], others with up to 4 significant digits.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return group_thousands(v as i64);
    }
    if v.abs() >= 1000.0 {
        return group_thousands(v.round() as i64);
    }
    significant(v, 4)
}

/// The unit of an axis whose largest value is `top`: 1, 1000 (`k`) or 10^6
/// (`M`). One unit per axis, so ticks never mix "8000" and "10k".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisUnit {
    scale: f64,
    suffix: &'static str,
}

impl AxisUnit {
    /// `k` from 10 000 up, `M` from 10 million up, plain below.
    pub fn for_top(top: f64) -> Self {
        let a = top.abs();
        let (scale, suffix) = if a >= 1e7 {
            (1e6, "M")
        } else if a >= 1e4 {
            (1e3, "k")
        } else {
            (1.0, "")
        };
        Self { scale, suffix }
    }

    /// A tick in this unit: `0`, `2.5k`, `10k`.
    pub fn tick(self, v: f64) -> String {
        if v == 0.0 {
            return "0".to_string();
        }
        format!("{}{}", significant(v / self.scale, 3), self.suffix)
    }
}

/// `v` with at most `digits` significant digits, trailing zeros removed.
pub fn significant(v: f64, digits: i32) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).clamp(0, 12) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

fn group_thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_unit_follows_run_length() {
        assert_eq!(TimeUnit::for_duration(30 * 86_400_000), TimeUnit::Days);
        assert_eq!(TimeUnit::for_duration(86_400_000), TimeUnit::Hours);
        assert_eq!(TimeUnit::for_duration(3_600_000), TimeUnit::Minutes);
        assert_eq!(TimeUnit::Days.of(43_200_000), 0.5);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(0.123456), "0.1235");
        assert_eq!(number(-2500.4), "-2,500");
        assert_eq!(number(3.0), "3");
        let k = AxisUnit::for_top(12_500.0);
        assert_eq!(
            [k.tick(8000.0), k.tick(10_000.0), k.tick(0.0)],
            ["8k", "10k", "0"]
        );
        let plain = AxisUnit::for_top(9000.0);
        assert_eq!(
            [plain.tick(8000.0), plain.tick(0.30000000000000004)],
            ["8000", "0.3"]
        );
        assert_eq!(AxisUnit::for_top(2e7).tick(1.5e7), "15M");
    }

    #[test]
    fn styles_differ_in_every_channel() {
        let a = line_style(0);
        let b = line_style(1);
        assert!(a.colour != b.colour && a.dash != b.dash && a.marker != b.marker);
    }

    #[test]
    fn the_font_registers() {
        register_fonts();
        let font = plotters::style::FontDesc::new(
            plotters::style::FontFamily::SansSerif,
            20.0,
            FontStyle::Normal,
        );
        assert!(font.box_size("ssosim").unwrap().0 > 20);
    }
}
