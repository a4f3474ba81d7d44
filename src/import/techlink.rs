//! The crosswalk of O*NET technologies (Technology Skills "Example" names) to the skills already
//! in the graph — the catalog's and ESCO's — by normalised labels (see
//! [`crate::import::normalize`]), and its report for O*NET's Hot Technologies.
//!
//! Two kinds of link, by what matched:
//! - **same**: a precise label — a catalog skill's or framework's name or alias, or an ESCO
//!   skill's preferred label (with or without its qualifier in parentheses) — equals one of the
//!   technology's keys. The technology *is* that node: O*NET's edges land on it, its O*NET name
//!   becomes a precise alias, and its empty `onet_name` is filled. No duplicate node is made.
//! - **narrower**: only an ESCO *alternative* label matches ("Git" is an alternative label of
//!   "tools for software configuration management"). Alternative labels are imprecise, so the
//!   technology keeps its own node, placed under that ESCO skill by a broader link.
//!
//! Keys are tried best first (the name as given, then without vendor or kind words, then the
//! acronym, then the spelled-out name); the first key with a match decides. Several precise
//! matches on one key go to the catalog's skill, then the catalog's framework, then ESCO's
//! skill; several ESCO skills of the same rank, or several alternative-label owners, are
//! ambiguous and not linked.
use std::collections::{BTreeMap, HashMap};

use sea_orm::ConnectionTrait;

use crate::{
    db::stmt,
    error::AppResult,
    import::normalize::{label_keys, norm, tech_keys, Rule},
};

/// A node the crosswalk can link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Skill(i64),
    Framework(i64),
}

#[derive(Clone, Debug)]
struct Info {
    slug: String,
    name: String,
    /// 0 catalog skill, 1 catalog framework, 2 ESCO skill.
    rank: u8,
    esco: bool,
}

/// How one technology name resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    Same { node: Node, key: String, rule: Rule },
    Narrower { skill: i64, key: String, rule: Rule },
    Ambiguous { key: String, slugs: Vec<String> },
    Unmatched { keys: Vec<String> },
}

/// Every precise label and ESCO alternative label, by normalised key.
#[derive(Default)]
pub struct LabelIndex {
    precise: HashMap<String, Vec<Node>>,
    alternative: HashMap<String, Vec<Node>>,
    info: HashMap<Node, Info>,
}

impl LabelIndex {
    /// Loads the catalog's skills and frameworks (names and aliases), ESCO's skills (preferred
    /// labels; ESCO's skill groups left out, they name areas, not skills) and ESCO's alternative
    /// labels.
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let backend = db.get_database_backend();
        let mut idx = LabelIndex::default();
        let rows = db
            .query_all_raw(stmt(
                backend,
                "SELECT id, slug, name, source_id, esco_uri FROM skill \
                 WHERE source_id IS NULL OR (esco_uri IS NOT NULL AND kind <> 'concept')",
                vec![],
            ))
            .await?;
        for r in &rows {
            let id: i64 = r.try_get("", "id")?;
            let source: Option<i64> = r.try_get("", "source_id")?;
            let esco: Option<String> = r.try_get("", "esco_uri")?;
            let name: String = r.try_get("", "name")?;
            let node = Node::Skill(id);
            idx.info.insert(
                node,
                Info {
                    slug: r.try_get("", "slug")?,
                    name: name.clone(),
                    rank: if source.is_none() { 0 } else { 2 },
                    esco: esco.is_some(),
                },
            );
            idx.add_precise(&name, node);
        }
        let rows = db
            .query_all_raw(stmt(
                backend,
                "SELECT id, slug, name FROM framework",
                vec![],
            ))
            .await?;
        for r in &rows {
            let node = Node::Framework(r.try_get("", "id")?);
            let name: String = r.try_get("", "name")?;
            idx.info.insert(
                node,
                Info {
                    slug: r.try_get("", "slug")?,
                    name: name.clone(),
                    rank: 1,
                    esco: false,
                },
            );
            idx.add_precise(&name, node);
        }
        for (sql, skill) in [
            ("SELECT skill_id AS id, alias FROM skill_alias", true),
            (
                "SELECT framework_id AS id, alias FROM framework_alias",
                false,
            ),
        ] {
            for r in &db.query_all_raw(stmt(backend, sql, vec![])).await? {
                let id: i64 = r.try_get("", "id")?;
                let node = if skill {
                    Node::Skill(id)
                } else {
                    Node::Framework(id)
                };
                if idx.info.contains_key(&node) {
                    let alias: String = r.try_get("", "alias")?;
                    idx.add_precise(&alias, node);
                }
            }
        }
        let rows = db
            .query_all_raw(stmt(
                backend,
                "SELECT skill_id, label FROM skill_label",
                vec![],
            ))
            .await?;
        for r in &rows {
            let node = Node::Skill(r.try_get("", "skill_id")?);
            if idx.info.contains_key(&node) {
                let label: String = r.try_get("", "label")?;
                let nodes = idx.alternative.entry(norm(&label)).or_default();
                if !nodes.contains(&node) {
                    nodes.push(node);
                }
            }
        }
        Ok(idx)
    }

    fn add_precise(&mut self, label: &str, node: Node) {
        for k in label_keys(label) {
            let nodes = self.precise.entry(k).or_default();
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
    }

    /// Resolves a technology name.
    pub fn resolve(&self, name: &str) -> Resolution {
        let keys = tech_keys(name);
        for (key, rule) in &keys {
            if let Some(nodes) = self.precise.get(key) {
                let best = nodes
                    .iter()
                    .filter_map(|n| self.info.get(n).map(|i| i.rank))
                    .min()
                    .unwrap_or(u8::MAX);
                let top: Vec<Node> = nodes
                    .iter()
                    .copied()
                    .filter(|n| self.info.get(n).is_some_and(|i| i.rank == best))
                    .collect();
                return match top.as_slice() {
                    [one] => Resolution::Same {
                        node: *one,
                        key: key.clone(),
                        rule: *rule,
                    },
                    _ => Resolution::Ambiguous {
                        key: key.clone(),
                        slugs: self.slugs(&top),
                    },
                };
            }
        }
        for (key, rule) in &keys {
            if let Some(nodes) = self.alternative.get(key) {
                return match nodes.as_slice() {
                    [Node::Skill(id)] => Resolution::Narrower {
                        skill: *id,
                        key: key.clone(),
                        rule: *rule,
                    },
                    _ => Resolution::Ambiguous {
                        key: key.clone(),
                        slugs: self.slugs(nodes),
                    },
                };
            }
        }
        Resolution::Unmatched {
            keys: keys.into_iter().map(|(k, _)| k).collect(),
        }
    }

    fn slugs(&self, nodes: &[Node]) -> Vec<String> {
        let mut v: Vec<String> = nodes
            .iter()
            .filter_map(|n| self.info.get(n).map(|i| i.slug.clone()))
            .collect();
        v.sort();
        v
    }

    /// The catalog row's name, for a linked curated node (never its own alias).
    pub fn name(&self, node: Node) -> Option<&str> {
        self.info.get(&node).map(|i| i.name.as_str())
    }

    /// Whether the node is the catalog's (no source).
    pub fn is_curated(&self, node: Node) -> bool {
        self.info.get(&node).is_some_and(|i| i.rank < 2)
    }

    /// One report line for a technology.
    pub fn describe(&self, name: &str, r: &Resolution) -> (bool, String) {
        let what = |n: &Node| match self.info.get(n) {
            Some(i) => {
                let kind = match (n, i.rank, i.esco) {
                    (Node::Framework(_), ..) => "catalog framework",
                    (_, 0, true) => "catalog skill (ESCO-linked)",
                    (_, 0, false) => "catalog skill (no ESCO URI)",
                    _ => "ESCO skill",
                };
                format!("{kind} {} \"{}\"", i.slug, i.name)
            }
            None => "?".to_owned(),
        };
        match r {
            Resolution::Same { node, key, rule } => (
                true,
                format!(
                    "linked (same)      {name} → {} [key \"{key}\": {}]",
                    what(node),
                    rule.describe()
                ),
            ),
            Resolution::Narrower { skill, key, rule } => (
                true,
                format!(
                    "linked (narrower)  {name} → under {} [ESCO alternative label \"{key}\": {}]",
                    what(&Node::Skill(*skill)),
                    rule.describe()
                ),
            ),
            Resolution::Ambiguous { key, slugs } => (
                false,
                format!(
                    "not linked         {name}: ambiguous, key \"{key}\" names {}",
                    slugs.join(", ")
                ),
            ),
            Resolution::Unmatched { keys } => (
                false,
                format!(
                    "not linked         {name}: no catalog or ESCO label matches (tried \"{}\")",
                    keys.join("\", \"")
                ),
            ),
        }
    }
}

/// The Hot Technology section of the O*NET report.
#[derive(Default)]
pub struct HotReport {
    lines: BTreeMap<String, (bool, String)>,
}

impl HotReport {
    pub fn add(&mut self, name: &str, line: (bool, String)) {
        self.lines.entry(name.to_owned()).or_insert(line);
    }

    pub fn linked(&self) -> usize {
        self.lines.values().filter(|(l, _)| *l).count()
    }

    pub fn total(&self) -> usize {
        self.lines.len()
    }

    /// Linked first, then the others, each alphabetical.
    pub fn render(&self) -> String {
        let mut s = format!(
            "O*NET Hot Technologies ↔ catalog and ESCO skills: {} of {} linked, {} not linked\n",
            self.linked(),
            self.total(),
            self.total() - self.linked()
        );
        for want in [true, false] {
            for (ok, line) in self.lines.values() {
                if *ok == want {
                    s.push_str("  ");
                    s.push_str(line);
                    s.push('\n');
                }
            }
        }
        s
    }
}
