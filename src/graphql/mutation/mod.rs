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
    error::{AppError, AppResult},
    graphql::{mutation::payload::Failure, types::refs::ToEntityRef, ContextExt},
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

/// A ref argument as the domain's [`EntityRef`]; a malformed id is an error about `name`.
pub(crate) fn arg(r: &impl ToEntityRef, name: &'static str) -> Result<EntityRef, AppError> {
    r.to_ref().map_err(|e| e.at(name))
}

/// The body of every link/unlink resolver: resolves both ends (`a` and `b`, named as the
/// mutation's arguments) and runs `op` on them.
pub(crate) async fn relink_pair<M>(
    ctx: &Context<'_>,
    (a, a_name): (&impl ToEntityRef, &'static str),
    (b, b_name): (&impl ToEntityRef, &'static str),
    op: impl AsyncFnOnce(&DatabaseConnection, &EntityRef, &EntityRef) -> AppResult<M>,
) -> Result<M, Failure> {
    let (a, b) = (arg(a, a_name)?, arg(b, b_name)?);
    Ok(op(ctx.db()?, &a, &b).await?)
}
