//! The `JobPosting` type, its location, salary and the skills and frameworks it asks for.
use crate::graphql::error::ToGraphql;
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::job_posting;

use crate::{
    catalog::pages::{Order, SortKey},
    error::AppError,
    graphql::{
        loaders::{Loaders, Rel},
        types::{
            connection::{connection, edge_connection_ordered, plain_edge, Conn, PageInput},
            global_id, Framework, NodeType, Role, Skill,
        },
    },
    market::postings::{Period, Workplace as DomainWorkplace},
};

/// A job posting from a source (a job board, an import, or `synthetic` demo data).
#[derive(Clone, Debug)]
pub struct JobPosting(pub job_posting::Model);

plain_edge!(JobPostingEdge, job_posting::Model, JobPosting);
connection!(
    JobPostingConnection,
    JobPostingEdge,
    job_posting::Model,
    JobPosting,
    "A page of job postings."
);

/// Where the work is done.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "DomainWorkplace")]
pub enum Workplace {
    /// At the employer's site.
    Onsite,
    /// Partly remote.
    Hybrid,
    /// Remote.
    Remote,
}

/// The kind of employment, in schema.org's `JobPosting.employmentType` vocabulary.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmploymentType {
    /// Full-time.
    FullTime,
    /// Part-time.
    PartTime,
    /// A contractor or freelancer.
    Contractor,
    /// A temporary position.
    Temporary,
    /// An internship.
    Intern,
    /// Volunteer work.
    Volunteer,
    /// Paid by the day, as needed.
    PerDiem,
    /// Anything else the source says.
    Other,
}

impl EmploymentType {
    /// The stored value (schema.org's name).
    pub fn as_stored(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "FULL_TIME",
            EmploymentType::PartTime => "PART_TIME",
            EmploymentType::Contractor => "CONTRACTOR",
            EmploymentType::Temporary => "TEMPORARY",
            EmploymentType::Intern => "INTERN",
            EmploymentType::Volunteer => "VOLUNTEER",
            EmploymentType::PerDiem => "PER_DIEM",
            EmploymentType::Other => "OTHER",
        }
    }

    /// A stored value back; a value outside the vocabulary (older or imported rows) is OTHER.
    pub fn from_stored(s: &str) -> Self {
        let norm = s.trim().to_ascii_uppercase().replace(['-', ' '], "_");
        [
            EmploymentType::FullTime,
            EmploymentType::PartTime,
            EmploymentType::Contractor,
            EmploymentType::Temporary,
            EmploymentType::Intern,
            EmploymentType::Volunteer,
            EmploymentType::PerDiem,
        ]
        .into_iter()
        .find(|t| t.as_stored() == norm)
        .unwrap_or(EmploymentType::Other)
    }
}

/// What a salary figure is per.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "Period")]
pub enum SalaryPeriod {
    /// Per hour (× 2080 a year).
    Hour,
    /// Per day (× 260).
    Day,
    /// Per week (× 52).
    Week,
    /// Per month (× 12).
    Month,
    /// Per year.
    Year,
}

/// Where a job is.
#[derive(SimpleObject, Clone, Debug)]
pub struct Location {
    /// The city, when given.
    pub city: Option<String>,
    /// The region or state, when given.
    pub region: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
}

/// The advertised pay, as given and annualised (hour × 2080, day × 260, week × 52, month × 12).
#[derive(SimpleObject, Clone, Debug)]
pub struct Salary {
    /// The lower bound, when given.
    pub min: Option<f64>,
    /// The upper bound, when given.
    pub max: Option<f64>,
    /// ISO 4217 code, e.g. EUR.
    pub currency: String,
    /// What the amounts are per.
    pub period: SalaryPeriod,
    /// `min` annualised.
    pub annual_min: Option<f64>,
    /// `max` annualised.
    pub annual_max: Option<f64>,
}

/// A skill a posting asks for.
#[derive(SimpleObject)]
pub struct PostingSkill {
    /// The skill.
    pub skill: Skill,
    /// Required (true) or preferred (false).
    pub required: bool,
}

/// A framework a posting asks for.
#[derive(SimpleObject)]
pub struct PostingFramework {
    /// The framework.
    pub framework: Framework,
    /// How many of them required it (the rest preferred it).
    pub required: bool,
}

/// A job posting from a source (a job board, an import, or `synthetic` demo data).
#[Object]
impl JobPosting {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::JobPosting, self.0.id)
    }
    /// Where the posting came from (`synthetic` for generated demo data).
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// The posting's id at its source; unique with `source`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The title as advertised.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The employer, when given.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let Some(id) = self.0.company_id else {
            return Ok(None);
        };
        let c = ctx
            .data::<Loaders>()?
            .company_by_id
            .load_one(id)
            .await
            .map_err(|e| e.to_graphql())?;
        Ok(c.map(|c| c.name))
    }
    /// Where the job is.
    async fn location(&self) -> Location {
        Location {
            city: self.0.city.clone(),
            region: self.0.region.clone(),
            country: self.0.country.clone(),
        }
    }
    /// On site, hybrid or remote.
    async fn workplace(&self) -> Workplace {
        DomainWorkplace::parse(&self.0.workplace)
            .unwrap_or(DomainWorkplace::Onsite)
            .into()
    }
    /// FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN…, as the source says.
    async fn employment_type(&self) -> Option<EmploymentType> {
        self.0
            .employment_type
            .as_deref()
            .map(EmploymentType::from_stored)
    }
    /// The advertised pay, when given.
    async fn salary(&self) -> Option<Salary> {
        let currency = self.0.salary_currency.clone()?;
        let period = self
            .0
            .salary_period
            .as_deref()
            .and_then(Period::parse)
            .unwrap_or(Period::Year);
        Some(Salary {
            min: self.0.salary_min,
            max: self.0.salary_max,
            currency,
            period: period.into(),
            annual_min: self.0.salary_annual_min,
            annual_max: self.0.salary_annual_max,
        })
    }
    /// When it was posted.
    async fn posted_date(&self) -> async_graphql::Result<NaiveDate> {
        Ok(parse_date(&self.0.posted_date)?)
    }
    /// Until when it is open, when given.
    async fn valid_through(&self) -> async_graphql::Result<Option<NaiveDate>> {
        Ok(self
            .0
            .valid_through
            .as_deref()
            .map(parse_date)
            .transpose()?)
    }
    /// Where it is advertised.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Plain text (HTML is stripped on ingestion).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The role, when the posting names one the catalog knows.
    async fn role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Role>> {
        let Some(id) = self.0.role_id else {
            return Ok(None);
        };
        let r = ctx
            .data::<Loaders>()?
            .role_by_id
            .load_one(id)
            .await
            .map_err(|e| e.to_graphql())?;
        Ok(r.map(Role))
    }
    /// Skills asked for, required ones first, then by slug.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PostingSkill>> {
        let v = ctx
            .data::<Loaders>()?
            .posting_skills
            .load_one(self.0.id)
            .await
            .map_err(|e| e.to_graphql())?
            .unwrap_or_default();
        Ok(v.into_iter()
            .map(|l| PostingSkill {
                skill: Skill(l.node),
                required: l.required,
            })
            .collect())
    }
    /// Frameworks asked for, required ones first, then by slug.
    async fn frameworks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PostingFramework>> {
        let v = ctx
            .data::<Loaders>()?
            .posting_frameworks
            .load_one(self.0.id)
            .await
            .map_err(|e| e.to_graphql())?
            .unwrap_or_default();
        Ok(v.into_iter()
            .map(|l| PostingFramework {
                framework: Framework(l.node),
                required: l.required,
            })
            .collect())
    }
    /// When the row was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the row last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored date '{s}' is not ISO")))
}

/// A parent's postings, newest first (nested lists of Skill, Framework and Role).
pub async fn postings_of(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
) -> async_graphql::Result<JobPostingConnection> {
    let conn: Conn<JobPostingEdge> = edge_connection_ordered(
        ctx,
        rel,
        parent,
        input,
        Order {
            key: SortKey::Slug,
            desc: true,
        },
    )
    .await?;
    Ok(JobPostingConnection(conn))
}
