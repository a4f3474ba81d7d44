//! Errors of GraphQL over HTTP: every one with `extensions.code`, counted by code; request
//! errors (before execution) without `data`; parse errors without the echo of the document.
use async_graphql::{ServerError, Value};
use axum::{http::StatusCode, response::Response};

use super::media::{json_response, MediaType};
use crate::{graphql::cost::BudgetError, metrics::Metrics};

/// One error as JSON, with `extensions.code` (the given one unless it already has one).
pub(crate) fn error_json(e: &ServerError, code: &str) -> serde_json::Value {
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

pub(crate) fn code_of(e: &ServerError) -> Option<String> {
    e.extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
}

/// A request error: no `data` entry, just errors with a code.
pub(crate) fn request_error(
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

pub(crate) fn coded(message: impl Into<String>, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

pub(crate) fn bad_request(metrics: &Metrics, media: MediaType, message: &str) -> Response {
    request_error(
        metrics,
        StatusCode::BAD_REQUEST,
        media,
        vec![coded(message, "BAD_REQUEST")],
    )
}

pub(crate) fn not_acceptable(metrics: &Metrics) -> Response {
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
pub(crate) fn request_error_code(message: &str) -> &'static str {
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
pub(crate) fn execution_error_code(message: &str) -> &'static str {
    // A variable of the wrong shape inside a list or input object is only coerced when its
    // field runs ("Expected input type …, found … (occurred while parsing …)").
    if message.starts_with("Failed to parse")
        || message.starts_with("Invalid value")
        || message.contains("Invalid value for argument")
        || message.starts_with("Expected input type")
        || message.contains("(occurred while parsing")
    {
        "BAD_USER_INPUT"
    } else {
        "INTERNAL"
    }
}

/// A parse error without the echo of the offending line (async-graphql's message repeats the
/// source line: 900 KB in, 1.8 MB out): what was expected, and where.
pub(crate) fn parse_error(e: ServerError) -> ServerError {
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

pub(crate) fn budget_error(e: BudgetError) -> ServerError {
    coded(e.message, e.code)
}

pub(crate) fn timeout_error() -> ServerError {
    coded("the request took longer than the server allows", "TIMEOUT")
}
