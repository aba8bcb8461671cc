//! Performance history (chapter III-1): per programme and indicator, the
//! last history year's target, result and budget, the three-year averages, and the yearly
//! ROI trend the public plan prints. The plan years' targets and budgets are
//! read from the budget dataset, never typed twice.

use super::Amount;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Table id prefixes of a performance dataset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerfTables {
    /// 성과 검토 (the last year and the three-year averages).
    pub review: String,
    /// 목표 ROI 산정.
    pub roi: String,
    /// 설정 결과.
    pub result: String,
}

impl Default for PerfTables {
    fn default() -> Self {
        Self {
            review: "perf-review".into(),
            roi: "perf-roi".into(),
            result: "perf-result".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfFile {
    pub id: String,
    /// The budget dataset holding the plan years' targets and budgets.
    pub budget: String,
    /// The history years, oldest first; the last one is the detailed year.
    /// By default (absent) the plan's history window.
    #[serde(default)]
    pub history: Vec<u16>,
    /// Ids of the tables this dataset computes, as prefixes to which the
    /// indicator is appended (`perf-review-jobs`).
    #[serde(default)]
    pub tables: PerfTables,
    pub indicators: Vec<String>,
    pub programmes: Vec<Programme>,
    /// Result tables (설정 결과): rows by programme or budget node.
    #[serde(default)]
    pub results: Vec<ResultRow>,
    /// Printed figures by table id, row id, column id.
    #[serde(default)]
    pub published: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// Known errata of the published plan, acknowledged with a reason
    /// (same keys as `published`): still marked and listed, no longer a
    /// warning (`check --deny-warnings` passes).
    #[serde(default)]
    pub accepted: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub id: String,
    pub label: String,
    /// Years the programme ran; a programme younger than the history averages
    /// over its own years, while its parents divide by the full span.
    #[serde(default)]
    pub active: Option<Vec<u16>>,
    /// Budget nodes for the plan years: `{2024: "a", 2025: "b + c"}`; by
    /// default the node with the programme's own id.
    #[serde(default)]
    pub plan: BTreeMap<u16, String>,
    /// Budget of the detailed year and the history average (억원).
    #[serde(default)]
    pub budget: Option<LastAndAverage>,
    /// Per indicator: target and result of the detailed year and the averages.
    #[serde(default)]
    pub indicators: BTreeMap<String, IndicatorHistory>,
    /// Rows shown in the ROI-derivation table (목표 ROI 산정).
    #[serde(default = "yes")]
    pub in_roi_table: bool,
    #[serde(default)]
    pub children: Vec<Programme>,
}

fn yes() -> bool {
    true
}

/// A quantity in the detailed (last) history year and summed over the
/// earlier active years. The public plan prints the last year and the
/// average; the earlier sum is `average × active years − last`, so that a new
/// last-year figure flows into the average. Authors with yearly figures add
/// them up for `earlier`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastAndAverage {
    pub last: Amount,
    /// Absent for a programme that ran only in the last year.
    #[serde(default)]
    pub earlier: Option<Amount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorHistory {
    pub target: Option<LastAndAverage>,
    pub result: Option<LastAndAverage>,
    /// 1억원당 목표 and 성과 of the earlier history years as printed: the
    /// public plan omits their base values, so they cannot be computed.
    #[serde(default)]
    pub trend: BTreeMap<u16, TrendPoint>,
    /// Why the plan year's target departs from the rule, as the text says.
    #[serde(default)]
    pub exception: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendPoint {
    #[serde(default)]
    pub target: Option<Amount>,
    #[serde(default)]
    pub result: Option<Amount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRow {
    pub id: String,
    pub label: String,
    /// The history programme for the three-year columns; none for a
    /// programme new in `new_in`.
    #[serde(default)]
    pub history: Option<String>,
    #[serde(default)]
    pub new_in: Option<u16>,
    /// Budget nodes per plan year (`a + b`).
    pub plan: BTreeMap<u16, String>,
}

impl Programme {
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Programme>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

impl PerfFile {
    pub fn programmes(&self) -> Vec<&Programme> {
        let mut v = Vec::new();
        for p in &self.programmes {
            p.walk(&mut v);
        }
        v
    }
}
