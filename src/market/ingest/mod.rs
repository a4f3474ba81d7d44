//! Ingestion of job postings: schema.org `JobPosting` objects as JSON Lines or a JSON array, or
//! CSV with a header row (columns in the README). Every format is streamed (one record in memory
//! at a time). Each record is parsed, resolved against the catalog and written in its own
//! transaction: a bad record is reported with its position and the rest go on. A record with
//! no role (or one the catalog does not know) takes the role its title names, when one does
//! (`TitleIndex::role_of`: every word of a role name or alias in the title). A JSON array
//! that is not well-formed JSON is refused whole, before anything is written. Idempotent on
//! (source, external id).
mod json_array;
mod records;
mod resolve;
mod schema_org;

use std::path::Path;

use sea_orm::DatabaseConnection;

pub use self::{
    records::{parse_records, read_records, records, Record, Records},
    resolve::{parse_date, resolve, Resolved, RoleIndex},
    schema_org::{from_schema_org, strip_html, RawPosting, CSV_COLUMNS},
};
use crate::{
    error::AppResult,
    market::{
        extract::Extractor,
        feed::Feed,
        postings::{self, NewPosting, Outcome},
    },
};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub read: usize,
    pub inserted: usize,
    pub updated: usize,
    pub rejected: usize,
    /// (position, reason) of each rejected record: `line N` or `index N`.
    pub errors: Vec<(String, String)>,
    /// Listed skills the catalog does not know (ignored).
    pub unknown_skills: usize,
    /// Postings written whose role was read from their title (the record gave none the
    /// catalog knows).
    pub roles_from_titles: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {}, inserted {}, updated {}, rejected {}",
            self.read, self.inserted, self.updated, self.rejected
        )?;
        if self.roles_from_titles > 0 {
            let n = self.roles_from_titles;
            write!(
                f,
                ", {n} role{} set from titles",
                if n == 1 { "" } else { "s" }
            )?;
        }
        if self.unknown_skills > 0 {
            write!(f, " ({} unknown skill labels ignored)", self.unknown_skills)?;
        }
        Ok(())
    }
}

/// Imports records, each in its own transaction.
pub async fn import_records(
    db: &DatabaseConnection,
    feed: &Feed,
    ex: &Extractor,
    records: impl IntoIterator<Item = Record>,
    source: &str,
) -> AppResult<ImportReport> {
    let roles = RoleIndex::load(db).await?;
    // Every role label (names, aliases, lent labels): three statements, once per import.
    let titles = crate::catalog::titles::load(db, 0).await?;
    let mut report = ImportReport::default();
    for (pos, rec) in records {
        report.read += 1;
        let result = match rec {
            Err(e) => Err(e),
            Ok(raw) => {
                match resolve(raw, source, ex, &roles, &titles, &mut report.unknown_skills) {
                    Err(e) => Err(e),
                    Ok(r) => postings::upsert(db, feed, r.posting)
                        .await
                        .map(|(_, o)| (o, r.role_from_title)),
                }
            }
        };
        if let Ok((_, true)) = result {
            report.roles_from_titles += 1;
        }
        match result.map(|(o, _)| o) {
            Ok(Outcome::Inserted) => report.inserted += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Err(e) => {
                report.rejected += 1;
                report.errors.push((pos, e.detail()));
            }
        }
    }
    Ok(report)
}

/// `skillgraph import postings FILE [--source NAME]`: the source defaults to the file name.
pub async fn import_file(
    db: &DatabaseConnection,
    feed: &Feed,
    ex: &Extractor,
    path: &Path,
    source: Option<&str>,
) -> AppResult<ImportReport> {
    let records = read_records(path)?;
    let default_source = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("import")
        .to_owned();
    let source = source.unwrap_or(&default_source);
    import_records(db, feed, ex, records, source).await
}

/// Writes many postings in one transaction (the demo generator), without notifications.
pub async fn write_batch(db: &DatabaseConnection, batch: Vec<NewPosting>) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let mut n = 0;
    for p in batch {
        let p = postings::validate(p)?;
        postings::upsert_in(&txn, &p).await?;
        n += 1;
    }
    txn.commit().await?;
    Ok(n)
}
