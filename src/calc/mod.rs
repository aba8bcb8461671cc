//! Pure arithmetic on plan numbers. No files, no HTML.

pub mod budget;
pub mod expr;
pub mod perf;
pub mod typology;

use rust_decimal::{Decimal, RoundingStrategy};

/// Half-up rounding as printed in the plan (0.965 → 0.97, △0.965 → △0.97).
pub fn round_half_up(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Sum of the values that are present; None when none is (a "-" subtotal).
pub fn sum_present<I: IntoIterator<Item = Option<Decimal>>>(it: I) -> Option<Decimal> {
    it.into_iter()
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or_default() + v))
}

/// 증감 = this year − last year, "-" counting as 0, and "-" when both are "-".
pub fn delta(prev: Option<Decimal>, cur: Option<Decimal>) -> Option<Decimal> {
    match (prev, cur) {
        (None, None) => None,
        (p, c) => Some(c.unwrap_or_default() - p.unwrap_or_default()),
    }
}

/// 1억원당 = value / budget; the plan prints 0.00 when both are zero, and so
/// does any target over a zero budget (no division by zero reaches a page).
pub fn per_budget(value: Decimal, budget: Decimal) -> Decimal {
    if budget.is_zero() {
        Decimal::ZERO
    } else {
        value / budget
    }
}

/// 달성율 (%) = performance / target × 100.
pub fn achievement(performance: Decimal, target: Decimal) -> Option<Decimal> {
    (!target.is_zero()).then(|| performance / target * Decimal::ONE_HUNDRED)
}

/// Share (%) of a part in a whole.
pub fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| part / whole * Decimal::ONE_HUNDRED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_not_to_even() {
        assert_eq!(round_half_up(dec!(0.965), 2), dec!(0.97));
        assert_eq!(round_half_up(dec!(0.125), 2), dec!(0.13));
        assert_eq!(round_half_up(dec!(-0.965), 2), dec!(-0.97));
        assert_eq!(round_half_up(dec!(17.325), 2), dec!(17.33));
    }

    #[test]
    fn sums_skip_missing_but_stay_missing_when_all_are() {
        assert_eq!(
            sum_present([None, Some(dec!(3.675)), Some(dec!(1.575))]),
            Some(dec!(5.25))
        );
        assert_eq!(sum_present([None, None]), None);
    }

    #[test]
    fn delta_counts_missing_as_zero() {
        // 잠재기업 국비: 17.49 → 8.21 is △9.28
        assert_eq!(
            delta(Some(dec!(17.49)), Some(dec!(8.21))),
            Some(dec!(-9.28))
        );
        // 자율기획: new in '25
        assert_eq!(delta(None, Some(dec!(0.82))), Some(dec!(0.82)));
        assert_eq!(delta(None, None), None);
    }

    #[test]
    fn per_budget_of_the_seed() {
        // R&D + 비R&D 합계 신규고용 '25: 229.18 / 127.27 = 1.80
        assert_eq!(
            round_half_up(per_budget(dec!(229.18), dec!(127.27)), 2),
            dec!(1.80)
        );
        // 2.0 '24: no budget, no target → 0.00
        assert_eq!(per_budget(dec!(0), dec!(0)), dec!(0));
    }

    #[test]
    fn delta_of_ratios_uses_unrounded_ratios() {
        // 2.345 and 2.354 both print as 2.35, yet the change is 0.009 → 0.01
        let (prev, cur) = (
            per_budget(dec!(23.45), dec!(10)),
            per_budget(dec!(23.54), dec!(10)),
        );
        assert_eq!(
            round_half_up(delta(Some(prev), Some(cur)).unwrap(), 2),
            dec!(0.01)
        );
        // the seed's 지역주력산업육성 소계, 사업화매출액: 101.10/39.88 → 24.00/9.60 is △0.04
        let d = delta(
            Some(per_budget(dec!(101.10), dec!(39.88))),
            Some(per_budget(dec!(24.00), dec!(9.60))),
        );
        assert_eq!(round_half_up(d.unwrap(), 2), dec!(-0.04));
    }

    #[test]
    fn achievement_and_share() {
        assert_eq!(achievement(dec!(50), dec!(40)), Some(dec!(125)));
        assert_eq!(achievement(dec!(1), dec!(0)), None);
        assert_eq!(
            round_half_up(share(dec!(57.10), dec!(146.12)).unwrap(), 2),
            dec!(39.08)
        );
    }
}
