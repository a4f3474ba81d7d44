//! The job market: companies, job postings, and the skills and frameworks each posting asks for.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Company {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum JobPosting {
    Table,
    Id,
    Source,
    ExternalId,
    Title,
    CompanyId,
    City,
    Region,
    Country,
    Workplace,
    EmploymentType,
    SalaryMin,
    SalaryMax,
    SalaryCurrency,
    SalaryPeriod,
    SalaryAnnualMin,
    SalaryAnnualMax,
    SalarySort,
    PostedDate,
    ValidThrough,
    Url,
    Description,
    RoleId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostingSkill {
    Table,
    PostingId,
    SkillId,
    Required,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostingFramework {
    Table,
    PostingId,
    FrameworkId,
    Required,
}

#[derive(DeriveIden, Clone, Copy)]
enum Skill {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Framework {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
    Id,
}

fn idx(name: &str, table: impl IntoIden, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Company::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Company::Id))
                    .col(string(Company::Name).unique_key())
                    .col(timestamp_with_time_zone(Company::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobPosting::Table)
                    .if_not_exists()
                    .col(big_pk_auto(JobPosting::Id))
                    .col(string(JobPosting::Source))
                    .col(string(JobPosting::ExternalId))
                    .col(string(JobPosting::Title))
                    .col(big_integer_null(JobPosting::CompanyId))
                    .col(string_null(JobPosting::City))
                    .col(string_null(JobPosting::Region))
                    .col(string_null(JobPosting::Country))
                    .col(string(JobPosting::Workplace))
                    .col(string_null(JobPosting::EmploymentType))
                    .col(double_null(JobPosting::SalaryMin))
                    .col(double_null(JobPosting::SalaryMax))
                    .col(string_null(JobPosting::SalaryCurrency))
                    .col(string_null(JobPosting::SalaryPeriod))
                    // Annualised bounds, computed on write, so filters and analytics need no
                    // per-period arithmetic in SQL.
                    .col(double_null(JobPosting::SalaryAnnualMin))
                    .col(double_null(JobPosting::SalaryAnnualMax))
                    // Whole annual midpoint (or -1): the integer key that orders by salary.
                    .col(big_integer(JobPosting::SalarySort))
                    // ISO dates as text: the same comparisons and month buckets on both engines.
                    .col(string(JobPosting::PostedDate))
                    .col(string_null(JobPosting::ValidThrough))
                    .col(string_null(JobPosting::Url))
                    .col(text_null(JobPosting::Description))
                    .col(big_integer_null(JobPosting::RoleId))
                    .col(timestamp_with_time_zone(JobPosting::CreatedAt))
                    .col(timestamp_with_time_zone(JobPosting::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobPosting::Table, JobPosting::CompanyId)
                            .to(Company::Table, Company::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(JobPosting::Table, JobPosting::RoleId)
                            .to(Role::Table, Role::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            (
                "uq_job_posting_source_external_id",
                &["source", "external_id"][..],
                true,
            ),
            ("idx_job_posting_posted_date", &["posted_date"][..], false),
            ("idx_job_posting_salary_sort", &["salary_sort"][..], false),
            ("idx_job_posting_role_id", &["role_id"][..], false),
            ("idx_job_posting_country", &["country"][..], false),
        ] {
            manager
                .create_index(idx(name, JobPosting::Table, cols, unique))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PostingSkill::Table)
                    .if_not_exists()
                    .col(big_integer(PostingSkill::PostingId))
                    .col(big_integer(PostingSkill::SkillId))
                    .col(boolean(PostingSkill::Required))
                    .primary_key(
                        Index::create()
                            .col(PostingSkill::PostingId)
                            .col(PostingSkill::SkillId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingSkill::Table, PostingSkill::PostingId)
                            .to(JobPosting::Table, JobPosting::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingSkill::Table, PostingSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(idx(
                "idx_posting_skill_skill_id",
                PostingSkill::Table,
                &["skill_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostingFramework::Table)
                    .if_not_exists()
                    .col(big_integer(PostingFramework::PostingId))
                    .col(big_integer(PostingFramework::FrameworkId))
                    .col(boolean(PostingFramework::Required))
                    .primary_key(
                        Index::create()
                            .col(PostingFramework::PostingId)
                            .col(PostingFramework::FrameworkId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingFramework::Table, PostingFramework::PostingId)
                            .to(JobPosting::Table, JobPosting::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingFramework::Table, PostingFramework::FrameworkId)
                            .to(Framework::Table, Framework::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(idx(
                "idx_posting_framework_framework_id",
                PostingFramework::Table,
                &["framework_id"],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "posting_framework",
            "posting_skill",
            "job_posting",
            "company",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
