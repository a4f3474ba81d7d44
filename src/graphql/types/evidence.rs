//! What imported occupations say about a curated role: its equivalent occupations and, per
//! skill, the evidence they give (`Role.equivalentRoles`, `Role.requirementEvidence`).
use crate::graphql::error::ToGraphql;
use std::{collections::HashMap, sync::Arc};

use async_graphql::{dataloader::Loader, Context, Object};
use sea_orm::DatabaseConnection;

use crate::{
    error::AppError,
    graphql::{
        loaders::{LoadError, Loaders},
        types::{
            framework::Framework,
            role::Role,
            skill::Skill,
            source::{self, Source},
        },
    },
    import::evidence::{self, Equivalent, RoleEvidence, SkillEvidence},
};

/// Evidence of roles by id: three statements per batch.
pub struct RoleEvidenceLoader {
    pub db: DatabaseConnection,
}

impl Loader<i64> for RoleEvidenceLoader {
    type Value = Arc<RoleEvidence>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(evidence::for_roles(&self.db, keys)
            .await
            .map_err(Arc::new)?
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect())
    }
}

pub async fn load(ctx: &Context<'_>, role_id: i64) -> async_graphql::Result<Arc<RoleEvidence>> {
    let loaders = ctx.data::<Loaders>()?;
    Ok(loaders
        .role_evidence
        .load_one(role_id)
        .await
        .map_err(|e| e.to_graphql())?
        .unwrap_or_default())
}

/// The key a curated role and an imported occupation share.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EquivalenceKey {
    /// The same ESCO occupation URI.
    EscoUri,
    /// The same O*NET-SOC code.
    OnetSocCode,
}

/// An imported occupation that corresponds to a curated role (same ESCO URI or O*NET-SOC code).
pub struct RoleEquivalence(pub Equivalent);

/// An imported occupation that corresponds to a curated role (same ESCO URI or O*NET-SOC code).
#[Object]
impl RoleEquivalence {
    /// The imported occupation, a role of its own.
    async fn role(&self) -> Role {
        Role(self.0.role.clone())
    }
    /// The key both share.
    async fn via(&self) -> async_graphql::Result<EquivalenceKey> {
        match self.0.via.as_str() {
            "esco_uri" => Ok(EquivalenceKey::EscoUri),
            "onet_soc_code" => Ok(EquivalenceKey::OnetSocCode),
            other => Err(crate::error::AppError::Internal(format!(
                "unknown equivalence key '{other}'"
            ))
            .into()),
        }
    }
    /// The release that made the link.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Source>> {
        source::load(ctx, self.0.source_id).await
    }
}

/// The `#[Object]` of one kind of requirement evidence: the node it is about (`$node`, loaded
/// by `$loader`) and the counts every kind shares.
macro_rules! evidence_object {
    ($ty:ident, $tydoc:literal, $node:ident, $Node:ident, $loader:ident, $what:literal, $required:literal) => {
        #[doc = $tydoc]
        #[Object]
        impl $ty {
            #[doc = concat!("The ", $what, " the evidence is about.")]
            async fn $node(&self, ctx: &Context<'_>) -> async_graphql::Result<$Node> {
                let loaders = ctx.data::<Loaders>()?;
                loaders
                    .$loader
                    .load_one(self.0.skill_id)
                    .await
                    .map_err(|e| e.to_graphql())?
                    .map($Node)
                    .ok_or_else(|| {
                        AppError::NotFound(format!("{} {} of the evidence", $what, self.0.skill_id))
                            .to_graphql()
                    })
            }
            #[doc = $required]
            async fn required(&self) -> bool {
                self.0.required
            }
            /// How many equivalent occupations require it.
            async fn occupations(&self) -> i64 {
                self.0.occupations
            }
            /// How many of them as essential.
            async fn essential_in(&self) -> i64 {
                self.0.essential_in
            }
            /// O*NET flags it a Hot Technology for one of them.
            async fn hot_technology(&self) -> bool {
                self.0.hot_technology
            }
            /// O*NET flags it In Demand for one of them.
            async fn in_demand(&self) -> bool {
                self.0.in_demand
            }
        }
    };
}

/// What a curated role's equivalent occupations say about one skill. Evidence, not a
/// requirement: `required` tells whether the curated role itself requires the skill.
pub struct RequirementEvidence(pub SkillEvidence);

evidence_object!(
    RequirementEvidence,
    "What a curated role's equivalent occupations say about one skill (evidence, not a requirement).",
    skill,
    Skill,
    skill_by_id,
    "skill",
    "The curated role itself requires this skill."
);

/// What a curated role's equivalent occupations say about one framework (O*NET lists
/// technologies such as Django or Spring for its occupations). Evidence, not a requirement:
/// `required` tells whether the curated role itself uses the framework.
pub struct FrameworkRequirementEvidence(pub SkillEvidence);

evidence_object!(
    FrameworkRequirementEvidence,
    "What a curated role's equivalent occupations say about one framework (evidence, not a requirement).",
    framework,
    Framework,
    framework_by_id,
    "framework",
    "The curated role itself uses this framework."
);

/// `Role.frameworkEvidence`: at most `first` (1–100), optionally only the frameworks the role
/// itself uses.
pub async fn frameworks(
    ctx: &Context<'_>,
    role_id: i64,
    first: i32,
    required_only: bool,
) -> async_graphql::Result<Vec<FrameworkRequirementEvidence>> {
    if !(1..=100).contains(&first) {
        return Err(
            AppError::Validation(format!("first must be between 1 and 100, got {first}"))
                .to_graphql(),
        );
    }
    let ev = load(ctx, role_id).await?;
    Ok(ev
        .frameworks
        .iter()
        .filter(|s| !required_only || s.required)
        .take(first as usize)
        .cloned()
        .map(FrameworkRequirementEvidence)
        .collect())
}
