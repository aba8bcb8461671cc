//! Column formulas of table datasets: `a + b`, `pct(y22, y17)`,
//! `share(y22, total)`, `cagr(y17, y22, 5)`, `sum(a, b, c)`, `mean(a, b)`,
//! `cell(row, col)` (another row's cell) and `v("budget.rnd.total25")` (a
//! value computed elsewhere in the plan).
//! Parsed once, evaluated per row; masked and missing operands propagate.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Str(String),
    Col(String),
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// A value in a formula: a number, "-" (not applicable) or a masked figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    Num(Decimal),
    Missing,
    Masked,
}

pub const FUNCTIONS: [&str; 8] = ["sum", "mean", "pct", "share", "cagr", "ratio", "cell", "v"];

pub fn parse(src: &str) -> Result<Expr, String> {
    let toks = tokenize(src)?;
    let mut p = P { toks, pos: 0 };
    let e = p.expr()?;
    if p.pos < p.toks.len() {
        return Err(format!("unexpected `{}` in `{src}`", p.toks[p.pos]));
    }
    Ok(e)
}

fn tokenize(src: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            if i >= chars.len() {
                return Err(format!("unclosed quote in `{src}`"));
            }
            i += 1;
            out.push(chars[start..i].iter().collect());
        } else if "+-*/(),".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            // Row ids may hold hyphens (`export-all`): a hyphen between two
            // letters or digits belongs to the name; subtraction is `a - b`.
            let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
            while i < chars.len()
                && (word(chars[i])
                    || (chars[i] == '-'
                        && i > start
                        && i + 1 < chars.len()
                        && chars[i + 1].is_ascii_alphanumeric()))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            return Err(format!("unexpected character `{c}` in `{src}`"));
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<String>,
    pos: usize,
}

impl P {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(String::as_str)
    }
    fn next(&mut self) -> Option<String> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expr(&mut self) -> Result<Expr, String> {
        let mut l = self.term()?;
        while let Some(op @ ("+" | "-")) = self.peek() {
            let op = op.chars().next().unwrap_or('+');
            self.pos += 1;
            let r = self.term()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn term(&mut self) -> Result<Expr, String> {
        let mut l = self.factor()?;
        while let Some(op @ ("*" | "/")) = self.peek() {
            let op = op.chars().next().unwrap_or('*');
            self.pos += 1;
            let r = self.factor()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn factor(&mut self) -> Result<Expr, String> {
        match self.next() {
            None => Err("the formula ends too early".into()),
            Some(t) if t == "-" => Ok(Expr::Neg(Box::new(self.factor()?))),
            Some(t) if t.starts_with('"') => Ok(Expr::Str(t.trim_matches('"').to_string())),
            Some(t) if t == "(" => {
                let e = self.expr()?;
                match self.next().as_deref() {
                    Some(")") => Ok(e),
                    _ => Err("missing `)`".into()),
                }
            }
            Some(t) if t.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                Decimal::from_str(&t)
                    .map(Expr::Num)
                    .map_err(|_| format!("`{t}` is not a number"))
            }
            Some(t) if self.peek() == Some("(") => {
                if !FUNCTIONS.contains(&t.as_str()) {
                    return Err(format!(
                        "unknown function `{t}`; functions: {}",
                        FUNCTIONS.join(", ")
                    ));
                }
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() != Some(")") {
                    loop {
                        args.push(self.expr()?);
                        match self.next().as_deref() {
                            Some(",") => continue,
                            Some(")") => break,
                            _ => return Err(format!("missing `)` after the arguments of `{t}`")),
                        }
                    }
                } else {
                    self.pos += 1;
                }
                Ok(Expr::Call(t, args))
            }
            Some(t) if t == ")" || t == "," || t == "+" || t == "*" || t == "/" => {
                Err(format!("unexpected `{t}`"))
            }
            Some(t) => Ok(Expr::Col(t)),
        }
    }
}

impl Expr {
    /// Column names the formula reads (for validation); for `share`, the
    /// second argument is a row id and is reported separately.
    pub fn refs(&self, cols: &mut Vec<String>, rows: &mut Vec<String>) {
        match self {
            Expr::Num(_) | Expr::Str(_) => {}
            Expr::Col(c) => cols.push(c.clone()),
            Expr::Neg(e) => e.refs(cols, rows),
            Expr::Bin(_, a, b) => {
                a.refs(cols, rows);
                b.refs(cols, rows);
            }
            Expr::Call(f, args) => {
                for (i, a) in args.iter().enumerate() {
                    match (f.as_str(), i, a) {
                        ("share", 1, Expr::Col(r)) | ("cell", 0, Expr::Col(r)) => {
                            rows.push(r.clone())
                        }
                        _ => a.refs(cols, rows),
                    }
                }
            }
        }
    }

    /// Checks the argument counts.
    pub fn check_arity(&self) -> Result<(), String> {
        match self {
            Expr::Neg(e) => e.check_arity(),
            Expr::Bin(_, a, b) => {
                a.check_arity()?;
                b.check_arity()
            }
            Expr::Call(f, args) => {
                let ok = match f.as_str() {
                    "pct" | "ratio" => args.len() == 2,
                    "share" => args.len() == 2 && matches!(args[1], Expr::Col(_)),
                    "cell" => {
                        args.len() == 2
                            && matches!((&args[0], &args[1]), (Expr::Col(_), Expr::Col(_)))
                    }
                    "v" => args.len() == 1 && matches!(args[0], Expr::Str(_)),
                    "cagr" => args.len() == 3,
                    _ => !args.is_empty(),
                };
                if !ok {
                    return Err(format!(
                        "`{f}` takes {}",
                        match f.as_str() {
                            "pct" => "(part, whole): part / whole × 100",
                            "ratio" => "(a, b): a / b",
                            "share" => "(column, row id): this row's column as % of that row's",
                            "cell" => "(row id, column): that row's cell",
                            "v" => "(\"value key\"): a value computed elsewhere, e.g. v(\"budget.rnd.total25\")",
                            "cagr" => "(first, last, years): annual growth in %",
                            _ => "one or more values",
                        }
                    ));
                }
                args.iter().try_for_each(Expr::check_arity)
            }
            _ => Ok(()),
        }
    }

    /// Evaluates with `col(name)` for this row and `other(row, col)` for shares.
    pub fn eval(&self, col: &dyn Fn(&str) -> Val, other: &dyn Fn(&str, &str) -> Val) -> Val {
        use Val::*;
        let bin = |a: Val, b: Val, f: &dyn Fn(Decimal, Decimal) -> Option<Decimal>| match (a, b) {
            (Masked, _) | (_, Masked) => Masked,
            (Num(x), Num(y)) => f(x, y).map_or(Missing, Num),
            _ => Missing,
        };
        match self {
            Expr::Num(n) => Num(*n),
            Expr::Str(_) => Missing,
            Expr::Col(c) => col(c),
            Expr::Neg(e) => match e.eval(col, other) {
                Num(x) => Num(-x),
                v => v,
            },
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(col, other), b.eval(col, other));
                match op {
                    '+' => bin(a, b, &|x, y| Some(x + y)),
                    '-' => bin(a, b, &|x, y| Some(x - y)),
                    '*' => bin(a, b, &|x, y| x.checked_mul(y)),
                    _ => bin(a, b, &|x, y| (!y.is_zero()).then(|| x / y)),
                }
            }
            Expr::Call(f, args) => {
                let vals: Vec<Val> = match f.as_str() {
                    "share" | "cell" | "v" => Vec::new(),
                    _ => args.iter().map(|a| a.eval(col, other)).collect(),
                };
                match f.as_str() {
                    "sum" | "mean" => {
                        if vals.contains(&Masked) {
                            return Masked;
                        }
                        let nums: Vec<Decimal> = vals
                            .iter()
                            .filter_map(|v| if let Num(x) = v { Some(*x) } else { None })
                            .collect();
                        if nums.is_empty() {
                            return Missing;
                        }
                        let s: Decimal = nums.iter().sum();
                        if f == "sum" {
                            Num(s)
                        } else {
                            Num(s / Decimal::from(nums.len()))
                        }
                    }
                    "pct" => bin(vals[0], vals[1], &|x, y| {
                        (!y.is_zero()).then(|| x / y * Decimal::ONE_HUNDRED)
                    }),
                    "ratio" => bin(vals[0], vals[1], &|x, y| (!y.is_zero()).then(|| x / y)),
                    "cagr" => match (vals[0], vals[1], vals[2]) {
                        (Masked, _, _) | (_, Masked, _) => Masked,
                        (Num(a), Num(b), Num(n)) => cagr(a, b, n).map_or(Missing, Num),
                        _ => Missing,
                    },
                    "cell" => match (args.first(), args.get(1)) {
                        (Some(Expr::Col(row)), Some(Expr::Col(c))) => other(row, c),
                        _ => Missing,
                    },
                    // Resolved before evaluation by `resolve_values`.
                    "v" => Missing,
                    "share" => {
                        let (Some(c), Some(Expr::Col(row))) = (args.first(), args.get(1)) else {
                            return Missing;
                        };
                        let part = c.eval(col, other);
                        let whole = match c {
                            Expr::Col(name) => other(row, name),
                            _ => Missing,
                        };
                        bin(part, whole, &|x, y| {
                            (!y.is_zero()).then(|| x / y * Decimal::ONE_HUNDRED)
                        })
                    }
                    _ => Missing,
                }
            }
        }
    }
}

impl Expr {
    /// Replaces `v("key")` by the value it names (or leaves it missing).
    pub fn resolve_values(&self, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Expr {
        match self {
            Expr::Call(f, args) if f == "v" => match args.first() {
                Some(Expr::Str(k)) => lookup(k).map_or_else(|| self.clone(), Expr::Num),
                _ => self.clone(),
            },
            Expr::Call(f, args) => Expr::Call(
                f.clone(),
                args.iter().map(|a| a.resolve_values(lookup)).collect(),
            ),
            Expr::Neg(e) => Expr::Neg(Box::new(e.resolve_values(lookup))),
            Expr::Bin(op, a, b) => Expr::Bin(
                *op,
                Box::new(a.resolve_values(lookup)),
                Box::new(b.resolve_values(lookup)),
            ),
            e => e.clone(),
        }
    }

    /// The value keys named by `v("…")`.
    pub fn value_keys(&self, out: &mut Vec<String>) {
        match self {
            Expr::Call(f, args) if f == "v" => {
                if let Some(Expr::Str(k)) = args.first() {
                    out.push(k.clone());
                }
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.value_keys(out)),
            Expr::Neg(e) => e.value_keys(out),
            Expr::Bin(_, a, b) => {
                a.value_keys(out);
                b.value_keys(out);
            }
            _ => {}
        }
    }
}

/// Compound annual growth in %: ((last / first)^(1/years) − 1) × 100.
pub fn cagr(first: Decimal, last: Decimal, years: Decimal) -> Option<Decimal> {
    let (a, b, n) = (first.to_f64()?, last.to_f64()?, years.to_f64()?);
    if a <= 0.0 || b < 0.0 || n <= 0.0 {
        return None;
    }
    let g = ((b / a).powf(1.0 / n) - 1.0) * 100.0;
    // Twelve places is far below any printed precision and keeps f64 noise out.
    Decimal::from_f64(g).map(|d| d.round_dp(12))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::round_half_up;
    use rust_decimal_macros::dec;

    fn ev(src: &str, cols: &[(&str, Val)]) -> Val {
        let e = parse(src).expect("parses");
        e.check_arity().expect("arity");
        let col = |c: &str| {
            cols.iter()
                .find(|(n, _)| *n == c)
                .map_or(Val::Missing, |(_, v)| *v)
        };
        let other = |r: &str, c: &str| {
            if r == "total" && c == "a" {
                Val::Num(dec!(200))
            } else {
                Val::Missing
            }
        };
        e.eval(&col, &other)
    }

    #[test]
    fn arithmetic_and_functions() {
        let a = Val::Num(dec!(50));
        let b = Val::Num(dec!(30));
        assert_eq!(ev("a + b * 2", &[("a", a), ("b", b)]), Val::Num(dec!(110)));
        assert_eq!(ev("(a + b) / 2", &[("a", a), ("b", b)]), Val::Num(dec!(40)));
        assert_eq!(ev("pct(b, a)", &[("a", a), ("b", b)]), Val::Num(dec!(60)));
        assert_eq!(ev("share(a, total)", &[("a", a)]), Val::Num(dec!(25)));
        assert_eq!(
            ev("mean(a, b, c)", &[("a", a), ("b", b)]),
            Val::Num(dec!(40))
        );
        assert_eq!(ev("-a", &[("a", a)]), Val::Num(dec!(-50)));
        assert_eq!(ev("a - b", &[("a", a), ("b", b)]), Val::Num(dec!(20)));
        assert_eq!(
            parse("cell(export-all, t25)").expect("parses"),
            Expr::Call(
                "cell".into(),
                vec![Expr::Col("export-all".into()), Expr::Col("t25".into())]
            )
        );
    }

    #[test]
    fn masked_and_missing_propagate() {
        assert_eq!(
            ev("a + b", &[("a", Val::Masked), ("b", Val::Num(dec!(1)))]),
            Val::Masked
        );
        assert_eq!(ev("a + b", &[("b", Val::Num(dec!(1)))]), Val::Missing);
        assert_eq!(
            ev(
                "a / b",
                &[("a", Val::Num(dec!(1))), ("b", Val::Num(dec!(0)))]
            ),
            Val::Missing
        );
        assert_eq!(
            ev("sum(a, b)", &[("b", Val::Num(dec!(1)))]),
            Val::Num(dec!(1))
        );
    }

    #[test]
    fn other_rows_and_plan_values() {
        let e = parse("cell(total, a) - v(\"budget.rnd.total25\")").expect("parses");
        e.check_arity().expect("arity");
        let e = e.resolve_values(&|k| (k == "budget.rnd.total25").then_some(dec!(34.35)));
        let col = |_: &str| Val::Missing;
        let other = |r: &str, c: &str| {
            if r == "total" && c == "a" {
                Val::Num(dec!(100))
            } else {
                Val::Missing
            }
        };
        assert_eq!(e.eval(&col, &other), Val::Num(dec!(65.65)));
        let mut keys = Vec::new();
        parse("v(\"x.y\") + 1")
            .expect("parses")
            .value_keys(&mut keys);
        assert_eq!(keys, vec!["x.y".to_string()]);
        assert!(parse("v(x)").expect("parses").check_arity().is_err());
    }

    #[test]
    fn cagr_over_five_years() {
        // 100 → 161.051 over 5 years is 10 % a year
        let g = cagr(dec!(100), dec!(161.051), dec!(5)).expect("cagr");
        assert_eq!(round_half_up(g, 2), dec!(10.00));
        assert_eq!(cagr(dec!(0), dec!(5), dec!(5)), None);
    }

    #[test]
    fn bad_formulas_are_errors() {
        assert!(parse("a +").is_err());
        assert!(parse("frob(a)").is_err());
        assert!(parse("a $ b").is_err());
        assert!(parse("pct(a)").expect("parses").check_arity().is_err());
        assert!(parse("(a + b").is_err());
    }
}
