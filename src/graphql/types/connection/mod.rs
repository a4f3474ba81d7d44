//! Relay connections: one generic shape, made concrete per node type by a macro, with cursors
//! from each node's sort key and `totalCount` computed only when selected.
use crate::graphql::error::ToGraphql;
use crate::graphql::ContextExt;
use async_graphql::{Context, SelectionField, SimpleObject};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::{
    catalog::{
        filters::EdgeFilter,
        pages::{Cursor, EdgeRow, Order, Page, PageArgs, DEFAULT_PAGE, MAX_PAGE},
    },
    error::AppError,
    graphql::loaders::{CountKey, Loaders, PagesOf, Rel, Selects},
    store::{
        columns::{Columns, Node},
        edges::{Select, ATTRS},
        ListCount, Listing,
    },
};

/// The cost of a connection field: its page size times what each node costs.
pub fn conn_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first
        .or(last)
        .map(|f| f.clamp(0, MAX_PAGE as i32) as usize)
        .unwrap_or(DEFAULT_PAGE as usize);
    1 + n.max(1) * child_complexity
}

/// Opaque to clients: base64url of the sort key and id.
pub fn encode_cursor(c: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(c.encode())
}

pub fn decode_cursor(cursor: &str) -> Result<Cursor, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| Cursor::decode(&s))
        .ok_or_else(|| AppError::Validation(format!("invalid cursor '{cursor}'")))
}

/// Relay's pagination arguments, as given.
#[derive(Clone, Debug, Default)]
pub struct PageInput {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

fn page_size(name: &str, n: i32) -> Result<u64, AppError> {
    if (0..=MAX_PAGE as i32).contains(&n) {
        Ok(n as u64)
    } else {
        Err(AppError::Validation(format!(
            "`{name}` must be between 0 and {MAX_PAGE}, got {n}"
        )))
    }
}

/// Checks `first`/`after` or `last`/`before` and turns them into a page request.
pub fn page_args(input: PageInput, order: Order) -> Result<PageArgs, AppError> {
    let PageInput {
        first,
        after,
        last,
        before,
    } = input;
    if first.is_some() && last.is_some() {
        return Err(AppError::Validation(
            "give `first` or `last`, not both".into(),
        ));
    }
    if after.is_some() && before.is_some() {
        return Err(AppError::Validation(
            "give `after` or `before`, not both".into(),
        ));
    }
    let backward = last.is_some() || (before.is_some() && first.is_none());
    if backward && after.is_some() {
        return Err(AppError::Validation(
            "`last` pages backwards: use it with `before`".into(),
        ));
    }
    if !backward && before.is_some() {
        return Err(AppError::Validation(
            "`first` pages forwards: use it with `after`".into(),
        ));
    }
    let limit = match (first, last) {
        (Some(n), _) => page_size("first", n)?,
        (None, Some(n)) => page_size("last", n)?,
        (None, None) => DEFAULT_PAGE,
    };
    let cursor = after.or(before).as_deref().map(decode_cursor).transpose()?;
    Ok(PageArgs {
        limit,
        cursor,
        backward,
        order,
    })
}

/// Where a page is in its list (Relay's PageInfo).
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// Items come before this page.
    pub has_previous_page: bool,
    /// The cursor of the page's first edge; null for an empty page.
    pub start_cursor: Option<String>,
    /// The cursor of the page's last edge; null for an empty page.
    pub end_cursor: Option<String>,
}

/// Where `totalCount` comes from, computed only when the field is selected.
#[derive(Clone, Debug)]
pub enum Total {
    List(ListCount),
    /// The edges of one parent that the filter keeps.
    Edges(Rel, i64, EdgeFilter),
}

impl Total {
    pub async fn resolve(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let n = match self {
            Total::List(count) => count.get(ctx.db()?).await?,
            Total::Edges(rel, parent, filter) => {
                let loaders = ctx.data::<Loaders>()?;
                let loader = loaders
                    .counts(*rel)
                    .ok_or_else(|| AppError::Internal(format!("no count loader for {rel:?}")))?;
                loader
                    .load_one(CountKey {
                        parent: *parent,
                        filter: filter.clone(),
                    })
                    .await
                    .map_err(|e| e.to_graphql())?
                    .unwrap_or(0)
            }
        };
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

/// An edge built from a row; its cursor is the node's sort key, encoded only when asked for (a
/// nested query has thousands of edges and rarely selects their cursors).
pub trait EdgeOf<M>: Sized {
    fn from_row(row: EdgeRow<M>) -> Self;
    fn cursor(&self) -> String;
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
            start_cursor: self.edges.first().map(|e| e.cursor()),
            end_cursor: self.edges.last().map(|e| e.cursor()),
        }
    }

    /// A top-level list's page, counted on demand.
    pub fn from_listing<M>(listing: Listing<M>) -> Self
    where
        E: EdgeOf<M>,
    {
        Conn::from_page(listing.page, Total::List(listing.count))
    }

    pub fn from_page<M>(page: Page<EdgeRow<M>>, total: Total) -> Self
    where
        E: EdgeOf<M>,
    {
        // Not `collect`: that reuses the rows' buffer for the smaller edges and then shrinks it,
        // a reallocation that copied every page again (0.7 M instructions of Q1's 25 M).
        let mut edges = Vec::with_capacity(page.items.len());
        edges.extend(page.items.into_iter().map(E::from_row));
        Conn {
            edges,
            has_next: page.has_next,
            has_previous: page.has_previous,
            total,
        }
    }
}

/// A nested connection: the parent's page of a relation, loaded with every other parent's.
pub async fn edge_connection<M, E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
) -> async_graphql::Result<Conn<E>>
where
    M: NodeFields + Clone + Send + Sync + 'static,
    Loaders: PagesOf<M>,
    E: EdgeOf<M>,
{
    edge_connection_ordered(ctx, rel, parent, input, Order::default()).await
}

/// A nested connection of the edges `filter` keeps, in the relation's order.
pub async fn edge_connection_filtered<M, E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
    filter: EdgeFilter,
) -> async_graphql::Result<Conn<E>>
where
    M: NodeFields + Clone + Send + Sync + 'static,
    Loaders: PagesOf<M>,
    E: EdgeOf<M>,
{
    edge_page(ctx, rel, parent, input, Order::default(), filter).await
}

/// A nested connection in a given direction of the relation's sort column (newest postings
/// first, for instance).
pub async fn edge_connection_ordered<M, E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
    order: Order,
) -> async_graphql::Result<Conn<E>>
where
    M: NodeFields + Clone + Send + Sync + 'static,
    Loaders: PagesOf<M>,
    E: EdgeOf<M>,
{
    edge_page(ctx, rel, parent, input, order, EdgeFilter::default()).await
}

/// The page of a parent's edges through the relation's loader, keyed by page request, columns
/// read and filter; `totalCount` counts the same filtered edges.
async fn edge_page<M, E>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
    order: Order,
    filter: EdgeFilter,
) -> async_graphql::Result<Conn<E>>
where
    M: NodeFields + Clone + Send + Sync + 'static,
    Loaders: PagesOf<M>,
    E: EdgeOf<M>,
{
    let args = page_args(input, order)?;
    let loaders = ctx.data::<Loaders>()?;
    let loader = loaders
        .pages(rel)
        .ok_or_else(|| AppError::Internal(format!("no page loader for {rel:?}")))?;
    let page = loader
        .load_one(crate::graphql::loaders::PageKey {
            parent,
            args: args.clone(),
            select: match ctx.data_opt::<Selects>() {
                Some(selects) => {
                    selects.get_or(std::ptr::from_ref(ctx.item).addr(), || select_of::<M>(ctx))
                }
                None => select_of::<M>(ctx),
            },
            filter: filter.clone(),
        })
        .await
        .map_err(|e| e.to_graphql())?
        .unwrap_or_default();
    Ok(Conn::from_page(page, Total::Edges(rel, parent, filter)))
}

/// The columns each GraphQL field of a node type reads, so a nested page selects only those
/// (the keys — id, parent, sort key — are always read). Fields that read only the id (the
/// global id, connections) map to [`Columns::NONE`]. A field not listed reads every column, so
/// a field added later is served from a full row until it is listed here.
pub trait NodeFields: Node {
    const FIELDS: &'static [(&'static str, Columns)];
}

/// The columns of `M`'s table named in `names`, for [`NodeFields::FIELDS`] (a name that is not
/// a column fails the build).
pub const fn cols<M: Node>(names: &[&str]) -> Columns {
    Columns::named(M::COLUMNS, names)
}

/// Postings are read whole.
impl NodeFields for entity::job_posting::Model {
    const FIELDS: &'static [(&'static str, Columns)] = &[];
}

/// The attributes each field of a weighted edge reads (bits of [`ATTRS`]).
const EDGE_FIELDS: &[(&str, Columns)] = &[
    ("importance", Columns::named(ATTRS, &["importance"])),
    ("level", Columns::named(ATTRS, &["level"])),
    ("hotTechnology", Columns::named(ATTRS, &["hot_technology"])),
    ("inDemand", Columns::named(ATTRS, &["in_demand"])),
    (
        "onetImportance",
        Columns::named(ATTRS, &["onet_importance"]),
    ),
    ("onetLevel", Columns::named(ATTRS, &["onet_level"])),
    ("cursor", Columns::NONE),
    ("node", Columns::NONE),
    ("__typename", Columns::NONE),
];

/// What `fields` read, by `map` (every column for a field it does not list).
fn columns_of<'a>(
    fields: impl Iterator<Item = SelectionField<'a>>,
    map: &[(&str, Columns)],
) -> Columns {
    let mut out = Columns::NONE;
    for f in fields {
        let name = f.name();
        if name == "__typename" {
            continue;
        }
        match map.iter().find(|(field, _)| *field == name) {
            Some((_, c)) => out = out.union(*c),
            None => return Columns::ALL,
        }
    }
    out
}

/// Which node columns and edge attributes this connection field's page reads, from the
/// query's selection under `nodes`, `edges` and `edges { node }` (look-ahead).
fn select_of<M: NodeFields>(ctx: &Context<'_>) -> Select {
    let mut select = Select {
        node: Columns::NONE,
        attrs: Columns::NONE,
    };
    for conn in ctx.look_ahead().selection_fields() {
        for f in conn.selection_set() {
            match f.name() {
                "nodes" => {
                    select.node = select.node.union(columns_of(f.selection_set(), M::FIELDS));
                }
                "edges" => {
                    select.attrs = select
                        .attrs
                        .union(columns_of(f.selection_set(), EDGE_FIELDS));
                    for g in f.selection_set().filter(|g| g.name() == "node") {
                        select.node = select.node.union(columns_of(g.selection_set(), M::FIELDS));
                    }
                }
                // pageInfo reads the keys; totalCount counts apart.
                _ => {}
            }
        }
    }
    select
}

/// A GraphQL connection type: a wrapper around a [`Conn`] of its edges.
pub trait Connection: Sized {
    type Model: NodeFields + Clone + Send + Sync + 'static;
    type Edge: EdgeOf<Self::Model>;
    fn wrap(conn: Conn<Self::Edge>) -> Self;
    fn conn(&self) -> &Conn<Self::Edge>;
}

/// The resolver of every nested connection field: the parent's page of a relation, in the
/// relation's order.
pub async fn nested<C>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
) -> async_graphql::Result<C>
where
    C: Connection,
    Loaders: PagesOf<C::Model>,
{
    Ok(C::wrap(edge_connection(ctx, rel, parent, input).await?))
}

/// The resolver of a nested connection field with a `filter:` argument: the parent's page of
/// the edges the filter keeps (all of them without one), in the relation's order. A filter
/// that does not validate is refused with VALIDATION before anything is loaded.
pub async fn nested_filtered<C, F>(
    ctx: &Context<'_>,
    rel: Rel,
    parent: i64,
    input: PageInput,
    filter: Option<F>,
) -> async_graphql::Result<C>
where
    C: Connection,
    Loaders: PagesOf<C::Model>,
    F: NestedFilter,
{
    let filter = match filter {
        Some(f) => f.to_edge_filter().map_err(|e| e.to_graphql())?,
        None => EdgeFilter::default(),
    };
    Ok(C::wrap(
        edge_connection_filtered(ctx, rel, parent, input, filter).await?,
    ))
}

mod fields;
mod filter;
mod macros;
mod plan;
pub use filter::{
    FrameworkRoleFilter, NestedFilter, RoleFrameworkFilter, RoleSkillFilter, SkillRoleFilter,
};
pub(crate) use macros::{
    connection, object_with_connections, plain_edge, plan_node, weighted_edge,
};
pub use plan::{Kind, PlanEdge, PlanNode, Planned};
