//! A job posting, unique by (source, external_id).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_posting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source: String,
    pub external_id: String,
    pub title: String,
    pub company_id: Option<i64>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub workplace: String,
    pub employment_type: Option<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<String>,
    pub salary_annual_min: Option<f64>,
    pub salary_annual_max: Option<f64>,
    pub salary_sort: i64,
    pub posted_date: String,
    pub valid_through: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub role_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
