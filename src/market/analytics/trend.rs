//! Trending skills: the share of postings asking for a skill in two windows.
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Value};

use crate::{
    catalog::pages::Filter,
    error::{AppError, AppResult},
    market::analytics::{round, sources, where_sql},
    store::stmt,
};

/// A skill's postings in two windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    pub id: i64,
    pub current: u64,
    pub previous: u64,
    /// Of the postings in scope in the current window, one in `current_share` asks for it.
    pub current_share: f64,
    pub previous_share: f64,
    /// (current share − previous share) / previous share; None when the skill had fewer than
    /// the minimum support in the previous window (too few to measure a change).
    pub growth: Option<f64>,
}

/// The growth of a share, when both windows have the minimum support.
fn growth(cur: u64, prev: u64, total_cur: u64, total_prev: u64, support: u64) -> Option<f64> {
    if cur < support || prev < support || total_cur == 0 || total_prev == 0 {
        return None;
    }
    let cs = cur as f64 / total_cur as f64;
    let ps = prev as f64 / total_prev as f64;
    Some(round((cs - ps) / ps, 4))
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        round(n as f64 / total as f64, 4)
    }
}

/// Skills whose share of postings grew most from the previous window to the current one.
///
/// Growth compares *shares*, not counts: when the whole market doubles, a skill that doubles
/// with it has not grown. Minimum support: a skill is listed only with at least `min_postings`
/// postings in the current window, and its growth is measured only when it had at least
/// `min_postings` in the previous window too (else growth is None: too few to tell). Ranked by
/// growth (measured ones first), then current postings, then id. Two statements.
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
    let (tc, tp) = (tc.max(0) as u64, tp.max(0) as u64);
    let support = min_postings.max(1);
    let mut out = Vec::new();
    for r in &rows {
        let cur: i64 = r.try_get("", "cur")?;
        let prev: i64 = r.try_get("", "prev")?;
        let (cur, prev) = (cur.max(0) as u64, prev.max(0) as u64);
        if cur < support {
            continue;
        }
        out.push(Trend {
            id: r.try_get("", "eid")?,
            current: cur,
            previous: prev,
            current_share: share(cur, tc),
            previous_share: share(prev, tp),
            growth: growth(cur, prev, tc, tp, support),
        });
    }
    out.sort_by(|a, b| {
        let g = |t: &Trend| t.growth.unwrap_or(f64::NEG_INFINITY);
        g(b).total_cmp(&g(a))
            .then(b.current.cmp(&a.current))
            .then(a.id.cmp(&b.id))
    });
    out.truncate(limit);
    Ok((tc, tp, out))
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
    fn growth_is_by_share_with_a_minimum_support() {
        // The market doubles and the skill with it: no growth.
        assert_eq!(growth(20, 10, 200, 100, 5), Some(0.0));
        // Twice the postings in a market four times larger: its share halved.
        assert_eq!(growth(20, 10, 400, 100, 5), Some(-0.5));
        // A steady market: share and count agree.
        assert_eq!(growth(15, 10, 100, 100, 5), Some(0.5));
        // Too few postings in the previous window to measure.
        assert_eq!(growth(20, 4, 100, 100, 5), None);
        assert_eq!(growth(20, 0, 100, 0, 1), None);
        assert_eq!(share(1, 3), 0.3333);
        assert_eq!(share(1, 0), 0.0);
    }
}
