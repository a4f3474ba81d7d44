//! Writing job postings by hand (imports go through the command line).
use crate::graphql::{types::refs::ToEntityRef, ContextExt};
use async_graphql::{Context, InputObject, Object};
use chrono::NaiveDate;

use crate::{
    catalog::{frameworks, roles, skills},
    graphql::{
        guard::Scope,
        mutation::{
            arg,
            payload::{payload, payload_type, Failure, Inputs},
        },
        types::{
            posting::{EmploymentType, SalaryPeriod, Workplace},
            refs::{FrameworkRef, RoleRef, SkillRef},
            JobPosting,
        },
    },
    market::postings::{self, NewPosting, Salary},
};

/// The advertised pay: amounts per `period`, in `currency`.
#[derive(InputObject)]
pub struct SalaryInput {
    /// The lower bound, when given.
    pub min: Option<f64>,
    /// The upper bound, when given.
    pub max: Option<f64>,
    /// ISO 4217, e.g. EUR.
    pub currency: String,
    #[graphql(default_with = "SalaryPeriod::Year")]
    /// What the amounts are per.
    pub period: SalaryPeriod,
}

/// A posting; with no skills or frameworks listed, they are extracted from the description.
#[derive(InputObject)]
pub struct UpsertJobPostingInput {
    /// Where it comes from; with `externalId` it identifies the posting (writing it again
    /// updates it).
    pub source: String,
    /// The posting's id at its source; unique with `source`.
    pub external_id: String,
    /// The title as advertised.
    pub title: String,
    /// The employer, when given.
    pub company: Option<String>,
    /// The city, when given.
    pub city: Option<String>,
    /// The region or state, when given.
    pub region: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    #[graphql(default_with = "Workplace::Onsite")]
    /// On site, hybrid or remote.
    pub workplace: Workplace,
    /// The kind of employment.
    pub employment_type: Option<EmploymentType>,
    /// The advertised pay, when given.
    pub salary: Option<SalaryInput>,
    /// When it was posted.
    pub posted_date: NaiveDate,
    /// Until when it is open, when given.
    pub valid_through: Option<NaiveDate>,
    /// Where it is advertised.
    pub url: Option<String>,
    /// A short description, plain text.
    pub description: Option<String>,
    /// The role the posting is for.
    pub role: Option<RoleRef>,
    /// Skills it requires.
    #[graphql(default)]
    pub required_skills: Vec<SkillRef>,
    /// Skills it would like.
    #[graphql(default)]
    pub preferred_skills: Vec<SkillRef>,
    /// Frameworks it requires.
    #[graphql(default)]
    pub required_frameworks: Vec<FrameworkRef>,
    /// Frameworks it would like.
    #[graphql(default)]
    pub preferred_frameworks: Vec<FrameworkRef>,
}

payload_type!(
    /// The result of `upsertJobPosting`.
    UpsertJobPostingPayload {
        /// The posting as written.
        job_posting: JobPosting,
    }
);

#[derive(Default)]
pub struct MarketMutation;

#[Object]
impl MarketMutation {
    /// Writes a posting: creates it, or replaces the one with the same `source` and `externalId`.
    #[graphql(guard = "Scope::WritePostings")]
    async fn upsert_job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The posting; `source` and `externalId` identify it.")]
        input: UpsertJobPostingInput,
    ) -> async_graphql::Result<UpsertJobPostingPayload> {
        let r = async {
            let state = ctx.state()?;
            let db = &state.db;
            let mut skill_ids = Vec::new();
            for (list, name, required) in [
                (&input.required_skills, "requiredSkills", true),
                (&input.preferred_skills, "preferredSkills", false),
            ] {
                for (i, s) in list.iter().enumerate() {
                    let m = async { skills::get(db, &s.to_ref()?).await }
                        .await
                        .map_err(|e| e.at(format!("{name}.{i}")))?;
                    skill_ids.push((m.id, required));
                }
            }
            let mut fw_ids = Vec::new();
            for (list, name, required) in [
                (&input.required_frameworks, "requiredFrameworks", true),
                (&input.preferred_frameworks, "preferredFrameworks", false),
            ] {
                for (i, f) in list.iter().enumerate() {
                    let m = async { frameworks::get(db, &f.to_ref()?).await }
                        .await
                        .map_err(|e| e.at(format!("{name}.{i}")))?;
                    fw_ids.push((m.id, required));
                }
            }
            if skill_ids.is_empty() && fw_ids.is_empty() {
                if let Some(d) = &input.description {
                    let ex = state.extractor.get(db).await?;
                    let (s, f) = ex.distinct(&format!("{}\n{d}", input.title));
                    // Extraction keeps the first mentions within the per-posting bound.
                    let max = postings::MAX_POSTING_LINKS;
                    skill_ids.extend(s.into_iter().take(max).map(|id| (id, false)));
                    fw_ids.extend(f.into_iter().take(max).map(|id| (id, false)));
                }
            }
            let role_id = match &input.role {
                Some(r) => Some(
                    roles::get(db, &arg(r, "role")?)
                        .await
                        .map_err(|e| e.at("role"))?
                        .id,
                ),
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
                employment_type: input.employment_type.map(|t| t.as_stored().to_owned()),
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
            Ok::<_, Failure>(UpsertJobPostingPayload {
                job_posting: Some(JobPosting(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["input"]),
            UpsertJobPostingPayload::failed,
        )
    }
}
