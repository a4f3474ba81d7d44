//! The `Role` type and its connections.
use crate::graphql::error::ToGraphql;
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::role;

use crate::graphql::{
    loaders::Rel,
    types::{
        conn_cost,
        connection::{
            connection, nested, nested_filtered, object_with_connections, plain_edge, plan_node,
            weighted_edge, Planned, RoleFrameworkFilter, RoleSkillFilter,
        },
        evidence::{self, RequirementEvidence, RoleEquivalence},
        framework::Framework,
        global_id,
        posting::{postings_of, JobPostingConnection},
        related::{related_roles, RelatedRoleConnection},
        skill::{AliasConnection, Skill},
        source::{self, Source},
        NodeType,
    },
};

/// A role (occupation), such as Back-End Developer.
#[derive(Clone, Debug)]
pub struct Role(pub role::Model);

plain_edge!(RoleEdge, role::Model, Role);
connection!(
    RoleConnection,
    RoleEdge,
    role::Model,
    Role,
    "A page of roles."
);

weighted_edge!(
    RoleSkillEdge,
    entity::skill::Model,
    Skill,
    "A skill the role requires, with importance and level."
);
connection!(
    RoleSkillConnection,
    RoleSkillEdge,
    entity::skill::Model,
    Skill,
    "The skills a role requires."
);

weighted_edge!(
    RoleFrameworkEdge,
    entity::framework::Model,
    Framework,
    "A framework the role uses, with importance and level."
);
connection!(
    RoleFrameworkConnection,
    RoleFrameworkEdge,
    entity::framework::Model,
    Framework,
    "The frameworks a role uses."
);

object_with_connections! {
    doc "A role (occupation), such as Back-End Developer.";
    #[Object]
    impl Role [first, after, last, before; "conn_cost(first, last, child_complexity)"] {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Role, self.0.id)
    }
    /// Lowercase, hyphenated, unique among its kind; stable across renames unless a curator changes it.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// The display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A short description, plain text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// ESCO occupation URI, when known.
    async fn esco_uri(&self) -> Option<&str> {
        self.0.esco_uri.as_deref()
    }
    /// O*NET-SOC code, when known.
    async fn onet_soc_code(&self) -> Option<&str> {
        self.0.onet_soc_code.as_deref()
    }
    /// ISCO-08 unit group code (four digits), from ESCO.
    async fn isco_code(&self) -> Option<&str> {
        self.0.isco_code.as_deref()
    }
    /// The imported release this role comes from; null for curated roles.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Source>> {
        source::load(ctx, self.0.source_id).await
    }
    /// When the row was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Other names of the role (ESCO alternative labels, O*NET reported job titles), by name.
    connection aliases -> AliasConnection = nested(Rel::RoleAliases);
    /// Related roles (O*NET related occupations), in the direction the source gives; edges
    /// carry O*NET's tier and index (null on curated links). Ordered by slug.
    connection related -> RelatedRoleConnection = related_roles(Rel::RoleRelated);
    /// The inverse of `related`: the roles that list this one as related, each edge with the
    /// tier and index of that role's link. Ordered by slug.
    connection related_from -> RelatedRoleConnection = related_roles(Rel::RoleRelatedFrom);
    /// When the row last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Skills the role requires, by slug; edges carry importance and level. `filter` keeps
    /// some of them (e.g. essential at level 4 or above).
    connection skills(filter: RoleSkillFilter) -> Planned<RoleSkillConnection> = nested_filtered(Rel::RoleSkills);
    /// Frameworks the role uses, by slug; edges carry importance and level. `filter` keeps
    /// some of them.
    connection frameworks(filter: RoleFrameworkFilter) -> Planned<RoleFrameworkConnection> = nested_filtered(Rel::RoleFrameworks);

    /// Imported occupations that correspond to this curated role (same ESCO URI or O*NET-SOC
    /// code). They stay roles of their own: their requirements are evidence for this role's
    /// (see `requirementEvidence`), never requirements of it. Empty for imported roles.
    async fn equivalent_roles(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RoleEquivalence>> {
        let ev = evidence::load(ctx, self.0.id).await?;
        Ok(ev
            .equivalents
            .iter()
            .cloned()
            .map(RoleEquivalence)
            .collect())
    }

    /// What the equivalent occupations require, skill by skill: how many require it (most
    /// first), how many as essential, O*NET's Hot Technology / In Demand flags, and whether
    /// this role itself requires it. `requiredOnly` keeps the skills this role requires (the
    /// evidence on its own requirements). At most `first` (1–100, default 25).
    #[graphql(complexity = "first.unwrap_or(25).clamp(1, 100) as usize * child_complexity")]
    async fn requirement_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many at most, 0–100 (default 25).")] first: Option<i32>,
        #[graphql(
            default = false,
            desc = "Only what this role itself requires (else also what only its equivalents ask)."
        )]
        required_only: bool,
    ) -> async_graphql::Result<Vec<RequirementEvidence>> {
        let n = first.unwrap_or(25);
        if !(1..=100).contains(&n) {
            return Err(crate::error::AppError::Validation(format!(
                "first must be between 1 and 100, got {n}"
            ))
            .to_graphql());
        }
        let ev = evidence::load(ctx, self.0.id).await?;
        Ok(ev
            .skills
            .iter()
            .filter(|s| !required_only || s.required)
            .take(n as usize)
            .cloned()
            .map(RequirementEvidence)
            .collect())
    }

    /// `requirementEvidence` for frameworks: what the equivalent occupations use (O*NET
    /// technologies such as Django or Spring), most occupations first. Evidence, never a
    /// requirement of this role. At most `first` (1–100, default 25).
    #[graphql(complexity = "first.unwrap_or(25).clamp(1, 100) as usize * child_complexity")]
    async fn framework_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many at most, 0–100 (default 25).")] first: Option<i32>,
        #[graphql(
            default = false,
            desc = "Only what this role itself requires (else also what only its equivalents ask)."
        )]
        required_only: bool,
    ) -> async_graphql::Result<Vec<evidence::FrameworkRequirementEvidence>> {
        evidence::frameworks(ctx, self.0.id, first.unwrap_or(25), required_only).await
    }

    /// Job postings asking for this role, newest first.
    connection job_postings -> JobPostingConnection = postings_of(Rel::RolePostings);
    }
}

plan_node! {
    Role,
    leaves ["onetSocCode", "iscoCode"],
    children {
        "skills" => (RoleSkills, RoleSkills),
        "frameworks" => (RoleFrameworks, RoleFrameworks),
    }
}
