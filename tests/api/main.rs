//! The one integration-test binary: every test runs on SQLite, and on PostgreSQL too when
//! `SKILLGRAPH_TEST_POSTGRES_URL` is set.
mod analytics;
mod catalog;
mod extract_labelled;
mod hardening;
mod hardening_import;
mod hardening_props;
mod helpers;
mod http;
mod import;
mod import_evidence;
mod listing;
mod market;
mod mutations;
mod nplus1;
mod pagination;
mod paths;
mod paths_choices;
mod paths_frameworks;
mod paths_imported;
mod paths_market;
mod perf;
mod relations;
mod schema;
mod search;
mod subscriptions;
