//! The GraphQL layer: schema, root objects, types and loaders. Resolvers stay thin and call the
//! domain services.
pub mod batch;
pub mod cost;
pub mod error;
pub mod guard;
pub mod json;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod schema;
pub mod subscription;
pub mod types;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::state::AppState;

/// The one way resolvers reach the request's state (no `data_unchecked`, no unwrap).
pub trait ContextExt {
    fn state(&self) -> async_graphql::Result<&AppState>;
    fn db(&self) -> async_graphql::Result<&DatabaseConnection> {
        Ok(&self.state()?.db)
    }
}

impl ContextExt for Context<'_> {
    fn state(&self) -> async_graphql::Result<&AppState> {
        self.data::<AppState>()
    }
}
