//! The answers of `market { … }` analytics.
use async_graphql::{InputObject, SimpleObject};
use chrono::NaiveDate;

use crate::graphql::types::{Framework, Skill};

#[derive(InputObject, Clone, Copy)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(SimpleObject)]
pub struct MonthDemand {
    /// `YYYY-MM`.
    pub month: String,
    pub postings: i32,
    /// Of all postings in scope that month.
    pub share: f64,
}

#[derive(SimpleObject)]
pub struct Demand {
    /// Postings over the whole window.
    pub total: i32,
    pub months: Vec<MonthDemand>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

#[derive(SimpleObject)]
pub struct SkillDemand {
    pub skill: Option<Skill>,
    pub postings: i32,
    /// Of which list it as required.
    pub required: i32,
    /// Of the postings in scope.
    pub share: f64,
}

#[derive(SimpleObject)]
pub struct FrameworkDemand {
    pub framework: Option<Framework>,
    pub postings: i32,
    pub required: i32,
    pub share: f64,
}

#[derive(SimpleObject)]
pub struct TopSkills {
    /// Postings in scope.
    pub postings: i32,
    pub skills: Vec<SkillDemand>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

#[derive(SimpleObject)]
pub struct TopFrameworks {
    pub postings: i32,
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
    pub currency: String,
    pub postings: i32,
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
}

#[derive(SimpleObject)]
pub struct SalaryReport {
    pub currencies: Vec<SalaryDistribution>,
    /// How the percentiles are computed.
    pub method: String,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

#[derive(SimpleObject)]
pub struct CoOccurringSkill {
    pub skill: Option<Skill>,
    /// Postings asking for both skills.
    pub support: i32,
    /// Postings asking for this skill.
    pub postings: i32,
    /// P(a ∧ b) / (P(a) · P(b)): above 1 when they go together more than chance.
    pub lift: f64,
    /// P(this | subject).
    pub confidence: f64,
}

#[derive(SimpleObject)]
pub struct CoOccurrenceReport {
    /// Postings in scope (N).
    pub postings: i32,
    /// Postings in scope asking for the subject skill.
    pub subject_postings: i32,
    pub skills: Vec<CoOccurringSkill>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}

#[derive(SimpleObject)]
pub struct TrendingSkill {
    pub skill: Option<Skill>,
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

#[derive(SimpleObject)]
pub struct TrendReport {
    pub current_postings: i32,
    pub previous_postings: i32,
    pub skills: Vec<TrendingSkill>,
    /// True when some of the postings counted are synthetic (the demo market): said here so
    /// that a client that does not select `sources` still learns it.
    pub synthetic: bool,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
}
