//! Who may do what, and how much: mutations need a scope ([`Scope`] is the guard:
//! `#[graphql(guard = "Scope::WriteCatalog")]`), held by an API key or the admin token;
//! [`charge`] charges every request's price to its key's budget before it executes and
//! refuses it (RATE_LIMITED) when the budget is spent, and, with `--require-key`, refuses
//! callers without the `read` scope. The HTTP and WebSocket layers call it between pricing
//! and execution; it is not a schema extension, because with any extension installed
//! async-graphql 7.0 builds a `ResolveInfo` and runs the extension chain for every field.
use async_graphql::{indexmap::IndexMap, Context, Guard, Name, ServerError, Value};

pub use crate::auth::{Caller, Scope};
use crate::{auth::budget::Usage, error::AppError, state::AppState};

impl Guard for Scope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        if caller.allows(*self) {
            return Ok(());
        }
        Err(refusal(&caller, *self).into())
    }
}

/// Why `caller` may not act under `scope`: UNAUTHENTICATED without credentials, FORBIDDEN
/// for a key without the scope.
pub fn refusal(caller: &Caller, scope: Scope) -> AppError {
    match caller {
        Caller::Key(k) => AppError::Forbidden(format!(
            "API key {} (`{}`) lacks the scope {scope}",
            k.id, k.name
        )),
        _ => AppError::Unauthenticated(format!(
            "this needs `Authorization: Bearer <key>` with an API key holding the scope {scope} \
             (`skillgraph keys create`) or the admin token"
        )),
    }
}

/// The request's charge, for the HTTP layer (status, `Retry-After`, headers,
/// `extensions.rateLimit`) and, as request data, the `rateLimit` field. Empty for callers
/// without a budget.
#[derive(Clone, Copy, Debug, Default)]
pub struct RateSlot(Option<Usage>);

impl RateSlot {
    pub fn get(&self) -> Option<Usage> {
        self.0
    }

    /// Whether the request was refused for its key's budget.
    pub fn over_budget(&self) -> bool {
        self.0.is_some_and(|u| !u.admitted)
    }
}

/// A request refused by [`charge`]: the error to answer with, and the usage when it was
/// refused for its budget.
#[derive(Debug)]
pub struct Refused {
    pub slot: RateSlot,
    pub error: ServerError,
}

impl Refused {
    /// The answer to the refused request: its error, no data (a request error).
    pub fn response(self) -> async_graphql::Response {
        async_graphql::Response::from_errors(vec![self.error])
    }
}

fn coded(message: String, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}

fn app_error(e: AppError) -> ServerError {
    let e = async_graphql::Error::from(e);
    let mut out = ServerError::new(e.message, None);
    out.extensions = e.extensions;
    out
}

/// `extensions.rateLimit` / the `rateLimit` field's values.
pub fn usage_value(u: &Usage) -> Value {
    let mut m = IndexMap::new();
    m.insert(Name::new("limit"), Value::from(u.limit));
    m.insert(Name::new("cost"), Value::from(u.cost));
    m.insert(Name::new("remaining"), Value::from(u.remaining()));
    m.insert(Name::new("used"), Value::from(u.used));
    m.insert(Name::new("resetAt"), Value::from(u.reset_at.to_rfc3339()));
    Value::Object(m)
}

/// Admits a validated and priced request for `caller`: with `--require-key`, refuses callers
/// without `read`; then charges the key's budget `price` points (the price the `Pricer`
/// computed, so a request refused for its size was refused before and is never charged) on
/// the primary, and refuses the request (RATE_LIMITED, with `retryAfter` and `rateLimit`) when
/// it would overspend. A refused request must not run.
pub async fn charge(state: &AppState, caller: &Caller, price: u64) -> Result<RateSlot, Refused> {
    let refuse = |slot, error| Refused { slot, error };
    if state.config.require_key && !caller.allows(Scope::Read) {
        return Err(refuse(
            RateSlot::default(),
            app_error(refusal(caller, Scope::Read)),
        ));
    }
    let Some((key_id, budget)) = caller.budget() else {
        return Ok(RateSlot::default());
    };
    let now = chrono::Utc::now();
    let usage = crate::auth::budget::charge(state.route.writer(), key_id, budget, price, now)
        .await
        .map_err(|e| refuse(RateSlot::default(), app_error(e)))?;
    let slot = RateSlot(Some(usage));
    if usage.admitted {
        return Ok(slot);
    }
    let message = if usage.cost > usage.limit {
        format!(
            "this request costs {} points, more than the key's whole budget of {} per window",
            usage.cost, usage.limit
        )
    } else {
        format!(
            "rate limit exceeded: this request costs {} points and {} of {} remain until {}",
            usage.cost,
            usage.remaining(),
            usage.limit,
            usage.reset_at.to_rfc3339()
        )
    };
    let mut e = coded(message, "RATE_LIMITED");
    if let Some(ext) = e.extensions.as_mut() {
        ext.set("retryAfter", usage.retry_after_secs(now));
        ext.set("rateLimit", usage_value(&usage));
    }
    Err(refuse(slot, e))
}
