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
    /// Stacked bars as shares of their stack total (100 % bars).
    #[serde(default)]
    pub percent: bool,
    /// Title of the second (right) axis, for series with `axis: right`.
    #[serde(default)]
    pub right_label: Option<String>,
    /// Pie charts: a ring instead of a full disc.
    #[serde(default)]
    pub donut: bool,
    #[serde(default)]
    pub panels: Vec<PanelSpec>,
    /// Diagrams (roadmap, steps, path): structure instead of numbers.
    #[serde(default)]
    pub diagram: Option<DiagramSpec>,
    /// Scatter charts: which columns place the rows' points.
    #[serde(default)]
    pub scatter: Option<ScatterSpec>,
}

/// A scatter of table rows: one named point per row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScatterSpec {
    /// The table whose rows (the chart's `rows`) are the points.
    pub table: String,
    /// Column ids for the x and y coordinates.
    pub x: String,
    pub y: String,
    pub x_label: String,
    pub y_label: String,
    /// Threshold lines (both, or neither).
    #[serde(default)]
    pub x_threshold: Option<f64>,
    #[serde(default)]
    pub y_threshold: Option<f64>,
    /// Quadrant names: upper left, upper right, lower left, lower right.
    #[serde(default)]
    pub quadrants: Vec<String>,
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
    /// Vertical bars: grouped by series, stacked by `stack`, optionally
    /// 100 %; series with `line: true` are drawn as lines (bar + rate).
    Bar,
    /// One disc (or ring) per panel; the categories are the slices.
    Pie,
    /// Gantt roadmap: tasks over years, ★ milestones.
    Roadmap,
    /// A process: boxes joined by arrows (STEP 1 → STEP 2 …).
    Steps,
    /// Growth path: stages in columns, counts, arrows between stages.
    Path,
}

impl ChartKind {
    pub fn is_diagram(self) -> bool {
        matches!(self, Self::Roadmap | Self::Steps | Self::Path)
    }
}

/// The structure a diagram draws; text and the counts the seed states.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiagramSpec {
    /// Roadmap: the column headings (years or periods).
    #[serde(default)]
    pub periods: Vec<String>,
    /// Roadmap: one bar per task.
    #[serde(default)]
    pub tasks: Vec<TaskSpec>,
    /// Steps and path: the boxes, in order.
    #[serde(default)]
    pub steps: Vec<StepSpec>,
    /// Path: arrows between steps, by step id.
    #[serde(default)]
    pub links: Vec<LinkSpec>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    pub label: String,
    /// A group heading shown left of its tasks (과제 1, 2 …).
    #[serde(default)]
    pub group: Option<String>,
    /// First and last period the bar spans (period labels).
    pub from: String,
    pub to: String,
    /// Periods marked with ★.
    #[serde(default)]
    pub stars: Vec<String>,
    /// Text written on the bar.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub lines: Vec<String>,
    /// Path: a stated figure shown large in the box (e.g. "27개사").
    #[serde(default)]
    pub count: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSpec {
    #[serde(default)]
    pub title: Option<String>,
    /// The table the series read from; none when every series is inline.
    #[serde(default)]
    pub table: Option<String>,
    /// Category rows of this panel, where they differ from the chart's (pies).
    #[serde(default)]
    pub rows: Vec<String>,
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
    /// The unit of the values; series sharing an axis must share it.
    #[serde(default)]
    pub unit: Option<String>,
    /// `right`: plotted against a second axis (a rate next to amounts).
    #[serde(default)]
    pub axis: Option<Axis>,
    /// Bar charts: draw this series as a line with markers.
    #[serde(default)]
    pub line: bool,
    /// Values stated in the text rather than held by a table, one per
    /// category ("-" for none).
    #[serde(default)]
    pub values: Option<Vec<crate::model::dataset::CellInput>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Left,
    Right,
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
    pub percent: bool,
    pub donut: bool,
    pub right_label: Option<String>,
    pub diagram: Option<DiagramSpec>,
}

impl ChartData {
    /// A chart with no data yet; fill the fields its kind draws.
    pub fn new(id: &str, title: &str, kind: ChartKind) -> Self {
        ChartData {
            id: id.to_string(),
            title: title.to_string(),
            kind,
            categories: Vec::new(),
            source: None,
            panels: Vec::new(),
            tables: Vec::new(),
            scatter: None,
            percent: false,
            donut: false,
            right_label: None,
            diagram: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScatterData {
    pub x_label: String,
    pub y_label: String,
    /// (x, y, group label) per point; points of one label share a marker.
    pub points: Vec<(f64, f64, String)>,
    /// (label, x, y): a threshold pair drawn as a vertical and a horizontal line.
    pub thresholds: Vec<(String, f64, f64)>,
    /// Points are named (rows of a table) rather than grouped: each is labelled.
    pub named: bool,
    /// Quadrant names: upper left, upper right, lower left, lower right.
    pub quadrants: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PanelData {
    pub title: Option<String>,
    /// This panel's own categories (pies), else empty: the chart's.
    pub categories: Vec<String>,
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
    /// By value: None because an input is still to supply (a new edition's
    /// 자료 입력 필요), not "-". Empty when no value is.
    pub supply: Vec<bool>,
    pub right: bool,
    pub line: bool,
}

impl SeriesData {
    /// Whether the value at `i` is still to supply.
    pub fn to_supply(&self, i: usize) -> bool {
        self.supply.get(i).copied().unwrap_or(false)
    }
}

impl SeriesData {
    pub fn new(label: &str, values: Vec<Option<f64>>) -> Self {
        SeriesData {
            label: label.to_string(),
            stack: label.to_string(),
            color: None,
            values,
            supply: Vec::new(),
            right: false,
            line: false,
        }
    }
}
