//! What every request can reach: the database pool and the configuration.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    catalog::titles::TitleCache,
    config::Config,
    market::{extract::ExtractCache, feed::Feed},
    metrics::Metrics,
    search::SearchCache,
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
}

impl AppState {
    /// Builds the state without side effects; a server calls [`AppState::start_feed`] too.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        let feed = Arc::new(Feed::new(db.get_database_backend()));
        AppState {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            search: Arc::new(SearchCache::default()),
            extractor: Arc::new(ExtractCache::default()),
            titles: Arc::new(TitleCache::default()),
            feed,
            persisted: Arc::default(),
        }
    }

    /// Starts this instance's LISTEN task for new postings (PostgreSQL only; a no-op on SQLite),
    /// so subscribers hear postings written through any instance. Call it inside a tokio runtime.
    pub fn start_feed(&self) {
        self.feed.listen(&self.config.database_url);
    }
}
