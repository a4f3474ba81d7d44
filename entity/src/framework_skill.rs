//! A skill a framework uses.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "framework_skill")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub framework_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    /// A copy of the skill's slug, which orders nested pages; kept by triggers.
    pub skill_slug: String,
    /// A copy of the framework's slug, which orders nested pages; kept by triggers.
    pub framework_slug: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
