//! Skill gaps: how much of a role someone already covers, what essential skills they lack, and
//! which of the role's frameworks suit them best.
//!
//! A requirement is covered when it is known or implied by a known skill (a known skill implies
//! its prerequisites, transitively), the same rule as learning paths.
use std::{
    cmp::Reverse,
    collections::{BTreeMap, HashMap, HashSet},
};

use entity::{framework, role, skill};
use sea_orm::ConnectionTrait;

use crate::{
    catalog::{pages::Importance, roles, EntityRef},
    db::stmt,
    error::{AppError, AppResult},
    paths::{
        adjacency, closure,
        demand::{demand, Demand},
        percent, prerequisite_edges_from, resolve_skills, role_requirements, rows_by_ids,
        settle_choices,
    },
};

#[derive(Clone, Debug)]
pub struct SkillGap {
    pub role: role::Model,
    pub known: Vec<skill::Model>,
    pub essential: Coverage,
    pub optional: Coverage,
    /// Essential requirements not covered, by demand (highest first), then name.
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
    pub skill: skill::Model,
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

/// The gap between what someone knows and a role. At most eight statements.
pub async fn skill_gap<C: ConnectionTrait>(
    db: &C,
    role_ref: &EntityRef,
    known: &[EntityRef],
) -> AppResult<SkillGap> {
    let role = roles::get(db, role_ref).await?;
    let all_reqs = role_requirements(db, role.id).await?;
    let fws = role_frameworks(db, role.id).await?;
    let known = resolve_skills(db, known).await?;
    let known_ids: Vec<i64> = known.iter().map(|m| m.id).collect();
    let adj = adjacency(&prerequisite_edges_from(db, &known_ids).await?);
    let covered = closure(&adj, known_ids.iter().copied(), &HashSet::new());

    let req_ids: Vec<i64> = all_reqs.list.iter().map(|r| r.skill).collect();
    let demand = demand(db, &req_ids).await?;
    let mut missing_ids: Vec<i64> = req_ids
        .iter()
        .chain(fws.values().flat_map(|f| f.skills.iter()))
        .copied()
        .filter(|id| !covered.contains(id))
        .collect();
    missing_ids.sort_unstable();
    missing_ids.dedup();
    let skills: HashMap<i64, skill::Model> =
        rows_by_ids(db, "skill", &missing_ids, |m: &skill::Model| m.id).await?;
    let fw_ids: Vec<i64> = fws.keys().copied().collect();
    let fw_models: HashMap<i64, framework::Model> =
        rows_by_ids(db, "framework", &fw_ids, |m: &framework::Model| m.id).await?;
    // A choice group counts once: what is known of it, else its most demanded option.
    let (reqs, _) = settle_choices(&all_reqs, &covered, &demand, &skills);
    let model = |id: i64| -> AppResult<skill::Model> {
        skills
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::Internal(format!("skill {id} vanished while comparing")))
    };

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
        if covered.contains(&r.skill) {
            tally.1 += 1;
            continue;
        }
        let gap = GapSkill {
            skill: model(r.skill)?,
            level: r.level,
            demand: demand.get(&r.skill).copied().unwrap_or_default(),
        };
        if essential_req {
            missing_essential.push(gap);
        } else {
            missing_optional.push(gap);
        }
    }
    for list in [&mut missing_essential, &mut missing_optional] {
        list.sort_by(|a, b| {
            (Reverse(a.demand.score()), &a.skill.name, &a.skill.slug).cmp(&(
                Reverse(b.demand.score()),
                &b.skill.name,
                &b.skill.slug,
            ))
        });
    }

    let mut frameworks = Vec::with_capacity(fws.len());
    for (id, f) in &fws {
        let Some(fw) = fw_models.get(id) else {
            continue;
        };
        let mut missing = f
            .skills
            .iter()
            .filter(|s| !covered.contains(s))
            .map(|s| model(*s))
            .collect::<AppResult<Vec<_>>>()?;
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
    // Best fit first: share covered, then how many covered, essential before optional, name.
    frameworks.sort_by(|a, b| {
        b.percent
            .total_cmp(&a.percent)
            .then(b.covered.cmp(&a.covered))
            .then(
                (a.importance != Importance::Essential)
                    .cmp(&(b.importance != Importance::Essential)),
            )
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
