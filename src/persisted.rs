//! Persisted operations: a GraphQL document known by the SHA-256 of its exact text (hex), as in
//! Apollo's automatic persisted queries. The store is the database (`persisted_operation`), so
//! every instance knows what any of them learnt; each instance keeps a bounded cache in front.
//!
//! Two modes:
//! - open (default): a client may send only the hash; an unknown hash answers "not found" and
//!   the client sends hash and document once, which is then remembered;
//! - persisted-only (`--persisted-only`): only documents registered with `skillgraph persist`
//!   run, sent as a hash or in full; anything else is refused.
use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

use lru::LruCache;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::{Digest, Sha256};

use crate::{
    error::{AppError, AppResult},
    store::persisted as store,
};

/// Documents an instance keeps in memory.
const CACHE_ENTRIES: usize = 4_096;

/// The SHA-256 of a document's text, lower-case hex.
pub fn hash(document: &str) -> String {
    hex::encode(Sha256::digest(document.as_bytes()))
}

/// What a request names: a hash, a document, or both.
#[derive(Debug, Default)]
pub struct Ask {
    pub hash: Option<String>,
    pub query: Option<String>,
}

/// Why a request's document is not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is unknown: send the document with it (APQ's `PersistedQueryNotFound`).
    NotFound,
    /// The document's hash is not the one given.
    HashMismatch,
    /// Persisted-only mode and the document is not registered.
    NotAllowed,
    /// Not a SHA-256 in hex.
    BadHash,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Refusal::HashMismatch => "PERSISTED_QUERY_HASH_MISMATCH",
            Refusal::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Refusal::BadHash => "BAD_REQUEST",
        }
    }

    /// The message; `PersistedQueryNotFound` is what Apollo clients look for.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotFound => "PersistedQueryNotFound",
            Refusal::HashMismatch => "provided sha256Hash does not match the query",
            Refusal::NotAllowed => {
                "only registered operations run on this server (skillgraph persist)"
            }
            Refusal::BadHash => "sha256Hash must be 64 hexadecimal characters",
        }
    }
}

#[derive(Clone)]
struct Stored {
    query: Arc<str>,
    registered: bool,
}

/// An instance's view of the store.
pub struct PersistedOps {
    cache: Mutex<LruCache<String, Stored>>,
}

impl Default for PersistedOps {
    fn default() -> Self {
        PersistedOps {
            cache: Mutex::new(LruCache::new(
                NonZeroUsize::new(CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl PersistedOps {
    /// The document to run for `ask`, or why none runs.
    pub async fn resolve(
        &self,
        db: &DatabaseConnection,
        ask: Ask,
        persisted_only: bool,
    ) -> AppResult<Result<String, Refusal>> {
        let given = match ask.hash {
            Some(h) => {
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Ok(Err(Refusal::BadHash));
                }
                Some(h.to_ascii_lowercase())
            }
            None => None,
        };
        match (given, ask.query) {
            (None, None) => Err(AppError::Validation("`query` is required".into())),
            (None, Some(q)) if !persisted_only => Ok(Ok(q)),
            (None, Some(q)) => Ok(match self.lookup(db, &hash(&q), true).await? {
                Some(s) if s.registered => Ok(q),
                _ => Err(Refusal::NotAllowed),
            }),
            (Some(h), Some(q)) => {
                if hash(&q) != h {
                    return Ok(Err(Refusal::HashMismatch));
                }
                if persisted_only {
                    return Ok(match self.lookup(db, &h, true).await? {
                        Some(s) if s.registered => Ok(q),
                        _ => Err(Refusal::NotAllowed),
                    });
                }
                if self.lookup(db, &h, false).await?.is_none() {
                    store::upsert(db, &h, &q, false).await?;
                    self.put(&h, Arc::from(q.as_str()), false);
                }
                Ok(Ok(q))
            }
            (Some(h), None) => Ok(match self.lookup(db, &h, persisted_only).await? {
                Some(s) if s.registered || !persisted_only => Ok(s.query.to_string()),
                _ => Err(Refusal::NotFound),
            }),
        }
    }

    /// The stored document: from the cache, else the database. With `registered`, a cached
    /// unregistered entry is read again (another instance may have registered it since).
    async fn lookup(
        &self,
        db: &DatabaseConnection,
        h: &str,
        registered: bool,
    ) -> AppResult<Option<Stored>> {
        if let Some(s) = self.cached(h) {
            if s.registered || !registered {
                return Ok(Some(s));
            }
        }
        let Some((query, registered)) = store::find(db, h).await? else {
            return Ok(None);
        };
        let stored = Stored {
            query: Arc::from(query),
            registered,
        };
        self.put(h, Arc::clone(&stored.query), registered);
        Ok(Some(stored))
    }

    fn cached(&self, h: &str) -> Option<Stored> {
        self.cache.lock().ok()?.get(h).cloned()
    }

    fn put(&self, h: &str, query: Arc<str>, registered: bool) {
        if let Ok(mut c) = self.cache.lock() {
            c.put(h.to_owned(), Stored { query, registered });
        }
    }
}

/// Registers a document for persisted-only mode (idempotent); its hash, and whether it was new
/// to the allow-list.
pub async fn register(db: &impl ConnectionTrait, document: &str) -> AppResult<(String, bool)> {
    if document.trim().is_empty() {
        return Err(AppError::Validation("empty document".into()));
    }
    async_graphql::parser::parse_query(document)
        .map_err(|e| AppError::Validation(format!("not a GraphQL document: {e}")))?;
    let h = hash(document);
    let before = store::find(db, &h).await?.map(|(_, r)| r);
    store::upsert(db, &h, document, true).await?;
    Ok((h, before != Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_hex_of_the_exact_text() {
        // sha256("{ __typename }")
        assert_eq!(
            hash("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
        assert_ne!(hash("{ __typename }"), hash("{ __typename }\n"));
    }
}
