//! The `Source` type: the imported release a skill or role comes from.
use crate::graphql::error::ToGraphql;
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use entity::source;

use crate::graphql::loaders::Loaders;

/// The external data sets rows are imported from.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceName {
    /// ESCO, the European skills, competences, qualifications and occupations classification.
    Esco,
    /// O*NET, the US Occupational Information Network.
    Onet,
}

/// A release of an external data set (ESCO, O*NET) that rows were imported from.
#[derive(Clone, Debug)]
pub struct Source(pub source::Model);

/// A release of an external data set (ESCO, O*NET) that rows were imported from.
#[Object]
impl Source {
    /// Which data set.
    async fn name(&self) -> async_graphql::Result<SourceName> {
        match self.0.name.as_str() {
            "esco" => Ok(SourceName::Esco),
            "onet" => Ok(SourceName::Onet),
            other => {
                Err(crate::error::AppError::Internal(format!("unknown source '{other}'")).into())
            }
        }
    }
    /// The release, e.g. "1.1.1" or "29.3".
    async fn version(&self) -> &str {
        &self.0.version
    }
    /// Where the data set is published.
    async fn uri(&self) -> &str {
        &self.0.uri
    }
    /// The credit line the data set's licence asks for.
    async fn attribution(&self) -> &str {
        &self.0.attribution
    }
    /// When this release was first imported.
    async fn imported_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// The source of a row by its `source_id`, batched with every other row of the request.
pub async fn load(
    ctx: &Context<'_>,
    source_id: Option<i64>,
) -> async_graphql::Result<Option<Source>> {
    let Some(id) = source_id else {
        return Ok(None);
    };
    let loaders = ctx.data::<Loaders>()?;
    Ok(loaders
        .source_by_id
        .load_one(id)
        .await
        .map_err(|e| e.to_graphql())?
        .map(Source))
}
