//! Interval arithmetic in exact decimals: the range of values a derived
//! figure can take when its inputs are known only to their printed
//! precision. `94` and `145` transcribed from a table in 백억원 stand for
//! anything in [93.5, 94.5] and [144.5, 145.5], so their 5-year CAGR is any
//! value in [8.86 %, 9.25 %], and a printed 8.90 is consistent with them.
//!
//! Every operation is checked; an overflow, a divisor interval holding zero
//! or a growth rate undefined somewhere in the range gives `None` (the range
//! is unknown and the audit falls back to the exact comparison).

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lo: Decimal,
    pub hi: Decimal,
}

impl Interval {
    pub fn exact(v: Decimal) -> Interval {
        Interval { lo: v, hi: v }
    }

    /// A figure rounded at the decimals it is written with: `1.50` is
    /// [1.495, 1.505], `94` is [93.5, 94.5].
    /// None when the bounds leave the decimal range.
    pub fn printed(v: Decimal) -> Option<Interval> {
        let h = half_unit(v.scale());
        Some(Interval {
            lo: v.checked_sub(h)?,
            hi: v.checked_add(h)?,
        })
    }

    fn new(a: Decimal, b: Decimal) -> Interval {
        Interval {
            lo: a.min(b),
            hi: a.max(b),
        }
    }

    pub fn plus(self, o: Interval) -> Option<Interval> {
        Some(Interval {
            lo: self.lo.checked_add(o.lo)?,
            hi: self.hi.checked_add(o.hi)?,
        })
    }

    pub fn minus(self, o: Interval) -> Option<Interval> {
        Some(Interval {
            lo: self.lo.checked_sub(o.hi)?,
            hi: self.hi.checked_sub(o.lo)?,
        })
    }

    pub fn negated(self) -> Interval {
        Interval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    pub fn times(self, o: Interval) -> Option<Interval> {
        let p = [
            self.lo.checked_mul(o.lo)?,
            self.lo.checked_mul(o.hi)?,
            self.hi.checked_mul(o.lo)?,
            self.hi.checked_mul(o.hi)?,
        ];
        let lo = p.iter().copied().min()?;
        let hi = p.iter().copied().max()?;
        Some(Interval { lo, hi })
    }

    /// None when the divisor's range holds zero: the quotient is unbounded.
    pub fn over(self, o: Interval) -> Option<Interval> {
        if o.lo <= Decimal::ZERO && o.hi >= Decimal::ZERO {
            return None;
        }
        let q = [
            self.lo.checked_div(o.lo)?,
            self.lo.checked_div(o.hi)?,
            self.hi.checked_div(o.lo)?,
            self.hi.checked_div(o.hi)?,
        ];
        let lo = q.iter().copied().min()?;
        let hi = q.iter().copied().max()?;
        Some(Interval { lo, hi })
    }

    pub fn scale(self, k: Decimal) -> Option<Interval> {
        Some(Interval::new(
            self.lo.checked_mul(k)?,
            self.hi.checked_mul(k)?,
        ))
    }

    /// part / whole × 100.
    pub fn pct(self, whole: Interval) -> Option<Interval> {
        self.over(whole)?.scale(Decimal::ONE_HUNDRED)
    }

    /// Compound annual growth in % over `years`: increasing in `last`,
    /// decreasing in `first`, so the bounds are at the corners. Defined only
    /// where `first` is positive and `last` not negative over the whole range.
    pub fn cagr(first: Interval, last: Interval, years: Decimal) -> Option<Interval> {
        if first.lo <= Decimal::ZERO || last.lo < Decimal::ZERO || years <= Decimal::ZERO {
            return None;
        }
        let g = |a: Decimal, b: Decimal| -> Option<Decimal> {
            let (a, b, n) = (a.to_f64()?, b.to_f64()?, years.to_f64()?);
            let v = ((b / a).powf(1.0 / n) - 1.0) * 100.0;
            // f64 carries about 15 digits: the bound is widened by far less
            // than any printed precision, and never narrowed.
            Decimal::from_f64(v).map(|d| d.round_dp(12))
        };
        let eps = Decimal::new(1, 10);
        Some(Interval {
            lo: g(first.hi, last.lo)?.checked_sub(eps)?,
            hi: g(first.lo, last.hi)?.checked_add(eps)?,
        })
    }

    /// True when some value of the range rounds half-up at `dp` decimals to
    /// `printed`: the values that print as `p` lie in [p − ½u, p + ½u].
    pub fn admits(self, printed: Decimal, dp: u32) -> bool {
        let h = half_unit(dp);
        let (Some(lo), Some(hi)) = (printed.checked_sub(h), printed.checked_add(h)) else {
            return false;
        };
        self.lo <= hi && self.hi >= lo
    }

    pub fn contains(self, v: Decimal) -> bool {
        self.lo <= v && v <= self.hi
    }
}

/// Half a unit of the last written decimal: 0.005 for two decimals.
fn half_unit(dp: u32) -> Decimal {
    // 5 × 10^-(dp+1); rust_decimal holds at most 28 decimals.
    Decimal::new(5, (dp + 1).min(28))
}

/// The sum of intervals, checked.
pub fn sum(it: impl IntoIterator<Item = Interval>) -> Option<Interval> {
    it.into_iter()
        .try_fold(Interval::exact(Decimal::ZERO), |acc, x| acc.plus(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn p(v: Decimal) -> Interval {
        Interval::printed(v).expect("in range")
    }

    #[test]
    fn printed_figures_stand_for_their_rounding_interval() {
        assert_eq!(
            Interval::printed(dec!(94)),
            Some(Interval {
                lo: dec!(93.5),
                hi: dec!(94.5)
            })
        );
        assert_eq!(
            p(dec!(1.50)),
            Interval {
                lo: dec!(1.495),
                hi: dec!(1.505)
            }
        );
    }

    #[test]
    fn a_cagr_of_two_rounded_integers() {
        // 94 → 145 over 5 years: the example, 8.86 % to 9.25 %.
        let r = Interval::cagr(p(dec!(94)), p(dec!(145)), dec!(5)).expect("defined");
        // By hand: (144.5/94.5)^(1/5) − 1 = 8.8647 %, (145.5/93.5)^(1/5) − 1 = 9.2472 %.
        assert!((r.lo - dec!(8.8647)).abs() < dec!(0.0001), "{r:?}");
        assert!((r.hi - dec!(9.2472)).abs() < dec!(0.0001), "{r:?}");
        assert!(r.admits(dec!(8.90), 2));
        assert!(r.admits(dec!(9.06), 2));
        assert!(!r.admits(dec!(9.30), 2));
        assert!(!r.admits(dec!(8.80), 2));
    }

    #[test]
    fn a_share_of_rounded_parts() {
        // 12.3 of (12.3 + 45.6): [12.25, 12.35] / [57.8, 58.0] × 100.
        let part = p(dec!(12.3));
        let whole = part.plus(p(dec!(45.6))).expect("sum");
        assert_eq!(
            whole,
            Interval {
                lo: dec!(57.8),
                hi: dec!(58.0)
            }
        );
        let s = part.pct(whole).expect("share");
        // By hand: 12.25/58.0 = 21.1207 %, 12.35/57.8 = 21.3668 %.
        assert!((s.lo - dec!(21.1207)).abs() < dec!(0.0001), "{s:?}");
        assert!((s.hi - dec!(21.3668)).abs() < dec!(0.0001), "{s:?}");
        assert!(s.admits(dec!(21.2), 1) && s.admits(dec!(21.4), 1));
        assert!(!s.admits(dec!(21.0), 1));
    }

    #[test]
    fn a_ratio_of_averages() {
        // (10.5 + 11.5) / 2 over (2.0 + 2.2) / 2, all printed.
        let a = sum([p(dec!(10.5)), p(dec!(11.5))])
            .and_then(|s| s.over(Interval::exact(dec!(2))))
            .expect("mean");
        let b = sum([p(dec!(2.0)), p(dec!(2.2))])
            .and_then(|s| s.over(Interval::exact(dec!(2))))
            .expect("mean");
        let r = a.over(b).expect("ratio");
        // By hand: [10.95, 11.05] / [2.05, 2.15] = [5.0930, 5.3902].
        assert!((r.lo - dec!(5.0930)).abs() < dec!(0.0001), "{r:?}");
        assert!((r.hi - dec!(5.3902)).abs() < dec!(0.0001), "{r:?}");
    }

    #[test]
    fn exact_inputs_give_exact_results_and_unbounded_ranges_are_none() {
        let r = Interval::exact(dec!(3.675))
            .plus(Interval::exact(dec!(1.575)))
            .expect("sum");
        assert_eq!(r, Interval::exact(dec!(5.250)));
        assert!(r.admits(dec!(5.25), 2));
        assert!(!r.admits(dec!(5.26), 2));
        assert!(p(dec!(1)).over(p(dec!(0))).is_none());
        assert!(Interval::cagr(p(dec!(0)), Interval::exact(dec!(5)), dec!(5)).is_none());
        assert!(Interval::exact(Decimal::MAX)
            .plus(Interval::exact(Decimal::MAX))
            .is_none());
    }
}
