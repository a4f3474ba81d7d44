//! The core graph: skills, frameworks, roles and every edge between them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Skill {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Description,
    EscoUri,
    OnetName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SkillAlias {
    Table,
    Id,
    SkillId,
    Alias,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SkillBroader {
    Table,
    SkillId,
    BroaderId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SkillPrerequisite {
    Table,
    SkillId,
    PrerequisiteId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SkillRelated {
    Table,
    SkillId,
    RelatedId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Framework {
    Table,
    Id,
    Slug,
    Name,
    Description,
    LanguageId,
    Category,
    FirstReleaseYear,
    License,
    Homepage,
    EscoUri,
    OnetName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FrameworkSkill {
    Table,
    FrameworkId,
    SkillId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
    Id,
    Slug,
    Name,
    Description,
    EscoUri,
    OnetSocCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoleSkill {
    Table,
    RoleId,
    SkillId,
    Importance,
    Level,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoleFramework {
    Table,
    RoleId,
    FrameworkId,
    Importance,
    Level,
    CreatedAt,
    UpdatedAt,
}

/// A foreign key from `table.col` to `target.id`.
fn fk(
    table: impl IntoIden + Clone + 'static,
    col: impl IntoIden + Clone + 'static,
    target: impl IntoIden + 'static,
    target_id: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(target, target_id)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

fn iden(i: impl IntoIden) -> DynIden {
    i.into_iden()
}

/// The four skill-to-skill edge tables share one shape.
fn skill_edge_table(
    table: impl IntoIden + Clone + 'static,
    skill_id: impl IntoIden + Clone + 'static,
    other_id: impl IntoIden + Clone + 'static,
    created_at: impl IntoIden + Clone + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table.clone())
        .if_not_exists()
        .col(big_integer(skill_id.clone()))
        .col(big_integer(other_id.clone()))
        .col(timestamp_with_time_zone(created_at))
        .primary_key(Index::create().col(skill_id.clone()).col(other_id.clone()))
        .foreign_key(&mut fk(
            table.clone(),
            skill_id,
            Skill::Table,
            Skill::Id,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            table,
            other_id,
            Skill::Table,
            Skill::Id,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Skill::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Skill::Id))
                    .col(string_uniq(Skill::Slug))
                    .col(string(Skill::Name))
                    .col(string(Skill::Kind))
                    .col(text_null(Skill::Description))
                    .col(string_null(Skill::EscoUri))
                    .col(string_null(Skill::OnetName))
                    .col(timestamp_with_time_zone(Skill::CreatedAt))
                    .col(timestamp_with_time_zone(Skill::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_skill_kind",
                Skill::Table,
                vec![iden(Skill::Kind)],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_name",
                Skill::Table,
                vec![iden(Skill::Name)],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_esco_uri",
                Skill::Table,
                vec![iden(Skill::EscoUri)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SkillAlias::Table)
                    .if_not_exists()
                    .col(big_pk_auto(SkillAlias::Id))
                    .col(big_integer(SkillAlias::SkillId))
                    .col(string(SkillAlias::Alias))
                    .col(timestamp_with_time_zone(SkillAlias::CreatedAt))
                    .foreign_key(&mut fk(
                        SkillAlias::Table,
                        SkillAlias::SkillId,
                        Skill::Table,
                        Skill::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_skill_alias_skill_alias",
                SkillAlias::Table,
                vec![iden(SkillAlias::SkillId), iden(SkillAlias::Alias)],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_alias_alias",
                SkillAlias::Table,
                vec![iden(SkillAlias::Alias)],
                false,
            ))
            .await?;

        manager
            .create_table(skill_edge_table(
                SkillBroader::Table,
                SkillBroader::SkillId,
                SkillBroader::BroaderId,
                SkillBroader::CreatedAt,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_broader_broader_id",
                SkillBroader::Table,
                vec![iden(SkillBroader::BroaderId)],
                false,
            ))
            .await?;
        manager
            .create_table(skill_edge_table(
                SkillPrerequisite::Table,
                SkillPrerequisite::SkillId,
                SkillPrerequisite::PrerequisiteId,
                SkillPrerequisite::CreatedAt,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_prerequisite_prerequisite_id",
                SkillPrerequisite::Table,
                vec![iden(SkillPrerequisite::PrerequisiteId)],
                false,
            ))
            .await?;
        manager
            .create_table(skill_edge_table(
                SkillRelated::Table,
                SkillRelated::SkillId,
                SkillRelated::RelatedId,
                SkillRelated::CreatedAt,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_skill_related_related_id",
                SkillRelated::Table,
                vec![iden(SkillRelated::RelatedId)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Framework::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Framework::Id))
                    .col(string_uniq(Framework::Slug))
                    .col(string(Framework::Name))
                    .col(text_null(Framework::Description))
                    .col(big_integer(Framework::LanguageId))
                    .col(string(Framework::Category))
                    .col(integer_null(Framework::FirstReleaseYear))
                    .col(string_null(Framework::License))
                    .col(string_null(Framework::Homepage))
                    .col(string_null(Framework::EscoUri))
                    .col(string_null(Framework::OnetName))
                    .col(timestamp_with_time_zone(Framework::CreatedAt))
                    .col(timestamp_with_time_zone(Framework::UpdatedAt))
                    .foreign_key(&mut fk(
                        Framework::Table,
                        Framework::LanguageId,
                        Skill::Table,
                        Skill::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_framework_language_id",
                Framework::Table,
                vec![iden(Framework::LanguageId)],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_framework_name",
                Framework::Table,
                vec![iden(Framework::Name)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FrameworkSkill::Table)
                    .if_not_exists()
                    .col(big_integer(FrameworkSkill::FrameworkId))
                    .col(big_integer(FrameworkSkill::SkillId))
                    .col(timestamp_with_time_zone(FrameworkSkill::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(FrameworkSkill::FrameworkId)
                            .col(FrameworkSkill::SkillId),
                    )
                    .foreign_key(&mut fk(
                        FrameworkSkill::Table,
                        FrameworkSkill::FrameworkId,
                        Framework::Table,
                        Framework::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        FrameworkSkill::Table,
                        FrameworkSkill::SkillId,
                        Skill::Table,
                        Skill::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_framework_skill_skill_id",
                FrameworkSkill::Table,
                vec![iden(FrameworkSkill::SkillId)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Role::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Role::Id))
                    .col(string_uniq(Role::Slug))
                    .col(string(Role::Name))
                    .col(text_null(Role::Description))
                    .col(string_null(Role::EscoUri))
                    .col(string_null(Role::OnetSocCode))
                    .col(timestamp_with_time_zone(Role::CreatedAt))
                    .col(timestamp_with_time_zone(Role::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_role_name",
                Role::Table,
                vec![iden(Role::Name)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleSkill::Table)
                    .if_not_exists()
                    .col(big_integer(RoleSkill::RoleId))
                    .col(big_integer(RoleSkill::SkillId))
                    .col(string(RoleSkill::Importance))
                    .col(integer(RoleSkill::Level))
                    .col(timestamp_with_time_zone(RoleSkill::CreatedAt))
                    .col(timestamp_with_time_zone(RoleSkill::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleSkill::RoleId)
                            .col(RoleSkill::SkillId),
                    )
                    .foreign_key(&mut fk(
                        RoleSkill::Table,
                        RoleSkill::RoleId,
                        Role::Table,
                        Role::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        RoleSkill::Table,
                        RoleSkill::SkillId,
                        Skill::Table,
                        Skill::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(Expr::col(RoleSkill::Level).between(1, 5))
                    .check(Expr::col(RoleSkill::Importance).is_in(["essential", "optional"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_role_skill_skill_id",
                RoleSkill::Table,
                vec![iden(RoleSkill::SkillId)],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleFramework::Table)
                    .if_not_exists()
                    .col(big_integer(RoleFramework::RoleId))
                    .col(big_integer(RoleFramework::FrameworkId))
                    .col(string(RoleFramework::Importance))
                    .col(integer(RoleFramework::Level))
                    .col(timestamp_with_time_zone(RoleFramework::CreatedAt))
                    .col(timestamp_with_time_zone(RoleFramework::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleFramework::RoleId)
                            .col(RoleFramework::FrameworkId),
                    )
                    .foreign_key(&mut fk(
                        RoleFramework::Table,
                        RoleFramework::RoleId,
                        Role::Table,
                        Role::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        RoleFramework::Table,
                        RoleFramework::FrameworkId,
                        Framework::Table,
                        Framework::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(Expr::col(RoleFramework::Level).between(1, 5))
                    .check(Expr::col(RoleFramework::Importance).is_in(["essential", "optional"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_role_framework_framework_id",
                RoleFramework::Table,
                vec![iden(RoleFramework::FrameworkId)],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            iden(RoleFramework::Table),
            iden(RoleSkill::Table),
            iden(Role::Table),
            iden(FrameworkSkill::Table),
            iden(Framework::Table),
            iden(SkillRelated::Table),
            iden(SkillPrerequisite::Table),
            iden(SkillBroader::Table),
            iden(SkillAlias::Table),
            iden(Skill::Table),
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
