//! The `jobPostings` list: its typed filter, compiled to SQL conditions over the postings table
//! `t` (every value bound), and its keyset pages.
use chrono::NaiveDate;
use entity::job_posting;
use sea_orm::{DbBackend, Value};

use super::{validate_country, validate_currency, Workplace};
use crate::store::RowSource;
use crate::{
    catalog::{
        pages::{Filter, ListSpec, Order, PageArgs, SortKey},
        EntityRef,
    },
    error::{AppError, AppResult},
    store::listing::{self, Listing},
};

pub const LIST: ListSpec = ListSpec {
    table: "job_posting",
    popularity: None,
};

/// What the `jobPostings` list can be narrowed by; all given conditions must hold.
#[derive(Clone, Debug, Default)]
pub struct PostingFilter {
    /// Asks for every one of these skills (required or preferred).
    pub skills: Vec<EntityRef>,
    pub frameworks: Vec<EntityRef>,
    pub role: Option<EntityRef>,
    pub countries: Vec<String>,
    pub workplaces: Vec<Workplace>,
    /// Annualised salary range the posting's range must overlap.
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub currency: Option<String>,
    pub posted_from: Option<NaiveDate>,
    pub posted_to: Option<NaiveDate>,
    pub sources: Vec<String>,
    /// Only these postings (row ids): how a subscription checks one new posting.
    pub ids: Vec<i64>,
}

fn ref_cond(col: &str, table: &str, r: &EntityRef, values: &mut Vec<Value>) -> String {
    match r {
        EntityRef::Id(id) => {
            values.push((*id).into());
            format!("{col} = ?")
        }
        EntityRef::Slug(s) => {
            values.push(s.clone().into());
            format!("{col} = (SELECT id FROM {table} WHERE slug = ?)")
        }
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl PostingFilter {
    pub fn compile(&self, _backend: DbBackend) -> AppResult<Filter> {
        let mut f = Filter::default();
        if self.skills.len() + self.frameworks.len() > 20 {
            return Err(AppError::Validation(
                "filter on at most 20 skills and frameworks".into(),
            ));
        }
        for s in &self.skills {
            let mut v = Vec::new();
            let c = ref_cond("ps.skill_id", "skill", s, &mut v);
            f = f.and(
                &format!(
                    "EXISTS (SELECT 1 FROM posting_skill ps WHERE ps.posting_id = t.id AND {c})"
                ),
                v,
            );
        }
        for s in &self.frameworks {
            let mut v = Vec::new();
            let c = ref_cond("pf.framework_id", "framework", s, &mut v);
            f = f.and(
                &format!(
                    "EXISTS (SELECT 1 FROM posting_framework pf WHERE pf.posting_id = t.id AND {c})"
                ),
                v,
            );
        }
        if let Some(r) = &self.role {
            let mut v = Vec::new();
            let c = ref_cond("t.role_id", "role", r, &mut v);
            f = f.and(&c, v);
        }
        if !self.countries.is_empty() {
            let cs = self
                .countries
                .iter()
                .map(|c| validate_country(c).map(Value::from))
                .collect::<AppResult<Vec<_>>>()?;
            f = f.and(&format!("t.country IN ({})", placeholders(cs.len())), cs);
        }
        if !self.workplaces.is_empty() {
            let ws: Vec<Value> = self.workplaces.iter().map(|w| w.as_str().into()).collect();
            f = f.and(&format!("t.workplace IN ({})", placeholders(ws.len())), ws);
        }
        if let Some(min) = self.salary_min {
            f = f.and("t.salary_annual_max >= ?", vec![min.into()]);
        }
        if let Some(max) = self.salary_max {
            f = f.and("t.salary_annual_min <= ?", vec![max.into()]);
        }
        if let Some(c) = &self.currency {
            f = f.and("t.salary_currency = ?", vec![validate_currency(c)?.into()]);
        }
        if let Some(d) = self.posted_from {
            f = f.and("t.posted_date >= ?", vec![d.to_string().into()]);
        }
        if let Some(d) = self.posted_to {
            f = f.and("t.posted_date <= ?", vec![d.to_string().into()]);
        }
        if !self.ids.is_empty() {
            let ids: Vec<Value> = self.ids.iter().map(|&i| i.into()).collect();
            f = f.and(&format!("t.id IN ({})", placeholders(ids.len())), ids);
        }
        if !self.sources.is_empty() {
            let ss: Vec<Value> = self.sources.iter().map(|s| s.clone().into()).collect();
            f = f.and(&format!("t.source IN ({})", placeholders(ss.len())), ss);
        }
        Ok(f)
    }
}

/// One page of the list under `filter`, with its count.
pub async fn list(
    db: &impl RowSource,
    filter: &PostingFilter,
    args: &PageArgs,
) -> AppResult<Listing<job_posting::Model>> {
    let f = filter.compile(db.get_database_backend())?;
    listing::list(db, &LIST, f, args).await
}

/// Whether one posting passes the filter (one statement).
pub async fn matches(db: &impl RowSource, filter: &PostingFilter, id: i64) -> AppResult<bool> {
    let f = PostingFilter {
        ids: vec![id],
        ..filter.clone()
    };
    let args = PageArgs {
        order: Order {
            key: SortKey::Posted,
            desc: true,
        },
        ..PageArgs::first(1)
    };
    let l = list(db, &f, &args).await?;
    Ok(!l.page.items.is_empty())
}
