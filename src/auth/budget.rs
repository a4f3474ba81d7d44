//! A key's cost budget per fixed window, shared by every instance because it lives in the
//! database: each request's cost is charged with one atomic upsert that also refuses it when
//! it would overspend (see [`crate::store::keys::charge`]), so two instances cannot both spend
//! the last points.
use chrono::{DateTime, TimeZone, Utc};

use super::Budget;
use crate::{error::AppResult, store};

/// What a request spent of its key's budget, or would have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Points per window.
    pub limit: i64,
    /// This request's cost.
    pub cost: i64,
    /// Spent in this window, this request included when it was admitted.
    pub used: i64,
    /// When the window ends and the budget is whole again.
    pub reset_at: DateTime<Utc>,
    pub admitted: bool,
}

impl Usage {
    pub fn remaining(&self) -> i64 {
        (self.limit - self.used).max(0)
    }

    /// Whole seconds until the window ends, at least 1 (for `Retry-After`).
    pub fn retry_after_secs(&self, now: DateTime<Utc>) -> i64 {
        let ms = (self.reset_at - now).num_milliseconds();
        ((ms + 999) / 1000).max(1)
    }
}

/// The start (Unix seconds) of the window holding `now`: windows are aligned to multiples of
/// their length, so every instance agrees on them without talking to each other.
pub fn window_start(now: DateTime<Utc>, window_secs: i64) -> i64 {
    let t = now.timestamp();
    t - t.rem_euclid(window_secs.max(1))
}

/// Charges `cost` (at least 1 point: every request costs something) to a key's current window.
/// A request that would overspend is refused and charges nothing.
pub async fn charge(
    db: &impl sea_orm::ConnectionTrait,
    key_id: i64,
    budget: Budget,
    cost: u64,
    now: DateTime<Utc>,
) -> AppResult<Usage> {
    let cost = i64::try_from(cost).unwrap_or(i64::MAX).max(1);
    let start = window_start(now, budget.window_secs);
    let reset_at = Utc
        .timestamp_opt(start.saturating_add(budget.window_secs), 0)
        .single()
        .unwrap_or(now);
    let usage = |used, admitted| Usage {
        limit: budget.points,
        cost,
        used,
        reset_at,
        admitted,
    };
    if cost <= budget.points {
        if let Some(spent) = store::keys::charge(db, key_id, start, cost, budget.points).await? {
            if spent == cost {
                // The window's first charge: the key's older windows are history.
                store::keys::prune(db, key_id, start).await?;
            }
            return Ok(usage(spent, true));
        }
    }
    let spent = store::keys::spent(db, key_id, start).await?;
    Ok(usage(spent, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_retry_after_rounds_up() {
        let t = |s: i64, ms: u32| Utc.timestamp_opt(s, ms * 1_000_000).single().expect("time");
        assert_eq!(window_start(t(3_605, 0), 3_600), 3_600);
        assert_eq!(window_start(t(3_600, 0), 3_600), 3_600);
        assert_eq!(window_start(t(7, 500), 2), 6);
        let u = Usage {
            limit: 10,
            cost: 3,
            used: 12,
            reset_at: t(8, 0),
            admitted: false,
        };
        assert_eq!(u.remaining(), 0);
        assert_eq!(u.retry_after_secs(t(7, 1)), 1);
        assert_eq!(u.retry_after_secs(t(6, 0)), 2);
        assert_eq!(u.retry_after_secs(t(9, 0)), 1);
    }
}
