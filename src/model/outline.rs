//! `content/plan.yaml`: edition metadata and the outline of the plan.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub edition: Edition,
    #[serde(default)]
    pub front: Vec<Leaf>,
    pub chapters: Vec<Chapter>,
    #[serde(default)]
    pub attachments: Vec<Leaf>,
    /// Dataset files under content/, in load order.
    #[serde(default)]
    pub data: Vec<DataRef>,
}

impl PlanFile {
    /// Every chapter and section id (II, II-1 …): what feedback rows and
    /// narrative references may name.
    pub fn part_ids(&self) -> std::collections::BTreeSet<&str> {
        self.chapters
            .iter()
            .flat_map(|c| {
                std::iter::once(c.id.as_str()).chain(c.sections.iter().map(|s| s.id.as_str()))
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    pub title: String,
    pub short_title: String,
    pub region: String,
    #[serde(default)]
    pub region_en: Option<String>,
    /// The plan year; the previous plan year is the one before it.
    pub year: u16,
    /// The history window of the performance review, oldest first; by
    /// default the three years before the previous plan year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<u16>>,
    pub date: String,
    pub classification: String,
    #[serde(default)]
    pub slogan: Option<String>,
    /// The site's public URL: canonical links and a sitemap, as with
    /// `build --base-url` (which wins over it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl Edition {
    /// The two years a budget compares: the previous plan year and the plan year.
    pub fn plan_years(&self) -> [u16; 2] {
        [self.year.saturating_sub(1), self.year]
    }

    /// The history window: as stated, or the three years before the
    /// previous plan year.
    pub fn history(&self) -> Vec<u16> {
        match &self.history {
            Some(h) => h.clone(),
            None => (2..=4).rev().map(|k| self.year.saturating_sub(k)).collect(),
        }
    }
}

/// A front-matter page or an attachment: a titled page with optional narrative.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leaf {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub file: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub no: String,
    pub title: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
}

/// A dataset file and what kind of data it holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataRef {
    /// One file …
    #[serde(default)]
    pub file: Option<String>,
    /// … or every `*.yaml` of a folder, in name order.
    #[serde(default)]
    pub dir: Option<String>,
    pub kind: DataKind,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    /// A budget tree (chapter VIII).
    Budget,
    /// Quantitative tables with computed columns.
    Table,
    /// Records rendered by a template.
    Records,
    /// Performance history (III-1), read together with a budget dataset.
    Performance,
    /// Consultation feedback and committee tables.
    Feedback,
    /// A company extract for the III-2 typology (YAML naming a CSV).
    Companies,
}

/// Ⅰ–Ⅷ for display; ids stay ASCII.
pub fn roman_display(id: &str) -> String {
    let map = [
        ("VIII", "Ⅷ"),
        ("VII", "Ⅶ"),
        ("III", "Ⅲ"),
        ("II", "Ⅱ"),
        ("IV", "Ⅳ"),
        ("VI", "Ⅵ"),
        ("V", "Ⅴ"),
        ("I", "Ⅰ"),
    ];
    let (head, tail) = match id.find('-') {
        Some(i) => (&id[..i], &id[i..]),
        None => (id, ""),
    };
    for (a, b) in map {
        if head == a {
            return format!("{b}{tail}");
        }
    }
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::roman_display;

    #[test]
    fn roman_numerals_render_as_unicode() {
        assert_eq!(roman_display("VIII-2"), "Ⅷ-2");
        assert_eq!(roman_display("IV"), "Ⅳ");
        assert_eq!(roman_display("A1"), "A1");
    }
}
