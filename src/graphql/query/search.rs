use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use async_graphql::{Context, Object};

use crate::{
    error::AppError,
    graphql::{
        loaders::Loaders,
        types::{
            search::{MatchedField, SearchNode, SearchResult, SearchType},
            Framework, Role, Skill,
        },
    },
    search::{self, Kind},
};

#[derive(Default)]
pub struct SearchQuery;

const MAX_RESULTS: i32 = 100;

#[Object]
impl SearchQuery {
    /// Ranked search over names and aliases: exact, prefix and typo-tolerant
    /// ("djnago" → Django, "postgres" → PostgreSQL, "k8s" → Kubernetes).
    #[graphql(complexity = "1 + first.clamp(0, 100) as usize * child_complexity")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(desc = "Which kinds of entity to return; all when left out.")] types: Option<
            Vec<SearchType>,
        >,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<SearchResult>> {
        if !(0..=MAX_RESULTS).contains(&first) {
            return Err(AppError::Validation(format!(
                "`first` must be between 0 and {MAX_RESULTS}, got {first}"
            ))
            .into());
        }
        if query.chars().count() > 200 {
            return Err(
                AppError::Validation("a search query is at most 200 characters".into()).into(),
            );
        }
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
        let hits = search::search(&state.db, &state.search, &query, &kinds, first as usize).await?;
        let loaders = ctx.data::<Loaders>()?;
        let ids = |k: Kind| {
            hits.iter()
                .filter(|h| h.kind == k)
                .map(|h| h.id)
                .collect::<Vec<_>>()
        };
        let (skills, frameworks, roles) = futures_util::try_join!(
            loaders.skill_by_id.load_many(ids(Kind::Skill)),
            loaders.framework_by_id.load_many(ids(Kind::Framework)),
            loaders.role_by_id.load_many(ids(Kind::Role)),
        )
        .map_err(|e| e.to_graphql())?;
        // An entity deleted since the index was built is simply left out.
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                let node = match h.kind {
                    Kind::Skill => SearchNode::Skill(Skill(skills.get(&h.id)?.clone())),
                    Kind::Framework => {
                        SearchNode::Framework(Framework(frameworks.get(&h.id)?.clone()))
                    }
                    Kind::Role => SearchNode::Role(Role(roles.get(&h.id)?.clone())),
                };
                Some(SearchResult {
                    score: h.score,
                    matched_label: h.label,
                    matched_field: if h.alias {
                        MatchedField::Alias
                    } else {
                        MatchedField::Name
                    },
                    node,
                })
            })
            .collect())
    }
}
