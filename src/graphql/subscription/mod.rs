//! Live updates over WebSocket (graphql-transport-ws at `/graphql/ws`): new job postings as they
//! are written, through any instance (see `market::feed`).
use std::time::Duration;

use async_graphql::{Context, InputObject, Subscription, ID};
use futures_util::{stream, Stream};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    catalog::skills,
    error::AppError,
    graphql::types::{entity_ref, JobPosting, NodeType},
    market::postings::{self, validate_country, Workplace},
    state::AppState,
};

/// Which new postings to receive; every given condition must hold.
#[derive(InputObject, Default)]
pub struct JobPostingAddedFilter {
    /// Postings asking for at least one of these skills (global ids or slugs).
    pub skills: Option<Vec<ID>>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    /// true: remote postings only; false: no remote postings.
    pub remote: Option<bool>,
}

#[derive(Default)]
pub struct SubscriptionRoot;

struct Wanted {
    skills: Vec<i64>,
    country: Option<String>,
    remote: Option<bool>,
}

#[Subscription]
impl SubscriptionRoot {
    /// Each new job posting matching the filter, as it is written (updates are not sent).
    async fn job_posting_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<JobPostingAddedFilter>,
    ) -> async_graphql::Result<impl Stream<Item = JobPosting>> {
        let state = ctx.data::<AppState>()?.clone();
        let f = filter.unwrap_or_default();
        let mut skill_ids = Vec::new();
        for s in f.skills.unwrap_or_default() {
            skill_ids.push(
                skills::get(&state.db, &entity_ref(NodeType::Skill, &s)?)
                    .await?
                    .id,
            );
        }
        let wanted = Wanted {
            skills: skill_ids,
            country: f.country.as_deref().map(validate_country).transpose()?,
            remote: f.remote,
        };
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

/// The posting, when it matches what the subscriber wants (two statements at most).
async fn matching(
    state: &AppState,
    wanted: &Wanted,
    id: i64,
) -> Result<Option<JobPosting>, AppError> {
    let Some(p) = postings::find(&state.db, id).await? else {
        return Ok(None);
    };
    if let Some(c) = &wanted.country {
        if p.country.as_deref() != Some(c.as_str()) {
            return Ok(None);
        }
    }
    if let Some(remote) = wanted.remote {
        if (Workplace::parse(&p.workplace) == Some(Workplace::Remote)) != remote {
            return Ok(None);
        }
    }
    if !wanted.skills.is_empty() {
        let links = postings::skills_of(&state.db, &[id]).await?;
        let has = links
            .get(&id)
            .is_some_and(|v| v.iter().any(|l| wanted.skills.contains(&l.node.id)));
        if !has {
            return Ok(None);
        }
    }
    Ok(Some(JobPosting(p)))
}
