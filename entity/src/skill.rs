//! A skill: a concept, language, database, tool, platform, practice, knowledge or competence.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skill")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
    pub onet_name: Option<String>,
    /// Year of the first public release (languages and tools).
    pub first_release_year: Option<i32>,
    /// SPDX expression of the current licence.
    pub license: Option<String>,
    pub homepage: Option<String>,
    /// ESCO reuse level: transversal, cross-sector, sector-specific or occupation-specific.
    pub reuse_level: Option<String>,
    /// O*NET content-model element id (2.A.1.e), for skills from O*NET's ratings.
    pub onet_element_id: Option<String>,
    /// The imported release the row comes from; none for curated rows.
    pub source_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
