//! The one integration-test binary: every test runs on SQLite, and on PostgreSQL too when
//! `SKILLGRAPH_TEST_POSTGRES_URL` is set.
mod analytics;
mod catalog;
mod hardening;
mod hardening_import;
mod hardening_props;
mod helpers;
mod http;
mod import;
mod listing;
mod market;
mod mutations;
mod nplus1;
mod pagination;
mod paths;
mod relations;
mod schema;
mod search;
mod subscriptions;
