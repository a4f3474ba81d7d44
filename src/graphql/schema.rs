//! Building the schema, and its SDL.
use async_graphql::{EmptySubscription, Schema};

use crate::{
    config::Config,
    graphql::{mutation::MutationRoot, query::QueryRoot},
    state::AppState,
};

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema with its limits, without data: used for the SDL and wrapped by [`build_schema`].
fn builder(
    config: &Config,
) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .limit_depth(config.max_depth)
    .limit_complexity(config.max_complexity)
}

pub fn build_schema(state: AppState) -> AppSchema {
    builder(&state.config.clone()).data(state).finish()
}

/// The SDL that `schema.graphql` must hold.
pub fn sdl() -> String {
    builder(&Config::default()).finish().sdl()
}
