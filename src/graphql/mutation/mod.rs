//! Curator mutations, one object per domain, merged. Every field needs a scope (`Scope::WriteCatalog` or `Scope::WritePostings`, see `guard`).
mod framework;
mod market;
mod role;
mod skill;

use async_graphql::{Context, MergedObject, SimpleObject, ID};
use sea_orm::DatabaseConnection;

use crate::{
    catalog::EntityRef,
    error::AppResult,
    graphql::{
        types::{entity_ref, NodeType},
        ContextExt,
    },
};

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    skill::SkillMutation,
    framework::FrameworkMutation,
    role::RoleMutation,
    market::MarketMutation,
);

/// What a delete removed.
#[derive(SimpleObject)]
pub struct Deleted {
    pub id: ID,
    pub slug: String,
}

/// `Some(None)` for an explicit null (clear the field), `None` when the field was left out.
pub(crate) fn patch<T>(v: async_graphql::MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        async_graphql::MaybeUndefined::Undefined => None,
        async_graphql::MaybeUndefined::Null => Some(None),
        async_graphql::MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// The body of every link/unlink resolver: names both ends (global id or slug) and runs `op`
/// on them.
pub(crate) async fn relink_pair<M>(
    ctx: &Context<'_>,
    (ta, a): (NodeType, &ID),
    (tb, b): (NodeType, &ID),
    op: impl AsyncFnOnce(&DatabaseConnection, &EntityRef, &EntityRef) -> AppResult<M>,
) -> async_graphql::Result<M> {
    let (a, b) = (entity_ref(ta, a)?, entity_ref(tb, b)?);
    Ok(op(ctx.db()?, &a, &b).await?)
}
