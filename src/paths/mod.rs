//! Learning paths, skill gaps, related skills and skill-to-skill chains over the graph.
//!
//! Plain functions over a connection, nothing here knows about GraphQL. Each answer reads the
//! graph with a fixed number of statements whatever its size: the part of the prerequisite (or
//! broader) graph an answer can reach comes back from one recursive CTE, counts come back
//! grouped, and the walking, ordering and scoring happen in memory.
pub mod demand;
pub mod gap;
pub mod learning;
pub mod related;
pub mod route;

use std::collections::{HashMap, HashSet};

use entity::skill;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::{
    catalog::{pages::Importance, EntityRef},
    db::{id_list_value, in_id_list, stmt},
    error::{AppError, AppResult},
};

/// The most skills a caller may declare as known in one request.
pub const MAX_KNOWN: usize = 1000;

/// SQL and bound value for "column is one of these strings": the text twin of [`id_in`]. On
/// PostgreSQL an array literal with every element quoted, so any string is taken literally.
fn text_in(backend: DbBackend, column: &str, items: &[String]) -> (String, Value) {
    match backend {
        DbBackend::Postgres => {
            let quoted: Vec<String> = items
                .iter()
                .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            (
                format!("{column} = ANY(CAST(? AS text[]))"),
                Value::from(format!("{{{}}}", quoted.join(","))),
            )
        }
        _ => (
            format!("{column} IN (SELECT value FROM json_each(?))"),
            Value::from(serde_json::Value::from(items.to_vec()).to_string()),
        ),
    }
}

/// SQL and bound value for "column is one of these ids", one parameter whatever their number.
pub(crate) fn id_in(backend: DbBackend, column: &str, ids: &[i64]) -> (String, Value) {
    (in_id_list(backend, column), id_list_value(backend, ids))
}

/// Rows of a table by id, in one statement (no statement for no ids).
pub(crate) use crate::store::by_ids as rows_by_ids;

/// Looks up many skills named by id or slug in one statement, in the order given, without
/// duplicates. Every ref must exist: the missing ones are named in a NOT_FOUND error.
pub async fn resolve_skills(
    db: &impl ConnectionTrait,
    refs: &[EntityRef],
) -> AppResult<Vec<skill::Model>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    if refs.len() > MAX_KNOWN {
        return Err(AppError::Validation(format!(
            "at most {MAX_KNOWN} skills may be given, got {}",
            refs.len()
        )));
    }
    let mut ids = Vec::new();
    let mut slugs = Vec::new();
    for r in refs {
        match r {
            EntityRef::Id(id) => ids.push(*id),
            EntityRef::Slug(s) => slugs.push(s.clone()),
        }
    }
    let backend = db.get_database_backend();
    let (by_id_sql, ids_value) = id_in(backend, "s.id", &ids);
    let (by_slug_sql, slugs_value) = text_in(backend, "s.slug", &slugs);
    // Two arms rather than one OR, so that each uses its index.
    let sql = format!(
        "SELECT s.* FROM skill s WHERE {by_id_sql} UNION ALL SELECT s.* FROM skill s WHERE {by_slug_sql}"
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![ids_value, slugs_value]))
        .await?;
    let mut by_id = HashMap::new();
    let mut by_slug = HashMap::new();
    for row in &rows {
        let m = skill::Model::from_query_result(row, "")?;
        by_slug.insert(m.slug.clone(), m.id);
        by_id.insert(m.id, m);
    }
    let mut out = Vec::with_capacity(refs.len());
    let mut seen = HashSet::new();
    let mut missing = Vec::new();
    for r in refs {
        let id = match r {
            EntityRef::Id(id) => by_id.contains_key(id).then_some(*id),
            EntityRef::Slug(s) => by_slug.get(s).copied(),
        };
        match id.and_then(|id| by_id.get(&id)) {
            Some(m) => {
                if seen.insert(m.id) {
                    out.push(m.clone());
                }
            }
            None => missing.push(r.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(AppError::NotFound(format!(
            "skill {} not found",
            missing.join(", ")
        )));
    }
    Ok(out)
}

/// Skill → prerequisite edges: the part of the prerequisite graph reachable from `seeds`, read
/// with one recursive CTE that collects edges (each edge once: UNION drops repeats, which also
/// ends the recursion).
pub async fn prerequisite_edges_from(
    db: &impl ConnectionTrait,
    seeds: &[i64],
) -> AppResult<Vec<(i64, i64)>> {
    if seeds.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let (seed_sql, seed_value) = id_in(backend, "e.skill_id", seeds);
    let sql = format!(
        "WITH RECURSIVE reach(a, b) AS (\
         SELECT e.skill_id, e.prerequisite_id FROM skill_prerequisite e WHERE {seed_sql} \
         UNION SELECT e.skill_id, e.prerequisite_id FROM reach r \
         JOIN skill_prerequisite e ON e.skill_id = r.b) \
         SELECT a, b FROM reach"
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![seed_value]))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push((r.try_get::<i64>("", "a")?, r.try_get::<i64>("", "b")?));
    }
    Ok(out)
}

/// A skill a target asks for: a role requirement (with importance and level) or a target
/// skill (with neither).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub skill: i64,
    pub importance: Option<Importance>,
    pub level: Option<i32>,
    /// The requirement's choice group, an index into [`RoleRequirements::groups`]: one of the
    /// group's skills is enough.
    pub choice: Option<usize>,
}

/// A role's requirements and the names of its choice groups.
#[derive(Clone, Debug, Default)]
pub struct RoleRequirements {
    pub list: Vec<Requirement>,
    pub groups: Vec<String>,
}

/// The skills a role requires, by skill id, with their choice groups, in one statement.
pub async fn role_requirements(
    db: &impl ConnectionTrait,
    role_id: i64,
) -> AppResult<RoleRequirements> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT rs.skill_id, rs.importance, rs.level, c.choice_group FROM role_skill rs \
             LEFT JOIN role_skill_choice c ON c.role_id = rs.role_id AND c.skill_id = rs.skill_id \
             WHERE rs.role_id = ? ORDER BY rs.skill_id",
            vec![role_id.into()],
        ))
        .await?;
    let mut out = RoleRequirements::default();
    for r in &rows {
        let importance: String = r.try_get("", "importance")?;
        let group: Option<String> = r.try_get("", "choice_group")?;
        let choice = match group {
            None => None,
            Some(g) => Some(match out.groups.iter().position(|x| *x == g) {
                Some(i) => i,
                None => {
                    out.groups.push(g);
                    out.groups.len() - 1
                }
            }),
        };
        out.list.push(Requirement {
            skill: r.try_get("", "skill_id")?,
            importance: Some(Importance::parse(&importance).unwrap_or(Importance::Optional)),
            // Imported edges (ESCO, O*NET technology lists) carry no level.
            level: r.try_get::<Option<i32>>("", "level")?,
            choice,
        });
    }
    Ok(out)
}

/// How a choice group was settled, for the requirement kept from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceNote {
    /// The group's name ("server-side language").
    pub group: String,
    /// True when the kept skill is known (or implied); false when it was picked as the most
    /// demanded option.
    pub known: bool,
    /// The group's other options, by demand then name.
    pub others: Vec<i64>,
}

/// Settles the choice groups: from each group keep what is already known (or implied by what is
/// known); when none is, keep the most demanded option (then by name, then slug). Requirements
/// outside groups are kept as they are. Returns the kept requirements, in their order, and a
/// note per kept group member.
pub fn settle_choices(
    reqs: &RoleRequirements,
    implied: &HashSet<i64>,
    demand: &HashMap<i64, demand::Demand>,
    skills: &HashMap<i64, skill::Model>,
) -> (Vec<Requirement>, HashMap<i64, ChoiceNote>) {
    let rank = |id: i64| {
        let d = demand.get(&id).map(demand::Demand::score).unwrap_or(0);
        let (name, slug) = skills
            .get(&id)
            .map(|m| (m.name.clone(), m.slug.clone()))
            .unwrap_or_default();
        (std::cmp::Reverse(d), name, slug, id)
    };
    let mut keep: HashSet<i64> = HashSet::new();
    let mut notes = HashMap::new();
    for (g, name) in reqs.groups.iter().enumerate() {
        let mut members: Vec<i64> = reqs
            .list
            .iter()
            .filter(|r| r.choice == Some(g))
            .map(|r| r.skill)
            .collect();
        members.sort_by_key(|id| rank(*id));
        let known: Vec<i64> = members
            .iter()
            .copied()
            .filter(|m| implied.contains(m))
            .collect();
        let (kept, is_known) = if known.is_empty() {
            (members.first().copied().into_iter().collect(), false)
        } else {
            (known, true)
        };
        for &k in &kept {
            keep.insert(k);
            notes.insert(
                k,
                ChoiceNote {
                    group: name.clone(),
                    known: is_known,
                    others: members.iter().copied().filter(|m| *m != k).collect(),
                },
            );
        }
    }
    let list = reqs
        .list
        .iter()
        .copied()
        .filter(|r| r.choice.is_none() || keep.contains(&r.skill))
        .collect();
    (list, notes)
}

/// Adjacency lists (skill → its prerequisites) from an edge list, each list sorted.
pub(crate) fn adjacency(edges: &[(i64, i64)]) -> HashMap<i64, Vec<i64>> {
    let mut adj: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(a, b) in edges {
        adj.entry(a).or_default().push(b);
    }
    for v in adj.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    adj
}

/// Every skill reachable from `starts` (themselves included), not entering `stop`.
pub(crate) fn closure(
    adj: &HashMap<i64, Vec<i64>>,
    starts: impl IntoIterator<Item = i64>,
    stop: &HashSet<i64>,
) -> HashSet<i64> {
    let mut seen = HashSet::new();
    let mut stack: Vec<i64> = starts.into_iter().filter(|s| !stop.contains(s)).collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        for &m in adj.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
            if !stop.contains(&m) && !seen.contains(&m) {
                stack.push(m);
            }
        }
    }
    seen
}

/// A percentage with one decimal; 100 when nothing is asked for (nothing is missing).
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (1000.0 * part as f64 / whole as f64).round() / 10.0
}

/// Names for explanations: at most three, then how many more.
pub(crate) fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_closures() {
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(0, 4), 0.0);
        let adj = adjacency(&[(1, 2), (2, 3), (4, 3), (1, 2)]);
        assert_eq!(adj[&1], vec![2]);
        let all = closure(&adj, [1], &HashSet::new());
        assert_eq!(all, HashSet::from([1, 2, 3]));
        let cut = closure(&adj, [1, 4], &HashSet::from([2]));
        assert_eq!(cut, HashSet::from([1, 4, 3]));
        assert_eq!(name_list(&["a", "b"]), "a, b");
        assert_eq!(name_list(&["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    }
}
