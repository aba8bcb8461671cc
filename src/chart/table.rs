//! A figure's content as a table: the alternative a reader (or a screen
//! reader) gets under every chart and diagram.

use crate::model::chart::{ChartData, ChartKind};

fn num(v: Option<f64>, dp: u32) -> String {
    crate::calc::typology::dec(v).map_or("-".into(), |d| crate::numfmt::format_fixed(d, dp))
}

/// A series' value as the table shows it: a value still to supply says so.
fn value(s: &crate::model::chart::SeriesData, i: usize, dp: u32) -> String {
    if s.to_supply(i) {
        crate::edition::TO_SUPPLY.into()
    } else {
        num(s.values.get(i).copied().flatten(), dp)
    }
}

/// Header cells and rows.
pub fn data_table(c: &ChartData) -> (Vec<String>, Vec<Vec<String>>) {
    if let Some(sc) = &c.scatter {
        let mut groups: Vec<(String, usize)> = Vec::new();
        for pt in &sc.points {
            match groups.iter_mut().find(|g| g.0 == pt.2) {
                Some(g) => g.1 += 1,
                None => groups.push((pt.2.clone(), 1)),
            }
        }
        groups.sort();
        let rows = groups
            .into_iter()
            .map(|(g, n)| vec![g, n.to_string()])
            .collect();
        return (vec!["기업군".into(), "기업 수".into()], rows);
    }
    if let Some(d) = c.diagram.as_ref().filter(|_| c.kind.is_diagram()) {
        return match c.kind {
            ChartKind::Roadmap => (
                vec!["과제".into(), "기간".into(), "★".into(), "내용".into()],
                d.tasks
                    .iter()
                    .map(|t| {
                        let label = match &t.group {
                            Some(g) => format!("{g} · {}", t.label),
                            None => t.label.clone(),
                        };
                        let span = if t.from == t.to {
                            t.from.clone()
                        } else {
                            format!("{} ~ {}", t.from, t.to)
                        };
                        vec![
                            label,
                            span,
                            t.stars.join(", "),
                            t.note.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
            _ => {
                let mut rows: Vec<Vec<String>> = d
                    .steps
                    .iter()
                    .map(|s| {
                        vec![
                            s.title.clone(),
                            s.count.clone().unwrap_or_default(),
                            s.lines.join(" / "),
                        ]
                    })
                    .collect();
                let name = |id: &str| {
                    d.steps
                        .iter()
                        .find(|s| s.id.as_deref() == Some(id))
                        .map_or(id.to_string(), |s| s.title.clone())
                };
                for l in &d.links {
                    rows.push(vec![
                        format!("{} → {}", name(&l.from), name(&l.to)),
                        l.label.clone().unwrap_or_default(),
                        String::new(),
                    ]);
                }
                (vec!["단계".into(), "수".into(), "내용".into()], rows)
            }
        };
    }
    let shared = c.panels.iter().all(|p| p.categories.is_empty());
    if !shared {
        // Pies with their own slices: one row per panel and slice.
        let mut rows = Vec::new();
        for p in &c.panels {
            for s in &p.series {
                for (i, cat) in super::bars::cats(c, p)
                    .iter()
                    .take(s.values.len())
                    .enumerate()
                {
                    let label = match &p.title {
                        Some(t) => format!("{t} · {cat}"),
                        None => cat.clone(),
                    };
                    rows.push(vec![label, s.label.clone(), value(s, i, p.decimals)]);
                }
            }
        }
        return (vec!["구분".into(), "계열".into(), "값".into()], rows);
    }
    let mut head = vec!["구분".to_string()];
    let mut rows: Vec<Vec<String>> = c.categories.iter().map(|cat| vec![cat.clone()]).collect();
    for p in &c.panels {
        for s in &p.series {
            head.push(match &p.title {
                Some(t) if c.panels.len() > 1 => format!("{t} {}", s.label),
                _ => s.label.clone(),
            });
            for (i, row) in rows.iter_mut().take(s.values.len()).enumerate() {
                row.push(value(s, i, p.decimals));
            }
        }
    }
    (head, rows)
}
