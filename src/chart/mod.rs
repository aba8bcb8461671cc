#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! Chart data → SVG with plotters. Layout is done in pixels here (label
//! widths measured with the bundled Korean font), so long Korean labels are
//! never clipped and bars never overlap their labels.

mod bars;
mod diagram;
mod table;

pub use table::data_table;

use crate::model::chart::{ChartData, ChartKind, PanelData};
use crate::numfmt::format_fixed;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::sync::Once;

pub const FONT_FAMILY: &str = "NanumSquare";
pub static FONT_REGULAR: &[u8] = crate::fonts::NANUM_SQUARE_R;
pub static FONT_BOLD: &[u8] = crate::fonts::NANUM_SQUARE_B;

/// Colours ordered so that neighbours differ in lightness (grayscale print).
const PALETTE: [&str; 6] = [
    "#1f4e79", "#9dc3e6", "#7f7f7f", "#d9d9d9", "#c55a11", "#f4b183",
];

static REGISTER: Once = Once::new();

fn register_fonts() {
    REGISTER.call_once(|| {
        // The bytes are the bundled font; a failure would be a broken build
        // artefact, and text then falls back to the backend's default.
        let _ = plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR);
        let _ = plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD);
    });
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type R<T> = Result<T, String>;

fn err_text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn font(size: f64) -> FontDesc<'static> {
    (FONT_FAMILY, px(size)).into_font()
}

/// A panel's title, bold, at the left above its plot.
fn panel_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: Option<&str>,
    top: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some(t) = title else { return Ok(()) };
    root.draw(&Text::new(
        t.to_string(),
        (20, top + 6),
        font(15.0)
            .style(FontStyle::Bold)
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
}

/// Horizontal grid lines at every step of a vertical axis, with their values
/// at the left of the plot.
fn y_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    (x0, x1): (i32, i32),
    (min, max, step): (f64, f64, f64),
    sy: &dyn Fn(f64) -> i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let grid = RGBColor(220, 220, 220);
    let mut v = min;
    while v <= max + step * 0.01 {
        let y = sy(v);
        root.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            grid.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            fmt(v, tick_dp(step)),
            (x0 - 6, y),
            font(11.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        v += step;
    }
    Ok(())
}

/// plotters writes font sizes scaled by 1/1.24; this gives the pixel size asked for.
fn px(size: f64) -> f64 {
    size * 1.24
}

fn parse_hex(c: &str) -> RGBColor {
    let h = c.trim_start_matches('#');
    let v = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    RGBColor(v(0), v(2), v(4))
}

/// A step of 1, 2, 2.5 or 5 × 10^k giving about five ticks.
pub fn nice_step(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    let m = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 2.5 {
        2.5
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// Decimals that show a tick step exactly (0.25 → 2, 2.5 → 1, 20 → 0).
fn tick_dp(step: f64) -> u32 {
    (0..4)
        .find(|&dp| {
            ((step * 10f64.powi(dp as i32)).round() - step * 10f64.powi(dp as i32)).abs() < 1e-9
        })
        .unwrap_or(3)
}

fn fmt(v: f64, dp: u32) -> String {
    Decimal::from_f64(v).map_or_else(|| format!("{v:.2}"), |d| format_fixed(d, dp))
}

const W: i32 = 880;
const BAR_H: i32 = 15;
const BAND_GAP: i32 = 12;
const PANEL_TITLE_H: i32 = 26;
const AXIS_H: i32 = 44;

struct Stacks {
    names: Vec<String>,
}

fn stacks(p: &PanelData) -> Stacks {
    let mut names: Vec<String> = Vec::new();
    for s in &p.series {
        if !names.contains(&s.stack) {
            names.push(s.stack.clone());
        }
    }
    Stacks { names }
}

fn panel_height(p: &PanelData, ncat: usize) -> i32 {
    let st = stacks(p).names.len().max(1) as i32;
    PANEL_TITLE_H + ncat as i32 * (st * BAR_H + BAND_GAP) + AXIS_H
}

/// Renders a chart to an SVG string with `<title>` and `<desc>`.
pub fn render_svg(c: &ChartData) -> Result<String, String> {
    register_fonts();
    match c.kind {
        ChartKind::HBar => hbar(c),
        ChartKind::Line => line(c),
        ChartKind::Scatter => scatter(c),
        ChartKind::Bar => bars::bar(c),
        ChartKind::Pie => bars::pie(c),
        ChartKind::Roadmap | ChartKind::Steps | ChartKind::Path => diagram::render(c),
    }
}

fn hbar(c: &ChartData) -> Result<String, String> {
    let ncat = c.categories.len();
    let title_h = 40;
    let entries = bars::legend_entries(c);
    let legend_h = {
        let mut scratch = String::new();
        let root = SVGBackend::with_string(&mut scratch, (W as u32, 100)).into_drawing_area();
        bars::legend(&root, &entries, 0)?
    };
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let h =
        title_h + legend_h + c.panels.iter().map(|p| panel_height(p, ncat)).sum::<i32>() + source_h;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, h as u32)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        bars::title(&root, &c.title)?;
        // Every series of every panel, once: panels may show different measures.
        bars::legend(&root, &entries, title_h)?;

        // Category labels share one width across panels so bars line up.
        let mut label_w = 0;
        for cat in &c.categories {
            let (tw, _) = root
                .estimate_text_size(cat, &font(13.0).into_text_style(&root))
                .map_err(e)?;
            label_w = label_w.max(tw as i32);
        }
        let label_w = label_w.min(340);
        let x0 = 20 + label_w + 12;
        let x1 = W - 80;

        let mut top = title_h + legend_h;
        for p in &c.panels {
            let ph = panel_height(p, ncat);
            draw_panel(&root, c, p, top, x0, x1, label_w).map_err(e)?;
            top += ph;
        }
        draw_source(&root, c.source.as_deref(), h).map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(add_title_desc(&svg, c))
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    c: &ChartData,
    p: &PanelData,
    top: i32,
    x0: i32,
    x1: i32,
    label_w: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let categories = &c.categories;
    let st = stacks(p);
    let nst = st.names.len().max(1) as i32;
    // Largest stacked total decides the scale; negatives are drawn from 0 too.
    let mut max = 0f64;
    for ci in 0..categories.len() {
        for name in &st.names {
            let total: f64 = p
                .series
                .iter()
                .filter(|s| &s.stack == name)
                .filter_map(|s| s.values[ci])
                .filter(|v| *v > 0.0)
                .sum();
            max = max.max(total);
        }
    }
    let step = nice_step(max);
    let axis_max = ((max / step).ceil().max(1.0)) * step;
    let sx = |v: f64| x0 + ((v / axis_max) * (x1 - x0) as f64).round() as i32;

    panel_title(root, p.title.as_deref(), top)?;
    let plot_top = top + PANEL_TITLE_H;
    let band = nst * BAR_H + BAND_GAP;
    let plot_bottom = plot_top + categories.len() as i32 * band;

    // Grid lines and ticks.
    let grid = RGBColor(220, 220, 220);
    let mut v = 0.0;
    while v <= axis_max + step * 0.01 {
        let x = sx(v);
        root.draw(&PathElement::new(
            vec![(x, plot_top), (x, plot_bottom)],
            grid.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            fmt(v, tick_dp(step)),
            (x, plot_bottom + 4),
            font(11.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        v += step;
    }
    root.draw(&PathElement::new(
        vec![(x0, plot_top), (x0, plot_bottom)],
        BLACK.stroke_width(1),
    ))?;
    if let Some(vl) = &p.value_label {
        root.draw(&Text::new(
            vl.clone(),
            ((x0 + x1) / 2, plot_bottom + 22),
            font(12.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }

    for (ci, cat) in categories.iter().enumerate() {
        let band_top = plot_top + ci as i32 * band + BAND_GAP / 2;
        let label = truncate_to(root, cat, label_w);
        root.draw(&Text::new(
            label,
            (x0 - 8, band_top + nst * BAR_H / 2),
            font(13.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        for (si, name) in st.names.iter().enumerate() {
            let y0 = band_top + si as i32 * BAR_H;
            let mut acc = 0f64;
            let mut any = false;
            for s in &p.series {
                if &s.stack != name {
                    continue;
                }
                let Some(val) = s.values[ci] else { continue };
                any = true;
                let (color, _) = bars::style_of(c, s);
                let (a, b) = (sx(acc.max(0.0)), sx((acc + val).max(0.0)));
                if b > a {
                    root.draw(&Rectangle::new(
                        [(a, y0 + 1), (b, y0 + BAR_H - 1)],
                        color.filled(),
                    ))?;
                    root.draw(&Rectangle::new(
                        [(a, y0 + 1), (b, y0 + BAR_H - 1)],
                        RGBColor(60, 60, 60).stroke_width(1),
                    ))?;
                }
                acc += val;
            }
            let text = if any {
                fmt(acc, p.decimals)
            } else {
                "-".to_string()
            };
            root.draw(&Text::new(
                text,
                (sx(acc.max(0.0)) + 4, y0 + BAR_H / 2),
                font(11.0)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    Ok(())
}

/// The `* 자료:` line at the foot of a chart.
fn draw_source<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    source: Option<&str>,
    h: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some(src) = source else { return Ok(()) };
    let style = (FONT_FAMILY, px(12.0))
        .into_font()
        .color(&RGBColor(64, 64, 64))
        .pos(Pos::new(HPos::Left, VPos::Top));
    root.draw(&Text::new(src.to_string(), (20, h - 18), style))
}

/// Points by group with the threshold lines that define the groups.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn scatter(c: &ChartData) -> Result<String, String> {
    let data = c.scatter.clone().unwrap_or_default();
    let (w, h) = (W, 620);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w as u32, h as u32)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let font = |size: f64| (FONT_FAMILY, px(size)).into_font();
        let (min_x, max_x) = data
            .points
            .iter()
            .fold((0.0f64, 0.01f64), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
        // Room for the quadrant names and point labels at the far edge.
        let th_x = data.thresholds.iter().map(|t| t.1).fold(0.0, f64::max);
        let th_y = data.thresholds.iter().map(|t| t.2).fold(0.0, f64::max);
        let max_x = max_x.max(th_x) * if data.named { 1.15 } else { 1.05 };
        let (min_y, max_y) = data
            .points
            .iter()
            .fold((0.0f64, 0.01f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        let max_y = max_y.max(th_y);
        let pad = (max_y - min_y) * if data.named { 0.12 } else { 0.05 };
        let mut chart = ChartBuilder::on(&root)
            .caption(c.title.clone(), font(18.0).style(FontStyle::Bold))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(min_x..max_x, (min_y - pad)..(max_y + pad))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(data.x_label.clone())
            .y_desc(data.y_label.clone())
            .axis_desc_style(font(13.0))
            .label_style(font(11.0))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(e)?;
        // Fixed styles by group so that A/B/C look the same in every chart;
        // the rest (no group) is light gray.
        let styles = [("A", "#1f4e79"), ("B", "#c55a11"), ("C", "#548235")];
        if data.named {
            named_points(
                &mut chart,
                &data,
                (min_x, max_x),
                (min_y - pad, max_y + pad),
            )
            .map_err(e)?;
            root.present().map_err(e)?;
        } else {
            let mut groups: Vec<String> = Vec::new();
            for p in &data.points {
                if !groups.contains(&p.2) {
                    groups.push(p.2.clone());
                }
            }
            groups.sort_by_key(|g| {
                styles
                    .iter()
                    .position(|(n, _)| n == g)
                    .unwrap_or(styles.len())
            });
            for g in &groups {
                let idx = styles.iter().position(|(n, _)| n == g);
                let color = parse_hex(idx.map_or("#bfbfbf", |i| styles[i].1));
                let shape = idx.unwrap_or(3);
                let pts: Vec<(f64, f64)> = data
                    .points
                    .iter()
                    .filter(|p| &p.2 == g)
                    .map(|p| (p.0, p.1))
                    .collect();
                let marker = move |p: (f64, f64)| -> DynElement<'static, _, (f64, f64)> {
                    match shape {
                        0 => Circle::new(p, 5, color.filled()).into_dyn(),
                        1 => TriangleMarker::new(p, 6, color.filled()).into_dyn(),
                        2 => Cross::new(p, 5, color.stroke_width(2)).into_dyn(),
                        _ => Circle::new(p, 3, color.filled()).into_dyn(),
                    }
                };
                chart
                    .draw_series(pts.iter().map(|&p| marker(p)))
                    .map_err(e)?
                    .label(format!("{g} ({})", pts.len()))
                    .legend(move |(x, y)| match shape {
                        0 => Circle::new((x + 6, y), 5, color.filled()).into_dyn(),
                        1 => TriangleMarker::new((x + 6, y), 6, color.filled()).into_dyn(),
                        2 => Cross::new((x + 6, y), 5, color.stroke_width(2)).into_dyn(),
                        _ => Circle::new((x + 6, y), 3, color.filled()).into_dyn(),
                    });
            }
            for (label, tx, ty) in &data.thresholds {
                let gray = RGBColor(90, 90, 90);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(*tx, min_y - pad), (*tx, max_y + pad)],
                        gray.stroke_width(1),
                    )))
                    .map_err(e)?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(min_x, *ty), (max_x, *ty)],
                        gray.stroke_width(1),
                    )))
                    .map_err(e)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        label.clone(),
                        (*tx, max_y + pad * 0.4),
                        font(12.0).color(&gray),
                    )))
                    .map_err(e)?;
            }
            chart
                .configure_series_labels()
                .label_font(font(12.0))
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(e)?;
            root.present().map_err(e)?;
        }
    }
    Ok(add_title_desc(&svg, c))
}

type Scatter2d<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Named points (rows of a table), each labelled, with the threshold lines
/// and the quadrants' names in their corners.
fn named_points(
    chart: &mut Scatter2d,
    data: &crate::model::chart::ScatterData,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let font = |size: f64| (FONT_FAMILY, px(size)).into_font();
    let gray = RGBColor(90, 90, 90);
    for (_, tx, ty) in &data.thresholds {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*tx, y0), (*tx, y1)],
            gray.stroke_width(1),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x0, *ty), (x1, *ty)],
            gray.stroke_width(1),
        )))?;
    }
    if data.quadrants.len() == 4 {
        let (dx, dy) = ((x1 - x0) * 0.02, (y1 - y0) * 0.03);
        let spots = [
            ((x0 + dx, y1 - dy), HPos::Left, VPos::Top),
            ((x1 - dx, y1 - dy), HPos::Right, VPos::Top),
            ((x0 + dx, y0 + dy), HPos::Left, VPos::Bottom),
            ((x1 - dx, y0 + dy), HPos::Right, VPos::Bottom),
        ];
        for (q, (at, h, v)) in data.quadrants.iter().zip(spots) {
            chart.draw_series(std::iter::once(Text::new(
                q.clone(),
                at,
                font(14.0)
                    .style(FontStyle::Bold)
                    .color(&RGBColor(150, 150, 150))
                    .pos(Pos::new(h, v)),
            )))?;
        }
    }
    let color = parse_hex(PALETTE[0]);
    for (x, y, name) in &data.points {
        // Composed in pixels from the point, so the name clears the marker.
        chart.draw_series(std::iter::once(
            EmptyElement::at((*x, *y))
                + Circle::new((0, 0), 5, color.filled())
                + Text::new(
                    name.clone(),
                    (7, -3),
                    font(12.0)
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Bottom)),
                ),
        ))?;
    }
    Ok(())
}

const LINE_PANEL_H: i32 = 300;

/// Lines with markers; marker shapes differ by series so that the lines stay
/// apart in grayscale print.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn line(c: &ChartData) -> Result<String, String> {
    let title_h = 40;
    let legend_h = 30;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let h = title_h + legend_h + c.panels.len() as i32 * LINE_PANEL_H + source_h;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, h as u32)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let font = |size: f64| (FONT_FAMILY, px(size)).into_font();
        root.draw(&Text::new(
            c.title.clone(),
            (W / 2, 12),
            font(18.0)
                .style(FontStyle::Bold)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(e)?;
        // Legend.
        let mut x = 20;
        let y = title_h + 6;
        for (i, s) in c
            .panels
            .first()
            .map(|p| p.series.as_slice())
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let color = parse_hex(s.color.as_deref().unwrap_or(PALETTE[i % PALETTE.len()]));
            root.draw(&PathElement::new(
                vec![(x, y + 8), (x + 24, y + 8)],
                color.stroke_width(2),
            ))
            .map_err(e)?;
            marker(&root, i, (x + 12, y + 8), color).map_err(e)?;
            root.draw(&Text::new(
                s.label.clone(),
                (x + 30, y + 8),
                font(13.0)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
            let (tw, _) = root
                .estimate_text_size(&s.label, &font(13.0).into_text_style(&root))
                .map_err(e)?;
            x += 30 + tw as i32 + 22;
        }
        let mut top = title_h + legend_h;
        for p in &c.panels {
            draw_line_panel(&root, p, &c.categories, top).map_err(e)?;
            top += LINE_PANEL_H;
        }
        draw_source(&root, c.source.as_deref(), h).map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(add_title_desc(&svg, c))
}

fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    i: usize,
    (x, y): (i32, i32),
    color: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    match i % 3 {
        0 => root.draw(&Circle::new((x, y), 4, color.filled())),
        1 => root.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            color.filled(),
        )),
        _ => root.draw(&Polygon::new(
            vec![(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)],
            color.filled(),
        )),
    }
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn draw_line_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    p: &PanelData,
    xs: &[String],
    top: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = |size: f64| (FONT_FAMILY, px(size)).into_font();
    panel_title(root, p.title.as_deref(), top)?;
    let (x0, x1) = (80, W - 40);
    let (y_top, y_bot) = (top + PANEL_TITLE_H + 10, top + LINE_PANEL_H - AXIS_H);
    let max = p
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0f64, |a, &b| a.max(b));
    let step = nice_step(max);
    let axis_max = ((max / step).ceil().max(1.0)) * step;
    let sy = |v: f64| y_bot - ((v / axis_max) * (y_bot - y_top) as f64).round() as i32;
    let n = xs.len().max(1) as i32;
    let sx = |i: usize| x0 + ((x1 - x0) * (2 * i as i32 + 1)) / (2 * n);
    y_grid(root, (x0, x1), (0.0, axis_max, step), &sy)?;
    root.draw(&PathElement::new(
        vec![(x0, y_bot), (x1, y_bot)],
        BLACK.stroke_width(1),
    ))?;
    for (i, x) in xs.iter().enumerate() {
        root.draw(&Text::new(
            x.clone(),
            (sx(i), y_bot + 6),
            font(12.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    if let Some(vl) = &p.value_label {
        root.draw(&Text::new(
            format!("(단위: {vl})"),
            (x1, top + 8),
            font(12.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
    }
    for (si, s) in p.series.iter().enumerate() {
        let color = parse_hex(s.color.as_deref().unwrap_or(PALETTE[si % PALETTE.len()]));
        // Consecutive known points are joined; a gap ("-") breaks the line.
        let mut run: Vec<(i32, i32)> = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => run.push((sx(i), sy(*v))),
                None => {
                    if run.len() > 1 {
                        root.draw(&PathElement::new(run.clone(), color.stroke_width(2)))?;
                    }
                    run.clear();
                }
            }
        }
        if run.len() > 1 {
            root.draw(&PathElement::new(run, color.stroke_width(2)))?;
        }
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let pt = (sx(i), sy(*v));
            marker(root, si, pt, color)?;
            // The highest point at an x is labelled above, the others below,
            // so two close series never write over each other.
            let top = p
                .series
                .iter()
                .enumerate()
                .filter_map(|(k, o)| o.values.get(i).copied().flatten().map(|w| (k, w)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(k, _)| k);
            let (dy, vpos) = if top == Some(si) {
                (-8, VPos::Bottom)
            } else {
                (8, VPos::Top)
            };
            root.draw(&Text::new(
                fmt(*v, p.decimals),
                (pt.0, pt.1 + dy),
                font(11.0).color(&color).pos(Pos::new(HPos::Center, vpos)),
            ))?;
        }
    }
    Ok(())
}

/// Shortens a label with … when it is wider than the label column.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn truncate_to<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    s: &str,
    max_w: i32,
) -> String {
    let font = (FONT_FAMILY, px(13.0)).into_font();
    let fits = |t: &str| {
        root.estimate_text_size(t, &font.clone().into_text_style(root))
            .map(|(w, _)| w as i32 <= max_w)
            .unwrap_or(true)
    };
    if fits(s) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for n in (1..chars.len()).rev() {
        let t: String = chars[..n].iter().collect::<String>() + "…";
        if fits(&t) {
            return t;
        }
    }
    s.to_string()
}

/// Adds an accessible name and a text description listing the data.
/// The smallest labels, in CSS px, that a chart may show: on a phone a
/// chart gets at least the width at which its smallest label is this big,
/// and scrolls sideways in its own box.
pub const MIN_LABEL_PX: f64 = 10.0;

/// The width (CSS px) at which the smallest `font-size` of `svg` shows as
/// [`MIN_LABEL_PX`]: its `width` scaled by that ratio, rounded up. None
/// when the drawing has no width or no sized text.
pub fn readable_width(svg: &str) -> Option<u32> {
    let open = svg.get(svg.find("<svg")?..)?;
    let open = open.get(..open.find('>')?)?;
    let width: f64 = number_after(open, " width=\"")?;
    let mut smallest = f64::INFINITY;
    let mut rest = svg;
    while let Some(at) = rest.find("font-size=\"") {
        rest = rest.get(at + 11..).unwrap_or_default();
        if let Some(v) = number_after(rest, "") {
            smallest = smallest.min(v);
        }
    }
    if !smallest.is_finite() || smallest <= 0.0 {
        return None;
    }
    let w = (width * MIN_LABEL_PX / smallest).ceil();
    (w.is_finite() && w > 0.0 && w < f64::from(u16::MAX)).then_some(w as u32)
}

fn number_after(s: &str, key: &str) -> Option<f64> {
    let from = s.get(s.find(key)? + key.len()..)?;
    let end = from.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    from.get(..end)?.parse().ok()
}

fn add_title_desc(svg: &str, c: &ChartData) -> String {
    let mut desc = String::new();
    if let Some(s) = &c.scatter {
        desc.push_str(&format!(
            "{} 대 {}, {}개 기업. ",
            s.x_label,
            s.y_label,
            s.points.len()
        ));
        for (l, x, y) in &s.thresholds {
            desc.push_str(&format!(
                "{l} 기준선: {} {x:.3}, {} {y:.3}. ",
                s.x_label, s.y_label
            ));
        }
    }
    if c.kind.is_diagram() {
        let (_, rows) = data_table(c);
        for r in rows {
            let cells: Vec<&str> = r
                .iter()
                .map(String::as_str)
                .filter(|x| !x.is_empty())
                .collect();
            desc.push_str(&cells.join(" "));
            desc.push_str(". ");
        }
    }
    for p in &c.panels {
        if let Some(t) = &p.title {
            desc.push_str(t);
            desc.push_str(": ");
        }
        for s in &p.series {
            let vals: Vec<String> = bars::cats(c, p)
                .iter()
                .zip(&s.values)
                .enumerate()
                .map(|(i, (cat, v))| match v {
                    None if s.to_supply(i) => format!("{cat} {}", crate::edition::TO_SUPPLY),
                    v => format!("{cat} {}", v.map_or("-".into(), |v| fmt(v, p.decimals))),
                })
                .collect();
            desc.push_str(&format!("{} — {}. ", s.label, vals.join(", ")));
        }
    }
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    // Plotters escapes the text it draws; this is the one part written here.
    use crate::render::escape::{html_attr, html_text, token};
    let id = html_attr(&token(&c.id));
    format!(
        "{} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        &svg[..end],
        html_text(&c.title),
        html_text(desc.trim()),
        &svg[end + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chart::SeriesData;

    fn sample() -> ChartData {
        ChartData {
            id: "t".into(),
            title: "사업별 예산".into(),
            kind: ChartKind::HBar,
            categories: vec!["잠재기업".into(), "시군구연고산업육성".into()],
            source: Some("* 자료: 예산투자계획".into()),
            panels: vec![PanelData {
                categories: vec![],
                title: Some("예산".into()),
                value_label: Some("억원".into()),
                decimals: 2,
                series: vec![
                    SeriesData {
                        label: "국비".into(),
                        stack: "'25".into(),
                        color: None,
                        values: vec![Some(8.21), Some(41.05)],
                        supply: Vec::new(),
                        right: false,
                        line: false,
                    },
                    SeriesData {
                        label: "지방비".into(),
                        stack: "'25".into(),
                        color: None,
                        values: vec![Some(0.79), None],
                        supply: Vec::new(),
                        right: false,
                        line: false,
                    },
                ],
            }],
            tables: vec![],
            scatter: None,
            ..ChartData::new("", "", ChartKind::HBar)
        }
    }

    #[test]
    fn svg_has_korean_labels_title_desc_and_no_nan() {
        let svg = render_svg(&sample()).expect("renders");
        assert!(svg.contains("<title id=\"t-title\">사업별 예산</title>"));
        assert!(svg.contains("잠재기업"));
        assert!(svg.contains("시군구연고산업육성"));
        assert!(
            svg.contains("\n9.00\n"),
            "stacked total 8.21 + 0.79 labels the bar"
        );
        assert!(svg.contains(FONT_FAMILY));
        assert!(!svg.contains("NaN"));
        // two categories × one stack × two series, one of them missing: 3 bars
        assert_eq!(svg.matches("<rect").count() - 1 - 2 * 2, 3 * 2);
    }

    #[test]
    fn line_chart_draws_every_known_point() {
        let c = ChartData {
            id: "l".into(),
            title: "1억원당 목표와 성과".into(),
            kind: ChartKind::Line,
            categories: vec!["'21".into(), "'22".into(), "'23".into()],
            source: None,
            panels: vec![PanelData {
                categories: vec![],
                title: Some("R&D".into()),
                value_label: Some("명/억원".into()),
                decimals: 2,
                series: vec![
                    SeriesData {
                        label: "목표".into(),
                        stack: "a".into(),
                        color: None,
                        values: vec![Some(0.89), Some(0.85), Some(0.90)],
                        supply: Vec::new(),
                        right: false,
                        line: false,
                    },
                    SeriesData {
                        label: "성과".into(),
                        stack: "b".into(),
                        color: None,
                        values: vec![Some(0.75), None, Some(0.93)],
                        supply: Vec::new(),
                        right: false,
                        line: false,
                    },
                ],
            }],
            tables: vec![],
            scatter: None,
            ..ChartData::new("", "", ChartKind::HBar)
        };
        let svg = render_svg(&c).expect("renders");
        assert!(!svg.contains("NaN"));
        for label in ["\n0.89\n", "\n0.93\n", "\n&apos;22\n", "목표", "성과"] {
            assert!(svg.contains(label), "{label:?}");
        }
        // one circle per known point of the first series, plus its legend marker
        assert_eq!(svg.matches("<circle").count(), 3 + 1);
    }

    #[test]
    fn tick_labels_show_the_step_exactly() {
        assert_eq!(tick_dp(0.25), 2);
        assert_eq!(tick_dp(2.5), 1);
        assert_eq!(tick_dp(20.0), 0);
    }

    #[test]
    fn a_chart_is_given_the_width_its_smallest_label_needs() {
        let svg = "<svg width=\"880\" height=\"10\" viewBox=\"0 0 880 10\"><text font-size=\"11\">a</text><text font-size=\"10.5\">b</text></svg>";
        assert_eq!(readable_width(svg), Some(839));
        assert_eq!(
            readable_width("<svg width=\"880\"><text font-size=\"20\">a</text></svg>"),
            Some(440)
        );
        assert_eq!(
            readable_width("<svg><text font-size=\"9\">a</text></svg>"),
            None
        );
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(60.0), 20.0);
        assert_eq!(nice_step(7.26), 2.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(11.0), 2.5);
    }
}
