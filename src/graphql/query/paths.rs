//! Learning paths, skill gaps, related skills and skill chains: thin resolvers over
//! `crate::paths`.
use crate::graphql::ContextExt;
use async_graphql::{Context, Object, ID};

use crate::{
    catalog::EntityRef,
    error::AppError,
    graphql::types::{
        decode_global_id, entity_ref,
        paths::{LearningPath, LearningTarget, RelatedSkill, SkillGap, SkillPath},
        NodeType,
    },
    paths::{gap, learning, node::NodeRef, related, route},
};

#[derive(Default)]
pub struct PathQuery;

// Computed lists have no page size: for the complexity limit a path or gap counts as 50 items of
// its selection and a chain as 10 (typical sizes on the curated catalog; ESCO-sized roles give
// a few hundred steps, each nested connection is still batched by the loaders).

/// A skill or framework named by its global id or a slug (a skill's when a skill has it, else a
/// framework's).
pub(super) fn node_ref(s: &ID) -> Result<NodeRef, AppError> {
    match decode_global_id(s) {
        Some((NodeType::Skill, id)) => Ok(NodeRef::Skill(EntityRef::Id(id))),
        Some((NodeType::Framework, id)) => Ok(NodeRef::Framework(EntityRef::Id(id))),
        Some((found, _)) => Err(AppError::Validation(format!(
            "id '{}' is a {} id, expected a Skill or Framework id or slug",
            s.as_str(),
            found.as_str()
        ))),
        None => Ok(NodeRef::Slug(s.to_string())),
    }
}

pub(super) fn node_refs(ids: Option<Vec<ID>>) -> Result<Vec<NodeRef>, AppError> {
    ids.unwrap_or_default().iter().map(node_ref).collect()
}

#[Object]
impl PathQuery {
    /// What to learn, in which order, to meet a role's requirements or to learn a skill or
    /// framework, given the skills and frameworks already known (global ids or slugs; a slug
    /// names a skill when a skill has it, else a framework). A known skill implies its
    /// prerequisites, transitively, a known framework its language; known and implied nodes
    /// are left out. A role's frameworks are steps too, each after its language: the essential
    /// ones, and an optional one when its language is known or on the path. Every prerequisite
    /// comes before what needs it; otherwise essential before optional (role targets), then
    /// higher demand, then name.
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
            LearningTarget::Framework(id) => {
                learning::Target::Framework(entity_ref(NodeType::Framework, &id)?)
            }
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
        role: ID,
        known: Option<Vec<ID>>,
    ) -> async_graphql::Result<SkillGap> {
        let role = entity_ref(NodeType::Role, &role)?;
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
        skill: ID,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<RelatedSkill>> {
        let skill = node_ref(&skill)?;
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
        from: ID,
        to: ID,
    ) -> async_graphql::Result<Option<SkillPath>> {
        let from = node_ref(&from)?;
        let to = node_ref(&to)?;
        let db = ctx.db()?;
        Ok(route::skill_path(db, &from, &to).await?.map(Into::into))
    }
}
