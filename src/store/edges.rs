//! Nested edge lists: one page of edges for each of a batch of parents, in one statement (a
//! window function numbers each parent's rows), and their counts.
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::error::AppResult;

use super::{
    answers,
    columns::{select_list, Columns, Node, Reader},
    db::{id_list_value, in_id_list, stmt},
    lite::{self, RowSource},
    pages::{keyset, keyset_by, read_cursor, sort_expr, EdgeRow, Filter, Page, PageArgs, SortKey},
    FastMap,
};

/// Whether a role needs a skill or framework to do the job, or it is a plus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Importance {
    Essential,
    Optional,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Essential => "essential",
            Importance::Optional => "optional",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "essential" => Some(Importance::Essential),
            "optional" => Some(Importance::Optional),
            _ => None,
        }
    }
}

/// What an edge of a role carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeAttrs {
    pub importance: Importance,
    /// None on imported edges: ESCO and O*NET technology lists give no level.
    pub level: Option<i32>,
    /// O*NET market signals, on edges O*NET's Technology Skills gave.
    pub hot_technology: Option<bool>,
    pub in_demand: Option<bool>,
    /// O*NET ratings: importance (IM, 1–5) and level (LV, 0–7).
    pub onet_importance: Option<f64>,
    pub onet_level: Option<f64>,
}

/// One direction of one relation: the edge table, the column holding the parent's id, and the
/// node table it leads to (or none when the edge row is itself the node, as for aliases).
#[derive(Debug)]
pub struct EdgeSpec {
    pub table: &'static str,
    pub parent_col: &'static str,
    pub child: Option<(&'static str, &'static str)>,
    /// Text column of the node that orders the page; unique per parent together with the id.
    pub sort_col: &'static str,
    pub attrs: bool,
}

/// Edge tables that carry a copy of their node's slug, indexed behind the parent's id
/// (migration `m20261202_010001_add_edge_sort_keys`, kept in step by triggers): (edge table,
/// node id column, copy column).
const SORT_COPIES: &[(&str, &str, &str)] = &[
    ("role_skill", "skill_id", "skill_slug"),
    ("role_skill", "role_id", "role_slug"),
    ("role_framework", "framework_id", "framework_slug"),
    ("role_framework", "role_id", "role_slug"),
    ("framework_skill", "skill_id", "skill_slug"),
    ("framework_skill", "framework_id", "framework_slug"),
    ("skill_broader", "broader_id", "broader_slug"),
    ("skill_broader", "skill_id", "skill_slug"),
    ("skill_prerequisite", "prerequisite_id", "prerequisite_slug"),
    ("skill_prerequisite", "skill_id", "skill_slug"),
    ("skill_related", "related_id", "related_slug"),
    ("role_related", "related_id", "related_slug"),
];

impl EdgeSpec {
    /// The edge table's copy of the sort key of its node, when it keeps one: then a page is a
    /// range of the index (parent, copy, node id), with no node read to order it.
    pub fn sort_copy(&self) -> Option<&'static str> {
        let (_, node_col) = self.child?;
        if self.sort_col != "slug" {
            return None;
        }
        SORT_COPIES
            .iter()
            .find(|(table, col, _)| *table == self.table && *col == node_col)
            .map(|(_, _, copy)| *copy)
    }
}

/// The attributes of a role's edge, in the order a page reads them (bits of [`Select::attrs`]).
pub const ATTRS: &[&str] = &[
    "importance",
    "level",
    "hot_technology",
    "in_demand",
    "onet_importance",
    "onet_level",
];

/// What a page reads besides its keys (parent, node id, sort key): the node's columns and the
/// edge's attributes the query's fields show. A page read for one selection is never served to
/// another: loaders key pages by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Select {
    /// Columns of the node's [`Node::COLUMNS`].
    pub node: Columns,
    /// Attributes of [`ATTRS`] (relations without attributes read none).
    pub attrs: Columns,
}

impl Select {
    /// Every column and every attribute.
    pub const FULL: Select = Select {
        node: Columns::ALL,
        attrs: Columns::ALL,
    };
}

/// The SQL of each attribute of [`ATTRS`] on the edge row `alias`, none of them NULL:
/// importance as 1 (essential) or 0 (no text to copy per row), and NULL level, flags and
/// ratings as -1 (one integer or float type on both engines).
fn attr_sql(i: usize, alias: &str) -> String {
    match i {
        0 => format!("CASE WHEN {alias}.importance = 'essential' THEN 1 ELSE 0 END AS sg_essential"),
        1 => format!("COALESCE({alias}.level, -1) AS sg_level"),
        2 => format!(
            "CASE WHEN {alias}.hot_technology IS NULL THEN -1 WHEN {alias}.hot_technology THEN 1 ELSE 0 END AS sg_hot"
        ),
        3 => format!(
            "CASE WHEN {alias}.in_demand IS NULL THEN -1 WHEN {alias}.in_demand THEN 1 ELSE 0 END AS sg_in_demand"
        ),
        4 => format!("COALESCE({alias}.onet_importance, -1.0) AS sg_onet_im"),
        _ => format!("COALESCE({alias}.onet_level, -1.0) AS sg_onet_lv"),
    }
}

/// The attributes of `attrs` on the edge row `alias`, as `, expr AS sg_x` each, in [`ATTRS`]
/// order. Read back by [`read_attrs`].
fn attr_columns(alias: &str, attrs: Columns) -> String {
    let mut out = String::new();
    for i in (0..ATTRS.len()).filter(|&i| attrs.has(i)) {
        out.push_str(", ");
        out.push_str(&attr_sql(i, alias));
    }
    out
}

/// The names [`attr_columns`] gives its columns, as `, alias.sg_x` each (to pass them on from a
/// subquery).
fn attr_names(alias: &str, attrs: Columns) -> String {
    const NAMES: [&str; 6] = [
        "sg_essential",
        "sg_level",
        "sg_hot",
        "sg_in_demand",
        "sg_onet_im",
        "sg_onet_lv",
    ];
    let mut out = String::new();
    for (i, name) in NAMES.iter().enumerate() {
        if attrs.has(i) {
            out.push_str(&format!(", {alias}.{name}"));
        }
    }
    out
}

/// The attributes [`attr_columns`] selected, from the reader's position on; those not selected
/// get neutral values (importance optional, the others None), which no selected field shows.
fn read_attrs(r: &mut Reader<'_>, attrs: Columns) -> AppResult<EdgeAttrs> {
    let flag = |v: i32| (v >= 0).then_some(v == 1);
    let rating = |v: f64| (v >= 0.0).then_some(v);
    let mut out = EdgeAttrs {
        importance: Importance::Optional,
        level: None,
        hot_technology: None,
        in_demand: None,
        onet_importance: None,
        onet_level: None,
    };
    if attrs.has(0) && r.req::<i32>()? == 1 {
        out.importance = Importance::Essential;
    }
    if attrs.has(1) {
        let level: i32 = r.req()?;
        out.level = (level >= 0).then_some(level);
    }
    if attrs.has(2) {
        out.hot_technology = flag(r.req()?);
    }
    if attrs.has(3) {
        out.in_demand = flag(r.req()?);
    }
    if attrs.has(4) {
        out.onet_importance = rating(r.req()?);
    }
    if attrs.has(5) {
        out.onet_level = rating(r.req()?);
    }
    Ok(out)
}

/// One page of edges for each parent, all parents in one statement. Nested lists are ordered by
/// the node's sort column (slug, or an alias's text), then id. Only the node columns and edge
/// attributes `select` names are read (see [`Node::read`] for the others). `filter` holds
/// conditions on the edge row, aliased `e` (empty for the whole list).
///
/// Every statement's row is, by position: the parent's id, the node's id, its sort key, the
/// attributes selected (relations with attributes), then the node's columns.
pub async fn edge_pages<M: Node + Clone + Send + Sync + 'static>(
    db: &impl RowSource,
    spec: &EdgeSpec,
    parents: &[i64],
    args: &PageArgs,
    select: Select,
    filter: &Filter,
) -> AppResult<FastMap<i64, Page<EdgeRow<M>>>> {
    if parents.is_empty() {
        return Ok(FastMap::default());
    }
    let backend = db.get_database_backend();
    // The id list is the first value; the statement does not depend on it.
    let mut values = vec![Value::from(None::<String>)];
    let sql = edge_page_sql::<M>(backend, spec, args, select, filter, &mut values)?;
    // Each parent's page is an answer of its own, kept per parent (see [`answers`]): a nested
    // list shows the same parents' pages to query after query.
    answers::through_each(
        || format!("{sql} {:?} {args:?}", values.get(1..)),
        parents,
        |page: &Page<EdgeRow<M>>| page.items.len(),
        |wanted| {
            let mut values = values.clone();
            values[0] = id_list_value(backend, &wanted);
            read_edge_pages(db, spec, sql.clone(), values, args, select)
        },
    )
    .await
}

/// Runs [`edge_pages`]'s statement (its values with the parents' id list first) and puts each
/// parent's rows in a page.
async fn read_edge_pages<M: Node>(
    db: &impl RowSource,
    spec: &EdgeSpec,
    sql: String,
    values: Vec<Value>,
    args: &PageArgs,
    select: Select,
) -> AppResult<FastMap<i64, Page<EdgeRow<M>>>> {
    let backend = db.get_database_backend();
    let st = stmt(backend, &sql, values);
    let mut grouped: FastMap<i64, Vec<EdgeRow<M>>> = FastMap::default();
    let per_parent = args.rows_read();
    lite::each_row(db, st, M::BY_POSITION, |r| {
        let parent: i64 = r.req()?;
        let cursor = read_cursor(r, SortKey::Slug)?;
        let attrs = if spec.attrs {
            Some(read_attrs(r, select.attrs)?)
        } else {
            None
        };
        let node = M::read(r, select.node)?;
        grouped
            .entry(parent)
            .or_insert_with(|| Vec::with_capacity(per_parent))
            .push(EdgeRow {
                node,
                attrs,
                cursor,
            });
        Ok(())
    })
    .await?;
    let mut out: FastMap<i64, Page<EdgeRow<M>>> = FastMap::default();
    out.reserve(grouped.len());
    for (parent, mut rows) in grouped {
        in_page_order(&mut rows, args);
        out.insert(parent, Page::from_rows(rows, args));
    }
    Ok(out)
}

/// Puts one parent's rows of a page statement in the order of the page (no statement orders its
/// whole result, on either engine): by sort key
/// (bytewise, as `COLLATE "C"` compares) then node id, descending for a backward or descending
/// page. The statement already chose each parent's rows by that order (a LIMIT per parent, or
/// a window's row number on SQLite); an ORDER BY over the whole result cost more than the rest of the statement (PostgreSQL sorts
/// the wide output rows, deforming each one again per comparison: 17.6 of 32.4 million
/// instructions for Q1's role → skills statement), and these are at most `limit + 1` rows
/// that mostly arrive in order already (the sort is then one pass).
fn in_page_order<M>(rows: &mut [EdgeRow<M>], args: &PageArgs) {
    let asc = args.order.desc == args.backward;
    rows.sort_by(|a, b| {
        let o = a
            .cursor
            .text
            .cmp(&b.cursor.text)
            .then(a.cursor.id.cmp(&b.cursor.id));
        if asc {
            o
        } else {
            o.reverse()
        }
    });
}

/// The statement of [`edge_pages`]; `values` holds the parents' id list and gets the rest.
///
/// - PostgreSQL: a LATERAL subquery per parent (its edges by index, the node by primary key,
///   a top-N sort). The single-window form below was planned as a hash join over a sequential
///   scan of the whole node table (45 ms for Q1's 50 roles instead of a few: the generic plan
///   cannot see how short the id list is).
/// - SQLite: the parents' edges numbered by a window over narrow rows (edge, node id and sort
///   key), and only the rows kept joined to the node's columns.
fn edge_page_sql<M: Node>(
    backend: DbBackend,
    spec: &EdgeSpec,
    args: &PageArgs,
    select: Select,
    filter: &Filter,
    values: &mut Vec<Value>,
) -> AppResult<String> {
    let parent = spec.parent_col;
    let sort_col = spec.sort_col;
    let table = spec.table;
    let attrs = if spec.attrs {
        attr_columns("e", select.attrs)
    } else {
        String::new()
    };
    let and = |cond: String| {
        if cond.is_empty() {
            cond
        } else {
            format!(" AND {cond}")
        }
    };
    // The filter's conditions and values come before the keyset's, as in the statement.
    let where_filter = edge_filter_sql(filter, values);
    if let (Some((child_table, child_col)), Some(copy)) = (spec.child, spec.sort_copy()) {
        return sorted_copy_page_sql::<M>(
            backend,
            spec,
            (child_table, child_col, copy),
            args,
            select,
            &where_filter,
            values,
        );
    }
    match (backend, spec.child) {
        (DbBackend::Postgres, child) => {
            let (node_alias, join) = match child {
                Some((child_table, child_col)) => (
                    "n",
                    format!(" JOIN {child_table} n ON n.id = e.{child_col}"),
                ),
                None => ("e", String::new()),
            };
            let columns = select_list::<M>(node_alias, select.node);
            let sort = sort_expr(backend, node_alias, SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, node_alias, args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            // No ORDER BY over the whole result: each parent's rows are put in order by
            // `edge_pages` (see [`in_page_order`]).
            Ok(format!(
                "SELECT x.* FROM unnest(?) AS p(id) CROSS JOIN LATERAL \
                 (SELECT e.{parent} AS sg_parent, {node_alias}.id AS sg_id, \
                 {node_alias}.{sort_col} AS sg_sort{attrs}, {columns} FROM {table} e{join} \
                 WHERE e.{parent} = p.id{where_filter}{cond} ORDER BY {order_by} LIMIT ?) x"
            ))
        }
        (_, Some((child_table, child_col))) => {
            let columns = select_list::<M>("n", select.node);
            let passed = if spec.attrs {
                attr_names("w", select.attrs)
            } else {
                String::new()
            };
            let sort = sort_expr(backend, "s", SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, "s", args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            Ok(format!(
                "SELECT w.sg_parent, w.sg_id, w.sg_sort{passed}, {columns} FROM (SELECT \
                 e.{parent} AS sg_parent, s.id AS sg_id, s.{sort_col} AS sg_sort{attrs}, \
                 ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
                 FROM {table} e JOIN {child_table} s ON s.id = e.{child_col} \
                 WHERE {in_list}{where_filter}{cond}) w JOIN {child_table} n ON n.id = w.sg_id \
                 WHERE w.sg_rn <= ?",
                in_list = in_id_list(backend, &format!("e.{parent}")),
            ))
        }
        (_, None) => {
            // The edge row is the node: the columns wanted are passed on from the window.
            let columns = select_list::<M>("e", select.node);
            let outer = select_list::<M>("w", select.node);
            let sort = sort_expr(backend, "e", SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, "e", args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            Ok(format!(
                "SELECT w.sg_parent, w.sg_id, w.sg_sort, {outer} FROM (SELECT \
                 e.{parent} AS sg_parent, e.id AS sg_id, e.{sort_col} AS sg_sort, {columns}, \
                 ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
                 FROM {table} e WHERE {in_list}{where_filter}{cond}) w \
                 WHERE w.sg_rn <= ?",
                in_list = in_id_list(backend, &format!("e.{parent}")),
            ))
        }
    }
}

/// `filter`'s conditions as ` AND …` (nothing for an empty filter), its values appended to
/// `values`.
fn edge_filter_sql(filter: &Filter, values: &mut Vec<Value>) -> String {
    values.extend(filter.values.iter().cloned());
    filter
        .conditions
        .iter()
        .map(|c| format!(" AND {c}"))
        .collect()
}

/// [`edge_page_sql`] for an edge table that keeps its node's slug (`copy`): the page is read
/// from the index (parent, copy, node id) in order, and only the rows kept are joined to their
/// node (and, on SQLite, to their edge row for its attributes).
///
/// `where_filter` is the filter's conditions on the edge row (alias `e`, its values already in
/// `values`); the keyset condition follows them.
fn sorted_copy_page_sql<M: Node>(
    backend: DbBackend,
    spec: &EdgeSpec,
    (child_table, child_col, copy): (&str, &str, &str),
    args: &PageArgs,
    select: Select,
    where_filter: &str,
    values: &mut Vec<Value>,
) -> AppResult<String> {
    let parent = spec.parent_col;
    let table = spec.table;
    let columns = select_list::<M>("n", select.node);
    let sort = sort_expr(backend, "e", SortKey::Slug, copy, None);
    let (order_by, cond) = keyset_by(&sort, &format!("e.{child_col}"), args, values)?;
    let edge_where = if cond.is_empty() {
        where_filter.to_owned()
    } else {
        format!("{where_filter} AND {cond}")
    };
    let limit = args.limit + 1;
    // Attributes are read only when the relation has them and the query shows some.
    let attrs_wanted = spec.attrs && select.attrs != Columns::NONE;
    let attrs = |alias: &str| {
        if attrs_wanted {
            attr_columns(alias, select.attrs)
        } else {
            String::new()
        }
    };
    if backend == DbBackend::Postgres {
        // Per parent: its first rows of the index, then their nodes by primary key. No ORDER BY
        // over the whole result (`edge_pages` orders each parent's rows, see [`in_page_order`]).
        values.push(Value::from(limit as i64));
        return Ok(format!(
            "SELECT x.* FROM unnest(?) AS p(id) CROSS JOIN LATERAL \
             (SELECT e.{parent} AS sg_parent, e.{child_col} AS sg_id, e.{copy} AS sg_sort{attrs}, \
             {columns} FROM (SELECT * FROM {table} e WHERE e.{parent} = p.id{edge_where} \
             ORDER BY {order_by} LIMIT ?) e JOIN {child_table} n ON n.id = e.{child_col}) x",
            attrs = attrs("e"),
        ));
    }
    // SQLite (no LATERAL): for each parent, a correlated scalar subquery reads its first
    // `limit` rows from the index and gives the last of their sort keys; the parent's rows are
    // then the index range up to that key (the key is unique per parent: it is the node's
    // slug), read from the index (and the edge row, for a filter or an attribute the index
    // does not hold) and joined to the node. The filter and the
    // keyset condition apply on both sides. Each parent's rows come in index order, and
    // `edge_pages` puts them in page order.
    // Measured on Q1 against the forms this replaced: a `node IN (subquery LIMIT n)` list
    // built an ephemeral table per parent and sought each edge again by primary key; a window
    // numbering every edge of every parent, then sorting, was 2-4× slower than that.
    // The LIMIT is written into the text, not bound: SQLite plans with a bound LIMIT's value,
    // so binding it makes every execution prepare the statement again.
    let (bound, cmp) = if args.order.desc == args.backward {
        ("max", "<=")
    } else {
        ("min", ">=")
    };
    // The filter's and keyset's values (after the id list), once more for the subquery.
    let again: Vec<Value> = values.get(1..).map(<[Value]>::to_vec).unwrap_or_default();
    values.extend(again);
    Ok(format!(
        "SELECT e.{parent} AS sg_parent, e.{child_col} AS sg_id, e.{copy} AS sg_sort{attrs}, \
         {columns} FROM json_each(?) p JOIN {table} e ON e.{parent} = p.value{edge_where} \
         AND e.{copy} {cmp} (SELECT {bound}(x.s) FROM (SELECT e.{copy} AS s FROM {table} e \
         WHERE e.{parent} = p.value{edge_where} ORDER BY {order_by} LIMIT {limit}) x) \
         JOIN {child_table} n ON n.id = e.{child_col}",
        attrs = attrs("e"),
    ))
}

/// How many edges each parent has (those `filter` keeps), all parents in one statement; each
/// parent's count is kept as an answer of its own, as [`edge_pages`]' pages are.
pub async fn edge_counts(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
    filter: &Filter,
) -> AppResult<FastMap<i64, u64>> {
    if parents.is_empty() {
        return Ok(FastMap::default());
    }
    let backend = db.get_database_backend();
    let mut values = vec![Value::from(None::<String>)];
    let sql = format!(
        "SELECT e.{parent} AS sg_parent, COUNT(*) AS n FROM {table} e WHERE {in_list}{where_filter} GROUP BY e.{parent}",
        parent = spec.parent_col,
        table = spec.table,
        in_list = in_id_list(backend, &format!("e.{}", spec.parent_col)),
        where_filter = edge_filter_sql(filter, &mut values),
    );
    answers::through_each(
        || format!("{sql} {:?}", values.get(1..)),
        parents,
        |_| 1,
        |wanted| {
            let mut values = values.clone();
            values[0] = id_list_value(backend, &wanted);
            let st = stmt(backend, &sql, values);
            async move {
                let rows = db.query_all_raw(st).await?;
                let mut out = FastMap::default();
                for row in &rows {
                    let parent: i64 = row.try_get("", "sg_parent")?;
                    let n: i64 = row.try_get("", "n")?;
                    out.insert(parent, n.max(0) as u64);
                }
                Ok(out)
            }
        },
    )
    .await
}

/// An alias of a skill or framework, as nested lists return it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AliasRow {
    pub id: i64,
    pub alias: String,
}
