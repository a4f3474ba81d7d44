//! Persisted operations (a document by its SHA-256, shared by every instance; `registered` ones
//! form the allow-list of `--persisted-only`) and the *data version*: row 2 of `graph_version`,
//! moved by a trigger on every table a read can show, so HTTP caches can validate on it. Row 1
//! (labels only) keeps driving the search index and the extractor, which need not rebuild when a
//! posting arrives.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table a query can read. A table added later gets its trigger in its own migration
/// (a test lists the tables without one).
pub const DATA_TABLES: &[&str] = &[
    "source",
    "skill",
    "skill_alias",
    "skill_label",
    "skill_broader",
    "skill_prerequisite",
    "skill_related",
    "framework",
    "framework_alias",
    "framework_skill",
    "role",
    "role_alias",
    "role_equivalent",
    "role_framework",
    "role_related",
    "role_skill",
    "role_skill_choice",
    "company",
    "job_posting",
    "posting_skill",
    "posting_framework",
];

const BUMP: &str = "UPDATE graph_version SET version = version + 1 WHERE id = 2";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS persisted_operation (\
             hash VARCHAR(64) NOT NULL PRIMARY KEY, \
             query TEXT NOT NULL, \
             registered BOOLEAN NOT NULL DEFAULT FALSE, \
             created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO graph_version (id, version) VALUES (2, 1)")
            .await?;
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE FUNCTION sg_bump_data_version() RETURNS trigger AS $$ \
                     BEGIN {BUMP}; RETURN NULL; END; $$ LANGUAGE plpgsql"
                ))
                .await?;
                for t in DATA_TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER sg_data_version_{t} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
                         ON {t} FOR EACH STATEMENT EXECUTE FUNCTION sg_bump_data_version()"
                    ))
                    .await?;
                }
            }
            _ => {
                for t in DATA_TABLES {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER sg_data_version_{t}_{op} AFTER {op} ON {t} \
                             BEGIN {BUMP}; END"
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
                for t in DATA_TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS sg_data_version_{t} ON {t}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS sg_bump_data_version()")
                    .await?;
            }
            _ => {
                for t in DATA_TABLES {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS sg_data_version_{t}_{op}"
                        ))
                        .await?;
                    }
                }
            }
        }
        db.execute_unprepared("DELETE FROM graph_version WHERE id = 2")
            .await?;
        db.execute_unprepared("DROP TABLE IF EXISTS persisted_operation")
            .await?;
        Ok(())
    }
}
