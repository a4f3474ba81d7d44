//! Related skills, scored from several signals, each exposed.
//!
//! score = 0.4 × related + 0.2 × shared broader + 0.3 × co-requirement + 0.1 × postings, where
//! - related is 1 when curators linked the two skills as related, else 0;
//! - shared broader is the Jaccard index of their broader skills (|A ∩ B| / |A ∪ B|);
//! - co-requirement is the Jaccard index of the roles requiring them;
//! - postings is the Jaccard index of the job postings asking for them (co-occurrence).
//!
//! The curated signal counts a direct prerequisite link (either way) like a curated related
//! link: Docker is related to Kubernetes because Kubernetes builds on it. Frameworks take part
//! as nodes: a framework's curated links are its language and the skills it lists, and a
//! language's include the frameworks written in it; co-requirement and postings count roles
//! and postings asking for a framework (`role_framework`, `posting_framework`) like those
//! asking for a skill. Frameworks have no broader links (that signal is 0 for them).
//!
//! Candidates are the skills with at least one non-zero signal; ties go by name, then slug.
//! A popular skill is co-required with thousands of others: see [`related_skills`] for how
//! the answer stays exact while scoring only a few hundred of them.
use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{
    db::stmt,
    error::{AppError, AppResult},
    paths::{
        node::{node_models, resolve_nodes, Node, NodeModel, NodeRef},
        partners::{shared, Partner, BROADER, POSTINGS, ROLES},
    },
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
    /// The related skill or framework.
    pub node: NodeModel,
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

/// How many co-required nodes, beyond the curated and sibling ones, are scored before
/// checking that none left out could make the page (see [`related_skills`]).
const CO_REQUIRED_CANDIDATES: usize = 300;

/// Every candidate's score, best first (then by node, for a stable cut).
fn score_all(
    signals: &HashMap<Node, Signals>,
    own_broader: i64,
    own_roles: i64,
    own_postings: i64,
) -> Vec<(Node, f64, Components)> {
    let mut scored: Vec<(Node, f64, Components)> = signals
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

/// The `first` skills and frameworks most related to a skill or framework, best first. At most
/// nine statements, up to thirteen when the shortcut below cannot prove its answer exact.
///
/// A popular skill is co-required with thousands of others. Only the curated and sibling
/// candidates plus the [`CO_REQUIRED_CANDIDATES`] most often co-required are scored at first;
/// any other skill shares fewer roles (`s ≤ s_min`) and has no other signal, so its score is at
/// most `0.3 × s_min / own` (a Jaccard index is at most `shared / own`). When the page's last
/// score beats that bound the answer is exact; otherwise every co-required skill is scored.
pub async fn related_skills<C: ConnectionTrait>(
    db: &C,
    node_ref: &NodeRef,
    first: usize,
) -> AppResult<(NodeModel, Vec<RelatedSkill>)> {
    if !(1..=MAX_RELATED).contains(&first) {
        return Err(AppError::Validation(format!(
            "`first` must be between 1 and {MAX_RELATED}, got {first}"
        )));
    }
    let me_model = resolve_nodes(db, std::slice::from_ref(node_ref))
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("node lookup returned nothing".into()))?;
    let me = me_model.node();
    let mut signals: HashMap<Node, Signals> = HashMap::new();

    // Curated links: k = 1 marks a framework.
    let (sql, id, arms) = match me {
        Node::Skill(id) => (
            "SELECT 0 AS k, related_id AS id FROM skill_related WHERE skill_id = ? \
             UNION SELECT 0, prerequisite_id FROM skill_prerequisite WHERE skill_id = ? \
             UNION SELECT 0, skill_id FROM skill_prerequisite WHERE prerequisite_id = ? \
             UNION SELECT 1, id FROM framework WHERE language_id = ?",
            id,
            4,
        ),
        Node::Framework(id) => (
            "SELECT 0 AS k, language_id AS id FROM framework WHERE id = ? \
             UNION SELECT 0, skill_id FROM framework_skill WHERE framework_id = ?",
            id,
            2,
        ),
    };
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), sql, vec![id.into(); arms]))
        .await?;
    for r in &rows {
        let k: i32 = r.try_get("", "k")?;
        let other: i64 = r.try_get("", "id")?;
        let n = if k == 1 {
            Node::Framework(other)
        } else {
            Node::Skill(other)
        };
        signals.entry(n).or_default().related = true;
    }
    let broader = shared(db, &BROADER, me, &[], None).await?;
    let own_broader = broader.own;
    for p in broader.partners {
        let s = signals.entry(p.other).or_default();
        s.shared_broader = p.shared;
        s.broader_total = p.total;
    }
    let mut keep: Vec<Node> = signals.keys().copied().collect();
    keep.sort_unstable();
    let limit = keep.len() + CO_REQUIRED_CANDIDATES;
    fn apply_roles(signals: &mut HashMap<Node, Signals>, co: &[Partner]) {
        for p in co {
            let s = signals.entry(p.other).or_default();
            s.co_roles = p.shared;
            s.roles_total = p.total;
        }
    }
    fn apply_postings(signals: &mut HashMap<Node, Signals>, co: &[Partner]) {
        for p in co {
            let s = signals.entry(p.other).or_default();
            s.co_postings = p.shared;
            s.postings_total = p.total;
        }
    }
    let co = shared(db, &ROLES, me, &keep, Some(limit)).await?;
    let mut own_roles = co.own;
    apply_roles(&mut signals, &co.partners);
    let posted = shared(db, &POSTINGS, me, &keep, Some(limit)).await?;
    let mut own_postings = posted.own;
    apply_postings(&mut signals, &posted.partners);
    let mut scored = score_all(&signals, own_broader, own_roles, own_postings);
    // A node left out of a truncated list shares at most the smallest count kept: its score is
    // at most the sum of those bounds. When the page's last score does not beat it, every
    // co-required and co-posted node is scored.
    if co.cut_at.is_some() || posted.cut_at.is_some() {
        let s_min = co.cut_at.unwrap_or(0);
        let p_min = posted.cut_at.unwrap_or(0);
        let bound = WEIGHT_CO_REQUIREMENT * jaccard(s_min, own_roles, s_min)
            + WEIGHT_POSTINGS * jaccard(p_min, own_postings, p_min);
        let last = scored.get(first - 1).map_or(f64::NEG_INFINITY, |c| c.1);
        if last <= bound {
            if co.cut_at.is_some() {
                let all = shared(db, &ROLES, me, &keep, None).await?;
                own_roles = all.own.max(own_roles);
                apply_roles(&mut signals, &all.partners);
            }
            if posted.cut_at.is_some() {
                let all = shared(db, &POSTINGS, me, &keep, None).await?;
                own_postings = all.own.max(own_postings);
                apply_postings(&mut signals, &all.partners);
            }
            scored = score_all(&signals, own_broader, own_roles, own_postings);
        }
    }
    signals.remove(&me);
    scored.retain(|c| c.0 != me);

    // Only the candidates that can make the page (ties at the cut included) are loaded, then
    // ordered by name.
    let cut = match scored.get(first - 1) {
        Some((_, s, _)) => *s,
        None => f64::NEG_INFINITY,
    };
    scored.retain(|(_, s, _)| *s >= cut);
    let models = node_models(db, scored.iter().map(|(n, _, _)| *n)).await?;
    let mut out: Vec<RelatedSkill> = scored
        .into_iter()
        .filter_map(|(n, score, components)| {
            models.get(&n).map(|m| RelatedSkill {
                node: m.clone(),
                score,
                components,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.node.name().cmp(b.node.name()))
            .then_with(|| a.node.slug().cmp(b.node.slug()))
    });
    out.truncate(first);
    Ok((me_model, out))
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
