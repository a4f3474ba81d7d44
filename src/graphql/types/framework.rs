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
            connection::{connection, edge_connection, plain_edge, weighted_edge, PageInput},
            global_id,
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

#[Object]
impl Framework {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Framework, self.0.id)
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn category(&self) -> Option<FrameworkCategory> {
        FrameworkCategory::parse(&self.0.category)
    }
    async fn first_release_year(&self) -> Option<i32> {
        self.0.first_release_year
    }
    /// SPDX licence expression.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }
    async fn homepage(&self) -> Option<&str> {
        self.0.homepage.as_deref()
    }
    async fn esco_uri(&self) -> Option<&str> {
        self.0.esco_uri.as_deref()
    }
    /// O*NET technology name, when the framework is in O*NET.
    async fn onet_name(&self) -> Option<&str> {
        self.0.onet_name.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Other names of the framework, by name.
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn aliases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<AliasConnection> {
        Ok(AliasConnection(
            edge_connection(
                ctx,
                Rel::FrameworkAliases,
                self.0.id,
                PageInput {
                    first,
                    after,
                    last,
                    before,
                },
            )
            .await?,
        ))
    }

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
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<SkillConnection> {
        Ok(SkillConnection(
            edge_connection(
                ctx,
                Rel::FrameworkSkills,
                self.0.id,
                PageInput {
                    first,
                    after,
                    last,
                    before,
                },
            )
            .await?,
        ))
    }
    /// Roles using the framework; edges carry importance and level.
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn roles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<FrameworkRoleConnection> {
        Ok(FrameworkRoleConnection(
            edge_connection(
                ctx,
                Rel::FrameworkRoles,
                self.0.id,
                PageInput {
                    first,
                    after,
                    last,
                    before,
                },
            )
            .await?,
        ))
    }

    /// Job postings asking for this framework, newest first.
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn job_postings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::types::posting::JobPostingConnection> {
        crate::graphql::types::posting::postings_of(
            ctx,
            Rel::FrameworkPostings,
            self.0.id,
            PageInput {
                first,
                after,
                last,
                before,
            },
        )
        .await
    }
}
