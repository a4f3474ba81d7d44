//! Stored `relatedSkills` answers (`related_list`): for a skill or framework, one row with its
//! most related nodes in answer order and the raw counts behind each score, stamped with the data
//! version they were counted at. A row whose stamp is not the current data version is stale and
//! never read: every write to a table the score reads (requirements, postings, curated and
//! broader links, names) moves that version. One row per node, so a list is written by one
//! statement and read by one primary-key lookup. Derived data: writing it does not move the data
//! version (no trigger).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // node_kind: 0 a skill, 1 a framework. own_*: the node's own numbers of broader skills,
        // requiring roles and postings (the Jaccard denominators). entries: `;`-separated, each
        // `kind,id,related,shared_broader,broader_total,co_roles,roles_total,co_postings,
        // postings_total`, best first.
        db.execute_unprepared(
            "CREATE TABLE related_list (\
             node_kind SMALLINT NOT NULL, \
             node_id BIGINT NOT NULL, \
             data_version BIGINT NOT NULL, \
             own_broader BIGINT NOT NULL, \
             own_roles BIGINT NOT NULL, \
             own_postings BIGINT NOT NULL, \
             entries TEXT NOT NULL, \
             PRIMARY KEY (node_kind, node_id))",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE IF EXISTS related_list")
            .await?;
        Ok(())
    }
}
