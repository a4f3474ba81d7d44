//! The macros that declare connection, edge and object types (see the module above).

/// Declares a GraphQL object whose `impl` mixes ordinary resolvers with nested connection
/// fields, each written as one line:
///
/// ```ignore
/// object_with_connections! {
///     #[Object]
///     impl Skill [first, after, last, before; "conn_cost(first, last, child_complexity)"] {
///         async fn slug(&self) -> &str { &self.0.slug }
///         /// Broader skills.
///         connection broader -> SkillConnection = nested(Rel::SkillBroader);
///     }
/// }
/// ```
///
/// Each connection field gets the four Relay arguments, the page-size complexity and a body
/// calling the given loader function with `(ctx, rel, self.0.id, PageInput)`. A line written
/// `connection skills(filter: RoleSkillFilter) -> … = nested_filtered(…);` also gets a
/// `filter:` argument of that input type, passed on as a last argument (the price stays the
/// page size times the nodes: a filter only narrows the page). The argument names
/// and the complexity expression come from the caller, so that async-graphql's complexity
/// closure sees the arguments (macro hygiene would hide them otherwise). Fields keep their declaration order, which is the order in `schema.graphql`.
macro_rules! object_with_connections {
    (
        doc $tdoc:literal;
        $hash:tt $object:tt
        impl $ty:ident [$first:ident, $after:ident, $last:ident, $before:ident; $cost:literal] {
            $($items:tt)*
        }
    ) => {
        $crate::graphql::types::connection::object_with_connections!(
            @munch [#[doc = $tdoc] $hash $object] $ty [$first, $after, $last, $before; $cost] [] $($items)*
        );
    };
    (
        $hash:tt $object:tt
        impl $ty:ident [$first:ident, $after:ident, $last:ident, $before:ident; $cost:literal] {
            $($items:tt)*
        }
    ) => {
        $crate::graphql::types::connection::object_with_connections!(
            @munch [$hash $object] $ty [$first, $after, $last, $before; $cost] [] $($items)*
        );
    };
    // The attribute is passed on as the caller's tokens: async-graphql resolves its complexity
    // closure's parameters at the attribute's call site. The type's doc comment goes first.
    (@munch [$($head:tt)*] $ty:ident $args:tt [$($out:tt)*]) => {
        $($head)*
        impl $ty {
            $($out)*
        }
    };
    (
        @munch $object:tt $ty:ident [$first:ident, $after:ident, $last:ident, $before:ident; $cost:literal]
        [$($out:tt)*]
        $(#[doc = $doc:literal])*
        connection $name:ident -> $conn:ty = $load:ident($rel:expr);
        $($rest:tt)*
    ) => {
        $crate::graphql::types::connection::object_with_connections!(
            @munch $object $ty [$first, $after, $last, $before; $cost]
            [
                $($out)*
                $(#[doc = $doc])*
                #[graphql(complexity = $cost)]
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "Page size forwards, 0 to 100; default 25.")]
                    $first: Option<i32>,
                    #[graphql(desc = "Start after this cursor (with `first`).")]
                    $after: Option<String>,
                    #[graphql(desc = "Page size backwards, 0 to 100.")]
                    $last: Option<i32>,
                    #[graphql(desc = "End before this cursor (with `last`).")]
                    $before: Option<String>,
                ) -> async_graphql::Result<$conn> {
                    $load(
                        ctx,
                        $rel,
                        self.0.id,
                        $crate::graphql::types::connection::PageInput {
                            first: $first,
                            after: $after,
                            last: $last,
                            before: $before,
                        },
                    )
                    .await
                }
            ]
            $($rest)*
        );
    };
    (
        @munch $object:tt $ty:ident [$first:ident, $after:ident, $last:ident, $before:ident; $cost:literal]
        [$($out:tt)*]
        $(#[doc = $doc:literal])*
        connection $name:ident($filter:ident: $filter_ty:ty) -> $conn:ty = $load:ident($rel:expr);
        $($rest:tt)*
    ) => {
        $crate::graphql::types::connection::object_with_connections!(
            @munch $object $ty [$first, $after, $last, $before; $cost]
            [
                $($out)*
                $(#[doc = $doc])*
                #[graphql(complexity = $cost)]
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = "Page size forwards, 0 to 100; default 25.")]
                    $first: Option<i32>,
                    #[graphql(desc = "Start after this cursor (with `first`).")]
                    $after: Option<String>,
                    #[graphql(desc = "Page size backwards, 0 to 100.")]
                    $last: Option<i32>,
                    #[graphql(desc = "End before this cursor (with `last`).")]
                    $before: Option<String>,
                    #[graphql(desc = "Only the edges that match (all of them when not given); `totalCount` counts the same edges, and cursors page through them.")]
                    $filter: Option<$filter_ty>,
                ) -> async_graphql::Result<$conn> {
                    $load(
                        ctx,
                        $rel,
                        self.0.id,
                        $crate::graphql::types::connection::PageInput {
                            first: $first,
                            after: $after,
                            last: $last,
                            before: $before,
                        },
                        $filter,
                    )
                    .await
                }
            ]
            $($rest)*
        );
    };
    (
        @munch $object:tt $ty:ident $args:tt [$($out:tt)*]
        $(#[$meta:meta])*
        $vis:vis async fn $name:ident $params:tt -> $ret:ty $body:block
        $($rest:tt)*
    ) => {
        $crate::graphql::types::connection::object_with_connections!(
            @munch $object $ty $args
            [
                $($out)*
                $(#[$meta])*
                $vis async fn $name $params -> $ret $body
            ]
            $($rest)*
        );
    };
}
pub(crate) use object_with_connections;

/// Declares a connection type over an edge type.
macro_rules! connection {
    ($conn:ident, $edge:ty, $model:ty, $node:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $conn(pub $crate::graphql::types::connection::Conn<$edge>);

        impl $crate::graphql::types::connection::Connection for $conn {
            type Model = $model;
            type Edge = $edge;
            fn wrap(conn: $crate::graphql::types::connection::Conn<$edge>) -> Self {
                $conn(conn)
            }
            fn conn(&self) -> &$crate::graphql::types::connection::Conn<$edge> {
                &self.0
            }
        }

        #[doc = $doc]
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
            /// Where this page is in the whole list.
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
    ($edge:ident, $model:ty, $node:ident) => {
        $crate::graphql::types::connection::plain_edge!(
            $edge,
            $model,
            $node,
            "One item of a page, with its cursor."
        );
    };
    ($edge:ident, $model:ty, $node:ident, $doc:literal) => {
        pub struct $edge {
            pub cursor: $crate::catalog::pages::Cursor,
            pub node: $node,
        }

        #[doc = $doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque; pass it as `after` or `before` to page from here.
            async fn cursor(&self) -> String {
                $crate::graphql::types::connection::encode_cursor(&self.cursor)
            }
            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $crate::graphql::types::connection::PlanEdge for $edge {
            type Node = $node;
            const LEAVES: &'static [&'static str] = &["cursor"];
            fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $crate::graphql::types::connection::EdgeOf<$model> for $edge {
            fn from_row(row: $crate::catalog::pages::EdgeRow<$model>) -> Self {
                $edge {
                    cursor: row.cursor,
                    node: $node(row.node),
                }
            }
            fn cursor(&self) -> String {
                $crate::graphql::types::connection::encode_cursor(&self.cursor)
            }
        }
    };
}
pub(crate) use plain_edge;

/// Declares an edge of a role's requirement: node, cursor, importance and level.
macro_rules! weighted_edge {
    ($edge:ident, $model:ty, $node:ident, $doc:literal) => {
        #[doc = $doc]
        pub struct $edge {
            pub cursor: $crate::catalog::pages::Cursor,
            pub node: $node,
            pub attrs: $crate::catalog::pages::EdgeAttrs,
        }

        #[doc = $doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque; pass it as `after` or `before` to page from here.
            async fn cursor(&self) -> String {
                $crate::graphql::types::connection::encode_cursor(&self.cursor)
            }
            /// The item.
            async fn node(&self) -> &$node {
                &self.node
            }
            /// Whether the role needs it (ESSENTIAL) or it is a plus (OPTIONAL).
            async fn importance(&self) -> $crate::graphql::types::Importance {
                self.attrs.importance.into()
            }
            /// Expected proficiency, 1 (basic) to 5 (expert); null when the source gives none
            /// (ESCO, O*NET technology lists).
            async fn level(&self) -> Option<i32> {
                self.attrs.level
            }
            /// O*NET: the technology is frequently listed in employers' job postings (a market
            /// signal); null when O*NET says nothing about this edge.
            async fn hot_technology(&self) -> Option<bool> {
                self.attrs.hot_technology
            }
            /// O*NET: the technology is in demand by employers (a market signal).
            async fn in_demand(&self) -> Option<bool> {
                self.attrs.in_demand
            }
            /// O*NET importance rating (IM, 1–5), from its Skills and Knowledge ratings.
            async fn onet_importance(&self) -> Option<f64> {
                self.attrs.onet_importance
            }
            /// O*NET level rating (LV, 0–7), from its Skills and Knowledge ratings.
            async fn onet_level(&self) -> Option<f64> {
                self.attrs.onet_level
            }
        }

        impl $crate::graphql::types::connection::PlanEdge for $edge {
            type Node = $node;
            const LEAVES: &'static [&'static str] = &[
                "cursor",
                "importance",
                "level",
                "hotTechnology",
                "inDemand",
                "onetImportance",
                "onetLevel",
            ];
            fn node(&self) -> &$node {
                &self.node
            }
        }

        impl $crate::graphql::types::connection::EdgeOf<$model> for $edge {
            fn from_row(row: $crate::catalog::pages::EdgeRow<$model>) -> Self {
                $edge {
                    cursor: row.cursor,
                    node: $node(row.node),
                    attrs: row.attrs.unwrap_or($crate::catalog::pages::EdgeAttrs {
                        importance: $crate::catalog::pages::Importance::Optional,
                        level: None,
                        hot_technology: None,
                        in_demand: None,
                        onet_importance: None,
                        onet_level: None,
                    }),
                }
            }
            fn cursor(&self) -> String {
                $crate::graphql::types::connection::encode_cursor(&self.cursor)
            }
        }
    };
}
pub(crate) use weighted_edge;

/// Declares a node type of planned connections (see `plan`): the fields its resolvers read from
/// the row alone besides those every node type has, and its nested connections that can be
/// planned, each with its relation and connection type (`plan::Kind`).
macro_rules! plan_node {
    (
        $node:ident,
        leaves [$($leaf:literal),* $(,)?],
        children { $($field:literal => ($rel:ident, $kind:ident)),* $(,)? }
    ) => {
        impl $crate::graphql::types::connection::PlanNode for $node {
            const LEAVES: &'static [&'static str] = &[
                "id",
                "slug",
                "name",
                "description",
                "escoUri",
                "createdAt",
                "updatedAt",
                $($leaf),*
            ];
            fn id(&self) -> i64 {
                self.0.id
            }
            fn child(
                field: &str,
            ) -> Option<(
                $crate::graphql::loaders::Rel,
                $crate::graphql::types::connection::Kind,
            )> {
                match field {
                    $($field => Some((
                        $crate::graphql::loaders::Rel::$rel,
                        $crate::graphql::types::connection::Kind::$kind,
                    )),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use plan_node;
