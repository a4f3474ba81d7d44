//! A value built from the graph and kept per instance until the database's graph version moves
//! (the search index, the skill extractor). While one request rebuilds it, the others keep the
//! previous value rather than wait (they wait only when there is none yet).
use std::{
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use sea_orm::DatabaseConnection;
use tokio::sync::{Mutex, RwLock};

use crate::error::{AppError, AppResult};

/// A value built for one graph version.
pub trait Versioned: Send + Sync + 'static {
    fn version(&self) -> i64;
}

pub struct VersionedCache<T> {
    current: Arc<RwLock<Option<Arc<T>>>>,
    rebuild: Arc<Mutex<()>>,
    rebuilds: Arc<AtomicU64>,
}

impl<T> Default for VersionedCache<T> {
    fn default() -> Self {
        VersionedCache {
            current: Arc::new(RwLock::new(None)),
            rebuild: Arc::new(Mutex::new(())),
            rebuilds: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl<T: Versioned> VersionedCache<T> {
    /// The value as of the database's current graph version, built by `load` when missing.
    pub async fn get<F, Fut>(&self, db: &DatabaseConnection, load: F) -> AppResult<Arc<T>>
    where
        F: FnOnce(DatabaseConnection, i64) -> Fut + Send + 'static,
        Fut: Future<Output = AppResult<T>> + Send + 'static,
    {
        let v = super::version(db).await?;
        let stale = match self.current.read().await.as_ref() {
            // Newer than asked for: a read on a replica that lags behind a primary this
            // instance already read keeps the newer value instead of rebuilding an older one.
            Some(x) if x.version() >= v => return Ok(Arc::clone(x)),
            Some(x) => Some(Arc::clone(x)),
            None => None,
        };
        let guard = match (Arc::clone(&self.rebuild).try_lock_owned(), stale) {
            (Ok(g), _) => g,
            (Err(_), Some(old)) => return Ok(old),
            (Err(_), None) => Arc::clone(&self.rebuild).lock_owned().await,
        };
        if let Some(x) = self.current.read().await.as_ref() {
            if x.version() == v {
                return Ok(Arc::clone(x));
            }
        }
        // The build runs as a task of its own and stores its result, so a request that times
        // out or goes away does not waste it (nor start it over).
        let (db, current, rebuilds) = (
            db.clone(),
            Arc::clone(&self.current),
            Arc::clone(&self.rebuilds),
        );
        let task = tokio::spawn(async move {
            let _guard = guard;
            let built = Arc::new(load(db, v).await?);
            rebuilds.fetch_add(1, Ordering::Relaxed);
            *current.write().await = Some(Arc::clone(&built));
            Ok::<_, AppError>(built)
        });
        task.await
            .map_err(|e| AppError::Internal(format!("cache build failed: {e}")))?
    }

    /// How many times the value was built.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds.load(Ordering::Relaxed)
    }
}
