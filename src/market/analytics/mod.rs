//! Market analytics, computed in the database with GROUP BY: a fixed, small number of
//! statements per question whatever the data (no per-row queries). Each answer lists the
//! sources of the postings it counted, so synthetic data is never mistaken for real data.
//!
//! Scope: every question takes a compiled posting filter (the `jobPostings` filter) over the
//! postings table aliased `t`.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::ConnectionTrait;

use crate::{
    catalog::pages::Filter,
    error::{AppError, AppResult},
    market::demo,
    store::stmt,
};

mod salary;
mod trend;

pub use salary::{percentile, salaries, salary_rows, SalaryRead, SalaryStats, MAX_SALARY_ROWS};
pub use trend::{trend_sources, trending, Trend};

/// True when some of the counted postings are synthetic (the demo market's source): every
/// market answer says so, whether or not the client selects its sources.
pub fn synthetic(sources: &[String]) -> bool {
    sources.iter().any(|s| s == demo::SOURCE)
}

pub(crate) fn where_sql(f: &Filter, extra: &[&str]) -> String {
    let mut c: Vec<String> = f.conditions.clone();
    c.extend(extra.iter().map(|s| (*s).to_owned()));
    if c.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", c.join(" AND "))
    }
}

/// The distinct sources of the postings in scope, sorted.
pub async fn sources(db: &impl ConnectionTrait, f: &Filter) -> AppResult<Vec<String>> {
    let sql = format!(
        "SELECT DISTINCT t.source AS source FROM job_posting t{} ORDER BY t.source",
        where_sql(f, &[])
    );
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, f.values.clone()))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "source").map_err(AppError::from))
        .collect()
}

/// How many postings are in scope.
pub async fn count(db: &impl ConnectionTrait, f: &Filter) -> AppResult<u64> {
    crate::catalog::pages::list_count(db, "job_posting", f).await
}

/// `YYYY-MM` of each month from `from` to `to`, both included.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
pub struct MonthCount {
    pub month: String,
    pub postings: u64,
    /// Of all postings that month (any skill), within the same sources.
    pub share: f64,
}

/// Postings per month for the `target` filter (the scope plus, e.g., a skill), with each month's
/// share of the scope's postings. Months without postings are listed with 0. One statement.
pub async fn demand(
    db: &impl ConnectionTrait,
    scope: &Filter,
    target_conditions: &Filter,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<MonthCount>> {
    if to < from {
        return Err(AppError::Validation("`to` is before `from`".into()));
    }
    if months(from, to).len() > 120 {
        return Err(AppError::Validation(
            "a window is at most 120 months".into(),
        ));
    }
    let target = if target_conditions.conditions.is_empty() {
        "1 = 1".to_owned()
    } else {
        target_conditions.conditions.join(" AND ")
    };
    let mut values = target_conditions.values.clone();
    values.extend(scope.values.clone());
    values.push(from.to_string().into());
    values.push(to.to_string().into());
    let sql = format!(
        "SELECT substr(t.posted_date, 1, 7) AS month, \
         SUM(CASE WHEN {target} THEN 1 ELSE 0 END) AS hits, COUNT(*) AS total \
         FROM job_posting t{} GROUP BY substr(t.posted_date, 1, 7)",
        where_sql(scope, &["t.posted_date >= ?", "t.posted_date <= ?"])
    );
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    let mut by_month: HashMap<String, (i64, i64)> = HashMap::new();
    for r in &rows {
        by_month.insert(
            r.try_get("", "month")?,
            (r.try_get("", "hits")?, r.try_get("", "total")?),
        );
    }
    Ok(months(from, to)
        .into_iter()
        .map(|m| {
            let (hits, total) = by_month.get(&m).copied().unwrap_or((0, 0));
            MonthCount {
                month: m,
                postings: hits.max(0) as u64,
                share: if total > 0 {
                    round(hits as f64 / total as f64, 4)
                } else {
                    0.0
                },
            }
        })
        .collect())
}

pub fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

#[derive(Clone, Debug, PartialEq)]
pub struct SkillCount {
    pub id: i64,
    pub postings: u64,
    pub required: u64,
    /// Of the postings in scope.
    pub share: f64,
}

/// The skills (or frameworks, with `frameworks`) most asked for in scope: two statements.
pub async fn top(
    db: &impl ConnectionTrait,
    scope: &Filter,
    frameworks: bool,
    limit: u64,
) -> AppResult<(u64, Vec<SkillCount>)> {
    let (table, col) = edge(frameworks);
    let total = count(db, scope).await?;
    let mut values = scope.values.clone();
    values.push((limit as i64).into());
    let sql = format!(
        "SELECT e.{col} AS eid, COUNT(*) AS n, SUM(CASE WHEN e.required THEN 1 ELSE 0 END) AS req \
         FROM {table} e JOIN job_posting t ON t.id = e.posting_id{} \
         GROUP BY e.{col} ORDER BY COUNT(*) DESC, e.{col} LIMIT ?",
        where_sql(scope, &[])
    );
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let n: i64 = r.try_get("", "n")?;
        let req: i64 = r.try_get("", "req")?;
        out.push(SkillCount {
            id: r.try_get("", "eid")?,
            postings: n.max(0) as u64,
            required: req.max(0) as u64,
            share: if total > 0 {
                round(n as f64 / total as f64, 4)
            } else {
                0.0
            },
        });
    }
    Ok((total, out))
}

fn edge(frameworks: bool) -> (&'static str, &'static str) {
    if frameworks {
        ("posting_framework", "framework_id")
    } else {
        ("posting_skill", "skill_id")
    }
}

/// A skill seen together with the subject skill.
#[derive(Clone, Debug, PartialEq)]
pub struct CoOccurrence {
    pub id: i64,
    /// Postings asking for both.
    pub support: u64,
    /// Postings asking for this one.
    pub postings: u64,
    /// P(a ∧ b) / (P(a) · P(b)) = support · N / (n_a · n_b).
    pub lift: f64,
    /// P(b | a) = support / n_a.
    pub confidence: f64,
}

/// Skills co-occurring with `skill` in scope, ranked by lift (then support, then id); only
/// those with at least `min_support` postings in common. Three statements.
pub async fn co_occurring(
    db: &impl ConnectionTrait,
    scope: &Filter,
    skill: i64,
    min_support: u64,
    limit: usize,
) -> AppResult<(u64, u64, Vec<CoOccurrence>)> {
    let backend = db.get_database_backend();
    let n_total = count(db, scope).await?;
    // Every skill's postings in scope (n_b), the subject's among them.
    let sql = format!(
        "SELECT e.skill_id AS eid, COUNT(*) AS n FROM posting_skill e \
         JOIN job_posting t ON t.id = e.posting_id{} GROUP BY e.skill_id",
        where_sql(scope, &[])
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, scope.values.clone()))
        .await?;
    let mut n_of: HashMap<i64, u64> = HashMap::new();
    for r in &rows {
        let n: i64 = r.try_get("", "n")?;
        n_of.insert(r.try_get("", "eid")?, n.max(0) as u64);
    }
    let n_a = n_of.get(&skill).copied().unwrap_or(0);
    // The subject's condition first: its placeholder comes before the scope's.
    let mut with_a = Filter {
        conditions: vec!["a.skill_id = ?".to_owned()],
        values: vec![skill.into()],
    };
    with_a.conditions.extend(scope.conditions.clone());
    with_a.values.extend(scope.values.clone());
    let sql = format!(
        "SELECT b.skill_id AS eid, COUNT(*) AS n FROM posting_skill a \
         JOIN posting_skill b ON b.posting_id = a.posting_id AND b.skill_id <> a.skill_id \
         JOIN job_posting t ON t.id = a.posting_id{} GROUP BY b.skill_id",
        where_sql(&with_a, &[])
    );
    let values = with_a.values;
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("", "eid")?;
        let support: i64 = r.try_get("", "n")?;
        let support = support.max(0) as u64;
        if support < min_support.max(1) {
            continue;
        }
        let n_b = n_of.get(&id).copied().unwrap_or(0);
        if n_a == 0 || n_b == 0 {
            continue;
        }
        out.push(CoOccurrence {
            id,
            support,
            postings: n_b,
            lift: round(
                support as f64 * n_total as f64 / (n_a as f64 * n_b as f64),
                4,
            ),
            confidence: round(support as f64 / n_a as f64, 4),
        });
    }
    out.sort_by(|x, y| {
        y.lift
            .total_cmp(&x.lift)
            .then(y.support.cmp(&x.support))
            .then(x.id.cmp(&y.id))
    });
    out.truncate(limit);
    Ok((n_total, n_a, out))
}

/// The postings a question covers: a posting filter compiled over the postings table `t`.
pub type Scope = Filter;

/// Compiles a posting filter into the [`Scope`] the questions above take.
pub fn scope(
    db: &impl ConnectionTrait,
    f: &crate::market::postings::PostingFilter,
) -> AppResult<Scope> {
    f.compile(db.get_database_backend())
}

/// The sources of the postings [`demand`] counted: the scope and the target within the window.
pub async fn demand_sources(
    db: &impl ConnectionTrait,
    scope: &Filter,
    target: &Filter,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<String>> {
    let mut all = scope
        .clone()
        .and("t.posted_date >= ?", vec![from.to_string().into()])
        .and("t.posted_date <= ?", vec![to.to_string().into()]);
    all.conditions.extend(target.conditions.iter().cloned());
    all.values.extend(target.values.iter().cloned());
    sources(db, &all).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            months(d("2025-11-15"), d("2026-02-01")),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
    }
}
