//! Declarative chart specs (content) and the resolved data a chart draws.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    pub id: String,
    pub title: String,
    pub kind: ChartKind,
    /// Category rows (table row ids), in display order (bar charts).
    #[serde(default)]
    pub rows: Vec<String>,
    /// Points along the x axis (line charts), e.g. ["'21", "'22", "'23"].
    #[serde(default)]
    pub x: Vec<String>,
    /// Category labels where the row's own label needs its context
    /// (`proj-1: 지역특화프로젝트 1.0`).
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// Axis title with its unit.
    #[serde(default)]
    pub value_label: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    pub panels: Vec<PanelSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Horizontal bars: one bar per stack group, stacked segments within it.
    HBar,
    /// Lines with markers: each series is one table row read across columns.
    Line,
    /// Points with threshold lines (typology: innovation × growth).
    Scatter,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSpec {
    #[serde(default)]
    pub title: Option<String>,
    /// The table the series read from.
    pub table: String,
    #[serde(default)]
    pub value_label: Option<String>,
    pub series: Vec<SeriesSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    /// Bar charts: the column read for every row.
    #[serde(default)]
    pub col: String,
    /// Line charts: the row, and one column per x point ("-" for none).
    #[serde(default)]
    pub row: Option<String>,
    #[serde(default)]
    pub cols: Vec<String>,
    pub label: String,
    /// Series with the same stack name are stacked in one bar.
    #[serde(default)]
    pub stack: Option<String>,
    /// A CSS colour; by default the palette, which stays distinct in grayscale.
    #[serde(default)]
    pub color: Option<String>,
}

/// What the chart module draws: resolved numbers, no ids left to look up.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub id: String,
    pub title: String,
    pub kind: ChartKind,
    pub categories: Vec<String>,
    pub source: Option<String>,
    pub panels: Vec<PanelData>,
    /// Ids of the tables the panels read, for the figure's data links.
    pub tables: Vec<String>,
    /// Scatter charts: points and threshold lines.
    pub scatter: Option<ScatterData>,
}

#[derive(Debug, Clone, Default)]
pub struct ScatterData {
    pub x_label: String,
    pub y_label: String,
    /// (x, y, group label) per point; points of one label share a marker.
    pub points: Vec<(f64, f64, String)>,
    /// (label, x, y): a threshold pair drawn as a vertical and a horizontal line.
    pub thresholds: Vec<(String, f64, f64)>,
}

#[derive(Debug, Clone)]
pub struct PanelData {
    pub title: Option<String>,
    pub value_label: Option<String>,
    pub series: Vec<SeriesData>,
    /// Decimal places for the value labels on bars.
    pub decimals: u32,
}

#[derive(Debug, Clone)]
pub struct SeriesData {
    pub label: String,
    pub stack: String,
    pub color: Option<String>,
    /// One value per category; None is "-" (not applicable).
    pub values: Vec<Option<f64>>,
}
