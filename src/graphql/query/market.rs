//! Job postings: one by id, the filtered list, and skill extraction from free text.
use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use async_graphql::{Context, Object, ID};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{
            conn_cost,
            connection::{page_args, PageInput},
            decode_global_id,
            market::{order, JobPostingFilter, JobPostingOrder, SkillMention},
            Conn, Framework, JobPosting, JobPostingConnection, NodeType, Skill,
        },
    },
    market::{extract, postings},
};

#[derive(Default)]
pub struct MarketQuery;

/// The largest text `extractSkills` takes, in bytes.
const MAX_EXTRACT: usize = 1_000_000;

#[Object]
impl MarketQuery {
    /// One job posting by its global id.
    async fn job_posting(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<JobPosting>> {
        let n = match decode_global_id(&id) {
            Some((NodeType::JobPosting, n)) => n,
            _ => {
                return Err(AppError::Validation(format!(
                    "'{}' is not a JobPosting id",
                    id.as_str()
                ))
                .into())
            }
        };
        let m = ctx
            .data::<Loaders>()?
            .posting_by_id
            .load_one(n)
            .await
            .map_err(|e| e.to_graphql())?;
        Ok(m.map(JobPosting))
    }

    /// Job postings, filtered, newest first unless `orderBy` says otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn job_postings(
        &self,
        ctx: &Context<'_>,
        filter: Option<JobPostingFilter>,
        order_by: Option<JobPostingOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<JobPostingConnection> {
        let db = ctx.db()?;
        let args = page_args(
            PageInput {
                first,
                after,
                last,
                before,
            },
            order(order_by),
        )?;
        let f = filter.unwrap_or_default().into_domain()?;
        let listing = postings::list(db, &f, &args).await?;
        Ok(JobPostingConnection(Conn::from_listing(listing)))
    }

    /// The skills and frameworks a text mentions (names and aliases of the catalog), with
    /// character spans. See the README for the rules on ambiguous names (Go, R, Spring, ROR).
    async fn extract_skills(
        &self,
        ctx: &Context<'_>,
        text: String,
    ) -> async_graphql::Result<Vec<SkillMention>> {
        if text.len() > MAX_EXTRACT {
            return Err(
                AppError::Validation(format!("text must be at most {MAX_EXTRACT} bytes")).into(),
            );
        }
        let state = ctx.state()?;
        let ex = state.extractor.get(&state.db).await?;
        let mentions = ex.extract(&text);
        let loaders = ctx.data::<Loaders>()?;
        let skill_ids: Vec<i64> = mentions
            .iter()
            .filter(|m| m.kind == extract::Kind::Skill)
            .map(|m| m.id)
            .collect();
        let fw_ids: Vec<i64> = mentions
            .iter()
            .filter(|m| m.kind == extract::Kind::Framework)
            .map(|m| m.id)
            .collect();
        let (skills, fws) = futures_util::try_join!(
            loaders.skill_by_id.load_many(skill_ids),
            loaders.framework_by_id.load_many(fw_ids),
        )
        .map_err(|e| e.to_graphql())?;
        Ok(mentions
            .into_iter()
            .map(|m| SkillMention {
                skill: match m.kind {
                    extract::Kind::Skill => skills.get(&m.id).cloned().map(Skill),
                    _ => None,
                },
                framework: match m.kind {
                    extract::Kind::Framework => fws.get(&m.id).cloned().map(Framework),
                    _ => None,
                },
                start: i32::try_from(m.start).unwrap_or(i32::MAX),
                end: i32::try_from(m.end).unwrap_or(i32::MAX),
                text: m.text,
            })
            .collect())
    }
}
