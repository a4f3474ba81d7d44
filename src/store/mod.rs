//! The storage layer, the only place SQL text lives: connections and migrations ([`db`]), the
//! helpers that make one SQL text run on SQLite and PostgreSQL, keyset pages over top-level lists
//! ([`pages`]) and their counts ([`listing`]), batched pages of edges ([`edges`]) and rows by id ([`by_ids`]). Domains describe
//! what they list (tables, edge specs, filters); this layer turns that into statements. Which
//! connection a request uses — the primary or a read replica — is decided here too ([`route`]),
//! as is how pooled connections behave behind a transaction-mode pooler ([`pooler`]). Lookups and
//! top-level pages may be answered from memory ([`answers`]), kept current by LISTEN ([`notify`]).
use std::collections::HashMap;

use crate::error::AppResult;

use columns::{select_list, Columns, Node};

pub mod answers;
pub mod columns;
pub mod cooccurrence;
pub mod db;
pub mod edges;
pub mod keys;
pub mod listing;
pub mod lite;
pub mod notify;
pub mod pages;
pub mod persisted;
pub mod pooler;
pub mod related;
pub mod route;
pub mod version;

pub use db::{connect, connect_migrated, id_list_value, in_id_list, migrate, stmt};
pub use listing::{ListCount, Listing};
pub use lite::{observe, RowSource};
use sea_orm::Value;

/// A hash map for keys the server made itself (ids, addresses): foldhash instead of SipHash,
/// which a profile of Q1 found at 4 % of its instructions. Not for keys a client chooses.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Rows of a table by id, for a batch of ids, in one statement (every column, read by position).
pub async fn by_ids<M: Node + Clone + Send + Sync + 'static>(
    db: &impl RowSource,
    table: &str,
    ids: &[i64],
    id_of: impl Fn(&M) -> i64,
) -> AppResult<HashMap<i64, M>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Each id's row is kept on its own: a later batch with other ids reads only the new ones.
    let found = answers::through_each(
        || format!("{table}.id"),
        ids,
        |_| 1,
        |missing| async move {
            let backend = db.get_database_backend();
            let sql = format!(
                "SELECT {} FROM {table} t WHERE {}",
                select_list::<M>("t", Columns::ALL),
                in_id_list(backend, "t.id")
            );
            let st = stmt(backend, &sql, vec![id_list_value(backend, &missing)]);
            let mut out = FastMap::default();
            for m in lite::rows(db, st, M::BY_POSITION, |r| M::read(r, Columns::ALL)).await? {
                out.insert(id_of(&m), m);
            }
            Ok(out)
        },
    )
    .await?;
    Ok(found.into_iter().collect())
}

/// The row of `table` whose `column` (the id or another unique column, such as the slug) is
/// `value`, every column read by position; None when there is none.
///
/// Lookups by id or slug are the whole of a request like `role(by: { slug: … })`: built with
/// SeaORM's query builder and decoded by column name, one cost 47k instructions besides the
/// statement's own, this 5k (callgrind, PostgreSQL). No bound `LIMIT 1` either: SQLite plans
/// with a bound LIMIT's value, so it would prepare the statement again on every lookup.
///
/// On PostgreSQL a read-only request may be answered from [`answers`].
pub async fn by_unique<M: Node + Clone + Send + Sync + 'static>(
    db: &impl RowSource,
    table: &str,
    column: &str,
    value: Value,
) -> AppResult<Option<M>> {
    answers::through(|| format!("{table}.{column}={value:?}"), |_| 1, async {
        let backend = db.get_database_backend();
        let sql = format!(
            "SELECT {} FROM {table} t WHERE t.{column} = ?",
            select_list::<M>("t", Columns::ALL),
        );
        let st = stmt(backend, &sql, vec![value.clone()]);
        let rows = lite::rows(db, st, M::BY_POSITION, |r| M::read(r, Columns::ALL)).await?;
        Ok(rows.into_iter().next())
    })
    .await
}
