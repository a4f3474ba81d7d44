//! The page indexes of the two edge tables with an importance (`role_skill`, `role_framework`)
//! also hold it: (parent, slug copy, node id, importance). A nested page that shows only the
//! importance of its edges (Q1's `skills { edges { importance node { … } } }`) is then read
//! from the index alone on SQLite, with no lookup of each edge's row (1,000 per Q1).
use sea_orm_migration::prelude::*;

use crate::m20261202_010001_add_edge_sort_keys::{index_name, parent_of, COPIES};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The edge tables whose page indexes (those of `m20261202_010001_add_edge_sort_keys`, in both
/// directions) are widened.
const TABLES: &[&str] = &["role_skill", "role_framework"];

/// The widened index of a page index `name`.
fn covering(name: &str) -> String {
    format!("{}_cover", name.trim_end_matches("_page"))
}

/// Replaces each page index of [`TABLES`] by its widened form (`widen`), or back. The new index
/// is built under its own name before the old one is dropped: never a `DROP … IF EXISTS` and a
/// `CREATE` of one name in a row, which a statement cached by a pooled SQLite connection can turn
/// into a no-op followed by "already exists" when the migration goes down and up again.
async fn rebuild(manager: &SchemaManager<'_>, widen: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, node, _, copy) in COPIES.iter().filter(|c| TABLES.contains(&c.0)) {
        let page = index_name(table, copy);
        let cover = covering(&page);
        let parent = parent_of(table, node);
        let (create, columns, drop) = if widen {
            (
                &cover,
                format!("{parent}, {copy}, {node}, importance"),
                &page,
            )
        } else {
            (&page, format!("{parent}, {copy}, {node}"), &cover)
        };
        db.execute_unprepared(&format!("CREATE INDEX {create} ON {table} ({columns})"))
            .await?;
        db.execute_unprepared(&format!("DROP INDEX {drop}")).await?;
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
