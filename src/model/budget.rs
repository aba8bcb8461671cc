//! A budget dataset: a tree of programmes with per-year funding and targets.
//! Only leaves carry numbers; every subtotal is computed.

use super::chart::ChartSpec;
use super::Amount;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetFile {
    /// Namespace of the dataset's own values (`budget.<node>.<field>`).
    pub id: String,
    pub title: String,
    pub unit: String,
    /// The two years compared: the previous and the plan year. By default
    /// (absent) the plan's: `edition.year` and the year before.
    #[serde(default)]
    pub years: [u16; 2],
    /// Target indicators (사업화매출액, 신규고용 …) that leaves may carry.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub views: Vec<BudgetView>,
    #[serde(default)]
    pub derived: Vec<Derived>,
    #[serde(default)]
    pub charts: Vec<ChartSpec>,
    pub tree: Vec<Node>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub label: String,
    pub unit: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// 국비 / 지방비 / 합계 per year and their 증감.
    Funding,
    /// 목표 / 예산 / 1억원당 per year and their 증감, for one indicator.
    Roi,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetView {
    pub id: String,
    pub kind: ViewKind,
    pub title: String,
    /// The `(단위 : …)` note.
    pub unit: String,
    #[serde(default)]
    pub indicator: Option<String>,
    /// Rows whose 1억원당 also shows, in parentheses with `*`, the ratio over
    /// the programmes that have a target (the seed's 4.38 (4.61)*).
    #[serde(default)]
    pub targeted_roi_rows: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A named combination of nodes, e.g. `total - sigungu` (시군구 제외 기준).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub id: String,
    pub label: String,
    pub expr: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum TotalRow {
    /// The subtotal row comes before the children (총 계, R&D 합계).
    First,
    /// A heading row, the children, then the subtotal row (소계).
    #[default]
    Last,
    /// A heading row and the children; no subtotal row is printed.
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub total_label: Option<String>,
    #[serde(default)]
    pub total_row: Option<TotalRow>,
    /// The 구분 column (R&D, 비R&D, 기타).
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// `false`: targets are not aggregated at this node (총 계 prints "-").
    #[serde(default = "yes")]
    pub targets: bool,
    /// Leaf inputs by year. Absent year: the programme did not run ("-").
    #[serde(default)]
    pub amounts: BTreeMap<u16, YearInput>,
    #[serde(default)]
    pub children: Vec<Node>,
    /// Figures as printed in the published plan, by view id and column id.
    /// `check` compares each with the computed value at the printed precision.
    #[serde(default)]
    pub published: BTreeMap<String, BTreeMap<String, String>>,
    /// Known errata of the published plan, acknowledged with a reason
    /// (same keys as `published`): still marked and listed, no longer a
    /// warning (`check --deny-warnings` passes).
    #[serde(default)]
    pub accepted: BTreeMap<String, BTreeMap<String, String>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearInput {
    /// 국비
    #[serde(default)]
    pub gov: Option<Amount>,
    /// 지방비 (도비 + 시군비)
    #[serde(default)]
    pub local: Option<Amount>,
    /// 시군비, the part of 지방비 paid by cities and counties; the rest is 도비.
    #[serde(default)]
    pub city: Option<Amount>,
    /// 총사업비 of a multi-year project, printed in parentheses.
    #[serde(default)]
    pub project_cost: Option<Amount>,
    /// Targets by indicator id.
    #[serde(default)]
    pub targets: BTreeMap<String, Amount>,
    /// 과제수
    #[serde(default)]
    pub tasks: Option<u32>,
    /// 사업화매출액 달성률 (%) that the allocation is based on.
    #[serde(default)]
    pub sales_achievement: Option<Amount>,
    /// A breakdown of the year's total (e.g. 초광역선도기업육성 1.00 + 지역혁신선도기업 3.52).
    #[serde(default)]
    pub parts: Vec<Part>,
}

impl YearInput {
    /// `{}`: the year is listed but nothing is given yet (a new edition's
    /// input to supply), unlike an absent year (the programme did not run).
    pub fn is_empty(&self) -> bool {
        self.gov.is_none()
            && self.local.is_none()
            && self.city.is_none()
            && self.project_cost.is_none()
            && self.targets.is_empty()
            && self.tasks.is_none()
            && self.sales_achievement.is_none()
            && self.parts.is_empty()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub label: String,
    pub amount: Amount,
}

impl Node {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// Depth-first, parents before children.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

impl BudgetFile {
    pub fn nodes(&self) -> Vec<&Node> {
        let mut v = Vec::new();
        for n in &self.tree {
            n.walk(&mut v);
        }
        v
    }
}
