//! Batched writes in the caller's transaction: multi-row `INSERT … ON CONFLICT` and
//! `UPDATE … FROM (VALUES …)` statements kept under the bind-parameter limits of both engines
//! (SQLite 32,766, PostgreSQL 65,535).
//!
//! On PostgreSQL the rows of a statement travel as one bound JSON array instead of one
//! parameter per value (`INSERT … SELECT … FROM json_array_elements($1)`): planning a
//! 10,000-parameter VALUES list costs more than the insert itself, and one parameter is far
//! under the limit whatever the batch size. SQLite parses VALUES lists quickly and keeps them.
//!
//! Who may change what: a column listed in `owned` is only rewritten on rows that a release of
//! the same source wrote (never on curated rows, never on another source's rows); a column in
//! `always` belongs to this import alone (O*NET's market flags) and is set wherever it lands.
//! Every `DO UPDATE` has a `WHERE` that skips rows already equal, so a re-import changes nothing.
use std::{collections::HashSet, hash::Hash};

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Value};

use crate::{
    db::stmt,
    error::{AppError, AppResult},
};

/// Parameters per statement on SQLite: under its limit of 32,766.
const MAX_PARAMS: usize = 30_000;
/// Rows per statement: bigger statements gain little and hold more in memory.
const MAX_ROWS: usize = 2_000;
/// Rows per statement on PostgreSQL, where a batch is one JSON parameter.
const MAX_ROWS_PG: usize = 5_000;

/// The SQL type of an import column, to read it back from JSON on PostgreSQL.
fn pg_type(col: &str) -> &'static str {
    match col {
        "id" => "bigint",
        c if c.ends_with("_id") && c != "onet_element_id" => "bigint",
        "created_at" | "updated_at" => "timestamptz",
        "hot_technology" | "in_demand" => "boolean",
        "onet_importance" | "onet_level" => "double precision",
        "level" | "relatedness_index" => "integer",
        _ => "text",
    }
}

/// `(r->>0)::bigint AS id, (r->>1)::text AS name …`: the columns of a JSON row.
fn pg_select(cols: &[&str]) -> String {
    cols.iter()
        .enumerate()
        .map(|(i, c)| format!("(r->>{i})::{} AS {c}", pg_type(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of `width` values as one JSON array of arrays.
fn json_rows(values: Vec<Value>, width: usize) -> AppResult<Value> {
    let mut rows = Vec::with_capacity(values.len() / width.max(1));
    let mut row = Vec::with_capacity(width);
    for v in values {
        let j = match v {
            Value::String(s) => s.map(serde_json::Value::from),
            Value::BigInt(n) => n.map(serde_json::Value::from),
            Value::Int(n) => n.map(serde_json::Value::from),
            Value::Bool(b) => b.map(serde_json::Value::from),
            Value::Double(d) => d.map(serde_json::Value::from),
            Value::ChronoDateTimeUtc(t) => t.map(|t| serde_json::Value::from(t.to_rfc3339())),
            other => {
                return Err(AppError::Internal(format!(
                    "import batch cannot carry {other:?}"
                )))
            }
        };
        row.push(j.unwrap_or(serde_json::Value::Null));
        if row.len() == width {
            rows.push(serde_json::Value::Array(std::mem::take(&mut row)));
        }
    }
    Ok(Value::from(serde_json::Value::Array(rows).to_string()))
}

/// The ids of every release of the source being imported, as SQL (`(3, 7)`), and the engine
/// the batches go to.
#[derive(Clone, Debug)]
pub struct Family {
    sql: String,
    backend: DbBackend,
}

impl Family {
    pub fn new(ids: &[i64], backend: DbBackend) -> Self {
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        Family {
            sql: format!("({})", list.join(", ")),
            backend,
        }
    }
    pub fn sql(&self) -> &str {
        &self.sql
    }
}

/// The shape of one batched insert.
#[derive(Clone, Debug)]
pub struct Upsert {
    pub table: &'static str,
    pub cols: &'static [&'static str],
    /// The conflict target; with no `always`/`owned` columns a conflict does nothing.
    pub conflict: &'static [&'static str],
    pub always: &'static [&'static str],
    pub owned: &'static [&'static str],
    pub returning: Option<&'static str>,
}

/// Rows waiting to be written with one statement.
pub struct Batch<K> {
    spec: Upsert,
    on_conflict: String,
    max_rows: usize,
    values: Vec<Value>,
    keys: HashSet<K>,
    /// Rows handed to the database, and rows it reported inserted or changed.
    pub attempted: u64,
    pub affected: u64,
}

impl<K: Hash + Eq> Batch<K> {
    pub fn new(spec: Upsert, family: &Family) -> Self {
        let t = spec.table;
        let fam = family.sql();
        let on_conflict = if spec.conflict.is_empty() {
            String::new()
        } else if spec.always.is_empty() && spec.owned.is_empty() {
            format!(" ON CONFLICT ({}) DO NOTHING", spec.conflict.join(", "))
        } else {
            let mut set = Vec::new();
            let mut changed = Vec::new();
            for c in spec.always {
                set.push(format!("{c} = excluded.{c}"));
                changed.push(format!("{t}.{c} IS DISTINCT FROM excluded.{c}"));
            }
            for c in spec.owned {
                set.push(format!(
                    "{c} = CASE WHEN {t}.source_id IN {fam} THEN excluded.{c} ELSE {t}.{c} END"
                ));
                changed.push(format!(
                    "({t}.source_id IN {fam} AND {t}.{c} IS DISTINCT FROM excluded.{c})"
                ));
            }
            if spec.cols.contains(&"updated_at") {
                set.push("updated_at = excluded.updated_at".to_owned());
            }
            format!(
                " ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
                spec.conflict.join(", "),
                set.join(", "),
                changed.join(" OR ")
            )
        };
        let max_rows = if family.backend == DbBackend::Postgres {
            MAX_ROWS_PG
        } else {
            (MAX_PARAMS / spec.cols.len().max(1)).clamp(1, MAX_ROWS)
        };
        Batch {
            spec,
            on_conflict,
            max_rows,
            values: Vec::new(),
            keys: HashSet::new(),
            attempted: 0,
            affected: 0,
        }
    }

    /// The table it writes.
    pub fn table(&self) -> &'static str {
        self.spec.table
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// True when the next row must wait for a flush: the batch is full, or already has a row
    /// with this key (PostgreSQL refuses to upsert one row twice in a statement).
    pub fn must_flush_before(&self, key: &K) -> bool {
        self.keys.len() >= self.max_rows || self.keys.contains(key)
    }

    /// Queues a row (its values in the order of `cols`); call [`Self::must_flush_before`] first.
    pub fn push(&mut self, key: K, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.spec.cols.len());
        self.keys.insert(key);
        self.values.extend(row);
    }

    /// Queues a row, writing the batch first when needed (for batches without RETURNING).
    pub async fn add(
        &mut self,
        db: &impl ConnectionTrait,
        key: K,
        row: Vec<Value>,
    ) -> AppResult<()> {
        if self.must_flush_before(&key) {
            self.flush(db).await?;
        }
        self.push(key, row);
        Ok(())
    }

    /// Writes the queued rows; returns the RETURNING rows, if the spec asks for any.
    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<Vec<QueryResult>> {
        let rows = self.keys.len();
        if rows == 0 {
            return Ok(Vec::new());
        }
        let ncols = self.spec.cols.len();
        let backend = db.get_database_backend();
        let head = format!(
            "INSERT INTO {} ({}) ",
            self.spec.table,
            self.spec.cols.join(", ")
        );
        let mut values = std::mem::take(&mut self.values);
        let mut sql;
        if backend == DbBackend::Postgres {
            sql = format!(
                "{head}SELECT {} FROM json_array_elements(CAST(? AS json)) AS r",
                pg_select(self.spec.cols)
            );
            values = vec![json_rows(values, ncols)?];
        } else {
            let one = format!("({})", vec!["?"; ncols].join(", "));
            sql = String::with_capacity(head.len() + rows * (one.len() + 2) + 200);
            sql.push_str(&head);
            sql.push_str("VALUES ");
            for i in 0..rows {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&one);
            }
        }
        sql.push_str(&self.on_conflict);
        self.keys.clear();
        self.attempted += rows as u64;
        let started = std::time::Instant::now();
        let table = self.spec.table;
        let done = |affected: u64| {
            tracing::debug!(
                table,
                rows,
                affected,
                secs = started.elapsed().as_secs_f64(),
                "batch insert"
            );
        };
        match self.spec.returning {
            Some(ret) => {
                sql.push_str(" RETURNING ");
                sql.push_str(ret);
                let out = db.query_all_raw(stmt(backend, &sql, values)).await?;
                done(out.len() as u64);
                self.affected += out.len() as u64;
                Ok(out)
            }
            None => {
                let r = db.execute_raw(stmt(backend, &sql, values)).await?;
                done(r.rows_affected());
                self.affected += r.rows_affected();
                Ok(Vec::new())
            }
        }
    }
}

/// How an update treats the values it brings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateMode {
    /// Overwrite (rows this source wrote).
    Replace,
    /// Only fill what is empty (curated rows, other sources' rows): enrich, never overwrite.
    Fill,
}

/// Updates of rows by id, many per statement, touching only rows that differ.
pub struct Updates {
    table: &'static str,
    cols: &'static [&'static str],
    mode: UpdateMode,
    max_rows: usize,
    values: Vec<Value>,
    ids: HashSet<i64>,
    pub attempted: u64,
    pub affected: u64,
}

impl Updates {
    /// `cols` are the columns after `id` in each row.
    pub fn new(
        table: &'static str,
        cols: &'static [&'static str],
        mode: UpdateMode,
        family: &Family,
    ) -> Self {
        Updates {
            table,
            cols,
            mode,
            max_rows: if family.backend == DbBackend::Postgres {
                MAX_ROWS_PG
            } else {
                (MAX_PARAMS / (cols.len() + 1)).clamp(1, MAX_ROWS)
            },
            values: Vec::new(),
            ids: HashSet::new(),
            attempted: 0,
            affected: 0,
        }
    }

    /// Queues the new values of row `id` (in the order of `cols`), writing first when needed.
    pub async fn add(
        &mut self,
        db: &impl ConnectionTrait,
        id: i64,
        row: Vec<Value>,
    ) -> AppResult<()> {
        if self.ids.len() >= self.max_rows || self.ids.contains(&id) {
            self.flush(db).await?;
        }
        debug_assert_eq!(row.len(), self.cols.len());
        self.ids.insert(id);
        self.values.push(id.into());
        self.values.extend(row);
        Ok(())
    }

    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        let rows = self.ids.len();
        if rows == 0 {
            return Ok(());
        }
        let t = self.table;
        let backend = db.get_database_backend();
        let (set, changed): (Vec<String>, Vec<String>) = self
            .cols
            .iter()
            .map(|c| match self.mode {
                UpdateMode::Replace => (
                    format!("{c} = v.{c}"),
                    format!("{t}.{c} IS DISTINCT FROM v.{c}"),
                ),
                UpdateMode::Fill => (
                    format!("{c} = COALESCE({t}.{c}, v.{c})"),
                    format!("({t}.{c} IS NULL AND v.{c} IS NOT NULL)"),
                ),
            })
            .unzip();
        let (set, changed) = (set.join(", "), changed.join(" OR "));
        let raw = std::mem::take(&mut self.values);
        let now: Value = chrono::Utc::now().into();
        let (sql, values) = if backend == DbBackend::Postgres {
            let mut cols = vec!["id"];
            cols.extend(self.cols.iter().copied());
            (
                format!(
                    "UPDATE {t} SET {set}, updated_at = ? FROM (SELECT {} FROM \
                     json_array_elements(CAST(? AS json)) AS r) AS v \
                     WHERE {t}.id = v.id AND ({changed})",
                    pg_select(&cols)
                ),
                vec![now, json_rows(raw, self.cols.len() + 1)?],
            )
        } else {
            let one = format!("({})", vec!["?"; self.cols.len() + 1].join(", "));
            let tuples = vec![one; rows].join(", ");
            let mut values = raw;
            values.push(now);
            (
                format!(
                    "WITH v (id, {cols}) AS (VALUES {tuples}) UPDATE {t} SET {set}, \
                     updated_at = ? FROM v WHERE {t}.id = v.id AND ({changed})",
                    cols = self.cols.join(", "),
                ),
                values,
            )
        };
        self.ids.clear();
        self.attempted += rows as u64;
        let started = std::time::Instant::now();
        let r = db.execute_raw(stmt(backend, &sql, values)).await?;
        tracing::debug!(
            table = t,
            rows,
            affected = r.rows_affected(),
            secs = started.elapsed().as_secs_f64(),
            "batch update"
        );
        self.affected += r.rows_affected();
        Ok(())
    }
}
