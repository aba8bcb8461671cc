#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! Pure arithmetic on plan numbers. No files, no HTML.

pub mod budget;
pub mod expr;
pub mod interval;
pub mod perf;
pub mod typology;

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// What can go wrong in plan arithmetic. Copy, so that formula values stay Copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalcError {
    /// A sum, difference, product or quotient beyond rust_decimal's range.
    Overflow(Op),
    /// An f64 result (a growth rate) that is NaN, infinite or out of range.
    OutOfRange(&'static str),
    /// A formula read a figure that failed itself; only the first failure
    /// is worth reporting, so this one is not.
    Upstream,
    /// A formula cell that depends on itself (reported once, per cycle).
    Cycle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Sum,
    Difference,
    Product,
    Quotient,
}

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            CalcError::Overflow(op) => write!(
                f,
                "the {} overflows the decimal range (max 7.9e28)",
                match op {
                    Op::Sum => "sum",
                    Op::Difference => "difference",
                    Op::Product => "product",
                    Op::Quotient => "quotient",
                }
            ),
            CalcError::OutOfRange(what) => {
                write!(
                    f,
                    "the {what} is not a finite number within the decimal range"
                )
            }
            CalcError::Upstream => f.write_str("it reads a figure that cannot be computed"),
            CalcError::Cycle => f.write_str("it is part of a reference cycle"),
        }
    }
}

impl std::error::Error for CalcError {}

pub type Checked<T> = Result<T, CalcError>;

pub fn add(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_add(b).ok_or(CalcError::Overflow(Op::Sum))
}

pub fn sub(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_sub(b).ok_or(CalcError::Overflow(Op::Difference))
}

pub fn mul(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_mul(b).ok_or(CalcError::Overflow(Op::Product))
}

/// Callers decide what a zero divisor means before dividing (the plan prints
/// 0.00 or "-"); a zero here is reported like an overflow rather than panicking.
pub fn div(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_div(b).ok_or(CalcError::Overflow(Op::Quotient))
}

/// Sum of an iterator of values, checked.
pub fn sum<I: IntoIterator<Item = Decimal>>(it: I) -> Checked<Decimal> {
    it.into_iter().try_fold(Decimal::ZERO, add)
}

/// Half-up rounding as printed in the plan (0.965 → 0.97, △0.965 → △0.97).
pub fn round_half_up(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Sum of the values that are present; None when none is (a "-" subtotal).
pub fn sum_present<I: IntoIterator<Item = Option<Decimal>>>(it: I) -> Checked<Option<Decimal>> {
    it.into_iter()
        .flatten()
        .try_fold(None, |acc: Option<Decimal>, v| {
            add(acc.unwrap_or_default(), v).map(Some)
        })
}

/// 증감 = this year − last year, "-" counting as 0, and "-" when both are "-".
pub fn delta(prev: Option<Decimal>, cur: Option<Decimal>) -> Checked<Option<Decimal>> {
    match (prev, cur) {
        (None, None) => Ok(None),
        (p, c) => sub(c.unwrap_or_default(), p.unwrap_or_default()).map(Some),
    }
}

/// 1억원당 = value / budget; the plan prints 0.00 when both are zero, and so
/// does any target over a zero budget (no division by zero reaches a page).
pub fn per_budget(value: Decimal, budget: Decimal) -> Checked<Decimal> {
    if budget.is_zero() {
        Ok(Decimal::ZERO)
    } else {
        div(value, budget)
    }
}

/// part / whole × 100, None over a zero whole.
fn percent(part: Decimal, whole: Decimal) -> Checked<Option<Decimal>> {
    if whole.is_zero() {
        return Ok(None);
    }
    mul(div(part, whole)?, Decimal::ONE_HUNDRED).map(Some)
}

/// 달성율 (%) = performance / target × 100.
pub fn achievement(performance: Decimal, target: Decimal) -> Checked<Option<Decimal>> {
    percent(performance, target)
}

/// Share (%) of a part in a whole.
pub fn share(part: Decimal, whole: Decimal) -> Checked<Option<Decimal>> {
    percent(part, whole)
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
            Ok(Some(dec!(5.25)))
        );
        assert_eq!(sum_present([None, None]), Ok(None));
    }

    #[test]
    fn delta_counts_missing_as_zero() {
        // 잠재기업 국비: 17.49 → 8.21 is △9.28
        assert_eq!(
            delta(Some(dec!(17.49)), Some(dec!(8.21))),
            Ok(Some(dec!(-9.28)))
        );
        // 자율기획: new in '25
        assert_eq!(delta(None, Some(dec!(0.82))), Ok(Some(dec!(0.82))));
        assert_eq!(delta(None, None), Ok(None));
    }

    #[test]
    fn per_budget_of_the_seed() {
        // R&D + 비R&D 합계 신규고용 '25: 229.18 / 127.27 = 1.80
        assert_eq!(
            round_half_up(per_budget(dec!(229.18), dec!(127.27)).unwrap(), 2),
            dec!(1.80)
        );
        // 2.0 '24: no budget, no target → 0.00
        assert_eq!(per_budget(dec!(0), dec!(0)), Ok(dec!(0)));
    }

    #[test]
    fn delta_of_ratios_uses_unrounded_ratios() {
        // 2.345 and 2.354 both print as 2.35, yet the change is 0.009 → 0.01
        let (prev, cur) = (
            per_budget(dec!(23.45), dec!(10)).unwrap(),
            per_budget(dec!(23.54), dec!(10)).unwrap(),
        );
        assert_eq!(
            round_half_up(delta(Some(prev), Some(cur)).unwrap().unwrap(), 2),
            dec!(0.01)
        );
        // the seed's 지역주력산업육성 소계, 사업화매출액: 101.10/39.88 → 24.00/9.60 is △0.04
        let d = delta(
            per_budget(dec!(101.10), dec!(39.88)).ok(),
            per_budget(dec!(24.00), dec!(9.60)).ok(),
        );
        assert_eq!(round_half_up(d.unwrap().unwrap(), 2), dec!(-0.04));
    }

    #[test]
    fn achievement_and_share() {
        assert_eq!(achievement(dec!(50), dec!(40)), Ok(Some(dec!(125))));
        assert_eq!(achievement(dec!(1), dec!(0)), Ok(None));
        assert_eq!(
            round_half_up(share(dec!(57.10), dec!(146.12)).unwrap().unwrap(), 2),
            dec!(39.08)
        );
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let max = Decimal::MAX;
        assert_eq!(add(max, max), Err(CalcError::Overflow(Op::Sum)));
        assert_eq!(
            sub(Decimal::MIN, max),
            Err(CalcError::Overflow(Op::Difference))
        );
        assert_eq!(mul(max, dec!(2)), Err(CalcError::Overflow(Op::Product)));
        assert_eq!(div(max, dec!(0.5)), Err(CalcError::Overflow(Op::Quotient)));
        assert_eq!(
            div(max, Decimal::ZERO),
            Err(CalcError::Overflow(Op::Quotient))
        );
        assert!(sum_present([Some(max), None, Some(max)]).is_err());
        assert!(delta(Some(Decimal::MIN), Some(max)).is_err());
        assert!(per_budget(max, dec!(0.1)).is_err());
        assert!(achievement(max, dec!(1)).is_err());
        assert!(share(max, dec!(0.5)).is_err());
        assert_eq!(
            add(max, max).unwrap_err().to_string(),
            "the sum overflows the decimal range (max 7.9e28)"
        );
    }
}
