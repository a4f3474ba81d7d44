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
pub mod rate_limit;
pub mod refs;
pub mod related;
pub mod role;
pub mod salary;
pub mod search;
pub mod skill;
pub mod source;
pub mod transitions;

use async_graphql::{Enum, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::{sea_query::StringLen, ActiveEnum, DeriveActiveEnum, EnumIter};

use crate::catalog::pages::Importance as DomainImportance;

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

/// How much a role needs a skill or framework.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "DomainImportance")]
pub enum Importance {
    /// The role needs it.
    Essential,
    /// A plus.
    Optional,
}

/// What sort of skill this is.
// Stored as its kebab-case name (`concept`, `language`, …).
#[derive(Enum, EnumIter, DeriveActiveEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "kebab-case"
)]
pub enum SkillKind {
    /// A concept or field (e.g. databases).
    Concept,
    /// A programming or query language.
    Language,
    /// A database system.
    Database,
    /// A tool.
    Tool,
    /// A platform (cloud, OS, runtime environment).
    Platform,
    /// A practice or method.
    Practice,
    /// An ESCO/O*NET knowledge item.
    Knowledge,
    /// An ESCO/O*NET skill or competence.
    Competence,
}

/// The kind of framework.
// Stored as its kebab-case name (`web-framework`, `orm`, …).
#[derive(Enum, EnumIter, DeriveActiveEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "kebab-case"
)]
pub enum FrameworkCategory {
    /// A full-stack web framework.
    WebFramework,
    /// A runtime.
    Runtime,
    /// A framework for HTTP APIs.
    ApiFramework,
    /// An object-relational mapper.
    Orm,
    /// A testing framework.
    TestingFramework,
    /// A minimal web framework.
    Microframework,
    /// A user-interface framework.
    UiFramework,
    /// A CSS framework.
    CssFramework,
    /// A mobile-app framework.
    MobileFramework,
    /// A desktop-app framework.
    DesktopFramework,
    /// A content-management system.
    Cms,
    /// A library.
    Library,
    /// A platform.
    Platform,
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
// Stored as ESCO's kebab-case name (`cross-sector`, …).
#[derive(Enum, EnumIter, DeriveActiveEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "kebab-case"
)]
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

/// The stored name of a string-valued enum, back to the enum (None for an unknown name).
pub fn from_stored<E: ActiveEnum<Value = String>>(s: &str) -> Option<E> {
    E::try_from_value(&s.to_owned()).ok()
}
