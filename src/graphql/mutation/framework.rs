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
        mutation::{
            arg, patch,
            payload::{payload, payload_type, Failure, Inputs},
            relink_pair, Deleted,
        },
        types::{
            connection::EdgeOf,
            global_id,
            refs::{FrameworkRef, SkillRef},
            skill::SkillEdge,
            Framework, FrameworkCategory, NodeType,
        },
    },
};

/// A new framework.
#[derive(InputObject)]
pub struct CreateFrameworkInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: String,
    /// The display name.
    pub name: String,
    /// The language it is written for (a skill).
    pub language: SkillRef,
    /// What sort of framework it is.
    pub category: FrameworkCategory,
    /// Year of the first public release.
    pub first_release_year: Option<i32>,
    /// SPDX licence expression.
    pub license: Option<String>,
    /// The official web site.
    pub homepage: Option<String>,
    /// A short description, plain text.
    pub description: Option<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: Option<String>,
    /// O*NET technology name, when known.
    pub onet_name: Option<String>,
    #[graphql(default)]
    /// Other names it goes by.
    pub aliases: Vec<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateFrameworkInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// The language it is written in.
    pub language: Option<SkillRef>,
    /// What sort of framework it is.
    pub category: Option<FrameworkCategory>,
    /// Year of the first public release.
    pub first_release_year: MaybeUndefined<i32>,
    /// SPDX licence expression.
    pub license: MaybeUndefined<String>,
    /// The official web site.
    pub homepage: MaybeUndefined<String>,
    /// A short description, plain text.
    pub description: MaybeUndefined<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: MaybeUndefined<String>,
    /// O*NET technology name, when known.
    pub onet_name: MaybeUndefined<String>,
}

payload_type!(
    /// The result of `createFramework`.
    CreateFrameworkPayload {
        /// The new framework.
        framework: Framework,
    }
);

payload_type!(
    /// The result of `updateFramework`.
    UpdateFrameworkPayload {
        /// The framework as updated.
        framework: Framework,
    }
);

payload_type!(
    /// The result of `deleteFramework`.
    DeleteFrameworkPayload {
        /// What was deleted.
        deleted: Deleted,
    }
);

payload_type!(
    /// The result of `addFrameworkAlias`.
    AddFrameworkAliasPayload {
        /// The framework, with the alias.
        framework: Framework,
    }
);

payload_type!(
    /// The result of `removeFrameworkAlias`.
    RemoveFrameworkAliasPayload {
        /// The framework, without the alias.
        framework: Framework,
    }
);

payload_type!(
    /// The result of `linkFrameworkSkill`.
    LinkFrameworkSkillPayload {
        /// The framework, now using the skill.
        framework: Framework,
        /// The link as `framework.skills` lists it (cursor and node), to add to a cached page.
        edge: SkillEdge,
    }
);

payload_type!(
    /// The result of `unlinkFrameworkSkill`.
    UnlinkFrameworkSkillPayload {
        /// The framework, no longer using the skill.
        framework: Framework,
        /// The global id of the skill whose edge left `framework.skills` (Relay's
        /// `@deleteEdge`).
        removed_node_id: ID,
    }
);

#[derive(Default)]
pub struct FrameworkMutation;

#[Object]
impl FrameworkMutation {
    /// Creates a framework; refused when its slug or a label is taken.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new framework.")] input: CreateFrameworkInput,
    ) -> async_graphql::Result<CreateFrameworkPayload> {
        let r = async {
            let m = frameworks::create(
                ctx.db()?,
                NewFramework {
                    slug: input.slug,
                    name: input.name,
                    language: arg(&input.language, "language")?,
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
            Ok::<_, Failure>(CreateFrameworkPayload {
                framework: Some(Framework(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["input"]),
            CreateFrameworkPayload::failed,
        )
    }

    /// Changes the fields given of a framework.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework to change.")] framework: FrameworkRef,
        #[graphql(desc = "What to change.")] input: UpdateFrameworkInput,
    ) -> async_graphql::Result<UpdateFrameworkPayload> {
        let r = async {
            let p = FrameworkPatch {
                common: CommonPatch {
                    slug: input.slug,
                    name: input.name,
                    description: patch(input.description),
                    esco_uri: patch(input.esco_uri),
                },
                language: input.language.map(|l| arg(&l, "language")).transpose()?,
                category: input.category.map(|c| c.to_value()),
                release: ReleasePatch {
                    first_release_year: patch(input.first_release_year),
                    license: patch(input.license),
                    homepage: patch(input.homepage),
                },
                onet_name: patch(input.onet_name),
            };
            let r = arg(&framework, "framework")?;
            let m = frameworks::update(ctx.db()?, &r, p).await?;
            Ok::<_, Failure>(UpdateFrameworkPayload {
                framework: Some(Framework(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["framework", "input"]),
            UpdateFrameworkPayload::failed,
        )
    }

    /// Deletes a framework and every link to it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework to delete.")] framework: FrameworkRef,
    ) -> async_graphql::Result<DeleteFrameworkPayload> {
        let r = async {
            let m = frameworks::delete(ctx.db()?, &arg(&framework, "framework")?).await?;
            Ok::<_, Failure>(DeleteFrameworkPayload {
                deleted: Some(Deleted {
                    id: global_id(NodeType::Framework, m.id),
                    slug: m.slug,
                }),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["framework"]),
            DeleteFrameworkPayload::failed,
        )
    }

    /// Adds an alternative name to a framework; refused when another node has it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn add_framework_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework.")] framework: FrameworkRef,
        #[graphql(desc = "The name to add.")] alias: String,
    ) -> async_graphql::Result<AddFrameworkAliasPayload> {
        let r = async {
            let f = arg(&framework, "framework")?;
            let m = frameworks::add_alias(ctx.db()?, &f, &alias).await?;
            Ok::<_, Failure>(AddFrameworkAliasPayload {
                framework: Some(Framework(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["framework", "alias"]),
            AddFrameworkAliasPayload::failed,
        )
    }

    /// Removes an alternative name of a framework.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn remove_framework_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework.")] framework: FrameworkRef,
        #[graphql(desc = "The name to remove.")] alias: String,
    ) -> async_graphql::Result<RemoveFrameworkAliasPayload> {
        let r = async {
            let f = arg(&framework, "framework")?;
            let m = frameworks::remove_alias(ctx.db()?, &f, &alias).await?;
            Ok::<_, Failure>(RemoveFrameworkAliasPayload {
                framework: Some(Framework(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["framework", "alias"]),
            RemoveFrameworkAliasPayload::failed,
        )
    }

    /// Records that a framework uses a skill.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_framework_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework.")] framework: FrameworkRef,
        #[graphql(desc = "The skill it uses.")] skill: SkillRef,
    ) -> async_graphql::Result<LinkFrameworkSkillPayload> {
        let r = relink_pair(
            ctx,
            (&framework, "framework"),
            (&skill, "skill"),
            frameworks::link_skill,
        )
        .await
        .map(|(f, s)| {
            let row = crate::catalog::graph::edge_row(s.clone(), s.id, &s.slug, None);
            LinkFrameworkSkillPayload {
                framework: Some(Framework(f)),
                edge: Some(SkillEdge::from_row(row)),
                user_errors: vec![],
            }
        });
        payload(
            r,
            &Inputs::args(&["framework", "skill"]),
            LinkFrameworkSkillPayload::failed,
        )
    }

    /// Removes the link between a framework and a skill it uses.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_framework_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework.")] framework: FrameworkRef,
        #[graphql(desc = "The skill it uses.")] skill: SkillRef,
    ) -> async_graphql::Result<UnlinkFrameworkSkillPayload> {
        let r = relink_pair(
            ctx,
            (&framework, "framework"),
            (&skill, "skill"),
            frameworks::unlink_skill,
        )
        .await
        .map(|(f, s)| UnlinkFrameworkSkillPayload {
            framework: Some(Framework(f)),
            removed_node_id: Some(global_id(NodeType::Skill, s.id)),
            user_errors: vec![],
        });
        payload(
            r,
            &Inputs::args(&["framework", "skill"]),
            UnlinkFrameworkSkillPayload::failed,
        )
    }
}
