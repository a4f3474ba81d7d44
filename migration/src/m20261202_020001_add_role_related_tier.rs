//! O*NET's relatedness on `role_related`: the tier (`primary-short`, `primary-long`,
//! `supplemental`) and the index (1 = most related) its Related Occupations file gives each
//! pair. Both stay NULL on curated links and on links imported before this step (a re-import
//! fills them).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE role_related ADD COLUMN relatedness_tier TEXT NULL \
             CHECK (relatedness_tier IN ('primary-short', 'primary-long', 'supplemental'))",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE role_related ADD COLUMN relatedness_index INTEGER NULL \
             CHECK (relatedness_index >= 1)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE role_related DROP COLUMN relatedness_index")
            .await?;
        db.execute_unprepared("ALTER TABLE role_related DROP COLUMN relatedness_tier")
            .await?;
        Ok(())
    }
}
