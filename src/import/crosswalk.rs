//! The crosswalk between imported concepts and the rows already in the graph.
//!
//! Matching rule: an external concept is the same as a row whose key column holds its key —
//! ESCO URI ↔ `esco_uri` (skills, skill groups, occupations), O*NET technology name ↔
//! `onet_name` (frameworks first, then skills), O*NET-SOC code ↔ `onet_soc_code` (roles), O*NET
//! content-model element id ↔ `onet_element_id`. Keys compare exactly (after trimming). A key
//! held by several catalog rows links all of them. What a match may change depends on who wrote
//! the row: curated rows and other sources' rows keep slug, name, kind and description and are
//! only enriched (aliases, relations, empty fields filled); rows a release of the same source
//! wrote are updated in place.
//!
//! The O*NET technology crosswalk does not depend on the import order: an ESCO import ends by
//! resolving again the technologies O*NET imported before it ([`relink_technologies`]).
//!
//! Roles are the exception ([`Link::Equivalent`]): an imported occupation never writes into a
//! curated role. It stays its own role, and a `role_equivalent` edge (with the key it shares and
//! its source) links the curated role to it; its requirements are evidence for the curated
//! role's requirements, never new requirements of it.
use std::collections::{BTreeMap, HashMap};

use sea_orm::ConnectionTrait;

use crate::{
    db::stmt,
    error::AppResult,
    import::{
        batch::{Batch, Upsert},
        session::Session,
        slug::slugify,
        techlink::{LabelIndex, Node as TechNode, Resolution},
    },
};

/// Who wrote a row, as an import sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The curated catalog or a curator (no source).
    Curated,
    /// A release of the source being imported.
    Family,
    /// Another source.
    Other,
}

#[derive(Clone, Debug)]
pub struct Target {
    pub id: i64,
    pub owner: Owner,
    /// Name of a curated row (to avoid adding it as its own alias); none for imported rows.
    pub name: Option<String>,
}

/// How a key held by a curated row links the imported concept to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The concept is the curated row (skills): it enriches it.
    Merge,
    /// The concept stays its own row, linked to the curated one (roles).
    Equivalent,
}

/// Natural key → the rows holding it, plus what the report needs about curated rows.
pub struct KeyMap {
    /// How the report names this crosswalk, e.g. "catalog skills ↔ ESCO skills (esco_uri)".
    pub title: String,
    map: HashMap<String, Vec<Target>>,
    /// Curated rows holding a key: key → slugs.
    curated: BTreeMap<String, Vec<String>>,
    /// Curated keys met in this import → the external label.
    matched: BTreeMap<String, String>,
    /// Curated rows holding a key, by key (only with [`Link::Equivalent`]).
    curated_ids: HashMap<String, Vec<i64>>,
}

impl KeyMap {
    /// Loads `key_col → id` of `table` (only ids and keys, plus slug and name of curated rows).
    pub async fn load(
        db: &impl ConnectionTrait,
        title: &str,
        table: &str,
        key_col: &str,
        family: &[i64],
        has_source: bool,
        link: Link,
    ) -> AppResult<Self> {
        let source = if has_source { "source_id" } else { "NULL" };
        let sql = format!(
            "SELECT id, {key_col} AS k, {source} AS source_id, \
             CASE WHEN {source} IS NULL THEN slug END AS slug, \
             CASE WHEN {source} IS NULL THEN name END AS name \
             FROM {table} WHERE {key_col} IS NOT NULL ORDER BY id"
        );
        let rows = db
            .query_all_raw(stmt(db.get_database_backend(), &sql, vec![]))
            .await?;
        let mut km = KeyMap {
            title: title.to_owned(),
            map: HashMap::with_capacity(rows.len()),
            curated: BTreeMap::new(),
            matched: BTreeMap::new(),
            curated_ids: HashMap::new(),
        };
        for r in &rows {
            let id: i64 = r.try_get("", "id")?;
            let key: String = r.try_get("", "k")?;
            let key = key.trim().to_owned();
            let source_id: Option<i64> = r.try_get("", "source_id")?;
            let owner = match source_id {
                None => Owner::Curated,
                Some(s) if family.contains(&s) => Owner::Family,
                Some(_) => Owner::Other,
            };
            let name: Option<String> = r.try_get("", "name")?;
            if owner == Owner::Curated {
                let slug: Option<String> = r.try_get("", "slug")?;
                km.curated
                    .entry(key.clone())
                    .or_default()
                    .push(slug.unwrap_or_default());
                if link == Link::Equivalent {
                    km.curated_ids.entry(key).or_default().push(id);
                    continue;
                }
            }
            km.map
                .entry(key)
                .or_default()
                .push(Target { id, owner, name });
        }
        Ok(km)
    }

    pub fn get(&self, key: &str) -> Option<&[Target]> {
        self.map.get(key).map(Vec::as_slice)
    }

    /// Records a row this import created.
    pub fn insert_new(&mut self, key: String, id: i64) {
        self.map.entry(key).or_default().push(Target {
            id,
            owner: Owner::Family,
            name: None,
        });
    }

    /// Links `key` to a row found by another rule (the normalised crosswalk).
    pub fn link(&mut self, key: String, target: Target) {
        self.map.entry(key).or_default().push(target);
    }

    /// Notes that the import met `key` (labelled `label` in the source).
    pub fn met(&mut self, key: &str, label: &str) {
        if self.curated.contains_key(key) && !self.matched.contains_key(key) {
            self.matched.insert(key.to_owned(), label.to_owned());
        }
    }

    /// (curated role, imported role) pairs sharing a key met in this import
    /// ([`Link::Equivalent`] only).
    pub fn equivalents(&self) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for (key, curated) in &self.curated_ids {
            if !self.matched.contains_key(key) {
                continue;
            }
            for t in self.map.get(key).map(Vec::as_slice).unwrap_or_default() {
                if t.owner == Owner::Family {
                    out.extend(curated.iter().map(|&c| (c, t.id)));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// What was linked and what was not, for the report.
    pub fn section(&self) -> CrosswalkSection {
        let mut linked = Vec::new();
        let mut unlinked = Vec::new();
        for (key, slugs) in &self.curated {
            for slug in slugs {
                match self.matched.get(key) {
                    Some(label) => linked.push(format!("{slug} ↔ {label} ({key})")),
                    None => unlinked.push(format!("{slug} ({key})")),
                }
            }
        }
        CrosswalkSection {
            title: self.title.clone(),
            linked,
            unlinked,
        }
    }
}

/// One crosswalk of the report: catalog rows with a key, linked or not.
#[derive(Clone, Debug, Default)]
pub struct CrosswalkSection {
    pub title: String,
    pub linked: Vec<String>,
    pub unlinked: Vec<String>,
}

/// Writes the `role_equivalent` edges of the occupations met: curated role → imported role,
/// with the key they share (`via`) and the source.
pub async fn write_equivalents(
    s: &mut Session<'_>,
    roles: &KeyMap,
    via: &'static str,
) -> AppResult<()> {
    let mut batch: Batch<(i64, i64)> = Batch::new(
        Upsert {
            table: "role_equivalent",
            cols: &["role_id", "equivalent_id", "via", "source_id", "created_at"],
            conflict: &["role_id", "equivalent_id"],
            always: &[],
            owned: &["via", "source_id"],
            returning: None,
        },
        &s.family,
    );
    let now = chrono::Utc::now();
    let pairs = roles.equivalents();
    s.tracker.read("role_equivalent", pairs.len() as u64);
    for (curated, imported) in pairs {
        let row = vec![
            curated.into(),
            imported.into(),
            via.into(),
            s.source_id.into(),
            now.into(),
        ];
        batch.add(&s.txn, (curated, imported), row).await?;
    }
    batch.flush(&s.txn).await?;
    s.tracker
        .wrote("role_equivalent", batch.attempted, batch.affected);
    Ok(())
}

/// Edge tables that name a skill: (table, skill column, the other key columns).
const SKILL_EDGES: &[(&str, &str, &[&str])] = &[
    ("role_skill", "skill_id", &["role_id"]),
    ("role_skill_choice", "skill_id", &["role_id"]),
    ("posting_skill", "skill_id", &["posting_id"]),
    ("framework_skill", "skill_id", &["framework_id"]),
    ("skill_alias", "skill_id", &["alias"]),
    ("skill_label", "skill_id", &["label"]),
    ("skill_broader", "skill_id", &["broader_id"]),
    ("skill_broader", "broader_id", &["skill_id"]),
    ("skill_prerequisite", "skill_id", &["prerequisite_id"]),
    ("skill_prerequisite", "prerequisite_id", &["skill_id"]),
    ("skill_related", "skill_id", &["related_id"]),
    ("skill_related", "related_id", &["skill_id"]),
];

/// An O*NET technology that became a skill of its own because nothing matched it then.
struct Technology {
    id: i64,
    onet_name: String,
    source_id: i64,
}

/// The crosswalk of O*NET technologies, run again at the end of an ESCO import so that the
/// links do not depend on the import order. O*NET links a technology to an ESCO skill when
/// ESCO is there (see [`crate::import::techlink`]); imported first, its technologies that only
/// an ESCO label names became skills of their own. Once ESCO is in, each such technology is
/// resolved again: a precise match merges it into the ESCO skill (its edges move there, its
/// O*NET name becomes an alias and fills `onet_name`, the duplicate row goes, and the ESCO
/// skill takes the slug it would have had), an alternative-label match places it under the
/// ESCO skill — what importing ESCO first gives. Returns (merged, placed under).
pub async fn relink_technologies(s: &mut Session<'_>) -> AppResult<(usize, usize)> {
    let backend = s.txn.get_database_backend();
    let rows = s
        .txn
        .query_all_raw(stmt(
            backend,
            "SELECT k.id, k.onet_name, k.source_id FROM skill k JOIN source so ON so.id = k.source_id \
             WHERE so.name = 'onet' AND k.kind = 'tool' AND k.esco_uri IS NULL \
             AND k.onet_name IS NOT NULL ORDER BY k.id",
            vec![],
        ))
        .await?;
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let mut techs = Vec::with_capacity(rows.len());
    for r in &rows {
        techs.push(Technology {
            id: r.try_get("", "id")?,
            onet_name: r.try_get("", "onet_name")?,
            source_id: r.try_get("", "source_id")?,
        });
    }
    let index = LabelIndex::load(&s.txn).await?;
    let now = chrono::Utc::now();
    let (mut merged, mut placed) = (0, 0);
    for t in &techs {
        match index.resolve(&t.onet_name) {
            Resolution::Same {
                node: TechNode::Skill(target),
                ..
            } if target != t.id && !index.is_curated(TechNode::Skill(target)) => {
                merge_skill(s, t, target, now).await?;
                merged += 1;
            }
            Resolution::Narrower { skill, .. } if skill != t.id => {
                let n = s
                    .txn
                    .execute_raw(stmt(
                        backend,
                        "INSERT INTO skill_broader (skill_id, broader_id, source_id, created_at) \
                         VALUES (?, ?, ?, ?) ON CONFLICT (skill_id, broader_id) DO NOTHING",
                        vec![t.id.into(), skill.into(), t.source_id.into(), now.into()],
                    ))
                    .await?
                    .rows_affected();
                s.tracker.wrote("skill_broader", 1, n);
                placed += usize::from(n > 0);
            }
            _ => {}
        }
    }
    if merged + placed > 0 {
        s.extra.push(format!(
            "O*NET technologies imported before ESCO, linked now: {merged} merged into the \
             ESCO skill of the same name, {placed} placed under an ESCO skill\n"
        ));
    }
    Ok((merged, placed))
}

/// Merges technology `t` into skill `target`: every edge moves (a duplicate edge is dropped),
/// the technology's name becomes an alias, empty fields are filled, the row is deleted and
/// `target` takes its base slug when that is now free.
async fn merge_skill(
    s: &mut Session<'_>,
    t: &Technology,
    target: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let backend = s.txn.get_database_backend();
    for (table, col, others) in SKILL_EDGES {
        let same: Vec<String> = others
            .iter()
            .map(|o| format!("x.{o} = {table}.{o}"))
            .collect();
        let sql = format!(
            "UPDATE {table} SET {col} = ? WHERE {col} = ? AND NOT EXISTS \
             (SELECT 1 FROM {table} x WHERE x.{col} = ? AND {})",
            same.join(" AND ")
        );
        s.txn
            .execute_raw(stmt(
                backend,
                &sql,
                vec![target.into(), t.id.into(), target.into()],
            ))
            .await?;
        s.txn
            .execute_raw(stmt(
                backend,
                &format!("DELETE FROM {table} WHERE {col} = ?"),
                vec![t.id.into()],
            ))
            .await?;
    }
    // The O*NET name is a precise name of the skill, unless it is its name already.
    s.txn
        .execute_raw(stmt(
            backend,
            "INSERT INTO skill_alias (skill_id, alias, source_id, created_at) \
             SELECT k.id, ?, ?, ? FROM skill k WHERE k.id = ? AND LOWER(k.name) <> LOWER(?) \
             ON CONFLICT (skill_id, alias) DO NOTHING",
            vec![
                t.onet_name.clone().into(),
                t.source_id.into(),
                now.into(),
                target.into(),
                t.onet_name.clone().into(),
            ],
        ))
        .await?;
    let slug_row = s
        .txn
        .query_one_raw(stmt(
            backend,
            "SELECT k.slug, k.name FROM skill k WHERE k.id = ?",
            vec![target.into()],
        ))
        .await?;
    s.txn
        .execute_raw(stmt(
            backend,
            "UPDATE skill SET onet_name = COALESCE(onet_name, ?), \
             description = COALESCE(description, (SELECT d.description FROM skill d WHERE d.id = ?)) \
             WHERE id = ?",
            vec![t.onet_name.clone().into(), t.id.into(), target.into()],
        ))
        .await?;
    s.txn
        .execute_raw(stmt(
            backend,
            "DELETE FROM skill WHERE id = ?",
            vec![t.id.into()],
        ))
        .await?;
    s.tracker.wrote("skill", 1, 1);
    // The slug the skill would have had, had the technology not taken it first.
    if let Some(r) = slug_row {
        let slug: String = r.try_get("", "slug")?;
        let name: String = r.try_get("", "name")?;
        let base = slugify(&name);
        if slug != base && slug.starts_with(&format!("{base}-")) {
            s.txn
                .execute_raw(stmt(
                    backend,
                    "UPDATE skill SET slug = ? WHERE id = ? \
                     AND NOT EXISTS (SELECT 1 FROM skill o WHERE o.slug = ?)",
                    vec![base.clone().into(), target.into(), base.into()],
                ))
                .await?;
        }
    }
    Ok(())
}
