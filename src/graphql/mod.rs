//! The GraphQL layer: schema, root objects, types and loaders. Resolvers stay thin and call the
//! domain services.
pub mod cost;
pub mod error;
pub mod guard;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod schema;
pub mod subscription;
pub mod types;
