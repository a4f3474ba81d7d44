//! The one way to name an entity in an argument or input field: a `@oneOf` input holding its
//! global id or its slug (README "Conventions").
use async_graphql::{OneofObject, ID};

use crate::{
    catalog::EntityRef,
    error::AppError,
    graphql::types::{decode_global_id, NodeType},
    paths::node::NodeRef,
};

/// Names a skill: by global id or by slug, exactly one.
#[derive(OneofObject, Clone, Debug)]
pub enum SkillRef {
    /// The skill's global id.
    Id(ID),
    /// The skill's slug.
    Slug(String),
}

/// Names a framework: by global id or by slug, exactly one.
#[derive(OneofObject, Clone, Debug)]
pub enum FrameworkRef {
    /// The framework's global id.
    Id(ID),
    /// The framework's slug.
    Slug(String),
}

/// Names a role: by global id or by slug, exactly one.
#[derive(OneofObject, Clone, Debug)]
pub enum RoleRef {
    /// The role's global id.
    Id(ID),
    /// The role's slug.
    Slug(String),
}

/// Names a skill or a framework: by global id, or by slug (a skill's when a skill has it, else
/// a framework's).
#[derive(OneofObject, Clone, Debug)]
pub enum PathNodeRef {
    /// A skill's or a framework's global id.
    Id(ID),
    /// A slug: a skill's when a skill has it, else a framework's.
    Slug(String),
}

fn typed_id(t: NodeType, id: &ID) -> Result<EntityRef, AppError> {
    match decode_global_id(id) {
        Some((found, n)) if found == t => Ok(EntityRef::Id(n)),
        Some((found, _)) => Err(AppError::Validation(format!(
            "id '{}' is a {} id, expected a {} id",
            id.as_str(),
            found.as_str(),
            t.as_str()
        ))),
        None => Err(AppError::Validation(format!(
            "'{}' is not a {} id",
            id.as_str(),
            t.as_str()
        ))),
    }
}

/// A ref to the domain's [`EntityRef`].
pub trait ToEntityRef {
    fn to_ref(&self) -> Result<EntityRef, AppError>;
}

macro_rules! entity_ref_input {
    ($($ty:ident => $node:ident),*) => {$(
        impl ToEntityRef for $ty {
            fn to_ref(&self) -> Result<EntityRef, AppError> {
                match self {
                    $ty::Id(id) => typed_id(NodeType::$node, id),
                    $ty::Slug(s) => Ok(EntityRef::Slug(s.clone())),
                }
            }
        }
    )*};
}
entity_ref_input!(SkillRef => Skill, FrameworkRef => Framework, RoleRef => Role);

/// Many refs at once.
pub fn to_refs<R: ToEntityRef>(v: &[R]) -> Result<Vec<EntityRef>, AppError> {
    v.iter().map(ToEntityRef::to_ref).collect()
}

impl PathNodeRef {
    pub fn to_node_ref(&self) -> Result<NodeRef, AppError> {
        match self {
            PathNodeRef::Id(id) => match decode_global_id(id) {
                Some((NodeType::Skill, n)) => Ok(NodeRef::Skill(EntityRef::Id(n))),
                Some((NodeType::Framework, n)) => Ok(NodeRef::Framework(EntityRef::Id(n))),
                Some((found, _)) => Err(AppError::Validation(format!(
                    "id '{}' is a {} id, expected a Skill or Framework id",
                    id.as_str(),
                    found.as_str()
                ))),
                None => Err(AppError::Validation(format!(
                    "'{}' is not a Skill or Framework id",
                    id.as_str()
                ))),
            },
            PathNodeRef::Slug(s) => Ok(NodeRef::Slug(s.clone())),
        }
    }
}
