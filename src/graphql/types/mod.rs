//! GraphQL object types (separate from the entities), global ids, cursors and connections.
pub mod analytics;
pub mod connection;
pub mod evidence;
pub mod framework;
pub mod info;
pub mod inputs;
pub mod market;
pub mod paths;
pub mod posting;
pub mod role;
pub mod search;
pub mod skill;
pub mod source;

use async_graphql::{Enum, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::{
    catalog::{pages::Importance as DomainImportance, EntityRef},
    error::AppError,
};

pub use connection::{conn_cost, Conn, PageInfo};
pub use framework::Framework;
pub use framework::FrameworkConnection;
pub use posting::{JobPosting, JobPostingConnection};
pub use role::Role;
pub use role::RoleConnection;
pub use skill::Skill;
pub use skill::SkillConnection;

/// The type names used inside global ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    Skill,
    Framework,
    Role,
    JobPosting,
}

impl NodeType {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Skill => "Skill",
            NodeType::Framework => "Framework",
            NodeType::Role => "Role",
            NodeType::JobPosting => "JobPosting",
        }
    }
}

/// An opaque, stable global id: base64url of "Type:id".
pub fn global_id(t: NodeType, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", t.as_str())))
}

/// Decodes a global id of any type.
pub fn decode_global_id(s: &str) -> Option<(NodeType, i64)> {
    let raw = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (t, id) = text.split_once(':')?;
    let t = match t {
        "Skill" => NodeType::Skill,
        "Framework" => NodeType::Framework,
        "Role" => NodeType::Role,
        "JobPosting" => NodeType::JobPosting,
        _ => return None,
    };
    Some((t, id.parse().ok()?))
}

/// A mutation argument naming an entity: its global id, or its slug.
pub fn entity_ref(t: NodeType, s: &str) -> Result<EntityRef, AppError> {
    match decode_global_id(s) {
        Some((found, id)) if found == t => Ok(EntityRef::Id(id)),
        Some((found, _)) => Err(AppError::Validation(format!(
            "id '{s}' is a {} id, expected a {} id or slug",
            found.as_str(),
            t.as_str()
        ))),
        None => Ok(EntityRef::Slug(s.to_owned())),
    }
}

/// `skill(id:)` / `skill(slug:)`: exactly one of them.
pub fn lookup_ref(
    t: NodeType,
    id: Option<ID>,
    slug: Option<String>,
) -> Result<EntityRef, AppError> {
    match (id, slug) {
        (Some(id), None) => match decode_global_id(&id) {
            Some((found, n)) if found == t => Ok(EntityRef::Id(n)),
            _ => Err(AppError::Validation(format!(
                "'{}' is not a {} id",
                id.as_str(),
                t.as_str()
            ))),
        },
        (None, Some(slug)) => Ok(EntityRef::Slug(slug)),
        _ => Err(AppError::Validation(
            "give exactly one of `id` and `slug`".into(),
        )),
    }
}

/// How much a role needs a skill or framework.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Importance {
    Essential,
    Optional,
}

impl From<DomainImportance> for Importance {
    fn from(i: DomainImportance) -> Self {
        match i {
            DomainImportance::Essential => Importance::Essential,
            DomainImportance::Optional => Importance::Optional,
        }
    }
}

impl From<Importance> for DomainImportance {
    fn from(i: Importance) -> Self {
        match i {
            Importance::Essential => DomainImportance::Essential,
            Importance::Optional => DomainImportance::Optional,
        }
    }
}

/// What sort of skill this is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillKind {
    Concept,
    Language,
    Database,
    Tool,
    Platform,
    Practice,
    Knowledge,
    Competence,
}

impl SkillKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SkillKind::Concept => "concept",
            SkillKind::Language => "language",
            SkillKind::Database => "database",
            SkillKind::Tool => "tool",
            SkillKind::Platform => "platform",
            SkillKind::Practice => "practice",
            SkillKind::Knowledge => "knowledge",
            SkillKind::Competence => "competence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SkillKind::Concept,
            SkillKind::Language,
            SkillKind::Database,
            SkillKind::Tool,
            SkillKind::Platform,
            SkillKind::Practice,
            SkillKind::Knowledge,
            SkillKind::Competence,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The kind of framework.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkCategory {
    WebFramework,
    Runtime,
    ApiFramework,
    Orm,
    TestingFramework,
    Microframework,
}

impl FrameworkCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkCategory::WebFramework => "web-framework",
            FrameworkCategory::Runtime => "runtime",
            FrameworkCategory::ApiFramework => "api-framework",
            FrameworkCategory::Orm => "orm",
            FrameworkCategory::TestingFramework => "testing-framework",
            FrameworkCategory::Microframework => "microframework",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            FrameworkCategory::WebFramework,
            FrameworkCategory::Runtime,
            FrameworkCategory::ApiFramework,
            FrameworkCategory::Orm,
            FrameworkCategory::TestingFramework,
            FrameworkCategory::Microframework,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Anything with a global id (Relay's Node interface).
// Nodes are short-lived values of one response; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(async_graphql::Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque, stable global id."))]
pub enum Node {
    Skill(Skill),
    Framework(Framework),
    Role(Role),
    JobPosting(JobPosting),
}

/// How widely an ESCO skill applies.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReuseLevel {
    /// Relevant to a broad range of occupations and sectors.
    Transversal,
    /// Relevant to occupations across several sectors.
    CrossSector,
    /// Specific to one sector, relevant to several of its occupations.
    SectorSpecific,
    /// Applied within one occupation.
    OccupationSpecific,
}

impl ReuseLevel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "transversal" => Some(ReuseLevel::Transversal),
            "cross-sector" => Some(ReuseLevel::CrossSector),
            "sector-specific" => Some(ReuseLevel::SectorSpecific),
            "occupation-specific" => Some(ReuseLevel::OccupationSpecific),
            _ => None,
        }
    }
}
