//! The curated catalog shipped in the binary (data/catalog/*.toml) and its idempotent loading:
//! upsert by slug, edges added when missing, all in one transaction.
use std::collections::{HashMap, HashSet};

use entity::{framework, role, skill};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use serde::Deserialize;

use crate::{
    catalog::{
        graph, insert_edge,
        pages::Importance,
        skills::{link_ids, SkillLink},
        upsert_role_edge, validate_level, validate_slug, FRAMEWORK_CATEGORIES, SKILL_KINDS,
    },
    error::{AppError, AppResult},
};

const SKILLS_TOML: &str = include_str!("../../data/catalog/skills.toml");
const FRAMEWORKS_TOML: &str = include_str!("../../data/catalog/frameworks.toml");
const ROLES_TOML: &str = include_str!("../../data/catalog/roles.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillsFile {
    skill: Vec<SkillSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillSpec {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub broader: Vec<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworksFile {
    framework: Vec<FrameworkSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSpec {
    pub slug: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub first_release_year: Option<i32>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    role: Vec<RoleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_soc_code: Option<String>,
    #[serde(default)]
    pub skills: Vec<RoleSkillSpec>,
    #[serde(default)]
    pub frameworks: Vec<RoleFrameworkSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSkillSpec {
    pub skill: String,
    pub importance: String,
    pub level: i32,
    /// A named "one of" group: the role needs one of the skills sharing it.
    #[serde(default)]
    pub choice: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleFrameworkSpec {
    pub framework: String,
    pub importance: String,
    pub level: i32,
}

/// The parsed, cross-checked catalog.
#[derive(Debug)]
pub struct Catalog {
    pub skills: Vec<SkillSpec>,
    pub frameworks: Vec<FrameworkSpec>,
    pub roles: Vec<RoleSpec>,
}

/// What a load changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub links_added: u64,
}

impl SeedReport {
    pub fn changed(&self) -> bool {
        self.inserted + self.updated + self.links_added > 0
    }
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inserted, {} updated, {} unchanged, {} links added",
            self.inserted, self.updated, self.unchanged, self.links_added
        )
    }
}

fn invalid(file: &str, msg: String) -> AppError {
    AppError::Validation(format!("catalog {file}: {msg}"))
}

/// Parses the embedded catalog and checks every reference in it.
pub fn embedded() -> AppResult<Catalog> {
    parse(SKILLS_TOML, FRAMEWORKS_TOML, ROLES_TOML)
}

pub fn parse(skills: &str, frameworks: &str, roles: &str) -> AppResult<Catalog> {
    let s: SkillsFile =
        toml::from_str(skills).map_err(|e| invalid("skills.toml", e.to_string()))?;
    let f: FrameworksFile =
        toml::from_str(frameworks).map_err(|e| invalid("frameworks.toml", e.to_string()))?;
    let r: RolesFile = toml::from_str(roles).map_err(|e| invalid("roles.toml", e.to_string()))?;
    let cat = Catalog {
        skills: s.skill,
        frameworks: f.framework,
        roles: r.role,
    };
    cat.check()?;
    Ok(cat)
}

impl Catalog {
    fn check(&self) -> AppResult<()> {
        let mut kinds: HashMap<&str, &str> = HashMap::new();
        for s in &self.skills {
            validate_slug(&s.slug).map_err(|e| invalid("skills.toml", e.detail()))?;
            if !SKILL_KINDS.contains(&s.kind.as_str()) {
                return Err(invalid(
                    "skills.toml",
                    format!("skill {}: unknown kind {}", s.slug, s.kind),
                ));
            }
            if kinds.insert(&s.slug, &s.kind).is_some() {
                return Err(invalid("skills.toml", format!("duplicate slug {}", s.slug)));
            }
        }
        for s in &self.skills {
            for r in s.broader.iter().chain(&s.prerequisites).chain(&s.related) {
                if !kinds.contains_key(r.as_str()) {
                    return Err(invalid(
                        "skills.toml",
                        format!("skill {} refers to unknown skill {r}", s.slug),
                    ));
                }
            }
        }
        // The same rule the database enforces, checked here to name the cycle in slugs before
        // anything is written.
        self.check_acyclic("prerequisite", |s| &s.prerequisites)?;
        self.check_acyclic("broader", |s| &s.broader)?;
        let mut fws = HashSet::new();
        for f in &self.frameworks {
            validate_slug(&f.slug).map_err(|e| invalid("frameworks.toml", e.detail()))?;
            if !fws.insert(f.slug.as_str()) {
                return Err(invalid(
                    "frameworks.toml",
                    format!("duplicate slug {}", f.slug),
                ));
            }
            if kinds.get(f.language.as_str()) != Some(&"language") {
                return Err(invalid(
                    "frameworks.toml",
                    format!(
                        "framework {}: {} is not a language skill",
                        f.slug, f.language
                    ),
                ));
            }
            if !FRAMEWORK_CATEGORIES.contains(&f.category.as_str()) {
                return Err(invalid(
                    "frameworks.toml",
                    format!("framework {}: unknown category {}", f.slug, f.category),
                ));
            }
            for s in &f.skills {
                if !kinds.contains_key(s.as_str()) {
                    return Err(invalid(
                        "frameworks.toml",
                        format!("framework {} uses unknown skill {s}", f.slug),
                    ));
                }
            }
        }
        let mut roles = HashSet::new();
        for r in &self.roles {
            validate_slug(&r.slug).map_err(|e| invalid("roles.toml", e.detail()))?;
            if !roles.insert(r.slug.as_str()) {
                return Err(invalid("roles.toml", format!("duplicate slug {}", r.slug)));
            }
            for e in &r.skills {
                if !kinds.contains_key(e.skill.as_str()) {
                    return Err(invalid(
                        "roles.toml",
                        format!("role {} requires unknown skill {}", r.slug, e.skill),
                    ));
                }
                edge_attrs(&r.slug, &e.importance, e.level)?;
                if e.choice.as_deref().is_some_and(|c| c.trim().is_empty()) {
                    return Err(invalid(
                        "roles.toml",
                        format!("role {}: empty choice group on {}", r.slug, e.skill),
                    ));
                }
            }
            for e in &r.frameworks {
                if !fws.contains(e.framework.as_str()) {
                    return Err(invalid(
                        "roles.toml",
                        format!("role {} uses unknown framework {}", r.slug, e.framework),
                    ));
                }
                edge_attrs(&r.slug, &e.importance, e.level)?;
            }
        }
        Ok(())
    }
}

impl Catalog {
    /// Refuses a cycle among the skills' `prerequisites` (or `broader`) lists, naming it.
    fn check_acyclic(&self, label: &str, links: fn(&SkillSpec) -> &Vec<String>) -> AppResult<()> {
        let index: HashMap<&str, i64> = self
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug.as_str(), i as i64))
            .collect();
        let mut adj: HashMap<i64, Vec<i64>> = HashMap::new();
        for (i, s) in self.skills.iter().enumerate() {
            for target in links(s) {
                if let Some(j) = index.get(target.as_str()) {
                    adj.entry(i as i64).or_default().push(*j);
                }
            }
        }
        match graph::find_cycle(&adj) {
            None => Ok(()),
            Some(cycle) => {
                let slugs: Vec<&str> = cycle
                    .iter()
                    .filter_map(|i| usize::try_from(*i).ok().and_then(|i| self.skills.get(i)))
                    .map(|s| s.slug.as_str())
                    .collect();
                Err(invalid(
                    "skills.toml",
                    format!("{label} links form a cycle: {}", slugs.join(" → ")),
                ))
            }
        }
    }
}

fn edge_attrs(role: &str, importance: &str, level: i32) -> AppResult<Importance> {
    validate_level(level)
        .map_err(|e| invalid("roles.toml", format!("role {role}: {}", e.detail())))?;
    Importance::parse(importance).ok_or_else(|| {
        invalid(
            "roles.toml",
            format!("role {role}: importance must be essential or optional, got {importance}"),
        )
    })
}

/// True when the database holds no skill yet (a fresh database to seed).
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(skill::Entity::find().count(db).await? == 0)
}

/// Loads the catalog: a second run with the same catalog changes nothing.
pub async fn load(db: &DatabaseConnection, cat: &Catalog) -> AppResult<SeedReport> {
    let txn = crate::db::begin_write(db).await?;
    let mut rep = SeedReport::default();
    let now = chrono::Utc::now();

    let mut skill_ids: HashMap<String, i64> = HashMap::new();
    let existing: HashMap<String, skill::Model> = skill::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.slug.clone(), m))
        .collect();
    for s in &cat.skills {
        let id = match existing.get(&s.slug) {
            Some(m) => {
                let same = m.name == s.name
                    && m.kind == s.kind
                    && m.description == s.description
                    && m.esco_uri == s.esco_uri
                    && m.onet_name == s.onet_name
                    && m.source_id.is_none();
                if same {
                    rep.unchanged += 1;
                } else {
                    let mut am: skill::ActiveModel = m.clone().into();
                    am.name = Set(s.name.clone());
                    am.kind = Set(s.kind.clone());
                    am.description = Set(s.description.clone());
                    am.esco_uri = Set(s.esco_uri.clone());
                    am.onet_name = Set(s.onet_name.clone());
                    // The catalog takes over a row an import created under its slug.
                    am.source_id = Set(None);
                    am.updated_at = Set(now);
                    am.update(&txn).await?;
                    rep.updated += 1;
                }
                m.id
            }
            None => {
                let m = skill::ActiveModel {
                    slug: Set(s.slug.clone()),
                    name: Set(s.name.clone()),
                    kind: Set(s.kind.clone()),
                    description: Set(s.description.clone()),
                    esco_uri: Set(s.esco_uri.clone()),
                    onet_name: Set(s.onet_name.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                rep.inserted += 1;
                m.id
            }
        };
        skill_ids.insert(s.slug.clone(), id);
    }
    let sid = |slug: &str| -> AppResult<i64> {
        skill_ids
            .get(slug)
            .copied()
            .ok_or_else(|| AppError::Internal(format!("catalog skill {slug} missing after insert")))
    };
    for s in &cat.skills {
        let id = sid(&s.slug)?;
        for a in &s.aliases {
            if crate::catalog::skills::add_alias_in(&txn, id, a).await? {
                rep.links_added += 1;
            }
        }
        for b in &s.broader {
            if insert_edge(
                &txn,
                "skill_broader",
                ("skill_id", "broader_id"),
                (id, sid(b)?),
            )
            .await?
            {
                rep.links_added += 1;
            }
        }
        for p in &s.prerequisites {
            if insert_edge(
                &txn,
                "skill_prerequisite",
                ("skill_id", "prerequisite_id"),
                (id, sid(p)?),
            )
            .await?
            {
                rep.links_added += 1;
            }
        }
        for r in &s.related {
            if link_ids(&txn, SkillLink::Related, id, sid(r)?).await? {
                rep.links_added += 1;
            }
        }
    }
    graph::check_whole(&txn, &graph::PREREQUISITES).await?;
    graph::check_whole(&txn, &graph::BROADER).await?;

    let existing: HashMap<String, framework::Model> = framework::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.slug.clone(), m))
        .collect();
    let mut fw_ids: HashMap<String, i64> = HashMap::new();
    for f in &cat.frameworks {
        let lang = sid(&f.language)?;
        let id = match existing.get(&f.slug) {
            Some(m) => {
                let same = m.name == f.name
                    && m.language_id == lang
                    && m.category == f.category
                    && m.first_release_year == f.first_release_year
                    && m.license == f.license
                    && m.homepage == f.homepage
                    && m.description == f.description
                    && m.esco_uri == f.esco_uri
                    && m.onet_name == f.onet_name;
                if same {
                    rep.unchanged += 1;
                } else {
                    let mut am: framework::ActiveModel = m.clone().into();
                    am.name = Set(f.name.clone());
                    am.language_id = Set(lang);
                    am.category = Set(f.category.clone());
                    am.first_release_year = Set(f.first_release_year);
                    am.license = Set(f.license.clone());
                    am.homepage = Set(f.homepage.clone());
                    am.description = Set(f.description.clone());
                    am.esco_uri = Set(f.esco_uri.clone());
                    am.onet_name = Set(f.onet_name.clone());
                    am.updated_at = Set(now);
                    am.update(&txn).await?;
                    rep.updated += 1;
                }
                m.id
            }
            None => {
                let m = framework::ActiveModel {
                    slug: Set(f.slug.clone()),
                    name: Set(f.name.clone()),
                    language_id: Set(lang),
                    category: Set(f.category.clone()),
                    first_release_year: Set(f.first_release_year),
                    license: Set(f.license.clone()),
                    homepage: Set(f.homepage.clone()),
                    description: Set(f.description.clone()),
                    esco_uri: Set(f.esco_uri.clone()),
                    onet_name: Set(f.onet_name.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                rep.inserted += 1;
                m.id
            }
        };
        fw_ids.insert(f.slug.clone(), id);
        for a in &f.aliases {
            if crate::catalog::frameworks::add_alias_in(&txn, id, a).await? {
                rep.links_added += 1;
            }
        }
        for s in std::iter::once(&f.language).chain(&f.skills) {
            if insert_edge(
                &txn,
                "framework_skill",
                ("framework_id", "skill_id"),
                (id, sid(s)?),
            )
            .await?
            {
                rep.links_added += 1;
            }
        }
    }

    let existing: HashMap<String, role::Model> = role::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.slug.clone(), m))
        .collect();
    for r in &cat.roles {
        let id = match existing.get(&r.slug) {
            Some(m) => {
                let same = m.name == r.name
                    && m.description == r.description
                    && m.esco_uri == r.esco_uri
                    && m.onet_soc_code == r.onet_soc_code
                    && m.source_id.is_none();
                if same {
                    rep.unchanged += 1;
                } else {
                    let mut am: role::ActiveModel = m.clone().into();
                    am.name = Set(r.name.clone());
                    am.description = Set(r.description.clone());
                    am.esco_uri = Set(r.esco_uri.clone());
                    am.onet_soc_code = Set(r.onet_soc_code.clone());
                    am.source_id = Set(None);
                    am.updated_at = Set(now);
                    am.update(&txn).await?;
                    rep.updated += 1;
                }
                m.id
            }
            None => {
                let m = role::ActiveModel {
                    slug: Set(r.slug.clone()),
                    name: Set(r.name.clone()),
                    description: Set(r.description.clone()),
                    esco_uri: Set(r.esco_uri.clone()),
                    onet_soc_code: Set(r.onet_soc_code.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                rep.inserted += 1;
                m.id
            }
        };
        for e in &r.skills {
            let imp = edge_attrs(&r.slug, &e.importance, e.level)?;
            if upsert_role_edge(
                &txn,
                "role_skill",
                "skill_id",
                (id, sid(&e.skill)?),
                imp,
                e.level,
            )
            .await?
            {
                rep.links_added += 1;
            }
        }
        let mut choices = Vec::new();
        for e in &r.skills {
            if let Some(g) = &e.choice {
                choices.push((sid(&e.skill)?, g.trim().to_owned()));
            }
        }
        if sync_choices(&txn, id, choices).await? {
            rep.links_added += 1;
        }
        for e in &r.frameworks {
            let imp = edge_attrs(&r.slug, &e.importance, e.level)?;
            let fid = fw_ids.get(&e.framework).copied().ok_or_else(|| {
                AppError::Internal(format!("catalog framework {} missing", e.framework))
            })?;
            if upsert_role_edge(
                &txn,
                "role_framework",
                "framework_id",
                (id, fid),
                imp,
                e.level,
            )
            .await?
            {
                rep.links_added += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(rep)
}

/// Makes a role's choice groups those of the catalog; true when something changed. Nothing is
/// written when they already are (a second seed changes nothing).
async fn sync_choices(
    db: &impl sea_orm::ConnectionTrait,
    role_id: i64,
    mut want: Vec<(i64, String)>,
) -> AppResult<bool> {
    use entity::role_skill_choice as choice;
    use sea_orm::{ColumnTrait, QueryFilter};
    want.sort();
    let mut have: Vec<(i64, String)> = choice::Entity::find()
        .filter(choice::Column::RoleId.eq(role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.skill_id, m.choice_group))
        .collect();
    have.sort();
    if have == want {
        return Ok(false);
    }
    choice::Entity::delete_many()
        .filter(choice::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    if !want.is_empty() {
        choice::Entity::insert_many(want.into_iter().map(|(skill_id, g)| choice::ActiveModel {
            role_id: Set(role_id),
            skill_id: Set(skill_id),
            choice_group: Set(g),
        }))
        .exec(db)
        .await?;
    }
    Ok(true)
}

/// Used by the seeding of an empty database and by `skillgraph seed`.
pub async fn seed_embedded(db: &DatabaseConnection) -> AppResult<SeedReport> {
    let cat = embedded()?;
    load(db, &cat).await
}
