//! Numbering and addresses of tables, figures and sections, so that a
//! reference renders as «<표 Ⅷ-2>» and links to where the table is.

use super::escape::{href, html_text, token};
use crate::load::narrative::EmbedKind;
use crate::load::Content;
use crate::model::outline::roman_display;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Anchor {
    /// «Ⅷ-2»; None for objects outside the chapters.
    pub number: Option<String>,
    /// Root-relative page.
    pub page: String,
    pub anchor: String,
    pub title: String,
}

/// How links are written: pages of the site, or anchors of one print document.
pub enum LinkMode {
    Site { root: String },
    Print,
}

impl LinkMode {
    /// Not escaped: the caller writes it through [`href`] or Tera.
    pub fn href(&self, page: &str, anchor: &str) -> String {
        match self {
            LinkMode::Site { root } => format!("{root}{page}#{anchor}"),
            LinkMode::Print => format!("#{anchor}"),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Registry {
    pub tables: BTreeMap<String, Anchor>,
    pub figures: BTreeMap<String, Anchor>,
    pub sections: BTreeMap<String, Anchor>,
}

// Ids become file names, URLs and anchors: each goes through `token`, so
// that `javascript:x` or `..` cannot become a scheme or leave the output.

pub fn chapter_url(ch: &str) -> String {
    format!("{}/index.html", token(&ch.to_lowercase()))
}

pub fn section_url(ch: &str, sec: &str) -> String {
    format!(
        "{}/{}.html",
        token(&ch.to_lowercase()),
        token(&sec.to_lowercase())
    )
}

/// A page of a part of the plan outside the chapters: `front/…`, `attachments/…`.
pub fn leaf_url(prefix: &str, id: &str) -> String {
    format!("{prefix}/{}.html", token(&id.to_lowercase()))
}

/// The anchor of anything by a prefix and its id: `front-x`, `sum-ii-1`.
pub fn anchor(prefix: &str, id: &str) -> String {
    format!("{prefix}-{}", token(&id.to_lowercase()))
}

pub fn section_anchor(id: &str) -> String {
    anchor("sec", id)
}

pub fn item_anchor(sec: &str, no: &str) -> String {
    format!(
        "sec-{}-{}",
        token(&sec.to_lowercase()),
        token(&no.to_lowercase())
    )
}

/// Where a table's CSV or a chart's SVG is written, root-relative.
pub fn table_csv(id: &str) -> String {
    format!("tables/{}.csv", token(id))
}

pub fn table_xlsx(id: &str) -> String {
    format!("tables/{}.xlsx", token(id))
}

pub fn chart_svg(id: &str) -> String {
    format!("charts/{}.svg", token(id))
}

impl Registry {
    /// Numbers tables and figures per chapter in order of appearance.
    pub fn build(
        content: &Content,
        table_titles: &BTreeMap<String, String>,
        chart_titles: &BTreeMap<String, String>,
    ) -> Registry {
        let mut r = Registry::default();
        for ch in &content.plan.value.chapters {
            r.sections.insert(
                ch.id.clone(),
                Anchor {
                    number: Some(roman_display(&ch.id)),
                    page: chapter_url(&ch.id),
                    anchor: section_anchor(&ch.id),
                    title: ch.title.clone(),
                },
            );
            let mut counters = (0, 0);
            for s in &ch.sections {
                let page = section_url(&ch.id, &s.id);
                r.sections.insert(
                    s.id.clone(),
                    Anchor {
                        number: Some(roman_display(&s.id)),
                        page: page.clone(),
                        anchor: section_anchor(&s.id),
                        title: s.title.clone(),
                    },
                );
                let files = s
                    .file
                    .iter()
                    .chain(s.items.iter().filter_map(|i| i.file.as_ref()));
                for f in files {
                    let Some(n) = content.narratives.get(f) else {
                        continue;
                    };
                    r.number_embeds(
                        n,
                        &roman_display(&ch.id),
                        &page,
                        &mut counters,
                        table_titles,
                        chart_titles,
                    );
                }
            }
        }
        // Attachments number their own tables and figures: <표 붙임1-1>.
        for (ai, a) in content.plan.value.attachments.iter().enumerate() {
            let Some(n) = a.file.as_ref().and_then(|f| content.narratives.get(f)) else {
                continue;
            };
            let page = leaf_url("attachments", &a.id);
            r.number_embeds(
                n,
                &format!("붙임{}", ai + 1),
                &page,
                &mut (0, 0),
                table_titles,
                chart_titles,
            );
        }
        r
    }

    /// Numbers the tables and figures a narrative embeds, after those already
    /// numbered: «<prefix>-<n>», counters (tables, figures) carried by the caller.
    fn number_embeds(
        &mut self,
        n: &crate::load::narrative::Narrative,
        prefix_label: &str,
        page: &str,
        counters: &mut (usize, usize),
        table_titles: &BTreeMap<String, String>,
        chart_titles: &BTreeMap<String, String>,
    ) {
        for (kind, id) in n.embeds_deep() {
            let (map, counter, prefix, titles) = match kind {
                EmbedKind::Table => (&mut self.tables, &mut counters.0, "tbl", table_titles),
                EmbedKind::Chart => (&mut self.figures, &mut counters.1, "fig", chart_titles),
                EmbedKind::Records | EmbedKind::Feedback => continue,
            };
            if map.contains_key(id) {
                continue;
            }
            *counter += 1;
            map.insert(
                id.to_string(),
                Anchor {
                    number: Some(format!("{prefix_label}-{counter}")),
                    page: page.to_string(),
                    anchor: format!("{prefix}-{}", token(id)),
                    title: titles.get(id).cloned().unwrap_or_default(),
                },
            );
        }
    }

    pub fn table_label(&self, id: &str) -> String {
        match self.tables.get(id).and_then(|a| a.number.as_ref()) {
            Some(n) => format!("<표 {n}>"),
            None => "<표>".into(),
        }
    }

    pub fn figure_label(&self, id: &str) -> String {
        match self.figures.get(id).and_then(|a| a.number.as_ref()) {
            Some(n) => format!("[그림 {n}]"),
            None => "[그림]".into(),
        }
    }

    /// «<표 Ⅷ-2>», «[그림 Ⅷ-1]» or «Ⅷ-2 예산투자대비 성과목표», linked.
    pub fn ref_html(&self, id: &str, mode: &LinkMode) -> String {
        if let Some(a) = self.tables.get(id) {
            return format!(
                "<a class=\"ref\" href=\"{}\">{}</a>",
                href(&mode.href(&a.page, &a.anchor)),
                html_text(&self.table_label(id))
            );
        }
        if let Some(a) = self.figures.get(id) {
            return format!(
                "<a class=\"ref\" href=\"{}\">{}</a>",
                href(&mode.href(&a.page, &a.anchor)),
                html_text(&self.figure_label(id))
            );
        }
        if let Some(a) = self.sections.get(id) {
            let label = format!("{} {}", a.number.clone().unwrap_or_default(), a.title);
            return format!(
                "<a class=\"ref\" href=\"{}\">{}</a>",
                href(&mode.href(&a.page, &a.anchor)),
                html_text(&label)
            );
        }
        html_text(id)
    }
}
