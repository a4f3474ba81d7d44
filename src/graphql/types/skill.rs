//! The `Skill` type and its connections.
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::skill;

use crate::catalog::pages::AliasRow;
use crate::graphql::{
    loaders::Rel,
    types::{
        conn_cost,
        connection::{
            connection, encode_cursor, nested, nested_filtered, object_with_connections,
            plain_edge, plan_node, weighted_edge, Planned, SkillRoleFilter,
        },
        from_stored, global_id,
        posting::{postings_of, JobPostingConnection},
        role::Role,
        source::{self, Source},
        FrameworkConnection, NodeType, ReuseLevel, SkillKind,
    },
};

/// A skill: a concept, language, database, tool, platform, practice, knowledge or competence.
#[derive(Clone, Debug)]
pub struct Skill(pub skill::Model);

/// Another name of a skill.
#[derive(SimpleObject, Clone, Debug)]
pub struct Alias {
    /// The display name.
    pub name: String,
}

plain_edge!(SkillEdge, skill::Model, Skill);
connection!(
    SkillConnection,
    SkillEdge,
    skill::Model,
    Skill,
    "A page of skills."
);

/// An alias edge; aliases sort by name.
pub struct AliasEdge {
    pub cursor: crate::catalog::pages::Cursor,
    /// The skill or framework.
    pub node: Alias,
}

/// An alias edge; aliases sort by name.
#[Object]
impl AliasEdge {
    /// Where this edge is, for `after` / `before`.
    async fn cursor(&self) -> String {
        encode_cursor(&self.cursor)
    }
    /// The skill or framework.
    async fn node(&self) -> &Alias {
        &self.node
    }
}

impl crate::graphql::types::connection::EdgeOf<AliasRow> for AliasEdge {
    fn from_row(row: crate::catalog::pages::EdgeRow<AliasRow>) -> Self {
        AliasEdge {
            cursor: row.cursor,
            node: Alias {
                name: row.node.alias,
            },
        }
    }
    fn cursor(&self) -> String {
        encode_cursor(&self.cursor)
    }
}
connection!(
    AliasConnection,
    AliasEdge,
    AliasRow,
    Alias,
    "A page of aliases."
);

weighted_edge!(
    SkillRoleEdge,
    entity::role::Model,
    Role,
    "A role that requires the skill, with how much."
);
connection!(
    SkillRoleConnection,
    SkillRoleEdge,
    entity::role::Model,
    Role,
    "The roles requiring a skill."
);

object_with_connections! {
    doc "A skill: a language, tool, database, practice, concept, or an ESCO/O*NET skill.";
    #[Object]
    impl Skill [first, after, last, before; "conn_cost(first, last, child_complexity)"] {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Skill, self.0.id)
    }
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// The display name.
    pub async fn name(&self) -> &str {
        &self.0.name
    }
    /// What sort of skill it is.
    async fn kind(&self) -> async_graphql::Result<SkillKind> {
        Ok(from_stored::<SkillKind>(&self.0.kind).ok_or_else(|| {
            crate::error::AppError::Internal(format!("unknown skill kind '{}'", self.0.kind))
        })?)
    }
    /// A short description, plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// ESCO concept URI, when the skill is in ESCO.
    async fn esco_uri(&self) -> Option<&str> {
        self.0.esco_uri.as_deref()
    }
    /// O*NET technology name, when the skill is in O*NET.
    async fn onet_name(&self) -> Option<&str> {
        self.0.onet_name.as_deref()
    }
    /// Year of the first public release, for languages (and some tools) of the catalog.
    async fn first_release_year(&self) -> Option<i32> {
        self.0.first_release_year
    }
    /// SPDX expression of the current licence, when there is one.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }
    /// The official web site.
    async fn homepage(&self) -> Option<&str> {
        self.0.homepage.as_deref()
    }
    /// ESCO reuse level, for skills from ESCO.
    async fn reuse_level(&self) -> Option<ReuseLevel> {
        self.0.reuse_level.as_deref().and_then(from_stored::<ReuseLevel>)
    }
    /// O*NET content-model element id (e.g. 2.A.1.e), for skills from O*NET's ratings.
    async fn onet_element_id(&self) -> Option<&str> {
        self.0.onet_element_id.as_deref()
    }
    /// The imported release this skill comes from; null for curated skills.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Source>> {
        source::load(ctx, self.0.source_id).await
    }
    /// When the row was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the row last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Other names of the skill, by name.
    connection aliases -> AliasConnection = nested(Rel::SkillAliases);
    /// Broader skills (a skill may have several).
    connection broader -> Planned<SkillConnection> = nested(Rel::SkillBroader);
    /// Narrower skills.
    connection narrower -> Planned<SkillConnection> = nested(Rel::SkillNarrower);
    /// Skills to learn before this one.
    connection prerequisites -> Planned<SkillConnection> = nested(Rel::SkillPrerequisites);
    /// Skills that have this one as a prerequisite.
    connection required_by -> Planned<SkillConnection> = nested(Rel::SkillRequiredBy);
    /// Related skills.
    connection related -> Planned<SkillConnection> = nested(Rel::SkillRelated);
    /// Frameworks using the skill; for a language, every framework written in it.
    connection frameworks -> Planned<FrameworkConnection> = nested(Rel::SkillFrameworks);
    /// Roles requiring the skill, by slug; edges carry importance and level. `filter` keeps
    /// some of them (e.g. the roles that need it as essential).
    connection roles(filter: SkillRoleFilter) -> Planned<SkillRoleConnection> = nested_filtered(Rel::SkillRoles);

    /// Job postings asking for this skill, newest first.
    connection job_postings -> JobPostingConnection = postings_of(Rel::SkillPostings);
    }
}

plan_node! {
    Skill,
    leaves ["kind", "onetName", "firstReleaseYear", "license", "homepage", "reuseLevel", "onetElementId"],
    children {
        "broader" => (SkillBroader, Skills),
        "narrower" => (SkillNarrower, Skills),
        "prerequisites" => (SkillPrerequisites, Skills),
        "requiredBy" => (SkillRequiredBy, Skills),
        "related" => (SkillRelated, Skills),
        "frameworks" => (SkillFrameworks, Frameworks),
        "roles" => (SkillRoles, SkillRoles),
    }
}
