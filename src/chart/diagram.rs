//! Diagrams from structure: roadmaps (tasks over periods, ★ milestones),
//! step flows (boxes and arrows) and growth paths (stages with counts and
//! the moves between them). Drawn as SVG like the charts, so they number,
//! print and scale the same way.

use super::bars::wrap;
use super::{add_title_desc, draw_source, parse_hex, PALETTE, W};
use crate::model::chart::{ChartData, ChartKind, DiagramSpec};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{err_text as e, font, Area, R};

fn text(
    root: &Area,
    s: &str,
    at: (i32, i32),
    size: f64,
    bold: bool,
    pos: Pos,
    color: &RGBColor,
) -> R<()> {
    let f = if bold {
        font(size).style(FontStyle::Bold)
    } else {
        font(size)
    };
    root.draw(&Text::new(s.to_string(), at, f.color(color).pos(pos)))
        .map_err(e)
}

const CENTER: Pos = Pos {
    h_pos: HPos::Center,
    v_pos: VPos::Center,
};
const LEFT: Pos = Pos {
    h_pos: HPos::Left,
    v_pos: VPos::Center,
};
const TOP: Pos = Pos {
    h_pos: HPos::Center,
    v_pos: VPos::Top,
};

/// A filled five-pointed star: the seed's ★, drawn rather than typeset so it
/// never depends on a font having the glyph.
fn star(root: &Area, (x, y): (i32, i32), r: f64, color: RGBColor) -> R<()> {
    let pts: Vec<(i32, i32)> = (0..10)
        .map(|k| {
            let rad = if k % 2 == 0 { r } else { r * 0.45 };
            let a = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
            (
                x + (rad * a.cos()).round() as i32,
                y + (rad * a.sin()).round() as i32,
            )
        })
        .collect();
    root.draw(&Polygon::new(pts, color.filled())).map_err(e)
}

fn arrow(root: &Area, from: (i32, i32), to: (i32, i32), color: RGBColor) -> R<()> {
    root.draw(&PathElement::new(vec![from, to], color.stroke_width(2)))
        .map_err(e)?;
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let back = |s: f64, side: f64| {
        (
            to.0 - (ux * 9.0 - uy * side * s).round() as i32,
            to.1 - (uy * 9.0 + ux * side * s).round() as i32,
        )
    };
    root.draw(&Polygon::new(
        vec![to, back(5.0, 1.0), back(5.0, -1.0)],
        color.filled(),
    ))
    .map_err(e)
}

pub(super) fn render(c: &ChartData) -> R<String> {
    let d = c.diagram.clone().unwrap_or_default();
    match c.kind {
        ChartKind::Roadmap => roadmap(c, &d),
        ChartKind::Steps => steps(c, &d),
        _ => path(c, &d),
    }
}

fn canvas<F>(c: &ChartData, h: i32, draw: F) -> R<String>
where
    F: FnOnce(&Area) -> R<()>,
{
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        text(&root, &c.title, (W / 2, 12), 18.0, true, TOP, &BLACK)?;
        draw(&root)?;
        draw_source(&root, c.source.as_deref(), h).map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(add_title_desc(&svg, c))
}

const ROW_H: i32 = 30;

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn roadmap(c: &ChartData, d: &DiagramSpec) -> R<String> {
    let top = 48;
    let head_h = 28;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let h = top + head_h + d.tasks.len() as i32 * ROW_H + 16 + source_h;
    let has_groups = d.tasks.iter().any(|t| t.group.is_some());
    let (gx, lx) = (20, if has_groups { 130 } else { 20 });
    let x0 = 360;
    let x1 = W - 20;
    let n = d.periods.len().max(1) as i32;
    let col = (x1 - x0) / n;
    let pos = |p: &str| d.periods.iter().position(|x| x == p);
    canvas(c, h, |root| {
        let head = RGBColor(31, 78, 121);
        root.draw(&Rectangle::new(
            [(20, top), (x1, top + head_h)],
            head.filled(),
        ))
        .map_err(e)?;
        text(
            root,
            "추진 과제",
            ((lx + x0) / 2, top + head_h / 2),
            13.0,
            true,
            CENTER,
            &WHITE,
        )?;
        for (i, p) in d.periods.iter().enumerate() {
            let cx = x0 + col * i as i32 + col / 2;
            text(root, p, (cx, top + head_h / 2), 13.0, true, CENTER, &WHITE)?;
        }
        let grid = RGBColor(200, 200, 200);
        let body_top = top + head_h;
        let body_bot = body_top + d.tasks.len() as i32 * ROW_H;
        for i in 0..=n {
            let x = x0 + col * i;
            root.draw(&PathElement::new(
                vec![(x, body_top), (x, body_bot)],
                grid.stroke_width(1),
            ))
            .map_err(e)?;
        }
        let mut last_group: Option<&str> = None;
        for (ti, t) in d.tasks.iter().enumerate() {
            let y = body_top + ti as i32 * ROW_H;
            let new_group = t.group.as_deref() != last_group && t.group.is_some();
            if ti > 0 {
                let from = if new_group || !has_groups { 20 } else { lx };
                root.draw(&PathElement::new(
                    vec![(from, y), (x1, y)],
                    grid.stroke_width(1),
                ))
                .map_err(e)?;
            }
            if new_group {
                if let Some(g) = &t.group {
                    // Centred in the rows the group spans, as many lines as fit.
                    let span = d.tasks[ti..]
                        .iter()
                        .take_while(|x| x.group.as_deref() == Some(g.as_str()))
                        .count() as i32;
                    let lines = wrap(root, g, lx - gx - 8, 11.5);
                    let fit = ((span * ROW_H - 4) / 13).max(1) as usize;
                    let shown = lines.len().min(fit);
                    let y0 = y + (span * ROW_H - shown as i32 * 13) / 2 + 6;
                    for (k, line) in lines.iter().take(shown).enumerate() {
                        text(
                            root,
                            line,
                            (gx + 4, y0 + k as i32 * 13),
                            11.5,
                            true,
                            LEFT,
                            &BLACK,
                        )?;
                    }
                }
                last_group = t.group.as_deref();
            }
            let label = super::truncate_to(root, &t.label, x0 - lx - 12);
            text(
                root,
                &label,
                (lx + 6, y + ROW_H / 2),
                12.5,
                false,
                LEFT,
                &BLACK,
            )?;
            if let (Some(a), Some(b)) = (pos(&t.from), pos(&t.to)) {
                let (bx0, bx1) = (x0 + col * a as i32 + 6, x0 + col * (b as i32 + 1) - 6);
                let fill = parse_hex(PALETTE[1]);
                root.draw(&Rectangle::new(
                    [(bx0, y + 7), (bx1, y + ROW_H - 7)],
                    fill.filled(),
                ))
                .map_err(e)?;
                root.draw(&Rectangle::new(
                    [(bx0, y + 7), (bx1, y + ROW_H - 7)],
                    parse_hex(PALETTE[0]).stroke_width(1),
                ))
                .map_err(e)?;
                if let Some(note) = &t.note {
                    let note = super::truncate_to(root, note, bx1 - bx0 - 8);
                    text(
                        root,
                        &note,
                        ((bx0 + bx1) / 2, y + ROW_H / 2),
                        11.0,
                        false,
                        CENTER,
                        &BLACK,
                    )?;
                }
            }
            for s in &t.stars {
                if let Some(i) = pos(s) {
                    let sx = x0 + col * (i as i32 + 1) - 16;
                    star(root, (sx, y + ROW_H / 2), 8.0, parse_hex(PALETTE[4]))?;
                }
            }
        }
        root.draw(&Rectangle::new(
            [(20, top), (x1, body_bot)],
            BLACK.stroke_width(1),
        ))
        .map_err(e)?;
        root.draw(&PathElement::new(
            vec![(x0, top), (x0, body_bot)],
            BLACK.stroke_width(1),
        ))
        .map_err(e)?;
        Ok(())
    })
}

/// Boxes per row before the flow wraps to a second row.
const PER_ROW: usize = 6;

/// A box's text, wrapped: (line, y offset); entries are set apart by a gap
/// so that a wrapped entry does not run into the next.
fn box_lines(root: &Area, s: &crate::model::chart::StepSpec, w: i32) -> Vec<(String, i32)> {
    let mut out = Vec::new();
    let mut y = 0;
    for (k, entry) in s.lines.iter().enumerate() {
        if k > 0 {
            y += 4;
        }
        for l in wrap(root, entry, w - 14, 11.5) {
            out.push((l, y));
            y += 15;
        }
    }
    out
}

fn box_lines_h(root: &Area, s: &crate::model::chart::StepSpec, w: i32) -> i32 {
    box_lines(root, s, w).last().map_or(0, |(_, y)| y + 15)
}

fn steps(c: &ChartData, d: &DiagramSpec) -> R<String> {
    let n = d.steps.len().max(1);
    let per_row = n.min(PER_ROW);
    let gap = 26;
    let bw = (W - 40 - gap * (per_row as i32 - 1)) / per_row as i32;
    let mut scratch = String::new();
    // One title-bar height for every box, so their texts start level.
    let (title_n, body_h) = {
        let root = SVGBackend::with_string(&mut scratch, (W as u32, 100)).into_drawing_area();
        d.steps.iter().fold((1, 0), |(t, b), s| {
            (
                t.max(wrap(&root, &s.title, bw - 12, 13.0).len() as i32),
                b.max(box_lines_h(&root, s, bw)),
            )
        })
    };
    let tallest = title_n * 17 + body_h;
    let bh = 24 + tallest;
    let rows = n.div_ceil(per_row) as i32;
    let top = 52;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let h = top + rows * (bh + 30) + source_h;
    canvas(c, h, |root| {
        let at = |i: usize| {
            let (r, k) = ((i / per_row) as i32, (i % per_row) as i32);
            (20 + k * (bw + gap), top + r * (bh + 30))
        };
        for (i, s) in d.steps.iter().enumerate() {
            let (x, y) = at(i);
            let head = parse_hex(PALETTE[0]);
            let title_lines = wrap(root, &s.title, bw - 12, 13.0);
            let th = title_n * 17 + 8;
            root.draw(&Rectangle::new([(x, y), (x + bw, y + th)], head.filled()))
                .map_err(e)?;
            for (k, l) in title_lines.iter().enumerate() {
                text(
                    root,
                    l,
                    (x + bw / 2, y + 5 + k as i32 * 17),
                    13.0,
                    true,
                    TOP,
                    &WHITE,
                )?;
            }
            root.draw(&Rectangle::new(
                [(x, y), (x + bw, y + bh)],
                head.stroke_width(1),
            ))
            .map_err(e)?;
            for (l, dy) in box_lines(root, s, bw) {
                let pos = Pos::new(HPos::Left, VPos::Top);
                text(root, &l, (x + 7, y + th + 6 + dy), 11.5, false, pos, &BLACK)?;
            }
            if i + 1 < d.steps.len() {
                let (nx, ny) = at(i + 1);
                let color = RGBColor(90, 90, 90);
                if ny == y {
                    arrow(root, (x + bw + 3, y + bh / 2), (nx - 3, ny + bh / 2), color)?;
                } else {
                    // Next row: down from this box, back to the left, into the next.
                    let mid = y + bh + 15;
                    root.draw(&PathElement::new(
                        vec![(x + bw / 2, y + bh), (x + bw / 2, mid), (nx + bw / 2, mid)],
                        color.stroke_width(2),
                    ))
                    .map_err(e)?;
                    arrow(root, (nx + bw / 2, mid), (nx + bw / 2, ny - 2), color)?;
                }
            }
        }
        Ok(())
    })
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn path(c: &ChartData, d: &DiagramSpec) -> R<String> {
    let n = d.steps.len().max(1) as i32;
    let gap = 60;
    let bw = (W - 40 - gap * (n - 1)) / n;
    let mut scratch = String::new();
    let lines_h = {
        let root = SVGBackend::with_string(&mut scratch, (W as u32, 100)).into_drawing_area();
        d.steps
            .iter()
            .map(|s| box_lines_h(&root, s, bw))
            .max()
            .unwrap_or(0)
    };
    let top = 52;
    let bh = 34 + 30 + lines_h + 8;
    // Links between neighbours sit in the gap; others run below the boxes.
    let idx = |id: &str| d.steps.iter().position(|s| s.id.as_deref() == Some(id));
    let far = d
        .links
        .iter()
        .filter(|l| match (idx(&l.from), idx(&l.to)) {
            (Some(a), Some(b)) => a.abs_diff(b) != 1,
            _ => false,
        })
        .count() as i32;
    let source_h = if c.source.is_some() { 24 } else { 8 };
    let h = top + bh + 20 + far * 26 + source_h + 8;
    canvas(c, h, |root| {
        let x_of = |i: usize| 20 + i as i32 * (bw + gap);
        for (i, s) in d.steps.iter().enumerate() {
            let x = x_of(i);
            let fill = parse_hex(PALETTE[i % 2]);
            let dark = i % 2 == 0;
            root.draw(&Rectangle::new(
                [(x, top), (x + bw, top + 30)],
                fill.filled(),
            ))
            .map_err(e)?;
            let tc = if dark { &WHITE } else { &BLACK };
            text(
                root,
                &s.title,
                (x + bw / 2, top + 15),
                14.0,
                true,
                CENTER,
                tc,
            )?;
            root.draw(&Rectangle::new(
                [(x, top), (x + bw, top + bh)],
                parse_hex(PALETTE[0]).stroke_width(1),
            ))
            .map_err(e)?;
            if let Some(count) = &s.count {
                text(
                    root,
                    count,
                    (x + bw / 2, top + 34 + 14),
                    17.0,
                    true,
                    CENTER,
                    &parse_hex(PALETTE[4]),
                )?;
            }
            for (l, dy) in box_lines(root, s, bw) {
                let pos = Pos::new(HPos::Left, VPos::Top);
                text(root, &l, (x + 7, top + 66 + dy), 11.5, false, pos, &BLACK)?;
            }
        }
        let color = RGBColor(90, 90, 90);
        let mut depth = 0;
        for l in &d.links {
            let (Some(a), Some(b)) = (idx(&l.from), idx(&l.to)) else {
                continue;
            };
            if a.abs_diff(b) == 1 {
                let y = top + bh / 2;
                let (fx, tx) = if a < b {
                    (x_of(a) + bw + 4, x_of(b) - 4)
                } else {
                    (x_of(a) - 4, x_of(b) + bw + 4)
                };
                arrow(root, (fx, y), (tx, y), color)?;
                if let Some(lb) = &l.label {
                    let pos = Pos::new(HPos::Center, VPos::Bottom);
                    text(root, lb, ((fx + tx) / 2, y - 6), 11.0, true, pos, &BLACK)?;
                }
            } else {
                depth += 1;
                let y = top + bh + depth * 26 - 6;
                let (fx, tx) = (x_of(a) + bw / 2 + 10, x_of(b) + bw / 2 - 10);
                root.draw(&PathElement::new(
                    vec![(fx, top + bh), (fx, y), (tx, y)],
                    color.stroke_width(2),
                ))
                .map_err(e)?;
                arrow(root, (tx, y), (tx, top + bh + 2), color)?;
                if let Some(lb) = &l.label {
                    let pos = Pos::new(HPos::Center, VPos::Bottom);
                    text(root, lb, ((fx + tx) / 2, y - 3), 11.0, true, pos, &BLACK)?;
                }
            }
        }
        Ok(())
    })
}
