//! `Role.related` and `Role.relatedFrom`: related roles as edges carrying O*NET's relatedness
//! tier and index. The page itself is the plain role page of the relation; tier and index come
//! from one more batched statement per level, only when selected.
use std::{collections::HashMap, sync::Arc};

use async_graphql::{dataloader::Loader, Context, Enum, Object};
use sea_orm::DatabaseConnection;

use crate::{
    catalog::{
        pages::Cursor,
        roles::{self, RelatedLink, RelatedTier},
    },
    error::AppError,
    graphql::{
        error::ToGraphql,
        loaders::{LoadError, Loaders, Rel},
        types::{
            connection::{edge_connection, encode_cursor, PageInfo, PageInput, Total},
            role::{Role, RoleEdge},
        },
    },
};

/// How closely O*NET relates two occupations (its Related Occupations file).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "RelatedTier")]
pub enum RelatednessTier {
    /// Primary-Short: among the most related few (O*NET's index 1–5).
    PrimaryShort,
    /// Primary-Long: closely related, after the short list (index 6–10).
    PrimaryLong,
    /// Supplemental: related, less closely (index 11–20).
    Supplemental,
}

/// A related role, with how O*NET relates the two (null on curated links).
pub struct RelatedRoleEdge {
    cursor: Cursor,
    node: Role,
    /// The link as `(role_id, related_id)`, whichever side the parent is.
    pair: (i64, i64),
    /// Known when the edge was just written; else loaded on demand.
    link: Option<RelatedLink>,
}

impl RelatedRoleEdge {
    /// The edge `linkRelatedRoles` wrote, as `role.related` gives it.
    pub fn written(
        parent: i64,
        row: crate::catalog::pages::EdgeRow<entity::role::Model>,
        link: RelatedLink,
    ) -> Self {
        let pair = (parent, row.node.id);
        RelatedRoleEdge {
            cursor: row.cursor,
            node: Role(row.node),
            pair,
            link: Some(link),
        }
    }

    async fn link(&self, ctx: &Context<'_>) -> async_graphql::Result<RelatedLink> {
        if let Some(l) = self.link {
            return Ok(l);
        }
        let loaders = ctx.data::<Loaders>()?;
        Ok(loaders
            .related_links
            .load_one(self.pair)
            .await
            .map_err(|e| e.to_graphql())?
            .unwrap_or_default())
    }
}

/// A related role, with how O*NET relates the two (null on curated links).
#[Object]
impl RelatedRoleEdge {
    /// Opaque; pass it as `after` or `before` to page from here.
    async fn cursor(&self) -> String {
        encode_cursor(&self.cursor)
    }
    /// The item.
    async fn node(&self) -> &Role {
        &self.node
    }
    /// O*NET's relatedness tier; null on curated links (and on links imported before tiers
    /// were kept, until the release is imported again).
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<RelatednessTier>> {
        Ok(self.link(ctx).await?.tier.map(Into::into))
    }
    /// O*NET's rank of this role in the occupation's related list, 1 (most related) to 20;
    /// null on curated links. The list itself is ordered by slug, as every nested list.
    async fn index(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        Ok(self.link(ctx).await?.index)
    }
}

/// A page of related roles.
pub struct RelatedRoleConnection {
    edges: Vec<RelatedRoleEdge>,
    has_next: bool,
    has_previous: bool,
    total: Total,
}

/// A page of related roles.
#[Object]
impl RelatedRoleConnection {
    /// The edges of this page, each with its cursor.
    async fn edges(&self) -> &Vec<RelatedRoleEdge> {
        &self.edges
    }
    /// The nodes of this page, without edge data.
    async fn nodes(&self) -> Vec<&Role> {
        self.edges.iter().map(|e| &e.node).collect()
    }
    /// Where this page is in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next,
            has_previous_page: self.has_previous,
            start_cursor: self.edges.first().map(|e| encode_cursor(&e.cursor)),
            end_cursor: self.edges.last().map(|e| encode_cursor(&e.cursor)),
        }
    }
    /// How many items the whole list has (computed only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        self.total.resolve(ctx).await
    }
}

/// The resolver of `Role.related` (`Rel::RoleRelated`: the parent is the role) and
/// `Role.relatedFrom` (`Rel::RoleRelatedFrom`: the parent is the related role).
pub async fn related_roles(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
) -> async_graphql::Result<RelatedRoleConnection> {
    let conn = edge_connection::<entity::role::Model, RoleEdge>(ctx, rel, parent, input).await?;
    let edges = conn
        .edges
        .into_iter()
        .map(|e| {
            let other = e.node.0.id;
            let pair = match rel {
                Rel::RoleRelatedFrom => (other, parent),
                _ => (parent, other),
            };
            RelatedRoleEdge {
                cursor: e.cursor,
                node: e.node,
                pair,
                link: None,
            }
        })
        .collect();
    Ok(RelatedRoleConnection {
        edges,
        has_next: conn.has_next,
        has_previous: conn.has_previous,
        total: conn.total,
    })
}

/// Tier and index of related-role links, by `(role_id, related_id)`, for a whole level at once.
pub struct RelatedLinkLoader {
    pub db: DatabaseConnection,
}

impl Loader<(i64, i64)> for RelatedLinkLoader {
    type Value = RelatedLink;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(i64, i64)],
    ) -> Result<HashMap<(i64, i64), RelatedLink>, Self::Error> {
        roles::related_links(&self.db, keys)
            .await
            .map_err(|e: AppError| Arc::new(e))
    }
}
