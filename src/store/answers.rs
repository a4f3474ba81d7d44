//! Answers kept between requests: rows looked up by id or slug
//! ([`super::by_unique`]), rows by id, each id's row kept on its own ([`super::by_ids`], what
//! the loaders and the learning paths read nodes with), pages of top-level lists
//! ([`super::pages::list_page`]), nested pages of edges and their counts, per parent
//! ([`super::edges::edge_pages`], [`super::edges::edge_counts`], through [`through_each`]),
//! and stored related lists while current ([`super::cooccurrence::read`]).
//!
//! On PostgreSQL such a read is one short statement, and its round trip costs more than the
//! answer: `role(by: { slug: … }) { name }` ran at about 5,100 requests a second against about
//! 15,000 on SQLite, whose rows are read in place. A nested page statement walks an index once
//! per parent: Q1's two (50 roles' skills, then about 650 skills' broader skills) cost
//! PostgreSQL 5–6 ms of CPU per request, and held Q1 at 130–185 requests a second. Here the
//! rows of such a statement are kept in memory, by the statement's text and bound values (a
//! nested page by its parent's id too), and served again while nothing was written.
//!
//! - **What invalidates:** every write to a table a read can show moves the data version
//!   (`graph_version` row 2, by triggers), and the same trigger sends `NOTIFY sg_data_changed`,
//!   delivered when the writing transaction commits, whichever process wrote: this instance,
//!   another one, an import from the command line, `psql`. Each instance LISTENs on a session
//!   connection ([`Answers::listen`]); a notification moves its *generation*, and an answer
//!   is served only when it was read in the current generation (stamped with the generation
//!   taken *before* its statement ran, so a statement that raced a write is never kept as
//!   current). Another writer's change is seen as soon as its notification arrives
//!   (milliseconds); this instance's own mutations move the generation before they answer
//!   (`written`), so a client reads its writes here at once.
//! - **When nothing is kept:** while the listener is not connected (at start-up, after its
//!   connection drops: the generation moves when it is back, since notifications sent meanwhile
//!   are lost); every [`CHECK_EVERY`] the data version is read too, and a change no
//!   notification announced moves the generation, so even a half-open listening connection
//!   cannot keep an answer stale for longer. (The check cannot tell an announced change from
//!   another, so after another process's write the cache is usually dropped twice: on the
//!   notification, and within a second on the check.) A mutation neither reads nor fills the
//!   cache (only requests run inside [`scope`] do: read-only requests on the primary), nor do
//!   reads from a
//!   replica, which may lag behind the notifications.
//! - **On SQLite** nothing can be heard from another process (an import from the command line,
//!   `sqlite3`), and a read in place costs little: a request reads the data version first, one
//!   statement read in place like the pages (`store::lite`: through the pool's worker thread it
//!   cost as much as a lookup), and a version other than the last one read moves the generation.
//!   So a request sees every write committed before it began, as without the cache, whichever
//!   process made it. (On SQLite the nested pages were what Q1's server CPU was spent on, 7–10
//!   ms a request, the database's work being the server's own there.)
//! - **Off:** behind a transaction-mode pooler without a `listen_database_url` (LISTEN needs a
//!   session), or with `answer_cache_rows = 0`.
//! - **Bounded:** by rows kept (a lookup counts one, a page its rows), least recently and least
//!   frequently used out first ([`quick_cache`]'s CLOCK-Pro).
//!
//! [`quick_cache`] is a small, maintained concurrent cache with weighted capacity; a map behind
//! a mutex would have needed an eviction policy written here.
use std::{
    any::{Any, TypeId},
    future::Future,
    sync::{
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
        Arc, Weak,
    },
    time::Duration,
};

use quick_cache::{sync::Cache, Weighter};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use sqlx::{postgres::PgConnection, Connection, Row};

use crate::error::AppResult;

use super::{notify::listening, FastMap};

/// The channel the data-version trigger notifies (migration `notify_data_changes`).
pub const CHANNEL: &str = "sg_data_changed";
/// How often the data version is read, should a notification have been lost.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Rows kept by default: Q1 alone keeps about 1,900 (50 roles' pages of skills, about 650
/// skills' pages of broader skills); a row is a few hundred bytes (a lookup keeps every column,
/// a page the columns its query shows), so a full cache holds a few MiB.
pub const DEFAULT_ROWS: usize = 16384;
/// The longest key kept, in bytes: a key holds bound values a client chose (a slug, a list of
/// them), and the bound on rows does not count it. Longer ones are read every time, so a full
/// cache holds at most `answer_cache_rows` × this of keys.
pub const MAX_KEY_BYTES: usize = 1024;

/// The Rust type an answer was read as, its statement's text with the bound values, and for a
/// batch read per parent ([`through_each`]) the parent's id.
type Key = (TypeId, Arc<str>, Option<i64>);

#[derive(Clone)]
struct Entry {
    generation: u64,
    rows: u32,
    value: Arc<dyn Any + Send + Sync>,
}

/// An entry weighs its rows (at least one).
#[derive(Clone)]
struct ByRows;

impl Weighter<Key, Entry> for ByRows {
    fn weight(&self, _key: &Key, e: &Entry) -> u64 {
        u64::from(e.rows.max(1))
    }
}

/// One instance's kept answers (see the module).
pub struct Answers {
    /// None when off.
    entries: Option<Cache<Key, Entry, ByRows>>,
    generation: AtomicU64,
    listening: AtomicBool,
    /// SQLite: the database whose data version each request reads first (see the module), and
    /// the last version read.
    checked: Option<DatabaseConnection>,
    known: AtomicI64,
    hits: AtomicU64,
    misses: AtomicU64,
}

tokio::task_local! {
    /// The answers a read-only request may use (see [`scope`]).
    static CURRENT: Arc<Answers>;
}

impl Answers {
    /// Keeps nothing.
    pub fn off() -> Self {
        Answers::new(0)
    }

    /// Keeps up to `rows` rows (0: off) of the answers read from `db`: on PostgreSQL once
    /// [`Answers::listen`]'s listener is connected, on SQLite after each request's read of the
    /// data version.
    pub fn for_db(rows: usize, db: &DatabaseConnection) -> Self {
        let mut a = Answers::new(rows);
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            a.checked = Some(db.clone());
        }
        a
    }

    /// Keeps up to `rows` rows (0: off). Nothing is served before [`Answers::listen`]'s
    /// listener is connected.
    pub fn new(rows: usize) -> Self {
        Answers {
            entries: (rows > 0).then(|| {
                // Most entries are lookups of one row; pages weigh more.
                Cache::with_weighter(rows, rows as u64, ByRows)
            }),
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            checked: None,
            known: AtomicI64::new(i64::MIN),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn is_on(&self) -> bool {
        self.entries.is_some()
    }

    /// Whether answers are served now: on, and the listener connected (on SQLite, where each
    /// request checks the data version before it is given the answers, whenever on).
    pub fn serving(&self) -> bool {
        self.is_on() && (self.checked.is_some() || self.listening.load(Ordering::Acquire))
    }

    /// SQLite: reads the data version, and moves the generation when it is not the last one
    /// read. False when it cannot be read (the request then reads everything itself).
    async fn check(&self) -> bool {
        let Some(db) = &self.checked else {
            return true;
        };
        match super::version::data_version(db).await {
            Ok(v) => {
                // Versions only grow, so a check that finished late with an older version only
                // drops the answers once more; a newer one always does.
                if self.known.swap(v, Ordering::AcqRel) != v {
                    self.written();
                }
                true
            }
            Err(e) => {
                tracing::debug!(error = ?e, "answer cache: cannot read the data version");
                false
            }
        }
    }

    /// Something was written: every answer kept so far is stale.
    pub fn written(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(c) = &self.entries {
            c.clear();
        }
    }

    /// Reads answered from memory, and reads that ran their statement while serving.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    fn set_listening(&self, on: bool) {
        // Back on: what was kept before the listener went away may have been written since.
        self.written();
        self.listening.store(on, Ordering::Release);
    }

    /// Starts this instance's listener, on a session connection to `listen_url`, and its check
    /// of the data version, on a connection of its own to `database_url` (not the pool, whose
    /// statements are the requests'). Call it inside a tokio runtime; the tasks end when the
    /// answers are dropped.
    pub fn listen(self: &Arc<Self>, listen_url: &str, database_url: &str) {
        if !self.is_on() || self.checked.is_some() {
            return;
        }
        let me = Arc::downgrade(self);
        tokio::spawn(run_listener(me.clone(), listen_url.to_owned()));
        tokio::spawn(run_checks(me, database_url.to_owned()));
    }
}

/// Runs `f` with `answers` (when given and on) available to the lookups and pages it reads: a
/// read-only request on the primary. On SQLite the data version is read first.
pub async fn scope<F: Future>(answers: Option<&Arc<Answers>>, f: F) -> F::Output {
    match answers.filter(|a| a.is_on()) {
        Some(a) if a.check().await => CURRENT.scope(Arc::clone(a), f).await,
        _ => f.await,
    }
}

/// The answers of the [`scope`] the calling task runs in, to run a task it spawns in the same
/// scope (a batch of nested pages is loaded by a task of its own) with [`within`].
pub fn current() -> Option<Arc<Answers>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// Runs `f` in the scope [`current`] gave, without a new check: a task spawned by a request.
pub async fn within<F: Future>(answers: Option<Arc<Answers>>, f: F) -> F::Output {
    match answers {
        Some(a) => CURRENT.scope(a, f).await,
        None => f.await,
    }
}

/// The answer kept under `key` for a `T`, or what `fetch` reads, kept when the request runs in
/// a [`scope`] that is serving. `rows` is what the answer weighs. Outside a scope (mutations,
/// replicas, transactions' callers, tests calling the store) it only runs `fetch`.
pub(crate) async fn through<T, Fut>(
    key: impl FnOnce() -> String,
    rows: impl FnOnce(&T) -> usize,
    fetch: Fut,
) -> AppResult<T>
where
    T: Clone + Send + Sync + 'static,
    Fut: Future<Output = AppResult<T>>,
{
    through_when(key, |v| Some(rows(v)), fetch).await
}

/// [`through`] for an answer that is not always worth keeping: `rows` gives its weight, or
/// None to serve it this once and keep nothing (say, a stored list found stale, which the
/// request then counts and stores: the next request must read the new one).
pub(super) async fn through_when<T, Fut>(
    key: impl FnOnce() -> String,
    rows: impl FnOnce(&T) -> Option<usize>,
    fetch: Fut,
) -> AppResult<T>
where
    T: Clone + Send + Sync + 'static,
    Fut: Future<Output = AppResult<T>>,
{
    let answers = CURRENT.try_with(Arc::clone).ok().filter(|a| a.serving());
    let Some((answers, entries)) = answers
        .as_ref()
        .and_then(|a| a.entries.as_ref().map(|e| (a, e)))
    else {
        return fetch.await;
    };
    let key = key();
    if key.len() > MAX_KEY_BYTES {
        return fetch.await;
    }
    let key: Key = (TypeId::of::<T>(), Arc::from(key), None);
    // Taken before the statement runs: a write that commits while it runs moves the
    // generation past this stamp, so its answer is never served.
    let generation = answers.generation.load(Ordering::Acquire);
    if let Some(e) = entries.get(&key) {
        if e.generation == generation {
            if let Some(v) = e.value.downcast_ref::<T>() {
                answers.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(v.clone());
            }
        }
    }
    answers.misses.fetch_add(1, Ordering::Relaxed);
    let value = fetch.await?;
    let weight = rows(&value);
    if let Some(rows) = weight
        .filter(|_| answers.serving() && answers.generation.load(Ordering::Acquire) == generation)
    {
        let rows = u32::try_from(rows).unwrap_or(u32::MAX);
        entries.insert(
            key,
            Entry {
                generation,
                rows,
                value: Arc::new(value.clone()),
            },
        );
    }
    Ok(value)
}

/// [`through`] for a batch read with one answer per parent: each parent's answer is kept
/// under `key` (the statement's text and bound values, but for the parents' id list) and the
/// parent's id, and `fetch` reads only the parents with no current answer, in one statement.
/// A parent `fetch` gives nothing for is kept as having nothing (weighing one row). The map
/// returned holds the parents that have an answer.
pub(super) async fn through_each<T, Fut>(
    key: impl FnOnce() -> String,
    parents: &[i64],
    rows: impl Fn(&T) -> usize,
    fetch: impl FnOnce(Vec<i64>) -> Fut,
) -> AppResult<FastMap<i64, T>>
where
    T: Clone + Send + Sync + 'static,
    Fut: Future<Output = AppResult<FastMap<i64, T>>>,
{
    let answers = CURRENT.try_with(Arc::clone).ok().filter(|a| a.serving());
    let Some((answers, entries)) = answers
        .as_ref()
        .and_then(|a| a.entries.as_ref().map(|e| (a, e)))
    else {
        return fetch(parents.to_vec()).await;
    };
    let text = key();
    if text.len() > MAX_KEY_BYTES {
        return fetch(parents.to_vec()).await;
    }
    let text: Arc<str> = Arc::from(text);
    let ty = TypeId::of::<Option<T>>();
    // Taken before the statement runs (see `through`).
    let generation = answers.generation.load(Ordering::Acquire);
    let mut out: FastMap<i64, T> = FastMap::default();
    out.reserve(parents.len());
    let mut missing = Vec::new();
    for &parent in parents {
        let kept = entries
            .get(&(ty, Arc::clone(&text), Some(parent)))
            .filter(|e| e.generation == generation);
        match kept
            .as_ref()
            .and_then(|e| e.value.downcast_ref::<Option<T>>())
        {
            Some(Some(v)) => {
                out.insert(parent, v.clone());
            }
            Some(None) => {}
            None => missing.push(parent),
        }
    }
    let hits = parents.len() - missing.len();
    answers.hits.fetch_add(hits as u64, Ordering::Relaxed);
    if missing.is_empty() {
        return Ok(out);
    }
    answers
        .misses
        .fetch_add(missing.len() as u64, Ordering::Relaxed);
    let mut read = fetch(missing.clone()).await?;
    let keep = answers.serving() && answers.generation.load(Ordering::Acquire) == generation;
    for parent in missing {
        let value = read.remove(&parent);
        if keep {
            let weight = value.as_ref().map_or(1, &rows);
            entries.insert(
                (ty, Arc::clone(&text), Some(parent)),
                Entry {
                    generation,
                    rows: u32::try_from(weight).unwrap_or(u32::MAX),
                    value: Arc::new(value.clone()),
                },
            );
        }
        if let Some(v) = value {
            out.insert(parent, v);
        }
    }
    Ok(out)
}

/// The listener: connects, LISTENs, then moves the generation on every notification. A lost
/// connection stops serving until it is back.
async fn run_listener(answers: Weak<Answers>, url: String) {
    loop {
        let wanted = || answers.strong_count() > 0;
        let Some(mut listener) = listening(&url, CHANNEL, "answer cache", wanted).await else {
            return;
        };
        match answers.upgrade() {
            Some(a) => a.set_listening(true),
            None => return,
        }
        loop {
            let got = listener.try_recv().await;
            let Some(a) = answers.upgrade() else { return };
            match got {
                Ok(Some(_)) => a.written(),
                Ok(None) | Err(_) => {
                    a.set_listening(false);
                    tracing::warn!(
                        "answer cache: the listener's connection was lost, reconnecting"
                    );
                    break;
                }
            }
        }
    }
}

/// Reads the data version every [`CHECK_EVERY`]: a change no notification announced moves the
/// generation all the same.
async fn run_checks(answers: Weak<Answers>, url: String) {
    let mut conn: Option<PgConnection> = None;
    let mut known: Option<i64> = None;
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        if answers.strong_count() == 0 {
            return;
        }
        if conn.is_none() {
            conn = PgConnection::connect(&url).await.ok();
        }
        let Some(c) = conn.as_mut() else { continue };
        // One simple query (no prepared statement), which a transaction-mode pooler passes.
        let read = sqlx::raw_sql(super::version::DATA_VERSION).fetch_optional(c);
        match tokio::time::timeout(CHECK_EVERY, read).await {
            Ok(Ok(row)) => {
                let v = row.and_then(|r| r.try_get::<i64, _>(0).ok()).unwrap_or(0);
                if known.is_some_and(|k| k != v) {
                    if let Some(a) = answers.upgrade() {
                        a.written();
                    }
                }
                known = Some(v);
            }
            // Connected again at the next check, which compares with the last version read.
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "answer cache: cannot read the data version");
                conn = None;
            }
            Err(_) => conn = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serving(rows: usize) -> Arc<Answers> {
        let a = Arc::new(Answers::new(rows));
        a.set_listening(true);
        a
    }

    async fn read(n: &AtomicU64, value: &str) -> AppResult<String> {
        n.fetch_add(1, Ordering::Relaxed);
        Ok(value.to_owned())
    }

    #[tokio::test]
    async fn answers_are_kept_until_written_and_only_inside_a_serving_scope() {
        let runs = AtomicU64::new(0);
        let get = |value: &'static str| through(|| "k".to_owned(), |_| 1, read(&runs, value));
        let a = serving(16);
        // Outside a scope: every read runs.
        assert_eq!(get("a").await.ok().as_deref(), Some("a"));
        assert_eq!(get("b").await.ok().as_deref(), Some("b"));
        assert_eq!(runs.load(Ordering::Relaxed), 2);
        scope(Some(&a), async {
            assert_eq!(get("c").await.ok().as_deref(), Some("c"));
            assert_eq!(get("d").await.ok().as_deref(), Some("c"), "kept");
            a.written();
            assert_eq!(
                get("e").await.ok().as_deref(),
                Some("e"),
                "written: read again"
            );
            // Another type under the same text is another answer.
            let n = through(|| "k".to_owned(), |_| 1, async { Ok(7_i64) }).await;
            assert_eq!(n.ok(), Some(7));
        })
        .await;
        assert_eq!(runs.load(Ordering::Relaxed), 4);
        assert_eq!((a.hits(), a.misses()), (1, 3));
        // Not listening: nothing served, nothing kept.
        a.set_listening(false);
        scope(Some(&a), async {
            assert_eq!(get("f").await.ok().as_deref(), Some("f"));
            assert_eq!(get("g").await.ok().as_deref(), Some("g"));
        })
        .await;
        a.set_listening(true);
        scope(Some(&a), async {
            assert_eq!(get("h").await.ok().as_deref(), Some("h"));
        })
        .await;
        assert_eq!(runs.load(Ordering::Relaxed), 7);
        // Off: reads run.
        let off = Arc::new(Answers::off());
        scope(Some(&off), async {
            assert_eq!(get("i").await.ok().as_deref(), Some("i"));
            assert_eq!(get("j").await.ok().as_deref(), Some("j"));
        })
        .await;
        assert_eq!(runs.load(Ordering::Relaxed), 9);
    }

    #[tokio::test]
    async fn a_read_that_raced_a_write_is_not_kept() {
        let a = serving(16);
        scope(Some(&a), async {
            let raced = through(|| "k".to_owned(), |_| 1, async {
                a.written();
                Ok("old".to_owned())
            })
            .await;
            assert_eq!(raced.ok().as_deref(), Some("old"));
            let again = through(|| "k".to_owned(), |_| 1, async { Ok("new".to_owned()) }).await;
            assert_eq!(again.ok().as_deref(), Some("new"));
        })
        .await;
    }
}
