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
