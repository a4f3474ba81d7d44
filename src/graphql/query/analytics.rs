//! `market { … }`: demand, top skills, salaries, co-occurrence and trends, each a bounded number
//! of GROUP BY statements (see `market::analytics`).
use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use std::collections::HashMap;

use async_graphql::{Context, Object};
use entity::{framework, skill};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{analytics::*, market::JobPostingFilter},
        types::{
            refs::{FrameworkRef, RoleRef, SkillRef, ToEntityRef},
            Framework, Skill,
        },
    },
    market::{analytics, postings::PostingFilter},
};

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Job-market analytics over the postings. Every answer lists the sources it counted and
    /// says whether any of them is synthetic (`synthetic`).
    async fn market(&self) -> Market {
        Market
    }
}

pub struct Market;

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn first(n: i32) -> Result<u64, AppError> {
    if (1..=100).contains(&n) {
        Ok(n as u64)
    } else {
        Err(AppError::Validation(format!(
            "`first` must be between 1 and 100, got {n}"
        )))
    }
}

pub(super) fn scope(
    ctx: &Context<'_>,
    f: Option<JobPostingFilter>,
) -> async_graphql::Result<analytics::Scope> {
    Ok(analytics::scope(
        ctx.db()?,
        &f.unwrap_or_default().into_domain()?,
    )?)
}

async fn skills_by_id(
    ctx: &Context<'_>,
    ids: Vec<i64>,
) -> async_graphql::Result<HashMap<i64, skill::Model>> {
    ctx.data::<Loaders>()?
        .skill_by_id
        .load_many(ids)
        .await
        .map_err(|e| e.to_graphql())
}

async fn frameworks_by_id(
    ctx: &Context<'_>,
    ids: Vec<i64>,
) -> async_graphql::Result<HashMap<i64, framework::Model>> {
    ctx.data::<Loaders>()?
        .framework_by_id
        .load_many(ids)
        .await
        .map_err(|e| e.to_graphql())
}

/// Job-market analytics over the postings.
#[Object]
impl Market {
    /// Postings per month over a window for a skill, a framework and/or a role (all given must
    /// hold), within an optional scope; months without postings count 0. `skill`, `framework`
    /// and `role` say what is counted; `filter` is the scope: a month's `share` is over the
    /// postings in scope, and both apply to what is counted.
    #[allow(clippy::too_many_arguments)]
    async fn demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Count postings asking for this skill.")] skill: Option<SkillRef>,
        #[graphql(desc = "Count postings asking for this framework.")] framework: Option<
            FrameworkRef,
        >,
        #[graphql(desc = "Count postings for this role.")] role: Option<RoleRef>,
        #[graphql(desc = "The months counted, `from` and `to` included.")] window: DateRange,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
    ) -> async_graphql::Result<Demand> {
        let db = ctx.db()?;
        let target = PostingFilter {
            skills: skill.map(|s| s.to_ref()).transpose()?.into_iter().collect(),
            frameworks: framework
                .map(|s| s.to_ref())
                .transpose()?
                .into_iter()
                .collect(),
            role: role.map(|r| r.to_ref()).transpose()?,
            ..Default::default()
        };
        let target = analytics::scope(db, &target)?;
        let scope = scope(ctx, filter)?;
        let months = analytics::demand(db, &scope, &target, window.from, window.to).await?;
        let sources =
            analytics::demand_sources(db, &scope, &target, window.from, window.to).await?;
        Ok(Demand {
            total: int(months.iter().map(|m| m.postings).sum()),
            months: months
                .into_iter()
                .map(|m| MonthDemand {
                    month: YearMonth(m.month),
                    postings: int(m.postings),
                    share: m.share,
                })
                .collect(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }

    /// The skills most asked for in scope (e.g. a role, a country, or remote work).
    async fn top_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
        #[graphql(default = 10, desc = "How many, 1 to 100.")] first: i32,
    ) -> async_graphql::Result<TopSkills> {
        let db = ctx.db()?;
        let scope = scope(ctx, filter)?;
        let (total, rows) = analytics::top(db, &scope, false, self::first(first)?).await?;
        let found = skills_by_id(ctx, rows.iter().map(|r| r.id).collect()).await?;
        let sources = analytics::sources(db, &scope).await?;
        Ok(TopSkills {
            postings: int(total),
            skills: rows
                .into_iter()
                .filter_map(|r| {
                    Some(SkillDemand {
                        skill: Skill(found.get(&r.id)?.clone()),
                        postings: int(r.postings),
                        required: int(r.required),
                        share: r.share,
                    })
                })
                .collect(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }

    /// The frameworks most asked for in scope.
    async fn top_frameworks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
        #[graphql(default = 10, desc = "How many, 1 to 100.")] first: i32,
    ) -> async_graphql::Result<TopFrameworks> {
        let db = ctx.db()?;
        let scope = scope(ctx, filter)?;
        let (total, rows) = analytics::top(db, &scope, true, self::first(first)?).await?;
        let found = frameworks_by_id(ctx, rows.iter().map(|r| r.id).collect()).await?;
        let sources = analytics::sources(db, &scope).await?;
        Ok(TopFrameworks {
            postings: int(total),
            frameworks: rows
                .into_iter()
                .filter_map(|r| {
                    Some(FrameworkDemand {
                        framework: Framework(found.get(&r.id)?.clone()),
                        postings: int(r.postings),
                        required: int(r.required),
                        share: r.share,
                    })
                })
                .collect(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }

    /// Annualised salary distribution per currency in scope (by skill, role, country…).
    async fn salaries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
    ) -> async_graphql::Result<SalaryReport> {
        let db = ctx.db()?;
        let scope = scope(ctx, filter)?;
        let stats = analytics::salaries(db, &scope).await?;
        let sources = analytics::sources(db, &scope).await?;
        Ok(SalaryReport {
            currencies: stats
                .into_iter()
                .map(|s| SalaryDistribution {
                    currency: s.currency,
                    postings: int(s.postings),
                    min: s.min,
                    p25: s.p25,
                    median: s.median,
                    p75: s.p75,
                    max: s.max,
                })
                .collect(),
            method:
                "annualised (hour×2080, day×260, week×52, month×12) midpoint of each posting's \
                     range; percentiles by linear interpolation between closest ranks \
                     (h = (n−1)·p), rounded to cents"
                    .into(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }

    /// What a skill (or framework) is worth in salary: the annualised
    /// quartiles of postings in scope asking for it against the same scope without it, per
    /// currency, with the difference and ratio of the medians. Below `minPostings` (default 30)
    /// on a side, that side's quartiles and the difference are null and `status` / `reason` say
    /// which side is short (per currency, so one thin currency does not hide another).
    async fn skill_salary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill (or framework) whose worth is measured.")]
        skill: crate::graphql::types::refs::PathNodeRef,
        #[graphql(desc = "The scope: postings it matches, with and without the skill.")]
        filter: Option<JobPostingFilter>,
        #[graphql(
            desc = "The fewest postings with a salary on each side for a comparison, 1–100,000; default 30."
        )]
        min_postings: Option<i32>,
    ) -> async_graphql::Result<crate::graphql::types::salary::SkillSalary> {
        super::salary::skill_salary(ctx, skill, filter, min_postings).await
    }

    /// Skills asked for together with `skill`, ranked by lift; `minSupport` postings in common.
    async fn co_occurring_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subject skill.")] skill: SkillRef,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
        #[graphql(default = 1, desc = "The fewest postings asking for both, at least 1.")]
        min_support: i32,
        #[graphql(default = 10, desc = "How many, 1 to 100.")] first: i32,
    ) -> async_graphql::Result<CoOccurrenceReport> {
        let db = ctx.db()?;
        let subject = crate::catalog::skills::get(db, &skill.to_ref()?).await?.id;
        let scope = scope(ctx, filter)?;
        let (n, n_a, rows) = analytics::co_occurring(
            db,
            &scope,
            subject,
            min_support.max(1) as u64,
            self::first(first)? as usize,
        )
        .await?;
        let found = skills_by_id(ctx, rows.iter().map(|r| r.id).collect()).await?;
        let sources = analytics::sources(db, &scope).await?;
        Ok(CoOccurrenceReport {
            postings: int(n),
            subject_postings: int(n_a),
            skills: rows
                .into_iter()
                .filter_map(|r| {
                    Some(CoOccurringSkill {
                        skill: Skill(found.get(&r.id)?.clone()),
                        support: int(r.support),
                        postings: int(r.postings),
                        lift: r.lift,
                        confidence: r.confidence,
                    })
                })
                .collect(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }

    /// Skills whose share of postings grew most from `previous` to `current`: growth =
    /// (share now − share before) / share before, where a share is the skill's postings over
    /// all postings in scope in that window (so a market growing as a whole lifts nothing).
    /// Minimum support: a skill is listed with at least `minPostings` postings in `current`,
    /// and its growth is measured only with at least `minPostings` in `previous` too (else
    /// null, listed after the measured ones).
    async fn trending_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The window measured.")] current: DateRange,
        #[graphql(desc = "The window it is compared with.")] previous: DateRange,
        #[graphql(desc = "The postings counted.")] filter: Option<JobPostingFilter>,
        #[graphql(
            default = 5,
            desc = "The fewest postings in a window for a skill to be listed (current) or its growth measured (previous)."
        )]
        min_postings: i32,
        #[graphql(default = 10, desc = "How many, 1 to 100.")] first: i32,
    ) -> async_graphql::Result<TrendReport> {
        let db = ctx.db()?;
        let scope = scope(ctx, filter)?;
        let (tc, tp, rows) = analytics::trending(
            db,
            &scope,
            (current.from, current.to),
            (previous.from, previous.to),
            min_postings.max(1) as u64,
            self::first(first)? as usize,
        )
        .await?;
        let found = skills_by_id(ctx, rows.iter().map(|r| r.id).collect()).await?;
        let sources = analytics::trend_sources(
            db,
            &scope,
            (current.from, current.to),
            (previous.from, previous.to),
        )
        .await?;
        Ok(TrendReport {
            current_postings: int(tc),
            previous_postings: int(tp),
            skills: rows
                .into_iter()
                .filter_map(|r| {
                    Some(TrendingSkill {
                        skill: Skill(found.get(&r.id)?.clone()),
                        current: int(r.current),
                        previous: int(r.previous),
                        current_share: r.current_share,
                        previous_share: r.previous_share,
                        growth: r.growth,
                    })
                })
                .collect(),
            synthetic: analytics::synthetic(&sources),
            sources,
        })
    }
}
