//! Connections through a pooler in transaction mode (PgBouncer 1.18 from Debian, which does not
//! track protocol-level prepared statements).
//!
//! Such a pooler lends a server connection for one transaction and takes it back at the
//! `ReadyForQuery` that ends it. sqlx runs a parameterised statement in two steps, each ended by
//! a `Sync` (Parse + Describe, then Bind + Execute), and names the statement `sqlx_s_N` from a
//! per-connection counter even when its cache is off (`statement_cache_capacity(0)` only stops
//! it from reusing them). Outside a transaction the second step may land on another server
//! connection (where the statement does not exist, or where another client's statement of the
//! same name does), and the names leak and collide between clients. So every connection the
//! pool lends runs inside a transaction of its own: `BEGIN` when it is lent, which pins one
//! server connection for the whole loan, `DEALLOCATE ALL` to drop what earlier loans left on
//! that server, and `COMMIT` when it comes back. SeaORM's own transactions run inside that
//! loan; their `BEGIN` and `COMMIT` would only warn, so warnings are silenced for the loan.
//!
//! `LISTEN` needs a session: the posting feed connects with `--listen-database-url`, which must
//! reach PostgreSQL directly (or a session-mode pool).
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr, SqlxPostgresConnector};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    Executor,
};

use super::db::PoolOptions;

/// Sent when the pool lends a connection: pins a server connection until [`END_LOAN`].
const BEGIN_LOAN: &str =
    "BEGIN; SELECT set_config('client_min_messages', 'error', true); DEALLOCATE ALL";
/// Sent when the connection comes back. `set_config(…, true)` lasts until the end of the
/// transaction, or of this message when SeaORM already committed, so the `COMMIT` of a loan
/// whose transaction SeaORM ended does not warn either.
const END_LOAN: &str = "SELECT set_config('client_min_messages', 'error', true); COMMIT";

/// Opens a pool whose every loan is one transaction on the pooler (see the module docs).
/// `lazy` opens no connection before the first use (replicas that may be down at start-up).
pub async fn connect(
    url: &str,
    pool: &PoolOptions,
    lazy: bool,
) -> Result<DatabaseConnection, DbErr> {
    let opts: PgConnectOptions = url
        .parse()
        .map_err(|e: sqlx::Error| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
    let opts = opts.statement_cache_capacity(0);
    let options = PgPoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        // The loan's BEGIN is the liveness test.
        .test_before_acquire(false)
        .idle_timeout(Some(Duration::from_secs(600)))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(BEGIN_LOAN)).await?;
                Ok(())
            })
        })
        .before_acquire(|conn, _| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(BEGIN_LOAN)).await?;
                Ok(true)
            })
        })
        .after_release(|conn, _| {
            Box::pin(async move {
                if conn.execute(sqlx::raw_sql(END_LOAN)).await.is_err() {
                    // A failed statement aborted the transaction: end it.
                    conn.execute(sqlx::raw_sql("ROLLBACK")).await?;
                }
                Ok(true)
            })
        });
    let pg = if lazy {
        options.connect_lazy_with(opts)
    } else {
        options
            .connect_with(opts)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?
    };
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pg))
}
