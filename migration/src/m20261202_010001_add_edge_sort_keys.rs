//! Edge tables carry a copy of the slug of the node each nested page leads to, with an index on
//! (parent, slug copy, node id): a page of a parent's edges in slug order is then an index range
//! (no lookup of every edge's node to learn its slug, no sort), and only the rows kept are joined
//! to their nodes. Q1 (50 roles × 20 skills × 5 broader) looked up ~2,000 skill rows and sorted
//! them to keep 1,000.
//!
//! Triggers keep the copies in step whoever writes (imports, seeding, curators' mutations, a
//! merge moving edges from one skill to another): an edge gets its copies when it is inserted or
//! its node ids change, and a node's new slug is copied to its edges. The single-column indexes
//! on the second id of an edge table are left out: the new indexes start with that column.
//!
//! On PostgreSQL the triggers are `ENABLE ALWAYS`: an import runs with
//! `session_replication_role = replica` (no per-row foreign-key triggers), which would skip
//! ordinary triggers too and leave its edges without copies.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (edge table, node id column, node table, copy column): every direction a nested connection
/// pages over in slug order. The copy is indexed behind the edge's other id (the parent).
pub const COPIES: &[(&str, &str, &str, &str)] = &[
    ("role_skill", "skill_id", "skill", "skill_slug"),
    ("role_skill", "role_id", "role", "role_slug"),
    (
        "role_framework",
        "framework_id",
        "framework",
        "framework_slug",
    ),
    ("role_framework", "role_id", "role", "role_slug"),
    ("framework_skill", "skill_id", "skill", "skill_slug"),
    (
        "framework_skill",
        "framework_id",
        "framework",
        "framework_slug",
    ),
    ("skill_broader", "broader_id", "skill", "broader_slug"),
    ("skill_broader", "skill_id", "skill", "skill_slug"),
    (
        "skill_prerequisite",
        "prerequisite_id",
        "skill",
        "prerequisite_slug",
    ),
    ("skill_prerequisite", "skill_id", "skill", "skill_slug"),
    ("skill_related", "related_id", "skill", "related_slug"),
    ("role_related", "related_id", "role", "related_slug"),
];

/// Each edge table's two id columns, the parent of a page being the one that is not the node.
const EDGE_IDS: &[(&str, &str, &str)] = &[
    ("role_skill", "role_id", "skill_id"),
    ("role_framework", "role_id", "framework_id"),
    ("framework_skill", "framework_id", "skill_id"),
    ("skill_broader", "skill_id", "broader_id"),
    ("skill_prerequisite", "skill_id", "prerequisite_id"),
    ("skill_related", "skill_id", "related_id"),
    ("role_related", "role_id", "related_id"),
];

/// Indexes the new ones make redundant (name, table, column).
const SUPERSEDED: &[(&str, &str, &str)] = &[
    ("idx_role_skill_skill_id", "role_skill", "skill_id"),
    (
        "idx_role_framework_framework_id",
        "role_framework",
        "framework_id",
    ),
    (
        "idx_framework_skill_skill_id",
        "framework_skill",
        "skill_id",
    ),
    (
        "idx_skill_broader_broader_id",
        "skill_broader",
        "broader_id",
    ),
    (
        "idx_skill_prerequisite_prerequisite_id",
        "skill_prerequisite",
        "prerequisite_id",
    ),
];

const NODE_TABLES: &[&str] = &["skill", "framework", "role"];

fn ids_of(table: &str) -> (&'static str, &'static str) {
    EDGE_IDS
        .iter()
        .find(|(t, _, _)| *t == table)
        .map(|(_, a, b)| (*a, *b))
        .unwrap_or(("", ""))
}

/// The edge's id column that is not `node_col`: the parent of pages in that direction.
pub(crate) fn parent_of(table: &str, node_col: &str) -> &'static str {
    let (a, b) = ids_of(table);
    if a == node_col {
        b
    } else {
        a
    }
}

fn edge_tables() -> impl Iterator<Item = &'static str> {
    EDGE_IDS.iter().map(|(t, _, _)| *t)
}

fn copies_of(
    table: &str,
) -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str, &'static str)> + '_ {
    COPIES.iter().filter(move |c| c.0 == table)
}

pub(crate) fn index_name(table: &str, copy: &str) -> String {
    format!("idx_{table}_{copy}_page")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let pg = manager.get_database_backend() == DbBackend::Postgres;
        // Bytewise order on both engines, as every list and cursor sorts (SQLite's default).
        let col_type = if pg {
            r#"TEXT COLLATE "C" NOT NULL DEFAULT ''"#
        } else {
            "TEXT NOT NULL DEFAULT ''"
        };
        for (table, node_col, node_table, copy) in COPIES {
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN {copy} {col_type}"))
                .await?;
            let fill = if pg {
                format!(
                    "UPDATE {table} e SET {copy} = n.slug FROM {node_table} n WHERE n.id = e.{node_col}"
                )
            } else {
                format!(
                    "UPDATE {table} SET {copy} = (SELECT n.slug FROM {node_table} n WHERE n.id = {table}.{node_col})"
                )
            };
            db.execute_unprepared(&fill).await?;
            let parent = parent_of(table, node_col);
            db.execute_unprepared(&format!(
                "CREATE INDEX {} ON {table} ({parent}, {copy}, {node_col})",
                index_name(table, copy)
            ))
            .await?;
        }
        for (name, _, _) in SUPERSEDED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for table in edge_tables() {
            let (a, b) = ids_of(table);
            let copies: Vec<_> = copies_of(table).collect();
            if pg {
                let sets: String = copies
                    .iter()
                    .map(|(_, col, node, copy)| {
                        format!(
                            "NEW.{copy} := (SELECT n.slug FROM {node} n WHERE n.id = NEW.{col}); "
                        )
                    })
                    .collect();
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION sg_sort_copy_{table}() RETURNS trigger AS $$ \
                     BEGIN {sets}RETURN NEW; END; $$ LANGUAGE plpgsql"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER sg_sort_copy_{table} BEFORE INSERT OR UPDATE OF {a}, {b} \
                     ON {table} FOR EACH ROW EXECUTE FUNCTION sg_sort_copy_{table}()"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ENABLE ALWAYS TRIGGER sg_sort_copy_{table}"
                ))
                .await?;
            } else {
                let sets: Vec<String> = copies
                    .iter()
                    .map(|(_, col, node, copy)| {
                        format!("{copy} = (SELECT n.slug FROM {node} n WHERE n.id = NEW.{col})")
                    })
                    .collect();
                let body = format!(
                    "BEGIN UPDATE {table} SET {} WHERE rowid = NEW.rowid; END",
                    sets.join(", ")
                );
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER sg_sort_copy_{table}_insert AFTER INSERT ON {table} {body}"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER sg_sort_copy_{table}_update AFTER UPDATE OF {a}, {b} \
                     ON {table} {body}"
                ))
                .await?;
            }
        }
        for node in NODE_TABLES {
            let updates: Vec<String> = COPIES
                .iter()
                .filter(|c| c.2 == *node)
                .map(|(table, col, _, copy)| {
                    format!("UPDATE {table} SET {copy} = NEW.slug WHERE {col} = NEW.id;")
                })
                .collect();
            let updates = updates.join(" ");
            if pg {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION sg_sort_copy_{node}_slug() RETURNS trigger AS $$ \
                     BEGIN {updates} RETURN NULL; END; $$ LANGUAGE plpgsql"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER sg_sort_copy_{node}_slug AFTER UPDATE OF slug ON {node} \
                     FOR EACH ROW WHEN (NEW.slug IS DISTINCT FROM OLD.slug) \
                     EXECUTE FUNCTION sg_sort_copy_{node}_slug()"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "ALTER TABLE {node} ENABLE ALWAYS TRIGGER sg_sort_copy_{node}_slug"
                ))
                .await?;
            } else {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER sg_sort_copy_{node}_slug AFTER UPDATE OF slug ON {node} \
                     WHEN NEW.slug IS NOT OLD.slug BEGIN {updates} END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let pg = manager.get_database_backend() == DbBackend::Postgres;
        for node in NODE_TABLES {
            if pg {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS sg_sort_copy_{node}_slug ON {node}"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "DROP FUNCTION IF EXISTS sg_sort_copy_{node}_slug()"
                ))
                .await?;
            } else {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS sg_sort_copy_{node}_slug"))
                    .await?;
            }
        }
        for table in edge_tables() {
            if pg {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS sg_sort_copy_{table} ON {table}"
                ))
                .await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS sg_sort_copy_{table}()"))
                    .await?;
            } else {
                for op in ["insert", "update"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS sg_sort_copy_{table}_{op}"
                    ))
                    .await?;
                }
            }
        }
        for (name, table, col) in SUPERSEDED {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {table} ({col})"
            ))
            .await?;
        }
        for (table, _, _, copy) in COPIES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {}", index_name(table, copy)))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {copy}"))
                .await?;
        }
        Ok(())
    }
}
