//! Job-title normalisation: a free-text title ("Sr. Python Backend Engineer (m/f/d) – Remote")
//! → the roles it names, ranked with a score and the label that matched, and the seniority,
//! employment and location words set aside. Built on role names and aliases (the catalog's
//! titles, ESCO's alternative labels and O*NET's reported titles once imported); an imported
//! occupation equivalent to a curated role lends its labels to that role.
//!
//! Scoring, for a role label L and the title's remaining words T (set-aside words removed, but
//! kept for labels that contain them, such as "principal engineer"):
//! - every word of L in T: 0.5 + 0.45·|L|/|T|, + 0.05 when L appears as a phrase;
//! - otherwise 0.5·|L∩T|/|L∪T| (partial overlap).
//!
//! A role scores its best label; ties go to a curated role over an imported one, then to the
//! role's own label over a lent one, then to the longer label.
use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use entity::{role, role_alias, role_equivalent};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::error::{AppError, AppResult};

mod words;
pub use words::Aside;
use words::{aside, tokenize};

/// Longest title read, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Most titles in one bulk call.
pub const MAX_TITLES: usize = 100;
/// Most roles returned for one title.
pub const MAX_MATCHES: usize = 20;
/// Score from which a match names every word of its label (used to set a posting's role).
pub const CONFIDENT: f64 = 0.5;

#[derive(Clone, Debug)]
struct Label {
    role_id: i64,
    text: String,
    tokens: Vec<String>,
    /// The role's own label (not lent by an equivalent occupation).
    own: bool,
    curated: bool,
    has_aside: bool,
}

/// Every role label of one graph version, indexed by word.
pub struct TitleIndex {
    version: i64,
    labels: Vec<Label>,
    by_token: HashMap<String, Vec<usize>>,
}

/// One role a title names.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleMatch {
    pub role_id: i64,
    /// 0 to 1.
    pub score: f64,
    /// The role name or alias that matched, as stored.
    pub label: String,
}

/// A title read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Normalized {
    pub title: String,
    pub matches: Vec<RoleMatch>,
    pub seniority: Vec<String>,
    pub employment: Vec<String>,
    pub location: Vec<String>,
    pub other: Vec<String>,
}

impl TitleIndex {
    /// `roles`: (id, name, curated); `aliases`: (role id, alias); `equivalents`: (curated role,
    /// imported occupation).
    pub fn build(
        version: i64,
        roles: Vec<(i64, String, bool)>,
        aliases: Vec<(i64, String)>,
        equivalents: Vec<(i64, i64)>,
    ) -> TitleIndex {
        let curated: HashMap<i64, bool> = roles.iter().map(|(id, _, c)| (*id, *c)).collect();
        let mut lends: HashMap<i64, Vec<i64>> = HashMap::new();
        for (to, from) in equivalents {
            if to != from {
                lends.entry(from).or_default().push(to);
            }
        }
        let mut labels = Vec::new();
        let mut seen: HashSet<(i64, String)> = HashSet::new();
        let all: Vec<(i64, String, Vec<String>)> = roles
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .chain(aliases)
            .map(|(id, text)| {
                let tokens = tokenize(&text).into_iter().map(|t| t.text).collect();
                (id, text, tokens)
            })
            .collect();
        // Own labels first, so a role keeps its own label over the same one lent to it.
        let own = all
            .iter()
            .map(|(owner, text, tokens)| (*owner, text, tokens, true));
        let lent = all.iter().flat_map(|(owner, text, tokens)| {
            lends
                .get(owner)
                .into_iter()
                .flatten()
                .map(move |to| (*to, text, tokens, false))
        });
        for (role_id, text, tokens, own) in own.chain(lent) {
            if tokens.is_empty() {
                continue;
            }
            if !seen.insert((role_id, tokens.join(" "))) {
                continue;
            }
            labels.push(Label {
                role_id,
                text: text.to_owned(),
                tokens: tokens.clone(),
                own,
                curated: curated.get(&role_id).copied().unwrap_or(false),
                has_aside: tokens.iter().any(|t| aside(t).is_some()),
            });
        }
        let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            let distinct: HashSet<&String> = l.tokens.iter().collect();
            for t in distinct {
                by_token.entry(t.clone()).or_default().push(i);
            }
        }
        TitleIndex {
            version,
            labels,
            by_token,
        }
    }

    /// Reads one title; `first` roles at most, best first.
    pub fn normalize(&self, title: &str, first: usize) -> Normalized {
        // After `@` comes the company.
        let (head, company) = title.split_once('@').unwrap_or((title, ""));
        let all = tokenize(head);
        let mut out = Normalized {
            title: title.to_owned(),
            other: tokenize(company).into_iter().map(|t| t.raw).collect(),
            ..Default::default()
        };
        let full: Vec<&str> = all.iter().map(|t| t.text.as_str()).collect();
        let core: Vec<&str> = full
            .iter()
            .copied()
            .filter(|t| aside(t).is_none())
            .collect();

        let mut best: HashMap<i64, (f64, usize)> = HashMap::new();
        let mut candidates: HashSet<usize> = HashSet::new();
        for t in &full {
            if let Some(ix) = self.by_token.get(*t) {
                candidates.extend(ix.iter().copied());
            }
        }
        for i in candidates {
            let l = &self.labels[i];
            let score = score(
                &l.tokens,
                if l.has_aside { &full } else { &core },
                core.len(),
            );
            if score <= 0.0 {
                continue;
            }
            let e = best.entry(l.role_id).or_insert((score, i));
            if better((score, l), (e.0, &self.labels[e.1])) {
                *e = (score, i);
            }
        }
        let mut ranked: Vec<(f64, usize)> = best.into_values().collect();
        ranked.sort_by(|a, b| {
            let (la, lb) = (&self.labels[a.1], &self.labels[b.1]);
            if better((a.0, la), (b.0, lb)) {
                std::cmp::Ordering::Less
            } else if better((b.0, lb), (a.0, la)) {
                std::cmp::Ordering::Greater
            } else {
                la.role_id.cmp(&lb.role_id)
            }
        });
        // The words the best label used are role words, whatever else they are.
        let used: HashSet<&str> = ranked
            .first()
            .map(|(_, i)| self.labels[*i].tokens.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for t in &all {
            if used.contains(t.text.as_str()) {
                continue;
            }
            let bucket = match aside(&t.text) {
                Some(Aside::Seniority) => &mut out.seniority,
                Some(Aside::Employment) => &mut out.employment,
                Some(Aside::Location) => &mut out.location,
                Some(Aside::Other) => &mut out.other,
                None => continue,
            };
            bucket.push(t.raw.clone());
        }
        out.matches = ranked
            .into_iter()
            .take(first)
            .map(|(s, i)| RoleMatch {
                role_id: self.labels[i].role_id,
                score: (s * 1000.0).round() / 1000.0,
                label: self.labels[i].text.clone(),
            })
            .collect();
        out
    }

    /// The role a posting's title names, when a label matches in full.
    pub fn role_of(&self, title: &str) -> Option<i64> {
        self.normalize(title, 1)
            .matches
            .into_iter()
            .find(|m| m.score > CONFIDENT)
            .map(|m| m.role_id)
    }
}

/// `a` ranks before `b`.
fn better(a: (f64, &Label), b: (f64, &Label)) -> bool {
    if (a.0 - b.0).abs() > 1e-9 {
        return a.0 > b.0;
    }
    let key = |l: &Label| (l.curated, l.own, l.tokens.len());
    key(a.1) > key(b.1)
}

fn score(label: &[String], words: &[&str], core_len: usize) -> f64 {
    if words.is_empty() {
        return 0.0;
    }
    let set: HashSet<&str> = words.iter().copied().collect();
    let lset: HashSet<&str> = label.iter().map(String::as_str).collect();
    let inter = lset.iter().filter(|t| set.contains(*t)).count();
    if inter == 0 {
        return 0.0;
    }
    if inter == lset.len() {
        // Set-aside words the label uses count in the title's length.
        let extra = lset
            .iter()
            .filter(|t| aside(t).is_some() && set.contains(*t))
            .count();
        let denom = (core_len + extra).max(lset.len()) as f64;
        let phrase = words
            .windows(label.len())
            .any(|w| w.iter().copied().eq(label.iter().map(String::as_str)));
        0.5 + 0.45 * lset.len() as f64 / denom + if phrase { 0.05 } else { 0.0 }
    } else {
        let union = lset.len() + set.len() - inter;
        0.5 * inter as f64 / union as f64
    }
}

/// Loads every role label: three statements.
pub async fn load(db: &impl ConnectionTrait, version: i64) -> AppResult<TitleIndex> {
    let roles = role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name, r.source_id.is_none()))
        .collect();
    let aliases = role_alias::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.role_id, a.alias))
        .collect();
    let equivalents = role_equivalent::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.role_id, e.equivalent_id))
        .collect();
    tokio::task::spawn_blocking(move || TitleIndex::build(version, roles, aliases, equivalents))
        .await
        .map_err(|e| AppError::Internal(format!("title index build failed: {e}")))
}

/// Checks the titles of a call: not empty, not too long, not too many.
pub fn validate(titles: &[String]) -> AppResult<()> {
    if titles.len() > MAX_TITLES {
        return Err(AppError::Validation(format!(
            "at most {MAX_TITLES} titles per call, got {}",
            titles.len()
        )));
    }
    for t in titles {
        if t.trim().is_empty() {
            return Err(AppError::Validation("a title must not be empty".into()));
        }
        if t.chars().count() > MAX_TITLE_CHARS {
            return Err(AppError::Validation(format!(
                "a title may hold at most {MAX_TITLE_CHARS} characters"
            )));
        }
    }
    Ok(())
}

/// Reads titles against the graph as it is now (the index is rebuilt when the graph changes).
pub async fn normalize_all(
    db: &DatabaseConnection,
    cache: &TitleCache,
    titles: &[String],
    first: usize,
) -> AppResult<Vec<Normalized>> {
    validate(titles)?;
    let first = first.clamp(1, MAX_MATCHES);
    let index = cache.get(db).await?;
    Ok(titles
        .iter()
        .map(|t| index.normalize(t.trim(), first))
        .collect())
}

/// This instance's title index, rebuilt when the graph version moves (as the search index is).
#[derive(Default)]
pub struct TitleCache(crate::search::versioned::VersionedCache<TitleIndex>);

impl TitleCache {
    pub async fn get(&self, db: &DatabaseConnection) -> AppResult<Arc<TitleIndex>> {
        self.0
            .get(db, |db, v| async move { load(&db, v).await })
            .await
    }
}

impl crate::search::versioned::Versioned for TitleIndex {
    fn version(&self) -> i64 {
        self.version
    }
}

#[cfg(test)]
mod tests;
