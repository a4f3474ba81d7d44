//! Root query fields, one object per domain, merged.
mod analytics;
mod framework;
mod info;
pub(crate) mod market;
mod node;
mod paths;
mod rate_limit;
mod role;
mod salary;
mod search;
mod skill;
mod titles;
mod transitions;

use async_graphql::MergedObject;

/// Everything that can be read.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    skill::SkillQuery,
    framework::FrameworkQuery,
    role::RoleQuery,
    paths::PathQuery,
    info::InfoQuery,
    node::NodeQuery,
    search::SearchQuery,
    market::MarketQuery,
    analytics::AnalyticsQuery,
    titles::TitleQuery,
    transitions::TransitionQuery,
    rate_limit::RateLimitQuery,
);
