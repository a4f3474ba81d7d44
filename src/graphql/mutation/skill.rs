use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        patch::{CommonPatch, ReleaseFacts, ReleasePatch},
        skills::{self, NewSkill, SkillLink, SkillPatch},
    },
    graphql::{
        guard::Scope,
        mutation::{patch, relink_pair, Deleted},
        types::{entity_ref, global_id, NodeType, Skill, SkillKind},
    },
};

#[derive(InputObject)]
pub struct CreateSkillInput {
    pub slug: String,
    pub name: String,
    pub kind: SkillKind,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    /// Year of the first public release (languages, tools).
    pub first_release_year: Option<i32>,
    /// SPDX expression of the current licence.
    pub license: Option<String>,
    pub homepage: Option<String>,
    #[graphql(default)]
    pub aliases: Vec<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateSkillInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<SkillKind>,
    pub description: MaybeUndefined<String>,
    pub esco_uri: MaybeUndefined<String>,
    pub onet_name: MaybeUndefined<String>,
    pub first_release_year: MaybeUndefined<i32>,
    pub license: MaybeUndefined<String>,
    pub homepage: MaybeUndefined<String>,
}

#[derive(Default)]
pub struct SkillMutation;

/// Arguments naming skills take a global id or a slug.
fn sref(s: &ID) -> async_graphql::Result<crate::catalog::EntityRef> {
    Ok(entity_ref(NodeType::Skill, s)?)
}

/// The body of the six link/unlink resolvers: adds (`on`) or removes one edge between two skills.
async fn relink(
    ctx: &Context<'_>,
    link: SkillLink,
    skill: &ID,
    other: &ID,
    on: bool,
) -> async_graphql::Result<Skill> {
    let ends = ((NodeType::Skill, skill), (NodeType::Skill, other));
    relink_pair(ctx, ends.0, ends.1, async |db, a, b| {
        let (m, _) = if on {
            skills::link(db, link, a, b).await?
        } else {
            skills::unlink(db, link, a, b).await?
        };
        Ok(Skill(m))
    })
    .await
}

#[Object]
impl SkillMutation {
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        input: CreateSkillInput,
    ) -> async_graphql::Result<Skill> {
        let m = skills::create(
            ctx.db()?,
            NewSkill {
                slug: input.slug,
                name: input.name,
                kind: input.kind.to_value(),
                description: input.description,
                esco_uri: input.esco_uri,
                onet_name: input.onet_name,
                release: ReleaseFacts {
                    first_release_year: input.first_release_year,
                    license: input.license,
                    homepage: input.homepage,
                },
                aliases: input.aliases,
            },
        )
        .await?;
        Ok(Skill(m))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_skill(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        input: UpdateSkillInput,
    ) -> async_graphql::Result<Skill> {
        let p = SkillPatch {
            common: CommonPatch {
                slug: input.slug,
                name: input.name,
                description: patch(input.description),
                esco_uri: patch(input.esco_uri),
            },
            kind: input.kind.map(|k| k.to_value()),
            onet_name: patch(input.onet_name),
            release: ReleasePatch {
                first_release_year: patch(input.first_release_year),
                license: patch(input.license),
                homepage: patch(input.homepage),
            },
        };
        Ok(Skill(skills::update(ctx.db()?, &sref(&skill)?, p).await?))
    }

    /// Deletes a skill and every link to it; refused while a framework is written in it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_skill(&self, ctx: &Context<'_>, skill: ID) -> async_graphql::Result<Deleted> {
        let m = skills::delete(ctx.db()?, &sref(&skill)?).await?;
        Ok(Deleted {
            id: global_id(NodeType::Skill, m.id),
            slug: m.slug,
        })
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn add_skill_alias(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        alias: String,
    ) -> async_graphql::Result<Skill> {
        Ok(Skill(
            skills::add_alias(ctx.db()?, &sref(&skill)?, &alias).await?,
        ))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn remove_skill_alias(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        alias: String,
    ) -> async_graphql::Result<Skill> {
        Ok(Skill(
            skills::remove_alias(ctx.db()?, &sref(&skill)?, &alias).await?,
        ))
    }

    /// Makes `broader` a broader skill of `skill`; refused if it would close a cycle.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_broader_skill(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        broader: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Broader, &skill, &broader, true).await
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_broader_skill(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        broader: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Broader, &skill, &broader, false).await
    }

    /// Makes `prerequisite` a prerequisite of `skill`; refused with the cycle named if it would
    /// close one.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_prerequisite(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        prerequisite: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Prerequisite, &skill, &prerequisite, true).await
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_prerequisite(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        prerequisite: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Prerequisite, &skill, &prerequisite, false).await
    }

    /// Relates two skills (both ways).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_related_skills(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        related: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Related, &skill, &related, true).await
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_related_skills(
        &self,
        ctx: &Context<'_>,
        skill: ID,
        related: ID,
    ) -> async_graphql::Result<Skill> {
        relink(ctx, SkillLink::Related, &skill, &related, false).await
    }
}
