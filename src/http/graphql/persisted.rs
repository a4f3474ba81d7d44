//! Apollo's automatic persisted queries over POST and GET: `extensions.persistedQuery`
//! `{ version: 1, sha256Hash }` names the document by hash, with or without its text
//! (see `crate::persisted` for the modes and the store).
use axum::{http::StatusCode, response::Response};

use super::{
    errors::{bad_request, coded, request_error},
    media::MediaType,
};
use crate::{http::HttpState, persisted::Ask};

/// The hash in `extensions.persistedQuery`, if any; a malformed one is a message.
pub(super) fn persisted_hash(
    extensions: Option<&serde_json::Value>,
) -> Result<Option<String>, &'static str> {
    let Some(pq) = extensions.and_then(|e| e.get("persistedQuery")) else {
        return Ok(None);
    };
    let Some(pq) = pq.as_object() else {
        return Err("`extensions.persistedQuery` must be an object");
    };
    if pq.get("version").and_then(|v| v.as_i64()) != Some(1) {
        return Err("`extensions.persistedQuery.version` must be 1");
    }
    match pq.get("sha256Hash").and_then(|h| h.as_str()) {
        Some(h) => Ok(Some(h.to_owned())),
        None => Err("`extensions.persistedQuery.sha256Hash` must be a string"),
    }
}

/// The document a request runs: its text, the stored one for its hash, or a coded refusal.
pub(super) async fn document(
    s: &HttpState,
    media: MediaType,
    query: Option<String>,
    hash: Option<String>,
) -> Result<String, Response> {
    let metrics = &s.app.metrics;
    if query.is_none() && hash.is_none() {
        return Err(bad_request(metrics, media, "`query` is required"));
    }
    let ask = Ask { hash, query };
    match s
        .app
        .persisted
        .resolve(&s.app.db, ask, s.app.config.persisted_only)
        .await
    {
        Ok(Ok(q)) => Ok(q),
        Ok(Err(refusal)) => Err(request_error(
            metrics,
            media.request_error_status(),
            media,
            vec![coded(refusal.message(), refusal.code())],
        )),
        Err(e) => {
            tracing::error!(error = %e.detail(), "persisted operation store");
            Err(request_error(
                metrics,
                StatusCode::SERVICE_UNAVAILABLE,
                media,
                vec![coded("the operation store is unavailable", e.code())],
            ))
        }
    }
}
