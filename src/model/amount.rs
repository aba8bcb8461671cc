//! A decimal amount read from YAML without going through binary floating point.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// What an author reads for `.nan`, `.inf` or `-.inf` where a figure belongs.
pub const NOT_FINITE: &str =
    "`.nan` and `.inf` are not figures: write a finite number such as 3.675 (or `-` for not applicable)";

/// An exact decimal, read from the scalar's text: `3.675` is 3.675 and
/// `1.50` keeps its scale of 2 (the precision it was written with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount(pub Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number such as 3.675")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Amount, E> {
                Decimal::try_from_i128_with_scale(v, 0)
                    .map(Amount)
                    .map_err(|_| E::custom(format!("{v} is out of range for an amount")))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Amount, E> {
                i128::try_from(v)
                    .map_err(|_| E::custom(format!("{v} is out of range for an amount")))
                    .and_then(|v| self.visit_i128(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom(NOT_FINITE));
                }
                Decimal::from_str(&format!("{v}"))
                    .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
                    .map(Amount)
                    .map_err(|_| E::custom(format!("{v} is out of range for an amount")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                let t = v.trim().replace(',', "");
                let (neg, t) = match t.strip_prefix('△') {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, t),
                };
                let lower = t.to_ascii_lowercase();
                if matches!(
                    lower.trim_start_matches(['+', '-']),
                    ".nan" | ".inf" | "nan" | "inf"
                ) {
                    return Err(E::custom(NOT_FINITE));
                }
                let d = Decimal::from_str(&t)
                    .or_else(|_| Decimal::from_scientific(&t))
                    .map_err(|_| {
                        E::invalid_value(de::Unexpected::Str(v), &"a number such as 3.675")
                    })?;
                Ok(Amount(if neg { -d } else { d }))
            }
        }
        // Asked for as text, the parser hands over the scalar as written:
        // `1.50` keeps its two decimals (its written precision, which the
        // audit needs) and never passes through binary floating point.
        d.deserialize_str(V)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.fmt(f)
    }
}
