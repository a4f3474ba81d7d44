//! Roles: lookups, lists and curator writes, with the skills and frameworks they require.
use std::collections::HashMap;

use entity::{framework, role, skill};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set};

use crate::catalog::lookup;
use crate::store::listing::{self, Listing};
use crate::store::RowSource;
use crate::{
    catalog::{
        at, clean_opt, clean_text, delete_edge,
        filters::{self, RoleCond},
        frameworks, graph,
        pages::{self, EdgeAttrs, EdgeRow, Filter, Importance, ListSpec, PageArgs},
        patch::{save, CommonPatch, Editor},
        skills, upsert_role_edge, validate_slug, EntityRef,
    },
    error::{AppError, AppResult},
};

pub async fn find(db: &impl RowSource, r: &EntityRef) -> AppResult<Option<role::Model>> {
    lookup::find::<role::Entity>(db, r).await
}

pub async fn get(db: &impl RowSource, r: &EntityRef) -> AppResult<role::Model> {
    lookup::get::<role::Entity>(db, r).await
}

/// How the `roles` list sorts by popularity: the number of stored job postings for the role
/// (the market's demand for it, as a skill's popularity is the roles requiring it). Postings
/// name their role themselves (`job_posting.role_id`, indexed); a role without postings has
/// popularity 0, and ties fall back to id.
pub const LIST: ListSpec = ListSpec {
    table: "role",
    popularity: Some("(SELECT COUNT(*) FROM job_posting p WHERE p.role_id = t.id)"),
};

/// Filter for the `roles` list.
#[derive(Clone, Debug, Default)]
pub struct RoleFilter {
    pub cond: Option<RoleCond>,
}

impl RoleFilter {
    pub fn compile(&self, backend: DbBackend) -> AppResult<Filter> {
        match &self.cond {
            Some(c) => filters::role_filter(backend, c),
            None => Ok(Filter::default()),
        }
    }
}

/// One page of the list under `filter`, with its count.
pub async fn list(
    db: &impl RowSource,
    filter: &RoleFilter,
    args: &PageArgs,
) -> AppResult<Listing<role::Model>> {
    let f = filter.compile(db.get_database_backend())?;
    listing::list(db, &LIST, f, args).await
}

pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> AppResult<u64> {
    pages::list_count(db, LIST.table, filter).await
}

#[derive(Clone, Debug, Default)]
pub struct NewRole {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_soc_code: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RolePatch {
    pub common: CommonPatch,
    pub onet_soc_code: Option<Option<String>>,
}

pub async fn create(db: &DatabaseConnection, input: NewRole) -> AppResult<role::Model> {
    validate_slug(&input.slug)?;
    let now = chrono::Utc::now();
    let model = role::ActiveModel {
        slug: Set(input.slug.clone()),
        name: Set(clean_text("name", &input.name, 200)?),
        description: Set(clean_opt(
            "description",
            input.description.as_deref(),
            5000,
        )?),
        esco_uri: Set(clean_opt("escoUri", input.esco_uri.as_deref(), 500)?),
        onet_soc_code: Set(clean_opt(
            "onetSocCode",
            input.onet_soc_code.as_deref(),
            20,
        )?),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::from_db(e, &format!("role '{}'", input.slug)).at("slug"))?;
    Ok(model)
}

pub async fn update(
    db: &DatabaseConnection,
    r: &EntityRef,
    patch: RolePatch,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, r).await.map_err(at("role"))?;
    let mut am: role::ActiveModel = current.clone().into();
    Editor::new(&mut am).common(patch.common)?.opt_text(
        "onet_soc_code",
        "onetSocCode",
        20,
        patch.onet_soc_code,
    )?;
    let model = save(&txn, current, am, "a role with that slug").await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn delete(db: &DatabaseConnection, r: &EntityRef) -> AppResult<role::Model> {
    lookup::delete::<role::Entity>(db, r).await
}

pub async fn add_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<role::Model> {
    lookup::add_alias::<role::Entity>(db, &crate::catalog::ROLE_ALIAS_TABLE, r, alias).await
}

pub async fn remove_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<role::Model> {
    lookup::remove_alias::<role::Entity>(db, &crate::catalog::ROLE_ALIAS_TABLE, r, alias).await
}

/// O*NET's relatedness tier of a related occupation (its Related Occupations file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelatedTier {
    PrimaryShort,
    PrimaryLong,
    Supplemental,
}

impl RelatedTier {
    /// As stored: `primary-short`, `primary-long`, `supplemental`.
    pub fn as_str(self) -> &'static str {
        match self {
            RelatedTier::PrimaryShort => "primary-short",
            RelatedTier::PrimaryLong => "primary-long",
            RelatedTier::Supplemental => "supplemental",
        }
    }

    /// From the stored form or O*NET's (`Primary-Short`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "primary-short" => Some(RelatedTier::PrimaryShort),
            "primary-long" => Some(RelatedTier::PrimaryLong),
            "supplemental" => Some(RelatedTier::Supplemental),
            _ => None,
        }
    }
}

/// What a related-role link carries: O*NET's tier and index, both None on curated links.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RelatedLink {
    pub tier: Option<RelatedTier>,
    pub index: Option<i32>,
}

impl From<&entity::role_related::Model> for RelatedLink {
    fn from(m: &entity::role_related::Model) -> Self {
        RelatedLink {
            tier: m.relatedness_tier.as_deref().and_then(RelatedTier::parse),
            index: m.relatedness_index,
        }
    }
}

/// The tier and index of each `(role, related)` pair given that is linked, in one statement.
pub async fn related_links(
    db: &impl ConnectionTrait,
    pairs: &[(i64, i64)],
) -> AppResult<HashMap<(i64, i64), RelatedLink>> {
    let rows = crate::store::related::role_related_rows(db, pairs).await?;
    Ok(rows
        .iter()
        .map(|m| ((m.role_id, m.related_id), RelatedLink::from(m)))
        .collect())
}

/// The link `role → related` as stored.
async fn related_link(
    db: &impl ConnectionTrait,
    role: i64,
    related: i64,
) -> AppResult<RelatedLink> {
    let m = entity::role_related::Entity::find_by_id((role, related))
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("role link {role} → {related} vanished")))?;
    Ok(RelatedLink::from(&m))
}

/// Makes `related` a related role of `role` (curated: no source, no tier), in that direction, as
/// O*NET gives related occupations; refuses a self-link. Both roles and the link as stored (an
/// imported link already there keeps its tier). Errors name the inputs `role` and `related`.
pub async fn link_related(
    db: &DatabaseConnection,
    role: &EntityRef,
    related: &EntityRef,
) -> AppResult<(role::Model, role::Model, RelatedLink)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, role).await.map_err(at("role"))?;
    let b = get(&txn, related).await.map_err(at("related"))?;
    if a.id == b.id {
        return Err(
            AppError::Validation("a role cannot be related to itself".into()).at("related"),
        );
    }
    crate::catalog::insert_edge(
        &txn,
        "role_related",
        ("role_id", "related_id"),
        (a.id, b.id),
    )
    .await?;
    let link = related_link(&txn, a.id, b.id).await?;
    txn.commit().await?;
    Ok((a, b, link))
}

/// Removes the link `role → related`; both roles.
pub async fn unlink_related(
    db: &DatabaseConnection,
    role: &EntityRef,
    related: &EntityRef,
) -> AppResult<(role::Model, role::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, role).await.map_err(at("role"))?;
    let b = get(&txn, related).await.map_err(at("related"))?;
    if !delete_edge(
        &txn,
        "role_related",
        ("role_id", "related_id"),
        (a.id, b.id),
    )
    .await?
    {
        return Err(AppError::NotFound(format!(
            "role '{}' is not related to role '{}'",
            a.slug, b.slug
        ))
        .at("related"));
    }
    txn.commit().await?;
    Ok((a, b))
}

/// A requirement edge as stored: what `Role.skills` / `Role.frameworks` edges carry.
fn attrs(
    importance: &str,
    level: Option<i32>,
    hot_technology: Option<bool>,
    in_demand: Option<bool>,
    onet_importance: Option<f64>,
    onet_level: Option<f64>,
) -> EdgeAttrs {
    EdgeAttrs {
        importance: Importance::parse(importance).unwrap_or(Importance::Optional),
        level,
        hot_technology,
        in_demand,
        onet_importance,
        onet_level,
    }
}

/// Sets (inserts or updates) the requirement of a skill by a role: the role, and the edge as
/// `Role.skills` gives it. Errors name the inputs `role`, `skill` and `level`.
pub async fn link_skill(
    db: &DatabaseConnection,
    role: &EntityRef,
    skill: &EntityRef,
    importance: Importance,
    level: Option<i32>,
) -> AppResult<(role::Model, EdgeRow<skill::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await.map_err(at("role"))?;
    let s = skills::get(&txn, skill).await.map_err(at("skill"))?;
    upsert_role_edge(
        &txn,
        "role_skill",
        "skill_id",
        (r.id, s.id),
        importance,
        level,
    )
    .await?;
    let e = entity::role_skill::Entity::find_by_id((r.id, s.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal("role_skill row vanished".into()))?;
    txn.commit().await?;
    let a = attrs(
        &e.importance,
        e.level,
        e.hot_technology,
        e.in_demand,
        e.onet_importance,
        e.onet_level,
    );
    let (id, slug) = (s.id, s.slug.clone());
    Ok((r, graph::edge_row(s, id, &slug, Some(a))))
}

/// Removes a skill from a role's requirements: the role and the skill removed.
pub async fn unlink_skill(
    db: &DatabaseConnection,
    role: &EntityRef,
    skill: &EntityRef,
) -> AppResult<(role::Model, skill::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await.map_err(at("role"))?;
    let s = skills::get(&txn, skill).await.map_err(at("skill"))?;
    if !delete_edge(&txn, "role_skill", ("role_id", "skill_id"), (r.id, s.id)).await? {
        return Err(AppError::NotFound(format!(
            "role '{}' does not require skill '{}'",
            r.slug, s.slug
        ))
        .at("skill"));
    }
    txn.commit().await?;
    Ok((r, s))
}

/// Sets the use of a framework by a role: the role, and the edge as `Role.frameworks` gives it.
/// Errors name the inputs `role`, `framework` and `level`.
pub async fn link_framework(
    db: &DatabaseConnection,
    role: &EntityRef,
    framework: &EntityRef,
    importance: Importance,
    level: Option<i32>,
) -> AppResult<(role::Model, EdgeRow<framework::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await.map_err(at("role"))?;
    let f = frameworks::get(&txn, framework)
        .await
        .map_err(at("framework"))?;
    upsert_role_edge(
        &txn,
        "role_framework",
        "framework_id",
        (r.id, f.id),
        importance,
        level,
    )
    .await?;
    let e = entity::role_framework::Entity::find_by_id((r.id, f.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal("role_framework row vanished".into()))?;
    txn.commit().await?;
    let a = attrs(
        &e.importance,
        e.level,
        e.hot_technology,
        e.in_demand,
        e.onet_importance,
        e.onet_level,
    );
    let (id, slug) = (f.id, f.slug.clone());
    Ok((r, graph::edge_row(f, id, &slug, Some(a))))
}

/// Removes a framework from a role's requirements: the role and the framework removed.
pub async fn unlink_framework(
    db: &DatabaseConnection,
    role: &EntityRef,
    framework: &EntityRef,
) -> AppResult<(role::Model, framework::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await.map_err(at("role"))?;
    let f = frameworks::get(&txn, framework)
        .await
        .map_err(at("framework"))?;
    if !delete_edge(
        &txn,
        "role_framework",
        ("role_id", "framework_id"),
        (r.id, f.id),
    )
    .await?
    {
        return Err(AppError::NotFound(format!(
            "role '{}' does not use framework '{}'",
            r.slug, f.slug
        ))
        .at("framework"));
    }
    txn.commit().await?;
    Ok((r, f))
}
