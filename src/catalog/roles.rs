//! Roles: lookups, lists and curator writes, with the skills and frameworks they require.
use entity::role;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, Set};

use crate::catalog::lookup;
use crate::store::listing::{self, Listing};
use crate::{
    catalog::{
        clean_opt, clean_text, delete_edge,
        filters::{self, RoleCond},
        frameworks,
        pages::{self, Filter, Importance, ListSpec, PageArgs},
        patch::{save, CommonPatch, Editor},
        skills, upsert_role_edge, validate_slug, EntityRef,
    },
    error::{AppError, AppResult},
};

pub async fn find(db: &impl ConnectionTrait, r: &EntityRef) -> AppResult<Option<role::Model>> {
    lookup::find::<role::Entity>(db, r).await
}

pub async fn get(db: &impl ConnectionTrait, r: &EntityRef) -> AppResult<role::Model> {
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
    db: &impl ConnectionTrait,
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
    .map_err(|e| AppError::from_db(e, &format!("role '{}'", input.slug)))?;
    Ok(model)
}

pub async fn update(
    db: &DatabaseConnection,
    r: &EntityRef,
    patch: RolePatch,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, r).await?;
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

/// Makes `related` a related role of `role` (curated: no source), in that direction, as O*NET
/// gives related occupations; refuses a self-link.
pub async fn link_related(
    db: &DatabaseConnection,
    role: &EntityRef,
    related: &EntityRef,
) -> AppResult<(role::Model, role::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, role).await?;
    let b = get(&txn, related).await?;
    if a.id == b.id {
        return Err(AppError::Validation(
            "a role cannot be related to itself".into(),
        ));
    }
    crate::catalog::insert_edge(
        &txn,
        "role_related",
        ("role_id", "related_id"),
        (a.id, b.id),
    )
    .await?;
    txn.commit().await?;
    Ok((a, b))
}

pub async fn unlink_related(
    db: &DatabaseConnection,
    role: &EntityRef,
    related: &EntityRef,
) -> AppResult<(role::Model, role::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, role).await?;
    let b = get(&txn, related).await?;
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
        )));
    }
    txn.commit().await?;
    Ok((a, b))
}

/// Sets (inserts or updates) the requirement of a skill by a role.
pub async fn link_skill(
    db: &DatabaseConnection,
    role: &EntityRef,
    skill: &EntityRef,
    importance: Importance,
    level: Option<i32>,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await?;
    let s = skills::get(&txn, skill).await?;
    upsert_role_edge(
        &txn,
        "role_skill",
        "skill_id",
        (r.id, s.id),
        importance,
        level,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

pub async fn unlink_skill(
    db: &DatabaseConnection,
    role: &EntityRef,
    skill: &EntityRef,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await?;
    let s = skills::get(&txn, skill).await?;
    if !delete_edge(&txn, "role_skill", ("role_id", "skill_id"), (r.id, s.id)).await? {
        return Err(AppError::NotFound(format!(
            "role '{}' does not require skill '{}'",
            r.slug, s.slug
        )));
    }
    txn.commit().await?;
    Ok(r)
}

pub async fn link_framework(
    db: &DatabaseConnection,
    role: &EntityRef,
    framework: &EntityRef,
    importance: Importance,
    level: Option<i32>,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await?;
    let f = frameworks::get(&txn, framework).await?;
    upsert_role_edge(
        &txn,
        "role_framework",
        "framework_id",
        (r.id, f.id),
        importance,
        level,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

pub async fn unlink_framework(
    db: &DatabaseConnection,
    role: &EntityRef,
    framework: &EntityRef,
) -> AppResult<role::Model> {
    let txn = crate::db::begin_write(db).await?;
    let r = get(&txn, role).await?;
    let f = frameworks::get(&txn, framework).await?;
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
        )));
    }
    txn.commit().await?;
    Ok(r)
}
