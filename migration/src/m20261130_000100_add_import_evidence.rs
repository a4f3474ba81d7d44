//! Imports enrich the curated graph without rewriting it: `role_equivalent` links a curated role
//! to the imported occupations that correspond to it (their requirements are evidence, not
//! requirements of the curated role), and `skill_label` keeps the imprecise labels a source
//! gives (ESCO alternative labels) apart from `skill_alias`, which holds only precise names.
//!
//! Existing data is moved to that model: imported aliases of skills become labels, and what an
//! import wrote onto a curated role (its skills, frameworks, aliases, related roles) is removed —
//! the next import writes it onto the occupation's own role instead.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum RoleEquivalent {
    Table,
    RoleId,
    EquivalentId,
    Via,
    SourceId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SkillLabel {
    Table,
    SkillId,
    Label,
    SourceId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Skill {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Source {
    Table,
    Id,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

fn source_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Source::Table, Source::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RoleEquivalent::Table)
                    .if_not_exists()
                    .col(big_integer(RoleEquivalent::RoleId))
                    .col(big_integer(RoleEquivalent::EquivalentId))
                    .col(string(RoleEquivalent::Via))
                    .col(big_integer_null(RoleEquivalent::SourceId))
                    .col(timestamp_with_time_zone(RoleEquivalent::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleEquivalent::RoleId)
                            .col(RoleEquivalent::EquivalentId),
                    )
                    .foreign_key(&mut fk(
                        (RoleEquivalent::Table, RoleEquivalent::RoleId),
                        (Role::Table, Role::Id),
                    ))
                    .foreign_key(&mut fk(
                        (RoleEquivalent::Table, RoleEquivalent::EquivalentId),
                        (Role::Table, Role::Id),
                    ))
                    .foreign_key(&mut source_fk(
                        RoleEquivalent::Table,
                        RoleEquivalent::SourceId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_role_equivalent_equivalent_id")
                    .table(RoleEquivalent::Table)
                    .col(RoleEquivalent::EquivalentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SkillLabel::Table)
                    .if_not_exists()
                    .col(big_integer(SkillLabel::SkillId))
                    .col(string(SkillLabel::Label))
                    .col(big_integer_null(SkillLabel::SourceId))
                    .col(timestamp_with_time_zone(SkillLabel::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SkillLabel::SkillId)
                            .col(SkillLabel::Label),
                    )
                    .foreign_key(&mut fk(
                        (SkillLabel::Table, SkillLabel::SkillId),
                        (Skill::Table, Skill::Id),
                    ))
                    .foreign_key(&mut source_fk(SkillLabel::Table, SkillLabel::SourceId))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_skill_label_label", SkillLabel::Label),
            ("idx_skill_label_source_id", SkillLabel::SourceId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SkillLabel::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        let db = manager.get_connection();
        // Search reads skill_label: changes must move the graph version like other label tables.
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TRIGGER sg_version_skill_label AFTER INSERT OR UPDATE OR DELETE ON skill_label \
                     FOR EACH STATEMENT EXECUTE FUNCTION sg_bump_graph_version()",
                )
                .await?;
            }
            _ => {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER sg_version_skill_label_{op} AFTER {op} ON skill_label \
                         BEGIN UPDATE graph_version SET version = version + 1 WHERE id = 1; END"
                    ))
                    .await?;
                }
            }
        }

        // Existing data, moved to the new model.
        for sql in [
            "INSERT INTO skill_label (skill_id, label, source_id, created_at) \
             SELECT skill_id, alias, source_id, created_at FROM skill_alias \
             WHERE source_id IS NOT NULL ON CONFLICT DO NOTHING",
            "DELETE FROM skill_alias WHERE source_id IS NOT NULL",
            "DELETE FROM role_skill WHERE source_id IS NOT NULL \
             AND role_id IN (SELECT id FROM role WHERE source_id IS NULL)",
            "DELETE FROM role_framework WHERE source_id IS NOT NULL \
             AND role_id IN (SELECT id FROM role WHERE source_id IS NULL)",
            "DELETE FROM role_alias WHERE source_id IS NOT NULL \
             AND role_id IN (SELECT id FROM role WHERE source_id IS NULL)",
            "DELETE FROM role_related WHERE source_id IS NOT NULL \
             AND (role_id IN (SELECT id FROM role WHERE source_id IS NULL) \
             OR related_id IN (SELECT id FROM role WHERE source_id IS NULL))",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS sg_version_skill_label ON skill_label",
                )
                .await?;
            }
            _ => {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS sg_version_skill_label_{op}"
                    ))
                    .await?;
                }
            }
        }
        manager
            .drop_table(Table::drop().table(SkillLabel::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RoleEquivalent::Table).to_owned())
            .await
    }
}
