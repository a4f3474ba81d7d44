use crate::graphql::ContextExt;
use async_graphql::{Context, Object};

use crate::{
    catalog::skills::{self, SkillFilter as Filter},
    graphql::types::{
        conn_cost,
        connection::{page_args, PageInput},
        inputs::{CatalogOrder, SkillFilter},
        refs::{SkillRef, ToEntityRef},
        Conn, Skill, SkillConnection,
    },
};

#[derive(Default)]
pub struct SkillQuery;

#[Object]
impl SkillQuery {
    /// One skill, by global id or by slug; null when there is none.
    async fn skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill: `{ id }` or `{ slug }`.")] by: SkillRef,
    ) -> async_graphql::Result<Option<Skill>> {
        let r = by.to_ref()?;
        Ok(skills::find(ctx.db()?, &r).await?.map(Skill))
    }

    /// Skills, filtered and ordered (by slug unless `orderBy` says otherwise).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "conn_cost(first, last, child_complexity)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which skills (every condition must hold).")] filter: Option<SkillFilter>,
        #[graphql(desc = "The order; see the field's description for the default.")]
        order_by: Option<CatalogOrder>,
        #[graphql(desc = "Page size forwards, 0 to 100; default 25.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (with `first`).")] after: Option<String>,
        #[graphql(desc = "Page size backwards, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (with `last`).")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::types::connection::Planned<SkillConnection>> {
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
            kind: None,
            cond: filter.map(|f| f.to_cond()).transpose()?,
        };
        let listing = skills::list(db, &f, &args).await?;
        Ok(crate::graphql::types::connection::Planned(SkillConnection(
            Conn::from_listing(listing),
        )))
    }
}
