//! Evidence from imported occupations for curated roles: the occupations linked to a curated
//! role (`role_equivalent`), and, for each skill and each framework they require, how many of
//! them require it, how many as essential, and O*NET's Hot Technology / In Demand flags.
//! Evidence never becomes a requirement of the curated role; rankings (learning paths, skill
//! gaps) and clients may weigh it.
use std::collections::HashMap;

use entity::role;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db::{id_list_value, in_id_list, stmt},
    error::AppResult,
};

/// An imported occupation linked to a curated role.
#[derive(Clone, Debug)]
pub struct Equivalent {
    pub role: role::Model,
    /// The key both share: `esco_uri` or `onet_soc_code`.
    pub via: String,
    pub source_id: Option<i64>,
}

/// What the equivalent occupations of a curated role say about one skill (or, in
/// [`RoleEvidence::frameworks`], one framework: `skill_id` is then the framework's id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillEvidence {
    pub skill_id: i64,
    /// The curated role itself requires the skill (or uses the framework).
    pub required: bool,
    /// Equivalent occupations requiring the skill.
    pub occupations: i64,
    /// … of which as essential.
    pub essential_in: i64,
    pub hot_technology: bool,
    pub in_demand: bool,
}

/// Everything known about one role's equivalents.
#[derive(Clone, Debug, Default)]
pub struct RoleEvidence {
    pub equivalents: Vec<Equivalent>,
    /// Most occupations first, then skills the role requires, then by id.
    pub skills: Vec<SkillEvidence>,
    /// The same for frameworks (`role_framework` of the equivalents), in the same order.
    pub frameworks: Vec<SkillEvidence>,
}

#[derive(FromQueryResult)]
struct EqRow {
    via: String,
    link_source_id: Option<i64>,
    curated_id: i64,
}

#[derive(FromQueryResult)]
struct EvRow {
    role_id: i64,
    skill_id: i64,
    required: i64,
    occupations: i64,
    essential_in: i64,
    hot: i64,
    in_demand: i64,
}

/// The evidence of many roles in three statements (roles with no equivalents get an empty one).
pub async fn for_roles(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> AppResult<HashMap<i64, RoleEvidence>> {
    let backend = db.get_database_backend();
    let mut out: HashMap<i64, RoleEvidence> = role_ids
        .iter()
        .map(|&id| (id, RoleEvidence::default()))
        .collect();
    let sql = format!(
        "SELECT r.*, e.via AS via, e.source_id AS link_source_id, e.role_id AS curated_id \
         FROM role_equivalent e JOIN role r ON r.id = e.equivalent_id \
         WHERE {} ORDER BY e.role_id, r.slug, r.id",
        in_id_list(backend, "e.role_id")
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(backend, role_ids)]))
        .await?;
    for r in &rows {
        let link = EqRow::from_query_result(r, "")?;
        let role = role::Model::from_query_result(r, "")?;
        out.entry(link.curated_id)
            .or_default()
            .equivalents
            .push(Equivalent {
                role,
                via: link.via,
                source_id: link.link_source_id,
            });
    }
    for (table, col, frameworks) in [
        ("role_skill", "skill_id", false),
        ("role_framework", "framework_id", true),
    ] {
        let sql = format!(
            "SELECT e.role_id AS role_id, rs.{col} AS skill_id, \
             CAST(MAX(CASE WHEN cur.{col} IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS required, \
             CAST(COUNT(DISTINCT e.equivalent_id) AS BIGINT) AS occupations, \
             CAST(COUNT(DISTINCT CASE WHEN rs.importance = 'essential' THEN e.equivalent_id END) AS BIGINT) AS essential_in, \
             CAST(MAX(CASE WHEN rs.hot_technology THEN 1 ELSE 0 END) AS BIGINT) AS hot, \
             CAST(MAX(CASE WHEN rs.in_demand THEN 1 ELSE 0 END) AS BIGINT) AS in_demand \
             FROM role_equivalent e JOIN {table} rs ON rs.role_id = e.equivalent_id \
             LEFT JOIN {table} cur ON cur.role_id = e.role_id AND cur.{col} = rs.{col} \
             WHERE {} GROUP BY e.role_id, rs.{col}",
            in_id_list(backend, "e.role_id")
        );
        let rows = db
            .query_all_raw(stmt(backend, &sql, vec![id_list_value(backend, role_ids)]))
            .await?;
        for r in &rows {
            let row = EvRow::from_query_result(r, "")?;
            let ev = out.entry(row.role_id).or_default();
            let list = if frameworks {
                &mut ev.frameworks
            } else {
                &mut ev.skills
            };
            list.push(SkillEvidence {
                skill_id: row.skill_id,
                required: row.required != 0,
                occupations: row.occupations,
                essential_in: row.essential_in,
                hot_technology: row.hot != 0,
                in_demand: row.in_demand != 0,
            });
        }
    }
    for ev in out.values_mut() {
        for list in [&mut ev.skills, &mut ev.frameworks] {
            list.sort_by(|a, b| {
                b.occupations
                    .cmp(&a.occupations)
                    .then(b.required.cmp(&a.required))
                    .then(a.skill_id.cmp(&b.skill_id))
            });
        }
    }
    Ok(out)
}
