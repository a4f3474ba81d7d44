//! Learning paths: what to learn, in which order, to meet a role's requirements or learn a
//! skill or framework, given the skills and frameworks someone already has.
//!
//! The rules, which the API documents too:
//! - A known skill implies its prerequisites, transitively; a known framework implies its
//!   language. Known and implied nodes are left out, and so is everything only reachable
//!   through them.
//! - Every prerequisite comes before what needs it (a topological order); a framework comes
//!   after its language.
//! - A role's frameworks are steps like its skills: the essential ones always, an optional one
//!   only when its language is known or kept on the path ([`settle_frameworks`]).
//! - Among the nodes whose prerequisites are all met, the next one is chosen by: importance
//!   (for a role: ESSENTIAL before OPTIONAL; a prerequisite of an essential requirement counts
//!   as essential, so every essential step comes before every optional one), then demand
//!   ([`super::demand::Demand::score`], higher first), then evidence (for a curated role: how
//!   many of its equivalent imported occupations require the node, more first), then name,
//!   then slug.
//! - A step's level is the role's required level when the step is a requirement of the role;
//!   a prerequisite that is not itself required has no level (the catalog has no level on
//!   prerequisite links, and inventing one would mislead).
use std::collections::{HashMap, HashSet};

use entity::role;

use crate::store::RowSource;
use crate::{
    catalog::{frameworks, pages::Importance, roles, skills, EntityRef},
    error::AppResult,
    paths::{
        demand::{demand, evidence, Demand},
        graph::{
            adjacency, closure, prerequisite_edges_from, role_requirements, settle_choices,
            settle_frameworks, ChoiceNote, Requirement, RoleRequirements,
        },
        name_list,
        node::{model_of, node_models, resolve_nodes, Node, NodeModel, NodeRef},
        plan::{needs, order, Rank},
    },
};

/// What a path leads to.
#[derive(Clone, Debug)]
pub enum Target {
    Role(EntityRef),
    Skill(EntityRef),
    Framework(EntityRef),
}

#[derive(Clone, Debug)]
pub struct LearningPath {
    pub role: Option<role::Model>,
    /// The target, when it is a skill or a framework.
    pub node: Option<NodeModel>,
    pub steps: Vec<Step>,
    /// The known skills and frameworks as given (resolved, without duplicates).
    pub known: Vec<NodeModel>,
    /// Requirements of the target already met by a known node or implied by one.
    pub satisfied: Vec<NodeModel>,
}

#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based.
    pub position: usize,
    pub node: NodeModel,
    /// The step is itself a requirement of the target (the target, or a role requirement).
    pub requirement: bool,
    /// For a role target: ESSENTIAL when an essential requirement or needed by one. None for a
    /// skill or framework target.
    pub importance: Option<Importance>,
    /// The role's required level, for a role requirement; None otherwise.
    pub level: Option<i32>,
    pub demand: Demand,
    /// The requirements of the target (other than this step) that need it, directly or
    /// through other steps, in path order.
    pub pulled_in_by: Vec<NodeModel>,
    /// The steps that list it as a direct prerequisite, in path order.
    pub unlocks: Vec<NodeModel>,
    /// Why the step is there, in words.
    pub reason: String,
}

/// The learning path to a role, a skill or a framework, given what is known. Reads the graph
/// with at most nine statements whatever its size.
pub async fn learning_path<C: RowSource>(
    db: &C,
    target: &Target,
    known: &[NodeRef],
) -> AppResult<LearningPath> {
    let (role, node, all_reqs) = match target {
        Target::Role(r) => {
            let role = roles::get(db, r).await?;
            let reqs = role_requirements(db, role.id).await?;
            (Some(role), None, reqs)
        }
        Target::Skill(r) => {
            let s = NodeModel::Skill(skills::get(db, r).await?);
            (None, Some(s), RoleRequirements::default())
        }
        Target::Framework(r) => {
            let f = NodeModel::Framework(frameworks::get(db, r).await?);
            (None, Some(f), RoleRequirements::default())
        }
    };
    let mut all_reqs = all_reqs;
    if let Some(n) = &node {
        all_reqs.list.push(Requirement::target(n.node()));
    }
    let known = resolve_nodes(db, known).await?;
    let known_ids: Vec<Node> = known.iter().map(NodeModel::node).collect();
    let mut seeds: Vec<Node> = all_reqs.list.iter().map(|r| r.node).collect();
    seeds.extend(&known_ids);
    let adj = adjacency(&prerequisite_edges_from(db, &seeds).await?);
    // What every requirement would need; the choice groups are settled on it (demand and
    // names of their options), then the needs are worked out again for what is kept.
    let all_needs = needs(&all_reqs.list, &known_ids, &adj);

    let mut ids: Vec<Node> = all_needs.needed.iter().copied().collect();
    ids.extend(&all_needs.satisfied);
    let models = node_models(db, ids).await?;
    let mut needed: Vec<Node> = all_needs.needed.iter().copied().collect();
    needed.sort_unstable();
    let demand = demand(db, &needed).await?;
    let evidence = match &role {
        Some(r) => evidence(db, r.id).await?,
        None => HashMap::new(),
    };
    let implied = closure(&adj, known_ids.iter().copied(), &HashSet::new());
    let (reqs, choices) = settle_choices(&all_reqs, &implied, &demand, &models);
    let reqs = settle_frameworks(reqs, &implied, &adj);
    let needs = needs(&reqs, &known_ids, &adj);
    let planned = order(
        &reqs,
        &needs,
        &adj,
        &Rank {
            demand: &demand,
            models: &models,
            evidence: &evidence,
        },
    )?;

    let model = |n: Node| model_of(&models, n, "planning");
    let req_by_id: HashMap<Node, &Requirement> = reqs.iter().map(|r| (r.node, r)).collect();
    let mut steps = Vec::with_capacity(planned.len());
    for (i, p) in planned.iter().enumerate() {
        let req = req_by_id.get(&p.node).copied();
        let pulled_in_by = p
            .pulled_in_by
            .iter()
            .map(|n| model(*n))
            .collect::<AppResult<Vec<_>>>()?;
        let unlocks = p
            .unlocks
            .iter()
            .map(|n| model(*n))
            .collect::<AppResult<Vec<_>>>()?;
        let mut reason = explain(role.as_ref(), req, &pulled_in_by, &unlocks);
        if let Some(note) = choices.get(&p.node) {
            reason.push_str(&explain_choice(note, &models));
        }
        steps.push(Step {
            position: i + 1,
            node: model(p.node)?,
            requirement: req.is_some(),
            importance: p.importance,
            level: req.and_then(|r| r.level),
            demand: demand.get(&p.node).copied().unwrap_or_default(),
            pulled_in_by,
            unlocks,
            reason,
        });
    }
    let mut satisfied = needs
        .satisfied
        .iter()
        .map(|n| model(*n))
        .collect::<AppResult<Vec<_>>>()?;
    let imp_rank = |n: Node| match req_by_id.get(&n).and_then(|r| r.importance) {
        Some(Importance::Optional) => 1,
        _ => 0,
    };
    satisfied.sort_by(|a, b| {
        (imp_rank(a.node()), a.name(), a.slug()).cmp(&(imp_rank(b.node()), b.name(), b.slug()))
    });
    Ok(LearningPath {
        role,
        node,
        steps,
        known,
        satisfied,
    })
}

/// "; one server-side language is enough: the most demanded of Python, Java, Go (any other
/// will do)".
fn explain_choice(note: &ChoiceNote, models: &HashMap<Node, NodeModel>) -> String {
    let names: Vec<&str> = note
        .others
        .iter()
        .filter_map(|n| models.get(n).map(NodeModel::name))
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
    pulled_in_by: &[NodeModel],
    unlocks: &[NodeModel],
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
            _ => match r.node {
                Node::Framework(_) => "the target framework".to_owned(),
                Node::Skill(_) => "the target skill".to_owned(),
            },
        });
    }
    if !unlocks.is_empty() {
        let names: Vec<&str> = unlocks.iter().map(NodeModel::name).collect();
        let mut s = format!("prerequisite of {}", name_list(&names));
        let unlocked: HashSet<Node> = unlocks.iter().map(NodeModel::node).collect();
        let further: Vec<&str> = pulled_in_by
            .iter()
            .filter(|m| !unlocked.contains(&m.node()))
            .map(NodeModel::name)
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

    fn model(id: i64, name: &str) -> NodeModel {
        NodeModel::Skill(crate::paths::plan::tests::skill_model(id, name))
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
            node: Node::Skill(5),
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
            explain(None, Some(&Requirement::target(Node::Skill(1))), &[], &[]),
            "The target skill"
        );
        assert_eq!(
            explain(
                None,
                Some(&Requirement::target(Node::Framework(1))),
                &[],
                &[]
            ),
            "The target framework"
        );
    }
}
