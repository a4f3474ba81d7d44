//! Planned connections: a connection field whose whole subtree is rows (fields read from the
//! loaded nodes and edges, nested connections of skills, roles and frameworks, page info,
//! counts) is answered level by level, each level's nested pages (and counts) loaded in one
//! batch for all its parents, and the level written as JSON text in one pass, without a
//! future per field or a tree of values (see [`crate::graphql::json`] for how the text reaches
//! the response).
//!
//! Why: a callgrind profile of Q1 (roles → skills → broader, ~4,200 objects) on the real ESCO
//! import spent 24 M of its 60 M instructions in async-graphql's execution: per object a boxed
//! future per field, a join over them polled again at every batch round of the loaders, and the
//! resolvers' own futures. A planned field asks each level's pages at once, so there is nothing
//! to gather and nothing to poll again.
//!
//! What it answers is what async-graphql would: a field read from a row is still resolved by
//! the type's own resolver (polled once, as it never waits), and every selection it does not
//! know — fields that load (such as `source`), page arguments or filters that do not validate,
//! two selections under one response key other than a repeated leaf, a custom directive —
//! makes the whole field take async-graphql's path instead, before anything is loaded.
//! Fragments are spread in place, as async-graphql does; `@skip` and `@include` never reach
//! here (async-graphql applies them to the document before execution). `serve --unplanned`
//! turns planning off, and tests compare the two paths field by field on imported graphs.
use std::{
    borrow::Cow,
    future::Future,
    pin::pin,
    task::{Poll, Waker},
};

use async_graphql::{
    parser::types::{Field, Selection, SelectionSet},
    registry::Registry,
    ContainerType, ContextSelectionSet, InputType, Name, OutputType, Positioned, ServerError,
    ServerResult, Value,
};
use futures_util::future::{try_join_all, BoxFuture, FutureExt};

use super::{
    page_args, select_of, Conn, Connection, FrameworkRoleFilter, NestedFilter, PageInput,
    RoleFrameworkFilter, RoleSkillFilter, SkillRoleFilter, Total,
};
use crate::{
    catalog::{
        filters::EdgeFilter,
        pages::{Order, PageArgs},
    },
    error::AppError,
    graphql::{
        batch::Batcher,
        error::ToGraphql,
        json::{self, RawAnswers},
        loaders::{EdgePageLoader, Loaders, PageKey, PagesOf, Rel},
        types::{
            framework::{FrameworkConnection, FrameworkRoleConnection},
            role::{RoleFrameworkConnection, RoleSkillConnection},
            skill::{SkillConnection, SkillRoleConnection},
        },
    },
    state::AppState,
    store::edges::Select,
};

/// A node type a planned connection can show: the fields it reads from its row alone, and the
/// nested connections it can plan.
pub trait PlanNode: ContainerType {
    /// Fields whose resolver only reads the row (it never waits).
    const LEAVES: &'static [&'static str];
    fn id(&self) -> i64;
    /// The relation and connection type of a nested connection field that can be planned.
    fn child(field: &str) -> Option<(Rel, Kind)>;
}

/// An edge type of a planned connection.
pub trait PlanEdge: ContainerType {
    type Node: ContainerType;
    /// Fields whose resolver only reads the edge (cursor, attributes).
    const LEAVES: &'static [&'static str];
    fn node(&self) -> &Self::Node;
}

/// The connection types a nested field can be planned into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Skills,
    Frameworks,
    RoleSkills,
    RoleFrameworks,
    SkillRoles,
    FrameworkRoles,
}

/// Calls `$f::<C>($args)` with the connection type of `$kind`.
macro_rules! by_kind {
    ($kind:expr, $f:ident($($args:expr),*)) => {
        match $kind {
            Kind::Skills => $f::<SkillConnection>($($args),*),
            Kind::Frameworks => $f::<FrameworkConnection>($($args),*),
            Kind::RoleSkills => $f::<RoleSkillConnection>($($args),*),
            Kind::RoleFrameworks => $f::<RoleFrameworkConnection>($($args),*),
            Kind::SkillRoles => $f::<SkillRoleConnection>($($args),*),
            Kind::FrameworkRoles => $f::<FrameworkRoleConnection>($($args),*),
        }
    };
}

/// A connection type that can be planned: its edges and nodes are [`PlanEdge`] and
/// [`PlanNode`], and its nested pages come from a page loader.
pub trait Plan: Connection<Edge: PlanEdge<Node: PlanNode>> + OutputType {
    fn pages(loaders: &Loaders, rel: Rel)
        -> Option<&Batcher<EdgePageLoader<Self::Model>, PageKey>>;
}

impl<C> Plan for C
where
    C: Connection<Edge: PlanEdge<Node: PlanNode>> + OutputType,
    Loaders: PagesOf<C::Model>,
{
    fn pages(loaders: &Loaders, rel: Rel) -> Option<&Batcher<EdgePageLoader<C::Model>, PageKey>> {
        PagesOf::<C::Model>::pages(loaders, rel)
    }
}

/// Answers a connection field by plan when it can (see the module comment), else as
/// async-graphql would. Schema-wise it is the connection type itself.
pub struct Planned<C>(pub C);

impl<C: Connection> Connection for Planned<C> {
    type Model = C::Model;
    type Edge = C::Edge;
    fn wrap(conn: Conn<Self::Edge>) -> Self {
        Planned(C::wrap(conn))
    }
    fn conn(&self) -> &Conn<Self::Edge> {
        self.0.conn()
    }
}

impl<C: Plan> OutputType for Planned<C> {
    fn type_name() -> Cow<'static, str> {
        C::type_name()
    }

    fn qualified_type_name() -> String {
        C::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        C::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let planned = ctx
            .data_opt::<AppState>()
            .is_none_or(|state| !state.config.unplanned);
        match planned
            .then(|| conn_shape::<C>(ctx, &field.node.selection_set))
            .flatten()
        {
            Some(shape) => {
                // An error below fails the whole connection field, and is reported at its path
                // (async-graphql gives a path only to errors of a field's own resolver; one
                // without a path reads as a request error, answered 400 with no data).
                let text = run_level::<C>(ctx, &shape, &[self.0.conn()])
                    .await
                    .map_err(|e| {
                        if e.path.is_empty() {
                            ctx.set_error_path(e)
                        } else {
                            e
                        }
                    })?
                    .into_only()
                    .ok_or_else(|| internal("a planned connection gave no value", field))?;
                if ctx.data_opt::<RawAnswers>().is_some() {
                    Ok(Value::Binary(text.into()))
                } else {
                    json::read_value(&text).map_err(|e| {
                        internal(&format!("a planned answer does not read back: {e}"), field)
                    })
                }
            }
            None => self.0.resolve(ctx, field).await,
        }
    }
}

/// What a connection's selection shows, checked and with its nested pages' arguments worked
/// out, before anything is loaded.
struct ConnShape<'a> {
    fields: Vec<(Name, ConnField<'a>)>,
    /// The node shapes below it (`nodes`, each `edges { node }`), numbered in selection order.
    nodes: usize,
}

enum ConnField<'a> {
    Const(Value),
    /// `totalCount`: counted for every page of the level at once.
    TotalCount(&'a Positioned<Field>),
    Nodes(NodeShape<'a>),
    Edges(Vec<(Name, EdgeField<'a>)>),
    PageInfo(Vec<(Name, InfoField)>),
}

enum EdgeField<'a> {
    Const(Value),
    Leaf(&'a Positioned<Field>),
    Node(NodeShape<'a>),
}

#[derive(Clone, Copy)]
enum InfoField {
    Typename,
    HasNext,
    HasPrevious,
    Start,
    End,
}

struct NodeShape<'a> {
    /// Its number among its connection's node shapes.
    slot: usize,
    fields: Vec<(Name, NodeField<'a>)>,
    nested: Vec<Nested<'a>>,
}

enum NodeField<'a> {
    Const(Value),
    Leaf(&'a Positioned<Field>),
    /// The nth of its node shape's nested connections.
    Nested(usize),
}

/// A nested connection field of a node shape: what every parent's page is.
struct Nested<'a> {
    field: &'a Positioned<Field>,
    rel: Rel,
    kind: Kind,
    args: PageArgs,
    select: Select,
    filter: EdgeFilter,
    shape: ConnShape<'a>,
}

/// The fields a selection set shows on an object of type `on`, with its fragments spread in
/// place (those whose type condition the object meets), each under its response key; None when
/// a field or fragment carries a directive, or two fields share a response key without being
/// the same field with no arguments and no selection.
fn plain_fields<'a>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a Positioned<SelectionSet>,
    on: &str,
) -> Option<Vec<(Name, &'a Positioned<Field>)>> {
    let mut out = Vec::with_capacity(set.node.items.len());
    spread(ctx, set, on, &mut out)?;
    Some(out)
}

fn spread<'a>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a Positioned<SelectionSet>,
    on: &str,
    out: &mut Vec<(Name, &'a Positioned<Field>)>,
) -> Option<()> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) => {
                if !f.node.directives.is_empty() {
                    return None;
                }
                let key = &f.node.response_key().node;
                match out.iter().find(|(k, _)| k == key) {
                    None => out.push((key.clone(), f)),
                    Some((_, g)) if json::same_leaf(f, g) => {}
                    Some(_) => return None,
                }
            }
            Selection::FragmentSpread(s) => {
                if !s.node.directives.is_empty() {
                    return None;
                }
                let fragment = ctx.query_env.fragments.get(&s.node.fragment_name.node)?;
                if applies(ctx, Some(&fragment.node.type_condition.node.on.node), on) {
                    spread(ctx, &fragment.node.selection_set, on, out)?;
                }
            }
            Selection::InlineFragment(f) => {
                if !f.node.directives.is_empty() {
                    return None;
                }
                let condition = f.node.type_condition.as_ref().map(|c| &c.node.on.node);
                if applies(ctx, condition, on) {
                    spread(ctx, &f.node.selection_set, on, out)?;
                }
            }
        }
    }
    Some(())
}

/// Whether a fragment with type condition `condition` applies to an object of type `on` (the
/// type itself, or an interface it implements).
fn applies(ctx: &ContextSelectionSet<'_>, condition: Option<&Name>, on: &str) -> bool {
    condition.is_none_or(|c| {
        c.as_str() == on
            || ctx
                .schema_env
                .registry
                .implements
                .get(on)
                .is_some_and(|interfaces| interfaces.contains(c.as_str()))
    })
}

fn typename<T: OutputType>() -> Value {
    Value::String(T::type_name().into_owned())
}

/// The shape of a connection of type `C` selecting `set`, or None when it cannot be planned.
fn conn_shape<'a, C: Plan>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a Positioned<SelectionSet>,
) -> Option<ConnShape<'a>> {
    let mut nodes = 0;
    let mut fields = Vec::new();
    for (key, f) in plain_fields(ctx, set, &C::type_name())? {
        let field = match f.node.name.node.as_str() {
            "__typename" => ConnField::Const(typename::<C>()),
            "totalCount" => ConnField::TotalCount(f),
            "nodes" => ConnField::Nodes(node_shape::<<C::Edge as PlanEdge>::Node>(
                ctx,
                &f.node.selection_set,
                &mut nodes,
            )?),
            "edges" => {
                let mut edge = Vec::new();
                for (key, g) in plain_fields(ctx, &f.node.selection_set, &C::Edge::type_name())? {
                    let name = g.node.name.node.as_str();
                    let field = if name == "__typename" {
                        EdgeField::Const(typename::<C::Edge>())
                    } else if name == "node" {
                        EdgeField::Node(node_shape::<<C::Edge as PlanEdge>::Node>(
                            ctx,
                            &g.node.selection_set,
                            &mut nodes,
                        )?)
                    } else if C::Edge::LEAVES.contains(&name) {
                        EdgeField::Leaf(g)
                    } else {
                        return None;
                    };
                    edge.push((key, field));
                }
                ConnField::Edges(edge)
            }
            "pageInfo" => {
                let mut info = Vec::new();
                let on = <super::PageInfo as OutputType>::type_name();
                for (key, g) in plain_fields(ctx, &f.node.selection_set, &on)? {
                    let field = match g.node.name.node.as_str() {
                        "__typename" => InfoField::Typename,
                        "hasNextPage" => InfoField::HasNext,
                        "hasPreviousPage" => InfoField::HasPrevious,
                        "startCursor" => InfoField::Start,
                        "endCursor" => InfoField::End,
                        _ => return None,
                    };
                    info.push((key, field));
                }
                ConnField::PageInfo(info)
            }
            _ => return None,
        };
        fields.push((key, field));
    }
    Some(ConnShape { fields, nodes })
}

/// The shape of a node of type `N` selecting `set`, with the page arguments and shapes of
/// its nested connections.
fn node_shape<'a, N: PlanNode>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a Positioned<SelectionSet>,
    slots: &mut usize,
) -> Option<NodeShape<'a>> {
    let slot = *slots;
    *slots += 1;
    let mut fields = Vec::new();
    let mut nested = Vec::new();
    for (key, f) in plain_fields(ctx, set, &N::type_name())? {
        let name = f.node.name.node.as_str();
        let field = if name == "__typename" {
            NodeField::Const(typename::<N>())
        } else if N::LEAVES.contains(&name) {
            NodeField::Leaf(f)
        } else {
            let (rel, kind) = N::child(name)?;
            nested.push(nested_shape(ctx, f, rel, kind)?);
            NodeField::Nested(nested.len() - 1)
        };
        fields.push((key, field));
    }
    Some(NodeShape {
        slot,
        fields,
        nested,
    })
}

/// A nested connection field `f` of a node: its page arguments, the columns it reads and its
/// shape; None when it cannot be planned.
fn nested_shape<'a>(
    ctx: &ContextSelectionSet<'a>,
    f: &'a Positioned<Field>,
    rel: Rel,
    kind: Kind,
) -> Option<Nested<'a>> {
    let fctx = ctx.with_field(f);
    let filter = edge_filter(&fctx, kind)?;
    let arg = |name: &str| {
        fctx.param_value::<Option<i32>>(name, None)
            .ok()
            .map(|v| v.1)
    };
    let cursor = |name: &str| {
        fctx.param_value::<Option<String>>(name, None)
            .ok()
            .map(|v| v.1)
    };
    let input = PageInput {
        first: arg("first")?,
        after: cursor("after")?,
        last: arg("last")?,
        before: cursor("before")?,
    };
    let args = page_args(input, Order::default()).ok()?;
    let (select, shape) = by_kind!(kind, child_shape(&fctx, ctx, f))?;
    Some(Nested {
        field: f,
        rel,
        kind,
        args,
        select,
        filter,
        shape,
    })
}

/// The edges a nested connection's `filter:` keeps (all of them without one); None when the
/// filter does not validate (the ordinary path then answers VALIDATION).
fn edge_filter(fctx: &async_graphql::Context<'_>, kind: Kind) -> Option<EdgeFilter> {
    fn parse<F: NestedFilter + InputType>(fctx: &async_graphql::Context<'_>) -> Option<EdgeFilter> {
        match fctx.param_value::<Option<F>>("filter", None).ok()?.1 {
            Some(filter) => filter.to_edge_filter().ok(),
            None => Some(EdgeFilter::default()),
        }
    }
    match kind {
        Kind::RoleSkills => parse::<RoleSkillFilter>(fctx),
        Kind::RoleFrameworks => parse::<RoleFrameworkFilter>(fctx),
        Kind::SkillRoles => parse::<SkillRoleFilter>(fctx),
        Kind::FrameworkRoles => parse::<FrameworkRoleFilter>(fctx),
        Kind::Skills | Kind::Frameworks => Some(EdgeFilter::default()),
    }
}

/// The columns a nested connection of type `C` reads, and its shape.
fn child_shape<'a, C: Plan>(
    fctx: &async_graphql::Context<'_>,
    ctx: &ContextSelectionSet<'a>,
    f: &'a Positioned<Field>,
) -> Option<(Select, ConnShape<'a>)> {
    Some((
        select_of::<C::Model>(fctx),
        conn_shape::<C>(ctx, &f.node.selection_set)?,
    ))
}

fn internal(what: &str, field: &Positioned<Field>) -> ServerError {
    AppError::Internal(what.to_owned())
        .to_graphql()
        .into_server_error(field.pos)
}

/// The JSON texts of one level's connections, one after another in one buffer, taken in order.
#[derive(Default)]
struct Texts {
    buf: Vec<u8>,
    ends: Vec<usize>,
    taken: usize,
}

impl Texts {
    /// Ends the text being written.
    fn close(&mut self) {
        self.ends.push(self.buf.len());
    }

    /// The one text written, as its own buffer.
    fn into_only(mut self) -> Option<Vec<u8>> {
        match self.ends[..] {
            [end] => {
                self.buf.truncate(end);
                Some(self.buf)
            }
            _ => None,
        }
    }

    /// The next text not taken yet.
    fn next(&mut self) -> Option<&[u8]> {
        let start = match self.taken {
            0 => 0,
            n => *self.ends.get(n - 1)?,
        };
        let end = *self.ends.get(self.taken)?;
        self.taken += 1;
        self.buf.get(start..end)
    }
}

/// The texts of one level: one connection per page of `conns`, with every nested connection
/// below loaded first, one batch per nested field for all the level's nodes.
async fn run_level<'a, C: Plan>(
    ctx: &ContextSelectionSet<'a>,
    shape: &ConnShape<'a>,
    conns: &[&Conn<C::Edge>],
) -> ServerResult<Texts> {
    let mut slots: Vec<Vec<Texts>> = Vec::with_capacity(shape.nodes);
    for node in node_shapes(shape) {
        let mut texts = Vec::with_capacity(node.nested.len());
        if !node.nested.is_empty() {
            let ids: Vec<i64> = conns
                .iter()
                .flat_map(|c| c.edges.iter().map(|e| e.node().id()))
                .collect();
            for nested in &node.nested {
                texts.push(run_child(ctx, nested, &ids).await?);
            }
        }
        slots.push(texts);
    }
    let totals = match shape.fields.iter().find_map(|(_, f)| match f {
        ConnField::TotalCount(f) => Some(*f),
        _ => None,
    }) {
        Some(field) => {
            let fctx = ctx.with_field(field);
            try_join_all(conns.iter().map(|c| c.total.resolve(&fctx)))
                .await
                .map_err(|e| e.into_server_error(field.pos))?
        }
        None => Vec::new(),
    };
    // Room for the texts below and about as much again per edge as Q1's edges take: growing
    // the buffer copied it over and over (0.6 M instructions of Q1's).
    let below: usize = slots.iter().flatten().map(|t| t.buf.len()).sum();
    let edges: usize = conns.iter().map(|c| c.edges.len()).sum();
    let mut out = Texts {
        buf: Vec::with_capacity(below + 96 * (edges + 1)),
        ends: Vec::with_capacity(conns.len()),
        taken: 0,
    };
    for (i, conn) in conns.iter().enumerate() {
        let mut w = Writer {
            ctx,
            out: &mut out.buf,
            slots: &mut slots,
        };
        w.conn::<C>(shape, conn, totals.get(i).copied())?;
        out.close();
    }
    Ok(out)
}

/// A connection's node shapes, in slot order.
fn node_shapes<'s, 'a>(shape: &'s ConnShape<'a>) -> Vec<&'s NodeShape<'a>> {
    let mut out = Vec::with_capacity(shape.nodes);
    for (_, field) in &shape.fields {
        match field {
            ConnField::Nodes(node) => out.push(node),
            ConnField::Edges(fields) => {
                for (_, f) in fields {
                    if let EdgeField::Node(node) = f {
                        out.push(node);
                    }
                }
            }
            ConnField::Const(_) | ConnField::TotalCount(_) | ConnField::PageInfo(_) => {}
        }
    }
    out
}

/// Every parent's page of a nested connection, loaded in one batch, and their texts.
fn run_child<'a>(
    ctx: &'a ContextSelectionSet<'a>,
    nested: &'a Nested<'a>,
    ids: &'a [i64],
) -> BoxFuture<'a, ServerResult<Texts>> {
    by_kind!(nested.kind, load_level(ctx, nested, ids))
}

fn load_level<'a, C: Plan>(
    ctx: &'a ContextSelectionSet<'a>,
    nested: &'a Nested<'a>,
    ids: &'a [i64],
) -> BoxFuture<'a, ServerResult<Texts>> {
    async move {
        let field = nested.field;
        let loaders = ctx
            .data::<Loaders>()
            .map_err(|e| e.into_server_error(field.pos))?;
        let batcher = C::pages(loaders, nested.rel)
            .ok_or_else(|| internal(&format!("no page loader for {:?}", nested.rel), field))?;
        let keys = ids
            .iter()
            .map(|&parent| PageKey {
                parent,
                args: nested.args.clone(),
                select: nested.select,
                filter: nested.filter.clone(),
            })
            .collect();
        let pages = batcher
            .load_each(keys)
            .await
            .map_err(|e| e.to_graphql().into_server_error(field.pos))?;
        let conns: Vec<Conn<C::Edge>> = pages
            .into_iter()
            .zip(ids)
            .map(|(page, &parent)| {
                Conn::from_page(
                    page.unwrap_or_default(),
                    Total::Edges(nested.rel, parent, nested.filter.clone()),
                )
            })
            .collect();
        let refs: Vec<&Conn<C::Edge>> = conns.iter().collect();
        run_level::<C>(ctx, &nested.shape, &refs).await
    }
    .boxed()
}

/// A field read from a row, by the type's own resolver, which never waits.
fn leaf<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    object: &T,
    field: &Positioned<Field>,
) -> ServerResult<Value> {
    let fctx = ctx.with_field(field);
    let resolving = pin!(object.resolve_field(&fctx));
    match resolving.poll(&mut std::task::Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(Some(value))) => Ok(value),
        Poll::Ready(Ok(None)) => Err(internal("a planned field is not in its type", field)),
        Poll::Ready(Err(e)) => Err(e),
        Poll::Pending => Err(internal("a planned field waited", field)),
    }
}

/// A write into a level's buffer (a `Vec`, which takes every write) as a GraphQL result.
fn written(result: std::io::Result<()>) -> ServerResult<()> {
    result.map_err(|e| {
        AppError::Internal(format!("cannot write a planned answer: {e}"))
            .to_graphql()
            .into_server_error(async_graphql::Pos::default())
    })
}

/// Writes one level's objects as JSON text, taking the texts of the nested connections below
/// from `slots` in order.
struct Writer<'w, 'c, 'a> {
    ctx: &'w ContextSelectionSet<'a>,
    out: &'w mut Vec<u8>,
    slots: &'c mut [Vec<Texts>],
}

impl Writer<'_, '_, '_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn value(&mut self, value: &Value) -> ServerResult<()> {
        written(json::write_value(self.out, value))
    }

    /// `"key":` after the object's `{` or `,`.
    fn key(&mut self, i: usize, key: &Name) -> ServerResult<()> {
        self.raw(if i == 0 { b"{" } else { b"," });
        written(json::write_key(self.out, key))
    }

    /// The `}` of an object of `len` fields (`{}` for none).
    fn close(&mut self, len: usize) {
        self.raw(if len == 0 { b"{}" } else { b"}" });
    }

    /// `[` items `]`, each written by `item`.
    fn list<T>(
        &mut self,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> ServerResult<()>,
    ) -> ServerResult<()> {
        self.raw(b"[");
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.raw(b",");
            }
            item(self, x)?;
        }
        self.raw(b"]");
        Ok(())
    }

    fn conn<C: Plan>(
        &mut self,
        shape: &ConnShape<'_>,
        conn: &Conn<C::Edge>,
        total: Option<i32>,
    ) -> ServerResult<()> {
        for (i, (key, field)) in shape.fields.iter().enumerate() {
            self.key(i, key)?;
            match field {
                ConnField::Const(v) => self.value(v)?,
                ConnField::TotalCount(f) => {
                    let n = total.ok_or_else(|| internal("a planned count is missing", f))?;
                    self.value(&Value::from(n))?;
                }
                ConnField::Nodes(node) => {
                    self.list(&conn.edges, |w, e| w.node(node, e.node()))?;
                }
                ConnField::Edges(fields) => {
                    self.list(&conn.edges, |w, e| w.edge(fields, e))?;
                }
                ConnField::PageInfo(fields) => {
                    let page = conn.page_info::<C::Model>();
                    let cursor = |c: &Option<String>| c.clone().map_or(Value::Null, Value::String);
                    for (j, (key, f)) in fields.iter().enumerate() {
                        self.key(j, key)?;
                        self.value(&match f {
                            InfoField::Typename => typename::<super::PageInfo>(),
                            InfoField::HasNext => Value::Boolean(page.has_next_page),
                            InfoField::HasPrevious => Value::Boolean(page.has_previous_page),
                            InfoField::Start => cursor(&page.start_cursor),
                            InfoField::End => cursor(&page.end_cursor),
                        })?;
                    }
                    self.close(fields.len());
                }
            }
        }
        self.close(shape.fields.len());
        Ok(())
    }

    fn edge<E: PlanEdge<Node: PlanNode>>(
        &mut self,
        fields: &[(Name, EdgeField<'_>)],
        edge: &E,
    ) -> ServerResult<()> {
        for (i, (key, field)) in fields.iter().enumerate() {
            self.key(i, key)?;
            match field {
                EdgeField::Const(v) => self.value(v)?,
                EdgeField::Leaf(f) => self.value(&leaf(self.ctx, edge, f)?)?,
                EdgeField::Node(node) => self.node(node, edge.node())?,
            }
        }
        self.close(fields.len());
        Ok(())
    }

    fn node<N: PlanNode>(&mut self, shape: &NodeShape<'_>, node: &N) -> ServerResult<()> {
        for (i, (key, field)) in shape.fields.iter().enumerate() {
            self.key(i, key)?;
            match field {
                NodeField::Const(v) => self.value(v)?,
                NodeField::Leaf(f) => self.value(&leaf(self.ctx, node, f)?)?,
                NodeField::Nested(n) => {
                    let text = self
                        .slots
                        .get_mut(shape.slot)
                        .and_then(|s| s.get_mut(*n))
                        .and_then(Texts::next)
                        .ok_or_else(|| {
                            AppError::Internal("a planned page is missing".into())
                                .to_graphql()
                                .into_server_error(async_graphql::Pos::default())
                        })?;
                    self.out.extend_from_slice(text);
                }
            }
        }
        self.close(shape.fields.len());
        Ok(())
    }
}
