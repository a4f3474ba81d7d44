//! The HTTP surface: routes, middleware and graceful shutdown.
mod admission;
mod graphiql;
mod graphql;
mod ws;

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Json, Router,
};
use sea_orm::ConnectionTrait;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{
    graphql::{
        cost::Pricer,
        schema::{build_pricer, build_schema, AppSchema},
    },
    state::AppState,
};

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// Validates and prices every request before `schema` runs it.
    pub pricer: Pricer,
    /// The in-flight cost budget every query and mutation waits for.
    pub(crate) admission: Arc<admission::Admission>,
    /// Parsed documents and their validations, by text (bounded; this instance's own).
    pub(crate) documents: Arc<graphql::Documents>,
}

/// The whole application as a router: what `serve` runs and what tests drive.
pub fn app(state: AppState) -> Router {
    let timeout: Duration = state.config.request_timeout;
    let body_limit = state.config.body_limit_bytes;
    let schema = build_schema(state.clone());
    let metrics_handle = state.metrics.clone();
    let pricer = build_pricer(&state.config);
    let admission = Arc::new(admission::Admission::new(
        state.config.max_cost_in_flight,
        state.config.queue_timeout,
    ));
    let http_state = HttpState {
        app: state,
        schema,
        pricer,
        admission,
        documents: Arc::default(),
    };
    Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql).post(graphql::post_graphql),
        )
        .route("/graphql/ws", get(ws::subscriptions))
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/assets/{file}", get(graphiql::asset))
        .route("/", get(|| async { Redirect::temporary("/graphiql") }))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(http_state)
        // Only gzip and br: a zstd answer broke a Node 20 client.
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .no_deflate()
                .no_zstd(),
        )
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<axum::body::Body>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
        }))
        // Every request gets an id (or keeps the caller's when it is sane), logged and echoed back.
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_bad_request_id))
        // Outermost: the limits' own answers (413, 408) are coded JSON too.
        .layer(axum::middleware::from_fn_with_state(
            metrics_handle,
            coded_errors,
        ))
}

/// A caller's `x-request-id` is kept only when it is short and plain (letters, digits, `-`,
/// `_`, `.`, `:`); otherwise it is dropped and a fresh one is made, so logs stay one line
/// per field and bounded.
async fn drop_bad_request_id(mut req: Request) -> Request {
    let bad = req
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !valid_request_id(v.as_bytes()));
    if bad {
        req.headers_mut().remove("x-request-id");
    }
    req
}

pub(crate) fn valid_request_id(v: &[u8]) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Error answers that are not JSON yet (the router's 404/405, the body limit's 413, the
/// timeout's 408) get a JSON body with a code; 408s and 5xx are logged; every status counted.
async fn coded_errors(
    State(metrics): State<std::sync::Arc<crate::metrics::Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let resp = next.run(req).await;
    let status = resp.status();
    metrics
        .http_responses
        .with_label_values(&[status.as_str()])
        .inc();
    if status == StatusCode::REQUEST_TIMEOUT || status.is_server_error() {
        tracing::warn!(%method, %path, status = status.as_u16(), "request failed");
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("NOT_FOUND", "no such endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "method not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => ("PAYLOAD_TOO_LARGE", "request body too large"),
        StatusCode::REQUEST_TIMEOUT => {
            ("TIMEOUT", "the request took longer than the server allows")
        }
        s if s.is_server_error() => ("INTERNAL", "internal error"),
        _ => ("BAD_REQUEST", "bad request"),
    };
    metrics.errors.with_label_values(&[code]).inc();
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}

/// Alive: answers without touching the GraphQL machinery (a quick `SELECT 1`).
async fn healthz(State(s): State<HttpState>) -> impl IntoResponse {
    match s.app.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
        }
    }
}

/// Ready to serve: the database answers and every migration is applied; 503 otherwise. Each
/// read replica's state is listed (`ok`, `lagging`, `down`, `unknown`); a replica that is down
/// does not make the instance unready, its reads go to the primary.
async fn readyz(State(s): State<HttpState>) -> impl IntoResponse {
    let replicas = s.app.route.status();
    match crate::db::readiness(&s.app.db).await {
        Ok(()) if replicas.is_empty() => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        ),
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready", "replicas": replicas })),
        ),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({
                    "status": "unavailable",
                    "reason": reason.public(),
                    "errors": [{ "message": reason.public(), "extensions": { "code": "UNAVAILABLE" } }],
                })),
            )
        }
    }
}

async fn metrics(State(s): State<HttpState>) -> impl IntoResponse {
    let m = &s.app.metrics;
    crate::metrics::Metrics::sync_counter(
        &m.cache_rebuilds.with_label_values(&["search"]),
        s.app.search.rebuilds(),
    );
    crate::metrics::Metrics::sync_counter(
        &m.cache_rebuilds.with_label_values(&["extract"]),
        s.app.extractor.rebuilds(),
    );
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        m.render(&s.app.db, &s.app.answers),
    )
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
