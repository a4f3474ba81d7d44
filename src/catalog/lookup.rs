//! What skills, frameworks and roles share: lookup by id or slug, delete, and aliases, written
//! once over the entity.
use entity::{framework, role, skill};
use sea_orm::{DatabaseConnection, EntityTrait, PrimaryKeyTrait};

use crate::store::RowSource;
use crate::{
    catalog::{at, clean_text, delete_alias, insert_alias, AliasTable, EntityRef},
    error::{AppError, AppResult},
    store::{self, columns::Node},
};

/// A catalog table whose rows are named by id or by slug.
pub trait Catalogued: EntityTrait<Model: Node + Clone + Sync> {
    /// The noun in messages (`skill`, `framework`, `role`).
    const NOUN: &'static str;
    /// The table (the same word).
    const TABLE: &'static str;
    fn id_of(m: &Self::Model) -> i64;
    fn slug_of(m: &Self::Model) -> &str;
}

macro_rules! catalogued {
    ($($m:ident),*) => {$(
        impl Catalogued for $m::Entity {
            const NOUN: &'static str = stringify!($m);
            const TABLE: &'static str = stringify!($m);
            fn id_of(m: &$m::Model) -> i64 {
                m.id
            }
            fn slug_of(m: &$m::Model) -> &str {
                &m.slug
            }
        }
    )*};
}
catalogued!(skill, framework, role);

/// The row named by id or slug, None when there is none.
pub async fn find<E: Catalogued>(
    db: &impl RowSource,
    r: &EntityRef,
) -> AppResult<Option<E::Model>> {
    match r {
        EntityRef::Id(id) => store::by_unique(db, E::TABLE, "id", (*id).into()).await,
        EntityRef::Slug(s) => store::by_unique(db, E::TABLE, "slug", s.as_str().into()).await,
    }
}

pub async fn get<E: Catalogued>(db: &impl RowSource, r: &EntityRef) -> AppResult<E::Model>
where
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    find::<E>(db, r)
        .await?
        .ok_or_else(|| AppError::not_found(E::NOUN, r))
}

/// Deletes the row in one transaction and returns it as it was. Errors from here on name the
/// entity's input by its noun (`skill`, `framework`, `role`), as mutations call it.
pub async fn delete<E: Catalogued>(db: &DatabaseConnection, r: &EntityRef) -> AppResult<E::Model>
where
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let txn = crate::db::begin_write(db).await?;
    let current = get::<E>(&txn, r).await.map_err(at(E::NOUN))?;
    E::delete_by_id(E::id_of(&current))
        .exec(&txn)
        .await
        .map_err(|e| AppError::from_db(e, E::NOUN).at(E::NOUN))?;
    txn.commit().await?;
    Ok(current)
}

/// Adds an alias (cleaned) unless the row has it already.
pub(crate) async fn add_alias<E: Catalogued>(
    db: &DatabaseConnection,
    table: &AliasTable,
    r: &EntityRef,
    alias: &str,
) -> AppResult<E::Model>
where
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let alias = clean_text("alias", alias, 200)?;
    let txn = crate::db::begin_write(db).await?;
    let m = get::<E>(&txn, r).await.map_err(at(E::NOUN))?;
    insert_alias(&txn, table, E::id_of(&m), &alias).await?;
    txn.commit().await?;
    Ok(m)
}

pub(crate) async fn remove_alias<E: Catalogued>(
    db: &DatabaseConnection,
    table: &AliasTable,
    r: &EntityRef,
    alias: &str,
) -> AppResult<E::Model>
where
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let txn = crate::db::begin_write(db).await?;
    let m = get::<E>(&txn, r).await.map_err(at(E::NOUN))?;
    delete_alias(&txn, table, E::id_of(&m), E::slug_of(&m), alias)
        .await
        .map_err(at("alias"))?;
    txn.commit().await?;
    Ok(m)
}
