//! Company typology of chapter III-2: innovation and growth indices, the
//! A/B/C groups by percentile, the five second-stage types under criteria
//! ①②③, descriptive statistics and percentiles.
//!
//! The seed does not state the normalisation of the index components, the
//! percentile method, how ties fall, or what happens when the two indices are
//! equal: each is a named parameter with a documented default.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One company of the extract; amounts in 억원, by year of the extract's
/// three-year window, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    pub sigun: String,
    pub ksic: Vec<String>,
    pub sme: bool,
    pub revenue: [Option<f64>; 3],
    pub employees: [Option<f64>; 3],
    pub rnd: [Option<f64>; 3],
    pub patent_apps: [Option<f64>; 3],
    pub patent_regs: [Option<f64>; 3],
    pub lab: bool,
    /// Growth-ladder designation (혁신선도, 스타 …), if any.
    pub designation: Option<String>,
}

/// How index components are put on one scale before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// (x − min) / (max − min) over the industry: 0…1. The default: the
    /// weights then mean what they say whatever the units.
    #[default]
    MinMax,
    /// Percentile rank over the industry (share of companies below): 0…1.
    Rank,
    /// Raw values (%, counts and 0/1 mixed).
    None,
}

/// How a percentile is read from sorted values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PercentileMethod {
    /// Linear interpolation between closest ranks (Excel PERCENTILE.INC,
    /// R type 7): the default, what a spreadsheet author gets.
    #[default]
    Linear,
    /// The smallest value with at least p % of values at or below it.
    NearestRank,
}

/// Which second-stage rule applies (III-2 (참고) ①②③).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Criteria {
    /// ① central revenue thresholds for every group.
    Central,
    /// ② central thresholds with a regional B revenue threshold.
    RegionalB,
    /// ③ the 선도 test for group A only; the rest split by the two indices.
    /// The seed adopted it for all three industries.
    #[default]
    AOnly,
}

/// Where a company with equal innovation and growth indices goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum EqualIndices {
    /// To the technology side (기술선도 예비 / 기술 혁신형): the default.
    #[default]
    Technology,
    Market,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub normalisation: Normalisation,
    pub percentile: PercentileMethod,
    /// Top shares of groups A, B, C (%): both indices must reach them.
    pub top: [f64; 3],
    pub criteria: Criteria,
    /// Regional revenue threshold of group B (억원) for criterion ②.
    pub regional_b_revenue: f64,
    pub equal_indices: EqualIndices,
    /// Ties at a threshold are in the group (≥); `false` requires >.
    pub ties_included: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            normalisation: Normalisation::default(),
            percentile: PercentileMethod::default(),
            top: [10.0, 30.0, 50.0],
            criteria: Criteria::default(),
            regional_b_revenue: 60.0,
            equal_indices: EqualIndices::default(),
            ties_included: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    A,
    B,
    C,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// 기술·시장 선도형 (A)
    Leader,
    /// 기술선도 예비 (B)
    TechPre,
    /// 시장선도 예비 (B)
    MarketPre,
    /// 기술 혁신형 (C)
    TechInnov,
    /// 시장 촉진형 (C)
    MarketPromo,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Leader,
        Kind::TechPre,
        Kind::MarketPre,
        Kind::TechInnov,
        Kind::MarketPromo,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Kind::Leader => "기술·시장 선도형(A)",
            Kind::TechPre => "기술선도 예비(B)",
            Kind::MarketPre => "시장선도 예비(B)",
            Kind::TechInnov => "기술 혁신형(C)",
            Kind::MarketPromo => "시장 촉진형(C)",
        }
    }
}

/// Per-company figures of the typology.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// 3-year average revenue (억원) over the years given.
    pub rev3: Option<f64>,
    pub emp_last: Option<f64>,
    /// R&D intensity (%): Σ R&D / Σ revenue over years with both.
    pub rd_int: Option<f64>,
    /// Mean yearly patents (applications + registrations, unweighted).
    pub pat3: Option<f64>,
    pub g_rev: Option<f64>,
    pub g_emp: Option<f64>,
    pub innovation: Option<f64>,
    pub growth: Option<f64>,
    pub group: Option<Group>,
    pub kind: Option<Kind>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Two-interval CAGR over the window (first → last year): (last / first)^(1/2) − 1, in %.
pub fn cagr2(first: Option<f64>, last: Option<f64>) -> Option<f64> {
    match (first, last) {
        (Some(a), Some(b)) if a > 0.0 && b >= 0.0 => Some(((b / a).sqrt() - 1.0) * 100.0),
        _ => None,
    }
}

#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn base_profile(c: &Company) -> Profile {
    let revs: Vec<f64> = c.revenue.iter().flatten().copied().collect();
    let (mut rd_sum, mut rev_sum) = (0.0, 0.0);
    for y in 0..3 {
        if let (Some(r), Some(v)) = (c.rnd[y], c.revenue[y]) {
            rd_sum += r;
            rev_sum += v;
        }
    }
    let pats: Vec<f64> = (0..3)
        .filter(|&y| c.patent_apps[y].is_some() || c.patent_regs[y].is_some())
        .map(|y| c.patent_apps[y].unwrap_or(0.0) + c.patent_regs[y].unwrap_or(0.0))
        .collect();
    Profile {
        rev3: mean(&revs),
        emp_last: c.employees[2],
        rd_int: (rev_sum > 0.0).then(|| rd_sum / rev_sum * 100.0),
        pat3: mean(&pats),
        g_rev: cagr2(c.revenue[0], c.revenue[2]),
        g_emp: cagr2(c.employees[0], c.employees[2]),
        ..Default::default()
    }
}

/// The value at percentile `p` (0–100) of `values` (any order).
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn percentile(values: &[f64], p: f64, method: PercentileMethod) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // A top share outside 0–100 % (from the parameters) would index past
    // the values; it means "all" or "none".
    let p = p.clamp(0.0, 100.0);
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    match method {
        PercentileMethod::Linear => {
            let h = (n - 1) as f64 * p / 100.0;
            let lo = h.floor() as usize;
            let hi = h.ceil() as usize;
            Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
        }
        PercentileMethod::NearestRank => {
            let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
            Some(v[rank.min(n) - 1])
        }
    }
}

fn normalise(values: &[Option<f64>], how: Normalisation) -> Vec<Option<f64>> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    match how {
        Normalisation::None => values.to_vec(),
        Normalisation::MinMax => {
            let (lo, hi) = present
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            values
                .iter()
                .map(|v| v.map(|x| if hi > lo { (x - lo) / (hi - lo) } else { 0.0 }))
                .collect()
        }
        Normalisation::Rank => values
            .iter()
            .map(|v| {
                v.map(|x| {
                    let below = present.iter().filter(|&&y| y < x).count() as f64;
                    if present.len() > 1 {
                        below / (present.len() - 1) as f64
                    } else {
                        0.0
                    }
                })
            })
            .collect(),
    }
}

/// Thresholds of the groups: (innovation, growth) at the top shares.
pub fn thresholds(profiles: &[Profile], p: &Params) -> [(Option<f64>, Option<f64>); 3] {
    let inn: Vec<f64> = profiles.iter().filter_map(|x| x.innovation).collect();
    let gro: Vec<f64> = profiles.iter().filter_map(|x| x.growth).collect();
    p.top.map(|t| {
        (
            percentile(&inn, 100.0 - t, p.percentile),
            percentile(&gro, 100.0 - t, p.percentile),
        )
    })
}

fn tech_side(innovation: f64, growth: f64, eq: EqualIndices) -> bool {
    innovation > growth || (innovation == growth && eq == EqualIndices::Technology)
}

fn or_growth(x: &Profile, min: f64) -> bool {
    x.g_rev.is_some_and(|g| g >= min) || x.g_emp.is_some_and(|g| g >= min)
}

fn or_rd(x: &Profile, c: &Company, min: f64) -> bool {
    x.rd_int.is_some_and(|r| r >= min) || c.lab
}

/// The second-stage type of a grouped company under the chosen criterion.
pub fn kind_of(x: &Profile, c: &Company, p: &Params) -> Option<Kind> {
    let (group, inn, gro) = (x.group?, x.innovation?, x.growth?);
    let rev = x.rev3.unwrap_or(0.0);
    let tech = tech_side(inn, gro, p.equal_indices);
    let leader = rev >= 100.0 && or_rd(x, c, 1.0) && or_growth(x, 5.0);
    if p.criteria == Criteria::AOnly {
        return Some(match (group, leader, tech) {
            (Group::A, true, _) => Kind::Leader,
            (Group::A | Group::B, _, true) => Kind::TechPre,
            (Group::A | Group::B, _, false) => Kind::MarketPre,
            (Group::C, _, true) => Kind::TechInnov,
            (Group::C, _, false) => Kind::MarketPromo,
        });
    }
    let b_rev = if p.criteria == Criteria::RegionalB {
        p.regional_b_revenue
    } else {
        60.0
    };
    let b = |x: &Profile| {
        if tech {
            (rev >= b_rev && or_rd(x, c, 1.0)).then_some(Kind::TechPre)
        } else {
            (rev >= b_rev && or_growth(x, 5.0)).then_some(Kind::MarketPre)
        }
    };
    let cc = |x: &Profile| {
        if tech {
            (rev >= 10.0 && or_rd(x, c, 0.5)).then_some(Kind::TechInnov)
        } else {
            (rev >= 10.0 && or_growth(x, 3.0)).then_some(Kind::MarketPromo)
        }
    };
    // A company that fails its group's test is tested against the next one
    // (inferred from the seed's counts, C.md §2.8); one that fails all stays untyped.
    match group {
        Group::A => leader
            .then_some(Kind::Leader)
            .or_else(|| b(x))
            .or_else(|| cc(x)),
        Group::B => b(x).or_else(|| cc(x)),
        Group::C => cc(x),
    }
}

/// Profiles, indices, groups and types of the companies of one industry.
#[allow(clippy::indexing_slicing)] // indexes by positions taken from the same collections (reviewed); new functions are under the lint
pub fn classify(companies: &[&Company], p: &Params) -> Vec<Profile> {
    let mut prof: Vec<Profile> = companies.iter().map(|c| base_profile(c)).collect();
    let rd = normalise(
        &prof
            .iter()
            .map(|x| Some(x.rd_int.unwrap_or(0.0)))
            .collect::<Vec<_>>(),
        p.normalisation,
    );
    let pat = normalise(
        &prof
            .iter()
            .map(|x| Some(x.pat3.unwrap_or(0.0)))
            .collect::<Vec<_>>(),
        p.normalisation,
    );
    let lab = normalise(
        &companies
            .iter()
            .map(|c| Some(if c.lab { 1.0 } else { 0.0 }))
            .collect::<Vec<_>>(),
        p.normalisation,
    );
    let ge = normalise(
        &prof
            .iter()
            .map(|x| x.g_emp.zip(x.g_rev).map(|(e, _)| e))
            .collect::<Vec<_>>(),
        p.normalisation,
    );
    let gr = normalise(
        &prof
            .iter()
            .map(|x| x.g_emp.zip(x.g_rev).map(|(_, r)| r))
            .collect::<Vec<_>>(),
        p.normalisation,
    );
    for (i, x) in prof.iter_mut().enumerate() {
        x.innovation = Some(
            0.25 * rd[i].unwrap_or(0.0)
                + 0.25 * pat[i].unwrap_or(0.0)
                + 0.5 * lab[i].unwrap_or(0.0),
        );
        // Only where both growth rates exist (the seed's 144 of 310).
        x.growth = ge[i].zip(gr[i]).map(|(e, r)| 0.5 * e + 0.5 * r);
    }
    let th = thresholds(&prof, p);
    let reaches = |v: f64, t: f64| if p.ties_included { v >= t } else { v > t };
    for (i, x) in prof.iter_mut().enumerate() {
        let (Some(inn), Some(gro)) = (x.innovation, x.growth) else {
            continue;
        };
        x.group = [Group::A, Group::B, Group::C]
            .into_iter()
            .zip(th)
            .find_map(|(g, (ti, tg))| {
                (ti.is_some_and(|t| reaches(inn, t)) && tg.is_some_and(|t| reaches(gro, t)))
                    .then_some(g)
            });
        x.kind = kind_of(x, companies[i], p);
    }
    prof
}

/// n, min, max, mean, median over the values present.
pub fn describe(values: &[f64]) -> (usize, Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    if values.is_empty() {
        return (0, None, None, None, None);
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (
        values.len(),
        Some(min),
        Some(max),
        mean(values),
        percentile(values, 50.0, PercentileMethod::Linear),
    )
}

/// Growth-ladder stage of III-3 by 3-year average revenue (억원) and designation.
pub fn ladder_stage(rev3: Option<f64>, designation: Option<&str>) -> &'static str {
    match (designation, rev3) {
        (Some(d), Some(r)) if d.contains("혁신선도") && r >= 98.6 => "혁신선도",
        (Some(d), _) if d.contains("스타") => "예비선도(스타)",
        (_, Some(r)) if (200.0..400.0).contains(&r) => "Rise-UP",
        (_, Some(r)) if (25.0..200.0).contains(&r) => "잠재2(Pre-Star)",
        (_, Some(r)) if (1.0..25.0).contains(&r) => "잠재1(Post-BI)",
        _ => "-",
    }
}

/// f64 → Decimal for tables (None for NaN or infinities).
pub fn dec(v: Option<f64>) -> Option<Decimal> {
    v.filter(|x| x.is_finite()).and_then(Decimal::from_f64)
}

pub fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn co(id: &str, rev: [f64; 3], emp: [f64; 3], rnd: f64, pats: f64, lab: bool) -> Company {
        Company {
            id: id.into(),
            ksic: vec!["10501".into()],
            sme: true,
            revenue: rev.map(Some),
            employees: emp.map(Some),
            rnd: [Some(rnd); 3],
            patent_apps: [Some(pats); 3],
            patent_regs: [Some(0.0); 3],
            lab,
            ..Default::default()
        }
    }

    #[test]
    fn profile_by_hand() {
        let c = co(
            "a",
            [100.0, 110.0, 121.0],
            [10.0, 12.0, 14.4],
            5.0,
            2.0,
            true,
        );
        let p = base_profile(&c);
        assert!((p.rev3.unwrap_or(0.0) - 110.333).abs() < 0.001);
        assert!(
            (p.g_rev.unwrap_or(0.0) - 10.0).abs() < 1e-9,
            "√(121/100) − 1 = 10 %"
        );
        assert!((p.g_emp.unwrap_or(0.0) - 20.0).abs() < 1e-9);
        assert!((p.rd_int.unwrap_or(0.0) - 15.0 / 331.0 * 100.0).abs() < 1e-9);
        assert_eq!(p.pat3, Some(2.0));
    }

    #[test]
    fn missing_years_and_zero_revenue() {
        let mut c = co("z", [0.0, 5.0, 8.0], [3.0, 3.0, 3.0], 0.0, 0.0, false);
        let p = base_profile(&c);
        assert_eq!(p.g_rev, None, "growth from a zero first year is undefined");
        c.revenue = [None, Some(4.0), Some(6.0)];
        let p = base_profile(&c);
        assert_eq!(p.rev3, Some(5.0), "averaged over the years given");
        assert_eq!(p.g_rev, None);
    }

    #[test]
    fn percentile_methods() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 50.0, PercentileMethod::Linear), Some(3.0));
        assert_eq!(percentile(&v, 90.0, PercentileMethod::Linear), Some(4.6));
        assert_eq!(
            percentile(&v, 90.0, PercentileMethod::NearestRank),
            Some(5.0)
        );
        assert_eq!(percentile(&[], 50.0, PercentileMethod::Linear), None);
    }

    fn ten() -> Vec<Company> {
        (0..10)
            .map(|i| {
                let k = i as f64;
                co(
                    &format!("c{i}"),
                    [50.0 + k * 10.0, 55.0 + k * 10.0, 60.0 + k * 14.0],
                    [10.0, 11.0, 12.0 + k],
                    k,
                    k,
                    i % 2 == 0,
                )
            })
            .collect()
    }

    #[test]
    fn groups_are_nested_by_threshold_and_disjoint() {
        let cs = ten();
        let refs: Vec<&Company> = cs.iter().collect();
        let p = Params::default();
        let prof = classify(&refs, &p);
        let th = thresholds(&prof, &p);
        // A ⊂ B ⊂ C thresholds: the top-10 % bar is the highest.
        assert!(th[0].0 >= th[1].0 && th[1].0 >= th[2].0);
        assert!(th[0].1 >= th[1].1 && th[1].1 >= th[2].1);
        let count = |g| prof.iter().filter(|x| x.group == Some(g)).count();
        assert!(count(Group::A) <= count(Group::B) + count(Group::A));
        // Under ③ every grouped company gets a type, so types sum to groups.
        let grouped = prof.iter().filter(|x| x.group.is_some()).count();
        let typed = prof.iter().filter(|x| x.kind.is_some()).count();
        assert_eq!(grouped, typed);
        assert!(grouped > 0);
    }

    #[test]
    fn ties_and_equal_indices_follow_the_parameters() {
        // Two identical companies tie at every threshold.
        let cs = [
            co("a", [10.0, 10.0, 20.0], [5.0, 5.0, 10.0], 1.0, 1.0, true),
            co("b", [10.0, 10.0, 20.0], [5.0, 5.0, 10.0], 1.0, 1.0, true),
        ];
        let refs: Vec<&Company> = cs.iter().collect();
        let with = classify(&refs, &Params::default());
        assert!(
            with.iter().all(|x| x.group == Some(Group::A)),
            "ties included: both reach the top 10 %"
        );
        let without = classify(
            &refs,
            &Params {
                ties_included: false,
                ..Params::default()
            },
        );
        assert!(
            without.iter().all(|x| x.group.is_none()),
            "ties excluded: neither exceeds the other"
        );
        // Min-max scaling puts both indices at 1.0: equal.
        let tech = classify(&refs, &Params::default());
        assert_eq!(tech[0].innovation, tech[0].growth);
        assert_eq!(
            tech[0].kind,
            Some(Kind::TechPre),
            "A fails the 선도 test (revenue < 100) and goes to the technology side"
        );
        let market = classify(
            &refs,
            &Params {
                equal_indices: EqualIndices::Market,
                ..Params::default()
            },
        );
        assert_eq!(market[0].kind, Some(Kind::MarketPre));
    }

    #[test]
    fn criterion_one_leaves_failures_untyped() {
        let cs = ten();
        let refs: Vec<&Company> = cs.iter().collect();
        let central = classify(
            &refs,
            &Params {
                criteria: Criteria::Central,
                ..Params::default()
            },
        );
        let a_only = classify(&refs, &Params::default());
        let typed = |v: &[Profile]| v.iter().filter(|x| x.kind.is_some()).count();
        assert!(typed(&central) <= typed(&a_only));
    }

    #[test]
    fn normalisations() {
        let v = [Some(2.0), None, Some(4.0), Some(6.0)];
        assert_eq!(
            normalise(&v, Normalisation::MinMax),
            vec![Some(0.0), None, Some(0.5), Some(1.0)]
        );
        assert_eq!(
            normalise(&v, Normalisation::Rank),
            vec![Some(0.0), None, Some(0.5), Some(1.0)]
        );
        assert_eq!(normalise(&v, Normalisation::None), v.to_vec());
        // Rank differs from min-max when values are uneven.
        let u = [Some(1.0), Some(2.0), Some(100.0)];
        assert_eq!(normalise(&u, Normalisation::Rank)[1], Some(0.5));
        assert!(normalise(&u, Normalisation::MinMax)[1].unwrap_or(1.0) < 0.02);
        // One value: no spread, everything at 0.
        assert_eq!(
            normalise(&[Some(3.0)], Normalisation::MinMax),
            vec![Some(0.0)]
        );
    }

    #[test]
    fn ladder_stages() {
        assert_eq!(ladder_stage(Some(120.0), Some("혁신선도")), "혁신선도");
        assert_eq!(ladder_stage(Some(30.0), None), "잠재2(Pre-Star)");
        assert_eq!(ladder_stage(Some(250.0), None), "Rise-UP");
        assert_eq!(ladder_stage(Some(5.0), None), "잠재1(Post-BI)");
        assert_eq!(ladder_stage(None, None), "-");
    }

    #[test]
    fn percentiles_outside_0_to_100_do_not_index_past_the_values() {
        let v = [3.0, 1.0, 2.0];
        for m in [PercentileMethod::Linear, PercentileMethod::NearestRank] {
            assert_eq!(percentile(&v, 150.0, m), Some(3.0));
            assert_eq!(percentile(&v, -20.0, m), Some(1.0));
            assert!(percentile(&v, f64::NAN, m).is_some());
        }
    }
}
