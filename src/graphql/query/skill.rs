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
        filter: Option<SkillFilter>,
        order_by: Option<CatalogOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<SkillConnection> {
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
        Ok(SkillConnection(Conn::from_listing(listing)))
    }
}
