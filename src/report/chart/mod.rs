//! Charts: each one a [`Figure`] drawn once on an SVG and once on a bitmap backend.
//!
//! Every chart is [`WIDTH`] wide and stacks, top to bottom: its title (wrapped
//! when too wide), the plot area, and the legend, whose entries flow in rows
//! under the plot. A legend never hides data, and nothing sits beside the plot,
//! so the whole width is data and a phone can show the image at more than half
//! size. Helpers here draw what several charts share: lines with confidence
//! bands and markers, horizontal stacked bars, grouped bars, the legend and the
//! "no data" note.

mod bars;
mod browsers;
mod causes;
mod compare;
pub mod curve;
mod endings;
mod entry;
mod frontier;
mod latency;
mod lines;
mod load;
mod sessions;
mod steady;
mod tails;
mod text;
mod users;

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};

use super::error::ReportError;
use super::style::{
    self, Dash, FONT, LABEL_SIZE, LineStyle, Marker, PLOT_HEIGHT, TITLE_SIZE, WIDTH,
};

pub use bars::Stacked;
pub use browsers::BrowserPrompts;
pub use causes::{label as cause_label, prompt_causes};
pub use compare::{CompareRates, CompareSeries, rate_curves};
pub use curve::{CurvePoint, Panel, ResponseCurves};
pub use endings::session_endings;
pub use entry::login_paths;
pub use frontier::FrontierChart;
pub use latency::LoginLatency;
pub use load::AsLoad;
pub use sessions::ValidSessions;
pub use steady::ReauthOverTime;
pub use tails::PromptTails;
pub use users::LoggedInUsers;

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
    /// The legend drawn under the plot: only categories this run has, so an
    /// empty legend draws nothing.
    fn legend(&self) -> Legend {
        Legend::default()
    }
    /// Height of the plot area, px: [`PLOT_HEIGHT`] unless the chart needs
    /// another (one bar per app, two panels).
    fn plot_height(&self) -> u32 {
        PLOT_HEIGHT
    }
    /// Draws the plot area `plot` (already white); title and legend are drawn
    /// around it by [`render`].
    fn draw<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>) -> DrawResult;
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
    /// Image height, px: title, plot and legend.
    pub height: u32,
}

/// Draws `figure` as SVG and PNG: [`WIDTH`] wide, as tall as its title, plot
/// and legend need.
///
/// # Errors
/// [`ReportError::Draw`] when plotters fails.
pub fn render(figure: &impl Figure) -> Result<Rendered, ReportError> {
    style::register_fonts();
    let fail = |e: DrawError| ReportError::Draw {
        chart: figure.stem().to_string(),
        message: e.0,
    };
    let title = wrap(&figure.title(), &title_font().font, WIDTH - 24);
    let legend = LegendLayout::new(&figure.legend());
    let plot_height = figure.plot_height();
    let title_height = title_height(title.len());
    let height = title_height + plot_height + legend.height;
    let parts = (title.as_slice(), title_height, plot_height, &legend);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        draw_on(figure, &root, parts).map_err(fail)?;
    }
    let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
    {
        let root = text::TextFix(BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)))
            .into_drawing_area();
        draw_on(figure, &root, parts).map_err(fail)?;
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

/// What [`render`] lays out around the plot: title lines, title height, plot
/// height and the legend.
type Parts<'a> = (&'a [String], u32, u32, &'a LegendLayout);

fn draw_on<DB: DrawingBackend>(
    figure: &impl Figure,
    root: &DrawingArea<DB, Shift>,
    (title, title_height, plot_height, legend): Parts<'_>,
) -> DrawResult {
    root.fill(&WHITE)?;
    let (top, rest) = root.split_vertically(title_height);
    for (i, line) in title.iter().enumerate() {
        top.draw(&Text::new(
            line.clone(),
            (WIDTH as i32 / 2, 8 + i as i32 * (TITLE_SIZE as i32 + 6)),
            title_font().pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    let (plot, below) = rest.split_vertically(plot_height);
    figure.draw(&plot)?;
    legend.draw(&below)?;
    root.present()?;
    Ok(())
}

fn title_font() -> TextStyle<'static> {
    (FONT, TITLE_SIZE)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

/// Height of a title of `lines` lines, with the space under it.
fn title_height(lines: usize) -> u32 {
    14 + lines as u32 * (TITLE_SIZE + 6)
}

/// Width of `text` in `font`, px (a rough estimate if the font cannot tell).
pub fn text_width(text: &str, font: &FontDesc<'_>) -> u32 {
    font.box_size(text).map_or(
        text.chars().count() as u32 * font.get_size() as u32 / 2,
        |(w, _)| w,
    )
}

/// `text` broken at spaces into lines no wider than `max` px (a single word
/// wider than that stays whole).
pub fn wrap(text: &str, font: &FontDesc<'_>, max: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), font) <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
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

/// A chart's legend: a bold heading, then its entries.
#[derive(Debug, Clone, Default)]
pub struct Legend {
    /// Heading, e.g. `tier:`; empty for none.
    pub heading: String,
    /// Entries, in reading order.
    pub entries: Vec<LegendEntry>,
}

impl Legend {
    /// A legend with `heading` and `entries`.
    pub fn new(heading: &str, entries: Vec<LegendEntry>) -> Self {
        Self {
            heading: heading.to_string(),
            entries,
        }
    }
}

/// Height of one legend row, px.
const LEGEND_ROW: u32 = 32;
/// Width of an entry's glyph, px.
const GLYPH: i32 = 46;

/// A legend placed in rows: each item's left x and row, and the band's height.
#[derive(Debug, Clone, Default)]
struct LegendLayout {
    heading: Option<(i32, u32, String)>,
    entries: Vec<(i32, u32, LegendEntry)>,
    height: u32,
}

impl LegendLayout {
    /// Flows the heading and entries left to right, starting a new row when
    /// the next one would pass the right edge.
    fn new(legend: &Legend) -> Self {
        if legend.entries.is_empty() {
            return Self::default();
        }
        let label = (FONT, LABEL_SIZE).into_font();
        let bold = label.clone().style(FontStyle::Bold);
        let (left, right) = (16_i32, WIDTH as i32 - 12);
        let (mut x, mut row) = (left, 0_u32);
        let mut place = |width: i32| {
            if x > left && x + width > right {
                x = left;
                row += 1;
            }
            let at = (x, row);
            x += width + 22;
            at
        };
        let heading = (!legend.heading.is_empty()).then(|| {
            let (x, row) = place(text_width(&legend.heading, &bold) as i32);
            (x, row, legend.heading.clone())
        });
        let entries = legend
            .entries
            .iter()
            .map(|e| {
                let (x, row) = place(GLYPH + 8 + text_width(&e.label, &label) as i32);
                (x, row, e.clone())
            })
            .collect::<Vec<_>>();
        let rows = entries.last().map_or(0, |e| e.1 + 1);
        Self {
            heading,
            entries,
            height: 14 + rows * LEGEND_ROW,
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = (FONT, LABEL_SIZE).into_font();
        let y_of = |row: u32| 4 + (row * LEGEND_ROW) as i32 + LEGEND_ROW as i32 / 2;
        if let Some((x, row, text)) = &self.heading {
            area.draw(&Text::new(
                text.clone(),
                (*x, y_of(*row)),
                font.clone()
                    .style(FontStyle::Bold)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        for (x, row, entry) in &self.entries {
            let y = y_of(*row);
            match entry.key {
                Key::Line(style) => area.draw(&Glyph::legend((x + GLYPH / 2, y), style))?,
                Key::Fill(colour) => area.draw(&Rectangle::new(
                    [(x + 4, y - 9), (x + GLYPH - 4, y + 9)],
                    colour.filled(),
                ))?,
            }
            area.draw(&Text::new(
                entry.label.clone(),
                (x + GLYPH + 8, y),
                font.clone()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        Ok(())
    }
}

/// The mesh every cartesian chart starts from: no minor grid lines, a light
/// major grid, axis descriptions and tick labels in the house font.
pub(super) fn mesh<'a, 'b, X, Y, DB>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged + plotters::coord::ranged1d::ValueFormatter<X::ValueType>,
    Y: Ranged + plotters::coord::ranged1d::ValueFormatter<Y::ValueType>,
    DB: DrawingBackend,
{
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE)
        .bold_line_style(style::GRID)
        .axis_desc_style((FONT, style::AXIS_SIZE))
        .label_style((FONT, LABEL_SIZE));
    mesh
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
            let (from, to) = (x - GLYPH / 2 + 2, x + GLYPH / 2 - 2);
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
