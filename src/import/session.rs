//! One import run, shared by ESCO and O*NET: the transaction (prepared for bulk writes), the
//! release's `source` row, the family of releases of the same data set, the counts — and the
//! end of every import: the hierarchies checked acyclic, the counts read back, the graph
//! version bumped, the commit and the report.
use std::time::Instant;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};

use crate::{
    catalog::graph,
    error::AppResult,
    import::{
        batch::Family, bump_graph_version, crosswalk::CrosswalkSection, ensure_source,
        prepare_transaction, report::Tracker, ImportOptions, ImportReport, SourceSpec,
    },
};

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
    started: Instant,
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
            started,
        })
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
