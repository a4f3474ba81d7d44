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

use sea_orm::DatabaseConnection;

use crate::store::RowSource;
use crate::{
    db::stmt,
    error::{AppError, AppResult},
    paths::{
        node::{node_models, resolve_nodes, Node, NodeModel, NodeRef},
        partners::{shared, Partner, BROADER, POSTINGS, ROLES},
    },
    store::cooccurrence::{self, Lookup, StoredEntry, StoredList},
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

/// One candidate's score and its components.
fn score_one(
    s: &Signals,
    own_broader: i64,
    own_roles: i64,
    own_postings: i64,
) -> (f64, Components) {
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
    (score, c)
}

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
            let (score, c) = score_one(s, own_broader, own_roles, own_postings);
            (*id, score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

/// The `first` skills and frameworks most related to a skill or framework, best first.
///
/// Read from the node's stored list (one statement, [`cooccurrence::read`]) when it was counted
/// at the current data version; otherwise counted ([`count_related`], the first
/// [`MAX_RELATED`], so any smaller page is a prefix of it) and stored (one statement) for the
/// next ask. Either way the scores come from the same counts through the same arithmetic.
pub async fn related_skills(
    db: &DatabaseConnection,
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
    let (kind, id) = kind_id(me_model.node());
    // A failed read (say, a replica without the table yet) only costs the shortcut.
    let lookup = cooccurrence::read(db, kind, id, first)
        .await
        .unwrap_or_else(|e| {
            tracing::debug!(error = %e.detail(), "stored related list unreadable");
            Lookup::default()
        });
    if let Some(list) = lookup.list {
        let nodes: Vec<Node> = list
            .entries
            .iter()
            .map(|e| node_of(e.other_kind, e.other_id))
            .collect();
        let models = node_models(db, nodes.iter().copied()).await?;
        let out = list
            .entries
            .iter()
            .zip(nodes)
            .filter_map(|(e, n)| {
                let (score, components) = score_one(
                    &signals_of(e),
                    list.own_broader,
                    list.own_roles,
                    list.own_postings,
                );
                models.get(&n).map(|m| RelatedSkill {
                    node: m.clone(),
                    score,
                    components,
                })
            })
            .collect();
        return Ok((me_model, out));
    }
    // Stamped with the version read before counting: a write meanwhile leaves the list stale.
    let counted = count_related(db, me_model.node(), MAX_RELATED).await?;
    let list = counted.stored();
    let writer = db.clone();
    let version = lookup.version;
    let stored =
        tokio::spawn(async move { cooccurrence::write(&writer, kind, id, version, &list).await });
    // Waited for briefly (one statement), so the next ask finds it; a SQLite writer held up
    // by an import lets this answer go and finishes in the background.
    match tokio::time::timeout(STORE_WAIT, stored).await {
        Ok(Ok(Err(e))) => tracing::debug!(error = %e.detail(), "related list not stored"),
        Ok(Err(e)) => tracing::debug!(error = %e, "related list not stored"),
        Ok(Ok(Ok(()))) | Err(_) => {}
    }
    let mut out = counted.ranked;
    out.truncate(first);
    Ok((me_model, out.into_iter().map(|(r, _)| r).collect()))
}

/// How long an answer waits for its list to be stored.
const STORE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Counts and stores the lists of the `n` skills most roles require, so their first ask reads
/// them (run after an import); how many were stored.
pub async fn refresh_most_demanded(db: &DatabaseConnection, n: usize) -> AppResult<usize> {
    let skills = cooccurrence::most_demanded_skills(db, n).await?;
    for id in &skills {
        let version = crate::store::version::data_version(db).await?;
        let counted = count_related(db, Node::Skill(*id), MAX_RELATED).await?;
        cooccurrence::write(
            db,
            cooccurrence::KIND_SKILL,
            *id,
            version,
            &counted.stored(),
        )
        .await?;
    }
    Ok(skills.len())
}

/// How many of the most demanded skills get their lists counted after an import or ingest.
pub const REFRESH_AHEAD: usize = 50;

/// After a bulk write (an import, an ingest): counts the [`REFRESH_AHEAD`] most demanded
/// skills' lists. A failure only leaves them to be counted on their first ask.
pub async fn refresh_after_write(db: &DatabaseConnection) {
    if let Err(e) = refresh_most_demanded(db, REFRESH_AHEAD).await {
        tracing::warn!(error = %e.detail(), "related lists not counted ahead");
    }
}

fn kind_id(n: Node) -> (i16, i64) {
    match n {
        Node::Skill(id) => (cooccurrence::KIND_SKILL, id),
        Node::Framework(id) => (cooccurrence::KIND_FRAMEWORK, id),
    }
}

fn node_of(kind: i16, id: i64) -> Node {
    if kind == cooccurrence::KIND_FRAMEWORK {
        Node::Framework(id)
    } else {
        Node::Skill(id)
    }
}

fn signals_of(e: &StoredEntry) -> Signals {
    Signals {
        related: e.related,
        co_postings: e.co_postings,
        postings_total: e.postings_total,
        shared_broader: e.shared_broader,
        broader_total: e.broader_total,
        co_roles: e.co_roles,
        roles_total: e.roles_total,
    }
}

/// A node's related nodes in answer order, with the counts behind each score.
struct Counted {
    own_broader: i64,
    own_roles: i64,
    own_postings: i64,
    ranked: Vec<(RelatedSkill, Signals)>,
}

impl Counted {
    fn stored(&self) -> StoredList {
        StoredList {
            own_broader: self.own_broader,
            own_roles: self.own_roles,
            own_postings: self.own_postings,
            entries: self
                .ranked
                .iter()
                .map(|(r, s)| {
                    let (other_kind, other_id) = kind_id(r.node.node());
                    StoredEntry {
                        other_kind,
                        other_id,
                        related: s.related,
                        shared_broader: s.shared_broader,
                        broader_total: s.broader_total,
                        co_roles: s.co_roles,
                        roles_total: s.roles_total,
                        co_postings: s.co_postings,
                        postings_total: s.postings_total,
                    }
                })
                .collect(),
        }
    }
}

/// Counts the `first` nodes most related to `me`, best first. At most eight statements, up to
/// twelve when the shortcut below cannot prove its answer exact.
///
/// A popular skill is co-required with thousands of others. Only the curated and sibling
/// candidates plus the [`CO_REQUIRED_CANDIDATES`] most often co-required are scored at first;
/// any other skill shares fewer roles (`s ≤ s_min`) and has no other signal, so its score is at
/// most `0.3 × s_min / own` (a Jaccard index is at most `shared / own`). When the page's last
/// score beats that bound the answer is exact; otherwise every co-required skill is scored.
async fn count_related<C: RowSource>(db: &C, me: Node, first: usize) -> AppResult<Counted> {
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
    let mut ranked: Vec<(RelatedSkill, Signals)> = scored
        .into_iter()
        .filter_map(|(n, score, components)| {
            let m = models.get(&n)?;
            let s = signals.get(&n).copied().unwrap_or_default();
            Some((
                RelatedSkill {
                    node: m.clone(),
                    score,
                    components,
                },
                s,
            ))
        })
        .collect();
    ranked.sort_by(|(a, _), (b, _)| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.node.name().cmp(b.node.name()))
            .then_with(|| a.node.slug().cmp(b.node.slug()))
    });
    ranked.truncate(first);
    Ok(Counted {
        own_broader,
        own_roles,
        own_postings,
        ranked,
    })
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
