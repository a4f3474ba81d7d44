use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object};

use crate::{
    catalog::{
        patch::CommonPatch,
        roles::{self, NewRole, RolePatch},
    },
    graphql::{
        guard::Scope,
        mutation::{
            patch,
            payload::{payload, payload_type},
            relink_pair, Deleted,
        },
        types::{
            global_id,
            refs::{FrameworkRef, RoleRef, SkillRef, ToEntityRef},
            Importance, NodeType, Role,
        },
    },
};

/// A new role.
#[derive(InputObject)]
pub struct CreateRoleInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: String,
    /// The display name.
    pub name: String,
    /// A short description, plain text.
    pub description: Option<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: Option<String>,
    /// O*NET-SOC code, when known.
    pub onet_soc_code: Option<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateRoleInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// A short description, plain text.
    pub description: MaybeUndefined<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: MaybeUndefined<String>,
    /// O*NET-SOC code, when known.
    pub onet_soc_code: MaybeUndefined<String>,
}

payload_type!(
    /// The result of `addRoleAlias`.
    AddRoleAliasPayload {
        /// The role, with the alias.
        role: Role,
    }
);
payload_type!(
    /// The result of `removeRoleAlias`.
    RemoveRoleAliasPayload {
        /// The role, without the alias.
        role: Role,
    }
);
payload_type!(
    /// The result of `linkRelatedRoles`.
    LinkRelatedRolesPayload {
        /// The role.
        role: Role,
        /// The related role.
        related: Role,
    }
);
payload_type!(
    /// The result of `unlinkRelatedRoles`.
    UnlinkRelatedRolesPayload {
        /// The role.
        role: Role,
        /// The role that was related.
        related: Role,
    }
);
payload_type!(
    /// The result of `createRole`.
    CreateRolePayload {
        /// The new role.
        role: Role,
    }
);

payload_type!(
    /// The result of `updateRole`.
    UpdateRolePayload {
        /// The role as updated.
        role: Role,
    }
);

payload_type!(
    /// The result of `deleteRole`.
    DeleteRolePayload {
        /// What was deleted.
        deleted: Deleted,
    }
);

payload_type!(
    /// The result of `linkRoleSkill`.
    LinkRoleSkillPayload {
        /// The role, with the requirement set.
        role: Role,
    }
);

payload_type!(
    /// The result of `unlinkRoleSkill`.
    UnlinkRoleSkillPayload {
        /// The role, without the requirement.
        role: Role,
    }
);

payload_type!(
    /// The result of `linkRoleFramework`.
    LinkRoleFrameworkPayload {
        /// The role, with the framework set.
        role: Role,
    }
);

payload_type!(
    /// The result of `unlinkRoleFramework`.
    UnlinkRoleFrameworkPayload {
        /// The role, without the framework.
        role: Role,
    }
);

#[derive(Default)]
pub struct RoleMutation;

#[Object]
impl RoleMutation {
    /// Creates a role; refused when its slug or a job title is taken.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new role.")] input: CreateRoleInput,
    ) -> async_graphql::Result<CreateRolePayload> {
        let r: async_graphql::Result<Role> = async {
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
        .await;
        payload(
            r.map(|v| CreateRolePayload {
                role: Some(v),
                user_errors: vec![],
            }),
            CreateRolePayload::failed,
        )
    }

    /// Changes the fields given of a role.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role to change.")] role: RoleRef,
        #[graphql(desc = "What to change.")] input: UpdateRoleInput,
    ) -> async_graphql::Result<UpdateRolePayload> {
        let r: async_graphql::Result<Role> = async {
            let p = RolePatch {
                common: CommonPatch {
                    slug: input.slug,
                    name: input.name,
                    description: patch(input.description),
                    esco_uri: patch(input.esco_uri),
                },
                onet_soc_code: patch(input.onet_soc_code),
            };
            Ok(Role(roles::update(ctx.db()?, &role.to_ref()?, p).await?))
        }
        .await;
        payload(
            r.map(|v| UpdateRolePayload {
                role: Some(v),
                user_errors: vec![],
            }),
            UpdateRolePayload::failed,
        )
    }

    /// Deletes a role and every link to it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role to delete.")] role: RoleRef,
    ) -> async_graphql::Result<DeleteRolePayload> {
        let r: async_graphql::Result<Deleted> = async {
            let m = roles::delete(ctx.db()?, &role.to_ref()?).await?;
            Ok(Deleted {
                id: global_id(NodeType::Role, m.id),
                slug: m.slug,
            })
        }
        .await;
        payload(
            r.map(|v| DeleteRolePayload {
                deleted: Some(v),
                user_errors: vec![],
            }),
            DeleteRolePayload::failed,
        )
    }

    /// Sets how much a role requires a skill (inserted, or updated when already linked).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_role_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The skill it requires.")] skill: SkillRef,
        #[graphql(desc = "ESSENTIAL or OPTIONAL.")] importance: Importance,
        #[graphql(desc = "Expected proficiency, 1 to 5; null for none (as imported edges).")]
        level: Option<i32>,
    ) -> async_graphql::Result<LinkRoleSkillPayload> {
        let r: async_graphql::Result<Role> = async {
            relink_pair(ctx, &role, &skill, async |db, r, s| {
                roles::link_skill(db, r, s, importance.into(), level).await
            })
            .await
            .map(Role)
        }
        .await;
        payload(
            r.map(|v| LinkRoleSkillPayload {
                role: Some(v),
                user_errors: vec![],
            }),
            LinkRoleSkillPayload::failed,
        )
    }

    /// Removes a skill from a role's requirements.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_role_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The skill it requires.")] skill: SkillRef,
    ) -> async_graphql::Result<UnlinkRoleSkillPayload> {
        let r: async_graphql::Result<Role> = async {
            relink_pair(ctx, &role, &skill, roles::unlink_skill)
                .await
                .map(Role)
        }
        .await;
        payload(
            r.map(|v| UnlinkRoleSkillPayload {
                role: Some(v),
                user_errors: vec![],
            }),
            UnlinkRoleSkillPayload::failed,
        )
    }

    /// Sets how much a role uses a framework (inserted, or updated when already linked).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_role_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The framework it requires.")] framework: FrameworkRef,
        #[graphql(desc = "ESSENTIAL or OPTIONAL.")] importance: Importance,
        #[graphql(desc = "Expected proficiency, 1 to 5; null for none (as imported edges).")]
        level: Option<i32>,
    ) -> async_graphql::Result<LinkRoleFrameworkPayload> {
        let r: async_graphql::Result<Role> = async {
            relink_pair(ctx, &role, &framework, async |db, r, f| {
                roles::link_framework(db, r, f, importance.into(), level).await
            })
            .await
            .map(Role)
        }
        .await;
        payload(
            r.map(|v| LinkRoleFrameworkPayload {
                role: Some(v),
                user_errors: vec![],
            }),
            LinkRoleFrameworkPayload::failed,
        )
    }

    /// Removes a framework from a role's requirements.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_role_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The framework it requires.")] framework: FrameworkRef,
    ) -> async_graphql::Result<UnlinkRoleFrameworkPayload> {
        let r: async_graphql::Result<Role> = async {
            relink_pair(ctx, &role, &framework, roles::unlink_framework)
                .await
                .map(Role)
        }
        .await;
        payload(
            r.map(|v| UnlinkRoleFrameworkPayload {
                role: Some(v),
                user_errors: vec![],
            }),
            UnlinkRoleFrameworkPayload::failed,
        )
    }

    /// Gives a role another name (a job title it goes by).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn add_role_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The other name.")] alias: String,
    ) -> async_graphql::Result<AddRoleAliasPayload> {
        let r = async {
            let m = roles::add_alias(ctx.db()?, &role.to_ref()?, &alias).await?;
            Ok(AddRoleAliasPayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(r.await, AddRoleAliasPayload::failed)
    }

    /// Removes one of a role's other names.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn remove_role_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The name to remove.")] alias: String,
    ) -> async_graphql::Result<RemoveRoleAliasPayload> {
        let r = async {
            let m = roles::remove_alias(ctx.db()?, &role.to_ref()?, &alias).await?;
            Ok(RemoveRoleAliasPayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(r.await, RemoveRoleAliasPayload::failed)
    }

    /// Makes `related` a related role of `role`, in that direction (as O*NET's related
    /// occupations); `Role.related` lists it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_related_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The related role.")] related: RoleRef,
    ) -> async_graphql::Result<LinkRelatedRolesPayload> {
        let r = relink_pair(ctx, &role, &related, roles::link_related)
            .await
            .map(|(a, b)| LinkRelatedRolesPayload {
                role: Some(Role(a)),
                related: Some(Role(b)),
                user_errors: vec![],
            });
        payload(r, LinkRelatedRolesPayload::failed)
    }

    /// Removes a related-role link (in the direction given).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_related_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The role that was related.")] related: RoleRef,
    ) -> async_graphql::Result<UnlinkRelatedRolesPayload> {
        let r = relink_pair(ctx, &role, &related, roles::unlink_related)
            .await
            .map(|(a, b)| UnlinkRelatedRolesPayload {
                role: Some(Role(a)),
                related: Some(Role(b)),
                user_errors: vec![],
            });
        payload(r, UnlinkRelatedRolesPayload::failed)
    }
}
