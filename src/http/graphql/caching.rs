//! HTTP caching of GET answers: an `ETag` from the data version (moved by every write and
//! import, on any instance) and the response type, `Cache-Control`, and `304 Not Modified` on a
//! matching `If-None-Match` without running the query. Only answers without errors are
//! cacheable; POST answers are not.
use std::time::Duration;

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
};

use super::media::MediaType;
use crate::store::version::data_version;

/// Marks a response whose body has no errors (set by the executor).
#[derive(Clone, Copy)]
pub(super) struct Clean;

/// The validator of GET answers now: `W/"d<data version>-<media>"`. `None` when the version
/// cannot be read (the answer is then simply not cacheable).
pub(super) async fn etag(db: &sea_orm::DatabaseConnection, media: MediaType) -> Option<String> {
    let v = data_version(db).await.ok()?;
    let m = match media {
        MediaType::GraphqlResponseJson => "g",
        MediaType::Json => "j",
    };
    Some(format!("W/\"d{v}-{m}\""))
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for this header).
pub(super) fn matches(headers: &HeaderMap, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let want = bare(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == want)
}

fn cache_control(headers: &HeaderMap, max_age: Duration) -> HeaderValue {
    // A request with credentials may see more than an anonymous one: only the browser keeps it.
    let scope = if headers.contains_key(header::AUTHORIZATION) {
        "private"
    } else {
        "public"
    };
    let v = if max_age.is_zero() {
        format!("{scope}, no-cache")
    } else {
        format!("{scope}, max-age={}", max_age.as_secs())
    };
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("no-cache"))
}

fn set_validators(resp: &mut Response, tag: &str, req: &HeaderMap, max_age: Duration) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, cache_control(req, max_age));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    );
}

/// `304 Not Modified` for `tag`.
pub(super) fn not_modified(tag: &str, req: &HeaderMap, max_age: Duration) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NOT_MODIFIED;
    set_validators(&mut resp, tag, req, max_age);
    resp
}

/// Adds the validators to a clean 200 answer; anything else is marked `no-store`.
pub(super) fn decorate(
    mut resp: Response,
    tag: Option<&str>,
    req: &HeaderMap,
    max_age: Duration,
) -> Response {
    let clean = resp.extensions().get::<Clean>().is_some();
    match tag {
        Some(tag) if clean && resp.status() == StatusCode::OK => {
            set_validators(&mut resp, tag, req, max_age)
        }
        _ => {
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    resp
}
