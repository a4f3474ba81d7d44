use async_graphql::{Context, Object, ID};

use crate::{
    catalog::frameworks::{self, FrameworkFilter},
    graphql::types::{
        conn_cost,
        connection::{page_args, Total},
        lookup_ref, Conn, Framework, FrameworkConnection, NodeType,
    },
    state::AppState,
};

#[derive(Default)]
pub struct FrameworkQuery;

#[Object]
impl FrameworkQuery {
    /// One framework, by global id or by slug.
    async fn framework(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Framework>> {
        let r = lookup_ref(NodeType::Framework, id, slug)?;
        Ok(frameworks::find(&ctx.data::<AppState>()?.db, &r)
            .await?
            .map(Framework))
    }

    /// Frameworks by slug, optionally only those written for one language (its slug).
    #[graphql(complexity = "conn_cost(first, child_complexity)")]
    async fn frameworks(
        &self,
        ctx: &Context<'_>,
        language: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<FrameworkConnection> {
        let args = page_args(first, after)?;
        let filter = FrameworkFilter { language };
        let page = frameworks::list(&ctx.data::<AppState>()?.db, &filter, &args).await?;
        Ok(FrameworkConnection(Conn::from_nodes(
            page.items,
            page.has_next,
            &args,
            Total::Frameworks(filter),
        )))
    }
}
