use crate::graphql::ContextExt;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use entity::skill;
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        patch::{CommonPatch, ReleaseFacts, ReleasePatch},
        skills::{self, NewSkill, SkillLink, SkillPatch},
    },
    graphql::{
        guard::Scope,
        mutation::{
            arg, patch,
            payload::{payload, payload_type, Failure, Inputs},
            relink_pair, Deleted,
        },
        types::{
            connection::EdgeOf, global_id, refs::SkillRef, skill::SkillEdge, NodeType, Skill,
            SkillKind,
        },
    },
};

/// A new skill.
#[derive(InputObject)]
pub struct CreateSkillInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: String,
    /// The display name.
    pub name: String,
    /// What sort of skill it is.
    pub kind: SkillKind,
    /// A short description, plain text.
    pub description: Option<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: Option<String>,
    /// O*NET technology name, when known.
    pub onet_name: Option<String>,
    /// Year of the first public release (languages, tools).
    pub first_release_year: Option<i32>,
    /// SPDX expression of the current licence.
    pub license: Option<String>,
    /// The official web site.
    pub homepage: Option<String>,
    #[graphql(default)]
    /// Other names it goes by.
    pub aliases: Vec<String>,
}

/// Leave a field out to keep it; set an optional one to null to clear it.
#[derive(InputObject)]
pub struct UpdateSkillInput {
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub slug: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// What sort of skill it is.
    pub kind: Option<SkillKind>,
    /// A short description, plain text.
    pub description: MaybeUndefined<String>,
    /// ESCO concept URI, when known.
    pub esco_uri: MaybeUndefined<String>,
    /// O*NET technology name, when known.
    pub onet_name: MaybeUndefined<String>,
    /// Year of the first public release.
    pub first_release_year: MaybeUndefined<i32>,
    /// SPDX licence expression.
    pub license: MaybeUndefined<String>,
    /// The official web site.
    pub homepage: MaybeUndefined<String>,
}

payload_type!(
    /// The result of `createSkill`.
    CreateSkillPayload {
        /// The new skill.
        skill: Skill,
    }
);
payload_type!(
    /// The result of `updateSkill`.
    UpdateSkillPayload {
        /// The skill as updated.
        skill: Skill,
    }
);
payload_type!(
    /// The result of `deleteSkill`.
    DeleteSkillPayload {
        /// What was deleted.
        deleted: Deleted,
    }
);
payload_type!(
    /// The result of `addSkillAlias`.
    AddSkillAliasPayload {
        /// The skill, with the alias.
        skill: Skill,
    }
);
payload_type!(
    /// The result of `removeSkillAlias`.
    RemoveSkillAliasPayload {
        /// The skill, without the alias.
        skill: Skill,
    }
);

/// The payload of a link between two skills: both ends, and the link as the skill's list
/// (`broader`, `prerequisites`, `related`) gives it.
macro_rules! skill_link_payload {
    ($($name:ident, $doc:literal, $other:ident, $odoc:literal, $edoc:literal;)*) => {$(
        payload_type!(
            #[doc = $doc]
            $name {
                /// The skill.
                skill: Skill,
                #[doc = $odoc]
                $other: Skill,
                #[doc = $edoc]
                edge: SkillEdge,
            }
        );
    )*};
}
skill_link_payload!(
    LinkBroaderSkillPayload, "The result of `linkBroaderSkill`.", broader, "The broader skill.",
    "The link as `skill.broader` lists it (cursor and node), to add to a cached page.";
    LinkPrerequisitePayload, "The result of `linkPrerequisite`.", prerequisite, "The prerequisite.",
    "The link as `skill.prerequisites` lists it (cursor and node), to add to a cached page.";
    LinkRelatedSkillsPayload, "The result of `linkRelatedSkills`.", related, "The related skill.",
    "The link as `skill.related` lists it (cursor and node), to add to a cached page.";
);

/// The payload of an unlink between two skills: both ends, and the id of the node that left the
/// skill's list.
macro_rules! skill_unlink_payload {
    ($($name:ident, $doc:literal, $other:ident, $odoc:literal, $rdoc:literal;)*) => {$(
        payload_type!(
            #[doc = $doc]
            $name {
                /// The skill.
                skill: Skill,
                #[doc = $odoc]
                $other: Skill,
                #[doc = $rdoc]
                removed_node_id: ID,
            }
        );
    )*};
}
skill_unlink_payload!(
    UnlinkBroaderSkillPayload, "The result of `unlinkBroaderSkill`.", broader, "The broader skill.",
    "The global id of the node whose edge left `skill.broader` (Relay's `@deleteEdge`).";
    UnlinkPrerequisitePayload, "The result of `unlinkPrerequisite`.", prerequisite, "The prerequisite.",
    "The global id of the node whose edge left `skill.prerequisites` (Relay's `@deleteEdge`).";
    UnlinkRelatedSkillsPayload, "The result of `unlinkRelatedSkills`.", related, "The related skill.",
    "The global id of the node whose edge left `skill.related` (Relay's `@deleteEdge`).";
);

#[derive(Default)]
pub struct SkillMutation;

/// Where the inputs of a skill-to-skill (un)link are: the domain's `other` is the argument
/// named after the relation.
const BROADER: Inputs = Inputs {
    args: &["skill", "broader"],
    renames: &[("other", "broader")],
};
const PREREQUISITE: Inputs = Inputs {
    args: &["skill", "prerequisite"],
    renames: &[("other", "prerequisite")],
};
const RELATED: Inputs = Inputs {
    args: &["skill", "related"],
    renames: &[("other", "related")],
};

/// The body of the six link/unlink resolvers: adds (`on`) or removes one edge between two
/// skills, and returns both.
async fn relink(
    ctx: &Context<'_>,
    link: SkillLink,
    (skill, other): (&SkillRef, &SkillRef),
    other_name: &'static str,
    on: bool,
) -> Result<(skill::Model, skill::Model), Failure> {
    relink_pair(
        ctx,
        (skill, "skill"),
        (other, other_name),
        async |db, a, b| {
            if on {
                skills::link(db, link, a, b).await
            } else {
                skills::unlink(db, link, a, b).await
            }
        },
    )
    .await
}

/// A link's payload fields: both ends and the edge.
fn linked(a: skill::Model, b: skill::Model) -> (Option<Skill>, Option<Skill>, Option<SkillEdge>) {
    let row = crate::catalog::graph::edge_row(b.clone(), b.id, &b.slug, None);
    (
        Some(Skill(a)),
        Some(Skill(b)),
        Some(SkillEdge::from_row(row)),
    )
}

/// An unlink's payload fields: both ends and the removed node's id.
fn unlinked(a: skill::Model, b: skill::Model) -> (Option<Skill>, Option<Skill>, Option<ID>) {
    let id = global_id(NodeType::Skill, b.id);
    (Some(Skill(a)), Some(Skill(b)), Some(id))
}

#[Object]
impl SkillMutation {
    /// Creates a skill.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new skill.")] input: CreateSkillInput,
    ) -> async_graphql::Result<CreateSkillPayload> {
        let r = async {
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
            Ok::<_, Failure>(CreateSkillPayload {
                skill: Some(Skill(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["input"]),
            CreateSkillPayload::failed,
        )
    }

    /// Changes the fields given of a skill.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn update_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill to change.")] skill: SkillRef,
        #[graphql(desc = "What to change.")] input: UpdateSkillInput,
    ) -> async_graphql::Result<UpdateSkillPayload> {
        let r = async {
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
            let m = skills::update(ctx.db()?, &arg(&skill, "skill")?, p).await?;
            Ok::<_, Failure>(UpdateSkillPayload {
                skill: Some(Skill(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["skill", "input"]),
            UpdateSkillPayload::failed,
        )
    }

    /// Deletes a skill and every link to it; refused while a framework is written in it.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn delete_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill to delete.")] skill: SkillRef,
    ) -> async_graphql::Result<DeleteSkillPayload> {
        let r = async {
            let m = skills::delete(ctx.db()?, &arg(&skill, "skill")?).await?;
            Ok::<_, Failure>(DeleteSkillPayload {
                deleted: Some(Deleted {
                    id: global_id(NodeType::Skill, m.id),
                    slug: m.slug,
                }),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["skill"]),
            DeleteSkillPayload::failed,
        )
    }

    /// Gives a skill another name.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn add_skill_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The other name.")] alias: String,
    ) -> async_graphql::Result<AddSkillAliasPayload> {
        let r = async {
            let m = skills::add_alias(ctx.db()?, &arg(&skill, "skill")?, &alias).await?;
            Ok::<_, Failure>(AddSkillAliasPayload {
                skill: Some(Skill(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["skill", "alias"]),
            AddSkillAliasPayload::failed,
        )
    }

    /// Removes one of a skill's other names.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn remove_skill_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The name to remove.")] alias: String,
    ) -> async_graphql::Result<RemoveSkillAliasPayload> {
        let r = async {
            let m = skills::remove_alias(ctx.db()?, &arg(&skill, "skill")?, &alias).await?;
            Ok::<_, Failure>(RemoveSkillAliasPayload {
                skill: Some(Skill(m)),
                user_errors: vec![],
            })
        };
        payload(
            r.await,
            &Inputs::args(&["skill", "alias"]),
            RemoveSkillAliasPayload::failed,
        )
    }

    /// Makes `broader` a broader skill of `skill`; refused if it would close a cycle.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_broader_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The broader skill.")] broader: SkillRef,
    ) -> async_graphql::Result<LinkBroaderSkillPayload> {
        let r = relink(ctx, SkillLink::Broader, (&skill, &broader), "broader", true)
            .await
            .map(|(a, b)| {
                let (skill, broader, edge) = linked(a, b);
                LinkBroaderSkillPayload {
                    skill,
                    broader,
                    edge,
                    user_errors: vec![],
                }
            });
        payload(r, &BROADER, LinkBroaderSkillPayload::failed)
    }

    /// Removes a broader link.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_broader_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The broader skill.")] broader: SkillRef,
    ) -> async_graphql::Result<UnlinkBroaderSkillPayload> {
        let r = relink(
            ctx,
            SkillLink::Broader,
            (&skill, &broader),
            "broader",
            false,
        )
        .await
        .map(|(a, b)| {
            let (skill, broader, removed_node_id) = unlinked(a, b);
            UnlinkBroaderSkillPayload {
                skill,
                broader,
                removed_node_id,
                user_errors: vec![],
            }
        });
        payload(r, &BROADER, UnlinkBroaderSkillPayload::failed)
    }

    /// Makes `prerequisite` a prerequisite of `skill`; refused with the cycle named if it would
    /// close one.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_prerequisite(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The prerequisite.")] prerequisite: SkillRef,
    ) -> async_graphql::Result<LinkPrerequisitePayload> {
        let r = relink(
            ctx,
            SkillLink::Prerequisite,
            (&skill, &prerequisite),
            "prerequisite",
            true,
        )
        .await
        .map(|(a, b)| {
            let (skill, prerequisite, edge) = linked(a, b);
            LinkPrerequisitePayload {
                skill,
                prerequisite,
                edge,
                user_errors: vec![],
            }
        });
        payload(r, &PREREQUISITE, LinkPrerequisitePayload::failed)
    }

    /// Removes a prerequisite link.
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_prerequisite(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The prerequisite.")] prerequisite: SkillRef,
    ) -> async_graphql::Result<UnlinkPrerequisitePayload> {
        let r = relink(
            ctx,
            SkillLink::Prerequisite,
            (&skill, &prerequisite),
            "prerequisite",
            false,
        )
        .await
        .map(|(a, b)| {
            let (skill, prerequisite, removed_node_id) = unlinked(a, b);
            UnlinkPrerequisitePayload {
                skill,
                prerequisite,
                removed_node_id,
                user_errors: vec![],
            }
        });
        payload(r, &PREREQUISITE, UnlinkPrerequisitePayload::failed)
    }

    /// Relates two skills (both ways).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn link_related_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The related skill.")] related: SkillRef,
    ) -> async_graphql::Result<LinkRelatedSkillsPayload> {
        let r = relink(ctx, SkillLink::Related, (&skill, &related), "related", true)
            .await
            .map(|(a, b)| {
                let (skill, related, edge) = linked(a, b);
                LinkRelatedSkillsPayload {
                    skill,
                    related,
                    edge,
                    user_errors: vec![],
                }
            });
        payload(r, &RELATED, LinkRelatedSkillsPayload::failed)
    }

    /// Unrelates two skills (both ways).
    #[graphql(guard = "Scope::WriteCatalog")]
    async fn unlink_related_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill: SkillRef,
        #[graphql(desc = "The related skill.")] related: SkillRef,
    ) -> async_graphql::Result<UnlinkRelatedSkillsPayload> {
        let r = relink(
            ctx,
            SkillLink::Related,
            (&skill, &related),
            "related",
            false,
        )
        .await
        .map(|(a, b)| {
            let (skill, related, removed_node_id) = unlinked(a, b);
            UnlinkRelatedSkillsPayload {
                skill,
                related,
                removed_node_id,
                user_errors: vec![],
            }
        });
        payload(r, &RELATED, UnlinkRelatedSkillsPayload::failed)
    }
}
