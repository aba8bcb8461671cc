//! KSIC names written once: a table row with `ksic: CODE` takes its label
//! (or its `name` cell) from the `ksic` record collection, so renaming a code
//! there renames it in every table too.

use super::yaml::Step;
use super::Loaded;
use crate::model::dataset::{CellInput, RecordsFile, TableFile, Values};
use crate::validate::diagnostic::{rel, Diagnostic, Diagnostics};
use std::collections::BTreeMap;

/// Code → name from every item's `codes` list of the `ksic` collection.
fn names(records: &[Loaded<RecordsFile>]) -> Option<BTreeMap<String, String>> {
    let r = records.iter().find(|r| r.value.id == "ksic")?;
    let mut out = BTreeMap::new();
    for item in &r.value.items {
        let Some(codes) = item.get("codes").and_then(|c| c.as_array()) else {
            continue;
        };
        for c in codes {
            let field = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
            if let (Some(code), Some(name)) = (field("code"), field("name")) {
                out.insert(code, name);
            }
        }
    }
    Some(out)
}

pub fn resolve(
    tables: &mut [Loaded<TableFile>],
    records: &[Loaded<RecordsFile>],
    diags: &mut Diagnostics,
) {
    // Built only when a row asks: most tables name no code.
    let mut known: Option<BTreeMap<String, String>> = None;
    for t in tables.iter_mut() {
        let path = rel(&t.path);
        // Disjoint borrows: the tables change while their file's spans are read.
        let (src, spans) = (&t.src, &t.spans);
        let find = |p: &[Step]| spans.get_or_init(|| super::Spans::of(src)).find(p);
        for spec in &mut t.value.tables {
            // The cell that takes the name, where the code is the label.
            let inputs: Vec<String> = spec
                .columns
                .iter()
                .filter(|c| c.compute.is_none())
                .map(|c| c.id.clone())
                .collect();
            let name_col = spec.ksic_name.clone();
            for row in &mut spec.rows {
                let Some(code) = row.ksic.clone() else {
                    if row.label.is_empty() {
                        diags.push(
                            Diagnostic::error("E003", format!("row `{}` has no label", row.id))
                                .at_loc(&path, find(&[Step::Id(&spec.id), Step::Id(&row.id)]))
                                .help("give it `label:`, or `ksic: CODE` to take the KSIC name"),
                        );
                    }
                    continue;
                };
                let names = known.get_or_insert_with(|| names(records).unwrap_or_default());
                let Some(name) = names.get(&code) else {
                    diags.push(
                        Diagnostic::error("E011", format!("row `{}` names KSIC code {code}, which the `ksic` records do not list", row.id))
                            .at_loc(&path, find(&[Step::Id(&spec.id), Step::Id(&row.id), Step::Key("ksic")]))
                            .help("add the code to data/records/ksic.yaml, or drop `ksic:` and write the label"),
                    );
                    continue;
                };
                match &name_col {
                    None => row.label = format!("({code}) {name}"),
                    Some(col) => {
                        row.label = code.clone();
                        let cell = CellInput::Text(name.clone());
                        match &mut row.values {
                            Some(Values::Map(m)) => {
                                m.insert(col.clone(), cell);
                            }
                            Some(Values::List(l)) => {
                                if let Some(i) = inputs.iter().position(|c| c == col) {
                                    if i <= l.len() {
                                        l.insert(i, cell);
                                    }
                                }
                            }
                            None => {
                                row.values =
                                    Some(Values::Map(BTreeMap::from([(col.clone(), cell)])));
                            }
                        }
                    }
                }
            }
        }
    }
}
