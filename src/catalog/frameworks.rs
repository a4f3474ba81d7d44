//! Frameworks: lookups, lists and curator writes. A framework always uses its own language.
use entity::{framework, skill};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, Set};

use crate::catalog::lookup;
use crate::store::listing::{self, Listing};
use crate::store::RowSource;
use crate::{
    catalog::{
        at, clean_list, clean_opt, clean_text, delete_edge,
        filters::{self, FrameworkCond},
        insert_edge,
        pages::{self, Filter, ListSpec, PageArgs},
        patch::{save, CommonPatch, Editor, ReleaseFacts, ReleasePatch},
        skills, validate_slug, EntityRef, FRAMEWORK_CATEGORIES,
    },
    error::{AppError, AppResult},
};

pub async fn find(db: &impl RowSource, r: &EntityRef) -> AppResult<Option<framework::Model>> {
    lookup::find::<framework::Entity>(db, r).await
}

pub async fn get(db: &impl RowSource, r: &EntityRef) -> AppResult<framework::Model> {
    lookup::get::<framework::Entity>(db, r).await
}

/// How the `frameworks` list sorts by popularity: the number of roles using a framework.
pub const LIST: ListSpec = ListSpec {
    table: "framework",
    popularity: Some("(SELECT COUNT(*) FROM role_framework p WHERE p.framework_id = t.id)"),
};

/// Filter for the `frameworks` list: the simple `language` argument and a typed condition.
#[derive(Clone, Debug, Default)]
pub struct FrameworkFilter {
    /// Slug of the language skill.
    pub language: Option<String>,
    pub cond: Option<FrameworkCond>,
}

impl FrameworkFilter {
    pub fn compile(&self, backend: DbBackend) -> AppResult<Filter> {
        let mut f = match &self.cond {
            Some(c) => filters::framework_filter(backend, c)?,
            None => Filter::default(),
        };
        if let Some(lang) = &self.language {
            f = f.and(
                "t.language_id IN (SELECT s.id FROM skill s WHERE s.slug = ?)",
                vec![lang.clone().into()],
            );
        }
        Ok(f)
    }
}

/// One page of the list under `filter`, with its count.
pub async fn list(
    db: &impl RowSource,
    filter: &FrameworkFilter,
    args: &PageArgs,
) -> AppResult<Listing<framework::Model>> {
    let f = filter.compile(db.get_database_backend())?;
    listing::list(db, &LIST, f, args).await
}

pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> AppResult<u64> {
    pages::list_count(db, LIST.table, filter).await
}

#[derive(Clone, Debug)]
pub struct NewFramework {
    pub slug: String,
    pub name: String,
    pub language: EntityRef,
    pub category: String,
    pub first_release_year: Option<i32>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct FrameworkPatch {
    pub common: CommonPatch,
    pub language: Option<EntityRef>,
    pub category: Option<String>,
    pub release: ReleasePatch,
    pub onet_name: Option<Option<String>>,
}

fn validate_category(c: &str) -> AppResult<()> {
    if FRAMEWORK_CATEGORIES.contains(&c) {
        Ok(())
    } else {
        Err(AppError::Validation(format!(
            "unknown framework category '{c}' (one of {})",
            FRAMEWORK_CATEGORIES.join(", ")
        ))
        .at("category"))
    }
}

/// The skill `r` names, which must be a language (errors about the input `language`).
async fn language(db: &impl RowSource, r: &EntityRef) -> AppResult<skill::Model> {
    let s = skills::get(db, r).await.map_err(at("language"))?;
    if s.kind != "language" {
        return Err(AppError::Validation(format!(
            "language must be a skill of kind language; '{}' is a {}",
            s.slug, s.kind
        ))
        .at("language"));
    }
    Ok(s)
}

pub async fn create(db: &DatabaseConnection, input: NewFramework) -> AppResult<framework::Model> {
    validate_slug(&input.slug)?;
    validate_category(&input.category)?;
    let release = ReleaseFacts::clean(
        input.first_release_year,
        input.license.as_deref(),
        input.homepage.as_deref(),
    )?;
    let name = clean_text("name", &input.name, 200)?;
    let aliases = clean_list("alias", "aliases", &input.aliases, 200)?;
    let txn = crate::db::begin_write(db).await?;
    let lang = language(&txn, &input.language).await?;
    let now = chrono::Utc::now();
    let model = framework::ActiveModel {
        slug: Set(input.slug.clone()),
        name: Set(name),
        description: Set(clean_opt(
            "description",
            input.description.as_deref(),
            5000,
        )?),
        language_id: Set(lang.id),
        category: Set(input.category),
        first_release_year: Set(release.first_release_year),
        license: Set(release.license),
        homepage: Set(release.homepage),
        esco_uri: Set(clean_opt("escoUri", input.esco_uri.as_deref(), 500)?),
        onet_name: Set(clean_opt("onetName", input.onet_name.as_deref(), 200)?),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::from_db(e, &format!("framework '{}'", input.slug)).at("slug"))?;
    insert_edge(
        &txn,
        "framework_skill",
        ("framework_id", "skill_id"),
        (model.id, lang.id),
    )
    .await?;
    for a in aliases {
        add_alias_in(&txn, model.id, &a).await?;
    }
    txn.commit().await?;
    Ok(model)
}

pub async fn update(
    db: &DatabaseConnection,
    r: &EntityRef,
    patch: FrameworkPatch,
) -> AppResult<framework::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, r).await.map_err(at("framework"))?;
    let mut am: framework::ActiveModel = current.clone().into();
    let mut new_language = None;
    if let Some(l) = patch.language {
        let lang = language(&txn, &l).await?;
        if lang.id != current.language_id {
            new_language = Some(lang.id);
        }
        am.language_id = Set(lang.id);
    }
    if let Some(c) = patch.category {
        validate_category(&c)?;
        am.category = Set(c);
    }
    Editor::new(&mut am)
        .common(patch.common)?
        .release(patch.release)?
        .opt_text("onet_name", "onetName", 200, patch.onet_name)?;
    let model = save(&txn, current, am, "a framework with that slug").await?;
    if let Some(lang) = new_language {
        insert_edge(
            &txn,
            "framework_skill",
            ("framework_id", "skill_id"),
            (model.id, lang),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(model)
}

pub async fn delete(db: &DatabaseConnection, r: &EntityRef) -> AppResult<framework::Model> {
    lookup::delete::<framework::Entity>(db, r).await
}

/// Records that a framework uses a skill; both, as linked (errors about the inputs `framework`
/// and `skill`).
pub async fn link_skill(
    db: &DatabaseConnection,
    fw: &EntityRef,
    s: &EntityRef,
) -> AppResult<(framework::Model, skill::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let f = get(&txn, fw).await.map_err(at("framework"))?;
    let s = skills::get(&txn, s).await.map_err(at("skill"))?;
    insert_edge(
        &txn,
        "framework_skill",
        ("framework_id", "skill_id"),
        (f.id, s.id),
    )
    .await?;
    txn.commit().await?;
    Ok((f, s))
}

/// Removes a skill from those a framework uses (never its language); the framework and the
/// skill removed.
pub async fn unlink_skill(
    db: &DatabaseConnection,
    fw: &EntityRef,
    s: &EntityRef,
) -> AppResult<(framework::Model, skill::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let f = get(&txn, fw).await.map_err(at("framework"))?;
    let s = skills::get(&txn, s).await.map_err(at("skill"))?;
    if s.id == f.language_id {
        return Err(AppError::Validation(format!(
            "'{}' is the language of '{}'; change the language instead",
            s.slug, f.slug
        ))
        .at("skill"));
    }
    if !delete_edge(
        &txn,
        "framework_skill",
        ("framework_id", "skill_id"),
        (f.id, s.id),
    )
    .await?
    {
        return Err(AppError::NotFound(format!(
            "framework '{}' does not use skill '{}'",
            f.slug, s.slug
        ))
        .at("skill"));
    }
    txn.commit().await?;
    Ok((f, s))
}

/// Adds an alias unless the framework has it; true when added.
pub(crate) async fn add_alias_in(
    db: &impl ConnectionTrait,
    framework_id: i64,
    alias: &str,
) -> AppResult<bool> {
    crate::catalog::insert_alias(
        db,
        &crate::catalog::FRAMEWORK_ALIAS_TABLE,
        framework_id,
        alias,
    )
    .await
}

pub async fn add_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<framework::Model> {
    lookup::add_alias::<framework::Entity>(db, &crate::catalog::FRAMEWORK_ALIAS_TABLE, r, alias)
        .await
}

pub async fn remove_alias(
    db: &DatabaseConnection,
    r: &EntityRef,
    alias: &str,
) -> AppResult<framework::Model> {
    lookup::remove_alias::<framework::Entity>(db, &crate::catalog::FRAMEWORK_ALIAS_TABLE, r, alias)
        .await
}
