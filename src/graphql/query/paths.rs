//! Learning paths, skill gaps, related skills and skill chains: thin resolvers over
//! `crate::paths`.
use crate::graphql::ContextExt;
use async_graphql::{Context, Object, ID};

use crate::{
    catalog::EntityRef,
    error::AppError,
    graphql::types::{
        entity_ref,
        paths::{LearningPath, LearningTarget, RelatedSkill, SkillGap, SkillPath},
        NodeType,
    },
    paths::{gap, learning, related, route},
};

#[derive(Default)]
pub struct PathQuery;

// Computed lists have no page size: for the complexity limit a path or gap counts as 50 items of
// its selection and a chain as 10 (typical sizes on the curated catalog; ESCO-sized roles give
// a few hundred steps, each nested connection is still batched by the loaders).

fn skill_refs(ids: Option<Vec<ID>>) -> Result<Vec<EntityRef>, AppError> {
    ids.unwrap_or_default()
        .iter()
        .map(|id| entity_ref(NodeType::Skill, id))
        .collect()
}

#[Object]
impl PathQuery {
    /// What to learn, in which order, to meet a role's requirements or to learn a skill, given
    /// the skills already known (global ids or slugs). A known skill implies its prerequisites,
    /// transitively; known and implied skills are left out. Every prerequisite comes before
    /// what needs it; otherwise essential before optional (role targets), then higher demand,
    /// then name.
    #[graphql(complexity = "1 + 50 * child_complexity")]
    async fn learning_path(
        &self,
        ctx: &Context<'_>,
        target: LearningTarget,
        known: Option<Vec<ID>>,
    ) -> async_graphql::Result<LearningPath> {
        let target = match target {
            LearningTarget::Role(id) => learning::Target::Role(entity_ref(NodeType::Role, &id)?),
            LearningTarget::Skill(id) => learning::Target::Skill(entity_ref(NodeType::Skill, &id)?),
        };
        let known = skill_refs(known)?;
        let db = ctx.db()?;
        Ok(learning::learning_path(db, &target, &known).await?.into())
    }

    /// How much of a role the known skills (global ids or slugs) cover, what essential skills
    /// are missing and which of the role's frameworks fit best.
    #[graphql(complexity = "1 + 50 * child_complexity")]
    async fn skill_gap(
        &self,
        ctx: &Context<'_>,
        role: ID,
        known: Option<Vec<ID>>,
    ) -> async_graphql::Result<SkillGap> {
        let role = entity_ref(NodeType::Role, &role)?;
        let known = skill_refs(known)?;
        let db = ctx.db()?;
        Ok(gap::skill_gap(db, &role, &known).await?.into())
    }

    /// The skills most related to a skill (global id or slug), best first, each with its score
    /// and the signals behind it. `first`: 1 to 100, default 10.
    #[graphql(complexity = "1 + first.unwrap_or(10).clamp(1, 100) as usize * child_complexity")]
    async fn related_skills(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<RelatedSkill>> {
        let skill = entity_ref(NodeType::Skill, &skill)?;
        let first = match first {
            None => related::DEFAULT_RELATED,
            Some(n) => usize::try_from(n).unwrap_or(0),
        };
        let db = ctx.db()?;
        let (_, list) = related::related_skills(db, &skill, first).await?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// The shortest chain of prerequisite and broader links between two skills (global ids or
    /// slugs), walked one way (each skill builds on the next, or the reverse); null when none.
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn skill_path(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
    ) -> async_graphql::Result<Option<SkillPath>> {
        let from = entity_ref(NodeType::Skill, &from)?;
        let to = entity_ref(NodeType::Skill, &to)?;
        let db = ctx.db()?;
        Ok(route::skill_path(db, &from, &to).await?.map(Into::into))
    }
}
