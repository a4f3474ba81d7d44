use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use async_graphql::{Context, Object};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{
            search::{MatchedField, SearchConnection, SearchEdge, SearchNode, SearchType},
            Framework, PageInfo, Role, Skill,
        },
    },
    search::{self, Kind},
};

#[derive(Default)]
pub struct SearchQuery;

/// A search ranks at most this many matches; pages walk that ranking.
const MAX_RANKED: usize = 100;
const MAX_PAGE: i32 = 100;
const DEFAULT_PAGE: i32 = 25;

/// A search cursor: the position in the ranking (opaque to clients).
fn encode_cursor(pos: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{pos}"))
}

fn decode_cursor(c: &str) -> Result<usize, AppError> {
    URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("search:")?.parse().ok())
        .ok_or_else(|| AppError::Validation(format!("invalid cursor '{c}'")))
}

#[Object]
impl SearchQuery {
    /// Ranked search over names and aliases: exact, prefix and typo-tolerant
    /// ("djnago" → Django, "postgres" → PostgreSQL, "k8s" → Kubernetes). A connection over the
    /// best 100 matches, best first; each edge carries its score and the label that matched.
    #[graphql(complexity = "1 + first.unwrap_or(25).clamp(0, 100) as usize * child_complexity")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text to look for (at most 200 characters).")] query: String,
        #[graphql(desc = "Which kinds of entity to return; all when left out.")] types: Option<
            Vec<SearchType>,
        >,
        #[graphql(desc = "Page size, 0 to 100; default 25.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (from a previous page of the same query).")]
        after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let first = first.unwrap_or(DEFAULT_PAGE);
        if !(0..=MAX_PAGE).contains(&first) {
            return Err(AppError::Validation(format!(
                "`first` must be between 0 and {MAX_PAGE}, got {first}"
            ))
            .into());
        }
        if query.chars().count() > 200 {
            return Err(
                AppError::Validation("a search query is at most 200 characters".into()).into(),
            );
        }
        let offset = after
            .as_deref()
            .map(decode_cursor)
            .transpose()?
            .map_or(0, |p| p + 1);
        let state = ctx.state()?;
        let kinds: Vec<Kind> = match types {
            None => vec![Kind::Skill, Kind::Framework, Kind::Role],
            Some(t) => t
                .into_iter()
                .map(|t| match t {
                    SearchType::Skill => Kind::Skill,
                    SearchType::Framework => Kind::Framework,
                    SearchType::Role => Kind::Role,
                })
                .collect(),
        };
        let ranked = search::search(&state.db, &state.search, &query, &kinds, MAX_RANKED).await?;
        let total = ranked.len();
        let end = (offset + first as usize).min(total);
        let page: Vec<(usize, search::Hit)> = ranked
            .into_iter()
            .enumerate()
            .skip(offset)
            .take(end.saturating_sub(offset))
            .collect();
        let loaders = ctx.data::<Loaders>()?;
        let ids = |k: Kind| {
            page.iter()
                .filter(|(_, h)| h.kind == k)
                .map(|(_, h)| h.id)
                .collect::<Vec<_>>()
        };
        let (skills, frameworks, roles) = futures_util::try_join!(
            loaders.skill_by_id.load_many(ids(Kind::Skill)),
            loaders.framework_by_id.load_many(ids(Kind::Framework)),
            loaders.role_by_id.load_many(ids(Kind::Role)),
        )
        .map_err(|e| e.to_graphql())?;
        // An entity deleted since the index was built is simply left out.
        let edges: Vec<SearchEdge> = page
            .into_iter()
            .filter_map(|(pos, h)| {
                let node = match h.kind {
                    Kind::Skill => SearchNode::Skill(Skill(skills.get(&h.id)?.clone())),
                    Kind::Framework => {
                        SearchNode::Framework(Framework(frameworks.get(&h.id)?.clone()))
                    }
                    Kind::Role => SearchNode::Role(Role(roles.get(&h.id)?.clone())),
                };
                Some(SearchEdge {
                    cursor: encode_cursor(pos),
                    node,
                    score: h.score,
                    matched_label: h.label,
                    matched_field: if h.alias {
                        MatchedField::Alias
                    } else {
                        MatchedField::Name
                    },
                })
            })
            .collect();
        Ok(SearchConnection {
            nodes: edges.iter().map(|e| e.node.clone()).collect(),
            page_info: PageInfo {
                has_next_page: end < total,
                has_previous_page: offset > 0,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            total_count: i32::try_from(total).unwrap_or(i32::MAX),
            edges,
        })
    }
}
