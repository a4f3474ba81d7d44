//! What is decided on the parsed document before validation: the operation that would run,
//! whether GET would write, the budget and price ([`check_budget`]); then validation and the
//! cost check, once, on the pricing schema ([`price`]); then execution under the request
//! timeout, on a schema with no extension.
use async_graphql::{
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
    ServerError,
};
use axum::http::StatusCode;

use super::errors::{budget_error, coded, parse_error};
use crate::graphql::cost::{check_budget, Cost, ExtraCost, Pricer};

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

/// Runs execution under `timeout` (the request was validated by [`price`]); `None` when the time ran out. Validation is
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
