//! Vertical bars (grouped, stacked, 100 %), with optional line series on a
//! second axis (amounts as bars, a rate as a line), and pies or donuts.

use super::{add_title_desc, draw_source, fmt, marker, nice_step, parse_hex, tick_dp, PALETTE, W};
use crate::model::chart::{ChartData, PanelData, SeriesData};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{err_text as e, font, Area, R};

fn text_w(root: &Area, s: &str, size: f64) -> i32 {
    root.estimate_text_size(s, &font(size).into_text_style(root))
        .map_or(s.chars().count() as i32 * size as i32, |(w, _)| w as i32)
}

/// Breaks a label into lines no wider than `max_w`: at spaces when the words
/// fit, else between characters (Korean has no hyphenation to respect).
pub(super) fn wrap(root: &Area, s: &str, max_w: i32, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ') {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_w(root, &cand, size) <= max_w {
            cur = cand;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        for ch in word.chars() {
            let next = format!("{cur}{ch}");
            if !cur.is_empty() && text_w(root, &next, size) > max_w {
                lines.push(std::mem::take(&mut cur));
                cur.push(ch);
            } else {
                cur = next;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn color_of(s: &SeriesData, i: usize) -> RGBColor {
    parse_hex(s.color.as_deref().unwrap_or(PALETTE[i % PALETTE.len()]))
}

pub(super) fn title(root: &Area, t: &str) -> R<()> {
    root.draw(&Text::new(
        t.to_string(),
        (W / 2, 12),
        font(18.0)
            .style(FontStyle::Bold)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(e)
}

/// Legend entries in one or more rows; returns the height used.
pub(super) fn legend(root: &Area, entries: &[(String, RGBColor, bool, usize)], top: i32) -> R<i32> {
    let (mut x, mut y) = (20, top + 6);
    for (label, color, is_line, idx) in entries {
        let tw = text_w(root, label, 13.0);
        if x + 34 + tw > W - 20 {
            x = 20;
            y += 20;
        }
        if *is_line {
            root.draw(&PathElement::new(
                vec![(x, y + 8), (x + 24, y + 8)],
                color.stroke_width(2),
            ))
            .map_err(e)?;
            marker(root, *idx, (x + 12, y + 8), *color).map_err(e)?;
            x += 30;
        } else {
            root.draw(&Rectangle::new(
                [(x, y + 2), (x + 14, y + 14)],
                color.filled(),
            ))
            .map_err(e)?;
            root.draw(&Rectangle::new(
                [(x, y + 2), (x + 14, y + 14)],
                RGBColor(60, 60, 60).stroke_width(1),
            ))
            .map_err(e)?;
            x += 20;
        }
        root.draw(&Text::new(
            label.clone(),
            (x, y + 8),
            font(13.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(e)?;
        x += tw + 18;
    }
    Ok(y + 24 - top)
}

/// Plot height: full for one panel, shorter when several stack up, so that a
/// three-panel figure still fits a printed page.
fn plot_h(c: &ChartData) -> i32 {
    match c.panels.len() {
        0 | 1 => 240,
        2 => 200,
        _ => 160,
    }
}
const LABEL_LINE: i32 = 15;

/// Vertical bars; stacks side by side within a category, line series over them.
pub(super) fn bar(c: &ChartData) -> R<String> {
    let title_h = 40;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    // Heights depend on wrapped labels, so measure on a scratch backend first.
    let mut scratch = String::new();
    let (legend_h, label_h) = {
        let root = SVGBackend::with_string(&mut scratch, (W as u32, 100)).into_drawing_area();
        let lh = legend(&root, &legend_entries(c), 0)?;
        let lines = c
            .panels
            .iter()
            .flat_map(|p| {
                let band = band_w(c, p);
                cats(c, p).iter().map(move |cat| (cat, band))
            })
            .map(|(cat, band)| wrap(&root, cat, band - 6, 12.0).len())
            .max()
            .unwrap_or(1) as i32;
        (lh, lines * LABEL_LINE + 8)
    };
    // A panel title takes a line; the unit note above the plot always does.
    let panel_h = |p: &PanelData| head_h(p) + 24 + plot_h(c) + label_h + 8;
    let h = title_h + legend_h + c.panels.iter().map(panel_h).sum::<i32>() + source_h;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        title(&root, &c.title)?;
        legend(&root, &legend_entries(c), title_h)?;
        let mut top = title_h + legend_h;
        for p in &c.panels {
            bar_panel(&root, c, p, top)?;
            top += panel_h(p);
        }
        draw_source(&root, c.source.as_deref(), h).map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(add_title_desc(&svg, c))
}

/// One entry per distinct series label across the panels; its colour and
/// marker follow its place in this list, so a label looks the same in every
/// panel and two labels never share a colour.
pub(super) fn legend_entries(c: &ChartData) -> Vec<(String, RGBColor, bool, usize)> {
    let mut out: Vec<(String, RGBColor, bool, usize)> = Vec::new();
    for p in &c.panels {
        for s in &p.series {
            if !out.iter().any(|x| x.0 == s.label) {
                let i = out.len();
                out.push((s.label.clone(), color_of(s, i), s.line, i));
            }
        }
    }
    out
}

/// The colour and marker index of a series, from the legend.
pub(super) fn style_of(c: &ChartData, s: &SeriesData) -> (RGBColor, usize) {
    legend_entries(c)
        .into_iter()
        .find(|x| x.0 == s.label)
        .map_or((parse_hex(PALETTE[0]), 0), |x| (x.1, x.3))
}

/// Values that are already shares (unit %): their labels print them as
/// given, even where they do not add to exactly 100.
fn given_shares(p: &PanelData) -> bool {
    p.value_label.as_deref().map(str::trim) == Some("%")
}

fn head_h(p: &PanelData) -> i32 {
    if p.title.is_some() {
        26
    } else {
        0
    }
}

fn has_right(c: &ChartData) -> bool {
    c.panels.iter().flat_map(|p| &p.series).any(|s| s.right)
}

fn plot_x(c: &ChartData) -> (i32, i32) {
    (80, if has_right(c) { W - 80 } else { W - 30 })
}

fn band_w(c: &ChartData, p: &PanelData) -> i32 {
    let (x0, x1) = plot_x(c);
    (x1 - x0) / cats(c, p).len().max(1) as i32
}

/// An axis from the data: (min, max, step), zero always inside.
fn axis(lo: f64, hi: f64) -> (f64, f64, f64) {
    let step = nice_step((hi - lo.min(0.0)).max(hi.abs()));
    let max = (hi / step).ceil().max(if lo < 0.0 { 0.0 } else { 1.0 }) * step;
    let min = (lo.min(0.0) / step).floor() * step;
    (min, max, step)
}

fn stacks_of(p: &PanelData) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in p.series.iter().filter(|s| !s.line) {
        if !names.contains(&s.stack) {
            names.push(s.stack.clone());
        }
    }
    names
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn bar_panel(root: &Area, c: &ChartData, p: &PanelData, top: i32) -> R<()> {
    let (x0, x1) = plot_x(c);
    let categories = cats(c, p);
    let ncat = categories.len().max(1);
    let stacks = stacks_of(p);
    // Bar values per category and stack, after the 100 % transform.
    let value = |s: &SeriesData, ci: usize| -> Option<f64> {
        let v = s.values.get(ci).copied().flatten()?;
        if !c.percent {
            return Some(v);
        }
        let total: f64 = p
            .series
            .iter()
            .filter(|o| !o.line && o.stack == s.stack)
            .filter_map(|o| o.values.get(ci).copied().flatten())
            .sum();
        (total != 0.0).then(|| v / total * 100.0)
    };
    let (mut lo, mut hi) = (0f64, 0f64);
    for ci in 0..ncat {
        for st in &stacks {
            let (mut pos, mut neg) = (0f64, 0f64);
            for s in p
                .series
                .iter()
                .filter(|s| !s.line && &s.stack == st && !s.right)
            {
                match value(s, ci) {
                    Some(v) if v >= 0.0 => pos += v,
                    Some(v) => neg += v,
                    None => {}
                }
            }
            hi = hi.max(pos);
            lo = lo.min(neg);
        }
        for s in p.series.iter().filter(|s| s.line && !s.right) {
            if let Some(v) = value(s, ci) {
                hi = hi.max(v);
                lo = lo.min(v);
            }
        }
    }
    if c.percent {
        hi = 100.0;
    }
    let (amin, amax, step) = axis(lo, hi);
    let right: Vec<f64> = p
        .series
        .iter()
        .filter(|s| s.right)
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let (rlo, rhi) = right
        .iter()
        .fold((0f64, 0f64), |(a, b), &v| (a.min(v), b.max(v)));
    let (rmin, rmax, rstep) = axis(rlo, rhi);

    super::panel_title(root, p.title.as_deref(), top).map_err(e)?;
    let y_top = top + head_h(p) + 24;
    let plot_h = plot_h(c);
    let y_bot = y_top + plot_h;
    let sy = |v: f64, min: f64, max: f64| {
        y_bot - (((v - min) / (max - min)) * plot_h as f64).round() as i32
    };
    let ly = |v: f64| sy(v, amin, amax);
    let ry = |v: f64| sy(v, rmin, rmax);
    let unit = if c.percent {
        Some("%".to_string())
    } else {
        p.value_label.clone()
    };
    if let Some(u) = &unit {
        root.draw(&Text::new(
            format!("(단위: {u})"),
            (x0 - 8, y_top - 18),
            font(12.0)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(e)?;
    }
    if !right.is_empty() {
        if let Some(u) = &c.right_label {
            root.draw(&Text::new(
                format!("(단위: {u})"),
                (x1 + 8, y_top - 18),
                font(12.0)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Top)),
            ))
            .map_err(e)?;
        }
    }
    super::y_grid(root, (x0, x1), (amin, amax, step), &ly).map_err(e)?;
    if !right.is_empty() {
        let mut v = rmin;
        while v <= rmax + rstep * 0.01 {
            root.draw(&Text::new(
                fmt(v, tick_dp(rstep)),
                (x1 + 6, ry(v)),
                font(11.0)
                    .color(&RGBColor(90, 90, 90))
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
            v += rstep;
        }
    }
    root.draw(&PathElement::new(
        vec![(x0, ly(0.0)), (x1, ly(0.0))],
        BLACK.stroke_width(1),
    ))
    .map_err(e)?;

    let band = (x1 - x0) / ncat as i32;
    let nst = stacks.len().max(1) as i32;
    let bar_w = ((band * 7 / 10) / nst).clamp(6, 64);
    let cx = |ci: usize| x0 + band * ci as i32 + band / 2;
    for (ci, cat) in categories.iter().enumerate() {
        for (k, line) in wrap(root, cat, band - 6, 12.0).iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (cx(ci), y_bot + 6 + k as i32 * LABEL_LINE),
                font(12.0)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(e)?;
        }
        let left = cx(ci) - nst * bar_w / 2;
        for (si, st) in stacks.iter().enumerate() {
            let bx = left + si as i32 * bar_w;
            let (mut pos, mut neg) = (0f64, 0f64);
            let members: Vec<(usize, &SeriesData)> = p
                .series
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.line && &s.stack == st)
                .collect();
            let stacked = members.len() > 1;
            let mut any = false;
            for (_, s) in &members {
                let Some(v) = value(s, ci) else { continue };
                any = true;
                let (a, b) = if v >= 0.0 {
                    pos += v;
                    (pos - v, pos)
                } else {
                    neg += v;
                    (neg - v, neg)
                };
                let scale = |x: f64| if s.right { ry(x) } else { ly(x) };
                let (ya, yb) = (scale(a), scale(b));
                let rect = [(bx + 1, ya.min(yb)), (bx + bar_w - 1, ya.max(yb))];
                let (fill, _) = style_of(c, s);
                root.draw(&Rectangle::new(rect, fill.filled())).map_err(e)?;
                root.draw(&Rectangle::new(rect, RGBColor(60, 60, 60).stroke_width(1)))
                    .map_err(e)?;
                // Segment values where the segment is tall enough to hold them.
                if stacked && (ya - yb).abs() >= 14 && bar_w >= 26 {
                    let (dp, shown) = if c.percent && !given_shares(p) {
                        (1, v)
                    } else {
                        (p.decimals, s.values.get(ci).copied().flatten().unwrap_or(v))
                    };
                    let dark =
                        (fill.0 as u32 * 299 + fill.1 as u32 * 587 + fill.2 as u32 * 114) < 128_000;
                    root.draw(&Text::new(
                        fmt(shown, dp),
                        (bx + bar_w / 2, (ya + yb) / 2),
                        font(10.0)
                            .color(if dark { &WHITE } else { &BLACK })
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(e)?;
                }
            }
            if !any {
                // Not applicable: say so, rather than leave an empty slot.
                root.draw(&Text::new(
                    "-".to_string(),
                    (bx + bar_w / 2, ly(0.0) - 3),
                    font(10.5)
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))
                .map_err(e)?;
            } else if !c.percent {
                let label = fmt(pos + neg, p.decimals);
                let (y, vpos) = if pos + neg >= 0.0 {
                    (ly(pos) - 3, VPos::Bottom)
                } else {
                    (ly(neg) + 3, VPos::Top)
                };
                root.draw(&Text::new(
                    label,
                    (bx + bar_w / 2, y),
                    font(10.5).color(&BLACK).pos(Pos::new(HPos::Center, vpos)),
                ))
                .map_err(e)?;
            }
        }
    }
    for s in p.series.iter().filter(|s| s.line) {
        let (color, mark) = style_of(c, s);
        let scale = |v: f64| if s.right { ry(v) } else { ly(v) };
        let pts: Vec<(usize, f64)> = (0..ncat)
            .filter_map(|ci| value(s, ci).map(|v| (ci, v)))
            .collect();
        // A gap in the data breaks the line rather than bridging it.
        for w in pts.windows(2) {
            if w[1].0 == w[0].0 + 1 {
                root.draw(&PathElement::new(
                    vec![(cx(w[0].0), scale(w[0].1)), (cx(w[1].0), scale(w[1].1))],
                    color.stroke_width(2),
                ))
                .map_err(e)?;
            }
        }
        for (ci, v) in pts {
            let pt = (cx(ci), scale(v));
            marker(root, mark, pt, color).map_err(e)?;
            // On a white plate: the label often sits over a bar.
            let label = fmt(v, p.decimals);
            let tw = text_w(root, &label, 11.0);
            let (lx, lyb) = (pt.0 + 6, pt.1 - 6);
            root.draw(&Rectangle::new(
                [(lx - 2, lyb - 14), (lx + tw + 2, lyb + 1)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(e)?;
            root.draw(&Text::new(
                label,
                (lx, lyb),
                font(11.0)
                    .style(FontStyle::Bold)
                    .color(&color)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))
            .map_err(e)?;
        }
    }
    Ok(())
}

const PIE_R: i32 = 110;

/// One disc (or ring) per panel, side by side; slices start at 12 o'clock and
/// run clockwise in category order, as printed plans draw them.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub(super) fn pie(c: &ChartData) -> R<String> {
    let title_h = 40;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let n = c.panels.len().max(1) as i32;
    let col_w = W / n;
    let r = PIE_R.min(col_w / 2 - 70).max(50);
    let max_slices = c.panels.iter().map(|p| cats(c, p).len()).max().unwrap_or(0) as i32;
    let h = title_h + 30 + 2 * r + 40 + max_slices * 18 + source_h + 10;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        title(&root, &c.title)?;
        for (pi, p) in c.panels.iter().enumerate() {
            let cx = col_w * pi as i32 + col_w / 2;
            let cy = title_h + 30 + r + 10;
            if let Some(t) = &p.title {
                root.draw(&Text::new(
                    t.clone(),
                    (cx, title_h + 6),
                    font(15.0)
                        .style(FontStyle::Bold)
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                ))
                .map_err(e)?;
            }
            let Some(s) = p.series.first() else { continue };
            let labels = cats(c, p);
            let vals: Vec<f64> = s.values.iter().map(|v| v.unwrap_or(0.0).max(0.0)).collect();
            let total: f64 = vals.iter().sum();
            if total <= 0.0 {
                continue;
            }
            let mut a0 = -std::f64::consts::FRAC_PI_2;
            for (i, v) in vals.iter().enumerate() {
                let sweep = v / total * std::f64::consts::TAU;
                if sweep <= 0.0 {
                    continue;
                }
                let color = parse_hex(PALETTE[i % PALETTE.len()]);
                let steps = ((sweep / 0.05).ceil() as usize).max(2);
                let inner = if c.donut { r as f64 * 0.55 } else { 0.0 };
                let at = |rad: f64, a: f64| {
                    (
                        cx + (rad * a.cos()).round() as i32,
                        cy + (rad * a.sin()).round() as i32,
                    )
                };
                let mut poly: Vec<(i32, i32)> = (0..=steps)
                    .map(|k| at(r as f64, a0 + sweep * k as f64 / steps as f64))
                    .collect();
                if inner > 0.0 {
                    poly.extend(
                        (0..=steps)
                            .rev()
                            .map(|k| at(inner, a0 + sweep * k as f64 / steps as f64)),
                    );
                } else {
                    poly.push((cx, cy));
                }
                root.draw(&Polygon::new(poly.clone(), color.filled()))
                    .map_err(e)?;
                poly.push(poly[0]);
                root.draw(&PathElement::new(poly, WHITE.stroke_width(2)))
                    .map_err(e)?;
                // The share on the slice when it is wide enough to hold it.
                let share = v / total * 100.0;
                if sweep > 0.3 {
                    let mid = a0 + sweep / 2.0;
                    let lr = if c.donut {
                        r as f64 * 0.78
                    } else {
                        r as f64 * 0.62
                    };
                    let dark = i % 2 == 0;
                    let shown = if given_shares(p) {
                        fmt(*v, p.decimals)
                    } else {
                        fmt(share, 1)
                    };
                    root.draw(&Text::new(
                        format!("{shown}%"),
                        at(lr, mid),
                        font(12.0)
                            .style(FontStyle::Bold)
                            .color(if dark { &WHITE } else { &BLACK })
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(e)?;
                }
                a0 += sweep;
            }
            // Key under the disc: swatch, category, value and share.
            let mut y = cy + r + 18;
            for (i, (label, v)) in labels.iter().zip(&s.values).enumerate() {
                // Under the disc, left-aligned with it.
                let x = (cx - r).max(cx - col_w / 2 + 16);
                root.draw(&Rectangle::new(
                    [(x, y), (x + 12, y + 12)],
                    parse_hex(PALETTE[i % PALETTE.len()]).filled(),
                ))
                .map_err(e)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + 12, y + 12)],
                    RGBColor(60, 60, 60).stroke_width(1),
                ))
                .map_err(e)?;
                let text = match v {
                    Some(v) if given_shares(p) => format!("{label} {}%", fmt(*v, p.decimals)),
                    Some(v) => format!(
                        "{label} {} ({}%)",
                        fmt(*v, p.decimals),
                        fmt(v.max(0.0) / total * 100.0, 1)
                    ),
                    None => format!("{label} -"),
                };
                let text = super::truncate_to(&root, &text, cx + col_w / 2 - x - 28);
                root.draw(&Text::new(
                    text,
                    (x + 18, y + 6),
                    font(12.0)
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(e)?;
                y += 18;
            }
        }
        draw_source(&root, c.source.as_deref(), h).map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(add_title_desc(&svg, c))
}

/// A panel's categories: its own, or the chart's.
pub(crate) fn cats<'a>(c: &'a ChartData, p: &'a PanelData) -> &'a [String] {
    if p.categories.is_empty() {
        &c.categories
    } else {
        &p.categories
    }
}
