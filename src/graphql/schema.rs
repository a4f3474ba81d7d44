//! Building the schema, and its SDL.
use async_graphql::Schema;

use crate::{
    config::Config,
    graphql::cost::CostLimits,
    graphql::{mutation::MutationRoot, query::QueryRoot, subscription::SubscriptionRoot},
    state::AppState,
};

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema with its limits, without data: used for the SDL and wrapped by [`build_schema`].
fn builder(
    config: &Config,
) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    // Outermost, so it charges the cost the cost extension computed (see guard.rs).
    .extension(crate::graphql::guard::RateLimiter)
    // The limits are enforced by the cost extension, which also reports each request's cost.
    .extension(CostLimits {
        max_complexity: config.max_complexity,
        max_depth: config.max_depth,
    })
}

pub fn build_schema(state: AppState) -> AppSchema {
    builder(&state.config.clone()).data(state).finish()
}

/// The SDL that `schema.graphql` must hold.
pub fn sdl() -> String {
    builder(&Config::default()).finish().sdl()
}
