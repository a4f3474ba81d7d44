//! GraphQL types of `market.skillSalary`: postings asking for a skill against the same scope
//! without it, per currency. Built from `market::salary_by_skill`; no queries of their own.
use async_graphql::{Enum, SimpleObject};

use crate::{
    graphql::types::paths::PathNode,
    market::salary_by_skill::{self as domain, SampleStatus},
};

/// Whether a currency's comparison was measured, and if not which side has fewer postings
/// than the minimum sample.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillSalaryStatus {
    /// Both sides have at least the minimum sample: quartiles and difference are given.
    Measured,
    /// Too few postings ask for the skill.
    TooFewWithSkill,
    /// Too few postings in scope do not ask for it.
    TooFewWithoutSkill,
    /// Too few on both sides.
    TooFewOnBothSides,
}

impl From<SampleStatus> for SkillSalaryStatus {
    fn from(s: SampleStatus) -> Self {
        match s {
            SampleStatus::Measured => SkillSalaryStatus::Measured,
            SampleStatus::TooFewWith => SkillSalaryStatus::TooFewWithSkill,
            SampleStatus::TooFewWithout => SkillSalaryStatus::TooFewWithoutSkill,
            SampleStatus::TooFewBoth => SkillSalaryStatus::TooFewOnBothSides,
        }
    }
}

/// One side of the comparison: the postings with a salary in this currency, and the quartiles
/// of their annualised midpoints (null when the side has fewer than `minPostings`).
#[derive(SimpleObject)]
pub struct SkillSalarySide {
    /// Postings on this side with a salary in the currency.
    pub postings: i32,
    /// First quartile of their annualised salaries; null below `minPostings`.
    pub p25: Option<f64>,
    /// Median of their annualised salaries; null below `minPostings`.
    pub median: Option<f64>,
    /// Third quartile of their annualised salaries; null below `minPostings`.
    pub p75: Option<f64>,
}

/// The comparison in one currency.
#[derive(SimpleObject)]
pub struct SkillSalaryComparison {
    /// ISO 4217 code; currencies are never mixed.
    pub currency: String,
    /// Whether both sides have enough postings to compare.
    pub status: SkillSalaryStatus,
    /// Why the difference is given or withheld, in words.
    pub reason: String,
    /// Postings in scope that ask for the skill (required or preferred).
    pub with_skill: SkillSalarySide,
    /// Postings in scope that do not.
    pub without_skill: SkillSalarySide,
    /// Median with the skill − median without, in this currency per year; null unless MEASURED.
    pub difference: Option<f64>,
    /// Median with the skill / median without (1.08 = 8 % more); null unless MEASURED.
    pub ratio: Option<f64>,
    /// The sources of the postings counted in this currency, sorted.
    pub sources: Vec<String>,
}

/// What a skill (or framework) is worth in salary within a scope.
#[derive(SimpleObject)]
pub struct SkillSalary {
    /// The skill or framework compared.
    pub node: PathNode,
    /// The sample each side needs for its quartiles and the difference to be given.
    pub min_postings: i32,
    /// One comparison per currency found in scope, by currency code.
    pub currencies: Vec<SkillSalaryComparison>,
    /// How the numbers are computed.
    pub method: String,
    /// True when some of the postings counted are synthetic (the demo market).
    pub synthetic: bool,
    /// The sources of every posting counted, sorted.
    pub sources: Vec<String>,
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl SkillSalary {
    pub fn new(node: PathNode, s: domain::SkillSalary, synthetic: bool) -> Self {
        let min = s.min_postings;
        let side = |x: domain::Side| SkillSalarySide {
            postings: int(x.postings),
            p25: x.p25,
            median: x.median,
            p75: x.p75,
        };
        SkillSalary {
            node,
            min_postings: int(min),
            currencies: s
                .currencies
                .into_iter()
                .map(|c| SkillSalaryComparison {
                    reason: c.reason(min),
                    currency: c.currency,
                    status: c.status.into(),
                    with_skill: side(c.with),
                    without_skill: side(c.without),
                    difference: c.difference,
                    ratio: c.ratio,
                    sources: c.sources,
                })
                .collect(),
            method:
                "each posting counts once, at the midpoint of its annualised range (hour×2080, \
                     day×260, week×52, month×12); with = the posting lists the skill, required or \
                     preferred; quartiles by linear interpolation between closest ranks \
                     (h = (n−1)·p), rounded to cents; per currency, never converted"
                    .into(),
            synthetic,
            sources: s.sources,
        }
    }
}
