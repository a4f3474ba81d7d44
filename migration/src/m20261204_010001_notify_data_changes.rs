//! The data-version trigger (PostgreSQL) also sends `NOTIFY sg_data_changed`, delivered when
//! the writing transaction commits, so every instance's answer cache (`store::answers`) hears
//! every write at once, whoever made it. The payload is empty: PostgreSQL folds a
//! transaction's identical notifications into one, so an import's thousands of statements send
//! one. SQLite has no notifications; its triggers are unchanged.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BUMP: &str = "UPDATE graph_version SET version = version + 1 WHERE id = 2";

/// The channel, as `store::answers::CHANNEL` names it.
pub const CHANNEL: &str = "sg_data_changed";

fn function(body: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION sg_bump_data_version() RETURNS trigger AS $$ \
         BEGIN {body} RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(&function(&format!(
                    "{BUMP}; PERFORM pg_notify('{CHANNEL}', '');"
                )))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(&function(&format!("{BUMP};")))
                .await?;
        }
        Ok(())
    }
}
