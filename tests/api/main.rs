//! The one integration-test binary: every test runs on SQLite, and on PostgreSQL too when
//! `SKILLGRAPH_TEST_POSTGRES_URL` is set.
mod analytics;
mod catalog;
mod helpers;
mod http;
mod import;
mod listing;
mod market;
mod mutations;
mod nplus1;
mod pagination;
mod paths;
mod perf;
mod relations;
mod schema;
mod search;
mod subscriptions;
