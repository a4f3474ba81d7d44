use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object};
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        frameworks::{self, FrameworkPatch, NewFramework},
        patch::{CommonPatch, ReleasePatch},
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
            refs::{FrameworkRef, SkillRef, ToEntityRef},
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
    }
);

payload_type!(
    /// The result of `unlinkFrameworkSkill`.
    UnlinkFrameworkSkillPayload {
        /// The framework, no longer using the skill.
        framework: Framework,
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
        let r: async_graphql::Result<Framework> = async {
            let m = frameworks::create(
                ctx.db()?,
                NewFramework {
                    slug: input.slug,
                    name: input.name,
                    language: input.language.to_ref()?,
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
        .await;
        payload(
            r.map(|v| CreateFrameworkPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Framework> = async {
            let p = FrameworkPatch {
                common: CommonPatch {
                    slug: input.slug,
                    name: input.name,
                    description: patch(input.description),
                    esco_uri: patch(input.esco_uri),
                },
                language: input.language.map(|l| l.to_ref()).transpose()?,
                category: input.category.map(|c| c.to_value()),
                release: ReleasePatch {
                    first_release_year: patch(input.first_release_year),
                    license: patch(input.license),
                    homepage: patch(input.homepage),
                },
                onet_name: patch(input.onet_name),
            };
            let r = framework.to_ref()?;
            Ok(Framework(frameworks::update(ctx.db()?, &r, p).await?))
        }
        .await;
        payload(
            r.map(|v| UpdateFrameworkPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Deleted> = async {
            let m = frameworks::delete(ctx.db()?, &framework.to_ref()?).await?;
            Ok(Deleted {
                id: global_id(NodeType::Framework, m.id),
                slug: m.slug,
            })
        }
        .await;
        payload(
            r.map(|v| DeleteFrameworkPayload {
                deleted: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Framework> = async {
            let f = framework.to_ref()?;
            Ok(Framework(
                frameworks::add_alias(ctx.db()?, &f, &alias).await?,
            ))
        }
        .await;
        payload(
            r.map(|v| AddFrameworkAliasPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Framework> = async {
            let f = framework.to_ref()?;
            Ok(Framework(
                frameworks::remove_alias(ctx.db()?, &f, &alias).await?,
            ))
        }
        .await;
        payload(
            r.map(|v| RemoveFrameworkAliasPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Framework> = async {
            relink_pair(ctx, &framework, &skill, frameworks::link_skill)
                .await
                .map(Framework)
        }
        .await;
        payload(
            r.map(|v| LinkFrameworkSkillPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
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
        let r: async_graphql::Result<Framework> = async {
            relink_pair(ctx, &framework, &skill, frameworks::unlink_skill)
                .await
                .map(Framework)
        }
        .await;
        payload(
            r.map(|v| UnlinkFrameworkSkillPayload {
                framework: Some(v),
                user_errors: vec![],
            }),
            UnlinkFrameworkSkillPayload::failed,
        )
    }
}
