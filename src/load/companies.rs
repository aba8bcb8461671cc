//! Reading a company CSV with a located error for every bad cell.

use super::files::Root;
use crate::calc::typology::Company;
use crate::model::companies::{columns, CompaniesFile, Extract};
use crate::validate::diagnostic::{rel, Diagnostic, Diagnostics};
use std::collections::BTreeSet;
use std::path::Path;

fn col_of(line: &str, field: usize) -> usize {
    // Character column of a field: good enough for the unquoted cells a
    // numeric error is about.
    line.split(',')
        .take(field)
        .map(|f| f.chars().count() + 1)
        .sum::<usize>()
        + 1
}

pub fn load(
    root: &Root,
    file: CompaniesFile,
    yaml: &Path,
    csv_loc: Option<(usize, usize)>,
    diags: &mut Diagnostics,
) -> Option<Extract> {
    // The CSV is named relative to the YAML file's folder, and must stay in
    // the content folder like every other path.
    let read = root
        .resolve(&file.csv)
        .map(|_| yaml.parent().unwrap_or(Path::new(".")).join(&file.csv))
        .and_then(|path| root.read(&path).map(|t| (path, t)));
    let (path, text) = match read {
        Ok(x) => x,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "E013",
                    format!("company data `{}` cannot be read: {e}", file.csv),
                )
                .at_loc(&rel(yaml), csv_loc)
                .help("name a CSV file inside the content folder, relative to this file"),
            );
            return None;
        }
    };
    let shown = rel(&path);
    diags.add_source(&shown, &text);
    let lines: Vec<&str> = text.lines().collect();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(
                Diagnostic::error("E002", format!("malformed CSV header: {e}")).at(&shown, 1, 1),
            );
            return None;
        }
    };
    let index = |name: &str| headers.iter().position(|h| h == name);
    let window = file.years;
    if window
        .windows(2)
        .any(|w| w.first().map(|y| y.saturating_add(1)) != w.get(1).copied())
    {
        diags.push(
            Diagnostic::error(
                "E003",
                format!("`years` {window:?} are not three consecutive years"),
            )
            .at_loc(&rel(yaml), csv_loc)
            .help("name the extract's window oldest first, e.g. the plan's history"),
        );
        return None;
    }
    let required = columns(&window);
    let missing: Vec<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|c| index(c).is_none())
        .collect();
    if !missing.is_empty() {
        diags.push(
            Diagnostic::error("E003", format!("column(s) missing: {}", missing.join(", ")))
                .at(&shown, 1, 1)
                .help(format!("the header must name: {}", required.join(", "))),
        );
        return None;
    }
    let known: BTreeSet<&str> = file
        .industries
        .iter()
        .flat_map(|i| i.ksic.iter().map(String::as_str))
        .collect();
    let mut seen = BTreeSet::new();
    let mut companies = Vec::new();
    let mut ok = true;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(
                    Diagnostic::error("E002", format!("malformed CSV row: {e}"))
                        .at(&shown, line, 1),
                );
                ok = false;
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let raw = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
        let cell = |name: &str| index(name).and_then(|i| rec.get(i)).unwrap_or("");
        let mut bad = |name: &str, what: &str| {
            let col = index(name).map_or(1, |i| col_of(raw, i));
            diags.push(
                Diagnostic::error("E003", format!("{name} of company `{}`: {what}", cell("id")))
                    .at(&shown, line, col)
                    .help("numbers without units or separators (12.5), empty or - for missing, Y/N for flags"),
            );
        };
        let mut num = |name: &str| -> Option<f64> {
            let v = cell(name);
            if v.is_empty() || v == "-" {
                return None;
            }
            match v.replace(',', "").parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    bad(name, &format!("`{v}` is not a non-negative number"));
                    ok = false;
                    None
                }
            }
        };
        let years = |num: &mut dyn FnMut(&str) -> Option<f64>, base: &str| {
            window.map(|y| num(&format!("{base}_{y}")))
        };
        let c = Company {
            id: cell("id").to_string(),
            name: cell("name").to_string(),
            sigun: cell("sigun").to_string(),
            ksic: cell("ksic")
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            sme: matches!(cell("sme"), "Y" | "y" | "1"),
            revenue: years(&mut num, "revenue"),
            employees: years(&mut num, "employees"),
            rnd: years(&mut num, "rnd"),
            patent_apps: years(&mut num, "patent_apps"),
            patent_regs: years(&mut num, "patent_regs"),
            lab: matches!(cell("lab"), "Y" | "y" | "1"),
            designation: index("designation")
                .and_then(|i| rec.get(i))
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        };
        for flag in ["sme", "lab"] {
            if !matches!(cell(flag), "Y" | "N" | "y" | "n" | "1" | "0") {
                let v = cell(flag).to_string();
                bad(flag, &format!("`{v}` is not Y or N"));
                ok = false;
            }
        }
        if c.id.is_empty() {
            bad("id", "empty id");
            ok = false;
        } else if !seen.insert(c.id.clone()) {
            let col = col_of(raw, 0);
            diags.push(
                Diagnostic::error("E010", format!("company id `{}` appears twice", c.id))
                    .at(&shown, line, col),
            );
            ok = false;
        }
        for k in c.ksic.iter().filter(|k| !known.contains(k.as_str())) {
            let col = index("ksic").map_or(1, |i| col_of(raw, i));
            diags.push(
                Diagnostic::error(
                    "E011",
                    format!("company `{}` has KSIC {k}, which no industry lists", c.id),
                )
                .at(&shown, line, col)
                .help("add the code to an industry's `ksic` list, or fix the code"),
            );
            ok = false;
        }
        companies.push((c, line));
    }
    ok.then_some(Extract { file, companies })
}
