//! skillgraph: a GraphQL server over a job-market and skills knowledge graph.
//! Arrows point one way: http → graphql → catalog, paths (domain services) → entity; the command
//! line → import → entity.
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod error;
pub mod graphql;
pub mod http;
pub mod import;
pub mod market;
pub mod metrics;
pub mod paths;
pub mod persisted;
pub mod search;
pub mod state;
pub mod store;
pub mod telemetry;

pub use http::app;
pub use state::AppState;
/// The old path of [`store::db`], kept so callers of `skillgraph::db::connect` still compile.
pub use store::db;
