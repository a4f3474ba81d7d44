//! The order of a learning path: what must be learned (requirements not met and their
//! prerequisites) and in which order (prerequisites first, then importance, demand, name).
use std::{
    cmp::Reverse,
    collections::{BTreeSet, BinaryHeap, HashMap, HashSet},
};

use crate::{
    catalog::pages::Importance,
    error::{AppError, AppResult},
    paths::{
        demand::Demand,
        graph::{closure, Requirement},
        node::{Node, NodeModel},
    },
};

/// What must be learned, before ordering.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Skills and frameworks to learn.
    pub needed: HashSet<Node>,
    /// For each skill to learn, the requirements (other than itself) that need it.
    pub pulled_in_by: HashMap<Node, BTreeSet<Node>>,
    /// Requirements already met by what is known.
    pub satisfied: Vec<Node>,
}

/// Works out what must be learned: every requirement not known or implied by a known skill, and
/// its prerequisites that are not known or implied either.
pub fn needs(reqs: &[Requirement], known: &[Node], adj: &HashMap<Node, Vec<Node>>) -> Needs {
    let implied = closure(adj, known.iter().copied(), &HashSet::new());
    let mut out = Needs::default();
    for r in reqs {
        if implied.contains(&r.node) {
            out.satisfied.push(r.node);
            continue;
        }
        let below = closure(adj, [r.node], &implied);
        for n in below {
            out.needed.insert(n);
            if n != r.node {
                out.pulled_in_by.entry(n).or_default().insert(r.node);
            }
        }
    }
    out
}

/// One step of a plan, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub node: Node,
    pub importance: Option<Importance>,
    pub pulled_in_by: Vec<Node>,
    pub unlocks: Vec<Node>,
}

/// What the order looks at besides the graph.
pub struct Rank<'a> {
    pub demand: &'a HashMap<Node, Demand>,
    pub models: &'a HashMap<Node, NodeModel>,
    /// For a curated role: how many equivalent imported occupations require each node
    /// (evidence, a tie-break after demand).
    pub evidence: &'a HashMap<Node, i64>,
}

/// Orders the skills to learn: prerequisites first, then the tie-break rules of this module.
pub fn order(
    reqs: &[Requirement],
    needs: &Needs,
    adj: &HashMap<Node, Vec<Node>>,
    rank: &Rank<'_>,
) -> AppResult<Vec<Planned>> {
    let req_importance: HashMap<Node, Option<Importance>> =
        reqs.iter().map(|r| (r.node, r.importance)).collect();
    // ESSENTIAL when an essential requirement, or needed by one.
    let importance = |n: Node| -> Option<Importance> {
        let own = req_importance.get(&n).copied().flatten();
        let pulled = needs.pulled_in_by.get(&n).into_iter().flatten();
        let mut any = own.is_some();
        let mut essential = own == Some(Importance::Essential);
        for r in pulled {
            if let Some(i) = req_importance.get(r).copied().flatten() {
                any = true;
                essential |= i == Importance::Essential;
            }
        }
        match (any, essential) {
            (false, _) => None,
            (true, true) => Some(Importance::Essential),
            (true, false) => Some(Importance::Optional),
        }
    };
    let key = |n: Node| {
        let rank_of = match importance(n) {
            Some(Importance::Optional) => 1u8,
            _ => 0,
        };
        let d = rank.demand.get(&n).map(Demand::score).unwrap_or(0);
        let ev = rank.evidence.get(&n).copied().unwrap_or(0);
        let (name, slug) = rank
            .models
            .get(&n)
            .map(|m| (m.name().to_owned(), m.slug().to_owned()))
            .unwrap_or_default();
        Reverse((rank_of, Reverse(d), Reverse(ev), name, slug, n))
    };

    let mut unmet: HashMap<Node, usize> = HashMap::new();
    let mut dependents: HashMap<Node, Vec<Node>> = HashMap::new();
    for &n in &needs.needed {
        let pre: Vec<Node> = adj
            .get(&n)
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| needs.needed.contains(p))
            .collect();
        unmet.insert(n, pre.len());
        for p in pre {
            dependents.entry(p).or_default().push(n);
        }
    }
    let mut heap: BinaryHeap<_> = unmet
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(n, _)| key(*n))
        .collect();
    let mut sequence = Vec::with_capacity(needs.needed.len());
    while let Some(Reverse((_, _, _, _, _, n))) = heap.pop() {
        sequence.push(n);
        for d in dependents.get(&n).into_iter().flatten() {
            if let Some(c) = unmet.get_mut(d) {
                *c -= 1;
                if *c == 0 {
                    heap.push(key(*d));
                }
            }
        }
    }
    if sequence.len() < needs.needed.len() {
        // Writes keep the graph acyclic; reaching this means the database was edited by hand.
        return Err(AppError::Internal(
            "the prerequisite graph has a cycle: no learning order exists".into(),
        ));
    }
    let position: HashMap<Node, usize> =
        sequence.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let by_position = |ids: &mut Vec<Node>| ids.sort_by_key(|id| position.get(id).copied());
    Ok(sequence
        .iter()
        .map(|&n| {
            let mut pulled: Vec<Node> = needs
                .pulled_in_by
                .get(&n)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            by_position(&mut pulled);
            let mut unlocks = dependents.get(&n).cloned().unwrap_or_default();
            by_position(&mut unlocks);
            Planned {
                node: n,
                importance: importance(n),
                pulled_in_by: pulled,
                unlocks,
            }
        })
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::paths::graph::adjacency;

    fn s(id: i64) -> Node {
        Node::Skill(id)
    }

    fn req(skill: i64, importance: Option<Importance>) -> Requirement {
        Requirement {
            node: s(skill),
            importance,
            level: Some(3),
            choice: None,
        }
    }

    /// A bare skill row for unit tests.
    pub(crate) fn skill_model(id: i64, name: &str) -> entity::skill::Model {
        entity::skill::Model {
            id,
            slug: name.to_lowercase(),
            name: name.to_owned(),
            kind: "concept".into(),
            description: None,
            esco_uri: None,
            onet_name: None,
            first_release_year: None,
            license: None,
            homepage: None,
            reuse_level: None,
            onet_element_id: None,
            source_id: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn edges(pairs: &[(i64, i64)]) -> HashMap<Node, Vec<Node>> {
        let e: Vec<(Node, Node)> = pairs.iter().map(|(a, b)| (s(*a), s(*b))).collect();
        adjacency(&e)
    }

    #[test]
    fn known_skills_cut_branches_and_essentials_come_first() {
        // 10 needs 2 and 3; both need 1. 20 (optional) needs nothing; 30 needs 1.
        let adj = edges(&[(10, 2), (10, 3), (2, 1), (3, 1), (30, 1)]);
        let reqs = [
            req(10, Some(Importance::Essential)),
            req(20, Some(Importance::Optional)),
            req(30, Some(Importance::Optional)),
        ];
        let models: HashMap<Node, NodeModel> = [
            (1, "A"),
            (2, "B"),
            (3, "C"),
            (10, "D"),
            (20, "E"),
            (30, "F"),
        ]
        .into_iter()
        .map(|(id, n)| (s(id), NodeModel::Skill(skill_model(id, n))))
        .collect();
        // E is in high demand, but optional: it still comes after every essential step.
        let demand: HashMap<Node, Demand> = [(20, 9), (3, 2)]
            .into_iter()
            .map(|(id, roles)| (s(id), Demand { roles, postings: 0 }))
            .collect();
        let rank = Rank {
            demand: &demand,
            models: &models,
            evidence: &HashMap::new(),
        };
        let n = needs(&reqs, &[], &adj);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().filter_map(|p| p.node.skill_id()).collect();
        assert_eq!(seq, vec![1, 3, 2, 10, 20, 30]);
        assert_eq!(plan[0].pulled_in_by, vec![s(10), s(30)]);
        assert_eq!(plan[0].unlocks, vec![s(3), s(2), s(30)]);
        assert_eq!(plan[0].importance, Some(Importance::Essential));

        // Knowing B implies A: only C, D and the optional ones remain.
        let n = needs(&reqs, &[s(2)], &adj);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().filter_map(|p| p.node.skill_id()).collect();
        assert_eq!(seq, vec![3, 10, 20, 30]);
        // Knowing D satisfies it and cuts its whole branch.
        let n = needs(&reqs, &[s(10)], &adj);
        assert_eq!(n.satisfied, vec![s(10)]);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().filter_map(|p| p.node.skill_id()).collect();
        assert_eq!(seq, vec![20, 30]);
    }

    #[test]
    fn a_cycle_is_an_error_not_a_hang() {
        let adj = edges(&[(1, 2), (2, 1)]);
        let reqs = [req(1, None)];
        let n = needs(&reqs, &[], &adj);
        let empty = HashMap::new();
        let models = HashMap::new();
        let rank = Rank {
            demand: &empty,
            models: &models,
            evidence: &HashMap::new(),
        };
        assert!(order(&reqs, &n, &adj, &rank).is_err());
    }
}
