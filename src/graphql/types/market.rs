//! Inputs and answers of the job-posting queries: the posting filter and order, and skill
//! mentions found in a text.
use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::NaiveDate;

use crate::{
    catalog::pages::{Order, SortKey},
    error::AppError,
    graphql::types::{
        inputs::OrderDirection,
        paths::PathNode,
        posting::Workplace,
        refs::{to_refs, FrameworkRef, RoleRef, SkillRef, ToEntityRef},
    },
    market::postings,
};

/// Narrows `jobPostings`; every given condition must hold.
#[derive(InputObject, Default)]
pub struct JobPostingFilter {
    /// Postings asking for every one of these skills.
    pub skills: Option<Vec<SkillRef>>,
    /// Postings asking for every one of these frameworks.
    pub frameworks: Option<Vec<FrameworkRef>>,
    /// The posting's role.
    pub role: Option<RoleRef>,
    /// Any of these countries (ISO 3166 alpha-2).
    pub countries: Option<Vec<String>>,
    /// Any of these ways of working (on site, hybrid, remote).
    pub workplaces: Option<Vec<Workplace>>,
    /// Annualised salary floor: the posting's range must reach it. Needs `currency` (amounts
    /// in different currencies do not compare).
    pub salary_min: Option<f64>,
    /// Annualised salary ceiling: the posting's range must start below it. Needs `currency`.
    pub salary_max: Option<f64>,
    /// Only salaries in this currency (ISO 4217).
    pub currency: Option<String>,
    /// Posted on or after this date.
    pub posted_from: Option<NaiveDate>,
    /// Posted on or before this date.
    pub posted_to: Option<NaiveDate>,
    /// Any of these sources (`synthetic` for demo data).
    pub sources: Option<Vec<String>>,
}

impl JobPostingFilter {
    pub fn into_domain(self) -> Result<postings::PostingFilter, AppError> {
        if (self.salary_min.is_some() || self.salary_max.is_some()) && self.currency.is_none() {
            return Err(AppError::Validation(
                "`salaryMin`/`salaryMax` compare amounts of one currency: give `currency` too"
                    .into(),
            ));
        }
        Ok(postings::PostingFilter {
            skills: to_refs(&self.skills.unwrap_or_default())?,
            frameworks: to_refs(&self.frameworks.unwrap_or_default())?,
            role: self.role.map(|r| r.to_ref()).transpose()?,
            countries: self.countries.unwrap_or_default(),
            workplaces: self
                .workplaces
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            salary_min: self.salary_min,
            salary_max: self.salary_max,
            currency: self.currency,
            posted_from: self.posted_from,
            posted_to: self.posted_to,
            sources: self.sources.unwrap_or_default(),
            ids: Vec::new(),
        })
    }
}

/// What job postings can be ordered by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JobPostingOrderField {
    /// The posted date.
    #[default]
    PostedDate,
    /// The annualised salary midpoint; postings without a salary sort lowest.
    Salary,
}

/// Ordering of postings; ties are broken by id. Default: newest first.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct JobPostingOrder {
    /// What to order by.
    pub field: JobPostingOrderField,
    #[graphql(default_with = "OrderDirection::Desc")]
    /// Ascending or descending.
    pub direction: OrderDirection,
}

pub fn order(o: Option<JobPostingOrder>) -> Order {
    let o = o.unwrap_or(JobPostingOrder {
        field: JobPostingOrderField::PostedDate,
        direction: OrderDirection::Desc,
    });
    Order {
        key: match o.field {
            JobPostingOrderField::PostedDate => SortKey::Posted,
            JobPostingOrderField::Salary => SortKey::Salary,
        },
        desc: o.direction == OrderDirection::Desc,
    }
}

/// A skill or framework mentioned in a text.
#[derive(SimpleObject)]
pub struct SkillMention {
    /// The skill or framework mentioned.
    pub node: PathNode,
    /// Where the mention starts, in Unicode scalar values (Rust `chars`, Python `str`).
    pub start: i32,
    /// Where it ends (exclusive), in Unicode scalar values.
    pub end: i32,
    /// Where it starts in UTF-16 code units (JavaScript `String.prototype.slice`, Java, C#).
    pub start_utf16: i32,
    /// Where it ends (exclusive) in UTF-16 code units.
    pub end_utf16: i32,
    /// The text as it appears.
    pub text: String,
}
