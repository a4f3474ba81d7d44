//! Root query fields, one object per domain, merged.
mod framework;
mod info;
mod paths;
mod role;
mod skill;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    skill::SkillQuery,
    framework::FrameworkQuery,
    role::RoleQuery,
    paths::PathQuery,
    info::InfoQuery,
);
