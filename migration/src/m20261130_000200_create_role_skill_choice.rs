//! Choice groups of role requirements: "one of" sets such as one server-side language or one
//! relational database. A row puts one requirement (a `role_skill` edge) in a named group of its
//! role; requirements without a row stand alone. Deleting the edge deletes its row.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS role_skill_choice (\
             role_id BIGINT NOT NULL, \
             skill_id BIGINT NOT NULL, \
             choice_group TEXT NOT NULL, \
             PRIMARY KEY (role_id, skill_id), \
             FOREIGN KEY (role_id, skill_id) REFERENCES role_skill (role_id, skill_id) \
             ON DELETE CASCADE)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS role_skill_choice")
            .await?;
        Ok(())
    }
}
