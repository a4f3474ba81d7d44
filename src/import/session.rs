//! One import run, shared by ESCO and O*NET: the transaction (prepared for bulk writes), the
//! release's `source` row, the family of releases of the same data set, the counts — and the
//! end of every import: the hierarchies checked acyclic, the counts read back, the graph
//! version bumped, the commit and the report.
use std::{path::Path, time::Instant};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, Value};

use crate::{
    catalog::{graph, seed},
    error::{AppError, AppResult},
    import::{
        batch::{Batch, Family, Upsert},
        bump_graph_version,
        crosswalk::{CrosswalkSection, KeyMap, Link},
        ensure_source, prepare_transaction,
        report::Tracker,
        slug::Slugs,
        version_from_dir, ImportOptions, ImportReport, SourceSpec,
    },
};

/// The release being imported: `--release`, else what the folder says (`from_files`, then the
/// folder's name), else a refusal that shows an `example` release number.
pub fn release_version(
    opts: &ImportOptions,
    dir: &Path,
    from_files: Option<String>,
    label: &str,
    example: &str,
) -> AppResult<String> {
    opts.release
        .clone()
        .or(from_files)
        .or_else(|| version_from_dir(dir))
        .ok_or_else(|| {
            AppError::Validation(format!(
                "cannot tell the {label} release of {}: pass --release (e.g. --release {example})",
                dir.display()
            ))
        })
}

/// What every reader of one import shares.
pub struct Session<'a> {
    pub txn: DatabaseTransaction,
    pub opts: &'a ImportOptions,
    pub spec: SourceSpec,
    pub source_id: i64,
    /// Ids of every release of this data set, this one included.
    pub family_ids: Vec<i64>,
    pub family: Family,
    pub tracker: Tracker,
    pub notes: Vec<String>,
    /// Extra sections of the report (crosswalk details an importer computes itself).
    pub extra: Vec<String>,
    /// O*NET Hot Technologies linked to a catalog or ESCO skill, and their number.
    pub hot_technologies: Option<(usize, usize)>,
    /// `created_at` of every row this import writes.
    pub now: DateTime<Utc>,
    started: Instant,
    /// The pool the transaction came from, and the tables it writes (vacuumed after commit).
    db: DatabaseConnection,
    tables: Vec<&'static str>,
}

impl<'a> Session<'a> {
    /// Begins the transaction, records the release and starts counting `tables`.
    pub async fn begin(
        db: &DatabaseConnection,
        spec: SourceSpec,
        opts: &'a ImportOptions,
        tables: &[&'static str],
        notes: Vec<String>,
    ) -> AppResult<Session<'a>> {
        let started = Instant::now();
        let txn = crate::db::begin_write(db).await?;
        prepare_transaction(&txn).await?;
        let (source_id, family_ids) = ensure_source(&txn, &spec).await?;
        let family = Family::new(&family_ids, txn.get_database_backend());
        let tracker = Tracker::start(&txn, tables).await?;
        Ok(Session {
            txn,
            opts,
            spec,
            source_id,
            family_ids,
            family,
            tracker,
            notes,
            extra: Vec::new(),
            hot_technologies: None,
            now: Utc::now(),
            started,
            db: db.clone(),
            tables: tables.to_vec(),
        })
    }

    /// The graph's `table` rows (`skill`, `role`, `framework`) keyed by `column`, this data set's
    /// own rows included, for the report's section "catalog {table}s ↔ {label} {theirs}";
    /// `link` says what a curated row holding the key becomes.
    pub async fn key_map(
        &self,
        table: &'static str,
        column: &'static str,
        theirs: &str,
        link: Link,
    ) -> AppResult<KeyMap> {
        let title = format!("catalog {table}s ↔ {} {theirs} ({column})", self.spec.label);
        // Frameworks are curated only: they have no source column.
        let has_source = table != "framework";
        KeyMap::load(
            &self.txn,
            &title,
            table,
            column,
            &self.family_ids,
            has_source,
            link,
        )
        .await
    }

    /// The slugs taken in `table`, with the curated catalog's reserved even when not loaded.
    pub async fn slugs(&self, table: &'static str) -> AppResult<Slugs> {
        let catalog = seed::embedded()?;
        match table {
            "role" => {
                Slugs::load(
                    &self.txn,
                    table,
                    catalog.roles.iter().map(|r| r.slug.as_str()),
                )
                .await
            }
            _ => {
                Slugs::load(
                    &self.txn,
                    table,
                    catalog.skills.iter().map(|s| s.slug.as_str()),
                )
                .await
            }
        }
    }

    /// A batch of pairs of `table`: `cols` are the pair's two columns (its conflict target), then
    /// `source_id` and `created_at`, written as this release's (see [`Session::add_pair`]).
    pub fn pair_batch<K: std::hash::Hash + Eq>(
        &self,
        table: &'static str,
        cols: &'static [&'static str; 4],
    ) -> Batch<K> {
        Batch::new(
            Upsert {
                table,
                cols,
                conflict: &cols[..2],
                always: &[],
                owned: &["source_id"],
                returning: None,
            },
            &self.family,
        )
    }

    /// Queues the pair `(a, b)` in a [`Session::pair_batch`].
    pub async fn add_pair<B: Clone + Into<Value>>(
        &self,
        batch: &mut Batch<(i64, B)>,
        a: i64,
        b: B,
    ) -> AppResult<()>
    where
        (i64, B): std::hash::Hash + Eq,
    {
        let row = vec![
            a.into(),
            b.clone().into(),
            self.source_id.into(),
            self.now.into(),
        ];
        batch.add(&self.txn, (a, b), row).await
    }

    /// Writes what `batch` still holds and counts what it wrote.
    pub async fn finish_batch<K: std::hash::Hash + Eq>(
        &mut self,
        mut batch: Batch<K>,
    ) -> AppResult<()> {
        batch.flush(&self.txn).await?;
        self.tracker
            .wrote(batch.table(), batch.attempted, batch.affected);
        Ok(())
    }

    /// A key at `line` of `file` that names nothing this import knows: reported, not fatal.
    pub fn unknown(&mut self, file: &str, what: &str, line: u64, key: &str) {
        self.tracker
            .issue(format!("{file}: {what}"), || format!("line {line}: {key}"));
    }

    /// Checks the hierarchies, counts, bumps the graph version and commits; the report.
    pub async fn commit(self, crosswalk: Vec<CrosswalkSection>) -> AppResult<ImportReport> {
        let Session {
            txn,
            spec,
            tracker,
            notes,
            extra,
            hot_technologies,
            started,
            db,
            tables: written,
            ..
        } = self;
        // Imported hierarchies join the curated ones: a cycle aborts the import, named.
        graph::check_whole(&txn, &graph::BROADER).await?;
        graph::check_whole(&txn, &graph::PREREQUISITES).await?;
        let (tables, issues) = tracker.finish(&txn).await?;
        bump_graph_version(&txn).await?;
        // Fresh planner statistics for the rows just written (issue #9: nested pages).
        crate::store::db::refresh_statistics(&txn).await?;
        txn.commit().await?;
        // Committed: a failed vacuum leaves the graph whole, only slower to read until
        // autovacuum passes (e.g. a role that does not own the tables gets a warning).
        if let Err(e) = crate::store::db::refresh_visibility(&db, &written).await {
            tracing::warn!(error = %e, "import: VACUUM after the import failed");
        }
        Ok(ImportReport {
            source: format!("{} {}", spec.label, spec.version),
            notes,
            tables,
            crosswalk,
            extra,
            hot_technologies,
            issues,
            elapsed: started.elapsed(),
        })
    }
}
