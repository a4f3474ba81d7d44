//! Role transitions: the roles nearest to a role (or to a set of known skills and frameworks),
//! best first, each with what it shares, the skills to add, the learning steps it takes (the
//! learning-path planner: [`needs`] and [`order`]), the median salary difference where postings
//! allow, and an explanation.
//!
//! The source set S: for a role, its requirements as a typical holder has them — each choice
//! group settled to its most demanded option and optional frameworks kept by the language rule,
//! as learning paths do; for known nodes, the nodes. What S covers is S and everything it
//! implies (prerequisites, transitively; a framework's language).
//!
//! Score of a target role T (its requirements settled against what S covers, as learning paths
//! settle them): a weighted Jaccard index, essential requirements weighing 2 and optional ones 1
//! (known nodes weigh 1): covered requirements of T / (requirements of T + source nodes T does
//! not require). 1 means T asks for nothing S lacks and S holds nothing T ignores.
//!
//! Cost, whatever the graph's size: one grouped statement pre-scores every role sharing a
//! covered requirement (choice groups counted once); the best [`POOL`] are scored exactly with
//! batched reads (requirements, prerequisite links, node rows, demand, evidence, role rows,
//! salaries): at most 16 statements.
use std::{
    cmp::Reverse,
    collections::{BTreeSet, HashMap, HashSet},
};

use entity::role;
use sea_orm::{ConnectionTrait, Value};

use crate::store::RowSource;
use crate::{
    catalog::{pages::Filter, pages::Importance, roles, EntityRef},
    db::stmt,
    error::{AppError, AppResult},
    market::analytics::{percentile, round, salary_rows, SalaryRead},
    paths::{
        demand::{demand, Demand},
        graph::{
            adjacency, closure, prerequisite_edges_from, role_requirements, settle_choices,
            settle_frameworks, Requirement, RoleRequirements,
        },
        id_in, name_list,
        node::{model_of, node_models, resolve_nodes, Node, NodeModel, NodeRef},
        plan::{needs, order, Rank},
        rows_by_ids,
    },
};

/// Transitions returned when the caller does not say.
pub const DEFAULT_TRANSITIONS: usize = 5;
/// Most transitions in one answer.
pub const MAX_TRANSITIONS: usize = 20;
/// Roles scored exactly: the best of the pre-score.
pub const POOL: usize = 60;
/// The postings each side of a salary difference needs when the caller gives no minimum.
pub const DEFAULT_MIN_POSTINGS: u64 = 30;

/// Where the transitions start.
#[derive(Clone, Debug)]
pub enum Source {
    Role(EntityRef),
    Known(Vec<NodeRef>),
}

/// A requirement of the target the source does not cover.
#[derive(Clone, Debug)]
pub struct ToAdd {
    pub node: NodeModel,
    pub importance: Importance,
    pub demand: Demand,
}

/// One step of the learning path from the source to the target.
#[derive(Clone, Debug)]
pub struct TransitionStep {
    /// 1-based.
    pub position: usize,
    pub node: NodeModel,
    /// A requirement of the target itself (else a prerequisite of one).
    pub requirement: bool,
    pub importance: Option<Importance>,
}

/// Whether the salary difference could be measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalaryStatus {
    /// At least one currency has enough postings of both roles.
    Measured,
    /// The source is a set of known skills: there is no role to compare with.
    NoSourceRole,
    /// No currency has enough postings of both roles.
    TooFewPostings,
}

/// The medians of both roles' postings in one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrencyDifference {
    pub currency: String,
    pub from_postings: u64,
    pub to_postings: u64,
    pub from_median: f64,
    pub to_median: f64,
    /// To − from, rounded to cents.
    pub difference: f64,
    /// To / from, four decimals.
    pub ratio: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SalaryDifference {
    pub status: SalaryStatus,
    pub reason: String,
    /// The currencies measured (both sides at the minimum), by code.
    pub currencies: Vec<CurrencyDifference>,
    /// The sources of the postings counted (both roles, every currency), sorted.
    pub sources: Vec<String>,
}

/// A role to move to.
#[derive(Clone, Debug)]
pub struct Transition {
    pub role: role::Model,
    /// 0–1, four decimals (see the module's doc).
    pub score: f64,
    pub essential_required: usize,
    pub essential_covered: usize,
    pub optional_required: usize,
    pub optional_covered: usize,
    /// Essential first, then by demand (higher first), then name.
    pub to_add: Vec<ToAdd>,
    /// The learning path to the role from the source, in order.
    pub steps: Vec<TransitionStep>,
    pub salary: SalaryDifference,
    pub explanation: String,
}

/// The answer: the source as resolved and the transitions, best first.
#[derive(Clone, Debug)]
pub struct Transitions {
    pub from: Option<role::Model>,
    pub known: Vec<NodeModel>,
    pub transitions: Vec<Transition>,
}

fn weight(i: Option<Importance>) -> u64 {
    match i {
        Some(Importance::Essential) => 2,
        _ => 1,
    }
}

/// Requirements of many roles, in one statement (the batched twin of [`role_requirements`]).
async fn requirements_of(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> AppResult<HashMap<i64, RoleRequirements>> {
    let mut out: HashMap<i64, RoleRequirements> = HashMap::new();
    if role_ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (s_cond, s_val) = id_in(backend, "rs.role_id", role_ids);
    let (f_cond, f_val) = id_in(backend, "rf.role_id", role_ids);
    let sql = format!(
        "SELECT rs.role_id AS role_id, 0 AS k, rs.skill_id AS id, rs.importance, rs.level, \
         c.choice_group FROM role_skill rs LEFT JOIN role_skill_choice c \
         ON c.role_id = rs.role_id AND c.skill_id = rs.skill_id WHERE {s_cond} \
         UNION ALL SELECT rf.role_id, 1, rf.framework_id, rf.importance, rf.level, NULL \
         FROM role_framework rf WHERE {f_cond} ORDER BY 1, 2, 3"
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![s_val, f_val]))
        .await?;
    for r in &rows {
        let role_id: i64 = r.try_get("", "role_id")?;
        let k: i32 = r.try_get("", "k")?;
        let id: i64 = r.try_get("", "id")?;
        let importance: String = r.try_get("", "importance")?;
        let group: Option<String> = r.try_get("", "choice_group")?;
        let out = out.entry(role_id).or_default();
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
            level: r.try_get::<Option<i32>>("", "level")?,
            choice,
        });
    }
    Ok(out)
}

/// Evidence of many curated roles (see [`super::demand::evidence`]), in one statement.
async fn evidence_of(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> AppResult<HashMap<i64, HashMap<Node, i64>>> {
    let mut out: HashMap<i64, HashMap<Node, i64>> = HashMap::new();
    if role_ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (s_cond, s_val) = id_in(backend, "e.role_id", role_ids);
    let (f_cond, f_val) = id_in(backend, "e.role_id", role_ids);
    let sql = format!(
        "SELECT e.role_id AS role_id, 0 AS k, rs.skill_id AS id, \
         COUNT(DISTINCT e.equivalent_id) AS n FROM role_equivalent e \
         JOIN role_skill rs ON rs.role_id = e.equivalent_id WHERE {s_cond} \
         GROUP BY e.role_id, rs.skill_id \
         UNION ALL SELECT e.role_id, 1, rf.framework_id, COUNT(DISTINCT e.equivalent_id) \
         FROM role_equivalent e JOIN role_framework rf ON rf.role_id = e.equivalent_id \
         WHERE {f_cond} GROUP BY e.role_id, rf.framework_id"
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![s_val, f_val]))
        .await?;
    for r in &rows {
        let role_id: i64 = r.try_get("", "role_id")?;
        let k: i32 = r.try_get("", "k")?;
        let id: i64 = r.try_get("", "id")?;
        let n: i64 = r.try_get("", "n")?;
        let node = if k == 1 {
            Node::Framework(id)
        } else {
            Node::Skill(id)
        };
        out.entry(role_id).or_default().insert(node, n);
    }
    Ok(out)
}

/// The role itself and the roles linked to it as equivalent, either way: one statement.
async fn same_roles(db: &impl ConnectionTrait, role_id: i64) -> AppResult<Vec<i64>> {
    let rows = db
        .query_all_raw(stmt(
            db.get_database_backend(),
            "SELECT equivalent_id AS id FROM role_equivalent WHERE role_id = ? \
             UNION SELECT role_id FROM role_equivalent WHERE equivalent_id = ?",
            vec![role_id.into(), role_id.into()],
        ))
        .await?;
    let mut out = vec![role_id];
    for r in &rows {
        out.push(r.try_get("", "id")?);
    }
    Ok(out)
}

/// Pre-scores every role that requires something the source covers, in one grouped statement,
/// and returns the best `limit` role ids. Choice groups count once (covered when any member
/// is); optional frameworks count as they are (the exact score settles them).
async fn candidates(
    db: &impl ConnectionTrait,
    covered: &HashSet<Node>,
    source: &[(Node, u64)],
    excluded: &[i64],
    curated_only: bool,
    limit: usize,
) -> AppResult<Vec<i64>> {
    let backend = db.get_database_backend();
    let ids = |pick: &dyn Fn(Node) -> Option<i64>, nodes: &mut dyn Iterator<Item = Node>| {
        let mut v: Vec<i64> = nodes.filter_map(pick).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let cov_s = ids(&Node::skill_id, &mut covered.iter().copied());
    let cov_f = ids(&Node::framework_id, &mut covered.iter().copied());
    let heavy = |w: u64| move |it: &(Node, u64)| -> Option<Node> { (it.1 == w).then_some(it.0) };
    let ess_s = ids(&Node::skill_id, &mut source.iter().filter_map(heavy(2)));
    let ess_f = ids(&Node::framework_id, &mut source.iter().filter_map(heavy(2)));
    let opt_s = ids(&Node::skill_id, &mut source.iter().filter_map(heavy(1)));
    let opt_f = ids(&Node::framework_id, &mut source.iter().filter_map(heavy(1)));
    let source_weight: u64 = source.iter().map(|(_, w)| w).sum();

    let mut values: Vec<Value> = Vec::new();
    let mut cond = |col: &str, list: &[i64]| {
        let (c, v) = id_in(backend, col, list);
        values.push(v);
        c
    };
    let cand_s = cond("r1.skill_id", &cov_s);
    let cand_f = cond("r2.framework_id", &cov_f);
    let s_cov = cond("rs.skill_id", &cov_s);
    let s_ess = cond("rs.skill_id", &ess_s);
    let s_opt = cond("rs.skill_id", &opt_s);
    let f_cov = cond("rf.framework_id", &cov_f);
    let f_ess = cond("rf.framework_id", &ess_f);
    let f_opt = cond("rf.framework_id", &opt_f);
    let not_excluded = cond("u.role_id", excluded);
    let curated = if curated_only {
        " AND u.role_id IN (SELECT id FROM role WHERE source_id IS NULL)"
    } else {
        ""
    };
    values.push((source_weight as i64).into());
    values.push((limit as i64).into());
    let sql = format!(
        "WITH cand AS (SELECT r1.role_id FROM role_skill r1 WHERE {cand_s} \
         UNION SELECT r2.role_id FROM role_framework r2 WHERE {cand_f}) \
         SELECT u.role_id AS role_id FROM (\
           SELECT x.role_id AS role_id, x.unit AS unit, MAX(x.w) AS w, MAX(x.cov) AS cov, \
           SUM(x.src) AS src FROM (\
             SELECT rs.role_id AS role_id, CASE WHEN c.choice_group IS NULL \
             THEN 's' || CAST(rs.skill_id AS TEXT) ELSE 'g' || c.choice_group END AS unit, \
             CASE WHEN rs.importance = 'essential' THEN 2 ELSE 1 END AS w, \
             CASE WHEN {s_cov} THEN 1 ELSE 0 END AS cov, \
             CASE WHEN {s_ess} THEN 2 WHEN {s_opt} THEN 1 ELSE 0 END AS src \
             FROM role_skill rs LEFT JOIN role_skill_choice c \
             ON c.role_id = rs.role_id AND c.skill_id = rs.skill_id \
             WHERE rs.role_id IN (SELECT role_id FROM cand) \
             UNION ALL SELECT rf.role_id, 'f' || CAST(rf.framework_id AS TEXT), \
             CASE WHEN rf.importance = 'essential' THEN 2 ELSE 1 END, \
             CASE WHEN {f_cov} THEN 1 ELSE 0 END, \
             CASE WHEN {f_ess} THEN 2 WHEN {f_opt} THEN 1 ELSE 0 END \
             FROM role_framework rf WHERE rf.role_id IN (SELECT role_id FROM cand)\
           ) x GROUP BY x.role_id, x.unit\
         ) u WHERE NOT ({not_excluded}){curated} GROUP BY u.role_id \
         HAVING SUM(u.w * u.cov) > 0 \
         ORDER BY 1.0 * SUM(u.w * u.cov) / (SUM(u.w) + ? - SUM(u.src)) DESC, u.role_id \
         LIMIT ?"
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    rows.iter()
        .map(|r| r.try_get::<i64>("", "role_id").map_err(AppError::from))
        .collect()
}

/// (role, currency) → annualised midpoints, sorted; and the sources seen per role. One
/// statement over the postings in `scope` of the given roles.
type RoleSalaries = (
    HashMap<(i64, String), Vec<f64>>,
    HashMap<i64, BTreeSet<String>>,
);

async fn salaries_of(
    db: &impl ConnectionTrait,
    scope: &Filter,
    role_ids: &[i64],
) -> AppResult<RoleSalaries> {
    let (cond, value) = id_in(db.get_database_backend(), "t.role_id", role_ids);
    let rows = salary_rows(
        db,
        scope,
        SalaryRead {
            select: ", t.role_id AS role_id, t.source AS source",
            cond: Some((&cond, value)),
            ..SalaryRead::default()
        },
    )
    .await?;
    let mut by: HashMap<(i64, String), Vec<f64>> = HashMap::new();
    let mut sources: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for r in &rows {
        let role: i64 = r.try_get("", "role_id")?;
        let lo: f64 = r.try_get("", "lo")?;
        let hi: f64 = r.try_get("", "hi")?;
        by.entry((role, r.try_get("", "currency")?))
            .or_default()
            .push((lo + hi) / 2.0);
        sources
            .entry(role)
            .or_default()
            .insert(r.try_get("", "source")?);
    }
    for v in by.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    Ok((by, sources))
}

fn salary_difference(
    from: Option<&role::Model>,
    to: i64,
    salaries: &RoleSalaries,
    min: u64,
) -> SalaryDifference {
    let Some(from) = from else {
        return SalaryDifference {
            status: SalaryStatus::NoSourceRole,
            reason: "known skills name no role whose postings could be compared".into(),
            currencies: Vec::new(),
            sources: Vec::new(),
        };
    };
    let (by, sources) = salaries;
    let mut currencies: Vec<&String> = by
        .keys()
        .filter(|(r, _)| *r == from.id || *r == to)
        .map(|(_, c)| c)
        .collect();
    currencies.sort();
    currencies.dedup();
    let empty = Vec::new();
    let mut out = Vec::new();
    let mut short = Vec::new();
    for c in currencies {
        let a = by.get(&(from.id, c.clone())).unwrap_or(&empty);
        let b = by.get(&(to, c.clone())).unwrap_or(&empty);
        let (na, nb) = (a.len() as u64, b.len() as u64);
        match (percentile(a, 0.5), percentile(b, 0.5)) {
            (Some(ma), Some(mb)) if na >= min && nb >= min => {
                let (ma, mb) = (round(ma, 2), round(mb, 2));
                out.push(CurrencyDifference {
                    currency: c.clone(),
                    from_postings: na,
                    to_postings: nb,
                    from_median: ma,
                    to_median: mb,
                    difference: round(mb - ma, 2),
                    ratio: (ma != 0.0).then(|| round(mb / ma, 4)),
                });
            }
            _ => short.push(format!("{c} {na}/{nb}")),
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for r in [from.id, to] {
        seen.extend(sources.get(&r).into_iter().flatten().cloned());
    }
    let (status, reason) = if out.is_empty() {
        (
            SalaryStatus::TooFewPostings,
            if short.is_empty() {
                "no postings of either role with a salary".to_owned()
            } else {
                format!(
                    "fewer than {min} postings with a salary on a side in every currency \
                     (from/to: {})",
                    short.join(", ")
                )
            },
        )
    } else {
        (
            SalaryStatus::Measured,
            format!("medians of at least {min} postings with a salary on each side, per currency"),
        )
    };
    SalaryDifference {
        status,
        reason,
        currencies: out,
        sources: seen.into_iter().collect(),
    }
}

/// The roles nearest to the source, best first (only curated roles with `curated_only`): at most
/// 16 statements whatever the graph.
pub async fn role_transitions<C: RowSource>(
    db: &C,
    source: &Source,
    first: usize,
    salary_scope: &Filter,
    min_postings: u64,
    curated_only: bool,
) -> AppResult<Transitions> {
    if !(1..=MAX_TRANSITIONS).contains(&first) {
        return Err(AppError::Validation(format!(
            "`first` must be between 1 and {MAX_TRANSITIONS}, got {first}"
        )));
    }
    let min_postings = min_postings.max(1);
    // The source set with its weights, and its prerequisite links (a role's requirements are
    // their seeds, so the role's own read serves).
    #[allow(clippy::type_complexity)]
    let (from, known, source_nodes, excluded, adj): (
        Option<role::Model>,
        Vec<NodeModel>,
        Vec<(Node, u64)>,
        Vec<i64>,
        HashMap<Node, Vec<Node>>,
    ) = match source {
        Source::Role(r) => {
            let role = roles::get(db, r).await?;
            let reqs = role_requirements(db, role.id).await?;
            let nodes: Vec<Node> = reqs.list.iter().map(|r| r.node).collect();
            let adj = adjacency(&prerequisite_edges_from(db, &nodes).await?);
            let grouped: Vec<Node> = reqs
                .list
                .iter()
                .filter(|r| r.choice.is_some())
                .map(|r| r.node)
                .collect();
            let d = demand(db, &grouped).await?;
            let m = node_models(db, grouped).await?;
            let (kept, _) = settle_choices(&reqs, &HashSet::new(), &d, &m);
            let kept = settle_frameworks(kept, &HashSet::new(), &adj);
            let s: Vec<(Node, u64)> = kept
                .iter()
                .map(|r| (r.node, weight(r.importance)))
                .collect();
            let excluded = same_roles(db, role.id).await?;
            (Some(role), Vec::new(), s, excluded, adj)
        }
        Source::Known(refs) => {
            if refs.is_empty() {
                return Err(AppError::Validation(
                    "`known` must name at least one skill or framework".into(),
                ));
            }
            let known = resolve_nodes(db, refs).await?;
            let s: Vec<(Node, u64)> = known.iter().map(|m| (m.node(), 1)).collect();
            let seeds: Vec<Node> = s.iter().map(|(n, _)| *n).collect();
            let adj = adjacency(&prerequisite_edges_from(db, &seeds).await?);
            (None, known, s, Vec::new(), adj)
        }
    };
    let source_ids: Vec<Node> = source_nodes.iter().map(|(n, _)| *n).collect();
    let covered = closure(&adj, source_ids.iter().copied(), &HashSet::new());

    let pool = candidates(db, &covered, &source_nodes, &excluded, curated_only, POOL).await?;
    if pool.is_empty() {
        return Ok(Transitions {
            from,
            known,
            transitions: Vec::new(),
        });
    }
    let reqs_by_role = requirements_of(db, &pool).await?;
    let mut seeds: Vec<Node> = reqs_by_role
        .values()
        .flat_map(|r| r.list.iter().map(|x| x.node))
        .collect();
    seeds.extend(&source_ids);
    seeds.sort_unstable();
    seeds.dedup();
    let adj = adjacency(&prerequisite_edges_from(db, &seeds).await?);
    let mut all: Vec<Node> = seeds.clone();
    for (a, bs) in &adj {
        all.push(*a);
        all.extend(bs);
    }
    all.sort_unstable();
    all.dedup();
    let models = node_models(db, all.iter().copied()).await?;
    let demand = demand(db, &all).await?;
    let evidence = evidence_of(db, &pool).await?;
    let role_rows: HashMap<i64, role::Model> =
        rows_by_ids(db, "role", &pool, |m: &role::Model| m.id).await?;
    let salaries = match &from {
        Some(f) => {
            let mut ids = pool.clone();
            ids.push(f.id);
            salaries_of(db, salary_scope, &ids).await?
        }
        None => Default::default(),
    };

    let no_evidence = HashMap::new();
    let mut out = Vec::with_capacity(pool.len());
    for role_id in &pool {
        let (Some(all_reqs), Some(role)) = (reqs_by_role.get(role_id), role_rows.get(role_id))
        else {
            continue;
        };
        let (reqs, _) = settle_choices(all_reqs, &covered, &demand, &models);
        let reqs = settle_frameworks(reqs, &covered, &adj);
        let target: HashSet<Node> = reqs.iter().map(|r| r.node).collect();
        let (mut tot, mut cov) = (0u64, 0u64);
        let mut counts = [(0usize, 0usize); 2];
        let mut to_add = Vec::new();
        for r in &reqs {
            let w = weight(r.importance);
            let ess = r.importance == Some(Importance::Essential);
            let slot = &mut counts[usize::from(!ess)];
            tot += w;
            slot.0 += 1;
            if covered.contains(&r.node) {
                cov += w;
                slot.1 += 1;
            } else {
                to_add.push(ToAdd {
                    node: model_of(&models, r.node, "comparing roles")?,
                    importance: r.importance.unwrap_or(Importance::Optional),
                    demand: demand.get(&r.node).copied().unwrap_or_default(),
                });
            }
        }
        let extra: u64 = source_nodes
            .iter()
            .filter(|(n, _)| !target.contains(n))
            .map(|(_, w)| w)
            .sum();
        let score = if tot + extra == 0 {
            0.0
        } else {
            round(cov as f64 / (tot + extra) as f64, 4)
        };
        to_add.sort_by(|a, b| {
            (
                a.importance != Importance::Essential,
                Reverse(a.demand.score()),
                a.node.name(),
                a.node.slug(),
            )
                .cmp(&(
                    b.importance != Importance::Essential,
                    Reverse(b.demand.score()),
                    b.node.name(),
                    b.node.slug(),
                ))
        });
        let need = needs(&reqs, &source_ids, &adj);
        let planned = order(
            &reqs,
            &need,
            &adj,
            &Rank {
                demand: &demand,
                models: &models,
                evidence: evidence.get(role_id).unwrap_or(&no_evidence),
            },
        )?;
        let steps = planned
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Ok(TransitionStep {
                    position: i + 1,
                    node: model_of(&models, p.node, "planning")?,
                    requirement: target.contains(&p.node),
                    importance: p.importance,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let salary = salary_difference(from.as_ref(), *role_id, &salaries, min_postings);
        let [(ess_req, ess_cov), (opt_req, opt_cov)] = counts;
        let explanation = explain(
            &from,
            (ess_req, ess_cov),
            (opt_req, opt_cov),
            &to_add,
            steps.len(),
            &salary,
        );
        out.push(Transition {
            role: role.clone(),
            score,
            essential_required: ess_req,
            essential_covered: ess_cov,
            optional_required: opt_req,
            optional_covered: opt_cov,
            to_add,
            steps,
            salary,
            explanation,
        });
    }
    // Best first: score, then fewer steps, then name and slug.
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.steps.len().cmp(&b.steps.len()))
            .then(a.role.name.cmp(&b.role.name))
            .then(a.role.slug.cmp(&b.role.slug))
    });
    out.truncate(first);
    Ok(Transitions {
        from,
        known,
        transitions: out,
    })
}

/// "Shares 12 of 16 essential requirements and 20 of 34 optional ones; adds Kubernetes,
/// Terraform and 2 more (essential first); 9 learning steps; median salary +4,000.00 EUR
/// (+5.9 %)".
fn explain(
    from: &Option<role::Model>,
    essential: (usize, usize),
    optional: (usize, usize),
    to_add: &[ToAdd],
    steps: usize,
    salary: &SalaryDifference,
) -> String {
    let mut parts = vec![format!(
        "shares {} of {} essential requirements and {} of {} optional ones{}",
        essential.1,
        essential.0,
        optional.1,
        optional.0,
        if from.is_some() {
            ""
        } else {
            " (known or implied)"
        }
    )];
    let names: Vec<&str> = to_add.iter().map(|t| t.node.name()).collect();
    if names.is_empty() {
        parts.push("adds nothing".into());
    } else {
        parts.push(format!("adds {}", name_list(&names)));
    }
    parts.push(match steps {
        1 => "1 learning step".to_owned(),
        n => format!("{n} learning steps"),
    });
    // The currency with the most postings on its thinner side.
    let best = salary.currencies.iter().max_by_key(|c| {
        (
            c.from_postings.min(c.to_postings),
            Reverse(c.currency.as_str()),
        )
    });
    if let Some(c) = best {
        let pct = c
            .ratio
            .map(|r| format!(" ({:+.1} %)", (r - 1.0) * 100.0))
            .unwrap_or_default();
        parts.push(format!(
            "median salary {:+.0} {}{pct}",
            c.difference, c.currency
        ));
    }
    let mut s = parts.join("; ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}
