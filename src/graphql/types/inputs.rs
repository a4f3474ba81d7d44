//! Filter and ordering inputs of the top-level lists, and their conversion to domain filters.
use async_graphql::{Enum, InputObject};
use sea_orm::ActiveEnum;

use crate::{
    catalog::{
        filters::{FrameworkCond, RoleCond, SkillCond},
        pages::{Order, SortKey},
    },
    error::AppError,
    graphql::types::{
        refs::{to_refs, FrameworkRef, RoleRef, SkillRef, ToEntityRef},
        FrameworkCategory, SkillKind,
    },
};

/// Which way an order runs.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// What skills and frameworks can be ordered by. POPULARITY: how many roles require the skill
/// or use the framework.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CatalogOrderField {
    #[default]
    /// By slug.
    Slug,
    /// By name.
    Name,
    /// By creation time.
    Created,
    /// By how many roles require or use it.
    Popularity,
}

/// What roles can be ordered by. POPULARITY: how many job postings are for the role.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RoleOrderField {
    #[default]
    /// By slug.
    Slug,
    /// By name.
    Name,
    /// By creation time.
    Created,
    /// By how many job postings are for the role (0 without any).
    Popularity,
}

/// Ordering of skills or frameworks; ties are broken by id, so cursors stay stable.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct CatalogOrder {
    /// What to order by.
    pub field: CatalogOrderField,
    #[graphql(default)]
    /// Ascending or descending.
    pub direction: OrderDirection,
}

/// Ordering of roles; ties are broken by id, so cursors stay stable.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct RoleOrder {
    /// What to order by.
    pub field: RoleOrderField,
    #[graphql(default)]
    /// Ascending or descending.
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
                RoleOrderField::Popularity => SortKey::Popularity,
            },
            desc: o.direction == OrderDirection::Desc,
        }
    }
}

/// A role's requirement of a skill.
#[derive(InputObject, Clone, Debug)]
pub struct RoleRequirementFilter {
    /// The role.
    pub role: RoleRef,
    /// Only requirements at this level or above.
    pub min_level: Option<i32>,
    /// Only essential requirements.
    #[graphql(default)]
    pub essential_only: bool,
}

/// Conditions on skills; the fields given are ANDed, `and`/`or`/`not` combine filters.
#[derive(InputObject, Clone, Debug, Default)]
pub struct SkillFilter {
    /// Every one of these filters holds.
    pub and: Option<Vec<SkillFilter>>,
    /// At least one of these filters holds.
    pub or: Option<Vec<SkillFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<SkillFilter>>,
    /// Of one of these kinds.
    pub kind: Option<Vec<SkillKind>>,
    /// Name or any alias contains this text (case-insensitive).
    pub name_contains: Option<String>,
    /// Has (true) or lacks (false) an ESCO URI.
    pub has_esco_uri: Option<bool>,
    /// Has (true) or lacks (false) an O*NET name.
    pub has_onet_name: Option<bool>,
    /// Narrower than this skill, at any depth.
    pub broader: Option<SkillRef>,
    /// Required by a role, optionally at a minimum level or as essential only.
    pub required_by_role: Option<RoleRequirementFilter>,
    /// Used by this framework.
    pub used_by_framework: Option<FrameworkRef>,
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
    /// Every one of these filters holds.
    pub and: Option<Vec<FrameworkFilter>>,
    /// At least one of these filters holds.
    pub or: Option<Vec<FrameworkFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<FrameworkFilter>>,
    /// Written in one of these languages.
    pub language: Option<Vec<SkillRef>>,
    /// What sort of framework it is.
    pub category: Option<Vec<FrameworkCategory>>,
    /// First released in or after this year.
    pub released_from: Option<i32>,
    /// First released in or before this year.
    pub released_to: Option<i32>,
    /// SPDX licence, exactly.
    pub license: Option<Vec<String>>,
    /// Name or any alias contains this text (case-insensitive).
    pub name_contains: Option<String>,
    /// Uses this skill.
    pub uses_skill: Option<SkillRef>,
}

/// Conditions on roles.
#[derive(InputObject, Clone, Debug, Default)]
pub struct RoleFilter {
    /// Every one of these filters holds.
    pub and: Option<Vec<RoleFilter>>,
    /// At least one of these filters holds.
    pub or: Option<Vec<RoleFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<RoleFilter>>,
    /// Requires every one of these skills.
    pub requires_skills: Option<Vec<SkillRef>>,
    /// Requires at least one of these skills.
    pub requires_any_skill: Option<Vec<SkillRef>>,
    /// Uses this framework.
    pub uses_framework: Option<FrameworkRef>,
    /// Name or any alias contains this text (case-insensitive).
    pub name_contains: Option<String>,
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
        if let Some(b) = self.has_esco_uri {
            all.push(SkillCond::HasEscoId(b));
        }
        if let Some(b) = self.has_onet_name {
            all.push(SkillCond::HasOnetId(b));
        }
        if let Some(b) = &self.broader {
            all.push(SkillCond::Under(b.to_ref()?));
        }
        if let Some(r) = &self.required_by_role {
            all.push(SkillCond::RequiredByRole {
                role: r.role.to_ref()?,
                min_level: r.min_level,
                essential_only: r.essential_only,
            });
        }
        if let Some(f) = &self.used_by_framework {
            all.push(SkillCond::UsedByFramework(f.to_ref()?));
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
            all.push(FrameworkCond::LanguageIn(to_refs(l)?));
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
            all.push(FrameworkCond::UsesSkill(s.to_ref()?));
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
            all.push(RoleCond::RequiresSkills(to_refs(s)?));
        }
        if let Some(s) = &self.requires_any_skill {
            all.push(RoleCond::RequiresAnySkill(to_refs(s)?));
        }
        if let Some(f) = &self.uses_framework {
            all.push(RoleCond::UsesFramework(f.to_ref()?));
        }
        if let Some(n) = &self.name_contains {
            all.push(RoleCond::NameContains(n.clone()));
        }
        Ok(RoleCond::And(all))
    }
}
