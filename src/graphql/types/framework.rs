//! The `Framework` type and its connections.
use crate::graphql::error::ToGraphql;
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::framework;

use crate::{
    error::AppError,
    graphql::{
        loaders::{Loaders, Rel},
        types::{
            conn_cost,
            connection::{
                connection, nested, nested_filtered, object_with_connections, plain_edge,
                plan_node, weighted_edge, FrameworkRoleFilter, Planned,
            },
            from_stored, global_id,
            posting::{postings_of, JobPostingConnection},
            role::Role,
            skill::{AliasConnection, Skill, SkillConnection},
            FrameworkCategory, NodeType,
        },
    },
};

/// A framework, library or runtime, written in one language.
#[derive(Clone, Debug)]
pub struct Framework(pub framework::Model);

plain_edge!(FrameworkEdge, framework::Model, Framework);
connection!(
    FrameworkConnection,
    FrameworkEdge,
    framework::Model,
    Framework,
    "A page of frameworks."
);

weighted_edge!(
    FrameworkRoleEdge,
    entity::role::Model,
    Role,
    "A role that uses the framework, with how much."
);
connection!(
    FrameworkRoleConnection,
    FrameworkRoleEdge,
    entity::role::Model,
    Role,
    "The roles using a framework."
);

object_with_connections! {
    doc "A framework, library or runtime, written in one language.";
    #[Object]
    impl Framework [first, after, last, before; "conn_cost(first, last, child_complexity)"] {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Framework, self.0.id)
    }
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    pub async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// The display name.
    pub async fn name(&self) -> &str {
        &self.0.name
    }
    /// A short description, plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// What sort of framework it is.
    async fn category(&self) -> async_graphql::Result<FrameworkCategory> {
        Ok(from_stored::<FrameworkCategory>(&self.0.category).ok_or_else(|| {
            crate::error::AppError::Internal(format!(
                "unknown framework category '{}'",
                self.0.category
            ))
        })?)
    }
    /// Year of the first public release.
    async fn first_release_year(&self) -> Option<i32> {
        self.0.first_release_year
    }
    /// SPDX licence expression.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }
    /// The official web site.
    async fn homepage(&self) -> Option<&str> {
        self.0.homepage.as_deref()
    }
    /// ESCO concept URI, when known.
    async fn esco_uri(&self) -> Option<&str> {
        self.0.esco_uri.as_deref()
    }
    /// O*NET technology name, when the framework is in O*NET.
    async fn onet_name(&self) -> Option<&str> {
        self.0.onet_name.as_deref()
    }
    /// When the row was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the row last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Other names of the framework, by name.
    connection aliases -> AliasConnection = nested(Rel::FrameworkAliases);

    /// The language the framework is written for.
    async fn language(&self, ctx: &Context<'_>) -> async_graphql::Result<Skill> {
        let loaders = ctx.data::<Loaders>()?;
        let m = loaders
            .skill_by_id
            .load_one(self.0.language_id)
            .await
            .map_err(|e| e.to_graphql())?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "language {} of framework {} missing",
                    self.0.language_id, self.0.id
                ))
            })?;
        Ok(Skill(m))
    }
    /// Skills the framework uses, its language included.
    connection skills -> Planned<SkillConnection> = nested(Rel::FrameworkSkills);
    /// Roles using the framework, by slug; edges carry importance and level. `filter` keeps
    /// some of them.
    connection roles(filter: FrameworkRoleFilter) -> Planned<FrameworkRoleConnection> = nested_filtered(Rel::FrameworkRoles);

    /// Job postings asking for this framework, newest first.
    connection job_postings -> JobPostingConnection = postings_of(Rel::FrameworkPostings);
    }
}

plan_node! {
    Framework,
    leaves ["category", "firstReleaseYear", "license", "homepage", "onetName"],
    children {
        "skills" => (FrameworkSkills, Skills),
        "roles" => (FrameworkRoles, FrameworkRoles),
    }
}
