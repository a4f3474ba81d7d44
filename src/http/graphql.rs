//! GraphQL over HTTP, following the GraphQL-over-HTTP spec: POST and GET, `Accept` negotiation
//! (application/graphql-response+json or application/json), request errors (parse, validation,
//! variables) as 4xx without `data` under application/graphql-response+json and as 200 under
//! legacy application/json, 405 for mutations over GET, 415 for bodies that are not JSON.
//!
//! Before anything is validated the parsed document is measured with its fragments expanded
//! ([`check_budget`]) and priced; validation and execution then run under the request timeout.
use std::{collections::HashMap, time::Instant};

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
        cost::{check_budget, BudgetError, ExtraCost},
        guard::{token_matches, Auth},
        loaders::Loaders,
    },
    http::HttpState,
    metrics::Metrics,
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MediaType {
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

    /// The status of a request error (parse, validation, variables, limits): 400 under
    /// application/graphql-response+json; 200 under legacy application/json, as the spec asks.
    fn request_error_status(self) -> StatusCode {
        match self {
            MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            MediaType::Json => StatusCode::OK,
        }
    }
}

/// Picks the response type from `Accept`, honouring q-values; none acceptable → `None` (406).
/// With no `Accept` header, or a wildcard, answer application/json as the spec asks for
/// legacy clients.
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
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponseJson,
            JSON | "*/*" | "application/*" => MediaType::Json,
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
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

fn json_response(status: StatusCode, media: MediaType, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    resp
}

/// One error as JSON, with `extensions.code` (the given one unless it already has one).
fn error_json(e: &ServerError, code: &str) -> serde_json::Value {
    let mut v =
        serde_json::to_value(e).unwrap_or_else(|_| serde_json::json!({ "message": e.message }));
    if let Some(obj) = v.as_object_mut() {
        let ext = obj
            .entry("extensions")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(ext) = ext.as_object_mut() {
            ext.entry("code").or_insert_with(|| code.into());
        }
    }
    v
}

fn code_of(e: &ServerError) -> Option<String> {
    e.extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
}

/// A request error: no `data` entry, just errors with a code.
fn request_error(
    metrics: &Metrics,
    status: StatusCode,
    media: MediaType,
    errors: Vec<ServerError>,
) -> Response {
    let errors: Vec<serde_json::Value> = errors
        .iter()
        .map(|e| {
            let code = code_of(e).unwrap_or_else(|| request_error_code(&e.message).to_owned());
            metrics.errors.with_label_values(&[code.as_str()]).inc();
            error_json(e, &code)
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "errors": errors })).unwrap_or_default();
    json_response(status, media, body)
}

fn coded(message: impl Into<String>, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

fn bad_request(metrics: &Metrics, media: MediaType, message: &str) -> Response {
    request_error(
        metrics,
        StatusCode::BAD_REQUEST,
        media,
        vec![coded(message, "BAD_REQUEST")],
    )
}

fn not_acceptable(metrics: &Metrics) -> Response {
    request_error(
        metrics,
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        vec![coded(
            "accept application/graphql-response+json or application/json",
            "NOT_ACCEPTABLE",
        )],
    )
}

/// The code of an error raised before execution, from async-graphql's message.
fn request_error_code(message: &str) -> &'static str {
    if message.starts_with("Query is too complex") {
        "QUERY_TOO_COMPLEX"
    } else if message.starts_with("Query is nested too deep") {
        "QUERY_TOO_DEEP"
    } else if message.contains("Parse error") || message.starts_with(" --> ") {
        "GRAPHQL_PARSE_FAILED"
    } else if message.starts_with("Invalid value for argument")
        || message.starts_with("Variable")
        || message.contains("variable")
    {
        "BAD_USER_INPUT"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    }
}

/// The code of an execution error that has none (argument or scalar parsing inside
/// async-graphql); resolver errors carry theirs already.
fn execution_error_code(message: &str) -> &'static str {
    if message.starts_with("Failed to parse")
        || message.starts_with("Invalid value")
        || message.contains("Invalid value for argument")
    {
        "BAD_USER_INPUT"
    } else {
        "INTERNAL"
    }
}

/// A parse error without the echo of the offending line (async-graphql's message repeats the
/// source line: 900 KB in, 1.8 MB out): what was expected, and where.
fn parse_error(e: ServerError) -> ServerError {
    let expected = e
        .message
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(|s| s.chars().take(200).collect::<String>());
    let message = match (expected, e.locations.first()) {
        (Some(x), Some(p)) => format!("syntax error at line {}, column {}: {x}", p.line, p.column),
        (Some(x), None) => format!("syntax error: {x}"),
        (None, Some(p)) => format!("syntax error at line {}, column {}", p.line, p.column),
        (None, None) => "syntax error".to_owned(),
    };
    let mut out = coded(message, "GRAPHQL_PARSE_FAILED");
    out.locations = e.locations;
    out
}

/// The operation that would run: the named one, or the only one.
fn chosen_operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'a str>, OperationType)> {
    match &doc.operations {
        DocumentOperations::Single(op) => Some((None, op.node.ty)),
        DocumentOperations::Multiple(ops) => match operation_name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(n, op)| (Some(n.as_str()), op.node.ty)),
            // A document with one named operation runs it without `operationName`.
            None if ops.len() == 1 => ops
                .iter()
                .next()
                .map(|(n, op)| (Some(n.as_str()), op.node.ty)),
            None => None,
        },
    }
}

/// True when the operation that would run is a mutation; also when the choice is ambiguous
/// and any operation of the document is one (it is refused anyway, GET never writes).
fn is_mutation(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    match chosen_operation(doc, operation_name) {
        Some((_, ty)) => ty == OperationType::Mutation,
        None => doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation),
    }
}

/// Reads `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110).
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
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
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

/// A label for the duration histogram: the operation's name when it is a plain short name,
/// `-` when anonymous, `other` for anything else (labels stay few).
fn operation_label(name: Option<&str>) -> String {
    match name {
        None => "-".to_owned(),
        Some(n) if n.len() <= 48 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            n.to_owned()
        }
        Some(_) => "other".to_owned(),
    }
}

fn budget_error(e: BudgetError) -> ServerError {
    coded(e.message, e.code)
}

/// A request refused before validation: the status and the error.
pub(crate) type Refused = Box<(StatusCode, ServerError)>;

/// Checks a request before it is validated: parse errors, the budget, and (over GET) that it
/// does not write. On success the request carries its extra cost.
pub(crate) fn precheck(
    req: &mut async_graphql::Request,
    limits: &crate::graphql::cost::BudgetLimits,
    is_get: bool,
) -> Result<(Option<String>, ExtraCost), Refused> {
    let operation_name = req.operation_name.clone();
    let variables = req.variables.clone();
    let doc = match req.parsed_query() {
        Ok(doc) => doc,
        Err(e) => return Err(Box::new((StatusCode::BAD_REQUEST, parse_error(e)))),
    };
    if is_get && is_mutation(doc, operation_name.as_deref()) {
        return Err(Box::new((
            StatusCode::METHOD_NOT_ALLOWED,
            coded(
                "mutations are only accepted over POST",
                "METHOD_NOT_ALLOWED",
            ),
        )));
    }
    let label = chosen_operation(doc, operation_name.as_deref())
        .and_then(|(n, _)| n)
        .map(str::to_owned);
    match check_budget(doc, operation_name.as_deref(), &variables, limits) {
        Ok(m) => Ok((
            label,
            ExtraCost(usize::try_from(m.price).unwrap_or(usize::MAX)),
        )),
        Err(e) => Err(Box::new((StatusCode::BAD_REQUEST, budget_error(e)))),
    }
}

/// Runs validation and execution under `timeout`; `None` when the time ran out. Validation is
/// CPU-bound and never yields, so the timer cannot interrupt it: it is kept short by
/// [`precheck`], which refuses oversized documents before it. Execution yields at every
/// database call and is cancelled when the time is up; CPU-heavy builds (search index,
/// extractor) run on blocking threads. (Execution stays on the async workers: DataLoader
/// batches by a 1 ms window, which a separate thread would split.)
pub(crate) async fn run_bounded(
    schema: crate::graphql::schema::AppSchema,
    req: async_graphql::Request,
    timeout: std::time::Duration,
) -> Option<async_graphql::Response> {
    tokio::time::timeout(timeout, schema.execute(req))
        .await
        .ok()
}

pub(crate) fn timeout_error() -> ServerError {
    coded("the request took longer than the server allows", "TIMEOUT")
}

async fn execute(
    s: HttpState,
    headers: &HeaderMap,
    media: MediaType,
    inc: Incoming,
    is_get: bool,
) -> Response {
    let metrics = &s.app.metrics;
    let started = Instant::now();
    let variables = match inc.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => return bad_request(metrics, media, "`variables` must be a JSON object"),
    };
    let mut req = async_graphql::Request::new(inc.query).variables(variables);
    if let Some(op) = &inc.operation_name {
        req = req.operation_name(op.clone());
    }
    let (label, extra) = match precheck(&mut req, &s.app.config.budget, is_get) {
        Ok(x) => x,
        Err(err) => {
            let (status, e) = *err;
            let status = if status == StatusCode::METHOD_NOT_ALLOWED {
                status
            } else {
                media.request_error_status()
            };
            let mut resp = request_error(metrics, status, media, vec![e]);
            if status == StatusCode::METHOD_NOT_ALLOWED {
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            return resp;
        }
    };
    let req = req
        .data(Loaders::new(&s.app.db))
        .data(extra)
        .data(auth(headers, s.app.config.admin_token.as_ref()));
    metrics.graphql_requests.inc();
    let resp = run_bounded(s.schema.clone(), req, s.app.config.request_timeout).await;
    let label = operation_label(label.as_deref());
    metrics
        .request_duration
        .with_label_values(&[label.as_str()])
        .observe(started.elapsed().as_secs_f64());
    let Some(mut resp) = resp else {
        tracing::warn!(operation = %label, "GraphQL request timed out");
        return request_error(
            metrics,
            StatusCode::REQUEST_TIMEOUT,
            media,
            vec![timeout_error()],
        );
    };
    // Errors before execution (validation, limits, unknown operation) have no path and no data.
    if resp.data == Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty())
    {
        return request_error(metrics, media.request_error_status(), media, resp.errors);
    }
    for e in &mut resp.errors {
        let code = match code_of(e) {
            Some(c) => c,
            None => {
                let c = execution_error_code(&e.message);
                let mut ext = e.extensions.take().unwrap_or_default();
                ext.set("code", c);
                e.extensions = Some(ext);
                c.to_owned()
            }
        };
        if code == "UNAVAILABLE" {
            metrics.pool_timeouts.inc();
            metrics.sql_errors.inc();
        }
        metrics.errors.with_label_values(&[code.as_str()]).inc();
    }
    match serde_json::to_vec(&resp) {
        Ok(body) if body.len() <= s.app.config.max_response_bytes => {
            json_response(StatusCode::OK, media, body)
        }
        Ok(body) => {
            tracing::warn!(bytes = body.len(), operation = %label, "response too large");
            let e = coded(
                format!(
                    "the response would be {} bytes, over the limit of {}: ask for less",
                    body.len(),
                    s.app.config.max_response_bytes
                ),
                "RESPONSE_TOO_LARGE",
            );
            metrics
                .errors
                .with_label_values(&["RESPONSE_TOO_LARGE"])
                .inc();
            let body = serde_json::to_vec(&serde_json::json!({
                "data": null,
                "errors": [error_json(&e, "RESPONSE_TOO_LARGE")],
            }))
            .unwrap_or_default();
            json_response(StatusCode::OK, media, body)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            request_error(
                metrics,
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                vec![coded("internal error", "INTERNAL")],
            )
        }
    }
}

pub async fn post_graphql(State(s): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let metrics = &s.app.metrics;
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(metrics);
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
        return request_error(
            metrics,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            vec![coded(
                "POST bodies must be application/json",
                "UNSUPPORTED_MEDIA_TYPE",
            )],
        );
    }
    let parsed: PostBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            // serde's message names a line and column, never echoes the input.
            return bad_request(
                metrics,
                media,
                &format!("body is not a GraphQL request: {e}"),
            );
        }
    };
    let query = match parsed.query {
        Some(serde_json::Value::String(q)) if !q.trim().is_empty() => q,
        Some(serde_json::Value::String(_)) | None | Some(serde_json::Value::Null) => {
            return bad_request(metrics, media, "`query` is required")
        }
        Some(_) => return bad_request(metrics, media, "`query` must be a string"),
    };
    let operation_name = match parsed.operation_name {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s).filter(|s| !s.is_empty()),
        Some(_) => return bad_request(metrics, media, "`operationName` must be a string"),
    };
    match parsed.extensions {
        None | Some(serde_json::Value::Null) | Some(serde_json::Value::Object(_)) => {}
        Some(_) => return bad_request(metrics, media, "`extensions` must be a JSON object"),
    }
    let inc = Incoming {
        query,
        operation_name,
        variables: parsed.variables,
    };
    execute(s, &headers, media, inc, false).await
}

pub async fn get_graphql(
    State(s): State<HttpState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let metrics = &s.app.metrics;
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(metrics);
    };
    let params: HashMap<String, String> =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
            Ok(p) => p,
            Err(e) => return bad_request(metrics, media, &format!("bad query string: {e}")),
        };
    let Some(query) = params
        .get("query")
        .filter(|q| !q.trim().is_empty())
        .cloned()
    else {
        return bad_request(metrics, media, "`query` parameter is required");
    };
    let variables = match params.get("variables") {
        None => None,
        Some(v) => match serde_json::from_str(v) {
            Ok(v) => Some(v),
            Err(e) => return bad_request(metrics, media, &format!("`variables` is not JSON: {e}")),
        },
    };
    if let Some(x) = params.get("extensions") {
        match serde_json::from_str::<serde_json::Value>(x) {
            Ok(serde_json::Value::Object(_)) | Ok(serde_json::Value::Null) => {}
            _ => return bad_request(metrics, media, "`extensions` must be a JSON object"),
        }
    }
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
        assert_eq!(negotiate(&h("*/*")), Some(MediaType::Json));
        assert_eq!(negotiate(&h("text/html")), None);
    }
}
