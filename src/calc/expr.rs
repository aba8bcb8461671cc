//! Column formulas of table datasets: `a + b`, `pct(y22, y17)`,
//! `share(y22, total)`, `cagr(y17, y22, 5)`, `sum(a, b, c)`, `mean(a, b)`,
//! `cell(row, col)` (another row's cell) and `v("budget.rnd.total25")` (a
//! value computed elsewhere in the plan).
//! Parsed once, evaluated per row; masked and missing operands propagate.
//!
//! Limits, so that no formula can exhaust the stack: parentheses, unary
//! minus signs and function calls nest at most `MAX_DEPTH` deep, and a
//! formula is at most `MAX_LEN` characters. A run of `+`/`-` (or `*`/`/`)
//! is kept as one flat list, not a left-deep tree, so `a + a + …` and
//! `sum(a, a, …)` of any length parse, evaluate and drop in a loop.

use super::interval::Interval;
use super::{add, div, mul, sub, CalcError, Checked};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Deepest nesting of parentheses, unary minus and calls.
pub const MAX_DEPTH: usize = 64;
/// Longest formula, in characters.
pub const MAX_LEN: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Str(String),
    Col(String),
    Neg(Box<Expr>),
    /// `first op₁ e₁ op₂ e₂ …`, folded left to right; all ops of one
    /// precedence (`+`/`-` or `*`/`/`).
    Chain(Box<Expr>, Vec<(char, Expr)>),
    Call(String, Vec<Expr>),
}

/// A value in a formula: a number, "-" (not applicable), a masked figure,
/// or a figure that cannot be computed (it wins over the others, so that
/// the failure is reported, not hidden behind a mask).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    Num(Decimal),
    Missing,
    Masked,
    Error(CalcError),
}

/// Why a formula does not parse, and where (a character offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        message: message.into(),
        offset,
    })
}

pub const FUNCTIONS: [&str; 8] = ["sum", "mean", "pct", "share", "cagr", "ratio", "cell", "v"];

/// Parses a formula and checks every call's arguments, so that evaluation
/// never meets a call it cannot compute.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let len = src.chars().count();
    if len > MAX_LEN {
        return err(
            MAX_LEN,
            format!("the formula is {len} characters long; at most {MAX_LEN} are allowed"),
        );
    }
    let toks = tokenize(src)?;
    let mut p = P {
        toks,
        pos: 0,
        depth: 0,
        end: len,
    };
    let e = p.expr()?;
    if let Some((t, at)) = p.toks.get(p.pos) {
        return err(*at, format!("unexpected `{t}` in `{src}`"));
    }
    Ok(e)
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
fn tokenize(src: &str) -> Result<Vec<(String, usize)>, ParseError> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let start = i;
            i += 1;
            while chars.get(i).is_some_and(|&c| c != '"') {
                i += 1;
            }
            if i >= chars.len() {
                return err(start, format!("unclosed quote in `{src}`"));
            }
            i += 1;
            out.push((chars[start..i].iter().collect(), start));
        } else if "+-*/(),".contains(c) {
            out.push((c.to_string(), i));
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            // Row ids may hold hyphens (`export-all`): a hyphen between two
            // letters or digits belongs to the name; subtraction is `a - b`.
            let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
            while let Some(&c) = chars.get(i) {
                let joins = c == '-'
                    && i > start
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric());
                if !(word(c) || joins) {
                    break;
                }
                i += 1;
            }
            out.push((chars[start..i].iter().collect(), start));
        } else {
            return err(i, format!("unexpected character `{c}` in `{src}`"));
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<(String, usize)>,
    pos: usize,
    /// Current nesting of parentheses, unary minus and calls.
    depth: usize,
    /// Length of the formula, the offset reported at its end.
    end: usize,
}

impl P {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(|(t, _)| t.as_str())
    }
    /// Offset of the next token (the end of the formula past the last).
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, at)| *at)
    }
    fn next(&mut self) -> Option<String> {
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }
    /// Enters one level of nesting; beyond `MAX_DEPTH` the formula is refused
    /// here rather than recursing until the stack runs out.
    fn enter(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(
                at,
                format!(
                    "the formula nests parentheses, minus signs or calls more than {MAX_DEPTH} deep"
                ),
            );
        }
        Ok(())
    }
    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.chain(&["+", "-"], Self::term)
    }
    fn term(&mut self) -> Result<Expr, ParseError> {
        self.chain(&["*", "/"], Self::factor)
    }
    fn chain(
        &mut self,
        ops: &[&str],
        operand: fn(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(op) = self.peek().filter(|t| ops.contains(t)) {
            let op = op.chars().next().unwrap_or('+');
            self.pos += 1;
            rest.push((op, operand(self)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Chain(Box::new(first), rest)
        })
    }
    fn factor(&mut self) -> Result<Expr, ParseError> {
        let at = self.at();
        match self.next() {
            None => err(at, "the formula ends too early"),
            Some(t) if t == "-" => {
                self.enter(at)?;
                let e = Expr::Neg(Box::new(self.factor()?));
                self.depth -= 1;
                Ok(e)
            }
            Some(t) if t.starts_with('"') => Ok(Expr::Str(t.trim_matches('"').to_string())),
            Some(t) if t == "(" => {
                self.enter(at)?;
                let e = self.expr()?;
                self.depth -= 1;
                let close = self.at();
                match self.next().as_deref() {
                    Some(")") => Ok(e),
                    _ => err(close, "missing `)`"),
                }
            }
            Some(t) if t.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                match Decimal::from_str(&t) {
                    Ok(n) => Ok(Expr::Num(n)),
                    Err(_) => err(at, format!("`{t}` is not a number")),
                }
            }
            Some(t) if self.peek() == Some("(") => {
                if !FUNCTIONS.contains(&t.as_str()) {
                    return err(
                        at,
                        format!(
                            "unknown function `{t}`; functions: {}",
                            FUNCTIONS.join(", ")
                        ),
                    );
                }
                self.enter(at)?;
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() != Some(")") {
                    loop {
                        args.push(self.expr()?);
                        let sep = self.at();
                        match self.next().as_deref() {
                            Some(",") => continue,
                            Some(")") => break,
                            _ => {
                                return err(
                                    sep,
                                    format!("missing `)` after the arguments of `{t}`"),
                                )
                            }
                        }
                    }
                } else {
                    self.pos += 1;
                }
                self.depth -= 1;
                check_call(&t, &args).or_else(|m| err(at, m))?;
                Ok(Expr::Call(t, args))
            }
            Some(t) if t == ")" || t == "," || t == "+" || t == "*" || t == "/" => {
                err(at, format!("unexpected `{t}`"))
            }
            Some(t) => Ok(Expr::Col(t)),
        }
    }
}

/// The argument rule of one call, with the usage as the message.
fn check_call(f: &str, args: &[Expr]) -> Result<(), String> {
    let ok = match f {
        "pct" | "ratio" => args.len() == 2,
        "share" => args.len() == 2 && matches!(args.get(1), Some(Expr::Col(_))),
        "cell" => matches!(args, [Expr::Col(_), Expr::Col(_)]),
        "v" => matches!(args, [Expr::Str(_)]),
        "cagr" => args.len() == 3,
        _ => !args.is_empty(),
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "`{f}` takes {}",
        match f {
            "pct" => "(part, whole): part / whole × 100",
            "ratio" => "(a, b): a / b",
            "share" => "(column, row id): this row's column as % of that row's",
            "cell" => "(row id, column): that row's cell",
            "v" => "(\"value key\"): a value computed elsewhere, e.g. v(\"budget.rnd.total25\")",
            "cagr" => "(first, last, years): annual growth in %",
            _ => "one or more values",
        }
    ))
}

/// One binary step: an error wins, then a mask, then "-"; `f` gives None
/// where the plan prints "-" (a zero divisor).
fn bin(a: Val, b: Val, f: &dyn Fn(Decimal, Decimal) -> Checked<Option<Decimal>>) -> Val {
    use Val::*;
    match (a, b) {
        (Error(e), _) | (_, Error(e)) => Error(e),
        (Masked, _) | (_, Masked) => Masked,
        (Num(x), Num(y)) => match f(x, y) {
            Ok(Some(v)) => Num(v),
            Ok(None) => Missing,
            Err(e) => Error(e),
        },
        _ => Missing,
    }
}

/// x / y × 100, "-" over a zero.
fn percent(x: Decimal, y: Decimal) -> Checked<Option<Decimal>> {
    if y.is_zero() {
        return Ok(None);
    }
    mul(div(x, y)?, Decimal::ONE_HUNDRED).map(Some)
}

fn op(o: char, x: Decimal, y: Decimal) -> Checked<Option<Decimal>> {
    match o {
        '+' => add(x, y).map(Some),
        '-' => sub(x, y).map(Some),
        '*' => mul(x, y).map(Some),
        _ if y.is_zero() => Ok(None),
        _ => div(x, y).map(Some),
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
            Expr::Chain(first, rest) => {
                first.refs(cols, rows);
                rest.iter().for_each(|(_, e)| e.refs(cols, rows));
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

    /// Checks the argument counts. `parse` already does, so a parsed formula
    /// always passes; kept for callers that check explicitly.
    pub fn check_arity(&self) -> Result<(), ParseError> {
        match self {
            Expr::Neg(e) => e.check_arity(),
            Expr::Chain(first, rest) => {
                first.check_arity()?;
                rest.iter().try_for_each(|(_, e)| e.check_arity())
            }
            Expr::Call(f, args) => {
                check_call(f, args).or_else(|m| err(0, m))?;
                args.iter().try_for_each(Expr::check_arity)
            }
            _ => Ok(()),
        }
    }

    /// Evaluates with `col(name)` for this row and `other(row, col)` for shares.
    /// Recursion follows the nesting only, which `parse` bounds.
    pub fn eval(&self, col: &dyn Fn(&str) -> Val, other: &dyn Fn(&str, &str) -> Val) -> Val {
        use Val::*;
        match self {
            Expr::Num(n) => Num(*n),
            Expr::Str(_) => Missing,
            Expr::Col(c) => col(c),
            Expr::Neg(e) => match e.eval(col, other) {
                Num(x) => Num(-x),
                v => v,
            },
            Expr::Chain(first, rest) => rest.iter().fold(first.eval(col, other), |acc, (o, e)| {
                bin(acc, e.eval(col, other), &|x, y| op(*o, x, y))
            }),
            Expr::Call(f, args) => {
                let arg = |i: usize| args.get(i).map_or(Missing, |a| a.eval(col, other));
                match f.as_str() {
                    "sum" | "mean" => {
                        let mut acc = Decimal::ZERO;
                        let (mut n, mut masked) = (0usize, false);
                        for a in args {
                            match a.eval(col, other) {
                                Error(e) => return Error(e),
                                Masked => masked = true,
                                Num(x) => {
                                    n += 1;
                                    acc = match add(acc, x) {
                                        Ok(v) => v,
                                        Err(e) => return Error(e),
                                    };
                                }
                                Missing => {}
                            }
                        }
                        if masked {
                            Masked
                        } else if n == 0 {
                            Missing
                        } else if f == "sum" {
                            Num(acc)
                        } else {
                            div(acc, Decimal::from(n)).map_or_else(Error, Num)
                        }
                    }
                    "pct" => bin(arg(0), arg(1), &percent),
                    "ratio" => bin(arg(0), arg(1), &|x, y| op('/', x, y)),
                    "cagr" => match (arg(0), arg(1), arg(2)) {
                        (Error(e), _, _) | (_, Error(e), _) | (_, _, Error(e)) => Error(e),
                        (Masked, _, _) | (_, Masked, _) => Masked,
                        (Num(a), Num(b), Num(n)) => match cagr(a, b, n) {
                            Ok(v) => v.map_or(Missing, Num),
                            Err(e) => Error(e),
                        },
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
                        bin(part, whole, &percent)
                    }
                    _ => Missing,
                }
            }
        }
    }
}

/// A formula operand for interval evaluation: the range of a number, "-",
/// or a figure whose range is not known (masked, failed, unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RVal {
    Num(Interval),
    Missing,
    Unknown,
}

impl Expr {
    /// The range of values the formula takes over the ranges of its operands
    /// (the same rules as `eval`: sums and means skip "-" operands). A
    /// literal number is exact; a `v("…")` resolved to a number likewise.
    pub fn eval_range(
        &self,
        col: &dyn Fn(&str) -> RVal,
        other: &dyn Fn(&str, &str) -> RVal,
    ) -> RVal {
        let lift = |v: Option<Interval>| v.map_or(RVal::Unknown, RVal::Num);
        let both =
            |a: RVal, b: RVal, f: &dyn Fn(Interval, Interval) -> Option<Interval>| match (a, b) {
                (RVal::Num(x), RVal::Num(y)) => lift(f(x, y)),
                (RVal::Missing, _) | (_, RVal::Missing) => RVal::Missing,
                _ => RVal::Unknown,
            };
        match self {
            Expr::Num(n) => RVal::Num(Interval::exact(*n)),
            Expr::Str(_) => RVal::Missing,
            Expr::Col(c) => col(c),
            Expr::Neg(e) => match e.eval_range(col, other) {
                RVal::Num(x) => RVal::Num(x.negated()),
                v => v,
            },
            Expr::Chain(first, rest) => {
                rest.iter()
                    .fold(first.eval_range(col, other), |acc, (o, e)| {
                        both(acc, e.eval_range(col, other), &|x, y| match o {
                            '+' => x.plus(y),
                            '-' => x.minus(y),
                            '*' => x.times(y),
                            _ => x.over(y),
                        })
                    })
            }
            Expr::Call(f, args) => {
                let arg = |i: usize| {
                    args.get(i)
                        .map_or(RVal::Missing, |a| a.eval_range(col, other))
                };
                match f.as_str() {
                    "sum" | "mean" => {
                        let mut acc = Interval::exact(Decimal::ZERO);
                        let mut n = 0u32;
                        for a in args {
                            match a.eval_range(col, other) {
                                RVal::Unknown => return RVal::Unknown,
                                RVal::Missing => {}
                                RVal::Num(x) => {
                                    n += 1;
                                    match acc.plus(x) {
                                        Some(v) => acc = v,
                                        None => return RVal::Unknown,
                                    }
                                }
                            }
                        }
                        if n == 0 {
                            RVal::Missing
                        } else if f == "sum" {
                            RVal::Num(acc)
                        } else {
                            lift(acc.over(Interval::exact(Decimal::from(n))))
                        }
                    }
                    "pct" => both(arg(0), arg(1), &|x, y| x.pct(y)),
                    "ratio" => both(arg(0), arg(1), &|x, y| x.over(y)),
                    "cagr" => match (arg(0), arg(1), arg(2)) {
                        (RVal::Num(a), RVal::Num(b), RVal::Num(n)) if n.lo == n.hi => {
                            lift(Interval::cagr(a, b, n.lo))
                        }
                        (RVal::Missing, _, _) | (_, RVal::Missing, _) => RVal::Missing,
                        _ => RVal::Unknown,
                    },
                    "cell" => match (args.first(), args.get(1)) {
                        (Some(Expr::Col(row)), Some(Expr::Col(c))) => other(row, c),
                        _ => RVal::Missing,
                    },
                    "share" => {
                        let (Some(c), Some(Expr::Col(row))) = (args.first(), args.get(1)) else {
                            return RVal::Missing;
                        };
                        let part = c.eval_range(col, other);
                        let whole = match c {
                            Expr::Col(name) => other(row, name),
                            _ => RVal::Missing,
                        };
                        both(part, whole, &|x, y| x.pct(y))
                    }
                    _ => RVal::Unknown,
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
            Expr::Chain(first, rest) => Expr::Chain(
                Box::new(first.resolve_values(lookup)),
                rest.iter()
                    .map(|(o, e)| (*o, e.resolve_values(lookup)))
                    .collect(),
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
            Expr::Chain(first, rest) => {
                first.value_keys(out);
                rest.iter().for_each(|(_, e)| e.value_keys(out));
            }
            _ => {}
        }
    }
}

/// Compound annual growth in %: ((last / first)^(1/years) − 1) × 100; None
/// ("-") where it is undefined, an error where f64 gives NaN or infinity or a
/// figure beyond the decimal range (e.g. a huge ratio over a tiny span).
pub fn cagr(first: Decimal, last: Decimal, years: Decimal) -> Checked<Option<Decimal>> {
    let (Some(a), Some(b), Some(n)) = (first.to_f64(), last.to_f64(), years.to_f64()) else {
        return Ok(None);
    };
    if a <= 0.0 || b < 0.0 || n <= 0.0 {
        return Ok(None);
    }
    let g = ((b / a).powf(1.0 / n) - 1.0) * 100.0;
    if !g.is_finite() {
        return Err(CalcError::OutOfRange("growth rate"));
    }
    // Twelve places is far below any printed precision and keeps f64 noise out.
    Decimal::from_f64(g)
        .map(|d| Some(d.round_dp(12)))
        .ok_or(CalcError::OutOfRange("growth rate"))
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
        assert!(parse("v(x)").is_err());
    }

    #[test]
    fn cagr_over_five_years() {
        // 100 → 161.051 over 5 years is 10 % a year
        let g = cagr(dec!(100), dec!(161.051), dec!(5))
            .expect("in range")
            .expect("cagr");
        assert_eq!(round_half_up(g, 2), dec!(10.00));
        assert_eq!(cagr(dec!(0), dec!(5), dec!(5)), Ok(None));
    }

    #[test]
    fn bad_formulas_are_errors() {
        assert!(parse("a +").is_err());
        assert!(parse("frob(a)").is_err());
        assert!(parse("a $ b").is_err());
        assert!(parse("(a + b").is_err());
    }

    /// Every malformed call is refused by `parse` itself, before anything is
    /// evaluated (compute runs before validate and used to index past the
    /// arguments of `pct(a)`).
    #[test]
    fn arity_is_checked_at_parse_time() {
        for (src, usage) in [
            ("pct(a)", "`pct` takes (part, whole)"),
            ("ratio(a)", "`ratio` takes (a, b)"),
            ("cagr(a, b)", "`cagr` takes (first, last, years)"),
            ("1 + share(a)", "`share` takes"),
            ("cell(a)", "`cell` takes"),
            ("v(x)", "`v` takes"),
            ("sum()", "`sum` takes one or more values"),
            ("pct(a, b, c)", "`pct` takes"),
        ] {
            let e = parse(src).expect_err(src);
            assert!(e.to_string().starts_with(usage), "{src}: {e}");
        }
        let e = parse("a + frob(a)").expect_err("unknown function");
        assert!(e.message.starts_with("unknown function `frob`"), "{e}");
        assert_eq!(e.offset, 4, "the offset points at the call");
        assert_eq!(parse("(a + b").expect_err("unclosed").offset, 6);
        assert_eq!(parse("a $ b").expect_err("bad char").offset, 2);
        // The arity rule also holds inside a nested call.
        assert!(parse("sum(a, pct(b))").is_err());
    }

    #[test]
    fn deep_nesting_is_a_parse_error_not_a_stack_overflow() {
        let n = 10_000;
        for src in [
            format!("{}a{}", "(".repeat(n), ")".repeat(n)),
            format!("{}a", "-".repeat(n)),
            format!("{}a{}", "- (".repeat(n), ")".repeat(n)),
            format!("{}a{}", "sum(".repeat(n), ")".repeat(n)),
        ] {
            let e = parse(&src).expect_err("too deep");
            assert!(e.message.contains("more than 64 deep"), "{e}");
        }
        // At the limit it still parses and evaluates.
        let src = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(ev(&src, &[("a", Val::Num(dec!(2)))]), Val::Num(dec!(2)));
        let src = format!("{}a", "-".repeat(MAX_DEPTH));
        assert_eq!(ev(&src, &[("a", Val::Num(dec!(2)))]), Val::Num(dec!(2)));
    }

    #[test]
    fn fifty_thousand_terms_parse_and_evaluate_without_deep_recursion() {
        let n = 50_000;
        let a = [("a", Val::Num(dec!(1.5)))];
        let terms = vec!["a"; n];
        assert_eq!(
            ev(&format!("sum({})", terms.join(",")), &a),
            Val::Num(dec!(75000.0))
        );
        assert_eq!(ev(&terms.join(" + "), &a), Val::Num(dec!(75000.0)));
        assert_eq!(
            ev(&terms.join(" * "), &[("a", Val::Num(dec!(1)))]),
            Val::Num(dec!(1))
        );
        // A mixed chain keeps precedence and left-to-right order.
        let chain = format!("1000 {}", " - a * 2".repeat(n));
        assert_eq!(ev(&chain, &a), Val::Num(dec!(-149000.0)));
        // The tree is flat: it also drops without recursing 50,000 deep.
        drop(parse(&terms.join(" - ")).expect("parses"));
        let long = "a+".repeat(MAX_LEN / 2 + 1) + "a";
        assert!(parse(&long)
            .expect_err("too long")
            .message
            .contains("characters long"));
    }

    #[test]
    fn overflow_in_a_formula_is_an_error_value() {
        let max = Val::Num(Decimal::MAX);
        let both = [("a", max), ("b", max)];
        let over = |op| Val::Error(CalcError::Overflow(op));
        use crate::calc::Op;
        assert_eq!(ev("a + b", &both), over(Op::Sum));
        assert_eq!(ev("-a - b", &both), over(Op::Difference));
        assert_eq!(ev("a * b", &both), over(Op::Product));
        assert_eq!(ev("a / 0.5", &both), over(Op::Quotient));
        assert_eq!(ev("sum(a, b)", &both), over(Op::Sum));
        assert_eq!(ev("mean(a, b)", &both), over(Op::Sum));
        assert_eq!(ev("pct(a, 0.5)", &both), over(Op::Quotient));
        assert_eq!(ev("pct(a, 1)", &both), over(Op::Product));
        assert_eq!(ev("ratio(a, 0.1)", &both), over(Op::Quotient));
        // The error propagates, and wins over a mask or a "-".
        assert_eq!(ev("(a + b) * 0 + 1", &both), over(Op::Sum));
        assert_eq!(
            ev(
                "sum(a + b, c)",
                &[("a", max), ("b", max), ("c", Val::Masked)]
            ),
            over(Op::Sum)
        );
        assert_eq!(
            ev("c + (a + b)", &[("a", max), ("b", max), ("c", Val::Masked)]),
            over(Op::Sum)
        );
        // Division by zero keeps its meaning: "-", not an error.
        assert_eq!(ev("a / 0", &both), Val::Missing);
        assert_eq!(ev("pct(a, 0)", &both), Val::Missing);
    }

    #[test]
    fn growth_rates_beyond_f64_or_decimal_range_are_errors() {
        let big = Decimal::MAX;
        let tiny = Decimal::new(1, 28);
        // A huge ratio over a tiny span: powf gives infinity.
        assert_eq!(
            cagr(tiny, big, tiny),
            Err(CalcError::OutOfRange("growth rate"))
        );
        // Finite in f64 but beyond the decimal range: (7.9e56)^(1/1) × 100.
        assert_eq!(
            cagr(tiny, big, Decimal::ONE),
            Err(CalcError::OutOfRange("growth rate"))
        );
        // Shrinking to nothing is −100 %, not an error.
        assert_eq!(cagr(big, tiny, tiny), Ok(Some(dec!(-100))));
        assert_eq!(
            ev(
                "cagr(a, b, n)",
                &[
                    ("a", Val::Num(tiny)),
                    ("b", Val::Num(big)),
                    ("n", Val::Num(tiny))
                ]
            ),
            Val::Error(CalcError::OutOfRange("growth rate"))
        );
    }
}
