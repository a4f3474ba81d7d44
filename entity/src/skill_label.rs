//! An imprecise label a source gives a skill (an ESCO alternative label): kept with its source
//! for search, never used as a name by the crosswalk or by skill extraction.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_label")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub label: String,
    pub source_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
