//! Aggregation of a budget tree: leaves carry inputs, every node gets sums.
//! Subtotals sum base fields (국비, 지방비, 목표); ratios are computed later on
//! each row from those sums, never summed themselves.

use super::{per_budget, sum_present};
use crate::model::budget::{BudgetFile, Node, YearInput};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Funding {
    pub gov: Option<Decimal>,
    pub local: Option<Decimal>,
    /// 시군비 (part of 지방비).
    pub city: Option<Decimal>,
    /// 총사업비; leaves only, never summed.
    pub project_cost: Option<Decimal>,
}

impl Funding {
    /// 합계 = 국비 + 지방비.
    pub fn total(&self) -> Option<Decimal> {
        sum_present([self.gov, self.local])
    }

    /// 도비 = 지방비 − 시군비.
    pub fn prov(&self) -> Option<Decimal> {
        self.local.map(|l| l - self.city.unwrap_or_default())
    }

    fn add(&mut self, o: &Funding) {
        self.gov = sum_present([self.gov, o.gov]);
        self.local = sum_present([self.local, o.local]);
        self.city = sum_present([self.city, o.city]);
    }

    fn scaled(&self, k: Decimal) -> Funding {
        Funding {
            gov: self.gov.map(|v| v * k),
            local: self.local.map(|v| v * k),
            city: self.city.map(|v| v * k),
            project_cost: None,
        }
    }
}

/// One node in one year, aggregated.
#[derive(Debug, Clone, Default)]
pub struct NodeYear {
    pub funding: Funding,
    /// Target per indicator; None is "-" (no target set, or not aggregated).
    pub targets: BTreeMap<String, Option<Decimal>>,
    /// Per indicator: (Σ target, Σ budget) over the leaves that have a target.
    pub targeted: BTreeMap<String, (Decimal, Decimal)>,
}

impl NodeYear {
    pub fn target(&self, indicator: &str) -> Option<Decimal> {
        self.targets.get(indicator).copied().flatten()
    }

    /// The 예산 column of an ROI table: a row with a target shows its budget
    /// even when the programme had none that year (0.00).
    pub fn roi_budget(&self, indicator: &str) -> Option<Decimal> {
        match self.target(indicator) {
            Some(_) => Some(self.funding.total().unwrap_or_default()),
            None => self.funding.total(),
        }
    }

    /// 1억원당 = 목표 / 예산 on this row's own sums.
    pub fn roi(&self, indicator: &str) -> Option<Decimal> {
        let t = self.target(indicator)?;
        Some(per_budget(t, self.funding.total().unwrap_or_default()))
    }

    /// 1억원당 over the programmes that have a target (the seed's footnoted figure).
    pub fn targeted_roi(&self, indicator: &str) -> Option<Decimal> {
        self.targeted
            .get(indicator)
            .map(|(t, b)| per_budget(*t, *b))
    }
}

pub type Aggregates = BTreeMap<String, [NodeYear; 2]>;

/// Aggregates every node of the tree for both years.
pub fn aggregate(file: &BudgetFile) -> Aggregates {
    let indicators: Vec<String> = file.indicators.iter().map(|i| i.id.clone()).collect();
    let mut out = Aggregates::new();
    for n in &file.tree {
        agg_node(n, file.years, &indicators, &mut out);
    }
    out
}

fn leaf_year(input: Option<&YearInput>, indicators: &[String]) -> NodeYear {
    let mut ny = NodeYear::default();
    if let Some(y) = input {
        ny.funding = Funding {
            gov: y.gov.map(|a| a.0),
            local: y.local.map(|a| a.0),
            city: y.city.map(|a| a.0),
            project_cost: y.project_cost.map(|a| a.0),
        };
        for k in indicators {
            let t = y.targets.get(k).map(|a| a.0);
            ny.targets.insert(k.clone(), t);
            if let Some(t) = t {
                ny.targeted
                    .insert(k.clone(), (t, ny.funding.total().unwrap_or_default()));
            }
        }
    } else {
        for k in indicators {
            ny.targets.insert(k.clone(), None);
        }
    }
    ny
}

fn agg_node(
    n: &Node,
    years: [u16; 2],
    indicators: &[String],
    out: &mut Aggregates,
) -> [NodeYear; 2] {
    let result = if n.is_leaf() {
        [
            leaf_year(n.amounts.get(&years[0]), indicators),
            leaf_year(n.amounts.get(&years[1]), indicators),
        ]
    } else {
        let kids: Vec<[NodeYear; 2]> = n
            .children
            .iter()
            .map(|c| agg_node(c, years, indicators, out))
            .collect();
        let mut res: [NodeYear; 2] = Default::default();
        for (yi, slot) in res.iter_mut().enumerate() {
            for k in &kids {
                slot.funding.add(&k[yi].funding);
            }
            for ind in indicators {
                let t = if n.targets {
                    sum_present(kids.iter().map(|k| k[yi].target(ind)))
                } else {
                    None
                };
                slot.targets.insert(ind.clone(), t);
                let mut acc: Option<(Decimal, Decimal)> = None;
                for k in &kids {
                    if let Some((t, b)) = k[yi].targeted.get(ind) {
                        let (at, ab) = acc.unwrap_or_default();
                        acc = Some((at + t, ab + b));
                    }
                }
                if let (true, Some(a)) = (n.targets, acc) {
                    slot.targeted.insert(ind.clone(), a);
                }
            }
        }
        res
    };
    out.insert(n.id.clone(), result.clone());
    result
}

/// A signed combination of nodes, parsed from `a + b - c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Combination(pub Vec<(Decimal, String)>);

/// Parses `total - sigungu + other`; ids are node ids.
pub fn parse_combination(expr: &str) -> Result<Combination, String> {
    let mut terms = Vec::new();
    let mut sign = Decimal::ONE;
    let mut expect_term = true;
    for tok in expr.split_whitespace() {
        match (tok, expect_term) {
            ("+", false) => {
                sign = Decimal::ONE;
                expect_term = true;
            }
            ("-", false) => {
                sign = Decimal::NEGATIVE_ONE;
                expect_term = true;
            }
            (id, true) if id != "+" && id != "-" => {
                terms.push((sign, id.to_string()));
                expect_term = false;
            }
            (t, _) => return Err(format!("unexpected `{t}` in `{expr}`")),
        }
    }
    if expect_term {
        return Err(format!(
            "`{expr}` must be node ids joined by + and - (e.g. `total - sigungu`)"
        ));
    }
    Ok(Combination(terms))
}

/// Funding of a combination per year; missing nodes are the caller's error.
pub fn combine(c: &Combination, agg: &Aggregates) -> Option<[Funding; 2]> {
    let mut res: [Funding; 2] = Default::default();
    for (k, id) in &c.0 {
        let ny = agg.get(id)?;
        for yi in 0..2 {
            res[yi].add(&ny[yi].funding.scaled(*k));
        }
    }
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::round_half_up;
    use rust_decimal_macros::dec;

    fn tree() -> BudgetFile {
        serde_saphyr::from_str(
            r#"
id: budget
title: t
unit: 억원
years: [2024, 2025]
indicators: [{ id: jobs, label: 신규고용, unit: 명 }]
tree:
  - id: total
    label: 총 계
    targets: false
    children:
      - id: nonrnd
        label: 비R&D 합계
        children:
          - id: potential
            label: 잠재기업
            amounts:
              2024: { gov: 17.49, local: 2.43, targets: { jobs: 56.76 } }
              2025: { gov: 8.21, local: 0.79, targets: { jobs: 29.25 } }
          - id: tp-equip
            label: TP생산장비고도화
            amounts:
              2025: { gov: 2.25, local: 2.25 }
          - id: sigungu
            label: 시군구연고산업육성
            amounts:
              2025: { gov: 41.05, local: 16.05, city: 7.68, targets: { jobs: 117.03 } }
      - id: eval
        label: 기평비
        amounts:
          2025: { local: 1.00 }
"#,
        )
        .expect("test tree parses")
    }

    #[test]
    fn subtotals_sum_base_fields_and_keep_missing_years_missing() {
        let agg = aggregate(&tree());
        let nonrnd = &agg["nonrnd"];
        assert_eq!(nonrnd[1].funding.gov, Some(dec!(51.51)));
        assert_eq!(nonrnd[1].funding.total(), Some(dec!(70.60)));
        assert_eq!(agg["tp-equip"][0].funding.total(), None);
        assert_eq!(agg["eval"][1].funding.gov, None);
        assert_eq!(agg["eval"][1].funding.total(), Some(dec!(1.00)));
    }

    #[test]
    fn subtotal_ratio_is_ratio_of_sums() {
        let agg = aggregate(&tree());
        let r = agg["nonrnd"][1].roi("jobs").unwrap();
        // (29.25 + 117.03) / (9.00 + 4.50 + 57.10), not a mean of ratios
        assert_eq!(
            round_half_up(r, 4),
            round_half_up(dec!(146.28) / dec!(70.60), 4)
        );
        // without the programme that has no target
        let t = agg["nonrnd"][1].targeted_roi("jobs").unwrap();
        assert_eq!(
            round_half_up(t, 4),
            round_half_up(dec!(146.28) / dec!(66.10), 4)
        );
    }

    #[test]
    fn targets_are_not_aggregated_where_the_node_says_so() {
        let agg = aggregate(&tree());
        assert_eq!(agg["total"][1].target("jobs"), None);
        assert_eq!(agg["total"][1].roi("jobs"), None);
        assert_eq!(agg["total"][1].funding.total(), Some(dec!(71.60)));
    }

    #[test]
    fn provincial_share_is_local_minus_city() {
        let agg = aggregate(&tree());
        assert_eq!(agg["sigungu"][1].funding.prov(), Some(dec!(8.37)));
    }

    #[test]
    fn combinations_add_and_subtract_nodes() {
        let agg = aggregate(&tree());
        let c = parse_combination("total - sigungu").unwrap();
        let f = combine(&c, &agg).unwrap();
        assert_eq!(f[1].total(), Some(dec!(14.50)));
        assert_eq!(f[1].city, Some(dec!(0)));
        assert!(parse_combination("total -").is_err());
        assert!(parse_combination("a b").is_err());
    }
}
