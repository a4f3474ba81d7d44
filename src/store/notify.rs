//! Session connections that LISTEN on a channel (PostgreSQL), for the tasks that hear what other
//! processes write: the posting feed ([`crate::market::feed`]) and the answer cache
//! ([`super::answers`]).
use std::time::Duration;

use sqlx::postgres::PgListener;

/// The pause before trying again after a failed connection or LISTEN.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A connection to `url` LISTENing on `channel`, trying again every [`RETRY_AFTER`] until one
/// is, or until `wanted` says no one needs it any more (then None). `who` names the task in
/// the warnings.
pub async fn listening(
    url: &str,
    channel: &str,
    who: &str,
    wanted: impl Fn() -> bool,
) -> Option<PgListener> {
    loop {
        if !wanted() {
            return None;
        }
        match PgListener::connect(url).await {
            Ok(mut listener) => match listener.listen(channel).await {
                Ok(()) => return Some(listener),
                Err(e) => tracing::warn!(error = %e, "{who}: LISTEN failed, retrying"),
            },
            Err(e) => tracing::warn!(error = %e, "{who}: cannot connect, retrying"),
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}
