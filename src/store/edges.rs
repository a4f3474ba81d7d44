//! Nested edge lists: one page of edges for each of a batch of parents, in one statement (a
//! window function numbers each parent's rows), and their counts.
use std::collections::HashMap;

use entity::{framework, role, skill};
use sea_orm::{
    sea_query::ColumnType, ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult, IdenStatic,
    Iterable, Value,
};

use crate::error::AppResult;

use super::{
    db::{id_list_value, in_id_list, stmt},
    pages::{keyset, keyset_by, read_cursor, sort_expr, EdgeRow, Filter, Page, PageArgs, SortKey},
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

/// Long text a nested row carries only when the query asked for it: ESCO descriptions run to
/// hundreds of bytes, and a nested query reads thousands of rows that only show a name.
const LONG_TEXT: &[&str] = &["description"];

/// Which of a node's optional text columns a nested page reads; the others are read as an empty
/// text (never shown: the query selects no field that reads them). Only nullable text columns
/// are ever left out, so every row still decodes into its model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Detail {
    /// Long text (descriptions).
    pub long_text: bool,
    /// The other optional text columns (ESCO URIs, O*NET names and codes, reuse levels).
    pub optional_text: bool,
}

impl Detail {
    /// Every column.
    pub const FULL: Detail = Detail {
        long_text: true,
        optional_text: true,
    };
}

/// The columns of a node table, aliased `alias`: all of them, or with the optional text the
/// query does not need read as `''` (a nested query reads thousands of rows that only show a
/// name; each value left out is a copy and an allocation saved per row). Not NULL: SeaORM
/// decodes a NULL into an `Option` by building and dropping an error with a formatted message
/// (`format!` of the column name), which was 12 % of Q1's instructions on SQLite.
fn node_columns(table: &str, alias: &str, detail: Detail) -> String {
    fn list<C: Iterable + IdenStatic + ColumnTrait>(alias: &str, detail: Detail) -> String {
        C::iter()
            .map(|c| {
                let name = c.as_str();
                let def = c.def();
                let text = matches!(
                    def.get_column_type(),
                    ColumnType::String(_) | ColumnType::Text
                );
                let wanted = if !(text && def.is_null()) {
                    true
                } else if LONG_TEXT.contains(&name) {
                    detail.long_text
                } else {
                    detail.optional_text
                };
                if wanted {
                    format!("{alias}.{name}")
                } else {
                    format!("'' AS {name}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    if detail == Detail::FULL {
        return format!("{alias}.*");
    }
    match table {
        "skill" => list::<skill::Column>(alias, detail),
        "role" => list::<role::Column>(alias, detail),
        "framework" => list::<framework::Column>(alias, detail),
        _ => format!("{alias}.*"),
    }
}

/// The attributes of a role's edge (`alias` is the edge row), none of them NULL: importance as
/// 1 (essential) or 0, and NULL level, flags and ratings as -1 (SeaORM's NULL decoding builds an
/// error message per value). Read back by [`read_attrs`].
fn attr_columns(alias: &str) -> String {
    format!(
        ", CASE WHEN {alias}.importance = 'essential' THEN 1 ELSE 0 END AS sg_essential, \
         COALESCE({alias}.level, -1) AS sg_level, \
         CASE WHEN {alias}.hot_technology IS NULL THEN -1 WHEN {alias}.hot_technology THEN 1 ELSE 0 END AS sg_hot, \
         CASE WHEN {alias}.in_demand IS NULL THEN -1 WHEN {alias}.in_demand THEN 1 ELSE 0 END AS sg_in_demand, \
         COALESCE({alias}.onet_importance, -1.0) AS sg_onet_im, \
         COALESCE({alias}.onet_level, -1.0) AS sg_onet_lv"
    )
}

/// The attributes [`attr_columns`] selected.
fn read_attrs(row: &sea_orm::QueryResult) -> AppResult<EdgeAttrs> {
    let flag = |v: i32| (v >= 0).then_some(v == 1);
    let rating = |v: f64| (v >= 0.0).then_some(v);
    let essential: i32 = row.try_get("", "sg_essential")?;
    let level: i32 = row.try_get("", "sg_level")?;
    Ok(EdgeAttrs {
        importance: if essential == 1 {
            Importance::Essential
        } else {
            Importance::Optional
        },
        level: (level >= 0).then_some(level),
        hot_technology: flag(row.try_get("", "sg_hot")?),
        in_demand: flag(row.try_get("", "sg_in_demand")?),
        onet_importance: rating(row.try_get("", "sg_onet_im")?),
        onet_level: rating(row.try_get("", "sg_onet_lv")?),
    })
}

/// One page of edges for each parent, all parents in one statement. Nested lists are ordered by
/// the node's sort column (slug, or an alias's text), then id. The node columns `detail` leaves
/// out are read as None. `filter` holds conditions on the edge row, aliased `e` (empty for the
/// whole list).
pub async fn edge_pages<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
    args: &PageArgs,
    detail: Detail,
    filter: &Filter,
) -> AppResult<HashMap<i64, Page<EdgeRow<M>>>> {
    let mut out: HashMap<i64, Page<EdgeRow<M>>> = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let mut values = vec![id_list_value(backend, parents)];
    let sql = edge_page_sql(backend, spec, args, detail, filter, &mut values)?;
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut grouped: HashMap<i64, Vec<EdgeRow<M>>> = HashMap::new();
    for row in &rows {
        let parent: i64 = row.try_get("", "sg_parent")?;
        let attrs = if spec.attrs {
            Some(read_attrs(row)?)
        } else {
            None
        };
        grouped.entry(parent).or_default().push(EdgeRow {
            node: M::from_query_result(row, "")?,
            attrs,
            cursor: read_cursor(row, SortKey::Slug)?,
        });
    }
    let ordered = backend != DbBackend::Postgres;
    for (parent, mut rows) in grouped {
        if !ordered {
            in_page_order(&mut rows, args);
        }
        out.insert(parent, Page::from_rows(rows, args));
    }
    Ok(out)
}

/// Puts one parent's rows of a PostgreSQL page statement in the order of the page: by sort key
/// (bytewise, as `COLLATE "C"` compares) then node id, descending for a backward or descending
/// page. The statement's LIMIT already chose the rows by that order in each parent's subquery;
/// an ORDER BY over the whole result cost more than the rest of the statement (PostgreSQL sorts
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
fn edge_page_sql(
    backend: DbBackend,
    spec: &EdgeSpec,
    args: &PageArgs,
    detail: Detail,
    filter: &Filter,
    values: &mut Vec<Value>,
) -> AppResult<String> {
    let parent = spec.parent_col;
    let sort_col = spec.sort_col;
    let table = spec.table;
    let attrs = if spec.attrs {
        attr_columns("e")
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
        return sorted_copy_page_sql(
            backend,
            spec,
            (child_table, child_col, copy),
            args,
            detail,
            &where_filter,
            values,
        );
    }
    match (backend, spec.child) {
        (DbBackend::Postgres, child) => {
            let (node_alias, join, columns) = match child {
                Some((child_table, child_col)) => (
                    "n",
                    format!(" JOIN {child_table} n ON n.id = e.{child_col}"),
                    node_columns(child_table, "n", detail),
                ),
                None => ("e", String::new(), "e.*".to_owned()),
            };
            let sort = sort_expr(backend, node_alias, SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, node_alias, args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            // No ORDER BY over the whole result: each parent's rows are put in order by
            // `edge_pages` (see [`in_page_order`]).
            Ok(format!(
                "SELECT x.* FROM unnest(?) AS p(id) CROSS JOIN LATERAL \
                 (SELECT {columns}, e.{parent} AS sg_parent{attrs}, {node_alias}.id AS sg_id, \
                 {node_alias}.{sort_col} AS sg_sort FROM {table} e{join} \
                 WHERE e.{parent} = p.id{where_filter}{cond} ORDER BY {order_by} LIMIT ?) x"
            ))
        }
        (_, Some((child_table, child_col))) => {
            let columns = node_columns(child_table, "n", detail);
            let sort = sort_expr(backend, "s", SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, "s", args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            Ok(format!(
                "SELECT {columns}, w.* FROM (SELECT e.{parent} AS sg_parent{attrs}, \
                 s.id AS sg_id, s.{sort_col} AS sg_sort, \
                 ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
                 FROM {table} e JOIN {child_table} s ON s.id = e.{child_col} \
                 WHERE {in_list}{where_filter}{cond}) w JOIN {child_table} n ON n.id = w.sg_id \
                 WHERE w.sg_rn <= ? ORDER BY w.sg_parent, w.sg_rn",
                in_list = in_id_list(backend, &format!("e.{parent}")),
            ))
        }
        (_, None) => {
            let sort = sort_expr(backend, "e", SortKey::Slug, sort_col, None);
            let (order_by, cond) = keyset(&sort, "e", args, values)?;
            let cond = and(cond);
            values.push(Value::from((args.limit + 1) as i64));
            Ok(format!(
                "SELECT * FROM (SELECT e.*, e.{parent} AS sg_parent, e.id AS sg_id, \
                 e.{sort_col} AS sg_sort, \
                 ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
                 FROM {table} e WHERE {in_list}{where_filter}{cond}) w \
                 WHERE w.sg_rn <= ? ORDER BY w.sg_parent, w.sg_rn",
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
fn sorted_copy_page_sql(
    backend: DbBackend,
    spec: &EdgeSpec,
    (child_table, child_col, copy): (&str, &str, &str),
    args: &PageArgs,
    detail: Detail,
    where_filter: &str,
    values: &mut Vec<Value>,
) -> AppResult<String> {
    let parent = spec.parent_col;
    let table = spec.table;
    let columns = node_columns(child_table, "n", detail);
    let sort = sort_expr(backend, "e", SortKey::Slug, copy, None);
    let (order_by, cond) = keyset_by(&sort, &format!("e.{child_col}"), args, values)?;
    let edge_where = if cond.is_empty() {
        where_filter.to_owned()
    } else {
        format!("{where_filter} AND {cond}")
    };
    values.push(Value::from((args.limit + 1) as i64));
    let attrs = |alias: &str| {
        if spec.attrs {
            attr_columns(alias)
        } else {
            String::new()
        }
    };
    if backend == DbBackend::Postgres {
        // Per parent: its first rows of the index, then their nodes by primary key. No ORDER BY
        // over the whole result (`edge_pages` orders each parent's rows, see [`in_page_order`]).
        return Ok(format!(
            "SELECT x.* FROM unnest(?) AS p(id) CROSS JOIN LATERAL \
             (SELECT {columns}, e.{parent} AS sg_parent{attrs}, e.{child_col} AS sg_id, \
             e.{copy} AS sg_sort FROM (SELECT * FROM {table} e WHERE e.{parent} = p.id{edge_where} \
             ORDER BY {order_by} LIMIT ?) e JOIN {child_table} n ON n.id = e.{child_col}) x",
            attrs = attrs("e"),
        ));
    }
    // SQLite: the window numbers rows the index gives in order (no sort); the edge row is read
    // again only for the rows kept, and only when the relation has attributes.
    let (edge_join, attrs) = if spec.attrs {
        (
            format!(" JOIN {table} a ON a.{parent} = w.sg_parent AND a.{child_col} = w.sg_id"),
            attrs("a"),
        )
    } else {
        (String::new(), String::new())
    };
    Ok(format!(
        "SELECT {columns}, w.sg_parent, w.sg_id, w.sg_sort{attrs} FROM (SELECT \
         e.{parent} AS sg_parent, e.{child_col} AS sg_id, e.{copy} AS sg_sort, \
         ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
         FROM {table} e WHERE {in_list}{edge_where}) w{edge_join} \
         JOIN {child_table} n ON n.id = w.sg_id \
         WHERE w.sg_rn <= ? ORDER BY w.sg_parent, w.sg_rn",
        in_list = in_id_list(backend, &format!("e.{parent}")),
    ))
}

/// How many edges each parent has (those `filter` keeps), all parents in one statement.
pub async fn edge_counts(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
    filter: &Filter,
) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let mut values = vec![id_list_value(backend, parents)];
    let sql = format!(
        "SELECT e.{parent} AS sg_parent, COUNT(*) AS n FROM {table} e WHERE {in_list}{where_filter} GROUP BY e.{parent}",
        parent = spec.parent_col,
        table = spec.table,
        in_list = in_id_list(backend, &format!("e.{}", spec.parent_col)),
        where_filter = edge_filter_sql(filter, &mut values),
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    for row in &rows {
        let parent: i64 = row.try_get("", "sg_parent")?;
        let n: i64 = row.try_get("", "n")?;
        out.insert(parent, n.max(0) as u64);
    }
    Ok(out)
}

/// An alias of a skill or framework, as nested lists return it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AliasRow {
    pub id: i64,
    pub alias: String,
}
