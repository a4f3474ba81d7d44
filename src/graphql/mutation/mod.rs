//! Curator mutations, one object per domain, merged. Every field needs a scope (`Scope::WriteCatalog` or `Scope::WritePostings`, see `guard`).
mod framework;
mod market;
pub mod payload;
mod role;
mod skill;

use async_graphql::{Context, MergedObject, SimpleObject, ID};
use sea_orm::DatabaseConnection;

use crate::{
    catalog::EntityRef,
    error::AppResult,
    graphql::{types::refs::ToEntityRef, ContextExt},
};

/// Curator writes; every one needs a scope (or the admin token).
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
    /// The global id it had.
    pub id: ID,
    /// The slug it had.
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

/// The body of every link/unlink resolver: resolves both ends and runs `op` on them.
pub(crate) async fn relink_pair<M>(
    ctx: &Context<'_>,
    a: &impl ToEntityRef,
    b: &impl ToEntityRef,
    op: impl AsyncFnOnce(&DatabaseConnection, &EntityRef, &EntityRef) -> AppResult<M>,
) -> async_graphql::Result<M> {
    let (a, b) = (a.to_ref()?, b.to_ref()?);
    Ok(op(ctx.db()?, &a, &b).await?)
}
