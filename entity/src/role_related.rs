//! A role related to another (O*NET related occupations), in the direction the source gives.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_related")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub related_id: i64,
    pub source_id: Option<i64>,
    /// A copy of the related role's slug, which orders nested pages; kept by triggers.
    pub related_slug: String,
    pub created_at: DateTimeUtc,
    /// O*NET's relatedness tier: "primary-short", "primary-long" or "supplemental"; None on
    /// curated links.
    pub relatedness_tier: Option<String>,
    /// O*NET's rank of the pair in the occupation's list (1 = most related); None on curated
    /// links.
    pub relatedness_index: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
