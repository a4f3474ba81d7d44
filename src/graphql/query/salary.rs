//! `market { skillSalary }`: a thin resolver over `market::salary_by_skill`.
use async_graphql::Context;

use crate::{
    error::AppError,
    graphql::{
        types::{market::JobPostingFilter, refs::PathNodeRef, salary::SkillSalary},
        ContextExt,
    },
    market::{analytics, salary_by_skill},
    paths::node::resolve_nodes,
};

pub(super) async fn skill_salary(
    ctx: &Context<'_>,
    skill: PathNodeRef,
    filter: Option<JobPostingFilter>,
    min_postings: Option<i32>,
) -> async_graphql::Result<SkillSalary> {
    let min_postings = min_postings.unwrap_or(salary_by_skill::DEFAULT_MIN_POSTINGS as i32);
    if !(1..=100_000).contains(&min_postings) {
        return Err(AppError::Validation(format!(
            "`minPostings` must be between 1 and 100000, got {min_postings}"
        ))
        .into());
    }
    let db = ctx.db()?;
    let node = skill.to_node_ref()?;
    let model = resolve_nodes(db, &[node])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            let name = match &skill {
                PathNodeRef::Id(id) => id.to_string(),
                PathNodeRef::Slug(s) => s.clone(),
            };
            AppError::NotFound(format!("skill '{name}' not found"))
        })?;
    let scope = super::analytics::scope(ctx, filter)?;
    let s = salary_by_skill::salary_by_skill(db, &scope, model.node(), min_postings as u64).await?;
    let synthetic = analytics::synthetic(&s.sources);
    Ok(SkillSalary::new(model.into(), s, synthetic))
}
