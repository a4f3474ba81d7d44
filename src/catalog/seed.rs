//! The curated catalog shipped in the binary (data/catalog/*.toml) and its idempotent loading:
//! upsert by slug, edges added when missing, all in one transaction.
use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::{
    catalog::{
        graph, pages::Importance, patch::ReleaseFacts, validate_level, validate_slug,
        FRAMEWORK_CATEGORIES, SKILL_KINDS,
    },
    error::{AppError, AppResult},
};

mod load;
pub use load::{is_empty, load, seed_embedded};

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
    /// Release facts, given for languages (and a few tools); left out when not certain.
    pub first_release_year: Option<i32>,
    pub license: Option<String>,
    pub homepage: Option<String>,
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
    /// Job titles naming the role, lower case (what `normalizeTitle` matches).
    #[serde(default)]
    pub aliases: Vec<String>,
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
            ReleaseFacts::clean(
                s.first_release_year,
                s.license.as_deref(),
                s.homepage.as_deref(),
            )
            .map_err(|e| invalid("skills.toml", format!("skill {}: {}", s.slug, e.detail())))?;
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
            ReleaseFacts::clean(
                f.first_release_year,
                f.license.as_deref(),
                f.homepage.as_deref(),
            )
            .map_err(|e| {
                invalid(
                    "frameworks.toml",
                    format!("framework {}: {}", f.slug, e.detail()),
                )
            })?;
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
        self.check_labels()?;
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
    /// Refuses a label (name or alias, case-insensitively) naming two skills or frameworks, and a
    /// title naming two roles: text extraction and title normalisation could not tell them apart.
    fn check_labels(&self) -> AppResult<()> {
        let mut seen: HashMap<String, String> = HashMap::new();
        let nodes = self
            .skills
            .iter()
            .map(|s| (format!("skill {}", s.slug), &s.name, &s.aliases))
            .chain(
                self.frameworks
                    .iter()
                    .map(|f| (format!("framework {}", f.slug), &f.name, &f.aliases)),
            );
        for (who, name, aliases) in nodes {
            let mut own = HashSet::new();
            for l in std::iter::once(name).chain(aliases) {
                let key = l.trim().to_lowercase();
                if !own.insert(key.clone()) {
                    continue;
                }
                if let Some(other) = seen.insert(key, who.clone()) {
                    return Err(invalid(
                        "catalog",
                        format!("'{l}' names both {other} and {who}"),
                    ));
                }
            }
        }
        let mut titles: HashMap<String, &str> = HashMap::new();
        for r in &self.roles {
            let mut own = HashSet::new();
            for l in std::iter::once(&r.name).chain(&r.aliases) {
                let key = l.trim().to_lowercase();
                if key.is_empty() {
                    return Err(invalid(
                        "roles.toml",
                        format!("role {}: empty alias", r.slug),
                    ));
                }
                if !own.insert(key.clone()) {
                    continue;
                }
                if let Some(other) = titles.insert(key, &r.slug) {
                    return Err(invalid(
                        "roles.toml",
                        format!("title '{l}' names both roles {other} and {}", r.slug),
                    ));
                }
            }
        }
        Ok(())
    }

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
