//! Framework aliases ("ror" for Ruby on Rails), and a graph version that every change to a
//! searchable label bumps (by trigger), so each server instance knows when its in-memory search
//! index is stale, whoever wrote: a curator on another instance, an import, a seed.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum FrameworkAlias {
    Table,
    Id,
    FrameworkId,
    Alias,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Framework {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum GraphVersion {
    Table,
    Id,
    Version,
}

/// Tables whose rows hold searchable labels.
const LABEL_TABLES: &[&str] = &[
    "skill",
    "skill_alias",
    "framework",
    "framework_alias",
    "role",
    "role_alias",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FrameworkAlias::Table)
                    .if_not_exists()
                    .col(big_pk_auto(FrameworkAlias::Id))
                    .col(big_integer(FrameworkAlias::FrameworkId))
                    .col(string(FrameworkAlias::Alias))
                    .col(timestamp_with_time_zone(FrameworkAlias::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FrameworkAlias::Table, FrameworkAlias::FrameworkId)
                            .to(Framework::Table, Framework::Id)
                            .on_delete(ForeignKeyAction::Cascade)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_framework_alias_framework_alias")
                    .table(FrameworkAlias::Table)
                    .col(FrameworkAlias::FrameworkId)
                    .col(FrameworkAlias::Alias)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GraphVersion::Table)
                    .if_not_exists()
                    .col(integer(GraphVersion::Id).primary_key())
                    .col(big_integer(GraphVersion::Version))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO graph_version (id, version) VALUES (1, 1)")
            .await?;
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION sg_bump_graph_version() RETURNS trigger AS $$ \
                     BEGIN UPDATE graph_version SET version = version + 1 WHERE id = 1; RETURN NULL; END; \
                     $$ LANGUAGE plpgsql",
                )
                .await?;
                for t in LABEL_TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER sg_version_{t} AFTER INSERT OR UPDATE OR DELETE ON {t} \
                         FOR EACH STATEMENT EXECUTE FUNCTION sg_bump_graph_version()"
                    ))
                    .await?;
                }
            }
            _ => {
                for t in LABEL_TABLES {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER sg_version_{t}_{op} AFTER {op} ON {t} \
                             BEGIN UPDATE graph_version SET version = version + 1 WHERE id = 1; END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                for t in LABEL_TABLES {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS sg_version_{t} ON {t}"))
                        .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS sg_bump_graph_version()")
                    .await?;
            }
            _ => {
                for t in LABEL_TABLES {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS sg_version_{t}_{op}"
                        ))
                        .await?;
                    }
                }
            }
        }
        manager
            .drop_table(
                Table::drop()
                    .table(GraphVersion::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(FrameworkAlias::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
