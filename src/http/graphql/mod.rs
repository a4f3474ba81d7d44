//! GraphQL over HTTP, following the GraphQL-over-HTTP spec: POST and GET, `Accept` negotiation
//! (application/graphql-response+json or application/json), request errors (parse, validation,
//! variables) as 4xx without `data` under application/graphql-response+json and as 200 under
//! legacy application/json, 405 for mutations over GET, 415 for bodies that are not JSON.
//!
//! Before anything is validated the parsed document is measured with its fragments expanded
//! and priced ([`admit`]); validation and execution then run under the request timeout.
mod admit;
mod body;
mod caching;
mod documents;
mod errors;
mod media;
mod persisted;

use std::{collections::HashMap, time::Instant};

use async_graphql::{Value, Variables};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
};
use serde::Deserialize;

pub(crate) use self::{
    admit::{auth_response, authenticate, is_mutation, precheck, price, run_bounded},
    documents::Documents,
    errors::timeout_error,
    media::MediaType,
};
use self::{
    admit::{precheck_doc, price_prepared},
    errors::{bad_request, code_of, coded, execution_error_code, not_acceptable, request_error},
    media::{negotiate, JSON},
};
use crate::{
    graphql::{
        guard::{self, RateSlot},
        json::RawAnswers,
        loaders::{Loaders, Selects},
    },
    http::HttpState,
    store::answers,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostBody {
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
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
    reader: Option<(crate::state::AppState, Option<usize>)>,
) -> Response {
    let metrics = &s.app.metrics;
    let started = Instant::now();
    let variables = match inc.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => return bad_request(metrics, media, "`variables` must be a JSON object"),
    };
    let operation = inc.operation_name;
    // Parsed once per distinct text (the instance's cache of documents); its validation is
    // kept too, per operation and key of the variables.
    let checked = s
        .documents
        .parse(&inc.query)
        .map_err(admit::parse_refusal)
        .and_then(|prepared| {
            let (label, extra) = precheck_doc(
                prepared.doc(),
                operation.as_deref(),
                &variables,
                &s.app.config.budget,
                is_get,
            )?;
            Ok((prepared, label, extra))
        });
    let (prepared, label, extra) = match checked {
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
    let caller = match admit::authorize(&s.app, headers).await {
        Ok(c) => c,
        Err(refused) => return admit::auth_response(metrics, media, *refused),
    };
    metrics.graphql_requests.inc();
    // Validation and the cost check, once, before anything runs.
    let cost = match price_prepared(
        &prepared,
        operation.as_deref(),
        &variables,
        &s.pricer,
        extra,
    ) {
        Ok(cost) => cost,
        Err(errors) => {
            metrics.observe_request(label.as_deref(), started.elapsed());
            return request_error(metrics, media.request_error_status(), media, errors);
        }
    };
    let points = cost.requested as u64;
    // Its turn: held until the answer is serialised (the end of this function).
    let _turn = match s.admission.enter(cost.requested).await {
        Ok(turn) => turn,
        Err(e) => {
            metrics.observe_request(label.as_deref(), started.elapsed());
            let mut resp = request_error(metrics, StatusCode::SERVICE_UNAVAILABLE, media, vec![e]);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return resp;
        }
    };
    // Reads go to a replica (or the primary within the client's read-your-writes window);
    // a mutation runs on the primary from start to end, and opens the client's window.
    let client = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let writes = admit::is_mutation(prepared.doc(), operation.as_deref());
    let (state, replica) = if writes {
        if let Some(c) = client {
            s.app.route.note_write(c);
        }
        (s.app.clone(), None)
    } else {
        reader.unwrap_or_else(|| s.app.for_read(client))
    };
    // The parsed document goes to execution as it is (async-graphql parses only without one).
    let request = |query: String, variables: Variables| {
        let mut req = async_graphql::Request::new(query).variables(variables);
        req.operation_name = operation.clone();
        req.set_parsed_query(prepared.doc().clone());
        if prepared.raw_answers() {
            req = req.data(RawAnswers);
        }
        req
    };
    // Kept answers serve reads on the primary only: a mutation must read what it writes,
    // and a replica may lag behind the writes the cache has heard of.
    let kept = (!writes && replica.is_none()).then_some(&s.app.answers);
    // Kept to read again from the primary if the replica fails under the request.
    let again = replica.map(|_| (inc.query.clone(), variables.clone()));
    let req = request(inc.query, variables);
    // The key's budget is charged (or the request refused) first, under the same timeout as
    // the execution; a refused request does not run.
    let run = async {
        let slot = match guard::charge(&s.app, &caller, points).await {
            Ok(slot) => slot,
            Err(refused) => return (refused.slot, refused.response()),
        };
        let req = req
            .data(Loaders::new(&state.db))
            .data(Selects::default())
            .data(state)
            .data(caller.clone())
            .data(slot);
        (slot, answers::scope(kept, s.schema.execute(req)).await)
    };
    let (slot, mut resp) = match tokio::time::timeout(s.app.config.request_timeout, run).await {
        Ok((slot, r)) => (slot, Some(r)),
        Err(_) => (RateSlot::default(), None),
    };
    if writes {
        // Whatever it did (a mutation that timed out may have committed), kept answers go
        // before it answers, so its client reads its writes here at once.
        s.app.answers.written();
    }
    if let (Some(i), Some((query, vars))) = (replica, again) {
        let failed = resp.as_ref().is_some_and(|r| {
            r.errors
                .iter()
                .any(|e| matches!(code_of(e).as_deref(), Some("UNAVAILABLE" | "INTERNAL")))
        });
        if failed {
            // A read is safe to repeat (it was charged once); the replica waits for the next
            // check to be used again.
            s.app.route.mark_down(i);
            tracing::warn!("a read failed on a replica: marked down, read again on the primary");
            let retry = request(query, vars)
                .data(Loaders::new(&s.app.db))
                .data(Selects::default())
                .data(s.app.clone())
                .data(caller)
                .data(slot);
            resp = run_bounded(s.schema.clone(), retry, s.app.config.request_timeout).await;
        }
    }
    let resp = resp.map(|mut r| {
        r.extensions.insert("cost".to_owned(), cost.to_value());
        if let Some(u) = slot.get() {
            r.extensions
                .insert("rateLimit".to_owned(), guard::usage_value(&u));
        }
        r
    });
    let label = metrics.observe_request(label.as_deref(), started.elapsed());
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
        let status = if slot.over_budget() {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            media.request_error_status()
        };
        let mut out = request_error(metrics, status, media, resp.errors);
        admit::rate_headers(&mut out, &slot);
        return out;
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
    let clean = resp.errors.is_empty();
    let mut out = body::respond(
        metrics,
        media,
        &resp,
        s.app.config.max_response_bytes,
        &label,
    );
    if clean {
        out.extensions_mut().insert(caching::Clean);
    }
    admit::rate_headers(&mut out, &slot);
    out
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
        Some(serde_json::Value::String(q)) if !q.trim().is_empty() => Some(q),
        Some(serde_json::Value::String(_)) | None | Some(serde_json::Value::Null) => None,
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
    let hash = match persisted::persisted_hash(parsed.extensions.as_ref()) {
        Ok(h) => h,
        Err(m) => return bad_request(metrics, media, m),
    };
    let query = match persisted::document(&s, media, query, hash).await {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let inc = Incoming {
        query,
        operation_name,
        variables: parsed.variables,
    };
    execute(s, &headers, media, inc, false, None).await
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
    let query = params
        .get("query")
        .filter(|q| !q.trim().is_empty())
        .cloned();
    let variables = match params.get("variables") {
        None => None,
        Some(v) => match serde_json::from_str(v) {
            Ok(v) => Some(v),
            Err(e) => return bad_request(metrics, media, &format!("`variables` is not JSON: {e}")),
        },
    };
    let extensions = match params.get("extensions").map(|x| serde_json::from_str(x)) {
        None | Some(Ok(serde_json::Value::Null)) => None,
        Some(Ok(v @ serde_json::Value::Object(_))) => Some(v),
        Some(_) => return bad_request(metrics, media, "`extensions` must be a JSON object"),
    };
    let hash = match persisted::persisted_hash(extensions.as_ref()) {
        Ok(h) => h,
        Err(m) => return bad_request(metrics, media, m),
    };
    let query = match persisted::document(&s, media, query, hash).await {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    // Validate with the data version read before running: a write during the run leaves the
    // answer an older tag, which the next revalidation replaces.
    let max_age = s.app.config.cache_max_age;
    // The tag is the version of the data the answer reads: a replica's when it reads one.
    let client = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let reader = s.app.for_read(client);
    let tag = caching::etag(&reader.0.db, media).await;
    if let Some(t) = tag.as_deref().filter(|t| caching::matches(&headers, t)) {
        return caching::not_modified(t, &headers, max_age);
    }
    let inc = Incoming {
        query,
        operation_name: params
            .get("operationName")
            .filter(|s| !s.is_empty())
            .cloned(),
        variables,
    };
    let resp = execute(s, &headers, media, inc, true, Some(reader)).await;
    caching::decorate(resp, tag.as_deref(), &headers, max_age)
}
