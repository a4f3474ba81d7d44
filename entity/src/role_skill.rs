//! A skill a role requires, essential or optional, at a level 1–5 (none for imported edges).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "role_skill")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    /// "essential" or "optional"
    pub importance: String,
    pub level: Option<i32>,
    /// O*NET: the technology is frequently listed in employers' job postings.
    pub hot_technology: Option<bool>,
    /// O*NET: the technology is in demand by employers.
    pub in_demand: Option<bool>,
    /// O*NET importance rating (IM, 1–5).
    pub onet_importance: Option<f64>,
    /// O*NET level rating (LV, 0–7).
    pub onet_level: Option<f64>,
    pub source_id: Option<i64>,
    /// A copy of the skill's slug, which orders nested pages; kept by triggers.
    pub skill_slug: String,
    /// A copy of the role's slug, which orders nested pages; kept by triggers.
    pub role_slug: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
