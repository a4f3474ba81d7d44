//! The curated graph of skills, frameworks and roles: reads, curator writes and seeding.
//! Plain functions over a connection; nothing here knows about GraphQL.
pub mod filters;
pub mod frameworks;
pub mod graph;
pub mod lookup;
pub mod patch;
pub mod roles;
pub mod seed;
pub mod skills;
pub mod specs;
pub mod titles;

/// Paging moved to the store; the old path is kept for callers.
pub use crate::store::pages;

use sea_orm::{ConnectionTrait, Value};

use crate::{
    error::{AppError, AppResult},
    store::stmt,
};

/// How a caller names an entity: by id or by slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityRef {
    Id(i64),
    Slug(String),
}

impl std::fmt::Display for EntityRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntityRef::Id(id) => write!(f, "#{id}"),
            EntityRef::Slug(s) => write!(f, "'{s}'"),
        }
    }
}

/// The kinds of skill the graph knows.
pub const SKILL_KINDS: &[&str] = &[
    "concept",
    "language",
    "database",
    "tool",
    "platform",
    "practice",
    "knowledge",
    "competence",
];

/// The categories of framework the graph knows.
pub const FRAMEWORK_CATEGORIES: &[&str] = &[
    "web-framework",
    "runtime",
    "api-framework",
    "orm",
    "testing-framework",
    "microframework",
    "ui-framework",
    "css-framework",
    "mobile-framework",
    "desktop-framework",
    "cms",
    "library",
    "platform",
];

/// `map_err(at("role"))`: the error is about the input `field` (see [`AppError::at`]).
pub(crate) fn at(field: &'static str) -> impl FnOnce(AppError) -> AppError {
    move |e| e.at(field)
}

/// Lowercase ASCII words joined by `-`.
pub fn validate_slug(slug: &str) -> AppResult<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(AppError::Validation(format!(
            "slug '{slug}' must be lowercase ASCII words joined by '-' (e.g. ruby-on-rails), at most 100 characters"
        ))
        .at("slug"))
    }
}

/// A required, trimmed, bounded piece of text; an error names `field` (see [`AppError::at`]).
pub fn clean_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::Validation(format!("{field} must not be empty")).at(field));
    }
    if v.chars().count() > max {
        return Err(
            AppError::Validation(format!("{field} must be at most {max} characters")).at(field),
        );
    }
    Ok(v.to_owned())
}

/// Each of a list of names (`field` in messages, `list.<i>` as the input at fault), cleaned.
pub fn clean_list(
    field: &str,
    list: &str,
    values: &[String],
    max: usize,
) -> AppResult<Vec<String>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| clean_text(field, v, max).map_err(|e| e.untagged().at(format!("{list}.{i}"))))
        .collect()
}

/// An optional text: blank becomes none.
pub fn clean_opt(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => clean_text(field, v, max).map(Some),
    }
}

pub fn validate_level(level: i32) -> AppResult<()> {
    if (1..=5).contains(&level) {
        Ok(())
    } else {
        Err(AppError::Validation(format!("level must be between 1 and 5, got {level}")).at("level"))
    }
}

/// Inserts an edge unless it is there; true when it was inserted.
pub(crate) async fn insert_edge(
    db: &impl ConnectionTrait,
    table: &str,
    cols: (&str, &str),
    ids: (i64, i64),
) -> AppResult<bool> {
    let sql = format!(
        "INSERT INTO {table} ({}, {}, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        cols.0, cols.1
    );
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            &sql,
            vec![ids.0.into(), ids.1.into(), chrono::Utc::now().into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Deletes an edge; true when there was one.
pub(crate) async fn delete_edge(
    db: &impl ConnectionTrait,
    table: &str,
    cols: (&str, &str),
    ids: (i64, i64),
) -> AppResult<bool> {
    let sql = format!(
        "DELETE FROM {table} WHERE {} = ? AND {} = ?",
        cols.0, cols.1
    );
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            &sql,
            vec![ids.0.into(), ids.1.into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Inserts or updates a weighted edge of a role; true when anything changed.
pub(crate) async fn upsert_role_edge(
    db: &impl ConnectionTrait,
    table: &str,
    other_col: &str,
    ids: (i64, i64),
    importance: pages::Importance,
    level: Option<i32>,
) -> AppResult<bool> {
    if let Some(level) = level {
        validate_level(level)?;
    }
    let now = chrono::Utc::now();
    let backend = db.get_database_backend();
    // The WHERE keeps a no-op upsert from touching the row (idempotent seeding). A curator's
    // link takes an imported edge over: it becomes curated (no source), and imports leave its
    // importance and level alone from then on.
    let sql = format!(
        "INSERT INTO {table} (role_id, {other_col}, importance, level, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (role_id, {other_col}) DO UPDATE SET \
         importance = excluded.importance, level = excluded.level, source_id = NULL, \
         updated_at = excluded.updated_at \
         WHERE {table}.importance <> excluded.importance \
         OR ({table}.level IS NULL) <> (excluded.level IS NULL) \
         OR {table}.level <> excluded.level OR {table}.source_id IS NOT NULL"
    );
    let values: Vec<Value> = vec![
        ids.0.into(),
        ids.1.into(),
        importance.as_str().into(),
        level.into(),
        now.into(),
        now.into(),
    ];
    let r = db.execute_raw(stmt(backend, &sql, values)).await?;
    Ok(r.rows_affected() > 0)
}

/// The alias table of one kind of entity.
pub(crate) struct AliasTable {
    pub table: &'static str,
    pub parent_col: &'static str,
    /// How the entity is named in errors.
    pub what: &'static str,
}

pub(crate) const SKILL_ALIAS_TABLE: AliasTable = AliasTable {
    table: "skill_alias",
    parent_col: "skill_id",
    what: "skill",
};
pub(crate) const FRAMEWORK_ALIAS_TABLE: AliasTable = AliasTable {
    table: "framework_alias",
    parent_col: "framework_id",
    what: "framework",
};
pub(crate) const ROLE_ALIAS_TABLE: AliasTable = AliasTable {
    table: "role_alias",
    parent_col: "role_id",
    what: "role",
};

/// Adds an alias unless the entity has it; true when added.
pub(crate) async fn insert_alias(
    db: &impl ConnectionTrait,
    t: &AliasTable,
    parent: i64,
    alias: &str,
) -> AppResult<bool> {
    let sql = format!(
        "INSERT INTO {} ({}, alias, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        t.table, t.parent_col
    );
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            &sql,
            vec![parent.into(), alias.into(), chrono::Utc::now().into()],
        ))
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes an alias; NOT_FOUND when the entity (named `slug` in the error) has no such alias.
pub(crate) async fn delete_alias(
    db: &impl ConnectionTrait,
    t: &AliasTable,
    parent: i64,
    slug: &str,
    alias: &str,
) -> AppResult<()> {
    let sql = format!(
        "DELETE FROM {} WHERE {} = ? AND alias = ?",
        t.table, t.parent_col
    );
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            &sql,
            vec![parent.into(), alias.trim().into()],
        ))
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::NotFound(format!(
            "{} '{slug}' has no alias '{}'",
            t.what,
            alias.trim()
        )));
    }
    Ok(())
}
