//! A page of a top-level list together with its count, so callers above the domains never see
//! the table or the SQL conditions: the count runs only when it is asked for.
use sea_orm::ConnectionTrait;

use crate::store::RowSource;
use crate::{
    error::AppResult,
    store::columns::Node,
    store::pages::{self, EdgeRow, Filter, ListSpec, Page, PageArgs},
};

/// One page of a list and the means to count the whole list.
#[derive(Clone, Debug)]
pub struct Listing<M> {
    pub page: Page<EdgeRow<M>>,
    pub count: ListCount,
}

/// How many rows a list has under its filter, computed on demand.
#[derive(Clone, Debug)]
pub struct ListCount {
    table: &'static str,
    filter: Filter,
}

impl ListCount {
    pub async fn get(&self, db: &impl ConnectionTrait) -> AppResult<u64> {
        pages::list_count(db, self.table, &self.filter).await
    }
}

/// One keyset page of `spec`'s table under `filter`, with its count.
pub async fn list<M: Node + Clone + Send + Sync + 'static>(
    db: &impl RowSource,
    spec: &ListSpec,
    filter: Filter,
    args: &PageArgs,
) -> AppResult<Listing<M>> {
    let page = pages::list_page(db, spec, &filter, args).await?;
    Ok(Listing {
        page,
        count: ListCount {
            table: spec.table,
            filter,
        },
    })
}
