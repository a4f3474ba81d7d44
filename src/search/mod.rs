//! Ranked, typo-tolerant search over every name and alias of skills, frameworks and roles.
//!
//! Why in memory: the same ranking on SQLite and PostgreSQL (no pg_trgm vs. FTS5 differences),
//! and sub-millisecond answers at ESCO scale (100k+ labels). Each instance keeps an index built
//! from the labels and the `graph_version` row that database triggers bump on every change to
//! a label table; a search first reads that version (one cheap statement) and rebuilds the index
//! when another writer — a curator on any instance, an import, a seed — changed something.
pub mod versioned;

use std::{collections::HashMap, sync::Arc};

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{
    error::{AppError, AppResult},
    store::stmt,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Skill,
    Framework,
    Role,
}

/// At most this many trigram candidates, and this many prefix matches, are scored per query.
const MAX_CANDIDATES: usize = 400;
const MAX_PREFIX: usize = 500;

/// One searchable label: a name or an alias of an entity.
#[derive(Debug)]
struct Label {
    kind: Kind,
    id: i64,
    text: String,
    norm: String,
    compact: String,
    words: Vec<String>,
    alias: bool,
}

/// A ranked result: the entity, its score in (0, 1], and the label that matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    pub score: f64,
    pub label: String,
    pub alias: bool,
}

pub struct Index {
    version: i64,
    labels: Vec<Label>,
    grams: HashMap<u64, Vec<u32>>,
    /// Labels by their compact form (no spaces), sorted: exact and prefix matches by binary search.
    sorted: Vec<(String, u32)>,
    /// Each entity's name, for tie-breaks.
    names: HashMap<(Kind, i64), String>,
}

/// The per-instance index, rebuilt when the database's graph version moves.
#[derive(Default)]
pub struct SearchCache(crate::search::versioned::VersionedCache<Index>);

/// Lowercase words of letters and digits; `+` and `#` are kept (C++, C#), the rest separates.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() || ch == '+' || ch == '#' {
            out.push(ch);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn gram_key(a: char, b: char, c: char) -> u64 {
    ((a as u64) << 42) | ((b as u64) << 21) | (c as u64)
}

/// Trigrams of each word padded as "  word ", as pg_trgm does.
fn trigrams(norm: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for w in norm.split(' ').filter(|w| !w.is_empty()) {
        let chars: Vec<char> = [' ', ' ']
            .into_iter()
            .chain(w.chars())
            .chain([' '])
            .collect();
        for win in chars.windows(3) {
            out.push(gram_key(win[0], win[1], win[2]));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn similarity(a: &str, b: &str) -> f64 {
    let d = strsim::damerau_levenshtein(a, b) as f64;
    let len = a.chars().count().max(b.chars().count()).max(1) as f64;
    1.0 - d / len
}

/// How well a label matches the query, 0 when it does not.
fn score(q_norm: &str, q_compact: &str, q_grams: &[u64], label: &Label, shared: usize) -> f64 {
    let qlen = q_compact.chars().count().max(1) as f64;
    let llen = label.compact.chars().count().max(1) as f64;
    let mut s: f64 = 0.0;
    if label.norm == q_norm || label.compact == q_compact {
        s = 1.0;
    } else if label.compact.starts_with(q_compact) {
        s = 0.75 + 0.2 * (qlen / llen);
    } else if label.words.iter().any(|w| w.starts_with(q_norm)) {
        s = 0.6 + 0.2 * (qlen / llen);
    } else if q_compact.chars().count() >= 4 {
        // Typos: the whole label, or one of its words, a small edit away.
        let close = |a: &str, b: &str| a.len().abs_diff(b.len()) <= 3;
        let whole = if close(q_compact, &label.compact) {
            similarity(q_compact, &label.compact)
        } else {
            0.0
        };
        let word = label
            .words
            .iter()
            .filter(|w| close(q_norm, w))
            .map(|w| similarity(q_norm, w))
            .fold(0.0, f64::max);
        let tolerance = if qlen >= 8.0 { 0.7 } else { 0.6 };
        if whole >= tolerance {
            s = 0.7 * whole;
        }
        if word >= tolerance {
            s = s.max(0.55 * word);
        }
    }
    if s == 0.0 && label.compact.contains(q_compact) && qlen >= 3.0 {
        s = 0.45 + 0.1 * (qlen / llen);
    }
    if s == 0.0 && !q_grams.is_empty() {
        // Trigram overlap as the last resort, for longer multi-word queries.
        let jaccard = shared as f64
            / (q_grams.len() as f64 + (label.words.len() * 3) as f64 - shared as f64).max(1.0);
        if jaccard >= 0.4 {
            s = 0.5 * jaccard;
        }
    }
    if label.alias {
        // A name outranks an alias that matches as well.
        s *= 0.98;
    }
    s
}

impl Index {
    fn build(version: i64, rows: Vec<(Kind, i64, String, bool)>) -> Index {
        let mut labels = Vec::with_capacity(rows.len());
        let mut grams: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut names = HashMap::new();
        for (kind, id, text, alias) in rows {
            let norm = normalize(&text);
            if norm.is_empty() {
                continue;
            }
            let idx = labels.len() as u32;
            for g in trigrams(&norm) {
                grams.entry(g).or_default().push(idx);
            }
            if !alias {
                names.insert((kind, id), text.clone());
            }
            labels.push(Label {
                kind,
                id,
                compact: norm.replace(' ', ""),
                words: norm.split(' ').map(str::to_owned).collect(),
                norm,
                text,
                alias,
            });
        }
        let mut sorted: Vec<(String, u32)> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.compact.clone(), i as u32))
            .collect();
        sorted.sort_unstable();
        Index {
            version,
            labels,
            grams,
            sorted,
            names,
        }
    }

    /// An index over given labels (kind, id, text, is_alias), for benchmarks.
    pub fn build_for_bench(rows: Vec<(Kind, i64, String, bool)>) -> Index {
        Index::build(0, rows)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The best `limit` entities of the given kinds for a query.
    pub fn search(&self, query: &str, kinds: &[Kind], limit: usize) -> Vec<Hit> {
        let q_norm = normalize(query);
        if q_norm.is_empty() || limit == 0 {
            return Vec::new();
        }
        let q_compact = q_norm.replace(' ', "");
        let q_grams = trigrams(&q_norm);
        // Exact and prefix matches: a range of the sorted compact labels.
        let start = self
            .sorted
            .partition_point(|(c, _)| c.as_str() < q_compact.as_str());
        let mut shared: Vec<(u32, usize)> = self.sorted[start..]
            .iter()
            .take_while(|(c, _)| c.starts_with(q_compact.as_str()))
            .take(MAX_PREFIX)
            .map(|(_, i)| (*i, q_grams.len()))
            .collect();
        // Word prefixes and typos: labels sharing trigrams with the query, counted in a dense
        // array. Trigrams found in a large share of all labels say little and are skipped
        // (unless every trigram of the query is that common: then its rarest ones are used).
        let mut lists: Vec<&Vec<u32>> = q_grams.iter().filter_map(|g| self.grams.get(g)).collect();
        lists.sort_by_key(|l| l.len());
        let common = (self.labels.len() / 20).max(2_000);
        let informative = lists
            .iter()
            .filter(|l| l.len() <= common)
            .count()
            .max(3.min(lists.len()));
        lists.truncate(informative);
        let mut counts = vec![0u16; self.labels.len()];
        let mut touched: Vec<u32> = Vec::new();
        for list in &lists {
            for &i in list.iter() {
                let c = &mut counts[i as usize];
                if *c == 0 {
                    touched.push(i);
                }
                *c = c.saturating_add(1);
            }
        }
        // A match shares a good part of the query's (informative) trigrams; only the
        // best-sharing candidates are scored, which bounds the work at any scale.
        let min_shared = (lists.len() * 3).div_ceil(10).max(1) as u16;
        touched.retain(|&i| counts[i as usize] >= min_shared);
        if touched.len() > MAX_CANDIDATES {
            touched.select_nth_unstable_by(MAX_CANDIDATES, |a, b| {
                counts[*b as usize].cmp(&counts[*a as usize])
            });
            touched.truncate(MAX_CANDIDATES);
        }
        shared.extend(
            touched
                .into_iter()
                .map(|i| (i, counts[i as usize] as usize)),
        );
        let mut best: HashMap<(Kind, i64), (f64, u32)> = HashMap::new();
        for (i, n) in shared {
            let label = &self.labels[i as usize];
            if !kinds.contains(&label.kind) {
                continue;
            }
            let s = score(&q_norm, &q_compact, &q_grams, label, n);
            if s <= 0.0 {
                continue;
            }
            let key = (label.kind, label.id);
            let better = best.get(&key).is_none_or(|(bs, bi)| {
                s > *bs || (s == *bs && !label.alias && self.labels[*bi as usize].alias)
            });
            if better {
                best.insert(key, (s, i));
            }
        }
        let mut hits: Vec<Hit> = best
            .into_values()
            .map(|(score, i)| {
                let l = &self.labels[i as usize];
                Hit {
                    kind: l.kind,
                    id: l.id,
                    score,
                    label: l.text.clone(),
                    alias: l.alias,
                }
            })
            .collect();
        let name = |h: &Hit| {
            self.names
                .get(&(h.kind, h.id))
                .map(String::as_str)
                .unwrap_or("")
        };
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| name(a).cmp(name(b)))
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.id.cmp(&b.id))
        });
        hits.truncate(limit);
        for h in &mut hits {
            h.score = (h.score * 1000.0).round() / 1000.0;
        }
        hits
    }
}

pub async fn version(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT version FROM graph_version WHERE id = 1",
            vec![],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "version")?,
        None => 0,
    })
}

async fn load(db: &DatabaseConnection, version: i64) -> AppResult<Index> {
    let sql = "SELECT 's' AS k, id AS eid, name AS label, 0 AS alias FROM skill \
               UNION ALL SELECT 's', skill_id, alias, 1 FROM skill_alias \
               UNION ALL SELECT 's', l.skill_id, l.label, 1 FROM skill_label l \
               JOIN skill s ON s.id = l.skill_id AND s.source_id IS NOT NULL \
               UNION ALL SELECT 'f', id, name, 0 FROM framework \
               UNION ALL SELECT 'f', framework_id, alias, 1 FROM framework_alias \
               UNION ALL SELECT 'r', id, name, 0 FROM role \
               UNION ALL SELECT 'r', role_id, alias, 1 FROM role_alias";
    let rows = db
        .query_all_raw(stmt(db.get_database_backend(), sql, vec![]))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let k: String = r.try_get("", "k")?;
        let kind = match k.as_str() {
            "s" => Kind::Skill,
            "f" => Kind::Framework,
            _ => Kind::Role,
        };
        let alias: i32 = r.try_get("", "alias")?;
        out.push((
            kind,
            r.try_get("", "eid")?,
            r.try_get("", "label")?,
            alias != 0,
        ));
    }
    // The build is CPU work (1.6 s at ESCO scale): off the async workers.
    tokio::task::spawn_blocking(move || Index::build(version, out))
        .await
        .map_err(|e| AppError::Internal(format!("search index build failed: {e}")))
}

impl SearchCache {
    /// The index as of the database's current graph version (see `versioned`).
    pub async fn index(&self, db: &DatabaseConnection) -> AppResult<Arc<Index>> {
        self.0
            .get(db, |db, v| async move { load(&db, v).await })
            .await
    }

    /// How many times it was built.
    pub fn rebuilds(&self) -> u64 {
        self.0.rebuilds()
    }
}

impl crate::search::versioned::Versioned for Index {
    fn version(&self) -> i64 {
        self.version
    }
}

pub async fn search(
    db: &DatabaseConnection,
    cache: &SearchCache,
    query: &str,
    kinds: &[Kind],
    limit: usize,
) -> AppResult<Vec<Hit>> {
    let idx = cache.index(db).await?;
    Ok(idx.search(query, kinds, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx() -> Index {
        let rows = vec![
            (Kind::Framework, 1, "Django".to_owned(), false),
            (Kind::Framework, 2, "Node.js".to_owned(), false),
            (Kind::Framework, 2, "node".to_owned(), true),
            (Kind::Framework, 3, "Ruby on Rails".to_owned(), false),
            (Kind::Framework, 3, "ror".to_owned(), true),
            (Kind::Skill, 10, "PostgreSQL".to_owned(), false),
            (Kind::Skill, 10, "postgres".to_owned(), true),
            (Kind::Skill, 11, "Kubernetes".to_owned(), false),
            (Kind::Skill, 11, "k8s".to_owned(), true),
            (Kind::Skill, 12, "C++".to_owned(), false),
            (Kind::Skill, 13, "C#".to_owned(), false),
            (
                Kind::Skill,
                14,
                "Python (computer programming)".to_owned(),
                false,
            ),
            (Kind::Role, 20, "Back-End Developer".to_owned(), false),
        ];
        Index::build(1, rows)
    }

    const ALL: &[Kind] = &[Kind::Skill, Kind::Framework, Kind::Role];

    fn top(q: &str) -> (Kind, i64) {
        let h = idx().search(q, ALL, 5);
        let first = h.first().unwrap_or_else(|| panic!("no hit for {q}"));
        (first.kind, first.id)
    }

    #[test]
    fn finds_names_aliases_prefixes_and_typos() {
        assert_eq!(top("djnago"), (Kind::Framework, 1));
        assert_eq!(top("Django"), (Kind::Framework, 1));
        assert_eq!(top("postgres"), (Kind::Skill, 10));
        assert_eq!(top("node"), (Kind::Framework, 2));
        assert_eq!(top("nodejs"), (Kind::Framework, 2));
        assert_eq!(top("ror"), (Kind::Framework, 3));
        assert_eq!(top("k8s"), (Kind::Skill, 11));
        assert_eq!(top("c++"), (Kind::Skill, 12));
        assert_eq!(top("c#"), (Kind::Skill, 13));
        assert_eq!(top("pyhton"), (Kind::Skill, 14));
        assert_eq!(top("backend developer"), (Kind::Role, 20));
        assert!(idx().search("zzzzzz", ALL, 5).is_empty());
        assert!(idx().search("django", &[Kind::Skill], 5).is_empty());
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("  Node.JS  "), "node js");
        assert_eq!(normalize("C++/C#"), "c++ c#");
    }
}
