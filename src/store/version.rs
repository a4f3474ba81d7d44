//! The graph's versions, kept in `graph_version`: row 1 moves with every label (search index,
//! extractor), row 2 with every row a read can show (HTTP caches).
use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult};

/// The statement reading the data version.
pub const DATA_VERSION: &str = "SELECT version FROM graph_version WHERE id = 2";

/// The data version: moved by every write to a table a read can show (see the migration
/// `add_persisted_operations_and_data_version`). HTTP caches validate on it.
pub async fn data_version(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(db.get_database_backend(), DATA_VERSION, vec![]))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "version")?,
        None => 0,
    })
}
