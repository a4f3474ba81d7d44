//! GraphQL over HTTP, following the GraphQL-over-HTTP spec: POST and GET, `Accept` negotiation
//! (application/graphql-response+json or application/json), 4xx for requests that cannot be
//! parsed or validated (with no `data`), 405 for mutations over GET, 415 for bodies that are
//! not JSON.
use std::collections::HashMap;

use async_graphql::{
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
    ServerError, Value, Variables,
};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{
    config::Secret,
    graphql::{
        guard::{token_matches, Auth},
        loaders::Loaders,
    },
    http::HttpState,
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response type from `Accept`, honouring q-values; none acceptable → `None` (406).
/// With no `Accept` header, answer application/json as the spec asks for legacy clients.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    if accept.trim().is_empty() {
        return Some(MediaType::Json);
    }
    let mut best: Option<(f32, MediaType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let ty = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in pieces {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        let media = match ty.as_str() {
            GRAPHQL_RESPONSE_JSON | "*/*" | "application/*" => MediaType::GraphqlResponseJson,
            JSON => MediaType::Json,
            _ => continue,
        };
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostBody {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
    #[allow(dead_code)]
    extensions: Option<serde_json::Value>,
}

fn json_response(status: StatusCode, media: MediaType, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    resp
}

/// A request error: no `data` entry, just errors with a code.
fn request_error(status: StatusCode, media: MediaType, errors: Vec<ServerError>) -> Response {
    let errors: Vec<serde_json::Value> = errors
        .into_iter()
        .map(|e| {
            let code = request_error_code(&e.message);
            let mut v = serde_json::to_value(&e)
                .unwrap_or_else(|_| serde_json::json!({ "message": e.message }));
            if let Some(obj) = v.as_object_mut() {
                let ext = obj
                    .entry("extensions")
                    .or_insert_with(|| serde_json::json!({}));
                if let Some(ext) = ext.as_object_mut() {
                    ext.entry("code").or_insert_with(|| code.into());
                }
            }
            v
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "errors": errors })).unwrap_or_default();
    json_response(status, media, body)
}

fn simple_error(status: StatusCode, media: MediaType, message: &str) -> Response {
    request_error(status, media, vec![ServerError::new(message, None)])
}

fn request_error_code(message: &str) -> &'static str {
    if message.starts_with("Query is too complex") {
        "QUERY_TOO_COMPLEX"
    } else if message.starts_with("Query is nested too deep") {
        "QUERY_TOO_DEEP"
    } else if message.contains("Parse error") || message.starts_with(" --> ") {
        "GRAPHQL_PARSE_FAILED"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    }
}

/// True when the operation that would run is a mutation.
fn is_mutation(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    match &doc.operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => match operation_name {
            Some(name) => ops
                .iter()
                .any(|(n, op)| n.as_str() == name && op.node.ty == OperationType::Mutation),
            None => false,
        },
    }
}

fn auth(headers: &HeaderMap, token: Option<&Secret>) -> Auth {
    let Some(token) = token else {
        return Auth {
            token_configured: false,
            is_admin: false,
        };
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    Auth {
        token_configured: true,
        is_admin: given.is_some_and(|g| token_matches(g, token.expose())),
    }
}

struct Incoming {
    query: String,
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
}

async fn execute(
    s: HttpState,
    headers: &HeaderMap,
    media: MediaType,
    inc: Incoming,
    is_get: bool,
) -> Response {
    let variables = match inc.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => {
            return simple_error(
                StatusCode::BAD_REQUEST,
                media,
                "`variables` must be a JSON object",
            )
        }
    };
    let mut req = async_graphql::Request::new(inc.query).variables(variables);
    if let Some(op) = &inc.operation_name {
        req = req.operation_name(op.clone());
    }
    match req.parsed_query() {
        Err(e) => return request_error(StatusCode::BAD_REQUEST, media, vec![e]),
        Ok(doc) => {
            if is_get && is_mutation(doc, inc.operation_name.as_deref()) {
                let mut resp = simple_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    media,
                    "mutations are only accepted over POST",
                );
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                return resp;
            }
        }
    }
    let req = req
        .data(Loaders::new(&s.app.db))
        .data(auth(headers, s.app.config.admin_token.as_ref()));
    s.app
        .metrics
        .graphql_requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let resp = s.schema.execute(req).await;
    // Errors before execution (validation, limits, unknown operation) have no path and no data.
    if resp.data == Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty())
    {
        return request_error(StatusCode::BAD_REQUEST, media, resp.errors);
    }
    match serde_json::to_vec(&resp) {
        Ok(body) => json_response(StatusCode::OK, media, body),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            simple_error(StatusCode::INTERNAL_SERVER_ERROR, media, "internal error")
        }
    }
}

pub async fn post_graphql(State(s): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(media) = negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        )
            .into_response();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if content_type.as_deref() != Some(JSON) {
        return simple_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "POST bodies must be application/json",
        );
    }
    let parsed: PostBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return simple_error(
                StatusCode::BAD_REQUEST,
                media,
                &format!("body is not a GraphQL request: {e}"),
            )
        }
    };
    let Some(query) = parsed.query.filter(|q| !q.trim().is_empty()) else {
        return simple_error(StatusCode::BAD_REQUEST, media, "`query` is required");
    };
    let inc = Incoming {
        query,
        operation_name: parsed.operation_name,
        variables: parsed.variables,
    };
    execute(s, &headers, media, inc, false).await
}

pub async fn get_graphql(
    State(s): State<HttpState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        )
            .into_response();
    };
    let params: HashMap<String, String> =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
            Ok(p) => p,
            Err(e) => {
                return simple_error(
                    StatusCode::BAD_REQUEST,
                    media,
                    &format!("bad query string: {e}"),
                )
            }
        };
    let Some(query) = params
        .get("query")
        .filter(|q| !q.trim().is_empty())
        .cloned()
    else {
        return simple_error(
            StatusCode::BAD_REQUEST,
            media,
            "`query` parameter is required",
        );
    };
    let variables = match params.get("variables") {
        None => None,
        Some(v) => match serde_json::from_str(v) {
            Ok(v) => Some(v),
            Err(e) => {
                return simple_error(
                    StatusCode::BAD_REQUEST,
                    media,
                    &format!("`variables` is not JSON: {e}"),
                )
            }
        },
    };
    let inc = Incoming {
        query,
        operation_name: params
            .get("operationName")
            .filter(|s| !s.is_empty())
            .cloned(),
        variables,
    };
    execute(s, &headers, media, inc, true).await
}

/// GraphQL subscriptions over WebSocket (graphql-transport-ws, or the older graphql-ws), each
/// connection with its own loaders.
pub async fn subscriptions(
    State(s): State<HttpState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    let schema = s.schema.clone();
    let mut data = async_graphql::Data::default();
    data.insert(Loaders::new(&s.app.db));
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            async_graphql_axum::GraphQLWebSocket::new(socket, schema, protocol)
                .with_data(data)
                .serve()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(accept: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(
            header::ACCEPT,
            HeaderValue::from_str(accept).expect("header"),
        );
        m
    }

    #[test]
    fn negotiates_accept() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(negotiate(&h("application/json")), Some(MediaType::Json));
        assert_eq!(
            negotiate(&h(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphqlResponseJson)
        );
        assert_eq!(
            negotiate(&h(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&h("*/*")), Some(MediaType::GraphqlResponseJson));
        assert_eq!(negotiate(&h("text/html")), None);
    }
}
