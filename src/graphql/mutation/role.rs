use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use crate::{
    catalog::{
        patch::CommonPatch,
        roles::{self, NewRole, RolePatch},
    },
    graphql::{
        guard::Scope,
        mutation::{
            arg, patch,
            payload::{payload, payload_type, Failure, Inputs},
            relink_pair, Deleted,
        },
        types::{
            connection::EdgeOf,
            global_id,
            refs::{FrameworkRef, RoleRef, SkillRef},
            related::RelatedRoleEdge,
            role::{RoleFrameworkEdge, RoleSkillEdge},
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
        /// The link as `role.related` lists it (cursor, node, tier, index), to add to a cached
        /// page without fetching it again.
        edge: RelatedRoleEdge,
    }
);
payload_type!(
    /// The result of `unlinkRelatedRoles`.
    UnlinkRelatedRolesPayload {
        /// The role.
        role: Role,
        /// The role that was related.
        related: Role,
        /// The global id of the node whose edge left `role.related` (the related role), to
        /// remove it from a cached page (Relay's `@deleteEdge`).
        removed_node_id: ID,
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
        /// The requirement as `role.skills` lists it (cursor, node, importance, level…), to add
        /// to or update in a cached page without fetching it again.
        edge: RoleSkillEdge,
    }
);

payload_type!(
    /// The result of `unlinkRoleSkill`.
    UnlinkRoleSkillPayload {
        /// The role, without the requirement.
        role: Role,
        /// The global id of the skill whose edge left `role.skills` (Relay's `@deleteEdge`).
        removed_node_id: ID,
    }
);

payload_type!(
    /// The result of `linkRoleFramework`.
    LinkRoleFrameworkPayload {
        /// The role, with the framework set.
        role: Role,
        /// The link as `role.frameworks` lists it (cursor, node, importance, level…).
        edge: RoleFrameworkEdge,
    }
);

payload_type!(
    /// The result of `unlinkRoleFramework`.
    UnlinkRoleFrameworkPayload {
        /// The role, without the framework.
        role: Role,
        /// The global id of the framework whose edge left `role.frameworks` (Relay's
        /// `@deleteEdge`).
        removed_node_id: ID,
    }
);

#[derive(Default)]
pub struct RoleMutation;

#[Object]
impl RoleMutation {
    /// Creates a role; refused when its slug is taken.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new role.")] input: CreateRoleInput,
    ) -> async_graphql::Result<CreateRolePayload> {
        let r = async {
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
            Ok::<_, Failure>(CreateRolePayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["input"]),
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
        let r = async {
            let p = RolePatch {
                common: CommonPatch {
                    slug: input.slug,
                    name: input.name,
                    description: patch(input.description),
                    esco_uri: patch(input.esco_uri),
                },
                onet_soc_code: patch(input.onet_soc_code),
            };
            let m = roles::update(ctx.db()?, &arg(&role, "role")?, p).await?;
            Ok::<_, Failure>(UpdateRolePayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["role", "input"]),
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
        let r = async {
            let m = roles::delete(ctx.db()?, &arg(&role, "role")?).await?;
            Ok::<_, Failure>(DeleteRolePayload {
                deleted: Some(Deleted {
                    id: global_id(NodeType::Role, m.id),
                    slug: m.slug,
                }),
                user_errors: vec![],
            })
        };
        payload(r.await, &Inputs::args(&["role"]), DeleteRolePayload::failed)
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
        let r = relink_pair(ctx, (&role, "role"), (&skill, "skill"), async |db, r, s| {
            roles::link_skill(db, r, s, importance.into(), level).await
        })
        .await
        .map(|(r, e)| LinkRoleSkillPayload {
            role: Some(Role(r)),
            edge: Some(RoleSkillEdge::from_row(e)),
            user_errors: vec![],
        });
        payload(
            r,
            &Inputs::args(&["role", "skill", "importance", "level"]),
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
        let r = relink_pair(ctx, (&role, "role"), (&skill, "skill"), roles::unlink_skill)
            .await
            .map(|(r, s)| UnlinkRoleSkillPayload {
                role: Some(Role(r)),
                removed_node_id: Some(global_id(NodeType::Skill, s.id)),
                user_errors: vec![],
            });
        payload(
            r,
            &Inputs::args(&["role", "skill"]),
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
        let r = relink_pair(
            ctx,
            (&role, "role"),
            (&framework, "framework"),
            async |db, r, f| roles::link_framework(db, r, f, importance.into(), level).await,
        )
        .await
        .map(|(r, e)| LinkRoleFrameworkPayload {
            role: Some(Role(r)),
            edge: Some(RoleFrameworkEdge::from_row(e)),
            user_errors: vec![],
        });
        payload(
            r,
            &Inputs::args(&["role", "framework", "importance", "level"]),
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
        let r = relink_pair(
            ctx,
            (&role, "role"),
            (&framework, "framework"),
            roles::unlink_framework,
        )
        .await
        .map(|(r, f)| UnlinkRoleFrameworkPayload {
            role: Some(Role(r)),
            removed_node_id: Some(global_id(NodeType::Framework, f.id)),
            user_errors: vec![],
        });
        payload(
            r,
            &Inputs::args(&["role", "framework"]),
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
            let m = roles::add_alias(ctx.db()?, &arg(&role, "role")?, &alias).await?;
            Ok::<_, Failure>(AddRoleAliasPayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["role", "alias"]),
            AddRoleAliasPayload::failed,
        )
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
            let m = roles::remove_alias(ctx.db()?, &arg(&role, "role")?, &alias).await?;
            Ok::<_, Failure>(RemoveRoleAliasPayload {
                role: Some(Role(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["role", "alias"]),
            RemoveRoleAliasPayload::failed,
        )
    }

    /// Makes `related` a related role of `role`, in that direction (as O*NET's related
    /// occupations); `Role.related` lists it, `Role.relatedFrom` of the other the inverse. A
    /// curated link has no tier; an imported link already there keeps its own.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_related_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The related role.")] related: RoleRef,
    ) -> async_graphql::Result<LinkRelatedRolesPayload> {
        let r = relink_pair(
            ctx,
            (&role, "role"),
            (&related, "related"),
            roles::link_related,
        )
        .await
        .map(|(a, b, link)| {
            let row = crate::catalog::graph::edge_row(b.clone(), b.id, &b.slug, None);
            LinkRelatedRolesPayload {
                edge: Some(RelatedRoleEdge::written(a.id, row, link)),
                role: Some(Role(a)),
                related: Some(Role(b)),
                user_errors: vec![],
            }
        });
        payload(
            r,
            &Inputs::args(&["role", "related"]),
            LinkRelatedRolesPayload::failed,
        )
    }

    /// Removes a related-role link (in the direction given).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_related_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role.")] role: RoleRef,
        #[graphql(desc = "The role that was related.")] related: RoleRef,
    ) -> async_graphql::Result<UnlinkRelatedRolesPayload> {
        let r = relink_pair(
            ctx,
            (&role, "role"),
            (&related, "related"),
            roles::unlink_related,
        )
        .await
        .map(|(a, b)| UnlinkRelatedRolesPayload {
            removed_node_id: Some(global_id(NodeType::Role, b.id)),
            role: Some(Role(a)),
            related: Some(Role(b)),
            user_errors: vec![],
        });
        payload(
            r,
            &Inputs::args(&["role", "related"]),
            UnlinkRelatedRolesPayload::failed,
        )
    }
}
