//! What every request can reach: the database pool and the configuration.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    catalog::titles::TitleCache,
    config::Config,
    error::AppResult,
    market::{extract::ExtractCache, feed::Feed},
    metrics::Metrics,
    search::SearchCache,
    store::{answers::Answers, route::DbRoute},
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// This instance's search index (shared by its requests, refreshed from the database).
    pub search: Arc<SearchCache>,
    /// This instance's skill extractor (rebuilt like the search index).
    pub extractor: Arc<ExtractCache>,
    /// This instance's job-title index (rebuilt like the search index).
    pub titles: Arc<TitleCache>,
    /// New postings, for subscriptions.
    pub feed: Arc<Feed>,
    /// Persisted operations (the store is the database; this is the instance's cache).
    pub persisted: Arc<crate::persisted::PersistedOps>,
    /// The primary and the read replicas. `db` is the primary, except in the copy of the state
    /// a read request runs with (see [`AppState::for_read`]).
    pub route: Arc<DbRoute>,
    /// Lookups and pages kept between requests (see [`crate::store::answers`]).
    pub answers: Arc<Answers>,
}

impl AppState {
    /// Builds the state without side effects; a server calls [`AppState::start_listeners`] too.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        let feed = Arc::new(Feed::new(db.get_database_backend()));
        let answers = Arc::new(Answers::for_db(config.answer_rows(), &db));
        AppState {
            route: Arc::new(DbRoute::primary_only(db.clone())),
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            search: Arc::new(SearchCache::default()),
            extractor: Arc::new(ExtractCache::default()),
            titles: Arc::new(TitleCache::default()),
            feed,
            persisted: Arc::default(),
            answers,
        }
    }

    /// Starts this instance's LISTEN tasks (PostgreSQL only; a no-op on SQLite): for new
    /// postings, so subscribers hear postings written through any instance, and for the writes
    /// that make kept answers stale. Call it inside a tokio runtime.
    pub fn start_listeners(&self) {
        self.feed.listen(self.config.listen_url());
        self.answers
            .listen(self.config.listen_url(), &self.config.database_url);
    }

    /// Connects the configured read replicas (lazily: one that is down is only marked down),
    /// checks them once and keeps checking them in the background. Call it inside a tokio
    /// runtime, before the state is shared.
    pub async fn connect_replicas(&mut self) -> AppResult<()> {
        if self.config.read_database_urls.is_empty() {
            return Ok(());
        }
        let replicas =
            DbRoute::connect_replicas(&self.config.read_database_urls, &self.config.pool_options())
                .await?;
        let route = Arc::new(DbRoute::new(
            self.db.clone(),
            replicas,
            self.config.replica_max_lag,
            self.config.read_your_writes_window,
        ));
        route.check().await;
        route.start_checks();
        self.route = route;
        Ok(())
    }

    /// The state a read-only request runs with: `db` is the reader chosen for `client` (its
    /// credentials), and which replica it is (`None`: the primary).
    pub fn for_read(&self, client: Option<&str>) -> (AppState, Option<usize>) {
        let reader = self.route.reader(client);
        let mut state = self.clone();
        if reader.replica.is_some() {
            state.db = reader.conn;
        }
        (state, reader.replica)
    }
}
