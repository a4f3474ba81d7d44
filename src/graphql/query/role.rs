use async_graphql::{Context, Object, ID};

use crate::{
    catalog::roles,
    graphql::types::{
        conn_cost,
        connection::{page_args, Total},
        lookup_ref, Conn, NodeType, Role, RoleConnection,
    },
    state::AppState,
};

#[derive(Default)]
pub struct RoleQuery;

#[Object]
impl RoleQuery {
    /// One role, by global id or by slug.
    async fn role(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Role>> {
        let r = lookup_ref(NodeType::Role, id, slug)?;
        Ok(roles::find(&ctx.data::<AppState>()?.db, &r)
            .await?
            .map(Role))
    }

    /// Roles by slug.
    #[graphql(complexity = "conn_cost(first, child_complexity)")]
    async fn roles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<RoleConnection> {
        let args = page_args(first, after)?;
        let page = roles::list(&ctx.data::<AppState>()?.db, &args).await?;
        Ok(RoleConnection(Conn::from_nodes(
            page.items,
            page.has_next,
            &args,
            Total::Roles,
        )))
    }
}
