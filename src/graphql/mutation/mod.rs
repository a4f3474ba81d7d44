//! Curator mutations, one object per domain, merged. Every field is behind [`AdminGuard`].
mod framework;
mod market;
mod role;
mod skill;

use async_graphql::{MergedObject, SimpleObject, ID};

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
