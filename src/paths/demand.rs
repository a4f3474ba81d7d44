//! Market demand for skills: the one measure every ranking of this module uses.
use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult, paths::id_in};

/// How much the market asks for a skill, by source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// How many roles require the skill (essential or optional alike).
    pub roles: i64,
    /// How many job postings ask for the skill (required or preferred, every source).
    pub postings: i64,
}

impl Demand {
    /// The demand measure: `roles + postings`, the number of roles requiring the skill plus the
    /// number of job postings asking for it. With postings loaded they dominate (hundreds
    /// against a handful of roles), so the market decides; with none, the roles do.
    pub fn score(&self) -> i64 {
        self.roles + self.postings
    }
}

/// The demand of each skill of `ids` (zero for a skill nobody asks for), in one statement: roles
/// and postings counted by one `UNION ALL` of two grouped counts.
pub async fn demand(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, Demand>> {
    let mut out: HashMap<i64, Demand> = ids.iter().map(|id| (*id, Demand::default())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (cond, value) = id_in(backend, "rs.skill_id", ids);
    let (pcond, pvalue) = id_in(backend, "ps.skill_id", ids);
    let sql = format!(
        "SELECT 'r' AS k, rs.skill_id AS id, COUNT(*) AS n FROM role_skill rs WHERE {cond} \
         GROUP BY rs.skill_id \
         UNION ALL SELECT 'p', ps.skill_id, COUNT(*) FROM posting_skill ps WHERE {pcond} \
         GROUP BY ps.skill_id"
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![value, pvalue]))
        .await?;
    for r in &rows {
        let k: String = r.try_get("", "k")?;
        let id: i64 = r.try_get("", "id")?;
        let n: i64 = r.try_get("", "n")?;
        let d = out.entry(id).or_default();
        if k == "p" {
            d.postings = n;
        } else {
            d.roles = n;
        }
    }
    Ok(out)
}
