//! Search results.
use async_graphql::{Enum, SimpleObject, Union};

use crate::graphql::types::{Framework, Role, Skill};

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchType {
    Skill,
    Framework,
    Role,
}

/// Whether the matched label is the entity's name or one of its aliases.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedField {
    Name,
    Alias,
}

#[derive(Union)]
pub enum SearchNode {
    Skill(Skill),
    Framework(Framework),
    Role(Role),
}

/// One ranked search result.
#[derive(SimpleObject)]
pub struct SearchResult {
    /// Relevance in (0, 1]: 1 for an exact name or alias.
    pub score: f64,
    /// The name or alias that matched.
    pub matched_label: String,
    pub matched_field: MatchedField,
    pub node: SearchNode,
}
