//! A broader skill of a skill (polyhierarchy edge, narrower → broader).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_broader")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub broader_id: i64,
    pub source_id: Option<i64>,
    /// A copy of the broader skill's slug, which orders nested pages; kept by triggers.
    pub broader_slug: String,
    /// A copy of the narrower skill's slug, which orders nested pages; kept by triggers.
    pub skill_slug: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
