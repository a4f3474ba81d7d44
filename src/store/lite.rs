//! SQLite rows read in place, for the statements that read many rows by position (pages,
//! lookups, and the walks and counts of learning paths and skill gaps: see [`rows`]).
//!
//! sqlx runs each SQLite connection on a worker thread of its own. For every row it copies each
//! value out of the statement (`sqlite3_value_dup`, and text once more to add its NUL), sends
//! the row through a channel, and the request's thread frees it. In a profile of Q1 on SQLite
//! (callgrind, 30.3 M instructions per request) that was about 9 M: 3.8 M of copies, 2.7 M of
//! drops, 2.2 M of jemalloc flushing memory freed on another thread than the one that took it.
//!
//! Here such statements run through rusqlite on a read connection of its own, opened on the
//! pool's database file, and each value is decoded straight from the statement. The statement
//! runs on the request's thread without yielding, as the connection's worker thread would have
//! run it: these statements are pages and lookups whose size the query's limits bound (a Q1
//! page statement takes about a millisecond), and the statements of a learning path or skill
//! gap, bounded by the graph (a whole learningPath on ESCO + O*NET costs 0.7–0.8 ms of server
//! CPU). Its prepared form stays cached on that connection.
//!
//! - Read connections are kept per pool, each used by one statement at a time: as many as
//!   statements ran at once (the runtime's worker threads: two on this machine). Each is opened
//!   when none is free (about a millisecond), and closed after
//!   [`super::db::SQLITE_IDLE_TIMEOUT`] unused, like the pool's own, by a thread that looks
//!   every [`REAP_EVERY`], or when its pool is dropped. They only read (`query_only`), each with
//!   a page cache of [`READ_CACHE_KIB`].
//! - They see what is committed, as the pool's connections do outside a transaction: a
//!   transaction's own reads never come here ([`RowSource`] for a transaction is SeaORM's).
//! - An in-memory database lives inside the pool's connections, so it keeps sqlx's path; so do
//!   statements with a bound value of a type not mapped below.
//! - Statements are still counted: [`observe`] registers one callback for both paths (SeaORM's
//!   metric callback sees only its own).
//!
//! rusqlite 0.39 links the same `libsqlite3-sys` (0.37, bundled SQLite built with the options of
//! `.cargo/config.toml`) as sqlx 0.9: one SQLite in the binary. A later rusqlite needs a later
//! `libsqlite3-sys`, which cargo cannot link beside sqlx's.
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, OnceLock, Weak,
    },
    time::{Duration, Instant},
};

use rusqlite::{
    types::{ToSqlOutput, ValueRef},
    OpenFlags,
};
use sea_orm::{
    metric::Info, sqlx::sqlite::SqliteConnectOptions, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, Statement, Value,
};

use crate::error::{AppError, AppResult};

use super::columns::Reader;

/// A statement callback (SeaORM's metric callback type).
pub type Observer = Arc<dyn Fn(&Info<'_>) + Send + Sync>;

/// Where a page's rows come from: a pool, or a transaction.
pub trait RowSource: ConnectionTrait + Sync {
    /// The options of the SQLite pool whose database rows may be read in place; None for
    /// PostgreSQL and for a transaction (whose reads must see its own writes).
    fn in_place(&self) -> Option<Arc<SqliteConnectOptions>> {
        None
    }
}

impl RowSource for DatabaseConnection {
    fn in_place(&self) -> Option<Arc<SqliteConnectOptions>> {
        (self.get_database_backend() == DbBackend::Sqlite)
            .then(|| self.get_sqlite_connection_pool().connect_options())
    }
}

impl RowSource for DatabaseTransaction {}

/// Runs `st` and reads each of its rows with `read`. When `by_position` (every column `read`
/// takes is read by position, none by name) and `db` is a SQLite pool on a file, the rows are
/// read in place (see the module); otherwise through SeaORM.
pub async fn rows<T>(
    db: &impl RowSource,
    st: Statement,
    by_position: bool,
    mut read: impl FnMut(&mut Reader<'_>) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let mut out = Vec::new();
    each_row(db, st, by_position, |r| {
        out.push(read(r)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// [`rows`] handing each row to `row`, for a caller that keeps them in a structure of its own
/// (sized ahead: a page's rows are hundreds of bytes each, and growing a vector of them copied
/// them all again).
pub async fn each_row(
    db: &impl RowSource,
    st: Statement,
    by_position: bool,
    mut row: impl FnMut(&mut Reader<'_>) -> AppResult<()>,
) -> AppResult<()> {
    if by_position {
        if let Some(options) = db.in_place().filter(|o| on_file(o)) {
            if let Some(params) = params(&st) {
                return read_in_place(&options, &st, &params, row);
            }
        }
    }
    for r in db.query_all_raw(st).await? {
        row(&mut Reader::new(&r, 0))?;
    }
    Ok(())
}

/// Registers `f` to hear every statement `db` runs: SeaORM's metric callback, and for a SQLite
/// pool the statements [`rows`] reads in place too (with the same [`Info`]). The callback of
/// the in-place path lives as long as the pool.
pub fn observe<F>(db: &mut DatabaseConnection, f: F)
where
    F: Fn(&Info<'_>) + Send + Sync + 'static,
{
    let f: Observer = Arc::new(f);
    let seaorm = Arc::clone(&f);
    db.set_metric_callback(move |info| seaorm(info));
    if let Some(options) = db.in_place() {
        if let Ok(mut pools) = POOLS.lock() {
            pool_of(&mut pools, &options).observer = Some(f);
        }
    }
}

/// What the in-place path keeps for one SQLite pool: its statement callback and its read
/// connections not in use.
struct Pool {
    /// The pool's options: one `Arc` for the pool's life. The `Weak` keeps its address from
    /// being reused while it is here, and tells when the pool is gone.
    key: Weak<SqliteConnectOptions>,
    observer: Option<Observer>,
    /// Most recently used last.
    idle: Vec<Idle>,
}

struct Idle {
    conn: rusqlite::Connection,
    since: Instant,
}

static POOLS: Mutex<Vec<Pool>> = Mutex::new(Vec::new());

/// The entry of `options`' pool, made when missing; the entries of dropped pools (and their
/// connections) go.
fn pool_of<'a>(pools: &'a mut Vec<Pool>, options: &Arc<SqliteConnectOptions>) -> &'a mut Pool {
    pools.retain(|p| p.key.strong_count() > 0);
    let at = match pools
        .iter()
        .position(|p| std::ptr::eq(p.key.as_ptr(), Arc::as_ptr(options)))
    {
        Some(at) => at,
        None => {
            pools.push(Pool {
                key: Arc::downgrade(options),
                observer: None,
                idle: Vec::new(),
            });
            pools.len() - 1
        }
    };
    &mut pools[at]
}

/// A database in a file, which another connection can open (sqlx names an in-memory one
/// `:memory:` or `file:sqlx-in-memory-…`).
fn on_file(options: &SqliteConnectOptions) -> bool {
    options
        .get_filename()
        .to_str()
        .is_some_and(|f| f != ":memory:" && !f.starts_with("file:"))
}

/// The statement's bound values as SQLite values, as sqlx binds them (booleans as 0 and 1);
/// None when one has a type not mapped here.
fn params(st: &Statement) -> Option<Vec<ToSqlOutput<'_>>> {
    let Some(values) = &st.values else {
        return Some(Vec::new());
    };
    values
        .0
        .iter()
        .map(|v| {
            let v = match v {
                Value::BigInt(v) => Some(v.map_or(ValueRef::Null, ValueRef::Integer)),
                Value::Int(v) => Some(v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
                Value::Double(v) => Some(v.map_or(ValueRef::Null, ValueRef::Real)),
                Value::Bool(v) => Some(v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
                Value::String(v) => Some(
                    v.as_deref()
                        .map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes())),
                ),
                _ => None,
            };
            v.map(ToSqlOutput::Borrowed)
        })
        .collect()
}

/// Statements whose rows were read in place since the process started (every pool).
static READ_IN_PLACE: AtomicU64 = AtomicU64::new(0);

/// Statements whose rows were read in place since the process started, on every pool (the
/// metric `skillgraph_sql_statements_in_place_total`).
pub fn statements_read_in_place() -> u64 {
    READ_IN_PLACE.load(Ordering::Relaxed)
}

fn read_in_place(
    options: &Arc<SqliteConnectOptions>,
    st: &Statement,
    params: &[ToSqlOutput<'_>],
    read: impl FnMut(&mut Reader<'_>) -> AppResult<()>,
) -> AppResult<()> {
    READ_IN_PLACE.fetch_add(1, Ordering::Relaxed);
    let (conn, observer) = take(options)?;
    let started = observer.as_ref().map(|_| Instant::now());
    let result = run(&conn, st, params, read);
    give_back(options, conn);
    if let (Some(f), Some(started)) = (observer, started) {
        f(&Info {
            elapsed: started.elapsed(),
            statement: st,
            failed: result.is_err(),
        });
    }
    result
}

fn run(
    conn: &rusqlite::Connection,
    st: &Statement,
    params: &[ToSqlOutput<'_>],
    mut read: impl FnMut(&mut Reader<'_>) -> AppResult<()>,
) -> AppResult<()> {
    let mut s = conn.prepare_cached(&st.sql).map_err(sqlite_error)?;
    for (i, p) in params.iter().enumerate() {
        s.raw_bind_parameter(i + 1, p).map_err(sqlite_error)?;
    }
    let mut rows = s.raw_query();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        read(&mut Reader::in_place(row))?;
    }
    Ok(())
}

/// A read connection of `options`' pool (the one used last, or a new one) and the pool's
/// statement callback.
fn take(
    options: &Arc<SqliteConnectOptions>,
) -> AppResult<(rusqlite::Connection, Option<Observer>)> {
    let (idle, observer) = {
        let mut pools = POOLS
            .lock()
            .map_err(|_| AppError::Internal("in-place SQLite pools poisoned".into()))?;
        let pool = pool_of(&mut pools, options);
        (pool.idle.pop(), pool.observer.clone())
    };
    let conn = match idle {
        Some(idle) => idle.conn,
        None => connect(options)?,
    };
    Ok((conn, observer))
}

/// Puts a read connection back. The first time, starts the thread that closes connections
/// left unused for [`super::db::SQLITE_IDLE_TIMEOUT`], as the pool's own are, so that a load
/// spike's page caches are given back.
fn give_back(options: &Arc<SqliteConnectOptions>, conn: rusqlite::Connection) {
    if let Ok(mut pools) = POOLS.lock() {
        pool_of(&mut pools, options).idle.push(Idle {
            conn,
            since: Instant::now(),
        });
    }
    static REAPER: OnceLock<()> = OnceLock::new();
    REAPER.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("sqlite-read-reaper".into())
            .spawn(|| loop {
                std::thread::sleep(REAP_EVERY);
                close_idle(super::db::SQLITE_IDLE_TIMEOUT);
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread to close idle SQLite read connections");
        }
    });
}

/// How often idle read connections are looked at.
const REAP_EVERY: Duration = Duration::from_secs(5);

/// Closes the read connections unused for `idle_for`, and forgets dropped pools (closing
/// theirs).
fn close_idle(idle_for: Duration) {
    if let Ok(mut pools) = POOLS.lock() {
        pools.retain(|p| p.key.strong_count() > 0);
        for p in pools.iter_mut() {
            p.idle.retain(|i| i.since.elapsed() < idle_for);
        }
    }
}

/// Prepared statements kept per connection: a request shape has a few, and the limits are in
/// their text.
const STATEMENT_CACHE: usize = 128;

/// Each read connection's page cache, in KiB (SQLite's default is 2,000). Q1 reads about a
/// thousand skills spread over the skill table, more pages than 2 MB hold: every miss was a
/// `pread` of the file, kernel time callgrind does not see. With 8 MiB, Q1's server CPU in the
/// bench went from 5.7–8.0 ms to 4.2–4.6 ms (16 MiB gained nothing more). Given back when the
/// connection closes, unused.
const READ_CACHE_KIB: i64 = 8 * 1024;

/// How long a read waits for a lock (in WAL mode only recovery and some checkpoints hold
/// readers back); it blocks its thread meanwhile.
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(2);

fn connect(options: &SqliteConnectOptions) -> AppResult<rusqlite::Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(options.get_filename(), flags)
        .map_err(sqlite_error)?;
    conn.busy_timeout(READ_BUSY_TIMEOUT).map_err(sqlite_error)?;
    conn.pragma_update(None, "query_only", true)
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "cache_size", -READ_CACHE_KIB)
        .map_err(sqlite_error)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

fn sqlite_error(e: rusqlite::Error) -> AppError {
    AppError::Internal(format!("sqlite: {e}"))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn only_databases_in_files_are_read_in_place() {
        let file = SqliteConnectOptions::from_str("sqlite:///tmp/x/graph.db?mode=rwc");
        let memory = SqliteConnectOptions::from_str("sqlite::memory:");
        let named = SqliteConnectOptions::from_str("sqlite://file:shared?mode=memory&cache=shared");
        assert!(on_file(&file.expect("file url")));
        assert!(!on_file(&memory.expect("memory url")));
        if let Ok(named) = named {
            assert!(!on_file(&named));
        }
    }

    fn idle_count(options: &Arc<SqliteConnectOptions>) -> usize {
        let mut pools = POOLS.lock().expect("pools");
        pool_of(&mut pools, options).idle.len()
    }

    #[tokio::test]
    async fn read_connections_are_reused_and_closed_when_left_unused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::store::db::connect_migrated(&url, 2)
            .await
            .expect("database");
        let options = db.in_place().expect("a SQLite pool");
        let before = statements_read_in_place();
        for _ in 0..3 {
            let st = Statement::from_string(DbBackend::Sqlite, "SELECT 1 UNION ALL SELECT 2");
            let got = rows(&db, st, true, |r| r.req::<i64>()).await.expect("rows");
            assert_eq!(got, vec![1, 2]);
        }
        assert!(statements_read_in_place() >= before + 3);
        // One at a time: one connection, reused.
        assert_eq!(idle_count(&options), 1);
        close_idle(Duration::from_secs(3600));
        assert_eq!(idle_count(&options), 1, "used a moment ago");
        close_idle(Duration::ZERO);
        assert_eq!(idle_count(&options), 0, "unused connections are closed");
        let st = Statement::from_string(DbBackend::Sqlite, "SELECT 3");
        let got = rows(&db, st, true, |r| r.req::<i64>()).await.expect("rows");
        assert_eq!(got, vec![3], "a new one is opened");
        db.close().await.expect("close");
    }

    #[test]
    fn values_are_bound_as_sqlx_binds_them() {
        let st = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT ?, ?, ?, ?, ?, ?",
            [
                Value::BigInt(Some(7)),
                Value::Int(Some(-2)),
                Value::Double(Some(0.5)),
                Value::Bool(Some(true)),
                Value::String(Some("slug".into())),
                Value::BigInt(None),
            ],
        );
        let bound: Vec<ValueRef<'_>> = params(&st)
            .expect("every value maps")
            .into_iter()
            .map(|p| match p {
                ToSqlOutput::Borrowed(v) => v,
                _ => ValueRef::Null,
            })
            .collect();
        assert_eq!(
            bound,
            vec![
                ValueRef::Integer(7),
                ValueRef::Integer(-2),
                ValueRef::Real(0.5),
                ValueRef::Integer(1),
                ValueRef::Text(b"slug"),
                ValueRef::Null,
            ]
        );
        let other = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT ?",
            [Value::Json(Some(Box::new(serde_json::json!([1]))))],
        );
        assert!(
            params(&other).is_none(),
            "an unmapped type keeps sqlx's path"
        );
    }
}
