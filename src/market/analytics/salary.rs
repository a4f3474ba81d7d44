//! Salary distributions of the postings in scope.
use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::{
    catalog::pages::Filter,
    error::{AppError, AppResult},
    market::analytics::{round, where_sql},
    store::stmt,
};

/// Salary questions read at most this many postings (one bounded statement).
pub const MAX_SALARY_ROWS: u64 = 200_000;

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
    let rows = salary_rows(
        db,
        scope,
        SalaryRead {
            order: " ORDER BY t.salary_currency, t.salary_annual_min + t.salary_annual_max",
            ..SalaryRead::default()
        },
    )
    .await?;
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

/// What a salary read adds to the postings in scope with an annualised salary: columns
/// (`select`, e.g. `, t.source AS source`, whose placeholders `head` binds before the scope's),
/// a condition (`cond`, bound by `tail` after the scope's) and an order.
#[derive(Default)]
pub struct SalaryRead<'a> {
    pub select: &'a str,
    pub head: Vec<Value>,
    pub cond: Option<(&'a str, Value)>,
    pub order: &'a str,
}

/// The postings in `scope` with an annualised salary, in one statement: every row has
/// `currency`, `lo` and `hi` (the annualised range) and what `read` adds. Refused above
/// [`MAX_SALARY_ROWS`].
pub async fn salary_rows(
    db: &impl ConnectionTrait,
    scope: &Filter,
    read: SalaryRead<'_>,
) -> AppResult<Vec<QueryResult>> {
    let mut values = read.head;
    values.extend(scope.values.iter().cloned());
    let mut conds = vec![
        "t.salary_currency IS NOT NULL",
        "t.salary_annual_min IS NOT NULL",
        "t.salary_annual_max IS NOT NULL",
    ];
    if let Some((cond, value)) = read.cond {
        conds.push(cond);
        values.push(value);
    }
    values.push(((MAX_SALARY_ROWS + 1) as i64).into());
    let sql = format!(
        "SELECT t.salary_currency AS currency, t.salary_annual_min AS lo, \
         t.salary_annual_max AS hi{} FROM job_posting t{}{} LIMIT ?",
        read.select,
        where_sql(scope, &conds),
        read.order
    );
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), &sql, values))
        .await?;
    if rows.len() as u64 > MAX_SALARY_ROWS {
        return Err(AppError::Validation(format!(
            "more than {MAX_SALARY_ROWS} salaries in scope: narrow the question"
        )));
    }
    Ok(rows)
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
}
