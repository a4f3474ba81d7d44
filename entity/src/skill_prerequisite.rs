//! A prerequisite of a skill (must be learned before it); the graph is kept acyclic.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_prerequisite")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub prerequisite_id: i64,
    /// A copy of the prerequisite's slug, which orders nested pages; kept by triggers.
    pub prerequisite_slug: String,
    /// A copy of the skill's slug, which orders nested pages; kept by triggers.
    pub skill_slug: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
