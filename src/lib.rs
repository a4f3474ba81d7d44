//! skillgraph: a GraphQL server over a job-market and skills knowledge graph.
//! Arrows point one way: http → graphql → catalog (domain services) → entity.
#[cfg(feature = "bench")]
pub mod bench;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod state;
pub mod telemetry;

pub use http::app;
pub use state::AppState;
