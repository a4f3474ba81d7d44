//! A curated role and an imported occupation that corresponds to it (same ESCO URI or
//! O*NET-SOC code): the occupation's requirements are evidence for the curated role's.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_equivalent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub equivalent_id: i64,
    /// The key both share: `esco_uri` or `onet_soc_code`.
    pub via: String,
    pub source_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
