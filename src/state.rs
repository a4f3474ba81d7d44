//! What every request can reach: the database pool and the configuration.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{config::Config, metrics::Metrics, search::SearchCache};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// This instance's search index (shared by its requests, refreshed from the database).
    pub search: Arc<SearchCache>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            search: Arc::new(SearchCache::default()),
        }
    }
}
