use crate::graphql::ContextExt;
use async_graphql::{Context, Object};

use crate::{
    catalog::frameworks::{self, FrameworkFilter as Filter},
    graphql::types::{
        conn_cost,
        connection::{page_args, PageInput},
        inputs::{CatalogOrder, FrameworkFilter},
        refs::{FrameworkRef, ToEntityRef},
        Conn, Framework, FrameworkConnection,
    },
};

#[derive(Default)]
pub struct FrameworkQuery;

#[Object]
impl FrameworkQuery {
    /// One framework, by global id or by slug; null when there is none.
    async fn framework(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The framework: `{ id }` or `{ slug }`.")] by: FrameworkRef,
    ) -> async_graphql::Result<Option<Framework>> {
        let r = by.to_ref()?;
        Ok(frameworks::find(ctx.db()?, &r).await?.map(Framework))
    }

    /// Frameworks, filtered and ordered (by slug unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn frameworks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which frameworks (every condition must hold).")] filter: Option<
            FrameworkFilter,
        >,
        #[graphql(desc = "The order; see the field's description for the default.")]
        order_by: Option<CatalogOrder>,
        #[graphql(desc = "Page size forwards, 0 to 100; default 25.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (with `first`).")] after: Option<String>,
        #[graphql(desc = "Page size backwards, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (with `last`).")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::types::connection::Planned<FrameworkConnection>>
    {
        let db = ctx.db()?;
        let args = page_args(
            PageInput {
                first,
                after,
                last,
                before,
            },
            order_by.into(),
        )?;
        let f = Filter {
            language: None,
            cond: filter.map(|f| f.to_cond()).transpose()?,
        };
        let listing = frameworks::list(db, &f, &args).await?;
        Ok(crate::graphql::types::connection::Planned(
            FrameworkConnection(Conn::from_listing(listing)),
        ))
    }
}
