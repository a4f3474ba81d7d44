//! Read replicas: which connection a request reads from.
//!
//! Writes, and reads that must see a client's own writes, use the primary; other reads use a
//! replica that answers and does not lag, taken in turn; with none usable, the primary. A
//! background task checks every replica each second: it reads the data version (the
//! `graph_version` row that every write to a table a read can show moves, see
//! [`super::version`]) on the primary and on each replica. A replica whose version is the
//! primary's is current; one behind lags by the time since the primary first showed a newer
//! version than the replica's (exact to a check's interval, and unlike
//! `now() - pg_last_xact_replay_timestamp()` it does not grow while nothing is written). A
//! replica that does not answer is down; one that lags more than `replica_max_lag` is skipped
//! until it catches up.
use std::{
    collections::{HashMap, VecDeque},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex, RwLock,
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::db::{PoolOptions, Pooler};

/// How often replicas are checked.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);
/// A replica that does not answer a check within this is down; also how long a read waits for
/// a connection to a replica.
const REPLICA_TIMEOUT: Duration = Duration::from_secs(2);
/// Most primary versions remembered while a replica is behind (one per check at most).
const MAX_VERSIONS: usize = 4096;

/// What the last check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Not checked yet: not used.
    Unknown,
    /// Answers and is within the lag bound: used.
    Ok,
    /// Answers but lags more than the bound: skipped.
    Lagging,
    /// Does not answer: skipped.
    Down,
}

#[derive(Clone, Debug)]
struct Checked {
    health: Health,
    lag: Option<Duration>,
    version: Option<i64>,
    /// The last version read, kept while the replica is down: the primary versions after it
    /// stay remembered, so its lag is measured right when it comes back.
    known: Option<i64>,
    checked_at: Option<Instant>,
}

struct Replica {
    /// host:port/database, without credentials.
    name: String,
    conn: DatabaseConnection,
    state: RwLock<Checked>,
    /// Reads sent to it.
    reads: AtomicU64,
}

/// One replica as `/readyz` shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaStatus {
    pub name: String,
    pub state: Health,
    /// Seconds behind the primary (0 when current); absent when not measured.
    pub lag_secs: Option<f64>,
    pub data_version: Option<i64>,
    /// Reads this instance sent to it.
    pub reads: u64,
    /// Seconds since the last check.
    pub checked_secs_ago: Option<f64>,
}

/// Where a request reads.
#[derive(Clone)]
pub struct Reader {
    pub conn: DatabaseConnection,
    /// The replica's index, `None` for the primary.
    pub replica: Option<usize>,
}

/// The primary, the replicas and the routing between them.
pub struct DbRoute {
    primary: DatabaseConnection,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    max_lag: Duration,
    window: Duration,
    /// When each client (by credentials) last wrote, for the read-your-writes window.
    writers: Mutex<HashMap<[u8; 32], Instant>>,
    /// Primary data versions seen by the checks, oldest first, each with when it was first seen.
    seen: Mutex<VecDeque<(i64, Instant)>>,
}

impl DbRoute {
    /// Only the primary.
    pub fn primary_only(primary: DatabaseConnection) -> Self {
        DbRoute::new(primary, Vec::new(), Duration::from_secs(5), Duration::ZERO)
    }

    /// `replicas` are `(name, connection)`; `window` is how long after a client's write its reads
    /// go to the primary (zero: only the writing request itself).
    pub fn new(
        primary: DatabaseConnection,
        replicas: Vec<(String, DatabaseConnection)>,
        max_lag: Duration,
        window: Duration,
    ) -> Self {
        DbRoute {
            primary,
            replicas: replicas
                .into_iter()
                .map(|(name, conn)| Replica {
                    name,
                    conn,
                    state: RwLock::new(Checked {
                        health: Health::Unknown,
                        lag: None,
                        version: None,
                        known: None,
                        checked_at: None,
                    }),
                    reads: AtomicU64::new(0),
                })
                .collect(),
            next: AtomicUsize::new(0),
            max_lag,
            window,
            writers: Mutex::new(HashMap::new()),
            seen: Mutex::new(VecDeque::new()),
        }
    }

    /// Connects to each replica URL lazily (a replica down at start-up is only marked down).
    pub async fn connect_replicas(
        urls: &[String],
        pool: &PoolOptions,
    ) -> Result<Vec<(String, DatabaseConnection)>, DbErr> {
        let pool = PoolOptions {
            acquire_timeout: REPLICA_TIMEOUT,
            ..*pool
        };
        let mut out = Vec::with_capacity(urls.len());
        for url in urls {
            let conn = if pool.pooler == Pooler::Transaction {
                super::pooler::connect(url, &pool, true).await?
            } else {
                let mut opts = ConnectOptions::new(url.clone());
                opts.max_connections(pool.max_connections)
                    .connect_timeout(REPLICA_TIMEOUT)
                    .acquire_timeout(REPLICA_TIMEOUT)
                    .connect_lazy(true)
                    .sqlx_logging(false);
                Database::connect(opts).await?
            };
            out.push((display_name(url), conn));
        }
        Ok(out)
    }

    /// Where writes, and reads that must see them, go.
    pub fn writer(&self) -> &DatabaseConnection {
        &self.primary
    }

    pub fn has_replicas(&self) -> bool {
        !self.replicas.is_empty()
    }

    /// Where a read goes: the primary while `client` (its credentials) is inside its
    /// read-your-writes window, otherwise the next usable replica, otherwise the primary.
    pub fn reader(&self, client: Option<&str>) -> Reader {
        let primary = Reader {
            conn: self.primary.clone(),
            replica: None,
        };
        if self.replicas.is_empty() || client.is_some_and(|c| self.wrote_recently(c)) {
            return primary;
        }
        let n = self.replicas.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for k in 0..n {
            let i = (start + k) % n;
            let r = &self.replicas[i];
            let usable = r.state.read().is_ok_and(|s| s.health == Health::Ok);
            if usable {
                r.reads.fetch_add(1, Ordering::Relaxed);
                return Reader {
                    conn: r.conn.clone(),
                    replica: Some(i),
                };
            }
        }
        primary
    }

    /// Records that `client` wrote (a mutation ran), starting its read-your-writes window.
    pub fn note_write(&self, client: &str) {
        if self.window.is_zero() || self.replicas.is_empty() {
            return;
        }
        let now = Instant::now();
        if let Ok(mut w) = self.writers.lock() {
            if w.len() >= 10_000 {
                let window = self.window;
                w.retain(|_, t| now.duration_since(*t) < window);
            }
            w.insert(client_key(client), now);
        }
    }

    fn wrote_recently(&self, client: &str) -> bool {
        if self.window.is_zero() {
            return false;
        }
        let key = client_key(client);
        self.writers
            .lock()
            .ok()
            .and_then(|w| w.get(&key).copied())
            .is_some_and(|t| t.elapsed() < self.window)
    }

    /// Marks a replica down at once (a read on it failed); the next check may bring it back.
    pub fn mark_down(&self, replica: usize) {
        if let Some(r) = self.replicas.get(replica) {
            if let Ok(mut s) = r.state.write() {
                s.health = Health::Down;
            }
        }
    }

    /// Checks every replica once (each independently, at the same time).
    pub async fn check(&self) {
        futures_util::future::join_all((0..self.replicas.len()).map(|i| self.check_one(i))).await;
    }

    /// Checks one replica: the primary's data version, then the replica's.
    async fn check_one(&self, i: usize) {
        let Some(r) = self.replicas.get(i) else {
            return;
        };
        let primary =
            tokio::time::timeout(REPLICA_TIMEOUT, super::version::data_version(&self.primary))
                .await
                .ok()
                .and_then(Result::ok);
        if let (Some(p), Ok(mut seen)) = (primary, self.seen.lock()) {
            if seen.back().is_none_or(|(v, _)| *v < p) && seen.len() < MAX_VERSIONS {
                seen.push_back((p, Instant::now()));
            }
        }
        let got = tokio::time::timeout(REPLICA_TIMEOUT, super::version::data_version(&r.conn))
            .await
            .ok()
            .and_then(Result::ok);
        let now = Instant::now();
        let checked = match (got, primary) {
            (None, _) => Checked {
                health: Health::Down,
                lag: None,
                version: None,
                known: r.state.read().ok().and_then(|s| s.known),
                checked_at: Some(now),
            },
            (Some(v), Some(p)) => {
                let lag = if v >= p {
                    Duration::ZERO
                } else {
                    self.seen
                        .lock()
                        .ok()
                        .and_then(|s| s.iter().find(|(sv, _)| *sv > v).map(|(_, t)| *t))
                        .map_or(Duration::ZERO, |t| now.duration_since(t))
                };
                Checked {
                    health: if lag > self.max_lag {
                        Health::Lagging
                    } else {
                        Health::Ok
                    },
                    lag: Some(lag),
                    version: Some(v),
                    known: Some(v),
                    checked_at: Some(now),
                }
            }
            // The primary did not answer: the replica answers, its lag is unknown; keep
            // routing as before.
            (Some(v), None) => {
                let prev = r.state.read().map(|s| s.health).unwrap_or(Health::Unknown);
                Checked {
                    health: if prev == Health::Unknown {
                        Health::Ok
                    } else {
                        prev
                    },
                    lag: None,
                    version: Some(v),
                    known: Some(v),
                    checked_at: Some(now),
                }
            }
        };
        if let Ok(mut s) = r.state.write() {
            if s.health != checked.health {
                tracing::info!(replica = %r.name, from = ?s.health, to = ?checked.health, lag = ?checked.lag, "replica state changed");
            }
            *s = checked;
        }
        // Versions every replica has (or had, when down) are no longer needed to measure a lag.
        let lowest = self
            .replicas
            .iter()
            .filter_map(|r| r.state.read().ok().and_then(|s| s.known))
            .min();
        if let (Some(low), Ok(mut seen)) = (lowest, self.seen.lock()) {
            while seen.front().is_some_and(|(v, _)| *v <= low) {
                seen.pop_front();
            }
        }
    }

    /// Checks each replica every [`CHECK_INTERVAL`] (one task per replica, so a replica that
    /// times out does not delay the others) until the route is dropped.
    pub fn start_checks(self: &Arc<Self>) {
        for i in 0..self.replicas.len() {
            let route = Arc::downgrade(self);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(CHECK_INTERVAL);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let Some(r) = route.upgrade() else { return };
                    r.check_one(i).await;
                }
            });
        }
    }

    /// Every replica's state, for `/readyz`.
    pub fn status(&self) -> Vec<ReplicaStatus> {
        self.replicas
            .iter()
            .map(|r| {
                let s = r.state.read().map(|s| s.clone()).unwrap_or(Checked {
                    health: Health::Unknown,
                    lag: None,
                    version: None,
                    known: None,
                    checked_at: None,
                });
                ReplicaStatus {
                    name: r.name.clone(),
                    state: s.health,
                    lag_secs: s.lag.map(|l| l.as_secs_f64()),
                    data_version: s.version,
                    reads: r.reads.load(Ordering::Relaxed),
                    checked_secs_ago: s.checked_at.map(|t| t.elapsed().as_secs_f64()),
                }
            })
            .collect()
    }
}

/// Clients are told apart by a hash of their credentials (the `Authorization` header).
fn client_key(client: &str) -> [u8; 32] {
    Sha256::digest(client.as_bytes()).into()
}

/// `host:port/database` of a URL, without user, password or parameters.
pub fn display_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split('?').next().unwrap_or(rest).to_owned()
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn names_hide_credentials() {
        assert_eq!(
            display_name("postgres://u:secret@db.example:5433/skills?sslmode=require"),
            "db.example:5433/skills"
        );
        assert_eq!(display_name("postgres://127.0.0.1/x"), "127.0.0.1/x");
    }
}
