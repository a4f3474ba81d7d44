//! A release of an external data set an import came from (ESCO v1.1.1, O*NET 29.3 …).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// "esco" or "onet".
    pub name: String,
    pub version: String,
    pub uri: String,
    /// The credit line the data set's licence asks for.
    pub attribution: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
