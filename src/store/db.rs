//! Database connection, migrations and the few helpers that make one SQL text run on SQLite
//! and PostgreSQL.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sea_query::ArrayType, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};

/// The pool's limits (configurable: `db_max_connections`, `db_acquire_timeout_secs`,
/// `sqlite_busy_timeout_secs`, `pg_pooler`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// How long a request waits for a free connection before `UNAVAILABLE`.
    pub acquire_timeout: Duration,
    /// How long a SQLite writer waits for the write lock.
    pub sqlite_busy_timeout: Duration,
    /// What stands between this pool and PostgreSQL.
    pub pooler: Pooler,
}

impl PoolOptions {
    pub fn new(max_connections: u32) -> Self {
        PoolOptions {
            max_connections,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            sqlite_busy_timeout: SQLITE_BUSY_TIMEOUT,
            pooler: Pooler::None,
        }
    }
}

/// A connection pooler between the instances and PostgreSQL (`--pg-pooler`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooler {
    /// Direct connections, or a pooler in session mode.
    #[default]
    None,
    /// PgBouncer (or alike) in transaction mode: see [`crate::store::pooler`].
    Transaction,
}

/// Below the default request timeout (30 s), so a starved pool answers `UNAVAILABLE`, not 408.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a pool. In-memory SQLite keeps one connection forever, since the database lives only
/// as long as a connection does.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, &PoolOptions::new(max_connections)).await
}

/// [`connect`] with every pool limit given.
pub async fn connect_with(url: &str, pool: &PoolOptions) -> Result<DatabaseConnection, DbErr> {
    if pool.pooler == Pooler::Transaction && url.starts_with("postgres") {
        return super::pooler::connect(url, pool, false).await;
    }
    let busy = pool.sqlite_busy_timeout;
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(pool.max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(pool.acquire_timeout)
        .sqlx_logging(false)
        // A writer waits for another (an import, another process) instead of failing at once.
        // Rows come from SQLite's worker thread through a bounded channel: room for a whole
        // nested page (about a thousand rows) lets the worker finish without waiting for the
        // async side to drain every 50 rows.
        .map_sqlx_sqlite_opts(move |o| o.busy_timeout(busy).row_buffer_size(SQLITE_ROW_CHANNEL));
    if url.contains(":memory:") || url.contains("mode=memory") {
        opts.min_connections(1)
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>);
    } else if url.starts_with("sqlite") {
        // Each SQLite connection holds its page cache (up to 2 MiB) and a worker thread: the
        // connections a load spike opened are closed once idle, which gives both back
        // (README "Round 6 of issue #9: memory"). Opening one again costs about a millisecond.
        opts.min_connections(1).idle_timeout(SQLITE_IDLE_TIMEOUT);
    }
    let db = Database::connect(opts).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !url.contains("memory") {
        // WAL lets readers run while the importer or a curator writes.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

/// How long a pooled SQLite connection (beyond the first) stays open unused.
pub const SQLITE_IDLE_TIMEOUT: Duration = Duration::from_secs(15);

/// Rows a SQLite connection's worker may queue ahead of the reader (sqlx's default is 50).
const SQLITE_ROW_CHANNEL: usize = 1024;

/// How long a SQLite writer waits for the write lock held by another connection or process
/// (an import of ESCO holds it for about 3 s).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: it takes the write
/// lock up front, waiting up to [`SQLITE_BUSY_TIMEOUT`] for it, whereas a deferred transaction
/// that reads and then writes gets SQLITE_BUSY at once when another writer is active, whatever
/// the busy timeout. On PostgreSQL it is a plain `BEGIN`. Every writing transaction of the
/// crate starts here.
pub async fn begin_write<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: TransactionTrait,
{
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Refreshes the planner's statistics after a bulk write (PostgreSQL's `ANALYZE`; nothing on
/// SQLite, whose plans here follow the indexes). Without statistics PostgreSQL guesses row
/// counts, and for the nested pages it guessed badly: with none, the per-parent plan walked
/// the whole slug index (3–5 s for Q1 instead of milliseconds). Autovacuum would get there
/// eventually, when it is on; an import should not leave the graph unplanned until then.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Sets the visibility map of `tables` after a bulk write has committed (PostgreSQL's
/// `VACUUM`; nothing on SQLite). The nested pages read covering indexes (index-only scans);
/// until a vacuum marks the written pages all-visible, every row such a scan returns is
/// fetched from the table too (Q1 on a fresh ESCO import: 1,816 heap fetches per request, none
/// after the vacuum). Autovacuum would get there after a while; an import should leave the
/// graph ready to serve. It cannot run inside a transaction: call it on a pool.
pub async fn refresh_visibility(
    db: &DatabaseConnection,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres && !tables.is_empty() {
        db.execute_unprepared(&format!("VACUUM {}", tables.join(", ")))
            .await?;
    }
    Ok(())
}

/// Why the service is not ready.
#[derive(Debug)]
pub enum NotReady {
    Unreachable(DbErr),
    PendingMigrations(usize),
}

impl NotReady {
    /// What a client may see (no database text).
    pub fn public(&self) -> String {
        match self {
            NotReady::Unreachable(_) => "database unreachable".to_owned(),
            NotReady::PendingMigrations(n) => format!("{n} migrations not applied"),
        }
    }
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Unreachable(e) => write!(f, "database unreachable: {e}"),
            NotReady::PendingMigrations(n) => write!(f, "{n} migrations not applied"),
        }
    }
}

/// Ready to serve: the database answers and no migration is pending.
pub async fn readiness(db: &DatabaseConnection) -> Result<(), NotReady> {
    db.execute_unprepared("SELECT 1")
        .await
        .map_err(NotReady::Unreachable)?;
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(NotReady::Unreachable)?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(NotReady::PendingMigrations(pending.len()))
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Opens a pool on a migrated database.
///
/// A SQLite connection caches the schema it last read and may prepare a statement against it
/// after another connection altered a table; SQLite then re-prepares it on the fly with the new
/// columns, but sqlx keeps the old column list and reads past its end. So on SQLite the
/// migrations run on a connection of their own, closed before the pool opens. (An in-memory
/// database lives in its pool: it is migrated there.)
pub async fn connect_migrated(
    url: &str,
    max_connections: u32,
) -> Result<DatabaseConnection, DbErr> {
    connect_migrated_with(url, &PoolOptions::new(max_connections)).await
}

/// [`connect_migrated`] with every pool limit given.
pub async fn connect_migrated_with(
    url: &str,
    pool: &PoolOptions,
) -> Result<DatabaseConnection, DbErr> {
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    // Behind a transaction-mode pooler a statement outside a transaction commits when its
    // connection goes back to the pool, a moment later (see `pooler`): on one connection the
    // next statement waits for that, so a migration step always sees the previous one.
    let pooled = pool.pooler == Pooler::Transaction && url.starts_with("postgres");
    if (url.starts_with("sqlite") && !memory) || pooled {
        let single = connect_with(
            url,
            &PoolOptions {
                max_connections: 1,
                ..*pool
            },
        )
        .await?;
        migrate(&single).await?;
        single.close().await?;
    }
    let db = connect_with(url, pool).await?;
    if !pooled {
        migrate(&db).await?;
    }
    Ok(db)
}

/// Builds a statement from SQL written with `?` placeholders, numbering them for PostgreSQL.
/// Only use with SQL text written in this crate: a `?` inside a string literal would be
/// rewritten too.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// SQL for "column is one of these ids" with a single bound value (see [`id_list_value`]), so
/// a batch never hits a bind-parameter limit and the statement text stays the same. PostgreSQL
/// gets a typed `int8[]` parameter (`= ANY`), whose length its planner sees — a JSON
/// set-returning function would be guessed at 100 rows and turn index lookups into scans; SQLite
/// reads a JSON array.
pub fn in_id_list(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{column} = ANY(?)"),
        _ => format!("{column} IN (SELECT value FROM json_each(?))"),
    }
}

/// The bound value for [`in_id_list`]: an `int8[]` for PostgreSQL, the text `[1,2,3]` for SQLite.
///
/// Never text for PostgreSQL: `CAST('{1,2,3}' AS bigint[])` makes the first five executions on
/// each connection plan with the value and re-parse the array text for every row scanned
/// (924 ms instead of 13 ms for 651 ids over `skill_broader`).
pub fn id_list_value(backend: DbBackend, ids: &[i64]) -> Value {
    match backend {
        DbBackend::Postgres => Value::Array(
            ArrayType::BigInt,
            Some(Box::new(
                ids.iter().map(|id| Value::BigInt(Some(*id))).collect(),
            )),
        ),
        _ => {
            let mut s = String::with_capacity(ids.len() * 6 + 2);
            s.push('[');
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&id.to_string());
            }
            s.push(']');
            Value::from(s)
        }
    }
}
