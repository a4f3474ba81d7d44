//! `rateLimit`: the caller's budget, as charged for this very request.
use async_graphql::{Context, Object};

use crate::graphql::{guard::RateSlot, types::rate_limit::RateLimit};

#[derive(Default)]
pub struct RateLimitQuery;

#[Object]
impl RateLimitQuery {
    /// The calling API key's cost budget in the current window, this request charged; null
    /// for callers without a budget (anonymous, the admin token, unmetered keys). The same
    /// values come in `extensions.rateLimit` and the `x-ratelimit-*` headers.
    async fn rate_limit(&self, ctx: &Context<'_>) -> Option<RateLimit> {
        ctx.data_opt::<RateSlot>()
            .and_then(RateSlot::get)
            .map(RateLimit::from)
    }
}
