//! Charts as plain data ([`Figure`]) and their drawing with plotters, to SVG (for the HTML) or
//! PNG (for slides). Every figure also writes its data as a tidy CSV ([`Chart::csv`]) so that a
//! user can redraw it in another tool.
//!
//! The drawing functions are generic over the plotters backend, so the SVG in the report and
//! the PNG for slides are the same picture.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::ReportError;
use crate::palette;

/// The font all charts use, embedded so that no system font (fontconfig) is needed.
pub const FONT_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The family name charts ask for; the HTML maps it to the embedded font.
pub const FONT_FAMILY: &str = "sans-serif";

const WIDTH: u32 = 720;
const HEIGHT: u32 = 420;

fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and known to be a valid TTF; a failure here would show up
        // as text-less charts in every golden test.
        let _ = plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_TTF);
    });
}

/// One line of a line chart, with an optional band (x, low, high) drawn under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<(f64, f64, f64)>,
    /// Draw the points as dots (observed data) rather than as a line.
    pub markers: bool,
}

impl Line {
    /// A plain line without a band.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Line {
        Line { name: name.into(), points, band: Vec::new(), markers: false }
    }
}

/// Lines over a numeric x axis: time series with 95% bands, observed vs fitted, index paths.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesFigure {
    pub x_label: String,
    pub y_label: String,
    pub lines: Vec<Line>,
}

/// One bar: a value and an optional interval (drawn as a whisker).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarValue {
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A named series of bars, one per group.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub name: String,
    pub values: Vec<BarValue>,
}

/// Grouped vertical bars: end-state means with intervals, flows by direction, probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct BarsFigure {
    pub y_label: String,
    pub groups: Vec<String>,
    pub series: Vec<BarSeries>,
    /// One colour per group (and no series legend) instead of one colour per series.
    pub color_by_group: bool,
    /// A line under the title saying what the whiskers are.
    pub note: String,
    /// A reference value per group (a classification threshold), drawn as a dashed line across
    /// the group; empty, or NaN for a group, draws none.
    pub thresholds: Vec<f64>,
}

/// One row of a horizontal bar chart: the outcome at the lever's low and high value.
#[derive(Debug, Clone, PartialEq)]
pub struct HBar {
    pub label: String,
    pub low: f64,
    pub high: f64,
}

/// Horizontal bars from a base value: a tornado (sensitivity) or a ranking (shadow prices).
#[derive(Debug, Clone, PartialEq)]
pub struct HBarsFigure {
    pub x_label: String,
    pub base: f64,
    /// Legend names of the low and high bars; an empty `low_name` draws only the high bars.
    pub low_name: String,
    pub high_name: String,
    pub bars: Vec<HBar>,
}

/// One cell of a matrix: a category key (coloured), its name, a detail (e.g. who gains) and a
/// share in 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixCell {
    pub key: String,
    pub text: String,
    pub detail: String,
    pub share: f64,
}

/// A categorical matrix: the symbiosis mode of each pair of unit kinds (rows) in each mode of
/// organisation (columns).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixFigure {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `cells[row][col]`; `None` where the pair was not measured.
    pub cells: Vec<Vec<Option<MatrixCell>>>,
    /// Legend: (key, name) of each category, in order.
    pub legend: Vec<(String, String)>,
}

/// A node of the network picture, on the left (0, home) or right (1, host) column.
#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    pub label: String,
    pub column: usize,
}

/// A directed, weighted edge of one factor.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEdge {
    pub source: usize,
    pub target: usize,
    pub factor: String,
    pub weight: f64,
    pub unit: String,
}

/// The flow network between unit kinds, drawn on two columns.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkFigure {
    pub nodes: Vec<NetNode>,
    pub edges: Vec<NetEdge>,
    /// Factor names in legend order (the edge colour is the factor's position here).
    pub factors: Vec<String>,
    pub column_names: [String; 2],
}

/// An arrow of a vector field: at (x, y), the derivative (dx, dy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrow {
    pub x: f64,
    pub y: f64,
    pub dx: f64,
    pub dy: f64,
}

/// An equilibrium and its stability.
#[derive(Debug, Clone, PartialEq)]
pub struct Equilibrium {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub stable: bool,
}

/// The phase portrait of a two-unit system.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseFigure {
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub field: Vec<Arrow>,
    pub nullclines: Vec<Line>,
    pub trajectories: Vec<Line>,
    pub equilibria: Vec<Equilibrium>,
}

/// One panel of a histogram figure: bootstrap draws of a coefficient and its point estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct HistPanel {
    pub name: String,
    pub draws: Vec<f64>,
    pub estimate: f64,
}

/// Histograms side by side (the bootstrap distribution of each coefficient).
#[derive(Debug, Clone, PartialEq)]
pub struct HistFigure {
    pub panels: Vec<HistPanel>,
}

/// One point of a scatter chart: coloured by its group, ringed when marked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    pub y: f64,
    pub group: usize,
    pub marked: bool,
}

/// Points on two axes in 0..1 (a PRIM peeling trajectory: coverage against density, coloured
/// by the number of restricted inputs, the chosen box ringed).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterFigure {
    pub x_label: String,
    pub y_label: String,
    /// What the groups count (legend: "N <group_label>").
    pub group_label: String,
    pub points: Vec<ScatterPoint>,
}

/// One row of a ranges chart: an interval `low..high` within 0..1, with a text.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    pub label: String,
    pub low: f64,
    pub high: f64,
    pub text: String,
}

/// Intervals on a common 0..1 axis (a box's limits on each input's range).
#[derive(Debug, Clone, PartialEq)]
pub struct RangesFigure {
    pub x_label: String,
    pub rows: Vec<RangeRow>,
}

/// The data of a chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Lines(LinesFigure),
    Bars(BarsFigure),
    HBars(HBarsFigure),
    Matrix(MatrixFigure),
    Network(NetworkFigure),
    Phase(PhaseFigure),
    Hist(HistFigure),
    Scatter(ScatterFigure),
    Ranges(RangesFigure),
}

/// A chart: a stable id (file names), a title with units, and its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub figure: Figure,
}

type Res<T> = Result<T, String>;

fn e<E: std::fmt::Display>(err: E) -> String {
    err.to_string()
}

impl Chart {
    pub fn new(id: impl Into<String>, title: impl Into<String>, figure: Figure) -> Chart {
        Chart { id: id.into(), title: title.into(), figure }
    }

    /// Pixel size: fixed for axes charts, grown with the rows for matrices and bar rankings.
    pub fn size(&self) -> (u32, u32) {
        match &self.figure {
            Figure::Matrix(m) => (WIDTH, 90 + 36 * m.rows.len().max(1) as u32),
            Figure::HBars(h) => (WIDTH, 130 + 30 * h.bars.len().max(1) as u32),
            Figure::Network(n) => {
                let per_col =
                    (0..2).map(|c| n.nodes.iter().filter(|x| x.column == c).count()).max();
                (WIDTH, (140 + 56 * per_col.unwrap_or(1) as u32).max(HEIGHT))
            }
            Figure::Hist(_) => (WIDTH, 320),
            Figure::Ranges(r) => (WIDTH, 120 + 34 * r.rows.len().max(1) as u32),
            _ => (WIDTH, HEIGHT),
        }
    }

    /// Whether the chart has anything to draw (the report leaves empty charts out).
    pub fn is_empty(&self) -> bool {
        let finite = |v: f64| v.is_finite();
        match &self.figure {
            Figure::Lines(f) => {
                !f.lines.iter().any(|l| l.points.iter().any(|p| finite(p.0) && finite(p.1)))
            }
            // All-zero bars draw nothing, so they count as empty too.
            Figure::Bars(f) => {
                !f.series.iter().any(|s| s.values.iter().any(|v| finite(v.value) && v.value != 0.0))
            }
            Figure::HBars(f) => f.bars.is_empty(),
            Figure::Matrix(f) => !f.cells.iter().flatten().any(Option::is_some),
            Figure::Network(f) => f.edges.is_empty(),
            Figure::Phase(f) => {
                f.field.is_empty() && f.trajectories.is_empty() && f.equilibria.is_empty()
            }
            Figure::Hist(f) => !f.panels.iter().any(|p| p.draws.iter().any(|v| v.is_finite())),
            Figure::Scatter(f) => !f.points.iter().any(|p| finite(p.x) && finite(p.y)),
            Figure::Ranges(f) => f.rows.is_empty(),
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String, ReportError> {
        ensure_font();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, self.size()).into_drawing_area();
            self.draw(&root).map_err(|m| self.err(m))?;
            root.present().map_err(|x| self.err(x.to_string()))?;
        }
        Ok(out)
    }

    /// Write the chart as a PNG (twice the SVG's pixel size, for slides).
    pub fn png(&self, path: &Path) -> Result<(), ReportError> {
        ensure_font();
        let (w, h) = self.size();
        let root = BitMapBackend::new(path, (w * 2, h * 2)).into_drawing_area();
        // Same layout as the SVG with every size doubled, so the PNG looks like the report's chart.
        self.draw_scaled(&root, 2).map_err(|m| self.err(m))?;
        root.present()
            .map_err(|x| ReportError::Io { path: path.to_path_buf(), message: x.to_string() })
    }

    fn err(&self, message: String) -> ReportError {
        ReportError::Chart { chart: self.id.clone(), message }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res<()> {
        self.draw_scaled(root, 1)
    }

    fn draw_scaled<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        scale: u32,
    ) -> Res<()> {
        root.fill(&WHITE).map_err(e)?;
        let s = Style { k: scale as f64 };
        match &self.figure {
            Figure::Lines(f) => draw_lines(root, &self.title, f, s),
            Figure::Bars(f) => draw_bars(root, &self.title, f, s),
            Figure::HBars(f) => draw_hbars(root, &self.title, f, s),
            Figure::Matrix(f) => draw_matrix(root, &self.title, f, s),
            Figure::Network(f) => draw_network(root, &self.title, f, s),
            Figure::Phase(f) => draw_phase(root, &self.title, f, s),
            Figure::Hist(f) => draw_hist(root, &self.title, f, s),
            Figure::Scatter(f) => draw_scatter(root, &self.title, f, s),
            Figure::Ranges(f) => draw_ranges(root, &self.title, f, s),
        }
    }

    /// The chart's data as CSV (tidy: one observation per row).
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut rec = |fields: Vec<String>| {
            // Writing to a Vec cannot fail.
            let _ = w.write_record(&fields);
        };
        let n = |v: f64| if v.is_finite() { format!("{v}") } else { String::new() };
        let on = |v: Option<f64>| v.map(n).unwrap_or_default();
        match &self.figure {
            Figure::Lines(f) => {
                rec(vec![
                    "series".into(),
                    f.x_label.clone(),
                    f.y_label.clone(),
                    "band_low".into(),
                    "band_high".into(),
                ]);
                for l in &f.lines {
                    for &(x, y) in &l.points {
                        let band = l.band.iter().find(|b| b.0 == x);
                        rec(vec![
                            l.name.clone(),
                            n(x),
                            n(y),
                            on(band.map(|b| b.1)),
                            on(band.map(|b| b.2)),
                        ]);
                    }
                }
            }
            Figure::Bars(f) => {
                let mut head = vec![
                    "group".into(),
                    "series".into(),
                    f.y_label.clone(),
                    "low".into(),
                    "high".into(),
                ];
                let with_thresholds = !f.thresholds.is_empty();
                if with_thresholds {
                    head.push("threshold".into());
                }
                rec(head);
                for s in &f.series {
                    for (i, (g, v)) in f.groups.iter().zip(&s.values).enumerate() {
                        let mut row =
                            vec![g.clone(), s.name.clone(), n(v.value), on(v.low), on(v.high)];
                        if with_thresholds {
                            row.push(on(f.thresholds.get(i).copied()));
                        }
                        rec(row);
                    }
                }
            }
            Figure::HBars(f) => {
                let low =
                    if f.low_name.is_empty() { "low".to_string() } else { f.low_name.clone() };
                rec(vec!["label".into(), low, f.high_name.clone(), "base".into(), "unit".into()]);
                for b in &f.bars {
                    rec(vec![b.label.clone(), n(b.low), n(b.high), n(f.base), f.x_label.clone()]);
                }
            }
            Figure::Matrix(f) => {
                rec(["row", "column", "key", "text", "detail", "share"].map(String::from).to_vec());
                for (r, row) in f.rows.iter().zip(&f.cells) {
                    for (c, cell) in f.cols.iter().zip(row) {
                        if let Some(cell) = cell {
                            rec(vec![
                                r.clone(),
                                c.clone(),
                                cell.key.clone(),
                                cell.text.clone(),
                                cell.detail.clone(),
                                n(cell.share),
                            ]);
                        }
                    }
                }
            }
            Figure::Network(f) => {
                rec(vec![
                    "source".into(),
                    "target".into(),
                    "factor".into(),
                    "weight".into(),
                    "unit".into(),
                ]);
                for ed in &f.edges {
                    rec(vec![
                        f.nodes[ed.source].label.clone(),
                        f.nodes[ed.target].label.clone(),
                        ed.factor.clone(),
                        n(ed.weight),
                        ed.unit.clone(),
                    ]);
                }
            }
            Figure::Phase(f) => {
                rec(["layer", "name", "x", "y", "dx", "dy", "stable"].map(String::from).to_vec());
                for a in &f.field {
                    rec(vec![
                        "field".into(),
                        String::new(),
                        n(a.x),
                        n(a.y),
                        n(a.dx),
                        n(a.dy),
                        String::new(),
                    ]);
                }
                for (layer, lines) in
                    [("nullcline", &f.nullclines), ("trajectory", &f.trajectories)]
                {
                    for l in lines {
                        for &(x, y) in &l.points {
                            rec(vec![
                                layer.into(),
                                l.name.clone(),
                                n(x),
                                n(y),
                                String::new(),
                                String::new(),
                                String::new(),
                            ]);
                        }
                    }
                }
                for q in &f.equilibria {
                    rec(vec![
                        "equilibrium".into(),
                        q.label.clone(),
                        n(q.x),
                        n(q.y),
                        String::new(),
                        String::new(),
                        q.stable.to_string(),
                    ]);
                }
            }
            Figure::Scatter(f) => {
                rec(vec![
                    f.x_label.clone(),
                    f.y_label.clone(),
                    f.group_label.clone(),
                    "marked".into(),
                ]);
                for p in &f.points {
                    rec(vec![n(p.x), n(p.y), p.group.to_string(), p.marked.to_string()]);
                }
            }
            Figure::Ranges(f) => {
                rec(["label", "low", "high", "text"].map(String::from).to_vec());
                for r in &f.rows {
                    rec(vec![r.label.clone(), n(r.low), n(r.high), r.text.clone()]);
                }
            }
            Figure::Hist(f) => {
                rec(["coefficient", "draw", "value", "estimate"].map(String::from).to_vec());
                for p in &f.panels {
                    for (i, &v) in p.draws.iter().enumerate() {
                        rec(vec![p.name.clone(), i.to_string(), n(v), n(p.estimate)]);
                    }
                }
            }
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// Scale of the drawing (1 for SVG, 2 for PNG) applied to fonts, margins and strokes.
#[derive(Debug, Clone, Copy)]
struct Style {
    k: f64,
}

impl Style {
    fn px(self, v: f64) -> i32 {
        (v * self.k).round() as i32
    }
    fn u(self, v: f64) -> u32 {
        (v * self.k).round().max(0.0) as u32
    }
    fn font(self, size: f64) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.k).into_font().color(&palette::BLACK)
    }
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
enum Mark {
    Line,
    /// A dashed line (a threshold).
    Dash,
    Box,
    Dot,
    Hollow,
}

/// Draw the title and a wrapped legend at the top; return the area left for the plot.
fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
    legend: &[(String, RGBColor, Mark)],
    s: Style,
) -> Res<DrawingArea<DB, Shift>> {
    let (w, _) = root.dim_in_pixel();
    let font = s.font(12.0);
    // Lay the legend out first to know how tall the header is.
    let mut rows: Vec<Vec<(i32, usize)>> = vec![Vec::new()];
    let mut x = s.px(10.0);
    for (i, (name, _, _)) in legend.iter().enumerate() {
        let (tw, _) = root.estimate_text_size(name, &font).map_err(e)?;
        let item = s.px(26.0) + tw as i32 + s.px(16.0);
        if x + item > w as i32 - s.px(10.0) && x > s.px(10.0) {
            rows.push(Vec::new());
            x = s.px(10.0);
        }
        if let Some(r) = rows.last_mut() {
            r.push((x, i));
        }
        x += item;
    }
    let legend_rows = if legend.is_empty() { 0 } else { rows.len() };
    let title_h = s.px(26.0);
    let note_h = if note.is_empty() { 0 } else { s.px(18.0) };
    let height = title_h + note_h + legend_rows as i32 * s.px(20.0) + s.px(4.0);
    root.draw(&Text::new(title.to_string(), (s.px(10.0), s.px(7.0)), s.font(15.0))).map_err(e)?;
    if !note.is_empty() {
        let grey = s.font(11.5).color(&RGBColor(0x44, 0x44, 0x44));
        root.draw(&Text::new(note.to_string(), (s.px(10.0), title_h), grey)).map_err(e)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let y = title_h + note_h + r as i32 * s.px(20.0) + s.px(9.0);
        for &(x, i) in row {
            let (name, color, mark) = &legend[i];
            let c = *color;
            match mark {
                Mark::Line => root
                    .draw(&PathElement::new(
                        vec![(x, y), (x + s.px(20.0), y)],
                        c.stroke_width(s.u(3.0)),
                    ))
                    .map_err(e)?,
                Mark::Dash => {
                    for d in [0.0, 8.0, 16.0] {
                        root.draw(&PathElement::new(
                            vec![(x + s.px(d), y), (x + s.px(d + 4.0), y)],
                            c.stroke_width(s.u(2.0)),
                        ))
                        .map_err(e)?;
                    }
                }
                Mark::Box => root
                    .draw(&Rectangle::new(
                        [(x + s.px(3.0), y - s.px(6.0)), (x + s.px(17.0), y + s.px(6.0))],
                        c.filled(),
                    ))
                    .map_err(e)?,
                Mark::Dot => {
                    root.draw(&Circle::new((x + s.px(10.0), y), s.u(5.0), c.filled())).map_err(e)?
                }
                Mark::Hollow => root
                    .draw(&Circle::new((x + s.px(10.0), y), s.u(5.0), c.stroke_width(s.u(2.0))))
                    .map_err(e)?,
            }
            let t = font.pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(name.clone(), (x + s.px(26.0), y), t)).map_err(e)?;
        }
    }
    Ok(root.split_vertically(height).1)
}

/// A padded, finite range over values; the low end is 0 when every value is non-negative and
/// `zero` is asked for (bars and counts start at zero so that heights compare honestly).
fn span(values: impl Iterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if zero && lo >= 0.0 {
        lo = 0.0;
    }
    if zero && hi <= 0.0 {
        hi = 0.0;
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    (if zero && lo == 0.0 { 0.0 } else { lo - pad }, if zero && hi == 0.0 { 0.0 } else { hi + pad })
}

/// A number for an axis tick or a table: thousands as k, millions as M, billions as bn.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "bn")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let ax = x.abs();
    let s = if ax == 0.0 {
        "0".to_string()
    } else if ax >= 100.0 {
        format!("{x:.0}")
    } else if ax >= 10.0 {
        format!("{x:.1}")
    } else if ax >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    let s =
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    // A tiny negative tick (floating-point noise around zero) must not read "-0".
    let s = if s == "-0" { "0".to_string() } else { s };
    format!("{s}{suffix}")
}

fn axis_color() -> ShapeStyle {
    RGBColor(0x55, 0x55, 0x55).stroke_width(1)
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &LinesFigure,
    s: Style,
) -> Res<()> {
    let legend: Vec<_> = f
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (l.name.clone(), palette::series(i), if l.markers { Mark::Dot } else { Mark::Line })
        })
        .collect();
    let banded = f.lines.iter().any(|l| !l.band.is_empty());
    let note = if banded {
        "lines: mean across runs; shaded: 95% confidence band of the mean"
    } else {
        ""
    };
    let body = header(root, title, note, &legend, s)?;
    let (x0, x1) = span(f.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)), false);
    let ys = f
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1).chain(l.band.iter().flat_map(|b| [b.1, b.2])));
    // Start at zero when the data come near it anyway (counts, shares); otherwise (a GDP fit)
    // a zero baseline would flatten the very differences the chart is for.
    let (lo, hi) = span(ys.clone(), false);
    let (y0, y1) = span(ys, lo >= 0.0 && lo < 0.5 * hi);
    // Years (and other whole-number axes) read as plain integers, never as "2.01k".
    let whole =
        f.lines.iter().flat_map(|l| &l.points).all(|p| !p.0.is_finite() || p.0.fract() == 0.0);
    let x_fmt = |v: &f64| {
        if !whole {
            fmt_num(*v)
        } else if (v - v.round()).abs() < 1e-9 {
            format!("{v:.0}")
        } else {
            String::new()
        }
    };
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(24.0))
        .x_label_area_size(s.u(44.0))
        .y_label_area_size(s.u(70.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(f.x_label.as_str())
        .y_desc(f.y_label.as_str())
        .x_labels(if whole { ((x1 - x0).round() as usize + 1).clamp(2, 12) } else { 10 })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.45))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    for (i, l) in f.lines.iter().enumerate() {
        let c = palette::series(i);
        let band: Vec<_> = l
            .band
            .iter()
            .filter(|b| b.0.is_finite() && b.1.is_finite() && b.2.is_finite())
            .collect();
        if band.len() > 1 {
            let mut poly: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
            poly.extend(band.iter().rev().map(|b| (b.0, b.1)));
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
                .map_err(e)?;
        }
        let pts: Vec<(f64, f64)> =
            l.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        if l.markers {
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, s.u(3.0), c.filled())))
                .map_err(e)?;
        } else {
            chart.draw_series(LineSeries::new(pts, c.stroke_width(s.u(2.0)))).map_err(e)?;
        }
    }
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &BarsFigure,
    s: Style,
) -> Res<()> {
    let mut legend: Vec<_> = if f.color_by_group {
        Vec::new()
    } else {
        f.series
            .iter()
            .enumerate()
            .map(|(i, b)| (b.name.clone(), palette::series(i), Mark::Box))
            .collect()
    };
    let thresholds: Vec<(usize, f64)> =
        f.thresholds.iter().copied().enumerate().filter(|(_, t)| t.is_finite()).collect();
    if !thresholds.is_empty() {
        legend.push(("threshold".to_string(), palette::BLACK, Mark::Dash));
    }
    let body = header(root, title, &f.note, &legend, s)?;
    let n = f.groups.len().max(1);
    let k = f.series.len().max(1);
    let ys = f
        .series
        .iter()
        .flat_map(|b| b.values.iter().flat_map(|v| [Some(v.value), v.low, v.high]))
        .flatten()
        .chain(thresholds.iter().map(|t| t.1));
    let (y0, y1) = span(ys, true);
    let x_range = -0.5..(n as f64 - 0.5);
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(16.0))
        .x_label_area_size(s.u(40.0))
        .y_label_area_size(s.u(70.0))
        .build_cartesian_2d(x_range, y0..y1)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc(f.y_label.as_str())
        // Group names are drawn below under each group, not at the numeric ticks.
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.45))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    for (i, g) in f.groups.iter().enumerate() {
        let at = chart.backend_coord(&(i as f64, y0));
        let t = s.font(11.5).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(g.clone(), (at.0, at.1 + s.px(8.0)), t)).map_err(e)?;
    }
    let width = 0.8 / k as f64;
    for (j, ser) in f.series.iter().enumerate() {
        for (i, v) in ser.values.iter().enumerate().take(n) {
            if !v.value.is_finite() {
                continue;
            }
            let c = if f.color_by_group { palette::series(i) } else { palette::series(j) };
            let x = i as f64 - 0.4 + j as f64 * width;
            let base = 0.0f64.clamp(y0, y1);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + width * 0.06, base), (x + width * 0.94, v.value)],
                    c.filled(),
                )))
                .map_err(e)?;
            if let (Some(lo), Some(hi)) = (v.low, v.high)
                && lo.is_finite()
                && hi.is_finite()
            {
                let mid = x + width / 2.0;
                let cap = width * 0.18;
                let st = palette::BLACK.stroke_width(s.u(1.5));
                chart
                    .draw_series([
                        PathElement::new(vec![(mid, lo), (mid, hi)], st),
                        PathElement::new(vec![(mid - cap, lo), (mid + cap, lo)], st),
                        PathElement::new(vec![(mid - cap, hi), (mid + cap, hi)], st),
                    ])
                    .map_err(e)?;
            }
        }
    }
    for &(i, t) in &thresholds {
        if i >= n {
            continue;
        }
        let (a, b) = (i as f64 - 0.46, i as f64 + 0.46);
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(a, t), (b, t)],
                s.u(6.0),
                s.u(4.0),
                palette::BLACK.stroke_width(s.u(2.0)),
            )))
            .map_err(e)?;
        // The value goes under the group's name, where no bar can hide it.
        let at = chart.backend_coord(&(i as f64, y0));
        let style =
            s.font(10.5).color(&RGBColor(0x44, 0x44, 0x44)).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(
            format!("threshold {}", fmt_num(t)),
            (at.0, at.1 + s.px(23.0)),
            style,
        ))
        .map_err(e)?;
    }
    Ok(())
}

fn draw_hbars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &HBarsFigure,
    s: Style,
) -> Res<()> {
    let mut legend = Vec::new();
    if !f.low_name.is_empty() {
        legend.push((f.low_name.clone(), palette::SKY_BLUE, Mark::Box));
    }
    legend.push((f.high_name.clone(), palette::VERMILLION, Mark::Box));
    let body = header(root, title, "", &legend, s)?;
    let m = f.bars.len().max(1);
    let label_font = s.font(11.0);
    let mut label_w = 0;
    for b in &f.bars {
        label_w = label_w.max(body.estimate_text_size(&b.label, &label_font).map_err(e)?.0);
    }
    let (w, _) = body.dim_in_pixel();
    let label_w = (label_w + s.u(14.0)).min(w * 45 / 100);
    let xs = f.bars.iter().flat_map(|b| [b.low, b.high]).chain(std::iter::once(f.base));
    let (x0, x1) = span(xs, false);
    // The first bar is drawn at the top: the list comes sorted by importance.
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(24.0))
        .x_label_area_size(s.u(44.0))
        .y_label_area_size(label_w)
        .build_cartesian_2d(x0..x1, -0.5..(m as f64 - 0.5))
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(f.x_label.as_str())
        .x_label_formatter(&|v| fmt_num(*v))
        // Row labels are drawn beside each bar, not at the numeric ticks.
        .y_label_formatter(&|_| String::new())
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.45))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    for (r, b) in f.bars.iter().enumerate() {
        let y = (m - 1 - r) as f64;
        let at = chart.backend_coord(&(x0, y));
        let t = label_font.clone().pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(b.label.clone(), (at.0 - s.px(8.0), at.1), t)).map_err(e)?;
        let mut rects = Vec::new();
        if !f.low_name.is_empty() && b.low.is_finite() {
            rects.push(Rectangle::new(
                [(f.base, y - 0.32), (b.low, y + 0.32)],
                palette::SKY_BLUE.filled(),
            ));
        }
        if b.high.is_finite() {
            rects.push(Rectangle::new(
                [(f.base, y - 0.32), (b.high, y + 0.32)],
                palette::VERMILLION.filled(),
            ));
        }
        chart.draw_series(rects).map_err(e)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(f.base, -0.5), (f.base, m as f64 - 0.5)],
            palette::BLACK.stroke_width(s.u(1.0)),
        )))
        .map_err(e)?;
    Ok(())
}

/// Black or white text, whichever reads better on `c`.
fn text_on(c: RGBColor) -> RGBColor {
    let l = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    if l < 120.0 { WHITE } else { palette::BLACK }
}

fn draw_matrix<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &MatrixFigure,
    s: Style,
) -> Res<()> {
    let legend: Vec<_> = f
        .legend
        .iter()
        .map(|(k, name)| (name.clone(), palette::symbiosis_mode(k), Mark::Box))
        .collect();
    let note = "cell: the mode found most often across runs, with the share of runs";
    let body = header(root, title, note, &legend, s)?;
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let font = s.font(11.0);
    let mut label_w = 0;
    for r in &f.rows {
        label_w = label_w.max(body.estimate_text_size(r, &font).map_err(e)?.0 as i32);
    }
    let label_w = (label_w + s.px(16.0)).min(w * 45 / 100);
    let ncols = f.cols.len().max(1) as i32;
    let col_w = (w - label_w - s.px(10.0)) / ncols;
    let head_h = s.px(22.0);
    let row_h = ((h - head_h - s.px(6.0)) / f.rows.len().max(1) as i32).min(s.px(36.0));
    for (c, name) in f.cols.iter().enumerate() {
        let x = label_w + c as i32 * col_w + col_w / 2;
        let t = s.font(11.5).pos(Pos::new(HPos::Center, VPos::Center));
        body.draw(&Text::new(name.clone(), (x, head_h / 2), t)).map_err(e)?;
    }
    for (r, name) in f.rows.iter().enumerate() {
        let y = head_h + r as i32 * row_h;
        let t = font.pos(Pos::new(HPos::Right, VPos::Center));
        body.draw(&Text::new(name.clone(), (label_w - s.px(8.0), y + row_h / 2), t)).map_err(e)?;
        for (c, cell) in f.cells.get(r).into_iter().flatten().enumerate() {
            let x = label_w + c as i32 * col_w;
            let Some(cell) = cell else { continue };
            let color = palette::symbiosis_mode(&cell.key);
            body.draw(&Rectangle::new(
                [(x + s.px(2.0), y + s.px(2.0)), (x + col_w - s.px(2.0), y + row_h - s.px(2.0))],
                color.filled(),
            ))
            .map_err(e)?;
            let tc = text_on(color);
            let t1 = s.font(10.5).color(&tc).pos(Pos::new(HPos::Center, VPos::Center));
            body.draw(&Text::new(
                cell.text.clone(),
                (x + col_w / 2, y + row_h / 2 - s.px(6.0)),
                t1.clone(),
            ))
            .map_err(e)?;
            let share = if cell.detail.is_empty() {
                format!("{:.0}% of runs", cell.share * 100.0)
            } else {
                format!("{} · {:.0}%", cell.detail, cell.share * 100.0)
            };
            body.draw(&Text::new(share, (x + col_w / 2, y + row_h / 2 + s.px(7.0)), t1))
                .map_err(e)?;
        }
    }
    Ok(())
}

/// A point on the quadratic Bezier a-c-b at t, and the tangent there.
fn bezier(a: (f64, f64), c: (f64, f64), b: (f64, f64), t: f64) -> ((f64, f64), (f64, f64)) {
    let u = 1.0 - t;
    let p = (
        u * u * a.0 + 2.0 * u * t * c.0 + t * t * b.0,
        u * u * a.1 + 2.0 * u * t * c.1 + t * t * b.1,
    );
    let d = (
        2.0 * u * (c.0 - a.0) + 2.0 * t * (b.0 - c.0),
        2.0 * u * (c.1 - a.1) + 2.0 * t * (b.1 - c.1),
    );
    (p, d)
}

fn draw_network<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &NetworkFigure,
    s: Style,
) -> Res<()> {
    let legend: Vec<_> = f
        .factors
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), palette::series(i), Mark::Line))
        .collect();
    let note = "edge width: mean flow per run, relative to the largest flow of the same factor";
    let body = header(root, title, note, &legend, s)?;
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let col_x = [w * 0.3, w * 0.7];
    let top = s.k * 40.0;
    let mut pos = vec![(0.0, 0.0); f.nodes.len()];
    for (c, (&cx, name)) in col_x.iter().zip(&f.column_names).enumerate() {
        let ids: Vec<usize> = (0..f.nodes.len()).filter(|&i| f.nodes[i].column == c).collect();
        let step = (h - top - s.k * 20.0) / ids.len().max(1) as f64;
        for (k, &i) in ids.iter().enumerate() {
            pos[i] = (cx, top + step * (k as f64 + 0.5));
        }
        let t = s.font(13.0).pos(Pos::new(HPos::Center, VPos::Center));
        body.draw(&Text::new(name.clone(), (cx as i32, s.px(14.0)), t)).map_err(e)?;
    }
    let max_by_factor = |factor: &str| {
        f.edges.iter().filter(|x| x.factor == factor).map(|x| x.weight).fold(0.0f64, f64::max)
    };
    for ed in &f.edges {
        let fi = f.factors.iter().position(|x| *x == ed.factor).unwrap_or(0);
        let (a, b) = (pos[ed.source], pos[ed.target]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1.0);
        let col = f.nodes[ed.source].column;
        let ctrl = if col == f.nodes[ed.target].column {
            // Within a side: bend towards the middle (the labels are outside), further for the
            // upward edge so that a->b and b->a do not overlap.
            let inward = if col == 0 { 1.0 } else { -1.0 };
            let up = if b.1 < a.1 { 1.8 } else { 1.0 };
            let bend = s.k * (40.0 + 10.0 * fi as f64) * up;
            ((a.0 + b.0) / 2.0 + inward * bend, (a.1 + b.1) / 2.0)
        } else {
            // The perpendicular flips with the direction, so a->b and b->a bend to opposite sides.
            let bend = s.k * (10.0 + 9.0 * fi as f64);
            ((a.0 + b.0) / 2.0 - dy / len * bend, (a.1 + b.1) / 2.0 + dx / len * bend)
        };
        let max = max_by_factor(&ed.factor);
        let rel = if max > 0.0 { ed.weight / max } else { 0.0 };
        let width = s.k * (1.0 + 7.0 * rel);
        let color = palette::series(fi);
        let pts: Vec<(i32, i32)> = (0..=24)
            .map(|i| bezier(a, ctrl, b, f64::from(i) / 24.0).0)
            .map(|p| (p.0 as i32, p.1 as i32))
            .collect();
        body.draw(&PathElement::new(
            pts,
            color.mix(0.8).stroke_width(width.round().max(1.0) as u32),
        ))
        .map_err(e)?;
        // An arrowhead on the middle of the edge shows the direction without hiding the nodes.
        let (p, d) = bezier(a, ctrl, b, 0.55);
        let dl = d.0.hypot(d.1).max(1e-9);
        let (ux, uy) = (d.0 / dl, d.1 / dl);
        let size = s.k * 5.0 + width;
        let tip = (p.0 + ux * size, p.1 + uy * size);
        let l = (p.0 - ux * size * 0.6 - uy * size * 0.7, p.1 - uy * size * 0.6 + ux * size * 0.7);
        let r = (p.0 - ux * size * 0.6 + uy * size * 0.7, p.1 - uy * size * 0.6 - ux * size * 0.7);
        let tri: Vec<(i32, i32)> = [tip, l, r].iter().map(|q| (q.0 as i32, q.1 as i32)).collect();
        body.draw(&Polygon::new(tri, color.filled())).map_err(e)?;
    }
    for (i, nd) in f.nodes.iter().enumerate() {
        let p = (pos[i].0 as i32, pos[i].1 as i32);
        body.draw(&Circle::new(p, s.u(7.0), WHITE.filled())).map_err(e)?;
        body.draw(&Circle::new(p, s.u(7.0), palette::BLACK.stroke_width(s.u(2.0)))).map_err(e)?;
        let (anchor, x) = if nd.column == 0 {
            (HPos::Right, p.0 - s.px(12.0))
        } else {
            (HPos::Left, p.0 + s.px(12.0))
        };
        let t = s.font(12.0).pos(Pos::new(anchor, VPos::Center));
        body.draw(&Text::new(nd.label.clone(), (x, p.1), t)).map_err(e)?;
    }
    Ok(())
}

fn draw_phase<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &PhaseFigure,
    s: Style,
) -> Res<()> {
    let field_color = RGBColor(0x88, 0x88, 0x88);
    let mut legend = vec![("direction field".to_string(), field_color, Mark::Line)];
    for (i, l) in f.nullclines.iter().enumerate() {
        legend.push((l.name.clone(), palette::series(i), Mark::Line));
    }
    for l in &f.trajectories {
        legend.push((l.name.clone(), palette::BLACK, Mark::Line));
    }
    if f.equilibria.iter().any(|q| q.stable) {
        legend.push(("stable equilibrium".into(), palette::BLACK, Mark::Dot));
    }
    if f.equilibria.iter().any(|q| !q.stable) {
        legend.push(("unstable equilibrium".into(), palette::BLACK, Mark::Hollow));
    }
    let body = header(root, title, "", &legend, s)?;
    let (x0, x1) = f.x_range;
    let (y0, y1) = f.y_range;
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(24.0))
        .x_label_area_size(s.u(44.0))
        .y_label_area_size(s.u(70.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(f.x_label.as_str())
        .y_desc(f.y_label.as_str())
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.35))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    let (xs, ys) = (x1 - x0, y1 - y0);
    let seg = 0.035;
    let mut arrows = Vec::new();
    for a in &f.field {
        let (ux, uy) = (a.dx / xs, a.dy / ys);
        let n = ux.hypot(uy);
        if !(n.is_finite() && n > 0.0) {
            continue;
        }
        let (ux, uy) = (ux / n * seg, uy / n * seg);
        let end = (a.x + ux * xs, a.y + uy * ys);
        // The head: two short strokes back from the end, at ±30 degrees, in axis-relative units.
        let (c, sn) = (0.866, 0.5);
        let h = 0.35;
        let b1 = (end.0 - h * (c * ux - sn * uy) * xs, end.1 - h * (sn * ux + c * uy) * ys);
        let b2 = (end.0 - h * (c * ux + sn * uy) * xs, end.1 - h * (-sn * ux + c * uy) * ys);
        let st = field_color.stroke_width(s.u(1.0));
        arrows.push(PathElement::new(vec![(a.x, a.y), end], st));
        arrows.push(PathElement::new(vec![b1, end, b2], st));
    }
    chart.draw_series(arrows).map_err(e)?;
    for (i, l) in f.nullclines.iter().enumerate() {
        let pts: Vec<_> =
            l.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        chart
            .draw_series(LineSeries::new(pts, palette::series(i).stroke_width(s.u(2.5))))
            .map_err(e)?;
    }
    for l in &f.trajectories {
        let pts: Vec<_> =
            l.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        chart
            .draw_series(LineSeries::new(pts, palette::BLACK.stroke_width(s.u(1.5))))
            .map_err(e)?;
    }
    for q in &f.equilibria {
        if !(q.x.is_finite() && q.y.is_finite()) {
            continue;
        }
        let r = s.u(6.0);
        if q.stable {
            chart
                .draw_series(std::iter::once(Circle::new((q.x, q.y), r, palette::BLACK.filled())))
                .map_err(e)?;
        } else {
            chart
                .draw_series(std::iter::once(Circle::new((q.x, q.y), r, WHITE.filled())))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (q.x, q.y),
                    r,
                    palette::BLACK.stroke_width(s.u(2.0)),
                )))
                .map_err(e)?;
        }
        let t = s.font(11.0).pos(Pos::new(HPos::Left, VPos::Bottom));
        let at = chart.backend_coord(&(q.x, q.y));
        root.draw(&Text::new(q.label.clone(), (at.0 + s.px(8.0), at.1 - s.px(6.0)), t))
            .map_err(e)?;
    }
    Ok(())
}

fn draw_hist<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &HistFigure,
    s: Style,
) -> Res<()> {
    let legend = vec![
        ("bootstrap draws".to_string(), palette::SKY_BLUE, Mark::Box),
        ("point estimate".to_string(), palette::BLACK, Mark::Line),
        ("2.5% and 97.5% of draws".to_string(), palette::VERMILLION, Mark::Line),
    ];
    let body = header(root, title, "", &legend, s)?;
    let k = f.panels.len().max(1);
    let areas = body.split_evenly((1, k));
    for (p, area) in f.panels.iter().zip(areas.iter()) {
        let mut draws: Vec<f64> = p.draws.iter().copied().filter(|v| v.is_finite()).collect();
        draws.sort_by(f64::total_cmp);
        let (lo, hi) = span(draws.iter().copied().chain(std::iter::once(p.estimate)), false);
        let bins = ((draws.len() as f64).sqrt().round() as usize).clamp(5, 30);
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0u32; bins];
        for v in &draws {
            let b = (((v - lo) / width) as usize).min(bins - 1);
            counts[b] += 1;
        }
        let top = f64::from(counts.iter().copied().max().unwrap_or(1).max(1)) * 1.1;
        let mut chart = ChartBuilder::on(area)
            .margin(s.u(8.0))
            .x_label_area_size(s.u(40.0))
            .y_label_area_size(s.u(44.0))
            .build_cartesian_2d(lo..hi, 0.0..top)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(p.name.as_str())
            .y_desc("draws")
            .x_labels(4)
            .y_labels(5)
            .x_label_formatter(&|v| fmt_num(*v))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(s.font(10.5))
            .axis_desc_style(s.font(12.0))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GREY.mix(0.35))
            .axis_style(axis_color())
            .draw()
            .map_err(e)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(b, &c)| {
                let x = lo + b as f64 * width;
                Rectangle::new([(x, 0.0), (x + width, f64::from(c))], palette::SKY_BLUE.filled())
            }))
            .map_err(e)?;
        let q = |f: f64| {
            draws.get(((draws.len().saturating_sub(1)) as f64 * f).round() as usize).copied()
        };
        let mut marks = Vec::new();
        for v in [q(0.025), q(0.975)].into_iter().flatten() {
            marks.push(PathElement::new(
                vec![(v, 0.0), (v, top)],
                palette::VERMILLION.stroke_width(s.u(1.5)),
            ));
        }
        if p.estimate.is_finite() {
            marks.push(PathElement::new(
                vec![(p.estimate, 0.0), (p.estimate, top)],
                palette::BLACK.stroke_width(s.u(2.0)),
            ));
        }
        chart.draw_series(marks).map_err(e)?;
    }
    Ok(())
}

fn draw_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &ScatterFigure,
    s: Style,
) -> Res<()> {
    let mut groups: Vec<usize> = f.points.iter().map(|p| p.group).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut legend: Vec<_> = groups
        .iter()
        .map(|&g| (format!("{g} {}", f.group_label), palette::series(g), Mark::Dot))
        .collect();
    if f.points.iter().any(|p| p.marked) {
        legend.push(("chosen".to_string(), palette::BLACK, Mark::Hollow));
    }
    let body = header(root, title, "", &legend, s)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(24.0))
        .x_label_area_size(s.u(44.0))
        .y_label_area_size(s.u(60.0))
        .build_cartesian_2d(0.0..1.02, 0.0..1.02)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(f.x_label.as_str())
        .y_desc(f.y_label.as_str())
        .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.45))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    let pts: Vec<&ScatterPoint> =
        f.points.iter().filter(|p| p.x.is_finite() && p.y.is_finite()).collect();
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new((p.x, p.y), s.u(4.0), palette::series(p.group).filled())),
        )
        .map_err(e)?;
    chart
        .draw_series(
            pts.iter()
                .filter(|p| p.marked)
                .map(|p| Circle::new((p.x, p.y), s.u(9.0), palette::BLACK.stroke_width(s.u(2.0)))),
        )
        .map_err(e)?;
    Ok(())
}

fn draw_ranges<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    f: &RangesFigure,
    s: Style,
) -> Res<()> {
    let legend = vec![
        ("range in the sweep".to_string(), palette::GREY, Mark::Line),
        ("the box".to_string(), palette::BLUE, Mark::Box),
    ];
    let body = header(root, title, "", &legend, s)?;
    let m = f.rows.len().max(1);
    let label_font = s.font(11.0);
    let mut label_w = 0;
    for r in &f.rows {
        label_w = label_w.max(body.estimate_text_size(&r.label, &label_font).map_err(e)?.0);
    }
    let (w, _) = body.dim_in_pixel();
    let label_w = (label_w + s.u(14.0)).min(w * 40 / 100);
    let mut chart = ChartBuilder::on(&body)
        .margin(s.u(8.0))
        .margin_right(s.u(24.0))
        .x_label_area_size(s.u(40.0))
        .y_label_area_size(label_w)
        .build_cartesian_2d(-0.02..1.02, -0.5..(m as f64 - 0.5))
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(f.x_label.as_str())
        .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_label_formatter(&|_| String::new())
        .label_style(s.font(11.0))
        .axis_desc_style(s.font(12.0))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GREY.mix(0.45))
        .axis_style(axis_color())
        .draw()
        .map_err(e)?;
    for (i, r) in f.rows.iter().enumerate() {
        let y = (m - 1 - i) as f64;
        let at = chart.backend_coord(&(-0.02, y));
        let t = label_font.clone().pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(r.label.clone(), (at.0 - s.px(8.0), at.1), t)).map_err(e)?;
        chart
            .draw_series([PathElement::new(
                vec![(0.0, y), (1.0, y)],
                palette::GREY.stroke_width(s.u(3.0)),
            )])
            .map_err(e)?;
        if r.low.is_finite() && r.high.is_finite() {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(r.low.clamp(0.0, 1.0), y - 0.25), (r.high.clamp(0.0, 1.0), y + 0.25)],
                    palette::BLUE.filled(),
                )))
                .map_err(e)?;
        }
        let tp = chart.backend_coord(&(0.5, y + 0.3));
        let t = s.font(10.5).pos(Pos::new(HPos::Center, VPos::Bottom));
        root.draw(&Text::new(r.text.clone(), tp, t)).map_err(e)?;
    }
    Ok(())
}

/// A structural summary of an SVG document: how many elements of each kind it has (in order of
/// first appearance) and the texts it shows. Golden tests compare this rather than raw SVG,
/// which would change with every pixel.
pub fn svg_outline(svg: &str) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('/') || rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end =
            rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
        let name = rest[..end].to_string();
        if name == "text"
            && let Some(gt) = rest.find('>')
            && let Some(close) = rest[gt..].find("</text>")
        {
            texts.push(rest[gt + 1..gt + close].trim().to_string());
        }
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name, 1)),
        }
    }
    let mut out: String = counts.iter().map(|(n, c)| format!("{n}: {c}\n")).collect();
    out.push_str("texts: ");
    out.push_str(&texts.join(" | "));
    out.push('\n');
    out
}
