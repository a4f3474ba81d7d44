use crate::graphql::ContextExt;
use async_graphql::{Context, Object};

use crate::{
    catalog::roles::{self, RoleFilter as Filter},
    graphql::types::{
        conn_cost,
        connection::{page_args, PageInput},
        inputs::{RoleFilter, RoleOrder},
        refs::{RoleRef, ToEntityRef},
        Conn, Role, RoleConnection,
    },
};

#[derive(Default)]
pub struct RoleQuery;

#[Object]
impl RoleQuery {
    /// One role, by global id or by slug; null when there is none.
    async fn role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role: `{ id }` or `{ slug }`.")] by: RoleRef,
    ) -> async_graphql::Result<Option<Role>> {
        let r = by.to_ref()?;
        Ok(roles::find(ctx.db()?, &r).await?.map(Role))
    }

    /// Roles, filtered and ordered (by slug unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which roles (every condition must hold).")] filter: Option<RoleFilter>,
        #[graphql(desc = "The order; see the field's description for the default.")]
        order_by: Option<RoleOrder>,
        #[graphql(desc = "Page size forwards, 0 to 100; default 25.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (with `first`).")] after: Option<String>,
        #[graphql(desc = "Page size backwards, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (with `last`).")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::types::connection::Planned<RoleConnection>> {
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
            cond: filter.map(|f| f.to_cond()).transpose()?,
        };
        let listing = roles::list(db, &f, &args).await?;
        Ok(crate::graphql::types::connection::Planned(RoleConnection(
            Conn::from_listing(listing),
        )))
    }
}
