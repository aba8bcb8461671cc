#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
//! Number formatting as the plan prints it: half-up rounding, thousands
//! separators, △ for negatives. Shared by rendering and by the published-figure
//! audit, so both agree on what "printed" means.

use crate::calc::round_half_up;
use crate::model::table::{Cell, NumFormat};
use rust_decimal::Decimal;

/// A page number in lower-case Roman numerals (`4` → `iv`), as the published
/// plan numbers the pages of its attachments. Zero has no numeral: empty.
pub fn lower_roman(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// Decimals used for a value under a format.
pub fn decimals(v: Decimal, f: NumFormat) -> u32 {
    match f {
        NumFormat::Fixed(dp) => dp,
        NumFormat::Amount => {
            if round_half_up(v, 3) == round_half_up(v, 2) {
                2
            } else {
                3
            }
        }
    }
}

/// `-9.99` → `△9.99`, `1234.5` at 2 dp → `1,234.50`.
pub fn format_fixed(v: Decimal, dp: u32) -> String {
    let r = round_half_up(v, dp);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.*}", dp as usize, r.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let mut out = String::new();
    if neg {
        out.push('△');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

pub fn format_num(v: Decimal, f: NumFormat) -> String {
    format_fixed(v, decimals(v, f))
}

/// A cell as printed: `-`, `자료 입력 필요`, `3.675`, `8.00 (71.72)`, `4.38 (4.61)*`.
pub fn format_cell(c: &Cell) -> String {
    match c {
        Cell::Missing => "-".into(),
        Cell::ToSupply => crate::edition::TO_SUPPLY.into(),
        Cell::Text(t) | Cell::Masked(t) => t.clone(),
        Cell::Num {
            value,
            format,
            paren,
            mark,
        } => {
            let mut s = format_num(*value, *format);
            if let Some(p) = paren {
                s.push_str(&format!(" ({})", format_num(*p, *format)));
            }
            if let Some(m) = mark {
                s.push_str(m);
            }
            s
        }
    }
}

/// A printed figure parsed back: value, decimals, parenthesised value.
#[derive(Debug, Clone, PartialEq)]
pub enum Printed {
    Missing,
    Masked(String),
    Num {
        value: Decimal,
        dp: u32,
        paren: Option<(Decimal, u32)>,
    },
}

fn parse_num(s: &str) -> Option<(Decimal, u32)> {
    let s = s.trim().replace(',', "");
    let (neg, body) = match s.strip_prefix('△').or_else(|| s.strip_prefix('-')) {
        Some(b) if !b.is_empty() => (true, b.to_string()),
        _ => (false, s.clone()),
    };
    let d: Decimal = body.parse().ok()?;
    let dp = body.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    Some((if neg { -d } else { d }, dp))
}

/// Parses what the seed prints: `-`, `***`, `△9.99`, `8.00 (71.72)`, `4.38 (4.61)*`.
pub fn parse_printed(s: &str) -> Option<Printed> {
    if s.trim().starts_with("**") {
        return Some(Printed::Masked(s.trim().to_string()));
    }
    let t = s.trim().trim_end_matches('*').trim();
    if t == "-" {
        return Some(Printed::Missing);
    }
    let (main, paren) = match t.split_once('(') {
        Some((m, p)) => (m.trim(), Some(p.trim().trim_end_matches(')').trim())),
        None => (t, None),
    };
    let (value, dp) = parse_num(main)?;
    let paren = match paren {
        Some(p) => Some(parse_num(p)?),
        None => None,
    };
    Some(Printed::Num { value, dp, paren })
}

/// Does a computed cell print as the published figure, at the printed precision?
/// A dash and a zero are the same figure: the plan's tables print "-" for
/// nothing and for a zero difference alike, and 0.00 for a budget not set.
pub fn matches_printed(cell: &Cell, printed: &Printed) -> bool {
    match (cell, printed) {
        (Cell::Missing, Printed::Missing) => true,
        (
            Cell::Missing,
            Printed::Num {
                value, paren: None, ..
            },
        ) => value.is_zero(),
        (
            Cell::Num {
                value, paren: None, ..
            },
            Printed::Missing,
        ) => value.is_zero(),
        (Cell::Masked(_), Printed::Masked(_)) => true,
        (_, Printed::Masked(_)) => true,
        (
            Cell::Num {
                value, paren: cp, ..
            },
            Printed::Num {
                value: pv,
                dp,
                paren,
            },
        ) => {
            let main_ok = round_half_up(*value, *dp) == *pv;
            let paren_ok = match (cp, paren) {
                (_, None) => true,
                (Some(c), Some((p, pdp))) => round_half_up(*c, *pdp) == *p,
                (None, Some(_)) => false,
            };
            main_ok && paren_ok
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn roman_page_numbers() {
        let got: Vec<String> = [1, 2, 3, 4, 9, 14, 23, 40, 49, 1994]
            .into_iter()
            .map(lower_roman)
            .collect();
        assert_eq!(
            got,
            ["i", "ii", "iii", "iv", "ix", "xiv", "xxiii", "xl", "xlix", "mcmxciv"]
        );
        assert_eq!(lower_roman(0), "");
    }

    #[test]
    fn formats_like_the_plan() {
        assert_eq!(format_num(dec!(-9.99), NumFormat::Amount), "△9.99");
        assert_eq!(format_num(dec!(101.195), NumFormat::Amount), "101.195");
        assert_eq!(format_num(dec!(146.12), NumFormat::Amount), "146.12");
        assert_eq!(format_num(dec!(0), NumFormat::Fixed(2)), "0.00");
        assert_eq!(
            format_num(dec!(1234567.891), NumFormat::Fixed(2)),
            "1,234,567.89"
        );
        assert_eq!(format_num(dec!(-0.001), NumFormat::Fixed(2)), "0.00");
        assert_eq!(format_num(dec!(2.196), NumFormat::Fixed(2)), "2.20");
    }

    #[test]
    fn formats_cells_with_parentheses_and_marks() {
        let c = Cell::Num {
            value: dec!(4.38),
            format: NumFormat::Fixed(2),
            paren: Some(dec!(4.606)),
            mark: Some("*".into()),
        };
        assert_eq!(format_cell(&c), "4.38 (4.61)*");
        assert_eq!(format_cell(&Cell::Missing), "-");
    }

    #[test]
    fn parses_printed_figures() {
        assert_eq!(
            parse_printed("△0.70 (88.98)"),
            Some(Printed::Num {
                value: dec!(-0.70),
                dp: 2,
                paren: Some((dec!(88.98), 2))
            })
        );
        assert_eq!(parse_printed("-"), Some(Printed::Missing));
        assert_eq!(parse_printed("***"), Some(Printed::Masked("***".into())));
        assert_eq!(
            parse_printed("2.7").map(|p| matches!(p, Printed::Num { dp: 1, .. })),
            Some(true)
        );
        assert_eq!(parse_printed("abc"), None);
    }

    #[test]
    fn compares_at_printed_precision() {
        let c = Cell::num(dec!(2.70), NumFormat::Amount);
        assert!(matches_printed(&c, &parse_printed("2.7").unwrap()));
        let c = Cell::num(dec!(17.325), NumFormat::Amount);
        assert!(!matches_printed(&c, &parse_printed("17.330").unwrap()));
        assert!(matches_printed(&c, &parse_printed("17.33").unwrap()));
        // A dash and a zero are the same figure; anything else is not.
        assert!(matches_printed(
            &Cell::Missing,
            &parse_printed("0.00").unwrap()
        ));
        assert!(matches_printed(
            &Cell::num(dec!(0), NumFormat::Fixed(2)),
            &parse_printed("-").unwrap()
        ));
        assert!(!matches_printed(
            &Cell::Missing,
            &parse_printed("0.01").unwrap()
        ));
        assert!(!matches_printed(
            &Cell::num(dec!(0.004), NumFormat::Fixed(2)),
            &parse_printed("-").unwrap()
        ));
        assert!(!matches_printed(
            &Cell::Missing,
            &parse_printed("0.00 (1.00)").unwrap()
        ));
    }
}
