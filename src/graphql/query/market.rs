//! Job postings: one by id, the filtered list, and skill extraction from free text.
use crate::graphql::error::ToGraphql;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::NaiveDate;

use crate::{
    catalog::pages::{Order, SortKey},
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{
            conn_cost,
            connection::{page_args, PageInput, Total},
            decode_global_id, entity_ref,
            inputs::OrderDirection,
            posting::Workplace,
            Conn, Framework, JobPosting, JobPostingConnection, NodeType, Skill,
        },
    },
    market::{extract, postings},
    state::AppState,
};

#[derive(Default)]
pub struct MarketQuery;

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

fn order(o: Option<JobPostingOrder>) -> Order {
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
        let db = &ctx.data::<AppState>()?.db;
        let args = page_args(
            PageInput {
                first,
                after,
                last,
                before,
            },
            order(order_by),
        )?;
        let f = filter
            .unwrap_or_default()
            .into_domain()?
            .compile(db.get_database_backend())?;
        let page = postings::list(db, &f, &args).await?;
        Ok(JobPostingConnection(Conn::from_page(
            page,
            Total::List {
                table: postings::LIST.table,
                filter: f,
            },
        )))
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
        let state = ctx.data::<AppState>()?;
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
