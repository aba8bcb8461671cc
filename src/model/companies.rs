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

/// The columns a company CSV must have, in any order.
pub const COLUMNS: [&str; 21] = [
    "id",
    "name",
    "sigun",
    "ksic",
    "sme",
    "revenue_2021",
    "revenue_2022",
    "revenue_2023",
    "employees_2021",
    "employees_2022",
    "employees_2023",
    "rnd_2021",
    "rnd_2022",
    "rnd_2023",
    "patent_apps_2021",
    "patent_apps_2022",
    "patent_apps_2023",
    "patent_regs_2021",
    "patent_regs_2022",
    "patent_regs_2023",
    "lab",
];

/// A loaded extract: companies with the CSV line each came from.
#[derive(Debug, Clone)]
pub struct Extract {
    pub file: CompaniesFile,
    pub companies: Vec<(Company, usize)>,
}
