//! Learning paths, skill gaps, related skills and skill chains: thin resolvers over
//! `crate::paths`.
use crate::graphql::ContextExt;
use async_graphql::{Context, Object};

use crate::{
    error::AppError,
    graphql::types::{
        paths::{LearningPath, LearningTarget, RelatedSkill, SkillGap, SkillPath},
        refs::{PathNodeRef, RoleRef, ToEntityRef},
    },
    paths::{gap, learning, node::NodeRef, related, route},
};

#[derive(Default)]
pub struct PathQuery;

// Computed lists have no page size: for the complexity limit a path or gap counts as 50 items of
// its selection and a chain as 10 (typical sizes on the curated catalog; ESCO-sized roles give
// a few hundred steps, each nested connection is still batched by the loaders).

pub(super) fn node_refs(refs: Option<Vec<PathNodeRef>>) -> Result<Vec<NodeRef>, AppError> {
    refs.unwrap_or_default()
        .iter()
        .map(PathNodeRef::to_node_ref)
        .collect()
}

#[Object]
impl PathQuery {
    /// What to learn, in which order, to meet a role's requirements or to learn a skill or
    /// framework, given the skills and frameworks already known . A known skill implies its
    /// prerequisites, transitively, a known framework its language; known and implied nodes
    /// are left out. A role's frameworks are steps too, each after its language: the essential
    /// ones, and an optional one when its language is known or on the path. Every prerequisite
    /// comes before what needs it; otherwise essential before optional (role targets), then
    /// higher demand, then name.
    #[graphql(complexity = "1 + 50 * child_complexity")]
    async fn learning_path(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where the path leads: a role, a skill or a framework.")]
        target: LearningTarget,
        #[graphql(desc = "The skills and frameworks already known.")] known: Option<
            Vec<PathNodeRef>,
        >,
    ) -> async_graphql::Result<LearningPath> {
        let target = match target {
            LearningTarget::Role(r) => learning::Target::Role(r.to_ref()?),
            LearningTarget::Skill(r) => learning::Target::Skill(r.to_ref()?),
            LearningTarget::Framework(r) => learning::Target::Framework(r.to_ref()?),
        };
        let known = node_refs(known)?;
        let db = ctx.db()?;
        Ok(learning::learning_path(db, &target, &known).await?.into())
    }

    /// How much of a role the known skills and frameworks (global ids or slugs) cover, what
    /// skills and frameworks are missing and which of the role's frameworks fit best.
    #[graphql(complexity = "1 + 50 * child_complexity")]
    async fn skill_gap(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The skills and frameworks already known.")] known: Option<
            Vec<PathNodeRef>,
        >,
    ) -> async_graphql::Result<SkillGap> {
        let role = role.to_ref()?;
        let known = node_refs(known)?;
        let db = ctx.db()?;
        Ok(gap::skill_gap(db, &role, &known).await?.into())
    }

    /// The skills and frameworks most related to a skill or framework (global id or slug),
    /// best first, each with its score and the signals behind it. `first`: 1 to 100, default 10.
    #[graphql(complexity = "1 + first.unwrap_or(10).clamp(1, 100) as usize * child_complexity")]
    async fn related_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill or framework.")] skill: PathNodeRef,
        #[graphql(desc = "How many, 1 to 100; default 10.")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<RelatedSkill>> {
        let skill = skill.to_node_ref()?;
        let first = match first {
            None => related::DEFAULT_RELATED,
            Some(n) => usize::try_from(n).unwrap_or(0),
        };
        let db = ctx.db()?;
        let (_, list) = related::related_skills(db, &skill, first).await?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// The shortest chain of prerequisite, broader and language links between two skills or
    /// frameworks (global ids or slugs), walked one way (each builds on the next, or the
    /// reverse); null when none.
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn skill_path(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where the chain starts.")] from: PathNodeRef,
        #[graphql(desc = "Where the chain ends.")] to: PathNodeRef,
    ) -> async_graphql::Result<Option<SkillPath>> {
        let from = from.to_node_ref()?;
        let to = to.to_node_ref()?;
        let db = ctx.db()?;
        Ok(route::skill_path(db, &from, &to).await?.map(Into::into))
    }
}
