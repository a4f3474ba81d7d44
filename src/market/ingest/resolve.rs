//! Resolving a read record against the catalog: role by O*NET-SOC code, name or slug (or, when
//! the record names none the catalog knows, by its title); skills and frameworks by label (or
//! extracted from the description); dates and salary checked.
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::{
    catalog::titles::TitleIndex,
    db::stmt,
    error::{AppError, AppResult},
    market::{
        extract::{Extractor, Kind},
        postings::{NewPosting, Period, Salary, Workplace},
    },
};

use super::RawPosting;

/// An ISO date, or the date part of an ISO date-time.
pub fn parse_date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let d = s.trim();
    let d = d.get(..10).unwrap_or(d);
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| AppError::Validation(format!("{field} '{s}' is not an ISO date")))
}

/// The catalog's roles, to match `occupationalCategory` by O*NET-SOC code, name or slug.
#[derive(Default)]
pub struct RoleIndex {
    by_key: HashMap<String, i64>,
}

impl RoleIndex {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<RoleIndex> {
        let rows = db
            .query_all_raw(stmt(
                db.get_database_backend(),
                "SELECT id, slug, name, onet_soc_code FROM role ORDER BY id",
                vec![],
            ))
            .await?;
        let mut by_key = HashMap::new();
        for r in &rows {
            let id: i64 = r.try_get("", "id")?;
            let slug: String = r.try_get("", "slug")?;
            let name: String = r.try_get("", "name")?;
            by_key.insert(slug.to_lowercase(), id);
            by_key.insert(name.to_lowercase(), id);
            if let Some(code) = r.try_get::<Option<String>>("", "onet_soc_code")? {
                // Several roles may share a code: the oldest (lowest id) is its role.
                by_key.entry(code.to_lowercase()).or_insert(id);
                if let Some(short) = code.strip_suffix(".00") {
                    by_key.entry(short.to_owned()).or_insert(id);
                }
            }
        }
        Ok(RoleIndex { by_key })
    }

    /// `15-1252.00`, `15-1252`, `15-1252.00 Software Developers`, a name or a slug.
    pub fn find(&self, s: &str) -> Option<i64> {
        let s = s.trim().to_lowercase();
        if let Some(id) = self.by_key.get(&s) {
            return Some(*id);
        }
        let code = s.split_whitespace().next().unwrap_or("");
        self.by_key.get(code).copied()
    }
}

/// A record resolved: the posting to write, and whether its role was read from its title.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub posting: NewPosting,
    /// The record named no role the catalog knows and its title named one in full
    /// ([`TitleIndex::role_of`]).
    pub role_from_title: bool,
}

/// Turns a raw record into a posting to write: catalog ids for skills, frameworks and role; with
/// no listed skills, those its description mentions (as preferred). A record whose role is
/// missing (or names no role of the catalog) takes the role its title names in full, if any;
/// otherwise its role stays empty.
pub fn resolve(
    raw: RawPosting,
    source: &str,
    ex: &Extractor,
    roles: &RoleIndex,
    titles: &TitleIndex,
    unknown: &mut usize,
) -> AppResult<Resolved> {
    let title = raw
        .title
        .ok_or_else(|| AppError::Validation("title is missing".into()))?;
    let external_id = raw
        .external_id
        .ok_or_else(|| AppError::Validation("identifier (external id) is missing".into()))?;
    let posted = raw
        .date_posted
        .ok_or_else(|| AppError::Validation("datePosted is missing".into()))?;
    let posted_date = parse_date("datePosted", &posted)?;
    let valid_through = raw
        .valid_through
        .map(|v| parse_date("validThrough", &v))
        .transpose()?;
    let workplace = match raw.workplace.as_deref() {
        None => Workplace::Onsite,
        Some(w) => Workplace::parse(w).ok_or_else(|| {
            AppError::Validation(format!("workplace '{w}' is not onsite/hybrid/remote"))
        })?,
    };
    let salary = match (raw.salary_min, raw.salary_max) {
        (None, None) => None,
        (min, max) => {
            let currency = raw
                .salary_currency
                .ok_or_else(|| AppError::Validation("a salary needs a currency".into()))?;
            let period = match raw.salary_period.as_deref() {
                None => Period::Year,
                Some(p) => Period::parse(p).ok_or_else(|| {
                    AppError::Validation(format!(
                        "salary unit '{p}' is not HOUR/DAY/WEEK/MONTH/YEAR"
                    ))
                })?,
            };
            Some(Salary {
                min,
                max,
                currency,
                period,
            })
        }
    };
    let mut skills = Vec::new();
    let mut frameworks = Vec::new();
    for (list, required) in [(&raw.required_skills, true), (&raw.preferred_skills, false)] {
        for label in list {
            let found = ex.lookup(label);
            if found.is_empty() {
                *unknown += 1;
            }
            for (kind, id) in found {
                match kind {
                    Kind::Skill => skills.push((id, required)),
                    Kind::Framework => frameworks.push((id, required)),
                }
            }
        }
    }
    if raw.required_skills.is_empty() && raw.preferred_skills.is_empty() {
        if let Some(d) = &raw.description {
            let (s, f) = ex.distinct(&format!("{title}\n{d}"));
            skills.extend(s.into_iter().map(|id| (id, false)));
            frameworks.extend(f.into_iter().map(|id| (id, false)));
        }
    }
    let listed_role = raw.role.as_deref().and_then(|r| roles.find(r));
    let title_role = match listed_role {
        Some(_) => None,
        None => titles.role_of(&title),
    };
    Ok(Resolved {
        role_from_title: title_role.is_some(),
        posting: NewPosting {
            source: source.to_owned(),
            external_id,
            title,
            company: raw.company,
            city: raw.city,
            region: raw.region,
            country: raw.country,
            workplace,
            employment_type: raw.employment_type,
            salary,
            posted_date,
            valid_through,
            url: raw.url,
            description: raw.description,
            role_id: listed_role.or(title_role),
            skills,
            frameworks,
        },
    })
}
