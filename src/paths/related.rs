//! Related skills, scored from several signals, each exposed.
//!
//! score = 0.4 × related + 0.2 × shared broader + 0.3 × co-requirement + 0.1 × postings, where
//! - related is 1 when curators linked the two skills as related, else 0;
//! - shared broader is the Jaccard index of their broader skills (|A ∩ B| / |A ∪ B|);
//! - co-requirement is the Jaccard index of the roles requiring them;
//! - postings is the Jaccard index of the job postings asking for them (co-occurrence).
//!
//! The curated signal counts a direct prerequisite link (either way) like a curated related
//! link: Docker is related to Kubernetes because Kubernetes builds on it.
//!
//! Candidates are the skills with at least one non-zero signal; ties go by name, then slug.
//! A popular skill is co-required with thousands of others: see [`related_skills`] for how
//! the answer stays exact while scoring only a few hundred of them.
use std::collections::HashMap;

use entity::skill;
use sea_orm::{ConnectionTrait, DbBackend};

use crate::{
    catalog::{skills, EntityRef},
    db::stmt,
    error::{AppError, AppResult},
    paths::{id_in, rows_by_ids},
};

pub const WEIGHT_RELATED: f64 = 0.4;
pub const WEIGHT_SHARED_BROADER: f64 = 0.2;
pub const WEIGHT_CO_REQUIREMENT: f64 = 0.3;
pub const WEIGHT_POSTINGS: f64 = 0.1;

/// Page size when the caller does not say, and the largest allowed.
pub const DEFAULT_RELATED: usize = 10;
pub const MAX_RELATED: usize = 100;

/// One signal of a relatedness score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Component {
    /// The signal, between 0 and 1.
    pub value: f64,
    pub weight: f64,
    /// `value × weight`: its share of the score.
    pub contribution: f64,
    /// What the value is computed from: 1/0 for a curated link, the number of shared broader
    /// skills, of roles requiring both, of postings mentioning both.
    pub evidence: i64,
}

impl Component {
    fn new(value: f64, weight: f64, evidence: i64) -> Self {
        Component {
            value: round4(value),
            weight,
            contribution: round4(value * weight),
            evidence,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Components {
    pub related: Component,
    pub shared_broader: Component,
    pub co_requirement: Component,
    pub postings: Component,
}

#[derive(Clone, Debug)]
pub struct RelatedSkill {
    pub skill: skill::Model,
    pub score: f64,
    pub components: Components,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn jaccard(shared: i64, a: i64, b: i64) -> f64 {
    let union = a + b - shared;
    if union <= 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Raw signals of one candidate.
#[derive(Clone, Copy, Debug, Default)]
struct Signals {
    related: bool,
    co_postings: i64,
    postings_total: i64,
    shared_broader: i64,
    broader_total: i64,
    co_roles: i64,
    roles_total: i64,
}

/// A skill sharing edge partners (broader skills, roles) with the one asked about.
#[derive(Clone, Copy, Debug)]
struct Partner {
    other: i64,
    shared: i64,
    /// The other skill's number of partners.
    total: i64,
    /// The asked skill's number of partners.
    own: i64,
    /// One of the `keep` skills.
    kept: bool,
}

/// Skills sharing an edge partner with `id` through `table`, in one statement: the `keep` ones
/// first, then by how many partners they share, at most `limit`.
async fn shared_partners(
    db: &impl ConnectionTrait,
    table: &str,
    partner_col: &str,
    id: i64,
    keep: &[i64],
    limit: Option<usize>,
) -> AppResult<Vec<Partner>> {
    let backend = db.get_database_backend();
    let (keep_sql, keep_value) = id_in(backend, "o.skill_id", keep);
    // The partners of `id`, then every edge to one of them: one index range per partner.
    // PostgreSQL gets them as an array (it would rather hash-join the whole table).
    let partners = format!("SELECT a.{partner_col} FROM {table} a WHERE a.skill_id = ?");
    let of_partners = match backend {
        DbBackend::Postgres => format!("o.{partner_col} = ANY(ARRAY({partners}))"),
        _ => format!("o.{partner_col} IN ({partners})"),
    };
    let sql = format!(
        "SELECT g.other, g.shared, g.kept, \
         (SELECT COUNT(*) FROM {table} x WHERE x.skill_id = g.other) AS total, \
         (SELECT COUNT(*) FROM {table} y WHERE y.skill_id = ?) AS own \
         FROM (SELECT o.skill_id AS other, COUNT(*) AS shared, \
         CASE WHEN {keep_sql} THEN 1 ELSE 0 END AS kept \
         FROM {table} o WHERE {of_partners} AND o.skill_id <> ? GROUP BY o.skill_id \
         ORDER BY kept DESC, shared DESC, other LIMIT ?) g"
    );
    let limit = limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let rows = db
        .query_all_raw(stmt(
            backend,
            &sql,
            vec![id.into(), keep_value, id.into(), id.into(), limit.into()],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kept: i32 = r.try_get("", "kept")?;
        out.push(Partner {
            other: r.try_get("", "other")?,
            shared: r.try_get("", "shared")?,
            total: r.try_get("", "total")?,
            own: r.try_get("", "own")?,
            kept: kept != 0,
        });
    }
    Ok(out)
}

/// How many co-required skills, beyond the curated and sibling ones, are scored before
/// checking that none left out could make the page (see [`related_skills`]).
const CO_REQUIRED_CANDIDATES: usize = 300;

/// Every candidate's score, best first (then by id, for a stable cut).
fn score_all(
    signals: &HashMap<i64, Signals>,
    own_broader: i64,
    own_roles: i64,
    own_postings: i64,
) -> Vec<(i64, f64, Components)> {
    let mut scored: Vec<(i64, f64, Components)> = signals
        .iter()
        .map(|(id, s)| {
            let c = Components {
                related: Component::new(
                    if s.related { 1.0 } else { 0.0 },
                    WEIGHT_RELATED,
                    i64::from(s.related),
                ),
                shared_broader: Component::new(
                    jaccard(s.shared_broader, own_broader, s.broader_total),
                    WEIGHT_SHARED_BROADER,
                    s.shared_broader,
                ),
                co_requirement: Component::new(
                    jaccard(s.co_roles, own_roles, s.roles_total),
                    WEIGHT_CO_REQUIREMENT,
                    s.co_roles,
                ),
                postings: Component::new(
                    jaccard(s.co_postings, own_postings, s.postings_total),
                    WEIGHT_POSTINGS,
                    s.co_postings,
                ),
            };
            let score = round4(
                c.related.contribution
                    + c.shared_broader.contribution
                    + c.co_requirement.contribution
                    + c.postings.contribution,
            );
            (*id, score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

/// The `first` skills most related to a skill, best first. Six statements, seven or eight when the
/// shortcut below cannot prove its answer exact.
///
/// A popular skill is co-required with thousands of others. Only the curated and sibling
/// candidates plus the [`CO_REQUIRED_CANDIDATES`] most often co-required are scored at first;
/// any other skill shares fewer roles (`s ≤ s_min`) and has no other signal, so its score is at
/// most `0.3 × s_min / own` (a Jaccard index is at most `shared / own`). When the page's last
/// score beats that bound the answer is exact; otherwise every co-required skill is scored.
pub async fn related_skills<C: ConnectionTrait>(
    db: &C,
    skill_ref: &EntityRef,
    first: usize,
) -> AppResult<(skill::Model, Vec<RelatedSkill>)> {
    if !(1..=MAX_RELATED).contains(&first) {
        return Err(AppError::Validation(format!(
            "`first` must be between 1 and {MAX_RELATED}, got {first}"
        )));
    }
    let me = skills::get(db, skill_ref).await?;
    let mut signals: HashMap<i64, Signals> = HashMap::new();

    let rows = db
        .query_all_raw(stmt(
            db.get_database_backend(),
            "SELECT related_id FROM skill_related WHERE skill_id = ? \
             UNION SELECT prerequisite_id FROM skill_prerequisite WHERE skill_id = ? \
             UNION SELECT skill_id FROM skill_prerequisite WHERE prerequisite_id = ?",
            vec![me.id.into(), me.id.into(), me.id.into()],
        ))
        .await?;
    for r in &rows {
        let id: i64 = r.try_get("", "related_id")?;
        signals.entry(id).or_default().related = true;
    }
    let mut own_broader = 0;
    for p in shared_partners(db, "skill_broader", "broader_id", me.id, &[], None).await? {
        let s = signals.entry(p.other).or_default();
        s.shared_broader = p.shared;
        s.broader_total = p.total;
        own_broader = p.own;
    }
    let mut keep: Vec<i64> = signals.keys().copied().collect();
    keep.sort_unstable();
    let limit = keep.len() + CO_REQUIRED_CANDIDATES;
    let mut co = shared_partners(db, "role_skill", "role_id", me.id, &keep, Some(limit)).await?;
    let mut own_roles = co.first().map_or(0, |p| p.own);
    let mut posted =
        shared_partners(db, "posting_skill", "posting_id", me.id, &keep, Some(limit)).await?;
    let mut own_postings = posted.first().map_or(0, |p| p.own);
    fn apply_postings(signals: &mut HashMap<i64, Signals>, co: &[Partner]) {
        for p in co {
            let s = signals.entry(p.other).or_default();
            s.co_postings = p.shared;
            s.postings_total = p.total;
        }
    }
    apply_postings(&mut signals, &posted);
    fn apply(signals: &mut HashMap<i64, Signals>, co: &[Partner]) {
        for p in co {
            let s = signals.entry(p.other).or_default();
            s.co_roles = p.shared;
            s.roles_total = p.total;
        }
    }
    apply(&mut signals, &co);
    let mut scored = score_all(&signals, own_broader, own_roles, own_postings);
    // A skill left out of a truncated list shares at most its smallest count: its score is at
    // most the sum of those bounds. When the page's last score does not beat it, every
    // co-required and co-posted skill is scored.
    let min_shared = |list: &[Partner]| {
        list.iter()
            .filter(|p| !p.kept)
            .map(|p| p.shared)
            .min()
            .unwrap_or(0)
    };
    let truncated_roles = co.len() >= limit;
    let truncated_postings = posted.len() >= limit;
    if truncated_roles || truncated_postings {
        let s_min = if truncated_roles { min_shared(&co) } else { 0 };
        let p_min = if truncated_postings {
            min_shared(&posted)
        } else {
            0
        };
        let bound = WEIGHT_CO_REQUIREMENT * jaccard(s_min, own_roles, s_min)
            + WEIGHT_POSTINGS * jaccard(p_min, own_postings, p_min);
        let last = scored.get(first - 1).map_or(f64::NEG_INFINITY, |c| c.1);
        if last <= bound {
            if truncated_roles {
                co = shared_partners(db, "role_skill", "role_id", me.id, &keep, None).await?;
                own_roles = co.first().map_or(own_roles, |p| p.own);
                apply(&mut signals, &co);
            }
            if truncated_postings {
                posted =
                    shared_partners(db, "posting_skill", "posting_id", me.id, &keep, None).await?;
                own_postings = posted.first().map_or(own_postings, |p| p.own);
                apply_postings(&mut signals, &posted);
            }
            scored = score_all(&signals, own_broader, own_roles, own_postings);
        }
    }
    signals.remove(&me.id);
    scored.retain(|c| c.0 != me.id);

    // Only the candidates that can make the page (ties at the cut included) are loaded, then
    // ordered by name.
    let cut = match scored.get(first - 1) {
        Some((_, s, _)) => *s,
        None => f64::NEG_INFINITY,
    };
    scored.retain(|(_, s, _)| *s >= cut);
    let ids: Vec<i64> = scored.iter().map(|(id, _, _)| *id).collect();
    let models: HashMap<i64, skill::Model> =
        rows_by_ids(db, "skill", &ids, |m: &skill::Model| m.id).await?;
    let mut out: Vec<RelatedSkill> = scored
        .into_iter()
        .filter_map(|(id, score, components)| {
            models.get(&id).map(|m| RelatedSkill {
                skill: m.clone(),
                score,
                components,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.skill.name.cmp(&b.skill.name))
            .then_with(|| a.skill.slug.cmp(&b.skill.slug))
    });
    out.truncate(first);
    Ok((me, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_and_rounding() {
        assert_eq!(jaccard(1, 2, 2), 1.0 / 3.0);
        assert_eq!(jaccard(0, 0, 0), 0.0);
        let c = Component::new(1.0 / 3.0, WEIGHT_SHARED_BROADER, 1);
        assert_eq!(c.value, 0.3333);
        assert_eq!(c.contribution, 0.0667);
    }
}
