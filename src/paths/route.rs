//! The shortest chain of prerequisite, broader and language links between two skills or
//! frameworks (a framework links up to its language, nothing links up to a framework).
//!
//! A chain runs one way: either each skill builds on the next (has it as a prerequisite or as a
//! broader skill) from `from` to `to`, or each is built on by the next (the same links walked
//! backwards). Two skills that only share a prerequisite or a broader skill are not chained —
//! `relatedSkills` is the place for siblings. Both directions are searched and the shorter
//! chain wins (the forward one on a tie); among chains of one length, prerequisite links are
//! followed before broader ones, then skills by slug.
//!
//! Only links "upwards" (towards prerequisites and broader skills) from the two skills are
//! read, with one recursive CTE: that part of the graph is small even when the whole is large.
use std::collections::{HashMap, HashSet, VecDeque};

use sea_orm::{ConnectionTrait, DbBackend};

use crate::store::RowSource;
use crate::{
    db::stmt,
    error::{AppError, AppResult},
    paths::{
        id_in,
        node::{model_of, node_models, resolve_nodes, Node, NodeModel, NodeRef},
    },
};

/// The kinds of link a chain follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkType {
    Prerequisite,
    Broader,
    /// A framework and the language it is written in.
    Language,
}

/// How the second skill of a hop relates to the first, named like the `Skill` fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `to` is a prerequisite of `from`.
    Prerequisite,
    /// `to` has `from` as a prerequisite.
    RequiredBy,
    /// `to` is a broader skill of `from`.
    Broader,
    /// `to` is a narrower skill of `from`.
    Narrower,
    /// `to` is the language framework `from` is written in.
    Language,
    /// `to` is a framework written in language `from`.
    Framework,
}

#[derive(Clone, Debug)]
pub struct Hop {
    pub from: NodeModel,
    pub to: NodeModel,
    pub link: LinkType,
    pub relation: Relation,
}

#[derive(Clone, Debug)]
pub struct SkillPath {
    pub from: NodeModel,
    pub to: NodeModel,
    pub hops: Vec<Hop>,
}

/// An upward link: to `to`, of a type, with `to`'s slug for a stable order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Up {
    link: LinkType,
    slug: String,
    to: Node,
}

/// Links upwards from `ends`: from a framework to its language (known from its row), and from
/// skills up the prerequisite and broader links, in one statement.
async fn upward_links(
    db: &impl ConnectionTrait,
    ends: &[&NodeModel],
) -> AppResult<HashMap<Node, Vec<Up>>> {
    let mut adj: HashMap<Node, Vec<Up>> = HashMap::new();
    let mut seeds = Vec::new();
    for e in ends {
        match e {
            NodeModel::Skill(m) => seeds.push(m.id),
            NodeModel::Framework(m) => {
                seeds.push(m.language_id);
                adj.entry(e.node()).or_default().push(Up {
                    link: LinkType::Language,
                    slug: String::new(),
                    to: Node::Skill(m.language_id),
                });
            }
        }
    }
    let seeds = seeds.as_slice();
    let backend = db.get_database_backend();
    let (seed, seed_value) = id_in(backend, "s.id", seeds);
    let sql = match backend {
        // PostgreSQL allows one reference to the CTE in its recursive part, so both link tables
        // are read through a LATERAL subquery; LATERAL again for the links of the reached
        // skills keeps every step an index lookup.
        DbBackend::Postgres => format!(
            "WITH RECURSIVE up(id) AS (SELECT s.id FROM skill s WHERE {seed} \
             UNION SELECT n.id FROM up u CROSS JOIN LATERAL (\
             SELECT e.prerequisite_id AS id FROM skill_prerequisite e WHERE e.skill_id = u.id \
             UNION ALL SELECT e.broader_id FROM skill_broader e WHERE e.skill_id = u.id) n) \
             SELECT u.id AS a, x.b, x.k, x.slug FROM up u CROSS JOIN LATERAL (\
             SELECT e.prerequisite_id AS b, 0 AS k, \
             (SELECT s.slug FROM skill s WHERE s.id = e.prerequisite_id) AS slug \
             FROM skill_prerequisite e WHERE e.skill_id = u.id \
             UNION ALL SELECT e.broader_id, 1, (SELECT s.slug FROM skill s WHERE s.id = e.broader_id) \
             FROM skill_broader e WHERE e.skill_id = u.id) x"
        ),
        // SQLite allows several recursive SELECTs. CROSS JOIN fixes the join order: the few
        // reached skills drive index lookups (left free, SQLite 3.51 scans every link).
        _ => format!(
            "WITH RECURSIVE up(id) AS (SELECT s.id FROM skill s WHERE {seed} \
             UNION SELECT e.prerequisite_id FROM up u CROSS JOIN skill_prerequisite e ON e.skill_id = u.id \
             UNION SELECT e.broader_id FROM up u CROSS JOIN skill_broader e ON e.skill_id = u.id) \
             SELECT e.skill_id AS a, e.prerequisite_id AS b, 0 AS k, s.slug AS slug \
             FROM up u CROSS JOIN skill_prerequisite e ON e.skill_id = u.id \
             CROSS JOIN skill s ON s.id = e.prerequisite_id \
             UNION ALL \
             SELECT e.skill_id AS a, e.broader_id AS b, 1 AS k, s.slug AS slug \
             FROM up u CROSS JOIN skill_broader e ON e.skill_id = u.id \
             CROSS JOIN skill s ON s.id = e.broader_id"
        ),
    };
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![seed_value]))
        .await?;
    for r in &rows {
        let a: i64 = r.try_get("", "a")?;
        let k: i32 = r.try_get("", "k")?;
        adj.entry(Node::Skill(a)).or_default().push(Up {
            link: if k == 0 {
                LinkType::Prerequisite
            } else {
                LinkType::Broader
            },
            slug: r.try_get("", "slug")?,
            to: Node::Skill(r.try_get("", "b")?),
        });
    }
    for v in adj.values_mut() {
        v.sort();
    }
    Ok(adj)
}

/// Breadth-first search upwards: the links from `start` to `goal`, if any.
fn search(
    adj: &HashMap<Node, Vec<Up>>,
    start: Node,
    goal: Node,
) -> Option<Vec<(Node, Node, LinkType)>> {
    let mut prev: HashMap<Node, (Node, LinkType)> = HashMap::new();
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if n == goal {
            let mut links = Vec::new();
            let mut cur = goal;
            while let Some(&(p, link)) = prev.get(&cur) {
                links.push((p, cur, link));
                cur = p;
            }
            links.reverse();
            return Some(links);
        }
        for up in adj.get(&n).into_iter().flatten() {
            if seen.insert(up.to) {
                prev.insert(up.to, (n, up.link));
                queue.push_back(up.to);
            }
        }
    }
    None
}

/// The shortest chain between two nodes (skills or frameworks), or None when no chain links
/// them. Three statements (four when a framework is named by a slug no skill has).
pub async fn skill_path<C: RowSource>(
    db: &C,
    from: &NodeRef,
    to: &NodeRef,
) -> AppResult<Option<SkillPath>> {
    let found = resolve_nodes(db, &[from.clone(), to.clone()]).await?;
    let (a, b) = match found.as_slice() {
        [a, b] => (a.clone(), b.clone()),
        [a] => (a.clone(), a.clone()),
        _ => return Err(AppError::Internal("node lookup returned nothing".into())),
    };
    if a.node() == b.node() {
        return Ok(Some(SkillPath {
            from: a,
            to: b,
            hops: Vec::new(),
        }));
    }
    let adj = upward_links(db, &[&a, &b]).await?;
    let forward = search(&adj, a.node(), b.node());
    let backward = search(&adj, b.node(), a.node());
    // (upper, lower, link) triples along the chain from `from` to `to`, with the relation of
    // each hop's second node to its first.
    let chain: Vec<(Node, Node, LinkType, Relation)> = match (forward, backward) {
        (Some(f), Some(bw)) if bw.len() < f.len() => reversed(bw),
        (Some(f), _) => f
            .into_iter()
            .map(|(x, y, l)| {
                let rel = match l {
                    LinkType::Prerequisite => Relation::Prerequisite,
                    LinkType::Broader => Relation::Broader,
                    LinkType::Language => Relation::Language,
                };
                (x, y, l, rel)
            })
            .collect(),
        (None, Some(bw)) => reversed(bw),
        (None, None) => return Ok(None),
    };
    // The two ends are known already; only the skills in between are read.
    let mut models: HashMap<Node, NodeModel> = node_models(
        db,
        chain
            .iter()
            .flat_map(|(x, y, _, _)| [*x, *y])
            .filter(|n| *n != a.node() && *n != b.node()),
    )
    .await?;
    models.insert(a.node(), a.clone());
    models.insert(b.node(), b.clone());
    let hops = chain
        .into_iter()
        .map(|(x, y, link, relation)| {
            Ok(Hop {
                from: model_of(&models, x, "searching")?,
                to: model_of(&models, y, "searching")?,
                link,
                relation,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(SkillPath {
        from: a,
        to: b,
        hops,
    }))
}

/// A chain found from `to` up to `from`, turned round to read from `from` down to `to`.
fn reversed(links: Vec<(Node, Node, LinkType)>) -> Vec<(Node, Node, LinkType, Relation)> {
    links
        .into_iter()
        .rev()
        .map(|(lower, upper, l)| {
            let rel = match l {
                LinkType::Prerequisite => Relation::RequiredBy,
                LinkType::Broader => Relation::Narrower,
                LinkType::Language => Relation::Framework,
            };
            (upper, lower, l, rel)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: i64) -> Node {
        Node::Skill(id)
    }

    fn up(link: LinkType, to: i64) -> Up {
        Up {
            link,
            slug: format!("s{to:03}"),
            to: n(to),
        }
    }

    #[test]
    fn searches_upwards_preferring_prerequisites() {
        let mut adj: HashMap<Node, Vec<Up>> = HashMap::new();
        adj.insert(
            n(1),
            vec![up(LinkType::Prerequisite, 3), up(LinkType::Broader, 2)],
        );
        adj.insert(n(2), vec![up(LinkType::Broader, 4)]);
        adj.insert(n(3), vec![up(LinkType::Prerequisite, 4)]);
        for v in adj.values_mut() {
            v.sort();
        }
        assert_eq!(
            search(&adj, n(1), n(4)),
            Some(vec![
                (n(1), n(3), LinkType::Prerequisite),
                (n(3), n(4), LinkType::Prerequisite)
            ])
        );
        assert_eq!(search(&adj, n(4), n(1)), None);
        // A framework's language, walked down from the language.
        let django = Node::Framework(9);
        assert_eq!(
            reversed(vec![(django, n(1), LinkType::Language)]),
            vec![(n(1), django, LinkType::Language, Relation::Framework)]
        );
        assert_eq!(
            reversed(vec![(n(2), n(4), LinkType::Broader)]),
            vec![(n(4), n(2), LinkType::Broader, Relation::Narrower)]
        );
    }
}
