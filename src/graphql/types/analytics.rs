//! The answers of `market { … }` analytics.
use async_graphql::{InputObject, SimpleObject};
use chrono::NaiveDate;

use crate::graphql::types::{Framework, Skill};

/// A range of days, both ends included.
#[derive(InputObject, Clone, Copy)]
pub struct DateRange {
    /// The first day, included.
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

/// A calendar month, `YYYY-MM` (ISO 8601).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct YearMonth(pub String);
async_graphql::scalar!(
    YearMonth,
    "YearMonth",
    "A calendar month, `YYYY-MM` (ISO 8601), e.g. `2026-11`."
);

/// Postings of one month.
#[derive(SimpleObject)]
pub struct MonthDemand {
    /// The month.
    pub month: YearMonth,
    /// Postings counted.
    pub postings: i32,
    /// Of all postings in scope that month.
    pub share: f64,
}

/// Postings per month over a window.
#[derive(SimpleObject)]
pub struct Demand {
    /// Postings over the whole window.
    pub total: i32,
    /// One entry per month of the window, in order.
    pub months: Vec<MonthDemand>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

/// How much a skill is asked for.
#[derive(SimpleObject)]
pub struct SkillDemand {
    /// The skill.
    pub skill: Skill,
    /// Postings counted.
    pub postings: i32,
    /// Of which list it as required.
    pub required: i32,
    /// Of the postings in scope.
    pub share: f64,
}

/// How much a framework is asked for.
#[derive(SimpleObject)]
pub struct FrameworkDemand {
    /// The framework.
    pub framework: Framework,
    /// Postings counted.
    pub postings: i32,
    /// How many of them required it (the rest preferred it).
    pub required: i32,
    /// Its share of the postings in scope (0–1).
    pub share: f64,
}

/// The skills most asked for in scope.
#[derive(SimpleObject)]
pub struct TopSkills {
    /// Postings in scope.
    pub postings: i32,
    /// The skills most asked for, most first.
    pub skills: Vec<SkillDemand>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

/// The frameworks most asked for in scope.
#[derive(SimpleObject)]
pub struct TopFrameworks {
    /// Postings counted.
    pub postings: i32,
    /// The frameworks, ranked.
    pub frameworks: Vec<FrameworkDemand>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

/// Annualised salaries of one currency: each posting once, at the midpoint of its range.
#[derive(SimpleObject)]
pub struct SalaryDistribution {
    /// ISO 4217 code, e.g. EUR.
    pub currency: String,
    /// Postings counted.
    pub postings: i32,
    /// The lower bound, when given.
    pub min: f64,
    /// The first quartile (p25).
    pub p25: f64,
    /// The median (p50).
    pub median: f64,
    /// The third quartile (p75).
    pub p75: f64,
    /// The upper bound, when given.
    pub max: f64,
}

/// Annualised salaries in scope, per currency.
#[derive(SimpleObject)]
pub struct SalaryReport {
    /// One distribution per currency, by currency code.
    pub currencies: Vec<SalaryDistribution>,
    /// How the percentiles are computed.
    pub method: String,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

/// A skill asked for together with the subject skill.
#[derive(SimpleObject)]
pub struct CoOccurringSkill {
    /// The skill.
    pub skill: Skill,
    /// Postings asking for both skills.
    pub support: i32,
    /// Postings asking for this skill.
    pub postings: i32,
    /// P(a ∧ b) / (P(a) · P(b)): above 1 when they go together more than chance.
    pub lift: f64,
    /// P(this | subject).
    pub confidence: f64,
}

/// Skills asked for together with a subject skill, by lift.
#[derive(SimpleObject)]
pub struct CoOccurrenceReport {
    /// Postings in scope (N).
    pub postings: i32,
    /// Postings in scope asking for the subject skill.
    pub subject_postings: i32,
    /// The skills asked for with it, by lift.
    pub skills: Vec<CoOccurringSkill>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

/// A skill whose share of postings changed between two windows.
#[derive(SimpleObject)]
pub struct TrendingSkill {
    /// The skill.
    pub skill: Skill,
    /// Postings asking for it in the current window.
    pub current: i32,
    /// Postings asking for it in the previous window.
    pub previous: i32,
    /// Its share of the postings in scope in the current window (0–1, four decimals).
    pub current_share: f64,
    /// Its share of the postings in scope in the previous window.
    pub previous_share: f64,
    /// Growth of its share: (currentShare − previousShare) / previousShare, so a skill that
    /// only grows with the market does not trend. Null when it had fewer than `minPostings`
    /// postings in the previous window (too few to measure).
    pub growth: Option<f64>,
}

/// Skills whose share of postings grew most.
#[derive(SimpleObject)]
pub struct TrendReport {
    /// Postings in scope in the current window.
    pub current_postings: i32,
    /// Postings in scope in the previous window.
    pub previous_postings: i32,
    /// The skills, measured growth first.
    pub skills: Vec<TrendingSkill>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}
