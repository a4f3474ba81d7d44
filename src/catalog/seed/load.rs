//! Loading the catalog into a database: every entity upserted by slug (one generic upsert),
//! edges added when missing, all in one transaction.
use std::collections::HashMap;

use entity::{framework, role, skill};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, Set,
};

use super::{edge_attrs, embedded, Catalog, SeedReport};
use crate::{
    catalog::{
        graph, insert_edge,
        skills::{link_ids, SkillLink},
        upsert_role_edge,
    },
    error::{AppError, AppResult},
};

/// Upsert by slug, for any catalog entity: `existing` is the row already under the slug, if any;
/// it is left alone when `same` holds, else `fill` writes the catalog's fields over it. Without
/// one, `fill` completes `fresh` (which carries the slug) and it is inserted.
async fn upsert_by_slug<M, A>(
    txn: &DatabaseTransaction,
    existing: Option<&M>,
    rep: &mut SeedReport,
    same: impl FnOnce(&M) -> bool,
    fill: impl FnOnce(A) -> A,
    fresh: A,
) -> AppResult<M>
where
    M: Clone + IntoActiveModel<A> + Send + Sync,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: EntityTrait<Model = M>,
{
    match existing {
        Some(m) if same(m) => {
            rep.unchanged += 1;
            Ok(m.clone())
        }
        Some(m) => {
            let m = fill(m.clone().into_active_model()).update(txn).await?;
            rep.updated += 1;
            Ok(m)
        }
        None => {
            let m = fill(fresh).insert(txn).await?;
            rep.inserted += 1;
            Ok(m)
        }
    }
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
        let id = upsert_by_slug(
            &txn,
            existing.get(&s.slug),
            &mut rep,
            |m: &skill::Model| {
                m.name == s.name
                    && m.kind == s.kind
                    && m.description == s.description
                    && m.esco_uri == s.esco_uri
                    && m.onet_name == s.onet_name
                    && m.first_release_year == s.first_release_year
                    && m.license == s.license
                    && m.homepage == s.homepage
                    && m.source_id.is_none()
            },
            |mut am: skill::ActiveModel| {
                am.name = Set(s.name.clone());
                am.kind = Set(s.kind.clone());
                am.description = Set(s.description.clone());
                am.esco_uri = Set(s.esco_uri.clone());
                am.onet_name = Set(s.onet_name.clone());
                am.first_release_year = Set(s.first_release_year);
                am.license = Set(s.license.clone());
                am.homepage = Set(s.homepage.clone());
                // The catalog takes over a row an import created under its slug.
                am.source_id = Set(None);
                am.updated_at = Set(now);
                am
            },
            skill::ActiveModel {
                slug: Set(s.slug.clone()),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?
        .id;
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
        let id = upsert_by_slug(
            &txn,
            existing.get(&f.slug),
            &mut rep,
            |m: &framework::Model| {
                m.name == f.name
                    && m.language_id == lang
                    && m.category == f.category
                    && m.first_release_year == f.first_release_year
                    && m.license == f.license
                    && m.homepage == f.homepage
                    && m.description == f.description
                    && m.esco_uri == f.esco_uri
                    && m.onet_name == f.onet_name
            },
            |mut am: framework::ActiveModel| {
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
                am
            },
            framework::ActiveModel {
                slug: Set(f.slug.clone()),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?
        .id;
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
        let id = upsert_by_slug(
            &txn,
            existing.get(&r.slug),
            &mut rep,
            |m: &role::Model| {
                m.name == r.name
                    && m.description == r.description
                    && m.esco_uri == r.esco_uri
                    && m.onet_soc_code == r.onet_soc_code
                    && m.source_id.is_none()
            },
            |mut am: role::ActiveModel| {
                am.name = Set(r.name.clone());
                am.description = Set(r.description.clone());
                am.esco_uri = Set(r.esco_uri.clone());
                am.onet_soc_code = Set(r.onet_soc_code.clone());
                am.source_id = Set(None);
                am.updated_at = Set(now);
                am
            },
            role::ActiveModel {
                slug: Set(r.slug.clone()),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?
        .id;
        for a in &r.aliases {
            if crate::catalog::insert_alias(&txn, &crate::catalog::ROLE_ALIAS_TABLE, id, a).await? {
                rep.links_added += 1;
            }
        }
        for e in &r.skills {
            let imp = edge_attrs(&r.slug, &e.importance, e.level)?;
            if upsert_role_edge(
                &txn,
                "role_skill",
                "skill_id",
                (id, sid(&e.skill)?),
                imp,
                Some(e.level),
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
                Some(e.level),
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
