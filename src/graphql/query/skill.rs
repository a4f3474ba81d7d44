use async_graphql::{Context, Object, ID};

use crate::{
    catalog::skills::{self, SkillFilter},
    graphql::types::{
        conn_cost,
        connection::{page_args, Total},
        lookup_ref, Conn, NodeType, Skill, SkillConnection, SkillKind,
    },
    state::AppState,
};

#[derive(Default)]
pub struct SkillQuery;

#[Object]
impl SkillQuery {
    /// One skill, by global id or by slug.
    async fn skill(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Skill>> {
        let r = lookup_ref(NodeType::Skill, id, slug)?;
        Ok(skills::find(&ctx.data::<AppState>()?.db, &r)
            .await?
            .map(Skill))
    }

    /// Skills by slug, optionally of one kind.
    #[graphql(complexity = "conn_cost(first, child_complexity)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        kind: Option<SkillKind>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SkillConnection> {
        let args = page_args(first, after)?;
        let filter = SkillFilter {
            kind: kind.map(|k| k.as_str().to_owned()),
        };
        let page = skills::list(&ctx.data::<AppState>()?.db, &filter, &args).await?;
        Ok(SkillConnection(Conn::from_nodes(
            page.items,
            page.has_next,
            &args,
            Total::Skills(filter),
        )))
    }
}
