//! Charts: each one a [`Figure`] drawn once on an SVG and once on a bitmap backend.
//!
//! A chart is a plotting area on the left and a legend panel on the right, so a
//! legend never hides data. Helpers here draw what several charts share: lines
//! with confidence bands and markers, horizontal stacked bars, grouped bars, the
//! legend and the "no data" note.

mod bars;
mod compare;
mod endings;
mod entry;
mod latency;
mod lines;
mod load;
mod sessions;
mod text;
mod users;

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};

use super::error::ReportError;
use super::style::{self, Dash, FONT, HEIGHT, LABEL_SIZE, LineStyle, Marker, TITLE_SIZE, WIDTH};

pub use compare::{CompareRates, CompareSeries};
pub use endings::SessionEndings;
pub use entry::LoginPaths;
pub use latency::LoginLatency;
pub use load::AsLoad;
pub use sessions::ValidSessions;
pub use users::LoggedInUsers;

/// Width of the legend panel on the right of every chart, px.
pub const LEGEND_WIDTH: u32 = 250;

/// Why plotters gave up, as text (backends have different error types).
#[derive(Debug)]
pub struct DrawError(String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// Result of drawing.
pub type DrawResult = Result<(), DrawError>;

/// A chart that can draw itself on any plotters backend.
pub trait Figure {
    /// File stem, e.g. `sessions` for `sessions.png` and `sessions.svg`.
    fn stem(&self) -> &'static str;
    /// Title, drawn on the chart and used as the figure's name in the report.
    fn title(&self) -> String;
    /// One line saying what the chart shows, for the report.
    fn caption(&self) -> String;
    /// Draws the whole chart on `root` (already white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
    /// Height of the image, px: [`HEIGHT`] unless the chart needs less (a bar
    /// chart with one or two bars would otherwise be mostly empty).
    fn height(&self) -> u32 {
        HEIGHT
    }
}

/// A chart drawn in both formats.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// File stem.
    pub stem: &'static str,
    /// Title.
    pub title: String,
    /// One-line caption.
    pub caption: String,
    /// SVG document.
    pub svg: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
    /// Image width, px (always [`WIDTH`]).
    pub width: u32,
    /// Image height, px ([`Figure::height`]).
    pub height: u32,
}

/// Draws `figure` as SVG and PNG, [`WIDTH`] × [`Figure::height`].
///
/// # Errors
/// [`ReportError::Draw`] when plotters fails.
pub fn render(figure: &impl Figure) -> Result<Rendered, ReportError> {
    style::register_fonts();
    let fail = |e: DrawError| ReportError::Draw {
        chart: figure.stem().to_string(),
        message: e.0,
    };
    let height = figure.height();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        draw_on(figure, &root).map_err(fail)?;
    }
    let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
    {
        let root = text::TextFix(BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)))
            .into_drawing_area();
        draw_on(figure, &root).map_err(fail)?;
    }
    let png = encode_png(&rgb, height).map_err(|e| ReportError::Draw {
        chart: figure.stem().to_string(),
        message: format!("PNG encoding: {e}"),
    })?;
    Ok(Rendered {
        stem: figure.stem(),
        title: figure.title(),
        caption: figure.caption(),
        svg,
        png,
        width: WIDTH,
        height,
    })
}

fn draw_on<DB: DrawingBackend>(figure: &impl Figure, root: &DrawingArea<DB, Shift>) -> DrawResult {
    root.fill(&WHITE)?;
    figure.draw(root)?;
    root.present()?;
    Ok(())
}

/// Encodes an RGB buffer as PNG, with fixed settings so equal pixels give equal bytes.
fn encode_png(rgb: &[u8], height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// A chart's plot area and legend panel.
pub type Panels<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);

/// Draws the title on `root` and splits the rest into (plot area, legend panel).
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<Panels<DB>, DrawError> {
    let body = root.titled(title, (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold))?;
    let (plot, legend) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
    Ok((plot, legend))
}

/// One legend entry: what it looks like and its text.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// Glyph.
    pub key: Key,
    /// Text.
    pub label: String,
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// A line sample with its dash and marker.
    Line(LineStyle),
    /// A filled box.
    Fill(RGBColor),
}

/// Draws `entries` top-down in the legend panel, after an optional heading.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[LegendEntry],
) -> DrawResult {
    let text = (FONT, LABEL_SIZE).into_font().color(&BLACK);
    let mut y = 40;
    if !heading.is_empty() {
        area.draw(&Text::new(
            heading.to_string(),
            (10, y),
            (FONT, LABEL_SIZE).into_font().style(FontStyle::Bold),
        ))?;
        y += 34;
    }
    for entry in entries {
        let centre = (34, y + 11);
        match entry.key {
            Key::Line(style) => area.draw(&Glyph::legend(centre, style))?,
            Key::Fill(colour) => area.draw(&Rectangle::new(
                [(14, y + 2), (54, y + 20)],
                colour.filled(),
            ))?,
        }
        area.draw(&Text::new(
            shorten(&entry.label, 20),
            (64, y + 11),
            text.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 32;
    }
    Ok(())
}

/// `text` cut to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Writes a centred note in an area that has nothing to plot.
pub fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, message: &str) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        (FONT, LABEL_SIZE + 2)
            .into_font()
            .color(&RGBColor(90, 90, 90))
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// A line marker (and, in a legend, a short stroke of the line through it).
///
/// Drawn with the backend's primitives, so both formats get the same shapes.
#[derive(Debug, Clone)]
pub struct Glyph<C> {
    at: C,
    style: LineStyle,
    with_line: bool,
}

impl<C> Glyph<C> {
    /// A marker at `at` in chart coordinates.
    pub fn marker(at: C, style: LineStyle) -> Self {
        Self {
            at,
            style,
            with_line: false,
        }
    }
}

impl Glyph<BackendCoord> {
    /// A legend sample centred on `at` (pixels).
    pub fn legend(at: BackendCoord, style: LineStyle) -> Self {
        Self {
            at,
            style,
            with_line: true,
        }
    }
}

impl<'a, C> PointCollection<'a, C> for &'a Glyph<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Glyph<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let colour = self.style.colour;
        if self.with_line {
            let stroke = colour.stroke_width(self.style.width);
            let (from, to) = (x - 20, x + 20);
            match self.style.dash.pattern() {
                None => backend.draw_line((from, y), (to, y), &stroke)?,
                Some((dash, gap)) => {
                    let mut s = from;
                    while s < to {
                        backend.draw_line((s, y), ((s + dash).min(to), y), &stroke)?;
                        s += dash + gap;
                    }
                }
            }
        }
        let r = 6;
        match self.style.marker {
            Marker::Circle => backend.draw_circle((x, y), r as u32, &colour.filled(), true)?,
            Marker::Ring => {
                backend.draw_circle((x, y), r as u32, &WHITE.filled(), true)?;
                backend.draw_circle((x, y), r as u32, &colour.stroke_width(2), false)?;
            }
            Marker::Square => backend.draw_rect(
                (x - r + 1, y - r + 1),
                (x + r - 1, y + r - 1),
                &colour.filled(),
                true,
            )?,
            Marker::Triangle => backend.fill_polygon(
                [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                &colour.filled(),
            )?,
            Marker::Cross => {
                let s = colour.stroke_width(3);
                backend.draw_line((x - r, y - r), (x + r, y + r), &s)?;
                backend.draw_line((x - r, y + r), (x + r, y - r), &s)?;
            }
        }
        Ok(())
    }
}

/// The dash of `style` as plotters wants it for a series: `None` for solid.
pub fn dash_of(style: &LineStyle) -> Option<(i32, i32)> {
    match style.dash {
        Dash::Solid => None,
        d => d.pattern(),
    }
}
