//! Market demand for skills and frameworks: the one measure every ranking of this module uses.
use std::collections::HashMap;

use crate::{
    db::stmt,
    error::AppResult,
    paths::{id_in, node::Node},
    store::{lite, RowSource},
};

/// How much the market asks for a skill, by source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// How many roles require the skill or framework (essential or optional alike).
    pub roles: i64,
    /// How many job postings ask for it (required or preferred, every source).
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

/// The demand of each node of `nodes` (zero for one nobody asks for), in one statement: roles
/// and postings counted by one `UNION ALL` of grouped counts, for skills (`role_skill`,
/// `posting_skill`) and frameworks (`role_framework`, `posting_framework`) alike.
pub async fn demand(db: &impl RowSource, nodes: &[Node]) -> AppResult<HashMap<Node, Demand>> {
    let mut out: HashMap<Node, Demand> = nodes.iter().map(|n| (*n, Demand::default())).collect();
    if nodes.is_empty() {
        return Ok(out);
    }
    let skills: Vec<i64> = nodes.iter().filter_map(|n| n.skill_id()).collect();
    let fws: Vec<i64> = nodes.iter().filter_map(|n| n.framework_id()).collect();
    let backend = db.get_database_backend();
    let (cond, value) = id_in(backend, "rs.skill_id", &skills);
    let (pcond, pvalue) = id_in(backend, "ps.skill_id", &skills);
    let (fcond, fvalue) = id_in(backend, "rf.framework_id", &fws);
    let (pfcond, pfvalue) = id_in(backend, "pf.framework_id", &fws);
    let sql = format!(
        "SELECT 'r' AS k, rs.skill_id AS id, COUNT(*) AS n FROM role_skill rs WHERE {cond} \
         GROUP BY rs.skill_id \
         UNION ALL SELECT 'p', ps.skill_id, COUNT(*) FROM posting_skill ps WHERE {pcond} \
         GROUP BY ps.skill_id \
         UNION ALL SELECT 'R', rf.framework_id, COUNT(*) FROM role_framework rf WHERE {fcond} \
         GROUP BY rf.framework_id \
         UNION ALL SELECT 'P', pf.framework_id, COUNT(*) FROM posting_framework pf WHERE {pfcond} \
         GROUP BY pf.framework_id"
    );
    // Read by position: on a SQLite file, in place (`store::lite`).
    let st = stmt(backend, &sql, vec![value, pvalue, fvalue, pfvalue]);
    lite::each_row(db, st, true, |r| {
        let k: String = r.req()?;
        let id: i64 = r.req()?;
        let n: i64 = r.req()?;
        let (node, postings) = match k.as_str() {
            "r" => (Node::Skill(id), false),
            "p" => (Node::Skill(id), true),
            "R" => (Node::Framework(id), false),
            _ => (Node::Framework(id), true),
        };
        let d = out.entry(node).or_default();
        if postings {
            d.postings = n;
        } else {
            d.roles = n;
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

/// Evidence for a curated role's requirements: for each skill and framework, how many of the
/// imported occupations linked to the role (`role_equivalent`) require it. Rankings use it to
/// break ties after demand; it never adds a requirement. One statement; empty for a role with
/// no equivalents.
pub async fn evidence(db: &impl RowSource, role_id: i64) -> AppResult<HashMap<Node, i64>> {
    let backend = db.get_database_backend();
    let st = stmt(
        backend,
        "SELECT 0 AS k, rs.skill_id AS id, COUNT(DISTINCT e.equivalent_id) AS n \
             FROM role_equivalent e JOIN role_skill rs ON rs.role_id = e.equivalent_id \
             WHERE e.role_id = ? GROUP BY rs.skill_id \
             UNION ALL SELECT 1, rf.framework_id, COUNT(DISTINCT e.equivalent_id) \
             FROM role_equivalent e JOIN role_framework rf ON rf.role_id = e.equivalent_id \
             WHERE e.role_id = ? GROUP BY rf.framework_id",
        vec![role_id.into(), role_id.into()],
    );
    let mut out = HashMap::new();
    lite::each_row(db, st, true, |r| {
        let k: i32 = r.req()?;
        let id: i64 = r.req()?;
        let n: i64 = r.req()?;
        let node = if k == 1 {
            Node::Framework(id)
        } else {
            Node::Skill(id)
        };
        out.insert(node, n);
        Ok(())
    })
    .await?;
    Ok(out)
}
