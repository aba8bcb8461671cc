//! Aggregation of a budget tree: leaves carry inputs, every node gets sums.
//! Subtotals sum base fields (국비, 지방비, 목표); ratios are computed later on
//! each row from those sums, never summed themselves.

use super::{add, mul, per_budget, sum_present, CalcError, Checked};
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
    pub fn total(&self) -> Checked<Option<Decimal>> {
        sum_present([self.gov, self.local])
    }

    /// 도비 = 지방비 − 시군비.
    pub fn prov(&self) -> Checked<Option<Decimal>> {
        self.local
            .map(|l| super::sub(l, self.city.unwrap_or_default()))
            .transpose()
    }

    fn add(&mut self, o: &Funding) -> Checked<()> {
        self.gov = sum_present([self.gov, o.gov])?;
        self.local = sum_present([self.local, o.local])?;
        self.city = sum_present([self.city, o.city])?;
        Ok(())
    }

    fn scaled(&self, k: Decimal) -> Checked<Funding> {
        let s = |v: Option<Decimal>| v.map(|v| mul(v, k)).transpose();
        Ok(Funding {
            gov: s(self.gov)?,
            local: s(self.local)?,
            city: s(self.city)?,
            project_cost: None,
        })
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
    /// Per indicator: how far the target may lie from the value written, as
    /// targets are rounded figures (Σ of the leaves' half-units).
    pub target_spread: BTreeMap<String, Decimal>,
}

impl NodeYear {
    pub fn target(&self, indicator: &str) -> Option<Decimal> {
        self.targets.get(indicator).copied().flatten()
    }

    /// The 예산 column of an ROI table: a row with a target shows its budget
    /// even when the programme had none that year (0.00).
    pub fn roi_budget(&self, indicator: &str) -> Checked<Option<Decimal>> {
        let total = self.funding.total()?;
        Ok(match self.target(indicator) {
            Some(_) => Some(total.unwrap_or_default()),
            None => total,
        })
    }

    /// 1억원당 = 목표 / 예산 on this row's own sums.
    pub fn roi(&self, indicator: &str) -> Checked<Option<Decimal>> {
        let Some(t) = self.target(indicator) else {
            return Ok(None);
        };
        per_budget(t, self.funding.total()?.unwrap_or_default()).map(Some)
    }

    /// 1억원당 over the programmes that have a target (the seed's footnoted figure).
    pub fn targeted_roi(&self, indicator: &str) -> Checked<Option<Decimal>> {
        self.targeted
            .get(indicator)
            .map(|(t, b)| per_budget(*t, *b))
            .transpose()
    }
}

pub type Aggregates = BTreeMap<String, [NodeYear; 2]>;

/// A figure of a node that cannot be aggregated; the figure is left "-" so
/// that the rest of the tree still computes, and the caller reports this.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeError {
    pub node: String,
    pub year: u16,
    /// `gov`, `local`, `city`, `total` or `target.<indicator>`.
    pub field: String,
    pub error: CalcError,
}

/// Aggregates every node of the tree for both years.
pub fn aggregate(file: &BudgetFile) -> (Aggregates, Vec<NodeError>) {
    let indicators: Vec<String> = file.indicators.iter().map(|i| i.id.clone()).collect();
    let mut out = Aggregates::new();
    let mut errors = Vec::new();
    for n in &file.tree {
        agg_node(n, file.years, &indicators, &mut out, &mut errors);
    }
    (out, errors)
}

fn leaf_year(
    input: Option<&YearInput>,
    indicators: &[String],
    err: &mut dyn FnMut(&str, CalcError),
) -> NodeYear {
    let mut ny = NodeYear::default();
    if let Some(y) = input {
        ny.funding = Funding {
            gov: y.gov.map(|a| a.0),
            local: y.local.map(|a| a.0),
            city: y.city.map(|a| a.0),
            project_cost: y.project_cost.map(|a| a.0),
        };
        let total = match ny.funding.total() {
            Ok(t) => t.unwrap_or_default(),
            Err(e) => {
                err("total", e);
                Decimal::ZERO
            }
        };
        for k in indicators {
            let t = y.targets.get(k).map(|a| a.0);
            ny.targets.insert(k.clone(), t);
            if let Some(t) = t {
                ny.targeted.insert(k.clone(), (t, total));
                ny.target_spread
                    .insert(k.clone(), Decimal::new(5, (t.scale() + 1).min(28)));
            }
        }
    } else {
        for k in indicators {
            ny.targets.insert(k.clone(), None);
        }
    }
    ny
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn agg_node(
    n: &Node,
    years: [u16; 2],
    indicators: &[String],
    out: &mut Aggregates,
    errors: &mut Vec<NodeError>,
) -> [NodeYear; 2] {
    let result = if n.is_leaf() {
        let mut leaf = |yi: usize| {
            let year = years[yi];
            let mut err = |field: &str, error| {
                errors.push(NodeError {
                    node: n.id.clone(),
                    year,
                    field: field.into(),
                    error,
                })
            };
            leaf_year(n.amounts.get(&year), indicators, &mut err)
        };
        [leaf(0), leaf(1)]
    } else {
        let kids: Vec<[NodeYear; 2]> = n
            .children
            .iter()
            .map(|c| agg_node(c, years, indicators, out, errors))
            .collect();
        let mut res: [NodeYear; 2] = Default::default();
        for (yi, slot) in res.iter_mut().enumerate() {
            // An overflowing figure stays "-" here and is reported once, at
            // the node where it overflows, not again at every ancestor.
            let mut checked = |field: &str, r: Checked<Option<Decimal>>| {
                r.unwrap_or_else(|error| {
                    errors.push(NodeError {
                        node: n.id.clone(),
                        year: years[yi],
                        field: field.into(),
                        error,
                    });
                    None
                })
            };
            slot.funding.gov = checked("gov", sum_present(kids.iter().map(|k| k[yi].funding.gov)));
            slot.funding.local = checked(
                "local",
                sum_present(kids.iter().map(|k| k[yi].funding.local)),
            );
            slot.funding.city =
                checked("city", sum_present(kids.iter().map(|k| k[yi].funding.city)));
            for ind in indicators {
                let field = format!("target.{ind}");
                let t = if n.targets {
                    checked(&field, sum_present(kids.iter().map(|k| k[yi].target(ind))))
                } else {
                    None
                };
                slot.targets.insert(ind.clone(), t);
                if t.is_some() {
                    let spread = kids
                        .iter()
                        .filter_map(|k| k[yi].target_spread.get(ind))
                        .try_fold(Decimal::ZERO, |a, x| a.checked_add(*x));
                    if let Some(x) = spread {
                        slot.target_spread.insert(ind.clone(), x);
                    }
                }
                let mut acc: Checked<Option<(Decimal, Decimal)>> = Ok(None);
                for k in &kids {
                    if let Some((t, b)) = k[yi].targeted.get(ind) {
                        acc = acc.and_then(|a| {
                            let (at, ab) = a.unwrap_or_default();
                            Ok(Some((add(at, *t)?, add(ab, *b)?)))
                        });
                    }
                }
                let acc = match acc {
                    Ok(a) => a,
                    Err(e) => {
                        checked(&field, Err(e));
                        None
                    }
                };
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
pub fn combine(c: &Combination, agg: &Aggregates) -> Option<Checked<[Funding; 2]>> {
    let mut res: [Funding; 2] = Default::default();
    for (k, id) in &c.0 {
        let ny = agg.get(id)?;
        for (r, y) in res.iter_mut().zip(ny.iter()) {
            if let Err(e) = y.funding.scaled(*k).and_then(|f| r.add(&f)) {
                return Some(Err(e));
            }
        }
    }
    Some(Ok(res))
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
        let (agg, _) = aggregate(&tree());
        let nonrnd = &agg["nonrnd"];
        assert_eq!(nonrnd[1].funding.gov, Some(dec!(51.51)));
        assert_eq!(nonrnd[1].funding.total(), Ok(Some(dec!(70.60))));
        assert_eq!(agg["tp-equip"][0].funding.total(), Ok(None));
        assert_eq!(agg["eval"][1].funding.gov, None);
        assert_eq!(agg["eval"][1].funding.total(), Ok(Some(dec!(1.00))));
    }

    #[test]
    fn subtotal_ratio_is_ratio_of_sums() {
        let (agg, _) = aggregate(&tree());
        let r = agg["nonrnd"][1].roi("jobs").unwrap().unwrap();
        // (29.25 + 117.03) / (9.00 + 4.50 + 57.10), not a mean of ratios
        assert_eq!(
            round_half_up(r, 4),
            round_half_up(dec!(146.28) / dec!(70.60), 4)
        );
        // without the programme that has no target
        let t = agg["nonrnd"][1].targeted_roi("jobs").unwrap().unwrap();
        assert_eq!(
            round_half_up(t, 4),
            round_half_up(dec!(146.28) / dec!(66.10), 4)
        );
    }

    #[test]
    fn targets_are_not_aggregated_where_the_node_says_so() {
        let (agg, _) = aggregate(&tree());
        assert_eq!(agg["total"][1].target("jobs"), None);
        assert_eq!(agg["total"][1].roi("jobs"), Ok(None));
        assert_eq!(agg["total"][1].funding.total(), Ok(Some(dec!(71.60))));
    }

    #[test]
    fn provincial_share_is_local_minus_city() {
        let (agg, _) = aggregate(&tree());
        assert_eq!(agg["sigungu"][1].funding.prov(), Ok(Some(dec!(8.37))));
    }

    #[test]
    fn combinations_add_and_subtract_nodes() {
        let (agg, _) = aggregate(&tree());
        let c = parse_combination("total - sigungu").unwrap();
        let f = combine(&c, &agg).unwrap().unwrap();
        assert_eq!(f[1].total(), Ok(Some(dec!(14.50))));
        assert_eq!(f[1].city, Some(dec!(0)));
        assert!(parse_combination("total -").is_err());
        assert!(parse_combination("a b").is_err());
    }

    #[test]
    fn a_leaf_overflowing_its_parent_is_an_error_at_the_parent() {
        let f: BudgetFile = serde_saphyr::from_str(
            r#"
id: budget
title: t
unit: 억원
years: [2024, 2025]
indicators: [{ id: jobs, label: 신규고용, unit: 명 }]
tree:
  - id: total
    label: 총 계
    children:
      - id: a
        label: A
        amounts:
          2025: { gov: "79228162514264337593543950335", targets: { jobs: "79228162514264337593543950335" } }
      - id: b
        label: B
        amounts:
          2025: { gov: "79228162514264337593543950335", local: 1, targets: { jobs: 1 } }
"#,
        )
        .expect("test tree parses");
        let (agg, errors) = aggregate(&f);
        let fields: Vec<(&str, u16, &str)> = errors
            .iter()
            .map(|e| (e.node.as_str(), e.year, e.field.as_str()))
            .collect();
        assert!(fields.contains(&("total", 2025, "gov")), "{errors:?}");
        assert!(
            fields.contains(&("total", 2025, "target.jobs")),
            "{errors:?}"
        );
        // b's own total (MAX + 1) overflows too.
        assert!(fields.contains(&("b", 2025, "total")), "{errors:?}");
        assert_eq!(agg["total"][1].funding.gov, None);
        assert!(agg["b"][1].funding.total().is_err());
        assert_eq!(
            errors[0].error.to_string(),
            "the sum overflows the decimal range (max 7.9e28)"
        );
    }
}
