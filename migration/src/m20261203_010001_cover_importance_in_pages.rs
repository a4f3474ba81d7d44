//! The page indexes of the two edge tables with an importance (`role_skill`, `role_framework`)
//! also hold it: (parent, slug copy, node id, importance). A nested page that shows only the
//! importance of its edges (Q1's `skills { edges { importance node { … } } }`) is then read
//! from the index alone on SQLite, with no lookup of each edge's row (1,000 per Q1).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (edge table, parent column, slug copy, node id column) of each page index widened.
const PAGES: &[(&str, &str, &str, &str)] = &[
    ("role_skill", "role_id", "skill_slug", "skill_id"),
    ("role_skill", "skill_id", "role_slug", "role_id"),
    (
        "role_framework",
        "role_id",
        "framework_slug",
        "framework_id",
    ),
    ("role_framework", "framework_id", "role_slug", "role_id"),
];

async fn rebuild(manager: &SchemaManager<'_>, with_importance: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, parent, copy, node) in PAGES {
        let name = format!("idx_{table}_{copy}_page");
        let extra = if with_importance { ", importance" } else { "" };
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
            .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX {name} ON {table} ({parent}, {copy}, {node}{extra})"
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
