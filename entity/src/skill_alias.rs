//! Another name of a skill ("postgres" for PostgreSQL, "k8s" for Kubernetes).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_alias")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub skill_id: i64,
    pub alias: String,
    pub source_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
