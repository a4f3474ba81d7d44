use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use crate::{
    catalog::{
        patch::CommonPatch,
        roles::{self, NewRole, RolePatch},
    },
    graphql::{
        guard::Scope,
        mutation::{patch, relink_pair, Deleted},
        types::{entity_ref, global_id, Importance, NodeType, Role},
    },
};

#[derive(InputObject)]
pub struct CreateRoleInput {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_soc_code: Option<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateRoleInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: MaybeUndefined<String>,
    pub esco_uri: MaybeUndefined<String>,
    pub onet_soc_code: MaybeUndefined<String>,
}

#[derive(Default)]
pub struct RoleMutation;

#[Object]
impl RoleMutation {
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_role(
        &self,
        ctx: &Context<'_>,
        input: CreateRoleInput,
    ) -> async_graphql::Result<Role> {
        let m = roles::create(
            ctx.db()?,
            NewRole {
                slug: input.slug,
                name: input.name,
                description: input.description,
                esco_uri: input.esco_uri,
                onet_soc_code: input.onet_soc_code,
            },
        )
        .await?;
        Ok(Role(m))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_role(
        &self,
        ctx: &Context<'_>,
        role: ID,
        input: UpdateRoleInput,
    ) -> async_graphql::Result<Role> {
        let p = RolePatch {
            common: CommonPatch {
                slug: input.slug,
                name: input.name,
                description: patch(input.description),
                esco_uri: patch(input.esco_uri),
            },
            onet_soc_code: patch(input.onet_soc_code),
        };
        Ok(Role(
            roles::update(ctx.db()?, &entity_ref(NodeType::Role, &role)?, p).await?,
        ))
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_role(&self, ctx: &Context<'_>, role: ID) -> async_graphql::Result<Deleted> {
        let m = roles::delete(ctx.db()?, &entity_ref(NodeType::Role, &role)?).await?;
        Ok(Deleted {
            id: global_id(NodeType::Role, m.id),
            slug: m.slug,
        })
    }

    /// Sets how much a role requires a skill (inserted, or updated when already linked).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_role_skill(
        &self,
        ctx: &Context<'_>,
        role: ID,
        skill: ID,
        importance: Importance,
        level: i32,
    ) -> async_graphql::Result<Role> {
        relink_pair(
            ctx,
            (NodeType::Role, &role),
            (NodeType::Skill, &skill),
            async |db, r, s| roles::link_skill(db, r, s, importance.into(), level).await,
        )
        .await
        .map(Role)
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_role_skill(
        &self,
        ctx: &Context<'_>,
        role: ID,
        skill: ID,
    ) -> async_graphql::Result<Role> {
        relink_pair(
            ctx,
            (NodeType::Role, &role),
            (NodeType::Skill, &skill),
            roles::unlink_skill,
        )
        .await
        .map(Role)
    }

    /// Sets how much a role uses a framework (inserted, or updated when already linked).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_role_framework(
        &self,
        ctx: &Context<'_>,
        role: ID,
        framework: ID,
        importance: Importance,
        level: i32,
    ) -> async_graphql::Result<Role> {
        relink_pair(
            ctx,
            (NodeType::Role, &role),
            (NodeType::Framework, &framework),
            async |db, r, f| roles::link_framework(db, r, f, importance.into(), level).await,
        )
        .await
        .map(Role)
    }

    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_role_framework(
        &self,
        ctx: &Context<'_>,
        role: ID,
        framework: ID,
    ) -> async_graphql::Result<Role> {
        relink_pair(
            ctx,
            (NodeType::Role, &role),
            (NodeType::Framework, &framework),
            roles::unlink_framework,
        )
        .await
        .map(Role)
    }
}
