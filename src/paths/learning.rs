//! Learning paths: what to learn, in which order, to meet a role's requirements or learn a
//! skill, given the skills someone already has.
//!
//! The rules, which the API documents too:
//! - A known skill implies its prerequisites, transitively. Known and implied skills are left
//!   out, and so is everything only reachable through them.
//! - Every prerequisite comes before what needs it (a topological order).
//! - Among the skills whose prerequisites are all met, the next one is chosen by: importance
//!   (for a role: ESSENTIAL before OPTIONAL; a prerequisite of an essential requirement counts
//!   as essential, so every essential step comes before every optional one), then demand
//!   ([`super::demand::Demand::score`], higher first), then name, then slug.
//! - A step's level is the role's required level when the step is a requirement of the role;
//!   a prerequisite that is not itself required has no level (the catalog has no level on
//!   prerequisite links, and inventing one would mislead).
use std::{
    cmp::Reverse,
    collections::{BTreeSet, BinaryHeap, HashMap, HashSet},
};

use entity::{role, skill};
use sea_orm::ConnectionTrait;

use crate::{
    catalog::{pages::Importance, roles, skills, EntityRef},
    error::{AppError, AppResult},
    paths::{
        adjacency, closure,
        demand::{demand, Demand},
        name_list, prerequisite_edges_from, resolve_skills, role_requirements, rows_by_ids,
        settle_choices, ChoiceNote, Requirement, RoleRequirements,
    },
};

/// What a path leads to.
#[derive(Clone, Debug)]
pub enum Target {
    Role(EntityRef),
    Skill(EntityRef),
}

#[derive(Clone, Debug)]
pub struct LearningPath {
    pub role: Option<role::Model>,
    pub skill: Option<skill::Model>,
    pub steps: Vec<Step>,
    /// The known skills as given (resolved, without duplicates).
    pub known: Vec<skill::Model>,
    /// Requirements of the target already met by a known skill or implied by one.
    pub satisfied: Vec<skill::Model>,
}

#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based.
    pub position: usize,
    pub skill: skill::Model,
    /// The step is itself a requirement of the target (the target skill, or a role requirement).
    pub requirement: bool,
    /// For a role target: ESSENTIAL when an essential requirement or needed by one. None for a
    /// skill target.
    pub importance: Option<Importance>,
    /// The role's required level, for a role requirement; None otherwise.
    pub level: Option<i32>,
    pub demand: Demand,
    /// The requirements of the target (other than this step) that need it, directly or
    /// through other steps, in path order.
    pub pulled_in_by: Vec<skill::Model>,
    /// The steps that list it as a direct prerequisite, in path order.
    pub unlocks: Vec<skill::Model>,
    /// Why the step is there, in words.
    pub reason: String,
}

/// What must be learned, before ordering.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Skills to learn.
    pub needed: HashSet<i64>,
    /// For each skill to learn, the requirements (other than itself) that need it.
    pub pulled_in_by: HashMap<i64, BTreeSet<i64>>,
    /// Requirements already met by what is known.
    pub satisfied: Vec<i64>,
}

/// Works out what must be learned: every requirement not known or implied by a known skill, and
/// its prerequisites that are not known or implied either.
pub fn needs(reqs: &[Requirement], known: &[i64], adj: &HashMap<i64, Vec<i64>>) -> Needs {
    let implied = closure(adj, known.iter().copied(), &HashSet::new());
    let mut out = Needs::default();
    for r in reqs {
        if implied.contains(&r.skill) {
            out.satisfied.push(r.skill);
            continue;
        }
        let below = closure(adj, [r.skill], &implied);
        for n in below {
            out.needed.insert(n);
            if n != r.skill {
                out.pulled_in_by.entry(n).or_default().insert(r.skill);
            }
        }
    }
    out
}

/// One step of a plan, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub skill: i64,
    pub importance: Option<Importance>,
    pub pulled_in_by: Vec<i64>,
    pub unlocks: Vec<i64>,
}

/// What the order looks at besides the graph.
pub struct Rank<'a> {
    pub demand: &'a HashMap<i64, Demand>,
    pub skills: &'a HashMap<i64, skill::Model>,
}

/// Orders the skills to learn: prerequisites first, then the tie-break rules of this module.
pub fn order(
    reqs: &[Requirement],
    needs: &Needs,
    adj: &HashMap<i64, Vec<i64>>,
    rank: &Rank<'_>,
) -> AppResult<Vec<Planned>> {
    let req_importance: HashMap<i64, Option<Importance>> =
        reqs.iter().map(|r| (r.skill, r.importance)).collect();
    // ESSENTIAL when an essential requirement, or needed by one.
    let importance = |n: i64| -> Option<Importance> {
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
    let key = |n: i64| {
        let rank_of = match importance(n) {
            Some(Importance::Optional) => 1u8,
            _ => 0,
        };
        let d = rank.demand.get(&n).map(Demand::score).unwrap_or(0);
        let (name, slug) = rank
            .skills
            .get(&n)
            .map(|m| (m.name.clone(), m.slug.clone()))
            .unwrap_or_default();
        Reverse((rank_of, Reverse(d), name, slug, n))
    };

    let mut unmet: HashMap<i64, usize> = HashMap::new();
    let mut dependents: HashMap<i64, Vec<i64>> = HashMap::new();
    for &n in &needs.needed {
        let pre: Vec<i64> = adj
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
    while let Some(Reverse((_, _, _, _, n))) = heap.pop() {
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
    let position: HashMap<i64, usize> = sequence.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let by_position = |ids: &mut Vec<i64>| ids.sort_by_key(|id| position.get(id).copied());
    Ok(sequence
        .iter()
        .map(|&n| {
            let mut pulled: Vec<i64> = needs
                .pulled_in_by
                .get(&n)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            by_position(&mut pulled);
            let mut unlocks = dependents.get(&n).cloned().unwrap_or_default();
            by_position(&mut unlocks);
            Planned {
                skill: n,
                importance: importance(n),
                pulled_in_by: pulled,
                unlocks,
            }
        })
        .collect())
}

/// The learning path to a role or a skill, given what is known. Reads the graph with at most
/// six statements whatever its size.
pub async fn learning_path<C: ConnectionTrait>(
    db: &C,
    target: &Target,
    known: &[EntityRef],
) -> AppResult<LearningPath> {
    let (role, skill, all_reqs) = match target {
        Target::Role(r) => {
            let role = roles::get(db, r).await?;
            let reqs = role_requirements(db, role.id).await?;
            (Some(role), None, reqs)
        }
        Target::Skill(r) => {
            let s = skills::get(db, r).await?;
            let reqs = RoleRequirements {
                list: vec![Requirement {
                    skill: s.id,
                    importance: None,
                    level: None,
                    choice: None,
                }],
                groups: Vec::new(),
            };
            (None, Some(s), reqs)
        }
    };
    let known = resolve_skills(db, known).await?;
    let known_ids: Vec<i64> = known.iter().map(|m| m.id).collect();
    let mut seeds: Vec<i64> = all_reqs.list.iter().map(|r| r.skill).collect();
    seeds.extend(&known_ids);
    let adj = adjacency(&prerequisite_edges_from(db, &seeds).await?);
    // What every requirement would need; the choice groups are settled on it (demand and
    // names of their options), then the needs are worked out again for what is kept.
    let all_needs = needs(&all_reqs.list, &known_ids, &adj);

    let mut ids: Vec<i64> = all_needs.needed.iter().copied().collect();
    ids.extend(&all_needs.satisfied);
    ids.sort_unstable();
    let models: HashMap<i64, skill::Model> =
        rows_by_ids(db, "skill", &ids, |m: &skill::Model| m.id).await?;
    let mut needed: Vec<i64> = all_needs.needed.iter().copied().collect();
    needed.sort_unstable();
    let demand = demand(db, &needed).await?;
    let implied = closure(&adj, known_ids.iter().copied(), &HashSet::new());
    let (reqs, choices) = settle_choices(&all_reqs, &implied, &demand, &models);
    let needs = needs(&reqs, &known_ids, &adj);
    let planned = order(
        &reqs,
        &needs,
        &adj,
        &Rank {
            demand: &demand,
            skills: &models,
        },
    )?;

    let model = |id: i64| -> AppResult<skill::Model> {
        models
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::Internal(format!("skill {id} vanished while planning")))
    };
    let req_by_id: HashMap<i64, &Requirement> = reqs.iter().map(|r| (r.skill, r)).collect();
    let mut steps = Vec::with_capacity(planned.len());
    for (i, p) in planned.iter().enumerate() {
        let req = req_by_id.get(&p.skill).copied();
        let pulled_in_by = p
            .pulled_in_by
            .iter()
            .map(|id| model(*id))
            .collect::<AppResult<Vec<_>>>()?;
        let unlocks = p
            .unlocks
            .iter()
            .map(|id| model(*id))
            .collect::<AppResult<Vec<_>>>()?;
        let mut reason = explain(role.as_ref(), req, &pulled_in_by, &unlocks);
        if let Some(note) = choices.get(&p.skill) {
            reason.push_str(&explain_choice(note, &models));
        }
        steps.push(Step {
            position: i + 1,
            skill: model(p.skill)?,
            requirement: req.is_some(),
            importance: p.importance,
            level: req.and_then(|r| r.level),
            demand: demand.get(&p.skill).copied().unwrap_or_default(),
            pulled_in_by,
            unlocks,
            reason,
        });
    }
    let mut satisfied = needs
        .satisfied
        .iter()
        .map(|id| model(*id))
        .collect::<AppResult<Vec<_>>>()?;
    let imp_rank = |id: i64| match req_by_id.get(&id).and_then(|r| r.importance) {
        Some(Importance::Optional) => 1,
        _ => 0,
    };
    satisfied.sort_by(|a, b| {
        (imp_rank(a.id), &a.name, &a.slug).cmp(&(imp_rank(b.id), &b.name, &b.slug))
    });
    Ok(LearningPath {
        role,
        skill,
        steps,
        known,
        satisfied,
    })
}

/// "; one server-side language is enough: the most demanded of Python, Java, Go (any other
/// will do)".
fn explain_choice(note: &ChoiceNote, models: &HashMap<i64, skill::Model>) -> String {
    let names: Vec<&str> = note
        .others
        .iter()
        .filter_map(|id| models.get(id).map(|m| m.name.as_str()))
        .collect();
    if names.is_empty() {
        return format!("; the one {} it asks for", note.group);
    }
    format!(
        "; one {} is enough: picked as the most demanded, before {} (any of them will do)",
        note.group,
        name_list(&names)
    )
}

/// "Essential for Back-End Developer at level 4; prerequisite of ORM, Django (needed for …)".
fn explain(
    role: Option<&role::Model>,
    req: Option<&Requirement>,
    pulled_in_by: &[skill::Model],
    unlocks: &[skill::Model],
) -> String {
    let mut parts = Vec::new();
    if let Some(r) = req {
        parts.push(match (role, r.importance) {
            (Some(role), Some(imp)) => {
                let word = match imp {
                    Importance::Essential => "essential",
                    Importance::Optional => "optional",
                };
                match r.level {
                    Some(l) => format!("{word} for {} at level {l}", role.name),
                    None => format!("{word} for {}", role.name),
                }
            }
            _ => "the target skill".to_owned(),
        });
    }
    if !unlocks.is_empty() {
        let names: Vec<&str> = unlocks.iter().map(|m| m.name.as_str()).collect();
        let mut s = format!("prerequisite of {}", name_list(&names));
        let unlocked: HashSet<i64> = unlocks.iter().map(|m| m.id).collect();
        let further: Vec<&str> = pulled_in_by
            .iter()
            .filter(|m| !unlocked.contains(&m.id))
            .map(|m| m.name.as_str())
            .collect();
        if !further.is_empty() {
            s.push_str(&format!(", on the way to {}", name_list(&further)));
        }
        parts.push(s);
    }
    let mut s = parts.join("; ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(skill: i64, importance: Option<Importance>) -> Requirement {
        Requirement {
            skill,
            importance,
            level: Some(3),
            choice: None,
        }
    }

    fn model(id: i64, name: &str) -> skill::Model {
        skill::Model {
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

    #[test]
    fn known_skills_cut_branches_and_essentials_come_first() {
        // 10 needs 2 and 3; both need 1. 20 (optional) needs nothing; 30 needs 1.
        let adj = adjacency(&[(10, 2), (10, 3), (2, 1), (3, 1), (30, 1)]);
        let reqs = [
            req(10, Some(Importance::Essential)),
            req(20, Some(Importance::Optional)),
            req(30, Some(Importance::Optional)),
        ];
        let skills: HashMap<i64, skill::Model> = [
            (1, "A"),
            (2, "B"),
            (3, "C"),
            (10, "D"),
            (20, "E"),
            (30, "F"),
        ]
        .into_iter()
        .map(|(id, n)| (id, model(id, n)))
        .collect();
        // E is in high demand, but optional: it still comes after every essential step.
        let demand: HashMap<i64, Demand> = [(20, 9), (3, 2)]
            .into_iter()
            .map(|(id, roles)| (id, Demand { roles, postings: 0 }))
            .collect();
        let rank = Rank {
            demand: &demand,
            skills: &skills,
        };
        let n = needs(&reqs, &[], &adj);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().map(|p| p.skill).collect();
        assert_eq!(seq, vec![1, 3, 2, 10, 20, 30]);
        assert_eq!(plan[0].pulled_in_by, vec![10, 30]);
        assert_eq!(plan[0].unlocks, vec![3, 2, 30]);
        assert_eq!(plan[0].importance, Some(Importance::Essential));

        // Knowing B implies A: only C, D and the optional ones remain.
        let n = needs(&reqs, &[2], &adj);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().map(|p| p.skill).collect();
        assert_eq!(seq, vec![3, 10, 20, 30]);
        // Knowing D satisfies it and cuts its whole branch.
        let n = needs(&reqs, &[10], &adj);
        assert_eq!(n.satisfied, vec![10]);
        let plan = order(&reqs, &n, &adj, &rank).expect("plan");
        let seq: Vec<i64> = plan.iter().map(|p| p.skill).collect();
        assert_eq!(seq, vec![20, 30]);
    }

    #[test]
    fn a_cycle_is_an_error_not_a_hang() {
        let adj = adjacency(&[(1, 2), (2, 1)]);
        let reqs = [req(1, None)];
        let n = needs(&reqs, &[], &adj);
        let empty = HashMap::new();
        let skills = HashMap::new();
        let rank = Rank {
            demand: &empty,
            skills: &skills,
        };
        assert!(order(&reqs, &n, &adj, &rank).is_err());
    }

    #[test]
    fn reasons_read_well() {
        let role = entity::role::Model {
            id: 1,
            slug: "r".into(),
            name: "Back-End Developer".into(),
            description: None,
            esco_uri: None,
            onet_soc_code: None,
            isco_code: None,
            source_id: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let r = Requirement {
            skill: 5,
            importance: Some(Importance::Essential),
            level: Some(4),
            choice: None,
        };
        assert_eq!(
            explain(Some(&role), Some(&r), &[], &[]),
            "Essential for Back-End Developer at level 4"
        );
        assert_eq!(
            explain(
                Some(&role),
                None,
                &[model(7, "Django"), model(8, "ORM")],
                &[model(8, "ORM")]
            ),
            "Prerequisite of ORM, on the way to Django"
        );
        assert_eq!(
            explain(None, Some(&req(1, None)), &[], &[]),
            "The target skill"
        );
    }
}
