//! Nested edge lists: one page of edges for each of a batch of parents, in one statement (a
//! window function numbers each parent's rows), and their counts.
use std::collections::HashMap;

use entity::{framework, role, skill};
use sea_orm::{ConnectionTrait, FromQueryResult, IdenStatic, Iterable, Value};

use crate::error::AppResult;

use super::{
    db::{id_list_value, in_id_list, stmt},
    pages::{keyset, read_cursor, sort_expr, EdgeRow, Page, PageArgs, SortKey},
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

/// Long text a nested row carries only when the query asked for it: ESCO descriptions run to
/// hundreds of bytes, and a nested query reads thousands of rows that only show a name.
const LONG_TEXT: &[&str] = &["description"];

/// The columns of a node table, aliased `alias`: all of them, or (without `long_text`) all with
/// the long text read as NULL. Tables without long text always read `alias.*`.
fn node_columns(table: &str, alias: &str, long_text: bool) -> String {
    fn list<C: Iterable + IdenStatic>(alias: &str) -> String {
        C::iter()
            .map(|c| {
                let name = c.as_str();
                if LONG_TEXT.contains(&name) {
                    format!("CAST(NULL AS TEXT) AS {name}")
                } else {
                    format!("{alias}.{name}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    match (long_text, table) {
        (false, "skill") => list::<skill::Column>(alias),
        (false, "role") => list::<role::Column>(alias),
        (false, "framework") => list::<framework::Column>(alias),
        _ => format!("{alias}.*"),
    }
}

/// One page of edges for each parent, all parents in one statement. Nested lists are ordered by
/// the node's sort column (slug, or an alias's text), then id. Without `long_text` the nodes'
/// descriptions are left out (read as None).
pub async fn edge_pages<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
    args: &PageArgs,
    long_text: bool,
) -> AppResult<HashMap<i64, Page<EdgeRow<M>>>> {
    let mut out: HashMap<i64, Page<EdgeRow<M>>> = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let (node_alias, join, columns) = match spec.child {
        Some((child_table, child_col)) => (
            "n",
            format!(" JOIN {child_table} n ON n.id = e.{child_col}"),
            node_columns(child_table, "n", long_text),
        ),
        None => ("e", String::new(), "e.*".to_owned()),
    };
    let attrs = if spec.attrs {
        ", e.importance AS sg_importance, e.level AS sg_level, e.hot_technology AS sg_hot, \
         e.in_demand AS sg_in_demand, e.onet_importance AS sg_onet_im, e.onet_level AS sg_onet_lv"
    } else {
        ""
    };
    let mut values = vec![id_list_value(backend, parents)];
    let sort = sort_expr(backend, node_alias, SortKey::Slug, spec.sort_col, None);
    let (order_by, cond) = keyset(&sort, node_alias, args, &mut values)?;
    let cursor_sql = if cond.is_empty() {
        String::new()
    } else {
        format!(" AND {cond}")
    };
    values.push(Value::from((args.limit + 1) as i64));
    let sql = format!(
        "SELECT * FROM (SELECT {columns}, e.{parent} AS sg_parent{attrs}, \
         {node_alias}.id AS sg_id, {node_alias}.{sort_col} AS sg_sort, \
         ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {order_by}) AS sg_rn \
         FROM {table} e{join} WHERE {in_list}{cursor_sql}) w \
         WHERE w.sg_rn <= ? ORDER BY w.sg_parent, w.sg_rn",
        parent = spec.parent_col,
        sort_col = spec.sort_col,
        table = spec.table,
        in_list = in_id_list(backend, &format!("e.{}", spec.parent_col)),
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut grouped: HashMap<i64, Vec<EdgeRow<M>>> = HashMap::new();
    for row in &rows {
        let parent: i64 = row.try_get("", "sg_parent")?;
        let attrs = if spec.attrs {
            let importance: String = row.try_get("", "sg_importance")?;
            Some(EdgeAttrs {
                importance: Importance::parse(&importance).unwrap_or(Importance::Optional),
                level: row.try_get("", "sg_level")?,
                hot_technology: row.try_get("", "sg_hot")?,
                in_demand: row.try_get("", "sg_in_demand")?,
                onet_importance: row.try_get("", "sg_onet_im")?,
                onet_level: row.try_get("", "sg_onet_lv")?,
            })
        } else {
            None
        };
        grouped.entry(parent).or_default().push(EdgeRow {
            node: M::from_query_result(row, "")?,
            attrs,
            cursor: read_cursor(row, SortKey::Slug)?,
        });
    }
    for (parent, rows) in grouped {
        out.insert(parent, Page::from_rows(rows, args));
    }
    Ok(out)
}

/// How many edges each parent has, all parents in one statement.
pub async fn edge_counts(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT e.{parent} AS sg_parent, COUNT(*) AS n FROM {table} e WHERE {in_list} GROUP BY e.{parent}",
        parent = spec.parent_col,
        table = spec.table,
        in_list = in_id_list(backend, &format!("e.{}", spec.parent_col)),
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(backend, parents)]))
        .await?;
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
