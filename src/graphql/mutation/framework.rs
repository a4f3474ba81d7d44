use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        frameworks::{self, FrameworkPatch, NewFramework},
        patch::{CommonPatch, ReleasePatch},
    },
    graphql::{
        guard::Scope,
        mutation::{patch, relink_pair, Deleted},
        types::{entity_ref, global_id, Framework, FrameworkCategory, NodeType},
    },
};

#[derive(InputObject)]
pub struct CreateFrameworkInput {
    pub slug: String,
    pub name: String,
    /// The language skill: global id or slug.
    pub language: ID,
    pub category: FrameworkCategory,
    pub first_release_year: Option<i32>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    #[graphql(default)]
    pub aliases: Vec<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateFrameworkInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub language: Option<ID>,
    pub category: Option<FrameworkCategory>,
    pub first_release_year: MaybeUndefined<i32>,
    pub license: MaybeUndefined<String>,
    pub homepage: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub esco_uri: MaybeUndefined<String>,
    pub onet_name: MaybeUndefined<String>,
}

#[derive(Default)]
pub struct FrameworkMutation;

#[Object]
impl FrameworkMutation {
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_framework(
        &self,
        ctx: &Context<'_>,
        input: CreateFrameworkInput,
    ) -> async_graphql::Result<Framework> {
        let m = frameworks::create(
            ctx.db()?,
            NewFramework {
                slug: input.slug,
                name: input.name,
                language: entity_ref(NodeType::Skill, &input.language)?,
                category: input.category.to_value(),
                first_release_year: input.first_release_year,
                license: input.license,
                homepage: input.homepage,
                description: input.description,
                esco_uri: input.esco_uri,
                onet_name: input.onet_name,
                aliases: input.aliases,
            },
        )
        .await?;
        Ok(Framework(m))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_framework(
        &self,
        ctx: &Context<'_>,
        framework: ID,
        input: UpdateFrameworkInput,
    ) -> async_graphql::Result<Framework> {
        let p = FrameworkPatch {
            common: CommonPatch {
                slug: input.slug,
                name: input.name,
                description: patch(input.description),
                esco_uri: patch(input.esco_uri),
            },
            language: input
                .language
                .map(|l| entity_ref(NodeType::Skill, &l))
                .transpose()?,
            category: input.category.map(|c| c.to_value()),
            release: ReleasePatch {
                first_release_year: patch(input.first_release_year),
                license: patch(input.license),
                homepage: patch(input.homepage),
            },
            onet_name: patch(input.onet_name),
        };
        let r = entity_ref(NodeType::Framework, &framework)?;
        Ok(Framework(frameworks::update(ctx.db()?, &r, p).await?))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_framework(
        &self,
        ctx: &Context<'_>,
        framework: ID,
    ) -> async_graphql::Result<Deleted> {
        let m =
            frameworks::delete(ctx.db()?, &entity_ref(NodeType::Framework, &framework)?).await?;
        Ok(Deleted {
            id: global_id(NodeType::Framework, m.id),
            slug: m.slug,
        })
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn add_framework_alias(
        &self,
        ctx: &Context<'_>,
        framework: ID,
        alias: String,
    ) -> async_graphql::Result<Framework> {
        let f = entity_ref(NodeType::Framework, &framework)?;
        Ok(Framework(
            frameworks::add_alias(ctx.db()?, &f, &alias).await?,
        ))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn remove_framework_alias(
        &self,
        ctx: &Context<'_>,
        framework: ID,
        alias: String,
    ) -> async_graphql::Result<Framework> {
        let f = entity_ref(NodeType::Framework, &framework)?;
        Ok(Framework(
            frameworks::remove_alias(ctx.db()?, &f, &alias).await?,
        ))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_framework_skill(
        &self,
        ctx: &Context<'_>,
        framework: ID,
        skill: ID,
    ) -> async_graphql::Result<Framework> {
        relink_pair(
            ctx,
            (NodeType::Framework, &framework),
            (NodeType::Skill, &skill),
            frameworks::link_skill,
        )
        .await
        .map(Framework)
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_framework_skill(
        &self,
        ctx: &Context<'_>,
        framework: ID,
        skill: ID,
    ) -> async_graphql::Result<Framework> {
        relink_pair(
            ctx,
            (NodeType::Framework, &framework),
            (NodeType::Skill, &skill),
            frameworks::unlink_skill,
        )
        .await
        .map(Framework)
    }
}
