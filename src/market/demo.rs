//! Deterministic synthetic postings over the catalog (source `synthetic`), so analytics answer
//! something on a fresh server. The same count and seed always give the same postings: roles
//! ask for their essential skills and frameworks often and optional ones sometimes (a framework
//! a posting names is required when essential, and half the time when optional); countries,
//! workplaces and salaries (by role seniority and country) follow fixed weights; dates spread
//! over the twelve months before 2026-11-01 with demand growing slightly towards the end.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{
    db::stmt,
    error::AppResult,
    market::{
        ingest::write_batch,
        postings::{NewPosting, Period, Salary, Workplace},
    },
};

pub const SOURCE: &str = "synthetic";

/// How often an optional framework picked for a posting is required there.
pub const FRAMEWORK_REQUIRED: f64 = 0.5;

/// xorshift64*: small, deterministic, good enough for demo data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.unit() * total;
        for (t, w) in items {
            if x < *w {
                return t;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }
}

struct Country {
    code: &'static str,
    currency: &'static str,
    /// Local-currency multiple of the base (EUR-like) salary.
    factor: f64,
    cities: &'static [(&'static str, &'static str)],
}

const COUNTRIES: &[(Country, f64)] = &[
    (
        Country {
            code: "DE",
            currency: "EUR",
            factor: 1.0,
            cities: &[("Berlin", "BE"), ("Munich", "BY"), ("Hamburg", "HH")],
        },
        0.25,
    ),
    (
        Country {
            code: "US",
            currency: "USD",
            factor: 1.7,
            cities: &[("New York", "NY"), ("Austin", "TX"), ("Seattle", "WA")],
        },
        0.25,
    ),
    (
        Country {
            code: "GB",
            currency: "GBP",
            factor: 0.95,
            cities: &[("London", "ENG"), ("Manchester", "ENG")],
        },
        0.15,
    ),
    (
        Country {
            code: "FR",
            currency: "EUR",
            factor: 0.85,
            cities: &[("Paris", "IDF"), ("Lyon", "ARA")],
        },
        0.12,
    ),
    (
        Country {
            code: "NL",
            currency: "EUR",
            factor: 1.0,
            cities: &[("Amsterdam", "NH"), ("Rotterdam", "ZH")],
        },
        0.1,
    ),
    (
        Country {
            code: "PL",
            currency: "PLN",
            factor: 2.6,
            cities: &[("Warsaw", "MZ"), ("Kraków", "MA")],
        },
        0.13,
    ),
];

const COMPANIES: &[&str] = &[
    "Northwind Labs",
    "Contoso Systems",
    "Globex Digital",
    "Initech",
    "Umbrella Software",
    "Stark Cloud",
    "Wayne Data",
    "Acme Platforms",
    "Hooli",
    "Pied Piper",
];

const LEVELS: &[((&str, f64), f64)] = &[
    (("Junior", 0.75), 0.2),
    (("", 1.0), 0.45),
    (("Senior", 1.3), 0.28),
    (("Lead", 1.55), 0.07),
];

struct RoleData {
    id: i64,
    name: String,
    skills: Vec<(i64, bool)>,
    frameworks: Vec<(i64, bool)>,
}

async fn load_roles(db: &impl ConnectionTrait) -> AppResult<Vec<RoleData>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT id, name FROM role ORDER BY id",
            vec![],
        ))
        .await?;
    let mut roles: Vec<RoleData> = Vec::with_capacity(rows.len());
    let mut index = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get("", "id")?;
        index.insert(id, roles.len());
        roles.push(RoleData {
            id,
            name: r.try_get("", "name")?,
            skills: Vec::new(),
            frameworks: Vec::new(),
        });
    }
    for (table, col, fw) in [
        ("role_skill", "skill_id", false),
        ("role_framework", "framework_id", true),
    ] {
        let sql = format!(
            "SELECT role_id, {col} AS eid, importance FROM {table} ORDER BY role_id, {col}"
        );
        for r in &db.query_all_raw(stmt(backend, &sql, vec![])).await? {
            let role: i64 = r.try_get("", "role_id")?;
            let essential = r.try_get::<String>("", "importance")? == "essential";
            if let Some(i) = index.get(&role) {
                let list = if fw {
                    &mut roles[*i].frameworks
                } else {
                    &mut roles[*i].skills
                };
                list.push((r.try_get("", "eid")?, essential));
            }
        }
    }
    Ok(roles)
}

/// `count` postings from `seed` over the catalog in the database.
pub async fn generate(
    db: &impl ConnectionTrait,
    count: usize,
    seed: u64,
) -> AppResult<Vec<NewPosting>> {
    let roles = load_roles(db).await?;
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let mut rng = Rng::new(seed);
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default();
    let workplaces = [
        (Workplace::Onsite, 0.45),
        (Workplace::Hybrid, 0.35),
        (Workplace::Remote, 0.2),
    ];
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        // Earlier roles in the catalog are the commoner ones.
        let weights: Vec<(usize, f64)> = (0..roles.len())
            .map(|k| (k, 1.0 / (1.0 + k as f64 * 0.25)))
            .collect();
        let role = &roles[*rng.weighted(&weights)];
        let country = rng.weighted(COUNTRIES);
        let (city, region) = country.cities[rng.below(country.cities.len())];
        let (level, level_factor) = *rng.weighted(LEVELS);
        // Later days a little likelier: demand grows over the year.
        let age = ((1.0 - rng.unit().sqrt()) * 365.0) as i64;
        let posted = end - Duration::days(age);
        let workplace = *rng.weighted(&workplaces);
        let base = 52_000.0 + (role.id % 7) as f64 * 4_000.0;
        let mid = base * level_factor * country.factor * (0.9 + 0.2 * rng.unit());
        let contract = rng.chance(0.1);
        let salary = if rng.chance(0.8) {
            let (period, div) = if contract {
                (Period::Day, 260.0 / 1.3)
            } else {
                (Period::Year, 1.0)
            };
            let round_to = if contract { 10.0 } else { 1_000.0 };
            let lo = (mid * 0.9 / div / round_to).round() * round_to;
            let hi = (mid * 1.1 / div / round_to).round() * round_to;
            Some(Salary {
                min: Some(lo),
                max: Some(hi),
                currency: country.currency.to_owned(),
                period,
            })
        } else {
            None
        };
        let mut skills = Vec::new();
        for (id, essential) in &role.skills {
            if *essential && rng.chance(0.75) {
                skills.push((*id, true));
            } else if !essential && rng.chance(0.3) {
                skills.push((*id, false));
            }
        }
        // A posting names its stack: an essential framework is always required, an optional
        // one picked for the posting is required in half of them (the employer's stack).
        let mut frameworks = Vec::new();
        for (id, essential) in &role.frameworks {
            if frameworks.len() < 3 && rng.chance(if *essential { 0.6 } else { 0.2 }) {
                let required = *essential || rng.chance(FRAMEWORK_REQUIRED);
                frameworks.push((*id, required));
            }
        }
        let title = if level.is_empty() {
            role.name.clone()
        } else {
            format!("{level} {}", role.name)
        };
        out.push(NewPosting {
            source: SOURCE.to_owned(),
            external_id: format!("syn-{seed}-{i}"),
            title,
            company: Some(COMPANIES[rng.below(COMPANIES.len())].to_owned()),
            city: Some(city.to_owned()),
            region: Some(region.to_owned()),
            country: Some(country.code.to_owned()),
            workplace,
            employment_type: Some(if contract { "CONTRACTOR" } else { "FULL_TIME" }.to_owned()),
            salary,
            posted_date: posted,
            valid_through: Some(posted + Duration::days(45)),
            url: None,
            description: None,
            role_id: Some(role.id),
            skills,
            frameworks,
        });
    }
    Ok(out)
}

/// Generates and writes (upserts: running it again changes nothing) in one transaction.
pub async fn generate_and_write(
    db: &DatabaseConnection,
    count: usize,
    seed: u64,
) -> AppResult<usize> {
    let batch = generate(db, count, seed).await?;
    write_batch(db, batch).await
}
