//! `roleTransitions`: a thin resolver over `paths::transitions`.
use async_graphql::{Context, Object};

use crate::{
    error::AppError,
    graphql::{
        types::{
            market::JobPostingFilter,
            refs::{PathNodeRef, RoleRef, ToEntityRef},
            transitions::RoleTransition,
        },
        ContextExt,
    },
    market::analytics,
    paths::transitions::{self, Source},
};

#[derive(Default)]
pub struct TransitionQuery;

#[Object]
impl TransitionQuery {
    /// The roles nearest to a role (`from`) or to a set of known skills and frameworks
    /// (`known`), exactly one of the two; best first, `first`
    /// 1–20 (default 5). Each with its score (weighted Jaccard index of requirements, essential
    /// ones counting twice), what it shares, the skills to add, the learning path from the
    /// source (the `learningPath` planner), the median salary difference of the two roles'
    /// postings per currency (postings in `filter`, at least `minPostings`, default 30, on
    /// each side, else none with a reason) and an explanation. The source role and the roles
    /// equivalent to it are left out. `curatedOnly`: only the catalog's roles (imported
    /// occupations with a short technology list can rank high on a few shared skills).
    #[graphql(complexity = "1 + first.unwrap_or(5).clamp(1, 20) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn role_transitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role to move from (or give `known`).")] from: Option<RoleRef>,
        #[graphql(desc = "Skills and frameworks held (or give `from`).")] known: Option<
            Vec<PathNodeRef>,
        >,
        #[graphql(desc = "How many roles, 1–20; default 5.")] first: Option<i32>,
        #[graphql(desc = "The postings the salary difference is measured on (no `role`).")]
        filter: Option<JobPostingFilter>,
        #[graphql(
            desc = "The fewest postings with a salary of each role for a difference; default 30."
        )]
        min_postings: Option<i32>,
        #[graphql(
            default = false,
            desc = "Only the catalog's roles, not imported occupations."
        )]
        curated_only: bool,
    ) -> async_graphql::Result<Vec<RoleTransition>> {
        let min_postings = min_postings.unwrap_or(transitions::DEFAULT_MIN_POSTINGS as i32);
        let source = match (from, known) {
            (Some(r), None) => Source::Role(r.to_ref()?),
            (None, Some(k)) => Source::Known(super::paths::node_refs(Some(k))?),
            _ => {
                return Err(AppError::Validation(
                    "give exactly one of `from` (a role) and `known` (skills and frameworks)"
                        .into(),
                )
                .into())
            }
        };
        if !(1..=100_000).contains(&min_postings) {
            return Err(AppError::Validation(format!(
                "`minPostings` must be between 1 and 100000, got {min_postings}"
            ))
            .into());
        }
        let filter = filter.unwrap_or_default().into_domain()?;
        if filter.role.is_some() {
            return Err(AppError::Validation(
                "`filter.role` cannot be used here: the roles compared are the source and each \
                 transition"
                    .into(),
            )
            .into());
        }
        let first = match first {
            None => transitions::DEFAULT_TRANSITIONS,
            Some(n) => usize::try_from(n).unwrap_or(0),
        };
        let db = ctx.db()?;
        let scope = analytics::scope(db, &filter)?;
        let t = transitions::role_transitions(
            db,
            &source,
            first,
            &scope,
            min_postings as u64,
            curated_only,
        )
        .await?;
        Ok(t.transitions.into_iter().map(Into::into).collect())
    }
}
