//! Inputs and answers of the job-posting queries: the posting filter and order, and skill
//! mentions found in a text.
use async_graphql::{Enum, InputObject, SimpleObject, ID};
use chrono::NaiveDate;

use crate::{
    catalog::pages::{Order, SortKey},
    error::AppError,
    graphql::types::{
        entity_ref, inputs::OrderDirection, posting::Workplace, Framework, NodeType, Skill,
    },
    market::postings,
};

/// Narrows `jobPostings`; every given condition must hold.
#[derive(InputObject, Default)]
pub struct JobPostingFilter {
    /// Postings asking for every one of these skills (global ids or slugs).
    pub skills: Option<Vec<ID>>,
    /// Postings asking for every one of these frameworks (global ids or slugs).
    pub frameworks: Option<Vec<ID>>,
    /// The posting's role (global id or slug).
    pub role: Option<ID>,
    /// Any of these countries (ISO 3166 alpha-2).
    pub countries: Option<Vec<String>>,
    pub workplaces: Option<Vec<Workplace>>,
    /// Annualised salary range that the posting's range must overlap.
    pub salary_min: Option<f64>,
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
        let refs = |t: NodeType, v: Option<Vec<ID>>| {
            v.unwrap_or_default()
                .iter()
                .map(|id| entity_ref(t, id))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(postings::PostingFilter {
            skills: refs(NodeType::Skill, self.skills)?,
            frameworks: refs(NodeType::Framework, self.frameworks)?,
            role: self
                .role
                .map(|r| entity_ref(NodeType::Role, &r))
                .transpose()?,
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
        })
    }
}

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
    pub field: JobPostingOrderField,
    #[graphql(default_with = "OrderDirection::Desc")]
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
    /// The skill, when the mention is of a skill.
    pub skill: Option<Skill>,
    /// The framework, when the mention is of a framework.
    pub framework: Option<Framework>,
    /// Character offsets (Unicode scalar values) in the text; `end` is exclusive.
    pub start: i32,
    pub end: i32,
    /// The text as it appears.
    pub text: String,
}
