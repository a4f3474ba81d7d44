//! Market demand for skills: the one measure every ranking of this module uses.
use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult, paths::id_in};

/// How much the market asks for a skill, by source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// How many roles require the skill (essential or optional alike).
    pub roles: i64,
    /// How many job postings ask for the skill. Postings are not imported yet: always 0.
    pub postings: i64,
}

impl Demand {
    /// The demand measure: `roles + postings`. Today it is the number of roles requiring the
    /// skill; once postings are imported their count adds to it, so rankings built on it pick
    /// them up without changing.
    pub fn score(&self) -> i64 {
        self.roles + self.postings
    }
}

/// The demand of each skill of `ids` (zero for a skill no role requires), in one statement.
pub async fn demand(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, Demand>> {
    let mut out: HashMap<i64, Demand> = ids.iter().map(|id| (*id, Demand::default())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (cond, value) = id_in(backend, "rs.skill_id", ids);
    let sql =
        format!("SELECT rs.skill_id AS id, COUNT(*) AS n FROM role_skill rs WHERE {cond} GROUP BY rs.skill_id");
    let rows = db.query_all_raw(stmt(backend, &sql, vec![value])).await?;
    for r in &rows {
        let id: i64 = r.try_get("", "id")?;
        let n: i64 = r.try_get("", "n")?;
        out.entry(id).or_default().roles = n;
    }
    Ok(out)
}
