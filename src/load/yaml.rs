//! YAML through serde-saphyr: one set of parser options (strict booleans,
//! resource budgets) for every content file, typed parsing with located
//! errors, and a span index that tells where any node of a file is.
//!
//! serde-saphyr replaces serde_yaml (archived upstream). It was chosen because
//! it is maintained, fuzzed and panic-free, enforces budgets on aliases,
//! depth, nodes and events, and gives the line and column (in characters) of
//! every node through `Spanned<T>`, which is what the span index is built
//! from. Semantic checks therefore locate a node by its place in the parsed
//! tree (the mapping whose `id` is X, then keys below it), never by searching
//! the text: quoted keys, flow style and anchors point where they should.

use crate::validate::diagnostic::{rel, Diagnostic, Diagnostics};
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Deepest nesting of sequences and mappings a content file may have. The
/// plan's files nest at most 9 levels; the limit keeps the recursive
/// deserialisation far from the stack's end on hostile input.
pub const MAX_DEPTH: usize = 64;

/// Parser events and nodes a file may produce: a million-row table (about
/// seven nodes a row) still loads, an endless document does not.
const MAX_EVENTS: usize = 60_000_000;
const MAX_NODES: usize = 30_000_000;

pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // Without it `id: n` or `id: no` becomes `false` (YAML 1.1 booleans).
        strict_booleans: true,
        // `.nan` and `.inf` reach the number types, which say why they are
        // not figures (instead of a parser error without that advice).
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_events: MAX_EVENTS,
            max_nodes: MAX_NODES,
            max_documents: 1,
        },
    }
}

/// Strips the position serde-saphyr appends to a message: the diagnostic
/// carries it as fields.
fn message(e: &serde_saphyr::Error) -> String {
    let msg = e.without_snippet().to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    // A message made for the library's users, not for an author.
    msg.replace(
        "; use from_str_multiple or from_str_multiple_with_options",
        "",
    )
}

fn location(e: &serde_saphyr::Error) -> Option<(usize, usize)> {
    e.location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, l.column().max(1) as usize))
}

/// Parses YAML in two steps so that a syntax error (E002) is told apart from
/// a schema error (E003: unknown field, wrong type, missing field).
pub fn parse<T: DeserializeOwned>(path: &Path, src: &str, diags: &mut Diagnostics) -> Option<T> {
    let p = rel(path);
    // The typed parse alone on the happy path; on failure, a second untyped
    // parse tells a syntax error from a schema error.
    let err = match serde_saphyr::from_str_with_options::<T>(src, options()) {
        Ok(v) => return Some(v),
        Err(e) => e,
    };
    if let Err(e) = serde_saphyr::from_str_with_options::<IgnoredAny>(src, options()) {
        let msg = message(&e);
        let help = if msg.contains("budget") || msg.contains("depth") || msg.contains("alias") {
            "this file is too large or too deeply nested for a plan file: split it, or remove anchors that expand into many copies"
        } else if msg.contains("multiple YAML documents") {
            "a content file holds one YAML document: remove the `---` line or split the file"
        } else {
            "check indentation, colons and quotes around this line"
        };
        diags.push(
            Diagnostic::error("E002", format!("malformed YAML: {msg}"))
                .at_loc(&p, location(&e))
                .help(help),
        );
        return None;
    }
    let msg = message(&err);
    let help = if msg.contains("unknown field") {
        "fix the field name: the allowed names are listed in the message".to_string()
    } else if msg.contains("missing field") {
        "add the field to this entry".to_string()
    } else if msg.contains("invalid type")
        || msg.contains("invalid value")
        || msg.contains("invalid ")
    {
        "write a value of the expected type here (numbers without quotes or units)".to_string()
    } else {
        "fix the value at this position".to_string()
    };
    let help = match suggest_field(&msg) {
        Some(s) => format!("did you mean `{s}`? {help}"),
        None => help,
    };
    diags.push(
        Diagnostic::error("E003", msg)
            .at_loc(&p, location(&err))
            .help(help),
    );
    None
}

/// For "unknown field `x`, expected one of a, b, c": the nearest allowed name.
fn suggest_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let list = rest.split_once("expected one of ")?.1;
    let names: Vec<&str> = list
        .split(',')
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty())
        .collect();
    crate::validate::diagnostic::nearest(name, names.iter().copied()).map(str::to_string)
}

/// 1-based line and column (in characters) of a node.
pub type Loc = (usize, usize);

#[derive(Debug)]
enum Kind {
    Scalar(String),
    Seq(Vec<u32>),
    /// (key, key location, value node)
    Map(Vec<(String, Loc, u32)>),
}

#[derive(Debug)]
struct Node {
    loc: Loc,
    kind: Kind,
    /// One past the last node of this node's subtree (nodes are in document
    /// order), so "inside this node" is an index range.
    end: u32,
}

/// Where every node of a YAML file is, from the parser's spans.
#[derive(Debug, Default)]
pub struct Spans {
    nodes: Vec<Node>,
    /// `id: X` mappings by X, as (mapping node, location of the `id` key), in
    /// document order.
    ids: HashMap<String, Vec<(u32, Loc)>>,
}

/// One step of a path into the tree.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// The first mapping at or below the current node whose `id` is this.
    Id(&'a str),
    /// The value of this key of the current mapping.
    Key(&'a str),
    /// This element of the current sequence.
    Index(usize),
}

impl Spans {
    /// The index of a source; empty when it does not parse (the parse error
    /// has been reported then).
    pub fn of(src: &str) -> Spans {
        ARENA.with(|a| a.borrow_mut().clear());
        let root = serde_saphyr::from_str_with_options::<Spanned<NodeRef>>(src, options());
        let nodes = ARENA.with(|a| std::mem::take(&mut *a.borrow_mut()));
        let Ok(root) = root else {
            return Spans::default();
        };
        let mut s = Spans {
            nodes,
            ids: HashMap::new(),
        };
        if let Some(n) = s.nodes.get_mut(root.value.0 as usize) {
            n.loc = loc_of(&root);
        }
        for (at, n) in s.nodes.iter().enumerate() {
            if let Kind::Map(m) = &n.kind {
                for (k, kloc, child) in m {
                    if k == "id" {
                        if let Some(Node {
                            kind: Kind::Scalar(id),
                            ..
                        }) = s.nodes.get(*child as usize)
                        {
                            s.ids
                                .entry(id.clone())
                                .or_default()
                                .push((at as u32, *kloc));
                        }
                    }
                }
            }
        }
        s
    }

    /// Follows `path` from the root; returns the location of the deepest step
    /// found (the key of a `Key` step, the `id` key of an `Id` step), so that
    /// a report lands as close as it can. None when not even the first step
    /// is found.
    pub fn find(&self, path: &[Step]) -> Option<Loc> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut cur = 0u32;
        let mut best = None;
        for step in path {
            let next = match *step {
                Step::Id(id) => self.id_within(cur, id),
                Step::Key(k) => match self.kind(cur) {
                    Some(Kind::Map(m)) => m
                        .iter()
                        .find(|(kk, _, _)| kk == k)
                        .map(|(_, l, v)| (*v, *l)),
                    _ => None,
                },
                Step::Index(i) => match self.kind(cur) {
                    Some(Kind::Seq(s)) => s
                        .get(i)
                        .and_then(|&v| self.nodes.get(v as usize).map(|n| (v, n.loc))),
                    _ => None,
                },
            };
            match next {
                Some((n, loc)) => {
                    cur = n;
                    best = Some(loc);
                }
                None => break,
            }
        }
        best
    }

    /// The location of the node `path` leads to (a value, not its key), only
    /// when every step is found: where `import` rewrites a scalar.
    pub fn value_at(&self, path: &[Step]) -> Option<Loc> {
        let mut cur = 0u32;
        if self.nodes.is_empty() {
            return None;
        }
        for step in path {
            cur = match *step {
                Step::Id(id) => self.id_within(cur, id)?.0,
                Step::Key(k) => match self.kind(cur)? {
                    Kind::Map(m) => m.iter().find(|(kk, _, _)| kk == k)?.2,
                    _ => return None,
                },
                Step::Index(i) => match self.kind(cur)? {
                    Kind::Seq(s) => *s.get(i)?,
                    _ => return None,
                },
            };
        }
        self.nodes.get(cur as usize).map(|n| n.loc)
    }

    fn kind(&self, at: u32) -> Option<&Kind> {
        self.nodes.get(at as usize).map(|n| &n.kind)
    }

    /// The `id: X` mapping at or below node `within`: the first in document
    /// order, found by binary search in the id's occurrences.
    fn id_within(&self, within: u32, id: &str) -> Option<(u32, Loc)> {
        let v = self.ids.get(id)?;
        let end = self.nodes.get(within as usize)?.end;
        let i = v.partition_point(|(n, _)| *n < within);
        v.get(i).filter(|(n, _)| *n < end).copied()
    }

    /// Every `id: X` of the file, in document order (for "used twice").
    pub fn id_locs(&self, id: &str) -> Vec<Loc> {
        self.ids
            .get(id)
            .map(|v| v.iter().map(|(_, l)| *l).collect())
            .unwrap_or_default()
    }

    /// The location of the value of the first `key: value` entry anywhere
    /// in the file whose value is the scalar `value`.
    pub fn scalar(&self, key: &str, value: &str) -> Option<Loc> {
        self.nodes.iter().find_map(|n| match &n.kind {
            Kind::Map(m) => m.iter().find_map(|(k, _, v)| {
                let node = self.nodes.get(*v as usize)?;
                match &node.kind {
                    Kind::Scalar(s) if k == key && s == value => Some(node.loc),
                    _ => None,
                }
            }),
            _ => None,
        })
    }
}

/// What `Spans::after` looks for.
#[derive(Debug, Clone, Copy)]
pub enum Needle<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A scalar value (in a mapping or a sequence).
    Text(&'a str),
    /// `key: value`; the location of the value.
    Entry(&'a str, &'a str),
}

impl Spans {
    /// The first node at or after `from` in document order that matches
    /// `needle`: how a chart's series, rows and columns are found below
    /// the chart's own location.
    pub fn after(&self, from: Option<Loc>, needle: Needle) -> Option<Loc> {
        let from = from.unwrap_or((0, 0));
        let mut best: Option<Loc> = None;
        let mut consider = |l: Loc| {
            if l >= from && best.is_none_or(|b| l < b) {
                best = Some(l);
            }
        };
        for n in &self.nodes {
            match (&n.kind, needle) {
                (Kind::Scalar(s), Needle::Text(t)) if s == t => consider(n.loc),
                (Kind::Map(m), Needle::Key(k)) => {
                    for (kk, kl, _) in m {
                        if kk == k {
                            consider(*kl);
                        }
                    }
                }
                (Kind::Map(m), Needle::Entry(k, v)) => {
                    for (kk, _, child) in m {
                        let Some(c) = self.nodes.get(*child as usize) else {
                            continue;
                        };
                        if kk == k && matches!(&c.kind, Kind::Scalar(s) if s == v) {
                            consider(c.loc);
                        }
                    }
                }
                _ => {}
            }
        }
        best
    }
}

/// Shorthand for the common path: the mapping of an id, then keys below it.
pub fn under<'a>(id: &'a str, keys: &[&'a str]) -> Vec<Step<'a>> {
    let mut v = Vec::with_capacity(keys.len() + 1);
    v.push(Step::Id(id));
    v.extend(keys.iter().map(|k| Step::Key(k)));
    v
}

thread_local! {
    /// The nodes of the file being indexed, in document order. The
    /// deserialiser pushes each node here as it meets it (the parent before
    /// its children), so the tree is built once, without an intermediate copy.
    static ARENA: std::cell::RefCell<Vec<Node>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn loc_of<T>(s: &Spanned<T>) -> Loc {
    (
        s.referenced.line() as usize,
        s.referenced.column().max(1) as usize,
    )
}

fn push(kind: Kind) -> u32 {
    ARENA.with(|a| {
        let mut a = a.borrow_mut();
        let at = a.len() as u32;
        a.push(Node {
            loc: (0, 0),
            kind,
            end: at + 1,
        });
        at
    })
}

/// Sets what is known of node `at` once its children are in the arena.
fn finish(at: u32, kind: Kind) {
    ARENA.with(|a| {
        let mut a = a.borrow_mut();
        let end = a.len() as u32;
        if let Some(n) = a.get_mut(at as usize) {
            n.kind = kind;
            n.end = end;
        }
    });
}

fn set_loc(at: u32, loc: Loc) {
    ARENA.with(|a| {
        if let Some(n) = a.borrow_mut().get_mut(at as usize) {
            n.loc = loc;
        }
    });
}

/// A node of the arena, by index.
struct NodeRef(u32);

fn scalar(s: String) -> NodeRef {
    NodeRef(push(Kind::Scalar(s)))
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NodeRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<NodeRef, E> {
                Ok(scalar(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeRef, E> {
                Ok(scalar(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<NodeRef, E> {
                Ok(scalar(String::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<NodeRef, E> {
                Ok(scalar(String::new()))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeRef, D::Error> {
                NodeRef::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<NodeRef, A::Error> {
                let at = push(Kind::Seq(Vec::new()));
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<NodeRef>>()? {
                    set_loc(x.value.0, loc_of(&x));
                    v.push(x.value.0);
                }
                finish(at, Kind::Seq(v));
                Ok(NodeRef(at))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<NodeRef, A::Error> {
                let at = push(Kind::Map(Vec::new()));
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<KeyText>>()? {
                    let val = a.next_value::<Spanned<NodeRef>>()?;
                    set_loc(val.value.0, loc_of(&val));
                    let kloc = loc_of(&k);
                    v.push((k.value.0, kloc, val.value.0));
                }
                finish(at, Kind::Map(v));
                Ok(NodeRef(at))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping key as text, whatever its scalar type (`2024:` is a number).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
            // A complex key (a list or a mapping as a key) is skipped: no
            // path of planbook's names one.
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<KeyText, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText(String::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<KeyText, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "tree:\n  - id: total\n    label: 총 계\n    children:\n      - id: rnd\n        published:\n          plan: { a: \"1\" }\n    published:\n      plan: { gov24: \"1\", total24: \"2\" }\n";

    #[test]
    fn finds_ids_and_keys_of_the_node_not_of_its_children() {
        let s = Spans::of(SRC);
        assert_eq!(s.find(&[Step::Id("rnd")]), Some((5, 9)));
        assert_eq!(s.find(&[Step::Id("nope")]), None);
        assert_eq!(
            s.find(&under("total", &["published", "plan", "total24"])),
            Some((9, 27))
        );
        assert_eq!(
            s.find(&under("rnd", &["published", "plan", "a"])),
            Some((7, 19))
        );
        assert_eq!(s.find(&under("total", &["label"])), Some((3, 5)));
        // A missing key stops at the deepest step found.
        assert_eq!(
            s.find(&under("total", &["published", "nope"])),
            Some((8, 5))
        );
    }

    #[test]
    fn quoted_keys_flow_style_and_anchors_locate_as_written() {
        let src = "rows:\n  - { \"id\": a, values: { x: 1 } }\n  - &b\n    'id': b\n    \"values\":\n      \"x\": 2\n";
        let s = Spans::of(src);
        assert_eq!(s.find(&[Step::Id("a")]), Some((2, 7)));
        assert_eq!(s.find(&under("a", &["values", "x"])), Some((2, 26)));
        assert_eq!(s.find(&under("b", &["values", "x"])), Some((6, 7)));
        assert_eq!(s.find(&[Step::Key("rows"), Step::Index(1)]), Some((4, 5)));
    }

    #[test]
    fn ids_are_searched_inside_the_scope() {
        let src =
            "tables:\n  - id: t1\n    rows:\n      - id: r\n  - id: t2\n    rows:\n      - id: r\n";
        let s = Spans::of(src);
        assert_eq!(s.find(&[Step::Id("t2"), Step::Id("r")]), Some((7, 9)));
        assert_eq!(s.find(&[Step::Id("t1"), Step::Id("r")]), Some((4, 9)));
        assert_eq!(s.id_locs("r"), vec![(4, 9), (7, 9)]);
    }

    #[test]
    fn value_at_points_at_the_value_itself() {
        let src = "rows:\n  - { id: a, values: [1, \"2.50\", \"-\"] }\n  - id: b\n    values:\n      x: 3.150 # c\n";
        let s = Spans::of(src);
        let v = |i| s.value_at(&[Step::Id("a"), Step::Key("values"), Step::Index(i)]);
        assert_eq!(v(0), Some((2, 23)));
        assert_eq!(v(1), Some((2, 26)));
        assert_eq!(v(2), Some((2, 34)));
        assert_eq!(v(3), None);
        assert_eq!(s.value_at(&under("b", &["values", "x"])), Some((5, 10)));
        assert_eq!(s.value_at(&under("b", &["values", "y"])), None);
    }

    #[test]
    fn columns_count_characters_on_korean_lines() {
        let s = Spans::of("가나다: { id: x }\n");
        assert_eq!(s.find(&[Step::Id("x")]), Some((1, 8)));
    }

    #[test]
    fn syntax_schema_and_budget_errors_are_told_apart() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            id: String,
            label: Option<String>,
        }
        let mut d = Diagnostics::default();
        assert!(parse::<T>(Path::new("a.yaml"), "id: [x\n", &mut d).is_none());
        assert!(parse::<T>(Path::new("a.yaml"), "id: x\nlabl: 1\n", &mut d).is_none());
        assert!(parse::<T>(Path::new("a.yaml"), "id: x\n---\nid: y\n", &mut d).is_none());
        let deep = format!("id: {}x{}\n", "[".repeat(200), "]".repeat(200));
        assert!(parse::<T>(Path::new("a.yaml"), &deep, &mut d).is_none());
        let codes: Vec<&str> = d.items.iter().map(|x| x.code).collect();
        assert_eq!(codes, ["E002", "E003", "E002", "E002"]);
        assert_eq!(d.items[1].line, Some(2));
        assert!(d.items[1].help.as_deref().unwrap_or("").contains("`label`"));
        // strict booleans: `id: n` stays text.
        let t = parse::<T>(Path::new("a.yaml"), "\u{feff}id: n\n", &mut d);
        assert_eq!(t.map(|t| t.id).as_deref(), Some("n"));
    }
}
