//! Job postings: validation, idempotent upserts keyed by (source, external id), keyset lists
//! with typed filters, and the skills and frameworks of a batch of postings in one statement.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{framework, job_posting, skill};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Value};

use crate::store::RowSource;
use crate::{
    catalog::{clean_opt, clean_text, pages},
    error::{AppError, AppResult},
    store::{id_list_value, in_id_list, stmt},
};

mod filter;
pub use filter::{list, matches, PostingFilter, LIST};

/// Where the work is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Workplace {
    Onsite,
    Hybrid,
    Remote,
}

impl Workplace {
    pub fn as_str(self) -> &'static str {
        match self {
            Workplace::Onsite => "onsite",
            Workplace::Hybrid => "hybrid",
            Workplace::Remote => "remote",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "onsite" | "office" | "inoffice" => Some(Workplace::Onsite),
            "hybrid" => Some(Workplace::Hybrid),
            "remote" | "telecommute" => Some(Workplace::Remote),
            _ => None,
        }
    }
}

/// What a salary figure is per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Hour => "HOUR",
            Period::Day => "DAY",
            Period::Week => "WEEK",
            Period::Month => "MONTH",
            Period::Year => "YEAR",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "HOUR" | "HOURLY" => Some(Period::Hour),
            "DAY" | "DAILY" => Some(Period::Day),
            "WEEK" | "WEEKLY" => Some(Period::Week),
            "MONTH" | "MONTHLY" => Some(Period::Month),
            "YEAR" | "YEARLY" | "ANNUAL" | "ANNUALLY" => Some(Period::Year),
            _ => None,
        }
    }
    /// How many of this period make a working year: 2080 hours, 260 days, 52 weeks, 12 months.
    pub fn per_year(self) -> f64 {
        match self {
            Period::Hour => 2080.0,
            Period::Day => 260.0,
            Period::Week => 52.0,
            Period::Month => 12.0,
            Period::Year => 1.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Salary {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ISO 4217, uppercase.
    pub currency: String,
    pub period: Period,
}

/// A posting to write, already resolved to catalog ids.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPosting {
    pub source: String,
    pub external_id: String,
    pub title: String,
    pub company: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166 alpha-2, uppercase.
    pub country: Option<String>,
    pub workplace: Workplace,
    pub employment_type: Option<String>,
    pub salary: Option<Salary>,
    pub posted_date: NaiveDate,
    pub valid_through: Option<NaiveDate>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub role_id: Option<i64>,
    /// (skill id, required); preferred when not required.
    pub skills: Vec<(i64, bool)>,
    pub frameworks: Vec<(i64, bool)>,
}

/// Whether an upsert created the posting or replaced an earlier version of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
}

pub fn validate_country(c: &str) -> AppResult<String> {
    let c = c.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(AppError::Validation(format!(
            "country '{c}' must be an ISO 3166 alpha-2 code such as DE"
        ))
        .at("country"))
    }
}

pub fn validate_currency(c: &str) -> AppResult<String> {
    let c = c.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(AppError::Validation(format!(
            "currency '{c}' must be an ISO 4217 code such as EUR"
        ))
        .at("salary.currency"))
    }
}

/// Checks and normalises a posting before it is written.
/// At most this many skills, and as many frameworks, per posting: `JobPosting.skills` and
/// `frameworks` are plain lists, bounded by this.
pub const MAX_POSTING_LINKS: usize = 100;

pub fn validate(mut p: NewPosting) -> AppResult<NewPosting> {
    if p.skills.len() > MAX_POSTING_LINKS || p.frameworks.len() > MAX_POSTING_LINKS {
        return Err(AppError::Validation(format!(
            "a posting asks for at most {MAX_POSTING_LINKS} skills and {MAX_POSTING_LINKS} frameworks"
        )));
    }
    p.source = clean_text("source", &p.source, 100)?;
    p.external_id = clean_text("external id", &p.external_id, 200)
        .map_err(|e| e.untagged().at("externalId"))?;
    p.title = clean_text("title", &p.title, 300)?;
    p.company = clean_opt("company", p.company.as_deref(), 200)?;
    p.city = clean_opt("city", p.city.as_deref(), 120)?;
    p.region = clean_opt("region", p.region.as_deref(), 120)?;
    p.country = p.country.as_deref().map(validate_country).transpose()?;
    p.employment_type = clean_opt("employment type", p.employment_type.as_deref(), 40)
        .map_err(|e| e.untagged().at("employmentType"))?
        .map(|e| e.to_ascii_uppercase().replace([' ', '-'], "_"));
    p.url = clean_opt("url", p.url.as_deref(), 2000)?;
    p.description = clean_opt("description", p.description.as_deref(), 100_000)?;
    if let Some(s) = &mut p.salary {
        s.currency = validate_currency(&s.currency)?;
        for (v, field) in [(s.min, "salary.min"), (s.max, "salary.max")] {
            let Some(v) = v else { continue };
            if !v.is_finite() || v < 0.0 {
                return Err(AppError::Validation(format!(
                    "salary {v} must be a non-negative number"
                ))
                .at(field));
            }
        }
        if let (Some(a), Some(b)) = (s.min, s.max) {
            if a > b {
                return Err(AppError::Validation(format!(
                    "salary minimum {a} is above the maximum {b}"
                ))
                .at("salary.min"));
            }
        }
        if s.min.is_none() && s.max.is_none() {
            p.salary = None;
        }
    }
    if let Some(v) = p.valid_through {
        if v < p.posted_date {
            return Err(AppError::Validation(format!(
                "validThrough {v} is before datePosted {}",
                p.posted_date
            ))
            .at("validThrough"));
        }
    }
    // A skill listed twice counts once, required if either says so.
    for list in [&mut p.skills, &mut p.frameworks] {
        let mut seen: HashMap<i64, bool> = HashMap::new();
        for (id, req) in list.iter() {
            *seen.entry(*id).or_default() |= *req;
        }
        let mut v: Vec<(i64, bool)> = seen.into_iter().collect();
        v.sort_unstable();
        *list = v;
    }
    Ok(p)
}

/// Annualised (min, max), and the whole midpoint that orders by salary (-1 without a salary).
pub fn annualise(s: Option<&Salary>) -> (Option<f64>, Option<f64>, i64) {
    let Some(s) = s else {
        return (None, None, -1);
    };
    let f = s.period.per_year();
    let min = s.min.or(s.max).map(|v| v * f);
    let max = s.max.or(s.min).map(|v| v * f);
    let mid = match (min, max) {
        (Some(a), Some(b)) => ((a + b) / 2.0).round() as i64,
        _ => -1,
    };
    (min, max, mid)
}

async fn company_id(db: &impl ConnectionTrait, name: &str) -> AppResult<i64> {
    let backend = db.get_database_backend();
    db.execute_raw(stmt(
        backend,
        "INSERT INTO company (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        vec![name.into(), chrono::Utc::now().into()],
    ))
    .await?;
    let row = db
        .query_one_raw(stmt(
            backend,
            "SELECT id FROM company WHERE name = ?",
            vec![name.into()],
        ))
        .await?
        .ok_or_else(|| AppError::Internal(format!("company {name} vanished")))?;
    Ok(row.try_get("", "id")?)
}

/// Writes a posting (inserted, or replacing the one with the same source and external id) with
/// its skills and frameworks, in the caller's transaction.
pub async fn upsert_in(
    db: &impl RowSource,
    p: &NewPosting,
) -> AppResult<(job_posting::Model, Outcome)> {
    let backend = db.get_database_backend();
    let company = match &p.company {
        Some(name) => Some(company_id(db, name).await?),
        None => None,
    };
    let (amin, amax, sort) = annualise(p.salary.as_ref());
    let now = chrono::Utc::now();
    let existing = db
        .query_one_raw(stmt(
            backend,
            "SELECT id FROM job_posting WHERE source = ? AND external_id = ?",
            vec![p.source.clone().into(), p.external_id.clone().into()],
        ))
        .await?;
    let fields: Vec<Value> = vec![
        p.title.clone().into(),
        company.into(),
        p.city.clone().into(),
        p.region.clone().into(),
        p.country.clone().into(),
        p.workplace.as_str().into(),
        p.employment_type.clone().into(),
        p.salary.as_ref().and_then(|s| s.min).into(),
        p.salary.as_ref().and_then(|s| s.max).into(),
        p.salary.as_ref().map(|s| s.currency.clone()).into(),
        p.salary
            .as_ref()
            .map(|s| s.period.as_str().to_owned())
            .into(),
        amin.into(),
        amax.into(),
        sort.into(),
        p.posted_date.to_string().into(),
        p.valid_through.map(|d| d.to_string()).into(),
        p.url.clone().into(),
        p.description.clone().into(),
        p.role_id.into(),
        now.into(),
    ];
    let (id, outcome) = match existing {
        Some(row) => {
            let id: i64 = row.try_get("", "id")?;
            let mut values = fields;
            values.push(id.into());
            db.execute_raw(stmt(
                backend,
                "UPDATE job_posting SET title = ?, company_id = ?, city = ?, region = ?, country = ?, \
                 workplace = ?, employment_type = ?, salary_min = ?, salary_max = ?, \
                 salary_currency = ?, salary_period = ?, salary_annual_min = ?, \
                 salary_annual_max = ?, salary_sort = ?, posted_date = ?, valid_through = ?, \
                 url = ?, description = ?, role_id = ?, updated_at = ? WHERE id = ?",
                values,
            ))
            .await?;
            (id, Outcome::Updated)
        }
        None => {
            let mut values: Vec<Value> =
                vec![p.source.clone().into(), p.external_id.clone().into()];
            values.extend(fields);
            values.push(now.into());
            let row = db
                .query_one_raw(stmt(
                    backend,
                    "INSERT INTO job_posting (source, external_id, title, company_id, city, region, \
                     country, workplace, employment_type, salary_min, salary_max, salary_currency, \
                     salary_period, salary_annual_min, salary_annual_max, salary_sort, posted_date, \
                     valid_through, url, description, role_id, updated_at, created_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                     RETURNING id",
                    values,
                ))
                .await
                .map_err(|e| AppError::from_db(e, "job posting"))?
                .ok_or_else(|| AppError::Internal("insert returned no id".into()))?;
            (row.try_get("", "id")?, Outcome::Inserted)
        }
    };
    for (table, col, list) in [
        ("posting_skill", "skill_id", &p.skills),
        ("posting_framework", "framework_id", &p.frameworks),
    ] {
        db.execute_raw(stmt(
            backend,
            &format!("DELETE FROM {table} WHERE posting_id = ?"),
            vec![id.into()],
        ))
        .await?;
        if list.is_empty() {
            continue;
        }
        let mut values: Vec<Value> = Vec::with_capacity(list.len() * 3);
        let mut rows = Vec::with_capacity(list.len());
        for (other, required) in list {
            rows.push("(?, ?, ?)");
            values.extend([id.into(), (*other).into(), (*required).into()]);
        }
        db.execute_raw(stmt(
            backend,
            &format!(
                "INSERT INTO {table} (posting_id, {col}, required) VALUES {}",
                rows.join(", ")
            ),
            values,
        ))
        .await
        .map_err(|e| AppError::from_db(e, "posting skill"))?;
    }
    let model = get_in(db, id).await?;
    Ok((model, outcome))
}

/// Writes one posting in its own transaction, announcing it to subscribers on commit.
pub async fn upsert(
    db: &DatabaseConnection,
    feed: &crate::market::feed::Feed,
    p: NewPosting,
) -> AppResult<(job_posting::Model, Outcome)> {
    let p = validate(p)?;
    let txn = crate::db::begin_write(db).await?;
    let (m, outcome) = upsert_in(&txn, &p).await?;
    if outcome == Outcome::Inserted {
        feed.notify_in(&txn, m.id).await?;
    }
    txn.commit().await?;
    if outcome == Outcome::Inserted {
        feed.published_locally(m.id);
    }
    Ok((m, outcome))
}

async fn get_in(db: &impl RowSource, id: i64) -> AppResult<job_posting::Model> {
    find(db, id)
        .await?
        .ok_or_else(|| AppError::not_found("job posting", format!("#{id}")))
}

pub async fn find(db: &impl RowSource, id: i64) -> AppResult<Option<job_posting::Model>> {
    let rows = pages::by_ids::<job_posting::Model>(db, "job_posting", &[id], |m| m.id).await?;
    Ok(rows.into_values().next())
}

/// A skill or framework a posting asks for, and whether it is required.
#[derive(Clone, Debug)]
pub struct Linked<M> {
    pub node: M,
    pub required: bool,
}

/// The skills (or frameworks) of a batch of postings, in one statement; ordered by slug.
async fn links<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &str,
    node_table: &str,
    col: &str,
    postings: &[i64],
) -> AppResult<HashMap<i64, Vec<Linked<M>>>> {
    let mut out: HashMap<i64, Vec<Linked<M>>> = HashMap::new();
    if postings.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let collate = if backend == DbBackend::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    let sql = format!(
        "SELECT n.*, e.posting_id AS sg_parent, e.required AS sg_required FROM {table} e \
         JOIN {node_table} n ON n.id = e.{col} WHERE {} \
         ORDER BY e.posting_id, e.required DESC, n.slug{collate}",
        in_id_list(backend, "e.posting_id")
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(backend, postings)]))
        .await?;
    for row in &rows {
        let parent: i64 = row.try_get("", "sg_parent")?;
        let required: bool = row.try_get("", "sg_required")?;
        out.entry(parent).or_default().push(Linked {
            node: M::from_query_result(row, "")?,
            required,
        });
    }
    Ok(out)
}

pub async fn skills_of(
    db: &impl ConnectionTrait,
    postings: &[i64],
) -> AppResult<HashMap<i64, Vec<Linked<skill::Model>>>> {
    links(db, "posting_skill", "skill", "skill_id", postings).await
}

pub async fn frameworks_of(
    db: &impl ConnectionTrait,
    postings: &[i64],
) -> AppResult<HashMap<i64, Vec<Linked<framework::Model>>>> {
    links(
        db,
        "posting_framework",
        "framework",
        "framework_id",
        postings,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annualises() {
        let s = Salary {
            min: Some(50.0),
            max: Some(60.0),
            currency: "EUR".into(),
            period: Period::Hour,
        };
        assert_eq!(
            annualise(Some(&s)),
            (Some(104_000.0), Some(124_800.0), 114_400)
        );
        assert_eq!(annualise(None), (None, None, -1));
    }
}
