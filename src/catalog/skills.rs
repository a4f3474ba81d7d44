//! Skills: lookups, lists and curator writes (aliases, hierarchy, prerequisites, related).
use entity::skill;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, Set,
};

use crate::catalog::lookup;
use crate::store::listing::{self, Listing};
use crate::store::RowSource;
use crate::{
    catalog::{
        at, clean_list, clean_opt, clean_text, delete_edge,
        filters::{self, SkillCond},
        graph, insert_edge,
        pages::{self, Filter, ListSpec, PageArgs},
        patch::{save, CommonPatch, Editor, ReleaseFacts, ReleasePatch},
        validate_slug, EntityRef, SKILL_KINDS,
    },
    error::{AppError, AppResult},
};

pub async fn find(db: &impl RowSource, r: &EntityRef) -> AppResult<Option<skill::Model>> {
    lookup::find::<skill::Entity>(db, r).await
}

pub async fn get(db: &impl RowSource, r: &EntityRef) -> AppResult<skill::Model> {
    lookup::get::<skill::Entity>(db, r).await
}

/// How the `skills` list sorts by popularity: the number of roles requiring a skill.
pub const LIST: ListSpec = ListSpec {
    table: "skill",
    popularity: Some("(SELECT COUNT(*) FROM role_skill p WHERE p.skill_id = t.id)"),
};

/// Filter for the `skills` list: the simple `kind` argument and a typed condition.
#[derive(Clone, Debug, Default)]
pub struct SkillFilter {
    pub kind: Option<String>,
    pub cond: Option<SkillCond>,
}

impl SkillFilter {
    pub fn compile(&self, backend: DbBackend) -> AppResult<Filter> {
        let mut f = match &self.cond {
            Some(c) => filters::skill_filter(backend, c)?,
            None => Filter::default(),
        };
        if let Some(kind) = &self.kind {
            validate_kind(kind)?;
            f = f.and("t.kind = ?", vec![kind.clone().into()]);
        }
        Ok(f)
    }
}

/// One page of the list under `filter`, with its count.
pub async fn list(
    db: &impl RowSource,
    filter: &SkillFilter,
    args: &PageArgs,
) -> AppResult<Listing<skill::Model>> {
    let f = filter.compile(db.get_database_backend())?;
    listing::list(db, &LIST, f, args).await
}

pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> AppResult<u64> {
    pages::list_count(db, LIST.table, filter).await
}

fn validate_kind(kind: &str) -> AppResult<()> {
    if SKILL_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(AppError::Validation(format!(
            "unknown skill kind '{kind}' (one of {})",
            SKILL_KINDS.join(", ")
        ))
        .at("kind"))
    }
}

#[derive(Clone, Debug, Default)]
pub struct NewSkill {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    pub release: ReleaseFacts,
    pub aliases: Vec<String>,
}

/// Fields to change; `None` leaves a field as it is, `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default)]
pub struct SkillPatch {
    pub common: CommonPatch,
    pub kind: Option<String>,
    pub onet_name: Option<Option<String>>,
    pub release: ReleasePatch,
}

pub async fn create(db: &DatabaseConnection, input: NewSkill) -> AppResult<skill::Model> {
    validate_slug(&input.slug)?;
    validate_kind(&input.kind)?;
    let name = clean_text("name", &input.name, 200)?;
    let description = clean_opt("description", input.description.as_deref(), 5000)?;
    let esco_uri = clean_opt("escoUri", input.esco_uri.as_deref(), 500)?;
    let onet_name = clean_opt("onetName", input.onet_name.as_deref(), 200)?;
    let release = ReleaseFacts::clean(
        input.release.first_release_year,
        input.release.license.as_deref(),
        input.release.homepage.as_deref(),
    )?;
    let aliases = clean_list("alias", "aliases", &input.aliases, 200)?;
    let txn = crate::db::begin_write(db).await?;
    let now = chrono::Utc::now();
    let model = skill::ActiveModel {
        slug: Set(input.slug.clone()),
        name: Set(name),
        kind: Set(input.kind),
        description: Set(description),
        esco_uri: Set(esco_uri),
        onet_name: Set(onet_name),
        first_release_year: Set(release.first_release_year),
        license: Set(release.license),
        homepage: Set(release.homepage),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::from_db(e, &format!("skill '{}'", input.slug)).at("slug"))?;
    for a in aliases {
        add_alias_in(&txn, model.id, &a).await?;
    }
    txn.commit().await?;
    Ok(model)
}

pub async fn update(
    db: &DatabaseConnection,
    r: &EntityRef,
    patch: SkillPatch,
) -> AppResult<skill::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, r).await.map_err(at("skill"))?;
    let mut am: skill::ActiveModel = current.clone().into();
    if let Some(kind) = patch.kind {
        validate_kind(&kind)?;
        if kind != "language" && current.kind == "language" {
            ensure_not_a_language_in_use(&txn, current.id)
                .await
                .map_err(at("kind"))?;
        }
        am.kind = Set(kind);
    }
    Editor::new(&mut am)
        .common(patch.common)?
        .opt_text("onet_name", "onetName", 200, patch.onet_name)?
        .release(patch.release)?;
    let model = save(&txn, current, am, "a skill with that slug").await?;
    txn.commit().await?;
    Ok(model)
}

async fn ensure_not_a_language_in_use(db: &impl ConnectionTrait, skill_id: i64) -> AppResult<()> {
    use entity::framework;
    let users = framework::Entity::find()
        .filter(framework::Column::LanguageId.eq(skill_id))
        .all(db)
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = users.into_iter().map(|f| f.slug).collect();
    Err(AppError::Conflict(format!(
        "skill is the language of frameworks {}; change their language first",
        names.join(", ")
    )))
}

/// Deletes a skill and its edges; refused while a framework is written in it.
pub async fn delete(db: &DatabaseConnection, r: &EntityRef) -> AppResult<skill::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, r).await.map_err(at("skill"))?;
    ensure_not_a_language_in_use(&txn, current.id)
        .await
        .map_err(at("skill"))?;
    skill::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await
        .map_err(|e| AppError::from_db(e, "skill").at("skill"))?;
    txn.commit().await?;
    Ok(current)
}

/// Adds an alias unless the skill has it; true when added.
pub(crate) async fn add_alias_in(
    db: &impl ConnectionTrait,
    skill_id: i64,
    alias: &str,
) -> AppResult<bool> {
    crate::catalog::insert_alias(db, &crate::catalog::SKILL_ALIAS_TABLE, skill_id, alias).await
}

pub async fn add_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<skill::Model> {
    lookup::add_alias::<skill::Entity>(db, &crate::catalog::SKILL_ALIAS_TABLE, r, alias).await
}

pub async fn remove_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<skill::Model> {
    lookup::remove_alias::<skill::Entity>(db, &crate::catalog::SKILL_ALIAS_TABLE, r, alias).await
}

/// Which skill-to-skill relation a link call is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillLink {
    /// `skill` has `other` as a broader skill.
    Broader,
    /// `skill` needs `other` first.
    Prerequisite,
    /// symmetric
    Related,
}

impl SkillLink {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            SkillLink::Broader => ("skill_broader", "broader_id"),
            SkillLink::Prerequisite => ("skill_prerequisite", "prerequisite_id"),
            SkillLink::Related => ("skill_related", "related_id"),
        }
    }
    fn dag(self) -> Option<graph::Dag> {
        match self {
            SkillLink::Broader => Some(graph::BROADER),
            SkillLink::Prerequisite => Some(graph::PREREQUISITES),
            SkillLink::Related => None,
        }
    }
}

/// Links two skills; refuses self-links and links that would close a cycle (errors about the
/// inputs `skill` and `other`; a refused link is `other`'s).
pub async fn link(
    db: &DatabaseConnection,
    kind: SkillLink,
    skill: &EntityRef,
    other: &EntityRef,
) -> AppResult<(skill::Model, skill::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, skill).await.map_err(at("skill"))?;
    let b = get(&txn, other).await.map_err(at("other"))?;
    link_ids(&txn, kind, a.id, b.id)
        .await
        .map_err(at("other"))?;
    txn.commit().await?;
    Ok((a, b))
}

/// Links two skills by id inside the caller's transaction; false when the link was there.
pub async fn link_ids(db: &impl RowSource, kind: SkillLink, a: i64, b: i64) -> AppResult<bool> {
    let (table, col) = kind.table();
    if let Some(dag) = kind.dag() {
        graph::lock(db, &dag).await?;
        graph::check_new_edge(db, &dag, a, b).await?;
    } else if a == b {
        return Err(AppError::Validation(
            "a skill cannot be related to itself".into(),
        ));
    }
    let inserted = insert_edge(db, table, ("skill_id", col), (a, b)).await?;
    if kind == SkillLink::Related {
        insert_edge(db, table, ("skill_id", col), (b, a)).await?;
    }
    Ok(inserted)
}

pub async fn unlink(
    db: &DatabaseConnection,
    kind: SkillLink,
    skill: &EntityRef,
    other: &EntityRef,
) -> AppResult<(skill::Model, skill::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let a = get(&txn, skill).await.map_err(at("skill"))?;
    let b = get(&txn, other).await.map_err(at("other"))?;
    let (table, col) = kind.table();
    let removed = delete_edge(&txn, table, ("skill_id", col), (a.id, b.id)).await?;
    if kind == SkillLink::Related {
        delete_edge(&txn, table, ("skill_id", col), (b.id, a.id)).await?;
    }
    if !removed {
        return Err(AppError::NotFound(format!(
            "no such link between '{}' and '{}'",
            a.slug, b.slug
        ))
        .at("other"));
    }
    txn.commit().await?;
    Ok((a, b))
}
