//! An API key: its scopes and budget; only a hash of the secret is stored.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The start of the secret, enough to recognise it in a list, not to use it.
    pub prefix: String,
    /// Hex SHA-256 of the secret.
    pub hash: String,
    /// Comma-separated scopes.
    pub scopes: String,
    /// Cost points per window; `None` means unmetered.
    pub budget: Option<i64>,
    pub window_secs: Option<i64>,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
