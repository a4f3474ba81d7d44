//! Typed configuration: defaults, then an optional TOML file, then `SKILLGRAPH_*` environment
//! variables and command-line flags (clap merges those two), validated at start-up.
use std::{fmt, net::SocketAddr, path::Path, time::Duration};

use serde::Deserialize;

use crate::{
    db,
    error::{AppError, AppResult},
    graphql::cost::BudgetLimits,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://skillgraph.db?mode=rwc";

/// The default cost in flight, `max_complexity`'s default: three Q1s (15,151 each) run
/// together, any request the limits admit can run. Measured on two cores, Q1 on SQLite at 16
/// connections: 68 req/s and 207 MiB peak without a limit, 64 req/s and 116 MiB at 50,000, but
/// 38 req/s at 25,000, where Q1 runs alone and the cores wait on SQLite (README "Benchmarks").
pub const DEFAULT_MAX_COST_IN_FLIGHT: u32 = 50_000;

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Bearer token required by every mutation; with none, mutations are refused.
    pub admin_token: Option<Secret>,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub db_max_connections: u32,
    /// Limits checked on the parsed document before validation (fields once fragments are
    /// expanded, top-level fields, aliases, selection width).
    pub budget: BudgetLimits,
    /// Largest response body; a bigger answer is replaced by a RESPONSE_TOO_LARGE error.
    pub max_response_bytes: usize,
    /// How long a WebSocket may wait before `connection_init`.
    pub ws_init_timeout: Duration,
    /// How long a request waits for a pooled database connection before `UNAVAILABLE`.
    pub db_acquire_timeout: Duration,
    /// How long a SQLite writer waits for the write lock (another writer, an import).
    pub sqlite_busy_timeout: Duration,
    /// Run only operations registered with `skillgraph persist`.
    pub persisted_only: bool,
    /// Answer every connection with async-graphql's own execution, never by plan (see
    /// `graphql::types::connection::plan`): to compare the two, or should a plan ever be wrong.
    pub unplanned: bool,
    /// `max-age` of cacheable GET answers; 0 makes caches revalidate every time (`no-cache`).
    pub cache_max_age: Duration,
    /// Read replicas (PostgreSQL): queries read from them, see [`crate::store::route`].
    pub read_database_urls: Vec<String>,
    /// A replica lagging more than this behind the primary is skipped.
    pub replica_max_lag: Duration,
    /// After a client's mutation its reads go to the primary for this long (0: only the
    /// mutation's own request).
    pub read_your_writes_window: Duration,
    /// Where the posting feed LISTENs (a session connection; default: `database_url`).
    pub listen_database_url: Option<String>,
    /// A pooler between the instances and PostgreSQL (`transaction` for PgBouncer in
    /// transaction mode).
    pub pg_pooler: db::Pooler,
    /// Refuse requests without an API key holding `read` (or the admin token).
    pub require_key: bool,
    /// The cost (`extensions.cost.requested`) of the queries and mutations running at once;
    /// more wait their turn (see [`crate::http`]'s admission).
    pub max_cost_in_flight: u32,
    /// How long a request waits for its turn before OVERLOADED (503).
    pub queue_timeout: Duration,
    /// Rows of lookups and list pages kept between requests on PostgreSQL (0: none; see
    /// [`crate::store::answers`]).
    pub answer_cache_rows: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            admin_token: None,
            max_depth: 16,
            max_complexity: 50_000,
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 1024 * 1024,
            db_max_connections: 10,
            budget: BudgetLimits::default(),
            max_response_bytes: 8 * 1024 * 1024,
            ws_init_timeout: Duration::from_secs(10),
            db_acquire_timeout: db::DEFAULT_ACQUIRE_TIMEOUT,
            sqlite_busy_timeout: db::SQLITE_BUSY_TIMEOUT,
            persisted_only: false,
            unplanned: false,
            cache_max_age: Duration::ZERO,
            read_database_urls: Vec::new(),
            replica_max_lag: Duration::from_secs(5),
            read_your_writes_window: Duration::ZERO,
            listen_database_url: None,
            pg_pooler: db::Pooler::None,
            require_key: false,
            max_cost_in_flight: DEFAULT_MAX_COST_IN_FLIGHT,
            queue_timeout: Duration::from_secs(10),
            answer_cache_rows: crate::store::answers::DEFAULT_ROWS,
        }
    }
}

/// Every setting, each optional: one layer of configuration (file, or env + flags).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    pub bind: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub admin_token: Option<Secret>,
    pub max_depth: Option<usize>,
    pub max_complexity: Option<usize>,
    pub request_timeout_secs: Option<u64>,
    pub body_limit_bytes: Option<usize>,
    pub db_max_connections: Option<u32>,
    pub max_fields: Option<u64>,
    pub max_root_fields: Option<u64>,
    pub max_aliases: Option<u64>,
    pub max_selection_fields: Option<u64>,
    pub max_response_bytes: Option<usize>,
    pub ws_init_timeout_secs: Option<u64>,
    pub db_acquire_timeout_secs: Option<u64>,
    pub sqlite_busy_timeout_secs: Option<u64>,
    pub persisted_only: Option<bool>,
    pub unplanned: Option<bool>,
    pub cache_max_age_secs: Option<u64>,
    pub read_database_urls: Option<Vec<String>>,
    pub replica_max_lag_secs: Option<u64>,
    pub read_your_writes_window_secs: Option<u64>,
    pub listen_database_url: Option<String>,
    pub pg_pooler: Option<db::Pooler>,
    pub require_key: Option<bool>,
    pub max_cost_in_flight: Option<u32>,
    pub queue_timeout_secs: Option<u64>,
    pub answer_cache_rows: Option<usize>,
}

impl ConfigLayer {
    pub fn from_file(path: &Path) -> AppResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::Validation(format!("cannot read config file {}: {e}", path.display()))
        })?;
        toml::from_str(&text).map_err(|e| {
            AppError::Validation(format!("invalid config file {}: {e}", path.display()))
        })
    }
}

impl Config {
    /// Applies the layers in order (later wins) over the defaults and validates the result.
    pub fn build(layers: &[ConfigLayer]) -> AppResult<Self> {
        let mut c = Config::default();
        for l in layers {
            if let Some(v) = l.bind {
                c.bind = v;
            }
            if let Some(v) = &l.database_url {
                c.database_url = v.clone();
            }
            if let Some(v) = &l.admin_token {
                c.admin_token = Some(v.clone());
            }
            if let Some(v) = l.max_depth {
                c.max_depth = v;
            }
            if let Some(v) = l.max_complexity {
                c.max_complexity = v;
            }
            if let Some(v) = l.request_timeout_secs {
                c.request_timeout = Duration::from_secs(v);
            }
            if let Some(v) = l.body_limit_bytes {
                c.body_limit_bytes = v;
            }
            if let Some(v) = l.db_max_connections {
                c.db_max_connections = v;
            }
            if let Some(v) = l.max_fields {
                c.budget.max_nodes = v;
            }
            if let Some(v) = l.max_root_fields {
                c.budget.max_root_fields = v;
            }
            if let Some(v) = l.max_aliases {
                c.budget.max_aliases = v;
            }
            if let Some(v) = l.max_selection_fields {
                c.budget.max_width = v;
            }
            if let Some(v) = l.max_response_bytes {
                c.max_response_bytes = v;
            }
            if let Some(v) = l.ws_init_timeout_secs {
                c.ws_init_timeout = Duration::from_secs(v);
            }
            if let Some(v) = l.db_acquire_timeout_secs {
                c.db_acquire_timeout = Duration::from_secs(v);
            }
            if let Some(v) = l.sqlite_busy_timeout_secs {
                c.sqlite_busy_timeout = Duration::from_secs(v);
            }
            if let Some(v) = l.persisted_only {
                c.persisted_only = v;
            }
            if let Some(v) = l.unplanned {
                c.unplanned = v;
            }
            if let Some(v) = l.cache_max_age_secs {
                c.cache_max_age = Duration::from_secs(v);
            }
            if let Some(v) = &l.read_database_urls {
                c.read_database_urls = v.clone();
            }
            if let Some(v) = l.replica_max_lag_secs {
                c.replica_max_lag = Duration::from_secs(v);
            }
            if let Some(v) = l.read_your_writes_window_secs {
                c.read_your_writes_window = Duration::from_secs(v);
            }
            if let Some(v) = &l.listen_database_url {
                c.listen_database_url = Some(v.clone());
            }
            if let Some(v) = l.pg_pooler {
                c.pg_pooler = v;
            }
            if let Some(v) = l.require_key {
                c.require_key = v;
            }
            if let Some(v) = l.max_cost_in_flight {
                c.max_cost_in_flight = v;
            }
            if let Some(v) = l.answer_cache_rows {
                c.answer_cache_rows = v;
            }
            if let Some(v) = l.queue_timeout_secs {
                c.queue_timeout = Duration::from_secs(v);
            }
        }
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> AppResult<()> {
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"))
        {
            return Err(AppError::Validation(
                "database url must start with sqlite: or postgres://".into(),
            ));
        }
        if self
            .admin_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 16)
        {
            return Err(AppError::Validation(
                "admin token must be at least 16 characters".into(),
            ));
        }
        if self.max_depth == 0 || self.max_complexity == 0 {
            return Err(AppError::Validation(
                "max depth and max complexity must be positive".into(),
            ));
        }
        if self.budget.max_nodes == 0
            || self.budget.max_root_fields == 0
            || self.budget.max_width == 0
            || self.max_response_bytes == 0
            || self.ws_init_timeout.is_zero()
        {
            return Err(AppError::Validation(
                "field limits, response size and WebSocket init timeout must be positive".into(),
            ));
        }
        if self.request_timeout.is_zero()
            || self.body_limit_bytes == 0
            || self.db_max_connections == 0
            || self.db_acquire_timeout.is_zero()
            || self.max_cost_in_flight == 0
            || self.queue_timeout.is_zero()
        {
            return Err(AppError::Validation(
                "request timeout, body limit, connection count, acquire timeout, cost in flight and \
                 queue timeout must be positive"
                    .into(),
            ));
        }
        let pg = self.database_url.starts_with("postgres");
        if !self.read_database_urls.is_empty() && !pg {
            return Err(AppError::Validation(
                "read replicas need a PostgreSQL primary".into(),
            ));
        }
        if self
            .read_database_urls
            .iter()
            .chain(self.listen_database_url.iter())
            .any(|u| !u.starts_with("postgres"))
        {
            return Err(AppError::Validation(
                "replica and listen database urls must start with postgres://".into(),
            ));
        }
        Ok(())
    }

    /// Where the posting feed LISTENs: `listen_database_url`, else the primary.
    pub fn listen_url(&self) -> &str {
        self.listen_database_url
            .as_deref()
            .unwrap_or(&self.database_url)
    }

    /// Rows the answer cache may keep: none behind a transaction-mode pooler with no session
    /// connection to LISTEN on (it could not hear writes). SQLite reads the data version per
    /// request instead.
    pub fn answer_rows(&self) -> usize {
        let pg = self.database_url.starts_with("postgres");
        let can_listen = self.pg_pooler == db::Pooler::None || self.listen_database_url.is_some();
        if !pg || can_listen {
            self.answer_cache_rows
        } else {
            0
        }
    }

    /// The pool's limits.
    pub fn pool_options(&self) -> db::PoolOptions {
        db::PoolOptions {
            max_connections: self.db_max_connections,
            acquire_timeout: self.db_acquire_timeout,
            sqlite_busy_timeout: self.sqlite_busy_timeout,
            pooler: self.pg_pooler,
        }
    }
}
