//! Market analytics, computed in the database with GROUP BY: a fixed, small number of
//! statements per question whatever the data (no per-row queries). Each answer lists the
//! sources of the postings it counted, so synthetic data is never mistaken for real data.
//!
//! Scope: every question takes a compiled posting filter (the `jobPostings` filter) over the
//! postings table aliased `t`.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, Value};

use crate::{
    catalog::pages::Filter,
    error::{AppError, AppResult},
    store::stmt,
};

/// Salary questions read at most this many postings (one bounded statement).
pub const MAX_SALARY_ROWS: u64 = 200_000;

fn where_sql(f: &Filter, extra: &[&str]) -> String {
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

/// p25, median, p75 and more of annualised salaries in one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct SalaryStats {
    pub currency: String,
    pub postings: u64,
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
}

/// The `p` quantile (0–1) of sorted values by linear interpolation between closest ranks
/// (R's type 7, Excel's PERCENTILE.INC, NumPy's default): h = (n − 1)·p, then
/// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Salary distribution per currency of postings in scope: each posting counts once, at the
/// midpoint of its annualised range. The values come sorted from one bounded statement; the
/// percentiles are computed here so both engines give identical answers.
pub async fn salaries(db: &impl ConnectionTrait, scope: &Filter) -> AppResult<Vec<SalaryStats>> {
    let mut values = scope.values.clone();
    values.push(((MAX_SALARY_ROWS + 1) as i64).into());
    let sql = format!(
        "SELECT t.salary_currency AS currency, t.salary_annual_min AS lo, t.salary_annual_max AS hi \
         FROM job_posting t{} ORDER BY t.salary_currency, t.salary_annual_min + t.salary_annual_max \
         LIMIT ?",
        where_sql(
            scope,
            &[
                "t.salary_currency IS NOT NULL",
                "t.salary_annual_min IS NOT NULL",
                "t.salary_annual_max IS NOT NULL"
            ]
        )
    );
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    if rows.len() as u64 > MAX_SALARY_ROWS {
        return Err(AppError::Validation(format!(
            "more than {MAX_SALARY_ROWS} salaries in scope: narrow the question"
        )));
    }
    let mut by_currency: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &rows {
        let lo: f64 = r.try_get("", "lo")?;
        let hi: f64 = r.try_get("", "hi")?;
        by_currency
            .entry(r.try_get("", "currency")?)
            .or_default()
            .push((lo + hi) / 2.0);
    }
    Ok(by_currency
        .into_iter()
        .filter_map(|(currency, mut v)| {
            v.sort_by(f64::total_cmp);
            let q = |p: f64| percentile(&v, p).map(|x| round(x, 2));
            Some(SalaryStats {
                postings: v.len() as u64,
                min: q(0.0)?,
                p25: q(0.25)?,
                median: q(0.5)?,
                p75: q(0.75)?,
                max: q(1.0)?,
                currency,
            })
        })
        .collect())
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

/// A skill's postings in two windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    pub id: i64,
    pub current: u64,
    pub previous: u64,
    /// (current − previous) / previous; None when it was not asked for before.
    pub growth: Option<f64>,
}

/// Skills whose demand grew most from the previous window to the current one: those with at
/// least `min_postings` in the current window, ranked by growth (new skills, with no previous
/// postings, first), then current postings, then id. Two statements.
pub async fn trending(
    db: &impl ConnectionTrait,
    scope: &Filter,
    current: (NaiveDate, NaiveDate),
    previous: (NaiveDate, NaiveDate),
    min_postings: u64,
    limit: usize,
) -> AppResult<(u64, u64, Vec<Trend>)> {
    for (a, b) in [current, previous] {
        if b < a {
            return Err(AppError::Validation(
                "a window ends before it starts".into(),
            ));
        }
    }
    let backend = db.get_database_backend();
    let d = |x: NaiveDate| Value::from(x.to_string());
    let in_cur = "(t.posted_date >= ? AND t.posted_date <= ?)";
    let in_prev = "(t.posted_date >= ? AND t.posted_date <= ?)";
    let window_values = || vec![d(current.0), d(current.1), d(previous.0), d(previous.1)];
    let either = format!("({in_cur} OR {in_prev})");
    // Totals per window.
    let mut values = window_values();
    values.extend(scope.values.clone());
    values.extend(window_values());
    let sql = format!(
        "SELECT SUM(CASE WHEN {in_cur} THEN 1 ELSE 0 END) AS cur, \
         SUM(CASE WHEN {in_prev} THEN 1 ELSE 0 END) AS prev FROM job_posting t{}",
        where_sql(scope, &[either.as_str()])
    );
    let row = db.query_one_raw(stmt(backend, &sql, values)).await?;
    let (tc, tp) = match row {
        Some(r) => (
            r.try_get::<Option<i64>>("", "cur")?.unwrap_or(0),
            r.try_get::<Option<i64>>("", "prev")?.unwrap_or(0),
        ),
        None => (0, 0),
    };
    let mut values = window_values();
    values.extend(scope.values.clone());
    values.extend(window_values());
    let sql = format!(
        "SELECT e.skill_id AS eid, SUM(CASE WHEN {in_cur} THEN 1 ELSE 0 END) AS cur, \
         SUM(CASE WHEN {in_prev} THEN 1 ELSE 0 END) AS prev \
         FROM posting_skill e JOIN job_posting t ON t.id = e.posting_id{} GROUP BY e.skill_id",
        where_sql(scope, &[either.as_str()])
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut out = Vec::new();
    for r in &rows {
        let cur: i64 = r.try_get("", "cur")?;
        let prev: i64 = r.try_get("", "prev")?;
        let (cur, prev) = (cur.max(0) as u64, prev.max(0) as u64);
        if cur < min_postings.max(1) {
            continue;
        }
        out.push(Trend {
            id: r.try_get("", "eid")?,
            current: cur,
            previous: prev,
            growth: (prev > 0).then(|| round((cur as f64 - prev as f64) / prev as f64, 4)),
        });
    }
    out.sort_by(|a, b| {
        let g = |t: &Trend| t.growth.unwrap_or(f64::INFINITY);
        g(b).total_cmp(&g(a))
            .then(b.current.cmp(&a.current))
            .then(a.id.cmp(&b.id))
    });
    out.truncate(limit);
    Ok((tc.max(0) as u64, tp.max(0) as u64, out))
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

/// The sources of the postings [`trending`] compared: the scope within either window.
pub async fn trend_sources(
    db: &impl ConnectionTrait,
    scope: &Filter,
    current: (NaiveDate, NaiveDate),
    previous: (NaiveDate, NaiveDate),
) -> AppResult<Vec<String>> {
    let either = scope.clone().and(
        "((t.posted_date >= ? AND t.posted_date <= ?) OR (t.posted_date >= ? AND t.posted_date <= ?))",
        vec![
            current.0.to_string().into(),
            current.1.to_string().into(),
            previous.0.to_string().into(),
            previous.1.to_string().into(),
        ],
    );
    sources(db, &either).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_linearly() {
        let v = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&v, 0.25), Some(17.5));
        assert_eq!(percentile(&v, 0.5), Some(25.0));
        assert_eq!(percentile(&v, 0.75), Some(32.5));
        assert_eq!(percentile(&[7.0], 0.5), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn lists_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            months(d("2025-11-15"), d("2026-02-01")),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
    }
}
