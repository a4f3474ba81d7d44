//! GraphQL types of `roleTransitions`: the roles nearest to a role or to known skills, built
//! from `paths::transitions`; no queries of their own (nested relations go through loaders).
use async_graphql::{Enum, SimpleObject};

use crate::{
    graphql::types::{paths::PathNode, Importance, Role},
    paths::transitions as domain,
};

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Whether a transition's salary difference could be measured.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionSalaryStatus {
    /// At least one currency has `minPostings` postings with a salary for both roles.
    Measured,
    /// The source is known skills, not a role: nothing to compare with.
    NoSourceRole,
    /// No currency has enough postings of both roles.
    TooFewPostings,
}

impl From<domain::SalaryStatus> for TransitionSalaryStatus {
    fn from(s: domain::SalaryStatus) -> Self {
        match s {
            domain::SalaryStatus::Measured => TransitionSalaryStatus::Measured,
            domain::SalaryStatus::NoSourceRole => TransitionSalaryStatus::NoSourceRole,
            domain::SalaryStatus::TooFewPostings => TransitionSalaryStatus::TooFewPostings,
        }
    }
}

/// The medians of both roles' postings in one currency (annualised midpoints).
#[derive(SimpleObject)]
pub struct TransitionSalaryDifference {
    /// ISO 4217 code, as the postings give it.
    pub currency: String,
    /// Postings of the source role with a salary in this currency.
    pub from_postings: i32,
    /// Postings of the target role with a salary in this currency.
    pub to_postings: i32,
    /// Median annualised salary of the source role's postings.
    pub from_median: f64,
    /// Median annualised salary of the target role's postings.
    pub to_median: f64,
    /// To − from, per year in this currency.
    pub difference: f64,
    /// To / from (1.06 = 6 % more); null when the source median is 0.
    pub ratio: Option<f64>,
}

/// The salary side of a transition.
#[derive(SimpleObject)]
pub struct TransitionSalary {
    /// Whether the difference could be measured.
    pub status: TransitionSalaryStatus,
    /// Why it is measured or not, in words.
    pub reason: String,
    /// The currencies measured, by code; empty unless MEASURED.
    pub currencies: Vec<TransitionSalaryDifference>,
    /// The sources of the postings counted, sorted.
    pub sources: Vec<String>,
    /// True when some of them are synthetic (the demo market).
    pub synthetic: bool,
}

/// A requirement of the target role the source does not cover.
#[derive(SimpleObject)]
pub struct TransitionSkill {
    /// The skill or framework to add.
    pub node: PathNode,
    /// How the target role needs it.
    pub importance: Importance,
    /// Roles requiring it plus postings asking for it.
    pub demand: i32,
}

/// One step of the learning path from the source to the target role.
#[derive(SimpleObject)]
pub struct TransitionStep {
    /// 1-based.
    pub position: i32,
    /// The skill or framework to learn at this step.
    pub node: PathNode,
    /// True when the target role requires the node itself; false for a prerequisite of one.
    pub requirement: bool,
    /// ESSENTIAL when an essential requirement or needed by one.
    pub importance: Option<Importance>,
}

/// A role to move to, and what it takes.
#[derive(SimpleObject)]
pub struct RoleTransition {
    /// The role to move to.
    pub role: Role,
    /// Weighted Jaccard index (essential 2, optional 1) of the target's requirements and the
    /// source's: 0 to 1, four decimals.
    pub score: f64,
    /// Essential requirements of the target role.
    pub essential_required: i32,
    /// Essential requirements of the target the source covers (holds or implies).
    pub essential_covered: i32,
    /// Optional requirements of the target role.
    pub optional_required: i32,
    /// Optional requirements of the target the source covers.
    pub optional_covered: i32,
    /// Requirements to add: essential first, then by demand, then name.
    pub skills_to_add: Vec<TransitionSkill>,
    /// How many learning steps the move takes (prerequisites included).
    pub learning_step_count: i32,
    /// The learning path, in order (the `learningPath` planner, from the source).
    pub learning_steps: Vec<TransitionStep>,
    /// The median salary difference of the two roles' postings, or why there is none.
    pub salary: TransitionSalary,
    /// The transition in words.
    pub explanation: String,
}

impl From<domain::Transition> for RoleTransition {
    fn from(t: domain::Transition) -> Self {
        let synthetic = crate::market::analytics::synthetic(&t.salary.sources);
        RoleTransition {
            role: Role(t.role),
            score: t.score,
            essential_required: int(t.essential_required),
            essential_covered: int(t.essential_covered),
            optional_required: int(t.optional_required),
            optional_covered: int(t.optional_covered),
            skills_to_add: t
                .to_add
                .into_iter()
                .map(|a| TransitionSkill {
                    node: a.node.into(),
                    importance: a.importance.into(),
                    demand: i32::try_from(a.demand.score()).unwrap_or(i32::MAX),
                })
                .collect(),
            learning_step_count: int(t.steps.len()),
            learning_steps: t
                .steps
                .into_iter()
                .map(|s| TransitionStep {
                    position: int(s.position),
                    node: s.node.into(),
                    requirement: s.requirement,
                    importance: s.importance.map(Into::into),
                })
                .collect(),
            salary: TransitionSalary {
                status: t.salary.status.into(),
                reason: t.salary.reason,
                currencies: t
                    .salary
                    .currencies
                    .into_iter()
                    .map(|c| TransitionSalaryDifference {
                        currency: c.currency,
                        from_postings: i32::try_from(c.from_postings).unwrap_or(i32::MAX),
                        to_postings: i32::try_from(c.to_postings).unwrap_or(i32::MAX),
                        from_median: c.from_median,
                        to_median: c.to_median,
                        difference: c.difference,
                        ratio: c.ratio,
                    })
                    .collect(),
                sources: t.salary.sources,
                synthetic,
            },
            explanation: t.explanation,
        }
    }
}
