//! Imports from ESCO and O*NET: a `source` table (name, release, uri), a nullable `source_id` on
//! every row an import writes, ISCO codes and reuse levels, role aliases and related roles, and
//! role edges that may have no level (ESCO gives none) and carry O*NET's market signals and
//! ratings.
use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Source {
    Table,
    Id,
    Name,
    Version,
    Uri,
    Attribution,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoleAlias {
    Table,
    Id,
    RoleId,
    Alias,
    SourceId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoleRelated {
    Table,
    RoleId,
    RelatedId,
    SourceId,
    CreatedAt,
}

/// The two weighted edge tables of a role share one shape.
#[derive(Clone, Copy)]
struct RoleEdge {
    table: &'static str,
    other_col: &'static str,
    other_table: &'static str,
}

const ROLE_SKILL: RoleEdge = RoleEdge {
    table: "role_skill",
    other_col: "skill_id",
    other_table: "skill",
};
const ROLE_FRAMEWORK: RoleEdge = RoleEdge {
    table: "role_framework",
    other_col: "framework_id",
    other_table: "framework",
};

fn iden(s: &str) -> Alias {
    Alias::new(s)
}

fn fk(
    table: impl IntoIden + Clone + 'static,
    col: impl IntoIden + Clone + 'static,
    target: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(target, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// `role_skill` / `role_framework` as they are from this step on: `level` nullable, O*NET's
/// hot-technology and in-demand flags and importance/level ratings, and the source of the row.
fn role_edge_table(e: RoleEdge, name: &str) -> TableCreateStatement {
    let t = iden(name);
    Table::create()
        .table(t.clone())
        .col(big_integer(iden("role_id")))
        .col(big_integer(iden(e.other_col)))
        .col(string(iden("importance")))
        .col(integer_null(iden("level")))
        .col(boolean_null(iden("hot_technology")))
        .col(boolean_null(iden("in_demand")))
        .col(double_null(iden("onet_importance")))
        .col(double_null(iden("onet_level")))
        .col(big_integer_null(iden("source_id")))
        .col(timestamp_with_time_zone(iden("created_at")))
        .col(timestamp_with_time_zone(iden("updated_at")))
        .primary_key(Index::create().col(iden("role_id")).col(iden(e.other_col)))
        .foreign_key(&mut fk(
            t.clone(),
            iden("role_id"),
            iden("role"),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            t.clone(),
            iden(e.other_col),
            iden(e.other_table),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            t,
            iden("source_id"),
            Source::Table,
            ForeignKeyAction::SetNull,
        ))
        // NULL passes a CHECK: imported edges may have no level.
        .check(Expr::col(iden("level")).between(1, 5))
        .check(Expr::col(iden("importance")).is_in(["essential", "optional"]))
        .to_owned()
}

async fn change_role_edge(manager: &SchemaManager<'_>, e: RoleEdge) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            let t = e.table;
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ALTER COLUMN level DROP NOT NULL, \
                 ADD COLUMN hot_technology BOOLEAN NULL, \
                 ADD COLUMN in_demand BOOLEAN NULL, \
                 ADD COLUMN onet_importance DOUBLE PRECISION NULL, \
                 ADD COLUMN onet_level DOUBLE PRECISION NULL, \
                 ADD COLUMN source_id BIGINT NULL REFERENCES source (id) ON DELETE SET NULL ON UPDATE CASCADE"
            ))
            .await?;
        }
        _ => {
            // SQLite cannot drop NOT NULL: rebuild the table (create, copy, drop, rename,
            // recreate the index), inside this step's transaction.
            let t = e.table;
            let tmp = format!("{t}_new");
            manager.create_table(role_edge_table(e, &tmp)).await?;
            let cols = format!(
                "role_id, {}, importance, level, created_at, updated_at",
                e.other_col
            );
            db.execute_unprepared(&format!(
                "INSERT INTO {tmp} ({cols}) SELECT {cols} FROM {t}"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP TABLE {t}")).await?;
            db.execute_unprepared(&format!("ALTER TABLE {tmp} RENAME TO {t}"))
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{t}_{}", e.other_col))
                        .table(iden(t))
                        .col(iden(e.other_col))
                        .to_owned(),
                )
                .await?;
        }
    }
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{}_source_id", e.table))
                .table(iden(e.table))
                .col(iden("source_id"))
                .to_owned(),
        )
        .await?;
    Ok(())
}

fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(iden(table));
    for c in cols {
        i.col(iden(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The SQLite table rebuilds must be all-or-nothing.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Source::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Source::Id))
                    .col(string(Source::Name))
                    .col(string(Source::Version))
                    .col(string(Source::Uri))
                    .col(text(Source::Attribution))
                    .col(timestamp_with_time_zone(Source::CreatedAt))
                    .col(timestamp_with_time_zone(Source::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_source_name_version",
                "source",
                &["name", "version"],
                true,
            ))
            .await?;

        // Adding a nullable column with a REFERENCES clause is allowed on both engines.
        let db = manager.get_connection();
        let source_ref = "BIGINT NULL REFERENCES source (id) ON DELETE SET NULL ON UPDATE CASCADE";
        for t in [
            "skill",
            "role",
            "skill_alias",
            "skill_broader",
            "skill_related",
        ] {
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ADD COLUMN source_id {source_ref}"
            ))
            .await?;
            manager
                .create_index(index(
                    &format!("idx_{t}_source_id"),
                    t,
                    &["source_id"],
                    false,
                ))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE skill ADD COLUMN reuse_level VARCHAR NULL")
            .await?;
        // O*NET content-model element ids (2.A.1.e …): "Mathematics" is both a skill and a
        // knowledge area there, so element names cannot be keys.
        db.execute_unprepared("ALTER TABLE skill ADD COLUMN onet_element_id VARCHAR NULL")
            .await?;
        db.execute_unprepared("ALTER TABLE role ADD COLUMN isco_code VARCHAR NULL")
            .await?;
        for (name, table, col) in [
            ("idx_skill_onet_name", "skill", "onet_name"),
            ("idx_skill_onet_element_id", "skill", "onet_element_id"),
            ("idx_role_esco_uri", "role", "esco_uri"),
            ("idx_role_onet_soc_code", "role", "onet_soc_code"),
            ("idx_framework_onet_name", "framework", "onet_name"),
        ] {
            manager
                .create_index(index(name, table, &[col], false))
                .await?;
        }

        change_role_edge(manager, ROLE_SKILL).await?;
        change_role_edge(manager, ROLE_FRAMEWORK).await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleAlias::Table)
                    .if_not_exists()
                    .col(big_pk_auto(RoleAlias::Id))
                    .col(big_integer(RoleAlias::RoleId))
                    .col(string(RoleAlias::Alias))
                    .col(big_integer_null(RoleAlias::SourceId))
                    .col(timestamp_with_time_zone(RoleAlias::CreatedAt))
                    .foreign_key(&mut fk(
                        RoleAlias::Table,
                        RoleAlias::RoleId,
                        Role::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        RoleAlias::Table,
                        RoleAlias::SourceId,
                        Source::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_role_alias_role_alias",
                "role_alias",
                &["role_id", "alias"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_role_alias_alias",
                "role_alias",
                &["alias"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleRelated::Table)
                    .if_not_exists()
                    .col(big_integer(RoleRelated::RoleId))
                    .col(big_integer(RoleRelated::RelatedId))
                    .col(big_integer_null(RoleRelated::SourceId))
                    .col(timestamp_with_time_zone(RoleRelated::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleRelated::RoleId)
                            .col(RoleRelated::RelatedId),
                    )
                    .foreign_key(&mut fk(
                        RoleRelated::Table,
                        RoleRelated::RoleId,
                        Role::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        RoleRelated::Table,
                        RoleRelated::RelatedId,
                        Role::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        RoleRelated::Table,
                        RoleRelated::SourceId,
                        Source::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_role_related_related_id",
                "role_related",
                &["related_id"],
                false,
            ))
            .await?;
        Ok(())
    }

    /// PostgreSQL only: SQLite cannot drop a column that has a foreign key without rebuilding
    /// every table; restore a backup there instead.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Err(DbErr::Migration(
                "m20261123_000002 cannot be reverted on SQLite: restore a backup".into(),
            ));
        }
        let db = manager.get_connection();
        for t in ["role_related", "role_alias"] {
            manager
                .drop_table(Table::drop().table(iden(t)).if_exists().to_owned())
                .await?;
        }
        for e in [ROLE_SKILL, ROLE_FRAMEWORK] {
            let t = e.table;
            db.execute_unprepared(&format!("DELETE FROM {t} WHERE level IS NULL"))
                .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ALTER COLUMN level SET NOT NULL, DROP COLUMN hot_technology, \
                 DROP COLUMN in_demand, DROP COLUMN onet_importance, DROP COLUMN onet_level, \
                 DROP COLUMN source_id"
            ))
            .await?;
        }
        for name in [
            "idx_skill_onet_name",
            "idx_skill_onet_element_id",
            "idx_role_esco_uri",
            "idx_role_onet_soc_code",
            "idx_framework_onet_name",
        ] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE role DROP COLUMN isco_code")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE skill DROP COLUMN reuse_level, DROP COLUMN onet_element_id",
        )
        .await?;
        for t in [
            "skill",
            "role",
            "skill_alias",
            "skill_broader",
            "skill_related",
        ] {
            db.execute_unprepared(&format!("ALTER TABLE {t} DROP COLUMN source_id"))
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Source::Table).if_exists().to_owned())
            .await?;
        Ok(())
    }
}
