//! Imports of real skills and occupation data — ESCO (CSV) and O*NET (tab-separated text) —
//! linked to the curated catalog. Plain functions over a connection; nothing here knows about
//! GraphQL.
//!
//! Every import is one transaction: files are streamed record by record, written in bounded
//! multi-row batches, and a malformed record aborts the whole import with its file and line,
//! leaving the database as it was. In memory only the maps natural key → id (bounded by the
//! number of concepts) and one batch per table. The `source` table records each release; every
//! row an import writes carries its `source_id`.
pub mod batch;
pub mod concepts;
pub mod crosswalk;
pub mod esco;
pub mod evidence;
pub mod normalize;
pub mod onet;
pub mod read;
pub mod report;
pub mod session;
pub mod slug;
pub mod techlink;

use std::path::Path;

use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult};

pub use report::{ImportReport, TableStats};

/// How to run an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The release (e.g. "1.1.1", "29.3"); found in the files or the folder's name when absent.
    pub release: Option<String>,
    /// Show progress bars on stderr (indicatif hides them anyway when it is not a terminal).
    pub progress: bool,
}

/// A release of a data set, as recorded in `source`.
#[derive(Clone, Debug)]
pub struct SourceSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub version: String,
    pub uri: &'static str,
    pub attribution: String,
}

/// The source row of this release (created when new) and the ids of every release of the same
/// data set, this one included.
pub async fn ensure_source(
    db: &impl ConnectionTrait,
    s: &SourceSpec,
) -> AppResult<(i64, Vec<i64>)> {
    let backend = db.get_database_backend();
    let now = chrono::Utc::now();
    db.execute_raw(stmt(
        backend,
        "INSERT INTO source (name, version, uri, attribution, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name, version) DO UPDATE SET \
         uri = excluded.uri, attribution = excluded.attribution, updated_at = excluded.updated_at \
         WHERE source.uri <> excluded.uri OR source.attribution <> excluded.attribution",
        vec![
            s.name.into(),
            s.version.clone().into(),
            s.uri.into(),
            s.attribution.clone().into(),
            now.into(),
            now.into(),
        ],
    ))
    .await?;
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT id, version FROM source WHERE name = ? ORDER BY id",
            vec![s.name.into()],
        ))
        .await?;
    let mut this = None;
    let mut family = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("", "id")?;
        let version: String = r.try_get("", "version")?;
        if version == s.version {
            this = Some(id);
        }
        family.push(id);
    }
    let id = this.ok_or_else(|| {
        crate::error::AppError::Internal(format!("source {} {} missing", s.name, s.version))
    })?;
    Ok((id, family))
}

/// Prepares the import's transaction on PostgreSQL.
///
/// The tables the import reads ids from are locked against writes (readers go on): the maps
/// natural key → id stay true until commit, whatever curators do meanwhile. Then, when the
/// import's role may (a superuser), per-row foreign-key triggers are skipped for this
/// transaction only, as `pg_restore --disable-triggers` does: they cost more than the inserts
/// themselves (three lookups and row locks per edge), and every id written comes from those
/// locked tables or from rows inserted in this transaction. SQLite checks its foreign keys as
/// always (and the tests run on it too).
pub async fn prepare_transaction(db: &impl ConnectionTrait) -> AppResult<bool> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(false);
    }
    db.execute_unprepared("LOCK TABLE source, skill, role, framework IN SHARE ROW EXCLUSIVE MODE")
        .await?;
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT current_setting('is_superuser') AS su",
            vec![],
        ))
        .await?;
    let superuser = match row {
        Some(r) => r.try_get::<String>("", "su")? == "on",
        None => false,
    };
    if superuser {
        db.execute_unprepared("SET LOCAL session_replication_role = replica")
            .await?;
    }
    Ok(superuser)
}

/// Marks the graph as changed: its labels (row 1: every instance's search index and extractor)
/// and its data (row 2: HTTP caches). Triggers do it row by row, but not while
/// `session_replication_role = replica` has switched them off for a bulk import.
pub async fn bump_graph_version(db: &impl ConnectionTrait) -> AppResult<()> {
    db.execute_unprepared("UPDATE graph_version SET version = version + 1 WHERE id IN (1, 2)")
        .await?;
    Ok(())
}

/// A release number in a folder name: `esco-v1.1.1` → 1.1.1, `db_29_3_text` → 29.3.
pub fn version_from_dir(dir: &Path) -> Option<String> {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))?;
    // The first run of digits separated by '.' or '_' with at least two numbers.
    let chars: Vec<char> = name.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == 'v')
        {
            let mut parts = vec![String::new()];
            let mut j = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    if let Some(p) = parts.last_mut() {
                        p.push(c);
                    }
                } else if (c == '.' || c == '_')
                    && j + 1 < chars.len()
                    && chars[j + 1].is_ascii_digit()
                {
                    parts.push(String::new());
                } else {
                    break;
                }
                j += 1;
            }
            if parts.len() >= 2 {
                return Some(parts.join("."));
            }
            i = j;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_folder_names() {
        let tmp = std::env::temp_dir().join(format!("sg-ver-{}", std::process::id()));
        for (name, want) in [
            ("esco-v1.1.1", Some("1.1.1")),
            ("db_29_3_text", Some("29.3")),
            ("onet-29.3", Some("29.3")),
            ("esco", None),
            ("v2", None),
        ] {
            let d = tmp.join(name);
            std::fs::create_dir_all(&d).ok();
            assert_eq!(version_from_dir(&d).as_deref(), want, "{name}");
        }
        std::fs::remove_dir_all(&tmp).ok();
    }
}
