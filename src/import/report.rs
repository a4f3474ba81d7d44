//! What an import did: per table read / inserted / updated / unchanged / skipped, the crosswalk
//! to the catalog, references that did not resolve, and timing.
use std::{collections::BTreeMap, fmt, time::Duration};

use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult, import::crosswalk::CrosswalkSection};

/// Counts for one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Source records (or labels, for alias tables) the table was fed from.
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    /// Written again with what the row already held.
    pub unchanged: u64,
    /// Not written: a reference that did not resolve, a self-link, a duplicate.
    pub skipped: u64,
}

/// Examples kept per kind of problem.
const EXAMPLES: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct Issue {
    pub count: u64,
    pub examples: Vec<String>,
}

/// Counting while an import runs.
#[derive(Debug, Default)]
pub struct Tracker {
    tables: BTreeMap<&'static str, Counter>,
    issues: BTreeMap<String, Issue>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counter {
    before: u64,
    read: u64,
    attempted: u64,
    affected: u64,
}

async fn count(db: &impl ConnectionTrait, table: &str) -> AppResult<u64> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            &format!("SELECT COUNT(*) AS n FROM {table}"),
            vec![],
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(n.max(0) as u64)
}

impl Tracker {
    /// Starts counting the given tables (their row counts now tell inserts from updates later).
    pub async fn start(db: &impl ConnectionTrait, tables: &[&'static str]) -> AppResult<Self> {
        let mut t = Tracker::default();
        for name in tables {
            let before = count(db, name).await?;
            t.tables.insert(
                name,
                Counter {
                    before,
                    ..Default::default()
                },
            );
        }
        Ok(t)
    }

    pub fn read(&mut self, table: &'static str, n: u64) {
        self.tables.entry(table).or_default().read += n;
    }

    /// Rows handed to the database and rows it reported written, for a table.
    pub fn wrote(&mut self, table: &'static str, attempted: u64, affected: u64) {
        let c = self.tables.entry(table).or_default();
        c.attempted += attempted;
        c.affected += affected;
    }

    /// A record left out, with why.
    pub fn issue(&mut self, what: impl Into<String>, example: impl FnOnce() -> String) {
        let i = self.issues.entry(what.into()).or_default();
        i.count += 1;
        if i.examples.len() < EXAMPLES {
            i.examples.push(example());
        }
    }

    /// Final counts: rows inserted are the growth of each table (imports never delete).
    pub async fn finish(
        self,
        db: &impl ConnectionTrait,
    ) -> AppResult<(Vec<(String, TableStats)>, Vec<(String, Issue)>)> {
        let mut out = Vec::new();
        for (name, c) in self.tables {
            let after = count(db, name).await?;
            let inserted = after.saturating_sub(c.before);
            out.push((
                name.to_owned(),
                TableStats {
                    read: c.read,
                    inserted,
                    updated: c.affected.saturating_sub(inserted),
                    unchanged: c.attempted.saturating_sub(c.affected),
                    skipped: c.read.saturating_sub(c.attempted),
                },
            ));
        }
        Ok((out, self.issues.into_iter().collect()))
    }
}

/// The outcome of one import.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// "ESCO 1.1.1".
    pub source: String,
    /// Notes on the files: naming scheme found, optional files missing.
    pub notes: Vec<String>,
    pub tables: Vec<(String, TableStats)>,
    pub crosswalk: Vec<CrosswalkSection>,
    /// Further report sections, already formatted (the Hot Technology crosswalk).
    pub extra: Vec<String>,
    /// O*NET Hot Technologies linked to a catalog or ESCO skill, and their number (O*NET).
    pub hot_technologies: Option<(usize, usize)>,
    pub issues: Vec<(String, Issue)>,
    pub elapsed: Duration,
}

impl ImportReport {
    pub fn table(&self, name: &str) -> TableStats {
        self.tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    pub fn rows_read(&self) -> u64 {
        self.tables.iter().map(|(_, s)| s.read).sum()
    }

    pub fn rows_written(&self) -> u64 {
        self.tables
            .iter()
            .map(|(_, s)| s.inserted + s.updated)
            .sum()
    }

    /// True when the import changed nothing.
    pub fn is_noop(&self) -> bool {
        self.rows_written() == 0
    }

    /// The summary: one line per table.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let secs = self.elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            self.rows_read() as f64 / secs
        } else {
            0.0
        };
        s.push_str(&format!(
            "{}: {} rows read, {} written in {:.2} s ({:.0} rows/s)\n",
            self.source,
            self.rows_read(),
            self.rows_written(),
            secs,
            rate
        ));
        for n in &self.notes {
            s.push_str(&format!("  note: {n}\n"));
        }
        s.push_str(&format!(
            "  {:<16}{:>10}{:>10}{:>10}{:>10}{:>10}\n",
            "table", "read", "inserted", "updated", "unchanged", "skipped"
        ));
        for (name, t) in &self.tables {
            s.push_str(&format!(
                "  {:<16}{:>10}{:>10}{:>10}{:>10}{:>10}\n",
                name, t.read, t.inserted, t.updated, t.unchanged, t.skipped
            ));
        }
        s
    }

    /// The crosswalk and the skipped references, with lists (`--report`).
    pub fn details(&self) -> String {
        let mut s = String::new();
        for c in &self.crosswalk {
            s.push_str(&format!(
                "\n{}: {} linked, {} not linked\n",
                c.title,
                c.linked.len(),
                c.unlinked.len()
            ));
            for l in &c.linked {
                s.push_str(&format!("  linked      {l}\n"));
            }
            for l in &c.unlinked {
                s.push_str(&format!("  not linked  {l}\n"));
            }
        }
        for e in &self.extra {
            s.push('\n');
            s.push_str(e);
        }
        if !self.issues.is_empty() {
            s.push_str("\nleft out:\n");
            for (what, i) in &self.issues {
                s.push_str(&format!("  {what}: {}\n", i.count));
                for e in &i.examples {
                    s.push_str(&format!("    {e}\n"));
                }
                if i.count > i.examples.len() as u64 {
                    s.push_str(&format!(
                        "    … and {} more\n",
                        i.count - i.examples.len() as u64
                    ));
                }
            }
        }
        s
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}
