//! What `rateLimit` says about the caller's budget (GitHub's shape).
use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use crate::auth::budget::Usage;

/// The calling API key's cost budget in the current window.
#[derive(SimpleObject)]
pub struct RateLimit {
    /// Points the key may spend per window.
    pub limit: i64,
    /// What this request cost (the `cost` charged before it ran, at least 1).
    pub cost: i64,
    /// Points left in the window, after this request.
    pub remaining: i64,
    /// Points spent in the window, this request included.
    pub used: i64,
    /// When the window ends and the budget is whole again.
    pub reset_at: DateTime<Utc>,
}

impl From<Usage> for RateLimit {
    fn from(u: Usage) -> Self {
        RateLimit {
            limit: u.limit,
            cost: u.cost,
            remaining: u.remaining(),
            used: u.used,
            reset_at: u.reset_at,
        }
    }
}
