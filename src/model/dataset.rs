//! Generic datasets: quantitative tables with computed columns, and record
//! collections rendered through a template.

use super::chart::ChartSpec;
use super::Amount;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A file of tables (`kind: table` in plan.yaml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFile {
    #[serde(default)]
    pub tables: Vec<TableSpec>,
    #[serde(default)]
    pub charts: Vec<ChartSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub id: String,
    pub title: String,
    /// The `(단위 : …)` note.
    #[serde(default)]
    pub unit: Option<String>,
    /// The `* 출처:` / `* 자료:` note, as printed.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub label_header: Option<String>,
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<RowSpec>,
    /// Rows with `ksic:` put the KSIC name in this column (the label is then
    /// the code); without it the label is "(code) name".
    #[serde(default)]
    pub ksic_name: Option<String>,
    /// Printed figures of computed cells, by row id and column id.
    #[serde(default)]
    pub published: BTreeMap<String, BTreeMap<String, String>>,
    /// Known errata of the published plan, acknowledged with a reason
    /// (same keys as `published`): still marked and listed, no longer a
    /// warning (`check --deny-warnings` passes).
    #[serde(default)]
    pub accepted: BTreeMap<String, BTreeMap<String, String>>,
    /// Whether the inputs are exact or rounded at their written decimals
    /// (default: by column, see `ColumnSpec::precision`).
    #[serde(default)]
    pub precision: Option<Precision>,
}

/// What an input figure stands for.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Exactly the value written (money of the budget tree, counts).
    Exact,
    /// Any value that rounds to it at the decimals it is written with
    /// (figures transcribed from a printed table: `94` in 백억원 is 93.5–94.5).
    Printed,
}

/// Units of counts: a count is exact even when written without decimals.
const COUNT_UNITS: [&str; 6] = ["개", "개사", "건", "명", "개소", "곳"];

impl TableSpec {
    /// The precision of a column's inputs: the column's, else the table's,
    /// else exact for counts (its unit, or the table's single unit, is one of
    /// 개, 개사, 건, 명, 개소, 곳) and printed for everything else.
    pub fn precision_of(&self, col: &ColumnSpec) -> Precision {
        if let Some(p) = col.precision.or(self.precision) {
            return p;
        }
        let unit = col.unit.as_deref().or(self.unit.as_deref()).map(str::trim);
        // A column of counts by its name (개수, 기업수): counted, not rounded.
        let counted = col.label.trim().ends_with('수') && col.unit.is_none();
        if counted || unit.is_some_and(|u| COUNT_UNITS.contains(&u)) {
            Precision::Exact
        } else {
            Precision::Printed
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub id: String,
    pub label: String,
    /// Upper header shared by neighbouring columns ('22년, 증감 …).
    #[serde(default)]
    pub group: Option<String>,
    /// A formula over this row's columns: `a + b`, `pct(a, b)`,
    /// `share(a, total)`, `cagr(y17, y22, 5)`, `sum(…)`, `mean(…)`.
    #[serde(default)]
    pub compute: Option<String>,
    /// Decimals shown; by default 0 for whole-number inputs, else 2.
    #[serde(default)]
    pub dp: Option<u32>,
    /// The unit of the column's figures (개사, %, 억원 …).
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub precision: Option<Precision>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RowKindSpec {
    Heading,
    Leaf,
    Subtotal,
    Total,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    pub id: String,
    /// Optional only where `ksic:` supplies it.
    #[serde(default)]
    pub label: String,
    /// A KSIC code whose name (from the `ksic` records) labels the row.
    #[serde(default)]
    pub ksic: Option<String>,
    #[serde(default)]
    pub depth: usize,
    #[serde(default)]
    pub kind: Option<RowKindSpec>,
    /// This row's input columns are the sums of these rows (unless given).
    #[serde(default)]
    pub sum: Option<Vec<String>>,
    /// Input cells: a list in input-column order, or a map by column id.
    #[serde(default)]
    pub values: Option<Values>,
    /// Formulas for this row only, by column id, replacing the column's.
    #[serde(default)]
    pub compute: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub enum Values {
    List(Vec<CellInput>),
    Map(BTreeMap<String, CellInput>),
}

/// By hand rather than `untagged`: serde's buffering of untagged enums loses
/// the cell's own error (and cannot hold integers beyond 64 bits).
impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Values;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of cells in column order, or a map { column: cell }")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Values, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Values::List(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Values, A::Error> {
                let mut m = BTreeMap::new();
                while let Some((k, v)) = a.next_entry()? {
                    m.insert(k, v);
                }
                Ok(Values::Map(m))
            }
        }
        d.deserialize_any(V)
    }
}

/// A typed cell: a number, or text (`-` not applicable, `***` masked, words).
#[derive(Debug, Clone)]
pub enum CellInput {
    Num(Amount),
    Text(String),
}

/// By hand rather than `untagged`: a bad cell then says what is wrong with
/// it (`.nan`, a list) instead of "did not match any variant".
impl<'de> Deserialize<'de> for CellInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, Visitor};
        struct V;
        impl Visitor<'_> for V {
            type Value = CellInput;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a text cell (`-`, `***`, words)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CellInput, E> {
                // A figure as written ("1,234", "△1.5", 1.50 with its two
                // decimals) is a number; `.nan` is an error; anything else is
                // text.
                use serde::de::IntoDeserializer;
                let d: de::value::StrDeserializer<E> = v.into_deserializer();
                match Amount::deserialize(d) {
                    Ok(a) => Ok(CellInput::Num(a)),
                    Err(e) if e.to_string() == super::amount::NOT_FINITE => Err(e),
                    Err(_) => Ok(CellInput::Text(v.to_string())),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CellInput, E> {
                Ok(CellInput::Num(Amount(v.into())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CellInput, E> {
                Ok(CellInput::Num(Amount(v.into())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CellInput, E> {
                Ok(CellInput::Text(v.to_string()))
            }
        }
        // As text: the parser then hands over numbers as written.
        d.deserialize_str(V)
    }
}

/// True for the public edition's masks: `***`, `**건`, `***억원` …
pub fn is_masked(s: &str) -> bool {
    s.trim().starts_with("**")
}

/// A collection of records rendered by one template (`kind: records`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsFile {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    /// `content/templates/records/<template>.html`
    pub template: String,
    pub items: Vec<Record>,
}

/// One record: free fields for its template.
pub type Record = serde_json::Map<String, serde_json::Value>;

impl RecordsFile {
    pub fn item_id(item: &Record) -> Option<&str> {
        item.get("id").and_then(|v| v.as_str())
    }
}
