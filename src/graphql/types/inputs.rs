//! Filter and ordering inputs of the top-level lists, and their conversion to domain filters.
use async_graphql::{Enum, InputObject, ID};
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        filters::{FrameworkCond, RoleCond, SkillCond},
        pages::{Order, SortKey},
    },
    error::AppError,
    graphql::types::{entity_ref, FrameworkCategory, NodeType, SkillKind},
};

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// What skills and frameworks can be ordered by. POPULARITY: how many roles require the skill
/// or use the framework.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CatalogOrderField {
    #[default]
    Slug,
    Name,
    Created,
    Popularity,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RoleOrderField {
    #[default]
    Slug,
    Name,
    Created,
}

/// Ordering of skills or frameworks; ties are broken by id, so cursors stay stable.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct CatalogOrder {
    pub field: CatalogOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct RoleOrder {
    pub field: RoleOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<Option<CatalogOrder>> for Order {
    fn from(o: Option<CatalogOrder>) -> Self {
        let o = o.unwrap_or_default();
        Order {
            key: match o.field {
                CatalogOrderField::Slug => SortKey::Slug,
                CatalogOrderField::Name => SortKey::Name,
                CatalogOrderField::Created => SortKey::Created,
                CatalogOrderField::Popularity => SortKey::Popularity,
            },
            desc: o.direction == OrderDirection::Desc,
        }
    }
}

impl From<Option<RoleOrder>> for Order {
    fn from(o: Option<RoleOrder>) -> Self {
        let o = o.unwrap_or_default();
        Order {
            key: match o.field {
                RoleOrderField::Slug => SortKey::Slug,
                RoleOrderField::Name => SortKey::Name,
                RoleOrderField::Created => SortKey::Created,
            },
            desc: o.direction == OrderDirection::Desc,
        }
    }
}

/// A role's requirement of a skill.
#[derive(InputObject, Clone, Debug)]
pub struct RoleRequirementFilter {
    /// The role: global id or slug.
    pub role: ID,
    /// Only requirements at this level or above.
    pub min_level: Option<i32>,
    /// Only essential requirements.
    #[graphql(default)]
    pub essential_only: bool,
}

/// Conditions on skills; the fields given are ANDed, `and`/`or`/`not` combine filters.
#[derive(InputObject, Clone, Debug, Default)]
pub struct SkillFilter {
    pub and: Option<Vec<SkillFilter>>,
    pub or: Option<Vec<SkillFilter>>,
    pub not: Option<Box<SkillFilter>>,
    /// Of one of these kinds.
    pub kind: Option<Vec<SkillKind>>,
    /// Name or any alias contains this text (case-insensitive).
    pub name_contains: Option<String>,
    pub has_esco_id: Option<bool>,
    pub has_onet_id: Option<bool>,
    /// Narrower than this skill (global id or slug), at any depth.
    pub broader: Option<ID>,
    pub required_by_role: Option<RoleRequirementFilter>,
    /// Used by this framework (global id or slug).
    pub used_by_framework: Option<ID>,
    /// First released in or after this year (skills with a known year only).
    pub released_from: Option<i32>,
    /// First released in or before this year.
    pub released_to: Option<i32>,
    /// SPDX licence, exactly.
    pub license: Option<Vec<String>>,
}

/// Conditions on frameworks.
#[derive(InputObject, Clone, Debug, Default)]
pub struct FrameworkFilter {
    pub and: Option<Vec<FrameworkFilter>>,
    pub or: Option<Vec<FrameworkFilter>>,
    pub not: Option<Box<FrameworkFilter>>,
    /// Written in one of these languages (global ids or slugs).
    pub language: Option<Vec<ID>>,
    pub category: Option<Vec<FrameworkCategory>>,
    /// First released in or after this year.
    pub released_from: Option<i32>,
    /// First released in or before this year.
    pub released_to: Option<i32>,
    /// SPDX licence, exactly.
    pub license: Option<Vec<String>>,
    pub name_contains: Option<String>,
    /// Uses this skill (global id or slug).
    pub uses_skill: Option<ID>,
}

/// Conditions on roles.
#[derive(InputObject, Clone, Debug, Default)]
pub struct RoleFilter {
    pub and: Option<Vec<RoleFilter>>,
    pub or: Option<Vec<RoleFilter>>,
    pub not: Option<Box<RoleFilter>>,
    /// Requires every one of these skills.
    pub requires_skills: Option<Vec<ID>>,
    /// Requires at least one of these skills.
    pub requires_any_skill: Option<Vec<ID>>,
    pub uses_framework: Option<ID>,
    pub name_contains: Option<String>,
}

fn refs(t: NodeType, ids: &[ID]) -> Result<Vec<crate::catalog::EntityRef>, AppError> {
    ids.iter().map(|i| entity_ref(t, i)).collect()
}

impl SkillFilter {
    pub fn to_cond(&self) -> Result<SkillCond, AppError> {
        let mut all = Vec::new();
        if let Some(v) = &self.and {
            all.push(SkillCond::And(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(v) = &self.or {
            all.push(SkillCond::Or(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(n) = &self.not {
            all.push(SkillCond::Not(Box::new(n.to_cond()?)));
        }
        if let Some(k) = &self.kind {
            all.push(SkillCond::KindIn(k.iter().map(|k| k.to_value()).collect()));
        }
        if let Some(n) = &self.name_contains {
            all.push(SkillCond::NameContains(n.clone()));
        }
        if let Some(b) = self.has_esco_id {
            all.push(SkillCond::HasEscoId(b));
        }
        if let Some(b) = self.has_onet_id {
            all.push(SkillCond::HasOnetId(b));
        }
        if let Some(b) = &self.broader {
            all.push(SkillCond::Under(entity_ref(NodeType::Skill, b)?));
        }
        if let Some(r) = &self.required_by_role {
            all.push(SkillCond::RequiredByRole {
                role: entity_ref(NodeType::Role, &r.role)?,
                min_level: r.min_level,
                essential_only: r.essential_only,
            });
        }
        if let Some(f) = &self.used_by_framework {
            all.push(SkillCond::UsedByFramework(entity_ref(
                NodeType::Framework,
                f,
            )?));
        }
        if self.released_from.is_some() || self.released_to.is_some() {
            all.push(SkillCond::ReleasedBetween {
                from: self.released_from,
                to: self.released_to,
            });
        }
        if let Some(l) = &self.license {
            all.push(SkillCond::LicenseIn(l.clone()));
        }
        Ok(SkillCond::And(all))
    }
}

impl FrameworkFilter {
    pub fn to_cond(&self) -> Result<FrameworkCond, AppError> {
        let mut all = Vec::new();
        if let Some(v) = &self.and {
            all.push(FrameworkCond::And(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(v) = &self.or {
            all.push(FrameworkCond::Or(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(n) = &self.not {
            all.push(FrameworkCond::Not(Box::new(n.to_cond()?)));
        }
        if let Some(l) = &self.language {
            all.push(FrameworkCond::LanguageIn(refs(NodeType::Skill, l)?));
        }
        if let Some(c) = &self.category {
            all.push(FrameworkCond::CategoryIn(
                c.iter().map(|c| c.to_value()).collect(),
            ));
        }
        if self.released_from.is_some() || self.released_to.is_some() {
            all.push(FrameworkCond::ReleasedBetween {
                from: self.released_from,
                to: self.released_to,
            });
        }
        if let Some(l) = &self.license {
            all.push(FrameworkCond::LicenseIn(l.clone()));
        }
        if let Some(n) = &self.name_contains {
            all.push(FrameworkCond::NameContains(n.clone()));
        }
        if let Some(s) = &self.uses_skill {
            all.push(FrameworkCond::UsesSkill(entity_ref(NodeType::Skill, s)?));
        }
        Ok(FrameworkCond::And(all))
    }
}

impl RoleFilter {
    pub fn to_cond(&self) -> Result<RoleCond, AppError> {
        let mut all = Vec::new();
        if let Some(v) = &self.and {
            all.push(RoleCond::And(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(v) = &self.or {
            all.push(RoleCond::Or(
                v.iter().map(Self::to_cond).collect::<Result<_, _>>()?,
            ));
        }
        if let Some(n) = &self.not {
            all.push(RoleCond::Not(Box::new(n.to_cond()?)));
        }
        if let Some(s) = &self.requires_skills {
            all.push(RoleCond::RequiresSkills(refs(NodeType::Skill, s)?));
        }
        if let Some(s) = &self.requires_any_skill {
            all.push(RoleCond::RequiresAnySkill(refs(NodeType::Skill, s)?));
        }
        if let Some(f) = &self.uses_framework {
            all.push(RoleCond::UsesFramework(entity_ref(NodeType::Framework, f)?));
        }
        if let Some(n) = &self.name_contains {
            all.push(RoleCond::NameContains(n.clone()));
        }
        Ok(RoleCond::And(all))
    }
}
