//! The graph's versions, kept in `graph_version`: row 1 moves with every label (search index,
//! extractor), row 2 with every row a read can show (HTTP caches).
use crate::{db::stmt, error::AppResult};

use super::lite::{self, RowSource};

/// The statement reading the data version.
pub const DATA_VERSION: &str = "SELECT version FROM graph_version WHERE id = 2";

/// The data version: moved by every write to a table a read can show (see the migration
/// `add_persisted_operations_and_data_version`). HTTP caches validate on it, and on SQLite the
/// answer cache reads it before every read-only request: on a SQLite file it is read in place
/// (see [`lite`]), about 20 µs, where a statement through the pool's worker thread cost
/// as much as the lookup it guarded.
pub async fn data_version(db: &impl RowSource) -> AppResult<i64> {
    let st = stmt(db.get_database_backend(), DATA_VERSION, vec![]);
    let versions = lite::rows(db, st, true, |r| r.req::<i64>()).await?;
    Ok(versions.first().copied().unwrap_or(0))
}
