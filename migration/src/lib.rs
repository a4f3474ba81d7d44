//! Schema migrations, one file per step; an applied step is never edited.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_graph;
mod m20261123_000002_add_import_sources;
mod m20261123_000003_add_bytewise_slug_indexes;
mod m20261123_000010_add_search_support;
mod m20261123_000020_create_market;
mod m20261130_000100_add_import_evidence;
mod m20261130_000200_create_role_skill_choice;
mod m20261130_130001_add_skill_release_facts;
mod m20261130_140001_add_persisted_operations_and_data_version;
mod m20261201_030001_create_api_keys;
mod m20261201_050001_create_related_lists;
mod m20261202_010001_add_edge_sort_keys;
mod m20261202_020001_add_role_related_tier;
mod m20261203_010001_cover_importance_in_pages;
mod m20261204_010001_notify_data_changes;

/// The edge tables' copies of their nodes' slugs: (edge table, node id column, node table,
/// copy column), kept in step by triggers (checked by the tests).
pub use m20261202_010001_add_edge_sort_keys::COPIES as EDGE_SORT_COPIES;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_graph::Migration),
            Box::new(m20261123_000002_add_import_sources::Migration),
            Box::new(m20261123_000003_add_bytewise_slug_indexes::Migration),
            Box::new(m20261123_000010_add_search_support::Migration),
            Box::new(m20261123_000020_create_market::Migration),
            Box::new(m20261130_000100_add_import_evidence::Migration),
            Box::new(m20261130_000200_create_role_skill_choice::Migration),
            Box::new(m20261130_130001_add_skill_release_facts::Migration),
            Box::new(m20261130_140001_add_persisted_operations_and_data_version::Migration),
            Box::new(m20261201_030001_create_api_keys::Migration),
            Box::new(m20261201_050001_create_related_lists::Migration),
            Box::new(m20261202_010001_add_edge_sort_keys::Migration),
            Box::new(m20261202_020001_add_role_related_tier::Migration),
            Box::new(m20261203_010001_cover_importance_in_pages::Migration),
            Box::new(m20261204_010001_notify_data_changes::Migration),
        ]
    }
}
