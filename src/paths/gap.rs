//! Skill gaps: how much of a role someone already covers, what essential skills they lack, and
//! which of the role's frameworks suit them best.
//!
//! A requirement (skill or framework) is covered when it is known or implied by a known node (a
//! known skill implies its prerequisites, transitively, a known framework its language), the
//! same rule as learning paths; optional frameworks count as in learning paths too.
use std::{
    cmp::Reverse,
    collections::{BTreeMap, HashSet},
};

use entity::{framework, role, skill};
use sea_orm::ConnectionTrait;

use crate::store::RowSource;
use crate::{
    catalog::{pages::Importance, roles, EntityRef},
    db::stmt,
    error::AppResult,
    paths::{
        demand::{demand, evidence, Demand},
        graph::{
            adjacency, closure, prerequisite_edges_from, role_requirements, settle_choices,
            settle_frameworks,
        },
        node::{model_of, node_models, resolve_nodes, Node, NodeModel, NodeRef},
        percent,
    },
};

#[derive(Clone, Debug)]
pub struct SkillGap {
    pub role: role::Model,
    pub known: Vec<NodeModel>,
    pub essential: Coverage,
    pub optional: Coverage,
    /// Essential requirements (skills and frameworks) not covered, by demand (highest first),
    /// then evidence (equivalent imported occupations requiring it), then name.
    pub missing_essential: Vec<GapSkill>,
    /// Optional requirements not covered, in the same order.
    pub missing_optional: Vec<GapSkill>,
    /// The role's frameworks, best fit first.
    pub frameworks: Vec<FrameworkFit>,
}

/// How many requirements of one importance are covered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coverage {
    pub required: usize,
    pub covered: usize,
    /// `covered / required` in percent, one decimal; 100 when nothing is required.
    pub percent: f64,
}

#[derive(Clone, Debug)]
pub struct GapSkill {
    /// The skill or framework.
    pub node: NodeModel,
    /// The level the role asks for; None on imported edges, which give none.
    pub level: Option<i32>,
    pub demand: Demand,
}

/// How much of a framework's skill set (its language included) is covered.
#[derive(Clone, Debug)]
pub struct FrameworkFit {
    pub framework: framework::Model,
    pub importance: Importance,
    /// None on imported edges.
    pub level: Option<i32>,
    pub skills: usize,
    pub covered: usize,
    pub percent: f64,
    /// Its skills not covered, by name.
    pub missing: Vec<skill::Model>,
}

struct RoleFramework {
    importance: Importance,
    level: Option<i32>,
    skills: Vec<i64>,
}

/// The frameworks a role uses with their skill sets, in one statement.
async fn role_frameworks(
    db: &impl ConnectionTrait,
    role_id: i64,
) -> AppResult<BTreeMap<i64, RoleFramework>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT rf.framework_id, rf.importance, rf.level, fs.skill_id FROM role_framework rf \
             LEFT JOIN framework_skill fs ON fs.framework_id = rf.framework_id WHERE rf.role_id = ?",
            vec![role_id.into()],
        ))
        .await?;
    let mut out: BTreeMap<i64, RoleFramework> = BTreeMap::new();
    for r in &rows {
        let fw: i64 = r.try_get("", "framework_id")?;
        let importance: String = r.try_get("", "importance")?;
        let level: Option<i32> = r.try_get("", "level")?;
        let skill: Option<i64> = r.try_get("", "skill_id")?;
        let e = out.entry(fw).or_insert_with(|| RoleFramework {
            importance: Importance::parse(&importance).unwrap_or(Importance::Optional),
            level,
            skills: Vec::new(),
        });
        e.skills.extend(skill);
    }
    Ok(out)
}

/// The gap between what someone knows and a role. At most ten statements.
pub async fn skill_gap<C: RowSource>(
    db: &C,
    role_ref: &EntityRef,
    known: &[NodeRef],
) -> AppResult<SkillGap> {
    let role = roles::get(db, role_ref).await?;
    let all_reqs = role_requirements(db, role.id).await?;
    let fws = role_frameworks(db, role.id).await?;
    let known = resolve_nodes(db, known).await?;
    let known_ids: Vec<Node> = known.iter().map(NodeModel::node).collect();
    // The role's frameworks are seeds too, for their languages.
    let mut seeds = known_ids.clone();
    seeds.extend(fws.keys().map(|id| Node::Framework(*id)));
    let adj = adjacency(&prerequisite_edges_from(db, &seeds).await?);
    let covered = closure(&adj, known_ids.iter().copied(), &HashSet::new());

    let req_ids: Vec<Node> = all_reqs.list.iter().map(|r| r.node).collect();
    let demand = demand(db, &req_ids).await?;
    let mut wanted: Vec<Node> = req_ids
        .iter()
        .copied()
        .chain(
            fws.values()
                .flat_map(|f| f.skills.iter().map(|s| Node::Skill(*s))),
        )
        .filter(|n| !covered.contains(n))
        .collect();
    wanted.extend(fws.keys().map(|id| Node::Framework(*id)));
    let models = node_models(db, wanted).await?;
    // A choice group counts once: what is known of it, else its most demanded option; an
    // optional framework counts when its language is covered or kept.
    let (reqs, _) = settle_choices(&all_reqs, &covered, &demand, &models);
    let reqs = settle_frameworks(reqs, &covered, &adj);
    let model = |n: Node| model_of(&models, n, "comparing");
    let evidence = evidence(db, role.id).await?;
    let ev = |n: Node| evidence.get(&n).copied().unwrap_or(0);

    let mut essential = (0, 0);
    let mut optional = (0, 0);
    let mut missing_essential = Vec::new();
    let mut missing_optional = Vec::new();
    for r in &reqs {
        let essential_req = r.importance == Some(Importance::Essential);
        let tally = if essential_req {
            &mut essential
        } else {
            &mut optional
        };
        tally.0 += 1;
        if covered.contains(&r.node) {
            tally.1 += 1;
            continue;
        }
        let gap = GapSkill {
            node: model(r.node)?,
            level: r.level,
            demand: demand.get(&r.node).copied().unwrap_or_default(),
        };
        if essential_req {
            missing_essential.push(gap);
        } else {
            missing_optional.push(gap);
        }
    }
    for list in [&mut missing_essential, &mut missing_optional] {
        list.sort_by(|a, b| {
            (
                Reverse(a.demand.score()),
                Reverse(ev(a.node.node())),
                a.node.name(),
                a.node.slug(),
            )
                .cmp(&(
                    Reverse(b.demand.score()),
                    Reverse(ev(b.node.node())),
                    b.node.name(),
                    b.node.slug(),
                ))
        });
    }

    let mut frameworks = Vec::with_capacity(fws.len());
    for (id, f) in &fws {
        let Some(NodeModel::Framework(fw)) = models.get(&Node::Framework(*id)) else {
            continue;
        };
        let mut missing = Vec::new();
        for s in &f.skills {
            if covered.contains(&Node::Skill(*s)) {
                continue;
            }
            if let NodeModel::Skill(m) = model(Node::Skill(*s))? {
                missing.push(m);
            }
        }
        missing.sort_by(|a, b| (&a.name, &a.slug).cmp(&(&b.name, &b.slug)));
        let n = f.skills.len();
        let have = n - missing.len();
        frameworks.push(FrameworkFit {
            framework: fw.clone(),
            importance: f.importance,
            level: f.level,
            skills: n,
            covered: have,
            percent: percent(have, n),
            missing,
        });
    }
    // Best fit first: share covered, then how many covered, essential before optional,
    // evidence (equivalent occupations using it), name.
    frameworks.sort_by(|a, b| {
        b.percent
            .total_cmp(&a.percent)
            .then(b.covered.cmp(&a.covered))
            .then(
                (a.importance != Importance::Essential)
                    .cmp(&(b.importance != Importance::Essential)),
            )
            .then(ev(Node::Framework(b.framework.id)).cmp(&ev(Node::Framework(a.framework.id))))
            .then(a.framework.name.cmp(&b.framework.name))
            .then(a.framework.slug.cmp(&b.framework.slug))
    });

    let coverage = |(required, covered): (usize, usize)| Coverage {
        required,
        covered,
        percent: percent(covered, required),
    };
    Ok(SkillGap {
        role,
        known,
        essential: coverage(essential),
        optional: coverage(optional),
        missing_essential,
        missing_optional,
        frameworks,
    })
}
