//! The tables of API keys and of their spending per window (see `crate::auth`).
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};

use crate::{auth::Budget, db::stmt, error::AppResult};
use entity::api_key;

/// A key row to insert.
pub struct NewRow<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub scopes: &'a str,
    pub budget: Option<Budget>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(db: &impl ConnectionTrait, r: NewRow<'_>) -> AppResult<api_key::Model> {
    let row = api_key::ActiveModel {
        name: Set(r.name.to_owned()),
        prefix: Set(r.prefix.to_owned()),
        hash: Set(r.hash.to_owned()),
        scopes: Set(r.scopes.to_owned()),
        budget: Set(r.budget.map(|b| b.points)),
        window_secs: Set(r.budget.map(|b| b.window_secs)),
        created_at: Set(r.created_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find_by_id(id).one(db).await?)
}

pub async fn all(db: &impl ConnectionTrait) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?)
}

pub async fn revoke(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    db.execute_raw(stmt(
        db.get_database_backend(),
        "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        vec![at.into(), id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn touch(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    db.execute_raw(stmt(
        db.get_database_backend(),
        "UPDATE api_key SET last_used_at = ? WHERE id = ?",
        vec![at.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Adds `cost` to the key's spending in the window starting at `window_start`, only if the
/// total stays within `limit`; returns the new total, or `None` when refused (nothing
/// charged). One statement, so concurrent requests on any instance cannot overspend: the
/// row lock (PostgreSQL) or the write lock (SQLite) orders them. `cost <= limit` is the
/// caller's to check (the first charge of a window inserts without the condition).
pub async fn charge(
    db: &impl ConnectionTrait,
    key_id: i64,
    window_start: i64,
    cost: i64,
    limit: i64,
) -> AppResult<Option<i64>> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "INSERT INTO api_key_usage (key_id, window_start, spent) VALUES (?, ?, ?) \
             ON CONFLICT (key_id, window_start) DO UPDATE \
             SET spent = api_key_usage.spent + excluded.spent \
             WHERE api_key_usage.spent + excluded.spent <= ? \
             RETURNING spent",
            vec![
                key_id.into(),
                window_start.into(),
                cost.into(),
                limit.into(),
            ],
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "spent")).transpose()?)
}

/// What the key spent in a window (0 when nothing).
pub async fn spent(db: &impl ConnectionTrait, key_id: i64, window_start: i64) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT spent FROM api_key_usage WHERE key_id = ? AND window_start = ?",
            vec![key_id.into(), window_start.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "spent"))
        .transpose()?
        .unwrap_or(0))
}

/// Forgets the key's windows before `window_start`.
pub async fn prune(db: &impl ConnectionTrait, key_id: i64, window_start: i64) -> AppResult<()> {
    db.execute_raw(stmt(
        db.get_database_backend(),
        "DELETE FROM api_key_usage WHERE key_id = ? AND window_start < ?",
        vec![key_id.into(), window_start.into()],
    ))
    .await?;
    Ok(())
}
