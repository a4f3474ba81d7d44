//! What is decided on the parsed document before validation: the operation that would run,
//! whether GET would write, the budget and price ([`check_budget`]); then validation and the
//! cost check, once, on the pricing schema ([`price`]); then execution under the request
//! timeout. Also who is calling ([`authorize`]) and how a request refused for its key's budget
//! is answered (429, `Retry-After`, [`rate_headers`]).
use async_graphql::{
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
    ServerError,
};
use axum::http::StatusCode;

use super::{
    documents::Prepared,
    errors::{budget_error, coded, parse_error},
};
use crate::{
    error::AppError,
    graphql::{
        cost::{check_budget, Cost, ExtraCost, Pricer},
        guard::{refusal, Caller, RateSlot, Scope},
    },
};

/// The operation that would run: the named one, or the only one.
pub(crate) fn chosen_operation<'a>(
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
pub(crate) fn is_mutation(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    match chosen_operation(doc, operation_name) {
        Some((_, ty)) => ty == OperationType::Mutation,
        None => doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation),
    }
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
        Err(e) => return Err(parse_refusal(e)),
    };
    precheck_doc(doc, operation_name.as_deref(), &variables, limits, is_get)
}

/// A document that does not parse: 400, its error without the echo of the document.
pub(crate) fn parse_refusal(e: ServerError) -> Refused {
    Box::new((StatusCode::BAD_REQUEST, parse_error(e)))
}

/// [`precheck`] on a parsed document: the budget, and (over GET) that it does not write; the
/// operation's name for metrics and the extra cost.
pub(crate) fn precheck_doc(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
    limits: &crate::graphql::cost::BudgetLimits,
    is_get: bool,
) -> Result<(Option<String>, ExtraCost), Refused> {
    if is_get && is_mutation(doc, operation_name) {
        return Err(Box::new((
            StatusCode::METHOD_NOT_ALLOWED,
            coded(
                "mutations are only accepted over POST",
                "METHOD_NOT_ALLOWED",
            ),
        )));
    }
    let label = chosen_operation(doc, operation_name)
        .and_then(|(n, _)| n)
        .map(str::to_owned);
    match check_budget(doc, operation_name, variables, limits) {
        Ok(m) => Ok((
            label,
            ExtraCost(usize::try_from(m.price).unwrap_or(usize::MAX)),
        )),
        Err(e) => Err(Box::new((StatusCode::BAD_REQUEST, budget_error(e)))),
    }
}

/// Validates the request (every rule) and checks its cost against the limits, without running
/// it: its cost for `extensions.cost`, or the errors to answer with (request errors: no path).
pub(crate) fn price(
    req: &mut async_graphql::Request,
    pricer: &Pricer,
    extra: ExtraCost,
) -> Result<Cost, Vec<ServerError>> {
    let operation_name = req.operation_name.clone();
    let variables = req.variables.clone();
    let doc = req
        .parsed_query()
        .map_err(|e| vec![parse_error(e)])?
        .clone();
    pricer.price(doc, operation_name, variables, extra)
}

/// [`price`] for a document of the cache: the validation it keeps for these variables' key,
/// or validated now (and kept when valid), then priced with `extra` against the limits.
pub(crate) fn price_prepared(
    prepared: &Prepared,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
    pricer: &Pricer,
    extra: ExtraCost,
) -> Result<Cost, Vec<ServerError>> {
    let measured = match prepared.validated(operation_name, variables) {
        Some(m) => m,
        None => {
            let m = pricer.validate(
                prepared.doc().clone(),
                operation_name.map(str::to_owned),
                variables.clone(),
            )?;
            prepared.remember(operation_name, variables, m);
            m
        }
    };
    pricer.judge(measured, extra)
}

/// Runs execution under `timeout` (the request was validated by [`price`]); `None` when the time ran out. Validation is
/// CPU-bound and never yields, so the timer cannot interrupt it: it is kept short by
/// [`precheck`], which refuses oversized documents before it. Execution yields at every
/// database call and is cancelled when the time is up; CPU-heavy builds (search index,
/// extractor) run on blocking threads. (Execution stays on the async workers: the loaders
/// batch what one round of polling asks for, which a separate thread would split.)
pub(crate) async fn run_bounded(
    schema: crate::graphql::schema::AppSchema,
    req: async_graphql::Request,
    timeout: std::time::Duration,
) -> Option<async_graphql::Response> {
    tokio::time::timeout(timeout, schema.execute(req))
        .await
        .ok()
}

/// Who is calling, from the `Authorization` header, and (with `--require-key`) whether they
/// may read: 401 UNAUTHENTICATED for a bad or revoked credential or none, 403 FORBIDDEN for a
/// key without `read`. The scopes of mutations are checked by their guards.
pub(crate) async fn authorize(
    state: &crate::state::AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Caller, Refused> {
    let caller = authenticate(state, headers).await?;
    if state.config.require_key && !caller.allows(Scope::Read) {
        return Err(auth_refusal(refusal(&caller, Scope::Read)));
    }
    Ok(caller)
}

/// Who is calling, from the `Authorization` header (none: anonymous); a bad or revoked
/// credential is refused.
pub(crate) async fn authenticate(
    state: &crate::state::AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Caller, Refused> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or(""));
    crate::auth::authenticate(&state.db, state.config.admin_token.as_ref(), header)
        .await
        .map_err(auth_refusal)
}

fn auth_refusal(e: AppError) -> Refused {
    let status = match &e {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Db(sea_orm::DbErr::ConnectionAcquire(_)) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let g = async_graphql::Error::from(e);
    let mut err = ServerError::new(g.message, None);
    err.extensions = g.extensions;
    Box::new((status, err))
}

/// The answer to a refused caller: its status, with `WWW-Authenticate` on a 401 (RFC 9110).
pub(crate) fn auth_response(
    metrics: &crate::metrics::Metrics,
    media: super::media::MediaType,
    (status, e): (StatusCode, ServerError),
) -> axum::response::Response {
    let mut resp = super::errors::request_error(metrics, status, media, vec![e]);
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    resp
}

/// GitHub's `x-ratelimit-*` headers on every answer to a metered key, and `Retry-After`
/// (seconds to the window's end) on a refusal.
pub(crate) fn rate_headers(resp: &mut axum::response::Response, slot: &RateSlot) {
    let Some(u) = slot.get() else {
        return;
    };
    let h = resp.headers_mut();
    let mut put = |name: &'static str, v: i64| {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v.to_string()) {
            h.insert(name, v);
        }
    };
    put("x-ratelimit-limit", u.limit);
    put("x-ratelimit-remaining", u.remaining());
    put("x-ratelimit-used", u.used);
    put("x-ratelimit-reset", u.reset_at.timestamp());
    if !u.admitted {
        put("retry-after", u.retry_after_secs(chrono::Utc::now()));
    }
}
