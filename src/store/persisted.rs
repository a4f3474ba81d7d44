//! The table of persisted operations (see `crate::persisted`).
use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult};

/// The document stored under `hash`, and whether it is registered.
pub async fn find(db: &impl ConnectionTrait, hash: &str) -> AppResult<Option<(String, bool)>> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT query, registered FROM persisted_operation WHERE hash = ?",
            vec![hash.into()],
        ))
        .await?;
    row.map(|r| Ok((r.try_get("", "query")?, r.try_get("", "registered")?)))
        .transpose()
}

/// Stores a document under its hash; `registered` only ever turns a row's flag on.
pub async fn upsert(
    db: &impl ConnectionTrait,
    hash: &str,
    query: &str,
    registered: bool,
) -> AppResult<()> {
    db.execute_raw(stmt(
        db.get_database_backend(),
        "INSERT INTO persisted_operation (hash, query, registered, created_at) \
         VALUES (?, ?, ?, CURRENT_TIMESTAMP) \
         ON CONFLICT (hash) DO UPDATE SET \
         registered = persisted_operation.registered OR excluded.registered",
        vec![hash.into(), query.into(), registered.into()],
    ))
    .await?;
    Ok(())
}
