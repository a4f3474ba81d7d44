//! Writing the concepts a source file names (skills, roles): new ones inserted with a fresh
//! slug, known ones updated or only enriched depending on who wrote them (see
//! [`crate::import::crosswalk`]), and their aliases added — all in batches.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Value};

use crate::{
    error::AppResult,
    import::{
        batch::{Batch, Family, UpdateMode, Updates, Upsert},
        crosswalk::{KeyMap, Owner},
        report::Tracker,
        slug::Slugs,
    },
};

/// Where and how one kind of concept is written, keyed by one natural key column.
pub struct ConceptSpec {
    pub table: &'static str,
    /// Columns of an insert: `slug, name, …fields…, source_id, created_at, updated_at`.
    pub insert_cols: &'static [&'static str],
    /// `id, <key column> AS k`.
    pub returning: &'static str,
    /// Columns rewritten on rows of the same source (the last must be `source_id`).
    pub replace_cols: &'static [&'static str],
    /// Columns filled when empty on curated rows and other sources' rows.
    pub fill_cols: &'static [&'static str],
    pub alias_table: &'static str,
    pub alias_cols: &'static [&'static str],
    pub alias_conflict: &'static [&'static str],
    /// Where a source's alternative labels go when they are not precise names (`skill_label`:
    /// kept for search, never used by the crosswalk or extraction); none: with the aliases.
    pub label_table: Option<&'static str>,
}

const SKILL_INSERT: &[&str] = &[
    "slug",
    "name",
    "kind",
    "description",
    "esco_uri",
    "onet_name",
    "onet_element_id",
    "reuse_level",
    "source_id",
    "created_at",
    "updated_at",
];
const SKILL_REPLACE: &[&str] = &["name", "kind", "description", "reuse_level", "source_id"];
const SKILL_FILL: &[&str] = &["description", "reuse_level"];
const SKILL_ALIAS: &[&str] = &["skill_id", "alias", "source_id", "created_at"];
const SKILL_LABEL: &[&str] = &["skill_id", "label", "source_id", "created_at"];

const ROLE_INSERT: &[&str] = &[
    "slug",
    "name",
    "description",
    "esco_uri",
    "onet_soc_code",
    "isco_code",
    "source_id",
    "created_at",
    "updated_at",
];
const ROLE_REPLACE: &[&str] = &["name", "description", "isco_code", "source_id"];
const ROLE_FILL: &[&str] = &["description", "isco_code"];
const ROLE_ALIAS: &[&str] = &["role_id", "alias", "source_id", "created_at"];

macro_rules! skill_spec {
    ($name:ident, $key:literal) => {
        pub const $name: ConceptSpec = ConceptSpec {
            table: "skill",
            insert_cols: SKILL_INSERT,
            returning: concat!("id, ", $key, " AS k"),
            replace_cols: SKILL_REPLACE,
            fill_cols: SKILL_FILL,
            alias_table: "skill_alias",
            alias_cols: SKILL_ALIAS,
            alias_conflict: &["skill_id", "alias"],
            label_table: Some("skill_label"),
        };
    };
}
macro_rules! role_spec {
    ($name:ident, $key:literal) => {
        pub const $name: ConceptSpec = ConceptSpec {
            table: "role",
            insert_cols: ROLE_INSERT,
            returning: concat!("id, ", $key, " AS k"),
            replace_cols: ROLE_REPLACE,
            fill_cols: ROLE_FILL,
            alias_table: "role_alias",
            alias_cols: ROLE_ALIAS,
            alias_conflict: &["role_id", "alias"],
            label_table: None,
        };
    };
}
skill_spec!(SKILL_BY_ESCO_URI, "esco_uri");
skill_spec!(SKILL_BY_ONET_NAME, "onet_name");
skill_spec!(SKILL_BY_ONET_ELEMENT, "onet_element_id");
role_spec!(ROLE_BY_ESCO_URI, "esco_uri");
role_spec!(ROLE_BY_ONET_SOC, "onet_soc_code");

/// A skill as a source describes it.
pub struct SkillFields<'a> {
    pub kind: &'a str,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    pub onet_element_id: Option<String>,
    pub reuse_level: Option<String>,
}

/// A role as a source describes it.
pub struct RoleFields {
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_soc_code: Option<String>,
    pub isco_code: Option<String>,
}

/// One concept met in a source file.
pub struct Concept {
    pub key: String,
    pub name: String,
    /// Insert values between `name` and `source_id`.
    fields: Vec<Value>,
    replace: Vec<Value>,
    fill: Vec<Value>,
    pub aliases: Vec<String>,
}

impl Concept {
    pub fn skill(
        key: String,
        name: String,
        f: SkillFields<'_>,
        aliases: Vec<String>,
        source_id: i64,
    ) -> Self {
        let fields = vec![
            f.kind.into(),
            Value::String(f.description.clone()),
            Value::String(f.esco_uri),
            Value::String(f.onet_name),
            Value::String(f.onet_element_id),
            Value::String(f.reuse_level.clone()),
        ];
        Concept {
            key,
            replace: vec![
                name.clone().into(),
                f.kind.into(),
                Value::String(f.description.clone()),
                Value::String(f.reuse_level.clone()),
                source_id.into(),
            ],
            fill: vec![Value::String(f.description), Value::String(f.reuse_level)],
            name,
            fields,
            aliases,
        }
    }

    pub fn role(
        key: String,
        name: String,
        f: RoleFields,
        aliases: Vec<String>,
        source_id: i64,
    ) -> Self {
        let fields = vec![
            Value::String(f.description.clone()),
            Value::String(f.esco_uri),
            Value::String(f.onet_soc_code),
            Value::String(f.isco_code.clone()),
        ];
        Concept {
            key,
            replace: vec![
                name.clone().into(),
                Value::String(f.description.clone()),
                Value::String(f.isco_code.clone()),
                source_id.into(),
            ],
            fill: vec![Value::String(f.description), Value::String(f.isco_code)],
            name,
            fields,
            aliases,
        }
    }
}

/// Writes the concepts of one kind, in batches.
pub struct ConceptWriter {
    spec: &'static ConceptSpec,
    source_id: i64,
    now: DateTime<Utc>,
    inserts: Batch<String>,
    replace: Updates,
    fill: Updates,
    aliases: Batch<(i64, String)>,
    /// Imprecise labels, when the spec keeps them apart.
    labels: Option<Batch<(i64, String)>>,
    /// Names and aliases of rows waiting for their id.
    pending: HashMap<String, (String, Vec<String>)>,
}

impl ConceptWriter {
    pub fn new(spec: &'static ConceptSpec, source_id: i64, family: &Family) -> Self {
        ConceptWriter {
            spec,
            source_id,
            now: Utc::now(),
            inserts: Batch::new(
                Upsert {
                    table: spec.table,
                    cols: spec.insert_cols,
                    conflict: &[],
                    always: &[],
                    owned: &[],
                    returning: Some(spec.returning),
                },
                family,
            ),
            replace: Updates::new(spec.table, spec.replace_cols, UpdateMode::Replace, family),
            fill: Updates::new(spec.table, spec.fill_cols, UpdateMode::Fill, family),
            aliases: Batch::new(
                Upsert {
                    table: spec.alias_table,
                    cols: spec.alias_cols,
                    conflict: spec.alias_conflict,
                    always: &[],
                    owned: &["source_id"],
                    returning: None,
                },
                family,
            ),
            labels: spec.label_table.map(|table| {
                Batch::new(
                    Upsert {
                        table,
                        cols: SKILL_LABEL,
                        conflict: &["skill_id", "label"],
                        always: &[],
                        owned: &["source_id"],
                        returning: None,
                    },
                    family,
                )
            }),
            pending: HashMap::new(),
        }
    }

    /// Writes (or queues) one concept; a new one gets its id in `map` when its batch is
    /// written ([`Self::flush`] forces that).
    pub async fn add(
        &mut self,
        db: &impl ConnectionTrait,
        map: &mut KeyMap,
        slugs: &mut Slugs,
        tracker: &mut Tracker,
        c: Concept,
    ) -> AppResult<()> {
        tracker.read(self.spec.table, 1);
        if self.pending.contains_key(&c.key) {
            // The same concept twice in the file: its insert must land before it is met again.
            self.flush_inserts(db, map, tracker).await?;
        }
        map.met(&c.key, &c.name);
        if let Some(targets) = map.get(&c.key) {
            for t in targets {
                let own_name = t.name.as_deref().unwrap_or(&c.name).to_lowercase();
                match t.owner {
                    Owner::Family => {
                        self.replace.add(db, t.id, c.replace.clone()).await?;
                    }
                    Owner::Curated | Owner::Other => {
                        self.fill.add(db, t.id, c.fill.clone()).await?;
                        // The source's own (preferred) name is a precise name of the linked
                        // row; its alternative labels are not.
                        self.add_aliases(db, tracker, t.id, &own_name, vec![c.name.clone()])
                            .await?;
                    }
                }
                self.add_labels(db, tracker, t.id, &own_name, c.aliases.clone())
                    .await?;
            }
            return Ok(());
        }
        if self.inserts.must_flush_before(&c.key) {
            self.flush_inserts(db, map, tracker).await?;
        }
        let slug = slugs.allocate(&c.name, &c.key);
        let mut row: Vec<Value> = Vec::with_capacity(self.spec.insert_cols.len());
        row.push(slug.into());
        row.push(c.name.clone().into());
        row.extend(c.fields);
        row.push(self.source_id.into());
        row.push(self.now.into());
        row.push(self.now.into());
        self.inserts.push(c.key.clone(), row);
        self.pending.insert(c.key, (c.name, c.aliases));
        Ok(())
    }

    async fn add_aliases(
        &mut self,
        db: &impl ConnectionTrait,
        tracker: &mut Tracker,
        id: i64,
        own_name_lower: &str,
        labels: Vec<String>,
    ) -> AppResult<()> {
        for a in labels {
            if a.to_lowercase() == own_name_lower {
                continue;
            }
            tracker.read(self.spec.alias_table, 1);
            let row = vec![
                id.into(),
                a.clone().into(),
                self.source_id.into(),
                self.now.into(),
            ];
            self.aliases.add(db, (id, a), row).await?;
        }
        Ok(())
    }

    /// A source's alternative labels: apart from the aliases when the spec says so.
    async fn add_labels(
        &mut self,
        db: &impl ConnectionTrait,
        tracker: &mut Tracker,
        id: i64,
        own_name_lower: &str,
        labels: Vec<String>,
    ) -> AppResult<()> {
        let (Some(table), Some(batch)) = (self.spec.label_table, self.labels.as_mut()) else {
            return self
                .add_aliases(db, tracker, id, own_name_lower, labels)
                .await;
        };
        for a in labels {
            if a.to_lowercase() == own_name_lower {
                continue;
            }
            tracker.read(table, 1);
            let row = vec![
                id.into(),
                a.clone().into(),
                self.source_id.into(),
                self.now.into(),
            ];
            batch.add(db, (id, a), row).await?;
        }
        Ok(())
    }

    async fn flush_inserts(
        &mut self,
        db: &impl ConnectionTrait,
        map: &mut KeyMap,
        tracker: &mut Tracker,
    ) -> AppResult<()> {
        let rows = self.inserts.flush(db).await?;
        for r in &rows {
            let id: i64 = r.try_get("", "id")?;
            let key: String = r.try_get("", "k")?;
            if let Some((name, aliases)) = self.pending.remove(&key) {
                self.add_labels(db, tracker, id, &name.to_lowercase(), aliases)
                    .await?;
            }
            map.insert_new(key, id);
        }
        Ok(())
    }

    /// Writes everything queued, so every concept added so far has its id in `map`.
    pub async fn flush(
        &mut self,
        db: &impl ConnectionTrait,
        map: &mut KeyMap,
        tracker: &mut Tracker,
    ) -> AppResult<()> {
        self.flush_inserts(db, map, tracker).await?;
        self.replace.flush(db).await?;
        self.fill.flush(db).await?;
        self.aliases.flush(db).await?;
        if let Some(b) = self.labels.as_mut() {
            b.flush(db).await?;
        }
        Ok(())
    }

    /// Flushes and hands the counts to the tracker.
    pub async fn finish(
        mut self,
        db: &impl ConnectionTrait,
        map: &mut KeyMap,
        tracker: &mut Tracker,
    ) -> AppResult<()> {
        self.flush(db, map, tracker).await?;
        tracker.wrote(
            self.spec.table,
            self.inserts.attempted + self.replace.attempted + self.fill.attempted,
            self.inserts.affected + self.replace.affected + self.fill.affected,
        );
        tracker.wrote(
            self.spec.alias_table,
            self.aliases.attempted,
            self.aliases.affected,
        );
        if let (Some(table), Some(b)) = (self.spec.label_table, &self.labels) {
            tracker.wrote(table, b.attempted, b.affected);
        }
        Ok(())
    }
}
