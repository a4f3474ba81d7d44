//! Building the schema, and its SDL.
use async_graphql::{Schema, ValidationMode};

use crate::{
    config::Config,
    graphql::cost::{CostLimits, Pricer},
    graphql::{mutation::MutationRoot, query::QueryRoot, subscription::SubscriptionRoot},
    state::AppState,
};

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema without data: used for the SDL, and wrapped by [`build_schema`] and [`build_pricer`].
fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The schema that runs requests. No extension at all (with one, async-graphql builds a
/// `ResolveInfo` and runs the extension chain for every field; see [`crate::graphql::cost`]
/// and [`crate::graphql::guard::charge`], which the HTTP and WebSocket layers call before
/// execution) and only the validation rules execution needs: every request was validated in
/// full by the [`Pricer`].
pub fn build_schema(state: AppState) -> AppSchema {
    builder()
        .validation_mode(ValidationMode::Fast)
        .data(state)
        .finish()
}

/// What validates and prices every request before it runs, with the configured limits.
pub fn build_pricer(config: &Config) -> Pricer {
    Pricer::new(
        builder(),
        CostLimits {
            max_complexity: config.max_complexity,
            max_depth: config.max_depth,
        },
    )
}

/// The SDL that `schema.graphql` must hold.
pub fn sdl() -> String {
    builder().finish().sdl()
}
