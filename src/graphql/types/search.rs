//! Search results: a connection over the ranking, with the score and matched label on each edge.
use async_graphql::{Enum, SimpleObject, Union};

use crate::graphql::types::{Framework, PageInfo, Role, Skill};

/// Which kinds of entity a search returns.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchType {
    /// Skills.
    Skill,
    /// Frameworks.
    Framework,
    /// Roles.
    Role,
}

/// Whether the matched label is the entity's name or one of its aliases.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedField {
    /// The entity's name.
    Name,
    /// One of its aliases.
    Alias,
}

/// What a search finds: a skill, a framework or a role.
#[derive(Union, Clone)]
pub enum SearchNode {
    Skill(Skill),
    Framework(Framework),
    Role(Role),
}

/// One ranked search result: the entity, and how well and where it matched.
#[derive(SimpleObject, Clone)]
pub struct SearchEdge {
    /// Opaque; `after` it continues the ranking of the same query.
    pub cursor: String,
    /// The entity found.
    pub node: SearchNode,
    /// Relevance in (0, 1]: 1 for an exact name or alias.
    pub score: f64,
    /// The name or alias that matched.
    pub matched_label: String,
    /// Whether `matchedLabel` is the name or an alias.
    pub matched_field: MatchedField,
}

/// A page of the ranking, best first.
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// The results of this page, each with its score and cursor.
    pub edges: Vec<SearchEdge>,
    /// The entities of this page, without edge data.
    pub nodes: Vec<SearchNode>,
    /// Where this page is in the ranking.
    pub page_info: PageInfo,
    /// How many results the ranking has (at most 100: a search ranks the best 100 matches).
    pub total_count: i32,
}
