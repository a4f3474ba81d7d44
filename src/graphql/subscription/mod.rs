//! Live updates over WebSocket (graphql-transport-ws at `/graphql/ws`): new job postings as they
//! are written, through any instance (see `market::feed`).
use std::time::Duration;

use async_graphql::{Context, Subscription};
use futures_util::{stream, Stream};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    error::AppError,
    graphql::types::{market::JobPostingFilter, JobPosting},
    market::postings::{self, PostingFilter},
    state::AppState,
};

#[derive(Default)]
pub struct SubscriptionRoot;

/// Live updates over WebSocket.
#[Subscription]
impl SubscriptionRoot {
    /// Each new job posting matching the filter, as it is written (updates are not sent).
    async fn job_posting_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which postings to receive: the `jobPostings` filter.")] filter: Option<
            JobPostingFilter,
        >,
    ) -> async_graphql::Result<impl Stream<Item = JobPosting>> {
        let state = ctx.data::<AppState>()?.clone();
        let wanted = filter.unwrap_or_default().into_domain()?;
        // Refuse a bad filter (country, currency, too many skills) now, not on every posting.
        wanted.compile(state.db.get_database_backend())?;
        if !state.feed.ready(Duration::from_secs(10)).await {
            return Err(AppError::Internal("the posting feed is not listening".into()).into());
        }
        let rx = state.feed.subscribe();
        Ok(stream::unfold(
            (rx, state, wanted),
            |(mut rx, state, wanted)| async move {
                loop {
                    let id = match rx.recv().await {
                        Ok(id) => id,
                        Err(RecvError::Lagged(n)) => {
                            tracing::warn!(skipped = n, "a posting subscriber lagged behind");
                            continue;
                        }
                        Err(RecvError::Closed) => return None,
                    };
                    match matching(&state, &wanted, id).await {
                        Ok(Some(p)) => return Some((p, (rx, state, wanted))),
                        Ok(None) => continue,
                        Err(e) => {
                            tracing::error!(error = %e.detail(), "cannot load a new posting");
                            continue;
                        }
                    }
                }
            },
        ))
    }
}

/// The posting, when it matches what the subscriber wants (two statements).
async fn matching(
    state: &AppState,
    wanted: &PostingFilter,
    id: i64,
) -> Result<Option<JobPosting>, AppError> {
    if !postings::matches(&state.db, wanted, id).await? {
        return Ok(None);
    }
    Ok(postings::find(&state.db, id).await?.map(JobPosting))
}
