//! How much work runs at once: every query or mutation holds permits worth its price (the
//! `Pricer`'s `extensions.cost.requested`) from an in-flight cost budget while it runs and its
//! answer is serialised; when the budget is taken it waits its turn, and is refused with
//! OVERLOADED (503, `Retry-After`) when the wait runs out. On two cores, thirty-two Q1s at
//! once buy no throughput over four, only memory (each holds its rows, its `Value` tree and
//! its JSON) and latency. Subscriptions are not held: they are priced and charged only.
use std::{sync::Arc, time::Duration};

use async_graphql::ServerError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The in-flight cost budget of one instance (one per [`crate::app`]).
#[derive(Debug)]
pub(crate) struct Admission {
    permits: Arc<Semaphore>,
    budget: u32,
    wait: Duration,
}

/// A request's share of the budget, given back when dropped.
#[derive(Debug)]
pub(crate) struct Admitted(#[allow(dead_code)] OwnedSemaphorePermit);

impl Admission {
    /// A budget of `budget` cost points in flight; a request waits at most `wait` for its share.
    pub(crate) fn new(budget: u32, wait: Duration) -> Self {
        let budget = budget.max(1);
        Admission {
            permits: Arc::new(Semaphore::new(budget as usize)),
            budget,
            wait,
        }
    }

    /// Waits for `price` points of the budget (at least 1; a request pricier than the whole
    /// budget waits for all of it and runs alone), at most the configured wait; first come,
    /// first served (tokio's semaphore is fair). The refusal is OVERLOADED.
    pub(crate) async fn enter(&self, price: usize) -> Result<Admitted, ServerError> {
        let want = u32::try_from(price)
            .unwrap_or(u32::MAX)
            .clamp(1, self.budget);
        let acquire = Arc::clone(&self.permits).acquire_many_owned(want);
        match tokio::time::timeout(self.wait, acquire).await {
            Ok(Ok(permit)) => Ok(Admitted(permit)),
            // The semaphore is never closed; treat it as the wait running out all the same.
            Ok(Err(_)) | Err(_) => Err(overloaded(self.wait)),
        }
    }
}

fn overloaded(wait: Duration) -> ServerError {
    let mut e = ServerError::new(
        format!(
            "the server is busy: this request waited {} ms for its turn; try again shortly",
            wait.as_millis()
        ),
        None,
    );
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "OVERLOADED");
    e.extensions = Some(ext);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shares_are_weighted_capped_and_refused_after_the_wait() {
        let a = Admission::new(10, Duration::from_millis(50));
        let big = a.enter(8).await.expect("8 of 10");
        let small = a.enter(2).await.expect("2 more");
        let e = a.enter(1).await.expect_err("the budget is taken");
        assert_eq!(
            e.extensions.and_then(|x| x.get("code").cloned()),
            Some(async_graphql::Value::from("OVERLOADED"))
        );
        drop(big);
        // Pricier than the whole budget: waits for all of it.
        let e = a.enter(1_000).await.expect_err("2 points still held");
        assert!(e.message.contains("busy"), "{}", e.message);
        drop(small);
        let all = a.enter(1_000).await.expect("alone");
        drop(all);
        assert!(
            a.enter(0).await.is_ok(),
            "a free request still takes a point"
        );
    }
}
