//! Writing job postings by hand (imports go through the command line).
use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, Object, ID};
use chrono::NaiveDate;

use crate::{
    catalog::{frameworks, roles, skills},
    graphql::{
        guard::Scope,
        types::{
            entity_ref,
            posting::{SalaryPeriod, Workplace},
            JobPosting, NodeType,
        },
    },
    market::postings::{self, NewPosting, Salary},
};

#[derive(InputObject)]
pub struct SalaryInput {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ISO 4217, e.g. EUR.
    pub currency: String,
    #[graphql(default_with = "SalaryPeriod::Year")]
    pub period: SalaryPeriod,
}

/// A posting; with no skills or frameworks listed, they are extracted from the description.
#[derive(InputObject)]
pub struct CreateJobPostingInput {
    /// Where it comes from; with `externalId` it identifies the posting (writing it again
    /// updates it).
    pub source: String,
    pub external_id: String,
    pub title: String,
    pub company: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    #[graphql(default_with = "Workplace::Onsite")]
    pub workplace: Workplace,
    pub employment_type: Option<String>,
    pub salary: Option<SalaryInput>,
    pub posted_date: NaiveDate,
    pub valid_through: Option<NaiveDate>,
    pub url: Option<String>,
    pub description: Option<String>,
    /// Global id or slug.
    pub role: Option<ID>,
    /// Global ids or slugs.
    #[graphql(default)]
    pub required_skills: Vec<ID>,
    #[graphql(default)]
    pub preferred_skills: Vec<ID>,
    #[graphql(default)]
    pub required_frameworks: Vec<ID>,
    #[graphql(default)]
    pub preferred_frameworks: Vec<ID>,
}

#[derive(Default)]
pub struct MarketMutation;

#[Object]
impl MarketMutation {
    /// Creates a posting, or replaces the one with the same source and external id.
    #[graphql(guard = "Scope::WritePostings")]
    async fn create_job_posting(
        &self,
        ctx: &Context<'_>,
        input: CreateJobPostingInput,
    ) -> async_graphql::Result<JobPosting> {
        let state = ctx.state()?;
        let db = &state.db;
        let mut skill_ids = Vec::new();
        for (list, required) in [
            (&input.required_skills, true),
            (&input.preferred_skills, false),
        ] {
            for s in list {
                let m = skills::get(db, &entity_ref(NodeType::Skill, s)?).await?;
                skill_ids.push((m.id, required));
            }
        }
        let mut fw_ids = Vec::new();
        for (list, required) in [
            (&input.required_frameworks, true),
            (&input.preferred_frameworks, false),
        ] {
            for f in list {
                let m = frameworks::get(db, &entity_ref(NodeType::Framework, f)?).await?;
                fw_ids.push((m.id, required));
            }
        }
        if skill_ids.is_empty() && fw_ids.is_empty() {
            if let Some(d) = &input.description {
                let ex = state.extractor.get(db).await?;
                let (s, f) = ex.distinct(&format!("{}\n{d}", input.title));
                skill_ids.extend(s.into_iter().map(|id| (id, false)));
                fw_ids.extend(f.into_iter().map(|id| (id, false)));
            }
        }
        let role_id = match &input.role {
            Some(r) => Some(roles::get(db, &entity_ref(NodeType::Role, r)?).await?.id),
            None => None,
        };
        let p = NewPosting {
            source: input.source,
            external_id: input.external_id,
            title: input.title,
            company: input.company,
            city: input.city,
            region: input.region,
            country: input.country,
            workplace: input.workplace.into(),
            employment_type: input.employment_type,
            salary: input.salary.map(|s| Salary {
                min: s.min,
                max: s.max,
                currency: s.currency,
                period: s.period.into(),
            }),
            posted_date: input.posted_date,
            valid_through: input.valid_through,
            url: input.url,
            description: input.description,
            role_id,
            skills: skill_ids,
            frameworks: fw_ids,
        };
        let (m, _) = postings::upsert(db, &state.feed, p).await?;
        Ok(JobPosting(m))
    }
}
