//! Relay connections: one generic shape, made concrete per node type by a macro, with cursors
//! from each node's sort key and `totalCount` computed only when selected.
use async_graphql::{Context, SimpleObject};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::FromQueryResult;

use crate::{
    catalog::{
        frameworks::{self, FrameworkFilter},
        pages::{EdgeRow, PageArgs, DEFAULT_PAGE, MAX_PAGE},
        roles,
        skills::{self, SkillFilter},
    },
    error::AppError,
    graphql::loaders::{Loaders, PagesOf, Rel},
    state::AppState,
};

/// The cost of a connection field: its page size times what each node costs.
pub fn conn_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let n = first
        .map(|f| f.clamp(0, MAX_PAGE as i32) as usize)
        .unwrap_or(DEFAULT_PAGE as usize);
    1 + n.max(1) * child_complexity
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("k:{key}"))
}

pub fn decode_cursor(cursor: &str) -> Result<String, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("k:").map(str::to_owned))
        .ok_or_else(|| AppError::Validation(format!("invalid cursor '{cursor}'")))
}

/// Checks `first` / `after` and turns them into a page request.
pub fn page_args(first: Option<i32>, after: Option<String>) -> Result<PageArgs, AppError> {
    let first = match first {
        None => DEFAULT_PAGE,
        Some(n) if (0..=MAX_PAGE as i32).contains(&n) => n as u64,
        Some(n) => {
            return Err(AppError::Validation(format!(
                "`first` must be between 0 and {MAX_PAGE}, got {n}"
            )))
        }
    };
    let after = after.as_deref().map(decode_cursor).transpose()?;
    Ok(PageArgs { first, after })
}

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Where `totalCount` comes from, computed only when the field is selected.
#[derive(Clone, Debug)]
pub enum Total {
    Skills(SkillFilter),
    Frameworks(FrameworkFilter),
    Roles,
    Edges(Rel, i64),
}

impl Total {
    pub async fn resolve(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let n = match self {
            Total::Skills(f) => skills::count(&ctx.data::<AppState>()?.db, f).await?,
            Total::Frameworks(f) => frameworks::count(&ctx.data::<AppState>()?.db, f).await?,
            Total::Roles => roles::count(&ctx.data::<AppState>()?.db).await?,
            Total::Edges(rel, parent) => {
                let loaders = ctx.data::<Loaders>()?;
                let loader = loaders
                    .counts(*rel)
                    .ok_or_else(|| AppError::Internal(format!("no count loader for {rel:?}")))?;
                loader
                    .load_one(*parent)
                    .await
                    .map_err(|e| e.to_graphql())?
                    .unwrap_or(0)
            }
        };
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

/// An edge built from a row; its cursor is the node's sort key.
pub trait EdgeOf<M>: Sized {
    fn from_row(row: EdgeRow<M>) -> Self;
    fn cursor(&self) -> &str;
}

/// A page of edges plus what `pageInfo` and `totalCount` need.
pub struct Conn<E> {
    pub edges: Vec<E>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: Total,
}

impl<E> Conn<E> {
    pub fn page_info<M>(&self) -> PageInfo
    where
        E: EdgeOf<M>,
    {
        PageInfo {
            has_next_page: self.has_next,
            has_previous_page: self.has_previous,
            start_cursor: self.edges.first().map(|e| e.cursor().to_owned()),
            end_cursor: self.edges.last().map(|e| e.cursor().to_owned()),
        }
    }

    /// A top-level list page.
    pub fn from_nodes<M>(items: Vec<M>, has_next: bool, args: &PageArgs, total: Total) -> Self
    where
        E: EdgeOf<M>,
    {
        Conn {
            edges: items
                .into_iter()
                .map(|node| E::from_row(EdgeRow { node, attrs: None }))
                .collect(),
            has_next,
            has_previous: args.after.is_some(),
            total,
        }
    }
}

/// A nested connection: the parent's page of a relation, loaded with every other parent's.
pub async fn edge_connection<M, E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<Conn<E>>
where
    M: FromQueryResult + Clone + Send + Sync + 'static,
    Loaders: PagesOf<M>,
    E: EdgeOf<M>,
{
    let args = page_args(first, after)?;
    let loaders = ctx.data::<Loaders>()?;
    let loader = loaders
        .pages(rel)
        .ok_or_else(|| AppError::Internal(format!("no page loader for {rel:?}")))?;
    let page = loader
        .load_one(crate::graphql::loaders::PageKey {
            parent,
            args: args.clone(),
        })
        .await
        .map_err(|e| e.to_graphql())?
        .unwrap_or_default();
    Ok(Conn {
        edges: page.items.into_iter().map(E::from_row).collect(),
        has_next: page.has_next,
        has_previous: args.after.is_some(),
        total: Total::Edges(rel, parent),
    })
}

/// Declares a connection type over an edge type.
macro_rules! connection {
    ($conn:ident, $edge:ty, $model:ty, $node:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $conn(pub $crate::graphql::types::connection::Conn<$edge>);

        #[async_graphql::Object]
        impl $conn {
            /// The edges of this page, each with its cursor.
            async fn edges(&self) -> &Vec<$edge> {
                &self.0.edges
            }
            /// The nodes of this page, without edge data.
            async fn nodes(&self) -> Vec<&$node> {
                self.0.edges.iter().map(|e| &e.node).collect()
            }
            async fn page_info(&self) -> $crate::graphql::types::connection::PageInfo {
                self.0.page_info::<$model>()
            }
            /// How many items the whole list has (computed only when asked for).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<i32> {
                self.0.total.resolve(ctx).await
            }
        }
    };
}
pub(crate) use connection;

/// Declares an edge type with just a node and a cursor.
macro_rules! plain_edge {
    ($edge:ident, $model:ty, $node:ident, $key:ident) => {
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        impl $crate::graphql::types::connection::EdgeOf<$model> for $edge {
            fn from_row(row: $crate::catalog::pages::EdgeRow<$model>) -> Self {
                $edge {
                    cursor: $crate::graphql::types::connection::encode_cursor(&row.node.$key),
                    node: $node(row.node),
                }
            }
            fn cursor(&self) -> &str {
                &self.cursor
            }
        }
    };
}
pub(crate) use plain_edge;

/// Declares an edge of a role's requirement: node, cursor, importance and level.
macro_rules! weighted_edge {
    ($edge:ident, $model:ty, $node:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
            /// Whether the role needs it (ESSENTIAL) or it is a plus (OPTIONAL).
            pub importance: $crate::graphql::types::Importance,
            /// Expected proficiency, 1 (basic) to 5 (expert); null when the source gives none
            /// (ESCO, O*NET technology lists).
            pub level: Option<i32>,
            /// O*NET: the technology is frequently listed in employers' job postings (a market
            /// signal); null when O*NET says nothing about this edge.
            pub hot_technology: Option<bool>,
            /// O*NET: the technology is in demand by employers (a market signal).
            pub in_demand: Option<bool>,
            /// O*NET importance rating (IM, 1–5), from its Skills and Knowledge ratings.
            pub onet_importance: Option<f64>,
            /// O*NET level rating (LV, 0–7), from its Skills and Knowledge ratings.
            pub onet_level: Option<f64>,
        }

        impl $crate::graphql::types::connection::EdgeOf<$model> for $edge {
            fn from_row(row: $crate::catalog::pages::EdgeRow<$model>) -> Self {
                let attrs = row.attrs.unwrap_or($crate::catalog::pages::EdgeAttrs {
                    importance: $crate::catalog::pages::Importance::Optional,
                    level: None,
                    hot_technology: None,
                    in_demand: None,
                    onet_importance: None,
                    onet_level: None,
                });
                $edge {
                    cursor: $crate::graphql::types::connection::encode_cursor(&row.node.slug),
                    node: $node(row.node),
                    importance: attrs.importance.into(),
                    level: attrs.level,
                    hot_technology: attrs.hot_technology,
                    in_demand: attrs.in_demand,
                    onet_importance: attrs.onet_importance,
                    onet_level: attrs.onet_level,
                }
            }
            fn cursor(&self) -> &str {
                &self.cursor
            }
        }
    };
}
pub(crate) use weighted_edge;
