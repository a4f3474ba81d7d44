//! What paths and gaps read of the graph: the prerequisite links reachable from some nodes
//! (skill prerequisites, and a framework's language), a role's requirements (skills and
//! frameworks) with their choice groups, and how groups and frameworks are settled.
use std::collections::{HashMap, HashSet};

use crate::{
    catalog::pages::Importance,
    db::stmt,
    error::AppResult,
    paths::{
        demand::Demand,
        id_in,
        node::{Node, NodeModel},
    },
    store::{lite, RowSource},
};

/// Prerequisite links (node → what it needs first) reachable from `seeds`, read with one
/// recursive CTE that collects edges (each once: UNION drops repeats, which also ends the
/// recursion). A framework's link goes to its language; everything below is skills.
pub async fn prerequisite_edges_from(
    db: &impl RowSource,
    seeds: &[Node],
) -> AppResult<Vec<(Node, Node)>> {
    let skills: Vec<i64> = seeds.iter().filter_map(|n| n.skill_id()).collect();
    let fws: Vec<i64> = seeds.iter().filter_map(|n| n.framework_id()).collect();
    if skills.is_empty() && fws.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let (seed_sql, seed_value) = id_in(backend, "e.skill_id", &skills);
    let (fw_sql, fw_value) = id_in(backend, "f.id", &fws);
    // k = 1 marks a framework → language link. The anchor has two arms; the recursive part
    // follows skill prerequisites from whatever was reached.
    let sql = format!(
        "WITH RECURSIVE reach(k, a, b) AS (\
         SELECT 0, e.skill_id, e.prerequisite_id FROM skill_prerequisite e WHERE {seed_sql} \
         UNION SELECT 1, f.id, f.language_id FROM framework f WHERE {fw_sql} \
         UNION SELECT 0, e.skill_id, e.prerequisite_id FROM reach r \
         JOIN skill_prerequisite e ON e.skill_id = r.b) \
         SELECT k, a, b FROM reach"
    );
    // Read by position: on a SQLite file, in place (`store::lite`), without a round trip
    // through sqlx's worker thread.
    let st = stmt(backend, &sql, vec![seed_value, fw_value]);
    lite::rows(db, st, true, |r| {
        let k: i32 = r.req()?;
        let a: i64 = r.req()?;
        let b: i64 = r.req()?;
        let from = if k == 1 {
            Node::Framework(a)
        } else {
            Node::Skill(a)
        };
        Ok((from, Node::Skill(b)))
    })
    .await
}

/// A node a target asks for: a role requirement (with importance and level) or a target
/// skill or framework (with neither).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub node: Node,
    pub importance: Option<Importance>,
    pub level: Option<i32>,
    /// The requirement's choice group, an index into [`RoleRequirements::groups`]: one of the
    /// group's skills is enough.
    pub choice: Option<usize>,
}

impl Requirement {
    /// A target of its own: no importance, level or group.
    pub fn target(node: Node) -> Self {
        Requirement {
            node,
            importance: None,
            level: None,
            choice: None,
        }
    }
}

/// A role's requirements and the names of its choice groups.
#[derive(Clone, Debug, Default)]
pub struct RoleRequirements {
    pub list: Vec<Requirement>,
    pub groups: Vec<String>,
}

/// The skills and frameworks a role requires, with the skills' choice groups, in one statement.
pub async fn role_requirements(db: &impl RowSource, role_id: i64) -> AppResult<RoleRequirements> {
    let backend = db.get_database_backend();
    let st = stmt(
        backend,
        "SELECT 0 AS k, rs.skill_id AS id, rs.importance, rs.level, c.choice_group \
             FROM role_skill rs LEFT JOIN role_skill_choice c \
             ON c.role_id = rs.role_id AND c.skill_id = rs.skill_id WHERE rs.role_id = ? \
             UNION ALL SELECT 1, rf.framework_id, rf.importance, rf.level, NULL \
             FROM role_framework rf WHERE rf.role_id = ? ORDER BY 1, 2",
        vec![role_id.into(), role_id.into()],
    );
    let mut out = RoleRequirements::default();
    lite::each_row(db, st, true, |r| {
        let k: i32 = r.req()?;
        let id: i64 = r.req()?;
        let importance: String = r.req()?;
        let level: Option<i32> = r.opt()?;
        let group: Option<String> = r.opt()?;
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
            node: if k == 1 {
                Node::Framework(id)
            } else {
                Node::Skill(id)
            },
            importance: Some(Importance::parse(&importance).unwrap_or(Importance::Optional)),
            // Imported edges (ESCO, O*NET technology lists) carry no level.
            level,
            choice,
        });
        Ok(())
    })
    .await?;
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
    pub others: Vec<Node>,
}

/// Settles the choice groups: from each group keep what is already known (or implied by what is
/// known); when none is, keep the most demanded option (then by name, then slug). Requirements
/// outside groups are kept as they are. Returns the kept requirements, in their order, and a
/// note per kept group member.
pub fn settle_choices(
    reqs: &RoleRequirements,
    implied: &HashSet<Node>,
    demand: &HashMap<Node, Demand>,
    models: &HashMap<Node, NodeModel>,
) -> (Vec<Requirement>, HashMap<Node, ChoiceNote>) {
    let rank = |n: Node| {
        let d = demand.get(&n).map(Demand::score).unwrap_or(0);
        let (name, slug) = models
            .get(&n)
            .map(|m| (m.name().to_owned(), m.slug().to_owned()))
            .unwrap_or_default();
        (std::cmp::Reverse(d), name, slug, n)
    };
    let mut keep: HashSet<Node> = HashSet::new();
    let mut notes = HashMap::new();
    for (g, name) in reqs.groups.iter().enumerate() {
        let mut members: Vec<Node> = reqs
            .list
            .iter()
            .filter(|r| r.choice == Some(g))
            .map(|r| r.node)
            .collect();
        members.sort_by_key(|n| rank(*n));
        let known: Vec<Node> = members
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
        .filter(|r| r.choice.is_none() || keep.contains(&r.node))
        .collect();
    (list, notes)
}

/// Keeps a role's frameworks that suit the path: every essential one, and an optional one only
/// when its language is already covered or is itself kept among the requirements (a Python
/// developer's path to Back-End Developer offers Django, not Spring and with it Java). A
/// framework that is known (covered) is kept too, so that it counts as met.
pub fn settle_frameworks(
    reqs: Vec<Requirement>,
    covered: &HashSet<Node>,
    adj: &HashMap<Node, Vec<Node>>,
) -> Vec<Requirement> {
    let kept_skills: HashSet<Node> = reqs
        .iter()
        .filter(|r| matches!(r.node, Node::Skill(_)))
        .map(|r| r.node)
        .collect();
    reqs.into_iter()
        .filter(|r| match r.node {
            Node::Skill(_) => true,
            Node::Framework(_) => {
                r.importance != Some(Importance::Optional)
                    || covered.contains(&r.node)
                    || adj
                        .get(&r.node)
                        .into_iter()
                        .flatten()
                        .any(|lang| covered.contains(lang) || kept_skills.contains(lang))
            }
        })
        .collect()
}

/// Adjacency lists (node → its prerequisites) from an edge list, each list sorted.
pub fn adjacency(edges: &[(Node, Node)]) -> HashMap<Node, Vec<Node>> {
    let mut adj: HashMap<Node, Vec<Node>> = HashMap::new();
    for &(a, b) in edges {
        adj.entry(a).or_default().push(b);
    }
    for v in adj.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    adj
}

/// Every node reachable from `starts` (themselves included), not entering `stop`.
pub fn closure(
    adj: &HashMap<Node, Vec<Node>>,
    starts: impl IntoIterator<Item = Node>,
    stop: &HashSet<Node>,
) -> HashSet<Node> {
    let mut seen = HashSet::new();
    let mut stack: Vec<Node> = starts.into_iter().filter(|s| !stop.contains(s)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64) -> Node {
        Node::Skill(id)
    }

    #[test]
    fn closures_follow_prerequisites_and_stop() {
        let adj = adjacency(&[(s(1), s(2)), (s(2), s(3)), (s(4), s(3)), (s(1), s(2))]);
        assert_eq!(adj[&s(1)], vec![s(2)]);
        let all = closure(&adj, [s(1)], &HashSet::new());
        assert_eq!(all, HashSet::from([s(1), s(2), s(3)]));
        let cut = closure(&adj, [s(1), s(4)], &HashSet::from([s(2)]));
        assert_eq!(cut, HashSet::from([s(1), s(4), s(3)]));
    }

    #[test]
    fn optional_frameworks_follow_the_kept_language() {
        let (python, java) = (s(1), s(2));
        let (django, spring, must) = (
            Node::Framework(10),
            Node::Framework(11),
            Node::Framework(12),
        );
        let adj = adjacency(&[(django, python), (spring, java), (must, java)]);
        let opt = |node| Requirement {
            node,
            importance: Some(Importance::Optional),
            level: None,
            choice: None,
        };
        let reqs = vec![
            opt(django),
            opt(spring),
            Requirement {
                importance: Some(Importance::Essential),
                ..opt(must)
            },
        ];
        let kept = settle_frameworks(reqs.clone(), &HashSet::from([python]), &adj);
        let nodes: Vec<Node> = kept.iter().map(|r| r.node).collect();
        assert_eq!(nodes, vec![django, must]);
        // Java kept among the requirements: Spring stays.
        let mut with_java = reqs;
        with_java.push(opt(java));
        let kept = settle_frameworks(with_java, &HashSet::new(), &adj);
        let nodes: Vec<Node> = kept.iter().map(|r| r.node).collect();
        assert_eq!(nodes, vec![spring, must, java]);
    }
}
