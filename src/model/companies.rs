//! A company extract for the typology of III-2 (kind: companies): the YAML
//! names the CSV, the industries by KSIC code and the parameters.

use crate::calc::typology::{Company, Params};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompaniesFile {
    /// Prefix of the tables and charts this dataset produces.
    pub id: String,
    /// The CSV, relative to this file.
    pub csv: String,
    /// The three consecutive years of the extract, oldest first: the CSV
    /// has a column per measure and year. By default (absent) the plan's
    /// history window.
    #[serde(default)]
    pub years: [u16; 3],
    pub industries: Vec<IndustrySpec>,
    #[serde(default)]
    pub parameters: Params,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustrySpec {
    pub id: String,
    pub label: String,
    /// KSIC codes; a code may belong to several industries.
    pub ksic: Vec<String>,
    /// KSIC names, for the statistics table.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
}

/// The columns a company CSV must have besides the yearly ones, in any order.
pub const FIXED_COLUMNS: [&str; 6] = ["id", "name", "sigun", "ksic", "sme", "lab"];

/// The measures a company CSV gives for every year of the window, as
/// columns `{measure}_{year}` (e.g. `revenue_` followed by the year).
pub const YEARLY: [&str; 5] = ["revenue", "employees", "rnd", "patent_apps", "patent_regs"];

/// Every column a company CSV must have for a window of years.
pub fn columns(years: &[u16; 3]) -> Vec<String> {
    let mut out: Vec<String> = FIXED_COLUMNS
        .iter()
        .take(5)
        .map(|c| c.to_string())
        .collect();
    for m in YEARLY {
        for y in years {
            out.push(format!("{m}_{y}"));
        }
    }
    out.extend(FIXED_COLUMNS.iter().skip(5).map(|c| c.to_string()));
    out
}

/// A loaded extract: companies with the CSV line each came from.
#[derive(Debug, Clone)]
pub struct Extract {
    pub file: CompaniesFile,
    pub companies: Vec<(Company, usize)>,
}
