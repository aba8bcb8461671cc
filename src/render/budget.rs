//! A budget for the templates a plan brings (content/templates/, above all
//! the record templates): Tera has no fuel and no recursion limit, so a macro
//! that calls itself aborts planbook with a stack overflow and
//! `range(end=100000000)` hangs it. Before anything is rendered, each
//! template's syntax tree is checked for what Tera cannot bound:
//!
//! - a cycle of macro calls or includes, direct or through other macros or
//!   files (the only way Tera recurses);
//! - a `range` whose bounds are not integer literals;
//! - loops whose literal ranges, multiplied through nesting, macro calls and
//!   includes, exceed [`MAX_WORK`] iterations;
//!
//! and a rendered template longer than [`MAX_OUTPUT`] is refused. Loops over
//! the plan's own data are bounded by the data and are not counted.
//!
//! Why not minijinja, which has fuel and a recursion limit: the plan's record
//! templates are written in Tera syntax (`self::entries(list=…)`, `is string`),
//! switching would change the language authors write and every shipped
//! template; the check here keeps Tera and rejects exactly what it cannot bound.

use std::collections::{BTreeMap, HashMap};
use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::Tera;

/// Iterations of literal `range` loops one render may run.
pub const MAX_WORK: i64 = 1_000_000;
/// Bytes one rendered template may produce. The print document is one
/// render of the whole plan: 0.95 MB for the 2025 plan, 19 MB for the
/// benchmark's plan of 20 times its size, so the bound leaves room for that
/// and still stops a runaway template long before memory does.
pub const MAX_OUTPUT: usize = 64 << 20;

/// A node of the call graph: a template body (`macro_name` None) or a macro.
type Key = (String, Option<String>);

/// Where a template came from, for messages: path as shown, and its text.
pub struct Source {
    pub path: String,
    pub text: String,
}

/// Checks the named templates (and what they reach); the error is
/// `file:line:col: message`.
pub fn check(
    tera: &Tera,
    names: &[String],
    sources: &BTreeMap<String, Source>,
) -> Result<(), String> {
    let mut c = Checker {
        tera,
        sources,
        cost: HashMap::new(),
        stack: Vec::new(),
    };
    for n in names {
        c.node_cost(&(n.clone(), None))?;
    }
    Ok(())
}

struct Checker<'a> {
    tera: &'a Tera,
    sources: &'a BTreeMap<String, Source>,
    cost: HashMap<Key, i64>,
    stack: Vec<Key>,
}

fn body<'t>(tera: &'t Tera, key: &Key) -> Option<&'t [Node]> {
    let t = tera.templates.get(&key.0)?;
    match &key.1 {
        None => Some(&t.ast),
        Some(m) => t.macros.get(m).map(|d| d.body.as_slice()),
    }
}

impl Checker<'_> {
    /// Worst-case iterations of `key`, memoised; an error on a cycle.
    fn node_cost(&mut self, key: &Key) -> Result<i64, String> {
        if let Some(c) = self.cost.get(key) {
            return Ok(*c);
        }
        if let Some(at) = self.stack.iter().position(|k| k == key) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .skip(at)
                .chain(std::iter::once(key))
                .map(describe)
                .collect();
            let (file, needle) = match &key.1 {
                Some(m) => (&key.0, format!("macro {m}")),
                None => (&key.0, "include".to_string()),
            };
            return Err(self.at(
                file,
                &needle,
                &format!(
                    "recursion is not allowed in templates (it has no limit in Tera): {}",
                    chain.join(" → ")
                ),
            ));
        }
        let Some(body) = body(self.tera, key) else {
            return Ok(0);
        };
        self.stack.push(key.clone());
        let c = self.nodes(&key.0, body);
        self.stack.pop();
        let c = c?;
        self.cost.insert(key.clone(), c);
        Ok(c)
    }

    fn nodes(&mut self, file: &str, nodes: &[Node]) -> Result<i64, String> {
        let mut total: i64 = 0;
        for n in nodes {
            let c = match n {
                Node::VariableBlock(_, e) => self.expr(file, e)?,
                Node::Set(_, s) => self.expr(file, &s.value)?,
                Node::FilterSection(_, f, _) => {
                    self.call_args(file, &f.filter)? + self.nodes(file, &f.body)?
                }
                Node::Block(_, b, _) => self.nodes(file, &b.body)?,
                Node::Include(_, names, _) => {
                    let mut m = 0;
                    for name in names {
                        m = m.max(self.node_cost(&(name.clone(), None))?);
                    }
                    m
                }
                Node::Forloop(_, f, _) => {
                    let n = self.loop_size(file, &f.container)?;
                    let inner = self.nodes(file, &f.body)?
                        + f.empty_body
                            .as_ref()
                            .map_or(Ok(0), |b| self.nodes(file, b))?;
                    let own = self.expr(file, &f.container)?;
                    own.saturating_add(n.saturating_mul(inner.saturating_add(1)))
                }
                Node::If(i, _) => {
                    let mut s = 0i64;
                    for (_, cond, body) in &i.conditions {
                        s = s
                            .saturating_add(self.expr(file, cond)?)
                            .saturating_add(self.nodes(file, body)?);
                    }
                    if let Some((_, body)) = &i.otherwise {
                        s = s.saturating_add(self.nodes(file, body)?);
                    }
                    s
                }
                // Definitions run only when called; the rest does no work.
                _ => 0,
            };
            total = total.saturating_add(c);
            if total > MAX_WORK {
                return Err(self.at(
                    file,
                    "range(",
                    &format!("the template's loops run more than {MAX_WORK} times"),
                ));
            }
        }
        Ok(total)
    }

    /// Iterations of a loop over `e`: a literal range's length, else 1 (the
    /// plan's data, which bounds itself).
    fn loop_size(&mut self, file: &str, e: &Expr) -> Result<i64, String> {
        match &e.val {
            ExprVal::FunctionCall(f) if f.name == "range" => self.range_len(file, f),
            _ => Ok(1),
        }
    }

    fn range_len(&self, file: &str, f: &FunctionCall) -> Result<i64, String> {
        let lit = |k: &str, default: i64| -> Result<i64, String> {
            match f.args.get(k) {
                None => Ok(default),
                Some(Expr {
                    val: ExprVal::Int(n),
                    filters,
                    ..
                }) if filters.is_empty() => Ok(*n),
                Some(_) => Err(self.at(
                    file,
                    "range(",
                    &format!("`range` needs an integer literal for `{k}` so that its length is known (at most {MAX_WORK})"),
                )),
            }
        };
        let (start, end, step) = (lit("start", 0)?, lit("end", 0)?, lit("step_by", 1)?);
        if step <= 0 {
            return Err(self.at(file, "range(", "`range` needs a positive `step_by`"));
        }
        let n = end.saturating_sub(start).max(0) / step;
        if n > MAX_WORK {
            return Err(self.at(
                file,
                &end.to_string(),
                &format!("`range` of {n} numbers is more than the limit of {MAX_WORK}"),
            ));
        }
        Ok(n)
    }

    fn call_args(&mut self, file: &str, f: &FunctionCall) -> Result<i64, String> {
        let mut s = 0i64;
        for a in f.args.values() {
            s = s.saturating_add(self.expr(file, a)?);
        }
        Ok(s)
    }

    /// Work done evaluating an expression: macro calls and ranges in it.
    fn expr(&mut self, file: &str, e: &Expr) -> Result<i64, String> {
        let mut s = 0i64;
        for f in &e.filters {
            s = s.saturating_add(self.call_args(file, f)?);
        }
        let own = match &e.val {
            ExprVal::MacroCall(m) => {
                let target = if m.namespace == "self" {
                    Some(file.to_string())
                } else {
                    self.tera.templates.get(file).and_then(|t| {
                        t.imported_macro_files
                            .iter()
                            .find(|(_, ns)| *ns == m.namespace)
                            .map(|(f, _)| f.clone())
                    })
                };
                let mut c = 0i64;
                for a in m.args.values() {
                    c = c.saturating_add(self.expr(file, a)?);
                }
                match target {
                    Some(t) => c.saturating_add(self.node_cost(&(t, Some(m.name.clone())))?),
                    None => c,
                }
            }
            ExprVal::FunctionCall(f) => {
                let n = if f.name == "range" {
                    self.range_len(file, f)?
                } else {
                    0
                };
                n.saturating_add(self.call_args(file, f)?)
            }
            ExprVal::Math(m) => self
                .expr(file, &m.lhs)?
                .saturating_add(self.expr(file, &m.rhs)?),
            ExprVal::Logic(m) => self
                .expr(file, &m.lhs)?
                .saturating_add(self.expr(file, &m.rhs)?),
            ExprVal::In(m) => self
                .expr(file, &m.lhs)?
                .saturating_add(self.expr(file, &m.rhs)?),
            ExprVal::Test(t) => {
                let mut c = 0i64;
                for a in &t.args {
                    c = c.saturating_add(self.expr(file, a)?);
                }
                c
            }
            ExprVal::Array(items) => {
                let mut c = 0i64;
                for a in items {
                    c = c.saturating_add(self.expr(file, a)?);
                }
                c
            }
            ExprVal::StringConcat(sc) => {
                let mut c = 0i64;
                for v in &sc.values {
                    let e = Expr {
                        val: v.clone(),
                        negated: false,
                        filters: Vec::new(),
                    };
                    c = c.saturating_add(self.expr(file, &e)?);
                }
                c
            }
            _ => 0,
        };
        Ok(s.saturating_add(own))
    }

    /// `file:line:col: message`, the position of the first line holding
    /// `needle` when there is one.
    fn at(&self, name: &str, needle: &str, msg: &str) -> String {
        match self.sources.get(name) {
            Some(src) => format!("{}: {msg}", locate(&src.path, &src.text, needle)),
            None => format!("{name}: {msg}"),
        }
    }
}

fn describe(k: &Key) -> String {
    match &k.1 {
        Some(m) => format!("{}::{m}", k.0),
        None => k.0.clone(),
    }
}

/// `path:line:col` of the first occurrence of `needle` in `text`, or `path`.
pub fn locate(path: &str, text: &str, needle: &str) -> String {
    if needle.is_empty() {
        return path.to_string();
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(needle) {
            let col = line[..col].chars().count() + 1;
            return format!("{path}:{}:{col}", i + 1);
        }
    }
    path.to_string()
}
