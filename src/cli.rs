//! The command line: `serve`, `migrate`, `seed`, `schema`, `import esco|onet DIR`,
//! `import postings FILE`, `demo-postings`.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{
    catalog::seed,
    config::{Config, ConfigLayer, Secret},
    db,
    error::{AppError, AppResult},
    graphql::schema::sdl,
    http, import,
    state::AppState,
};

#[derive(Parser, Debug)]
#[command(
    name = "skillgraph",
    version,
    about = "GraphQL server over a skills, frameworks and roles knowledge graph"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Default)]
pub struct GlobalArgs {
    /// Optional TOML file with any of the settings (lower precedence than env and flags).
    #[arg(long, env = "SKILLGRAPH_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE?mode=rwc, sqlite::memory:, or postgres://…
    #[arg(long, env = "SKILLGRAPH_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Largest pool of database connections.
    #[arg(long, env = "SKILLGRAPH_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    /// Seconds a request waits for a pooled connection before it fails with UNAVAILABLE
    /// (default 10).
    #[arg(long, env = "SKILLGRAPH_DB_ACQUIRE_TIMEOUT_SECS", global = true)]
    pub db_acquire_timeout_secs: Option<u64>,
    /// Seconds a SQLite writer waits for the write lock held by another writer (default 60).
    #[arg(long, env = "SKILLGRAPH_SQLITE_BUSY_TIMEOUT_SECS", global = true)]
    pub sqlite_busy_timeout_secs: Option<u64>,
    /// A pooler between this program and PostgreSQL: `transaction` for PgBouncer in
    /// transaction mode (every pooled connection is lent inside one transaction, no statement
    /// outlives it), `none` otherwise (default).
    #[arg(long, env = "SKILLGRAPH_PG_POOLER", global = true, value_parser = ["none", "transaction"])]
    pub pg_pooler: Option<String>,
}

// Parsed once per process: the size of `serve`'s flags does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve GraphQL over HTTP (migrates, and loads the catalog into an empty database).
    Serve(ServeArgs),
    /// Apply pending migrations.
    Migrate,
    /// Load (upsert) the curated catalog shipped in the binary.
    Seed,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Import a release of ESCO or O*NET and link it to the catalog (one transaction).
    Import(ImportArgs),
    /// Generate deterministic synthetic job postings (source `synthetic`).
    DemoPostings(DemoArgs),
    /// Register GraphQL documents (files such as ops/*.graphql) as persisted operations: the
    /// allow-list of `serve --persisted-only`, shared by every instance on the database.
    Persist(PersistArgs),
    /// Create, list and revoke API keys (scopes and cost budgets; README "Keys and budgets").
    Keys(KeysArgs),
}

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Subcommand, Debug)]
pub enum KeysAction {
    /// Create a key and print its secret (shown once; only a hash is stored).
    Create {
        /// Who or what the key is for.
        #[arg(long)]
        name: String,
        /// Comma-separated: read, write:catalog, write:postings, import.
        #[arg(long)]
        scopes: String,
        /// Cost points the key may spend per window (the `cost` every response reports);
        /// without it the key is unmetered.
        #[arg(long)]
        budget: Option<i64>,
        /// Length of the budget's window in seconds (default 3600).
        #[arg(long, requires = "budget")]
        window_secs: Option<i64>,
    },
    /// List every key (never the secrets).
    List,
    /// Revoke a key by id; every instance refuses it from its next request.
    Revoke { id: i64 },
}

#[derive(Args, Debug)]
pub struct PersistArgs {
    /// The documents, one operation file each; a file's hash is the SHA-256 of its exact text.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Subcommand, Debug)]
pub enum ImportSource {
    /// ESCO CSV release folder (English): skills_en.csv, occupations_en.csv, relation files.
    Esco(ImportDirArgs),
    /// O*NET text release folder: Occupation Data.txt, Technology Skills.txt …
    Onet(ImportDirArgs),
    /// Job postings: schema.org JobPosting as JSON Lines or a JSON array, or CSV (see README).
    Postings {
        file: PathBuf,
        /// Source name; (source, identifier) identifies a posting. Default: the file name.
        #[arg(long)]
        source: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct ImportDirArgs {
    /// The release folder.
    pub dir: PathBuf,
    /// Release number (e.g. 1.1.1, 29.3); read from the files or the folder name when absent.
    #[arg(long)]
    pub release: Option<String>,
    /// Also print the crosswalk to the catalog (what was linked, what was not) and the
    /// references left out.
    #[arg(long)]
    pub report: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 500)]
    pub count: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SKILLGRAPH_BIND")]
    pub bind: Option<std::net::SocketAddr>,
    /// Bearer token that mutations require; without one every mutation is refused.
    #[arg(long, env = "SKILLGRAPH_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Deepest query accepted (default 16).
    #[arg(long, env = "SKILLGRAPH_MAX_DEPTH")]
    pub max_depth: Option<usize>,
    /// Highest query cost accepted: connections cost their page size times their nodes, the
    /// expensive fields their price (default 50000).
    #[arg(long, env = "SKILLGRAPH_MAX_COMPLEXITY")]
    pub max_complexity: Option<usize>,
    /// Most fields in a document once every fragment spread is expanded (default 5000).
    #[arg(long, env = "SKILLGRAPH_MAX_FIELDS")]
    pub max_fields: Option<u64>,
    /// Most top-level fields, aliases included (default 50).
    #[arg(long, env = "SKILLGRAPH_MAX_ROOT_FIELDS")]
    pub max_root_fields: Option<u64>,
    /// Most aliased fields anywhere in a document (default 200).
    #[arg(long, env = "SKILLGRAPH_MAX_ALIASES")]
    pub max_aliases: Option<u64>,
    /// Most fields in one selection set, fragments expanded (default 500).
    #[arg(long, env = "SKILLGRAPH_MAX_SELECTION_FIELDS")]
    pub max_selection_fields: Option<u64>,
    /// Largest response body in bytes; a bigger answer is RESPONSE_TOO_LARGE (default 8 MiB).
    #[arg(long, env = "SKILLGRAPH_MAX_RESPONSE_BYTES")]
    pub max_response_bytes: Option<usize>,
    /// Seconds before a request is answered 408, HTTP and WebSocket (default 30).
    #[arg(long, env = "SKILLGRAPH_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Largest request body, and WebSocket message, in bytes (default 1 MiB).
    #[arg(long, env = "SKILLGRAPH_BODY_LIMIT_BYTES")]
    pub body_limit_bytes: Option<usize>,
    /// Seconds a WebSocket may take to send connection_init before it is closed with 4408
    /// (default 10).
    #[arg(long, env = "SKILLGRAPH_WS_INIT_TIMEOUT_SECS")]
    pub ws_init_timeout_secs: Option<u64>,
    /// Run only the operations registered with `skillgraph persist` (sent by hash or in full).
    #[arg(long, env = "SKILLGRAPH_PERSISTED_ONLY")]
    pub persisted_only: bool,
    /// Answer every connection with async-graphql's own execution instead of by plan (slower;
    /// for comparing answers).
    #[arg(long, env = "SKILLGRAPH_UNPLANNED")]
    pub unplanned: bool,
    /// Seconds a browser or CDN may reuse a GET answer without asking again (default 0: they
    /// revalidate every time with If-None-Match, answered 304 while the data have not changed).
    #[arg(long, env = "SKILLGRAPH_CACHE_MAX_AGE_SECS")]
    pub cache_max_age_secs: Option<u64>,
    /// A read replica of the PostgreSQL database (repeat the flag for several; the variable
    /// takes a comma-separated list). Queries read from a replica; mutations, and a client's
    /// reads within --read-your-writes-window-secs of its last mutation, use the primary.
    #[arg(
        long,
        env = "SKILLGRAPH_READ_DATABASE_URL",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub read_database_url: Vec<String>,
    /// A replica lagging more than this many seconds behind the primary is skipped until it
    /// catches up (default 5).
    #[arg(long, env = "SKILLGRAPH_REPLICA_MAX_LAG_SECS")]
    pub replica_max_lag_secs: Option<u64>,
    /// Seconds after a client's mutation during which its reads go to the primary; a client is
    /// its Authorization header, per instance (default 0: only the mutation's own request).
    #[arg(long, env = "SKILLGRAPH_READ_YOUR_WRITES_WINDOW_SECS")]
    pub read_your_writes_window_secs: Option<u64>,
    /// Where subscriptions LISTEN for new postings: a session connection to the primary, not
    /// through a transaction-mode pooler (default: --database-url).
    #[arg(long, env = "SKILLGRAPH_LISTEN_DATABASE_URL", hide_env_values = true)]
    pub listen_database_url: Option<String>,
    /// Refuse requests that carry no API key with the `read` scope (or the admin token);
    /// by default anonymous reads are allowed.
    #[arg(long, env = "SKILLGRAPH_REQUIRE_KEY")]
    pub require_key: bool,
    /// Total cost (extensions.cost.requested) of the queries and mutations run at once; more
    /// wait their turn, a request pricier than this runs alone (default 50000).
    #[arg(long, env = "SKILLGRAPH_MAX_COST_IN_FLIGHT")]
    pub max_cost_in_flight: Option<u32>,
    /// Seconds a request waits for its turn before it is refused with OVERLOADED, 503
    /// (default 10).
    #[arg(long, env = "SKILLGRAPH_QUEUE_TIMEOUT_SECS")]
    pub queue_timeout_secs: Option<u64>,
    /// Rows of lookups, list pages and nested pages kept in memory between requests on
    /// PostgreSQL, dropped whenever anything is written (heard by LISTEN); 0 keeps none
    /// (default 16384).
    #[arg(long, env = "SKILLGRAPH_ANSWER_CACHE_ROWS")]
    pub answer_cache_rows: Option<usize>,
}

impl Cli {
    /// Defaults, then the file, then env and flags.
    pub fn config(&self) -> AppResult<Config> {
        let mut layers = Vec::new();
        if let Some(path) = &self.global.config {
            layers.push(ConfigLayer::from_file(path)?);
        }
        layers.push(self.layer());
        Config::build(&layers)
    }

    /// The settings given by environment variables and flags (clap merges those two).
    pub fn layer(&self) -> ConfigLayer {
        let g = &self.global;
        let mut top = ConfigLayer {
            database_url: g.database_url.clone(),
            db_max_connections: g.db_max_connections,
            db_acquire_timeout_secs: g.db_acquire_timeout_secs,
            sqlite_busy_timeout_secs: g.sqlite_busy_timeout_secs,
            pg_pooler: g.pg_pooler.as_deref().map(|p| match p {
                "transaction" => db::Pooler::Transaction,
                _ => db::Pooler::None,
            }),
            ..Default::default()
        };
        if let Command::Serve(s) = &self.command {
            top.bind = s.bind;
            top.admin_token = s
                .admin_token
                .clone()
                .filter(|t| !t.is_empty())
                .map(Secret::new);
            top.max_depth = s.max_depth;
            top.max_complexity = s.max_complexity;
            top.max_fields = s.max_fields;
            top.max_root_fields = s.max_root_fields;
            top.max_aliases = s.max_aliases;
            top.max_selection_fields = s.max_selection_fields;
            top.max_response_bytes = s.max_response_bytes;
            top.request_timeout_secs = s.request_timeout_secs;
            top.body_limit_bytes = s.body_limit_bytes;
            top.ws_init_timeout_secs = s.ws_init_timeout_secs;
            top.persisted_only = s.persisted_only.then_some(true);
            top.unplanned = s.unplanned.then_some(true);
            top.cache_max_age_secs = s.cache_max_age_secs;
            top.read_database_urls =
                (!s.read_database_url.is_empty()).then(|| s.read_database_url.clone());
            top.replica_max_lag_secs = s.replica_max_lag_secs;
            top.read_your_writes_window_secs = s.read_your_writes_window_secs;
            top.listen_database_url = s.listen_database_url.clone();
            top.require_key = s.require_key.then_some(true);
            top.max_cost_in_flight = s.max_cost_in_flight;
            top.queue_timeout_secs = s.queue_timeout_secs;
            top.answer_cache_rows = s.answer_cache_rows;
        }
        top
    }
}

pub async fn run(cli: Cli) -> AppResult<()> {
    if let Command::Schema = cli.command {
        print!("{}", sdl());
        return Ok(());
    }
    let config = cli.config()?;
    let mut conn = db::connect_migrated_with(&config.database_url, &config.pool_options()).await?;
    let metrics = std::sync::Arc::new(crate::metrics::Metrics::default());
    metrics.instrument(&mut conn);
    match cli.command {
        Command::Migrate => {
            tracing::info!("migrations applied");
        }
        Command::Seed => {
            let report = seed::seed_embedded(&conn).await?;
            println!("catalog: {report}");
        }
        Command::Serve(_) => {
            if seed::is_empty(&conn).await? {
                let report = seed::seed_embedded(&conn).await?;
                tracing::info!(%report, "empty database: loaded the curated catalog");
                let n = crate::market::demo::generate_and_write(&conn, 500, 42).await?;
                tracing::info!(
                    postings = n,
                    "empty database: loaded a synthetic job market (source `synthetic`)"
                );
            }
            if config.admin_token.is_none() {
                tracing::warn!(
                    "no admin token configured (SKILLGRAPH_ADMIN_TOKEN): mutations are refused"
                );
            }
            let bind = config.bind;
            let mut state = AppState::new(conn, config);
            state.metrics = metrics;
            state.connect_replicas().await?;
            state.start_listeners();
            let app = http::app(state);
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| AppError::Internal(format!("cannot listen on {bind}: {e}")))?;
            tracing::info!("listening on http://{bind} (GraphiQL at http://{bind}/graphiql)");
            axum::serve(listener, app)
                .with_graceful_shutdown(http::shutdown_signal())
                .await
                .map_err(|e| AppError::Internal(format!("server error: {e}")))?;
        }
        Command::Import(args) => {
            // The crosswalk and skill extraction need the catalog: load it first into an empty
            // database, as serve would.
            if seed::is_empty(&conn).await? {
                let report = seed::seed_embedded(&conn).await?;
                println!("catalog: {report}");
            }
            let (dir, opts_args, is_esco) = match &args.source {
                ImportSource::Esco(a) => (&a.dir, a, true),
                ImportSource::Onet(a) => (&a.dir, a, false),
                ImportSource::Postings { file, source } => {
                    let state = AppState::new(conn, config);
                    let ex = state.extractor.get(&state.db).await?;
                    let report = crate::market::ingest::import_file(
                        &state.db,
                        &state.feed,
                        &ex,
                        file,
                        source.as_deref(),
                    )
                    .await?;
                    for (pos, reason) in &report.errors {
                        eprintln!("{}: {pos}: rejected: {reason}", file.display());
                    }
                    println!("postings: {report}");
                    crate::paths::related::refresh_after_write(&state.db).await;
                    return Ok(());
                }
            };
            let opts = import::ImportOptions {
                release: opts_args.release.clone(),
                progress: true,
            };
            let report = if is_esco {
                import::esco::import(&conn, dir, &opts).await?
            } else {
                import::onet::import(&conn, dir, &opts).await?
            };
            crate::paths::related::refresh_after_write(&conn).await;
            print!("{}", report.summary());
            if opts_args.report {
                print!("{}", report.details());
            }
        }
        Command::Schema => {}
        Command::Persist(args) => {
            // All or nothing: a bad file registers none.
            let txn = crate::db::begin_write(&conn).await?;
            for f in &args.files {
                let text = std::fs::read_to_string(f).map_err(|e| {
                    AppError::Validation(format!("cannot read {}: {e}", f.display()))
                })?;
                let (hash, new) =
                    crate::persisted::register(&txn, &text)
                        .await
                        .map_err(|e| match e {
                            AppError::Validation(m) => {
                                AppError::Validation(format!("{}: {m}", f.display()))
                            }
                            other => other,
                        })?;
                let state = if new {
                    "registered"
                } else {
                    "already registered"
                };
                println!("{hash}  {}  {state}", f.display());
            }
            txn.commit().await?;
        }
        Command::Keys(args) => {
            print!("{}", keys(&conn, &args.action).await?);
        }
        Command::DemoPostings(args) => {
            let n = crate::market::demo::generate_and_write(&conn, args.count, args.seed).await?;
            println!("postings: {n} synthetic postings written (source `synthetic`)");
        }
    }
    Ok(())
}

/// Runs a `keys` command; returns what it prints.
pub async fn keys(db: &sea_orm::DatabaseConnection, action: &KeysAction) -> AppResult<String> {
    use crate::auth::{keys, Budget, Scopes};
    use std::fmt::Write;

    let mut out = String::new();
    match action {
        KeysAction::Create {
            name,
            scopes,
            budget,
            window_secs,
        } => {
            let new = keys::NewKey {
                name: name.clone(),
                scopes: Scopes::parse(scopes)?,
                budget: budget.map(|points| Budget {
                    points,
                    window_secs: window_secs.unwrap_or(keys::DEFAULT_WINDOW_SECS),
                }),
            };
            let (id, secret) = keys::create(db, &new).await?;
            let _ = writeln!(out, "created API key {id} ({}): {}", new.name, new.scopes);
            let _ = writeln!(out, "{secret}");
            let _ = writeln!(
                out,
                "Keep it now: it is not stored and cannot be shown again. \
                 Send it as `Authorization: Bearer <key>`."
            );
        }
        KeysAction::List => {
            let _ = writeln!(
                out,
                "{:>4}  {:<24}  {:<14}  {:<40}  {:<16}  {:<20}  status",
                "id", "name", "key", "scopes", "budget", "last used"
            );
            for k in keys::list(db).await? {
                let budget = k
                    .budget
                    .map(|b| format!("{}/{}s", b.points, b.window_secs))
                    .unwrap_or_else(|| "unmetered".into());
                let used = k
                    .last_used_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_else(|| "never".into());
                let status = match k.revoked_at {
                    Some(t) => format!("revoked {}", t.format("%Y-%m-%d %H:%M:%S")),
                    None => "active".into(),
                };
                let _ = writeln!(
                    out,
                    "{:>4}  {:<24}  {:<14}  {:<40}  {:<16}  {:<20}  {status}",
                    k.id,
                    k.name,
                    k.shown,
                    k.scopes.to_string(),
                    budget,
                    used
                );
            }
        }
        KeysAction::Revoke { id } => {
            let k = keys::revoke(db, *id).await?;
            let _ = writeln!(out, "revoked API key {} ({})", k.id, k.name);
        }
    }
    Ok(out)
}
