//! Chapter III-1 rules: three-year averages, ROI, achievement, the 110 %
//! column and the target-setting rule ① / ②.

use super::{add, div, mul, sum, Checked};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Sum over the history of a programme given its average over its own
/// active years (a programme younger than the span averages over fewer).
pub fn history_sum(average: Decimal, active_years: usize) -> Checked<Decimal> {
    mul(average, Decimal::from(active_years))
}

/// A subtotal's three-year average: the children's history sums over the
/// full span, whatever the children's ages (the seed's 주력 소계 divides the
/// one-year 혁신선도기업육성 by 3).
pub fn span_average(sums: impl IntoIterator<Item = Decimal>, span: usize) -> Checked<Decimal> {
    let s = sum(sums)?;
    if span == 0 {
        Ok(Decimal::ZERO)
    } else {
        div(s, Decimal::from(span))
    }
}

/// 3개년 평균 성과 (110%): 1.1 × the unrounded three-year result ROI.
pub fn challenge(ap: Decimal) -> Checked<Decimal> {
    mul(ap, dec!(1.1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// ① 1.1 × AP is above last year's target: take it.
    AboveLastTarget,
    /// ② otherwise: the mean of max(last result ROI, 1.1 × AP) and last year's target.
    MeanWithLastTarget,
}

/// The target rule of the seed (text of III-1 (2)): AP is the three-year
/// result ROI, `last_result` the latest year's result ROI, `last_target` the
/// previous plan year's target ROI. Equality falls to ② (the text only
/// states ① for "greater than").
pub fn target_rule(
    ap: Decimal,
    last_result: Decimal,
    last_target: Decimal,
) -> Checked<(Decimal, Branch)> {
    let x = challenge(ap)?;
    Ok(if x > last_target {
        (x, Branch::AboveLastTarget)
    } else {
        (
            div(add(x.max(last_result), last_target)?, dec!(2))?,
            Branch::MeanWithLastTarget,
        )
    })
}

/// 특허 건수 = 출원 × 1.0 + 등록 × 1.5.
pub fn patent_count(applications: Decimal, registrations: Decimal) -> Checked<Decimal> {
    add(applications, mul(registrations, dec!(1.5))?)
}

/// A target from an ROI decision and a budget base (자율지표: ROI × 예산).
pub fn target_from_roi(roi: Decimal, budget: Decimal) -> Checked<Decimal> {
    mul(roi, budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::{per_budget, round_half_up};

    #[test]
    fn averages_follow_the_partial_year_rule() {
        // 주력 소계 신규고용: 24.61 + 18.19 + 24.28 over 3 years and 혁신선도기업육성 7.26 for 1 year
        let sums = [
            history_sum(dec!(24.61), 3).unwrap(),
            history_sum(dec!(18.19), 3).unwrap(),
            history_sum(dec!(24.28), 3).unwrap(),
            history_sum(dec!(7.26), 1).unwrap(),
        ];
        assert_eq!(
            round_half_up(span_average(sums, 3).unwrap(), 2),
            dec!(69.50)
        );
        // 성장사다리 소계 예산: 지역혁신선도 ran two years
        let sums = [
            history_sum(dec!(3.93), 2).unwrap(),
            history_sum(dec!(13.87), 3).unwrap(),
            history_sum(dec!(22.18), 3).unwrap(),
        ];
        assert_eq!(
            round_half_up(span_average(sums, 3).unwrap(), 2),
            dec!(38.67)
        );
    }

    #[test]
    fn rule_reproduces_the_seed_jobs_targets() {
        // (AP = 3-year result / budget, P23 = 2023 result / budget, T24 = '24 target / budget)
        let cases = [
            // 천연물: 21.98/29.42, 25.44/30.65, 8.82/9.28 → ② 0.89
            (
                dec!(21.98),
                dec!(29.42),
                dec!(25.44),
                dec!(30.65),
                dec!(8.82),
                dec!(9.28),
                dec!(0.89),
            ),
            // 세라믹 → ② 0.75
            (
                dec!(17.59),
                dec!(28.10),
                dec!(22.79),
                dec!(28.50),
                dec!(7.91),
                dec!(11.30),
                dec!(0.75),
            ),
            // 디지털 → ② 1.18
            (
                dec!(28.54),
                dec!(29.20),
                dec!(33.86),
                dec!(32.00),
                dec!(12.42),
                dec!(9.70),
                dec!(1.18),
            ),
        ];
        for (p3, b3, p23, b23, t24, b24, want) in cases {
            let (v, branch) = target_rule(
                per_budget(p3, b3).unwrap(),
                per_budget(p23, b23).unwrap(),
                per_budget(t24, b24).unwrap(),
            )
            .unwrap();
            assert_eq!(round_half_up(v, 2), want);
            assert_eq!(branch, Branch::MeanWithLastTarget);
        }
        // 지역스타기업 사업화매출액: 91.51/13.87 × 1.1 = 7.26 > 6.50 → ①
        let (v, branch) = target_rule(
            per_budget(dec!(91.51), dec!(13.87)).unwrap(),
            dec!(5.92),
            dec!(6.50),
        )
        .unwrap();
        assert_eq!(
            (round_half_up(v, 2), branch),
            (dec!(7.26), Branch::AboveLastTarget)
        );
    }

    #[test]
    fn challenge_column_uses_the_unrounded_roi() {
        // 세라믹 사업화매출액: 86.15/28.10 = 3.0658 → × 1.1 = 3.37 (not 3.38 from the rounded 3.07)
        assert_eq!(
            round_half_up(
                challenge(per_budget(dec!(86.15), dec!(28.10)).unwrap()).unwrap(),
                2
            ),
            dec!(3.37)
        );
    }

    #[test]
    fn autonomous_indicators() {
        assert_eq!(patent_count(dec!(10), dec!(4)), Ok(dec!(16.0)));
        // 사업화수출액: ROI 0.60 × 65.67 = 39.40; 특허: 0.58 × 34.35 = 19.92
        assert_eq!(
            round_half_up(target_from_roi(dec!(0.60), dec!(65.67)).unwrap(), 2),
            dec!(39.40)
        );
        assert_eq!(
            round_half_up(target_from_roi(dec!(0.58), dec!(34.35)).unwrap(), 2),
            dec!(19.92)
        );
    }

    #[test]
    fn rule_arithmetic_overflows_to_errors() {
        let max = Decimal::MAX;
        assert!(history_sum(max, 3).is_err());
        assert!(span_average([max, max], 2).is_err());
        assert!(challenge(max).is_err());
        assert!(target_rule(dec!(0), max, max).is_err());
        assert!(patent_count(max, max).is_err());
        assert!(target_from_roi(max, dec!(2)).is_err());
    }
}
