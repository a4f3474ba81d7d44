//! Who may do what, and how much: mutations need a scope ([`Scope`] is the guard:
//! `#[graphql(guard = "Scope::WriteCatalog")]`), held by an API key or the admin token;
//! [`RateLimiter`] charges every request's cost to its key's budget before it executes and
//! refuses it (RATE_LIMITED) when the budget is spent, and, with `--require-key`, refuses
//! callers without the `read` scope (the same check covers WebSocket operations).
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation},
    indexmap::IndexMap,
    Context, Guard, Name, Response, ServerError, ValidationResult, Value,
};

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

/// What a request is charged: its price, computed before it runs (`extensions.cost.requested`).
#[derive(Clone, Copy, Debug)]
pub struct ChargeCost(pub u64);

/// The request's charge, shared by the HTTP layer (status, `Retry-After`, headers) and the
/// `rateLimit` field; set once, before execution.
#[derive(Clone, Debug, Default)]
pub struct RateSlot(Arc<OnceLock<Usage>>);

impl RateSlot {
    pub fn get(&self) -> Option<Usage> {
        self.0.get().copied()
    }
}

/// The extension that enforces `--require-key` and charges budgets.
pub struct RateLimiter;

impl ExtensionFactory for RateLimiter {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RateLimitExtension {
            usage: Mutex::new(None),
        })
    }
}

struct RateLimitExtension {
    usage: Mutex<Option<Usage>>,
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
fn usage_value(u: &Usage) -> Value {
    let mut m = IndexMap::new();
    m.insert(Name::new("limit"), Value::from(u.limit));
    m.insert(Name::new("cost"), Value::from(u.cost));
    m.insert(Name::new("remaining"), Value::from(u.remaining()));
    m.insert(Name::new("used"), Value::from(u.used));
    m.insert(Name::new("resetAt"), Value::from(u.reset_at.to_rfc3339()));
    Value::Object(m)
}

#[async_trait::async_trait]
impl Extension for RateLimitExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        if let Some(u) = self.usage.lock().ok().and_then(|u| *u) {
            resp.extensions
                .insert("rateLimit".to_owned(), usage_value(&u));
        }
        resp
    }

    /// Runs after the cost extension (it is registered first, so it wraps it): the
    /// complexity it sees is the full price, and a request refused for its size is not
    /// charged.
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let state = ctx.data::<AppState>().map_err(|e| {
            tracing::error!(error = ?e.message, "no state in the schema");
            vec![coded("internal error".into(), "INTERNAL")]
        })?;
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        if state.config.require_key && !caller.allows(Scope::Read) {
            return Err(vec![app_error(refusal(&caller, Scope::Read))]);
        }
        let Some((key_id, budget)) = caller.budget() else {
            return Ok(result);
        };
        let now = chrono::Utc::now();
        let usage = crate::auth::budget::charge(
            state.route.writer(),
            key_id,
            budget,
            // The price the HTTP or WebSocket layer computed (the `Pricer`), which the
            // running schema's fast validation does not repeat.
            ctx.data_opt::<ChargeCost>()
                .map_or(result.complexity as u64, |c| c.0),
            now,
        )
        .await
        .map_err(|e| vec![app_error(e)])?;
        if let Ok(mut u) = self.usage.lock() {
            *u = Some(usage);
        }
        if let Some(slot) = ctx.data_opt::<RateSlot>() {
            let _ = slot.0.set(usage);
        }
        if !usage.admitted {
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
            return Err(vec![e]);
        }
        Ok(result)
    }
}
