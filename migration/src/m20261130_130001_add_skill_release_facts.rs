//! First-release year, licence and homepage on skills, as frameworks already have them: the
//! catalog gives them for languages (and may for tools). All nullable; nothing is backfilled here,
//! the catalog seed fills them.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 3] = [
    ("first_release_year", "INTEGER"),
    ("license", "TEXT"),
    ("homepage", "TEXT"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (name, ty) in COLUMNS {
            db.execute_unprepared(&format!("ALTER TABLE skill ADD COLUMN {name} {ty} NULL"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in COLUMNS {
            db.execute_unprepared(&format!("ALTER TABLE skill DROP COLUMN {name}"))
                .await?;
        }
        Ok(())
    }
}
