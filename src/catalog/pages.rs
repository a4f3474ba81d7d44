//! Keyset pages over the graph: top-level lists and nested edge lists fetched for a whole batch
//! of parents with one statement (a window function numbers each parent's rows).
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::{
    db::{id_list_value, in_id_list, stmt},
    error::AppResult,
};

/// Largest page a client may ask for, and the page size when it does not say.
pub const MAX_PAGE: u64 = 100;
pub const DEFAULT_PAGE: u64 = 25;

/// What page to fetch: at most `first` rows whose sort key is greater than `after`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub first: u64,
    pub after: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items: Vec::new(),
            has_next: false,
        }
    }
}

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

#[derive(Clone, Debug)]
pub struct EdgeRow<M> {
    pub node: M,
    pub attrs: Option<EdgeAttrs>,
}

/// One direction of one relation: the edge table, the column holding the parent's id, and the
/// node table it leads to (or none when the edge row is itself the node, as for aliases).
#[derive(Debug)]
pub struct EdgeSpec {
    pub table: &'static str,
    pub parent_col: &'static str,
    pub child: Option<(&'static str, &'static str)>,
    /// Column of the node that orders the page and makes the cursor; unique per parent.
    pub sort_col: &'static str,
    pub attrs: bool,
}

/// Ordering that is the same on both engines (bytewise), so keyset cursors agree with ORDER BY.
fn collate(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => " COLLATE \"C\"",
        _ => "",
    }
}

/// A filter on a top-level list, as an SQL condition over the table aliased `t`.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub conditions: Vec<String>,
    pub values: Vec<Value>,
}

impl Filter {
    pub fn and(mut self, sql: &str, values: Vec<Value>) -> Self {
        self.conditions.push(sql.to_owned());
        self.values.extend(values);
        self
    }
}

/// One page of a top-level list ordered by `sort_col`.
pub async fn list_page<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &str,
    sort_col: &str,
    filter: &Filter,
    args: &PageArgs,
) -> AppResult<Page<M>> {
    let backend = db.get_database_backend();
    let c = collate(backend);
    let mut conditions = filter.conditions.clone();
    let mut values = filter.values.clone();
    if let Some(after) = &args.after {
        conditions.push(format!("t.{sort_col}{c} > ?"));
        values.push(after.clone().into());
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    values.push(Value::from((args.first + 1) as i64));
    let sql = format!("SELECT t.* FROM {table} t{where_sql} ORDER BY t.{sort_col}{c} LIMIT ?");
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(M::from_query_result(row, "")?);
    }
    let has_next = items.len() as u64 > args.first;
    items.truncate(args.first as usize);
    Ok(Page { items, has_next })
}

/// How many rows a top-level list has under a filter.
pub async fn list_count(db: &impl ConnectionTrait, table: &str, filter: &Filter) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let where_sql = if filter.conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", filter.conditions.join(" AND "))
    };
    let sql = format!("SELECT COUNT(*) AS n FROM {table} t{where_sql}");
    let row = db
        .query_one_raw(stmt(backend, &sql, filter.values.clone()))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(n.max(0) as u64)
}

/// One page of edges for each parent, all parents in one statement.
pub async fn edge_pages<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    spec: &EdgeSpec,
    parents: &[i64],
    args: &PageArgs,
) -> AppResult<HashMap<i64, Page<EdgeRow<M>>>> {
    let mut out: HashMap<i64, Page<EdgeRow<M>>> = HashMap::new();
    if parents.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let c = collate(backend);
    let (node_alias, join) = match spec.child {
        Some((child_table, child_col)) => (
            "n",
            format!(" JOIN {child_table} n ON n.id = e.{child_col}"),
        ),
        None => ("e", String::new()),
    };
    let attrs = if spec.attrs {
        ", e.importance AS sg_importance, e.level AS sg_level, e.hot_technology AS sg_hot, \
         e.in_demand AS sg_in_demand, e.onet_importance AS sg_onet_im, e.onet_level AS sg_onet_lv"
    } else {
        ""
    };
    let mut values = vec![id_list_value(parents)];
    let mut cursor_sql = String::new();
    if let Some(after) = &args.after {
        cursor_sql = format!(" AND {node_alias}.{}{c} > ?", spec.sort_col);
        values.push(after.clone().into());
    }
    values.push(Value::from((args.first + 1) as i64));
    let sql = format!(
        "SELECT * FROM (SELECT {node_alias}.*, e.{parent} AS sg_parent{attrs}, \
         ROW_NUMBER() OVER (PARTITION BY e.{parent} ORDER BY {node_alias}.{sort}{c}) AS sg_rn \
         FROM {table} e{join} WHERE {in_list}{cursor_sql}) w \
         WHERE w.sg_rn <= ? ORDER BY w.sg_parent, w.sg_rn",
        parent = spec.parent_col,
        sort = spec.sort_col,
        table = spec.table,
        in_list = in_id_list(backend, &format!("e.{}", spec.parent_col)),
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
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
        let page = out.entry(parent).or_default();
        if page.items.len() as u64 >= args.first {
            page.has_next = true;
        } else {
            page.items.push(EdgeRow {
                node: M::from_query_result(row, "")?,
                attrs,
            });
        }
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
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(parents)]))
        .await?;
    for row in &rows {
        let parent: i64 = row.try_get("", "sg_parent")?;
        let n: i64 = row.try_get("", "n")?;
        out.insert(parent, n.max(0) as u64);
    }
    Ok(out)
}

/// Rows of a table by id, for a batch of ids, in one statement.
pub async fn by_ids<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &str,
    ids: &[i64],
    id_of: impl Fn(&M) -> i64,
) -> AppResult<HashMap<i64, M>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT t.* FROM {table} t WHERE {}",
        in_id_list(backend, "t.id")
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(ids)]))
        .await?;
    for row in &rows {
        let m = M::from_query_result(row, "")?;
        out.insert(id_of(&m), m);
    }
    Ok(out)
}

pub mod specs {
    //! Every direction of every relation of the graph.
    use super::EdgeSpec;

    pub const SKILL_ALIASES: EdgeSpec = EdgeSpec {
        table: "skill_alias",
        parent_col: "skill_id",
        child: None,
        sort_col: "alias",
        attrs: false,
    };
    pub const SKILL_BROADER: EdgeSpec = EdgeSpec {
        table: "skill_broader",
        parent_col: "skill_id",
        child: Some(("skill", "broader_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_NARROWER: EdgeSpec = EdgeSpec {
        table: "skill_broader",
        parent_col: "broader_id",
        child: Some(("skill", "skill_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_PREREQUISITES: EdgeSpec = EdgeSpec {
        table: "skill_prerequisite",
        parent_col: "skill_id",
        child: Some(("skill", "prerequisite_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_REQUIRED_BY: EdgeSpec = EdgeSpec {
        table: "skill_prerequisite",
        parent_col: "prerequisite_id",
        child: Some(("skill", "skill_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_RELATED: EdgeSpec = EdgeSpec {
        table: "skill_related",
        parent_col: "skill_id",
        child: Some(("skill", "related_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_FRAMEWORKS: EdgeSpec = EdgeSpec {
        table: "framework_skill",
        parent_col: "skill_id",
        child: Some(("framework", "framework_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const FRAMEWORK_SKILLS: EdgeSpec = EdgeSpec {
        table: "framework_skill",
        parent_col: "framework_id",
        child: Some(("skill", "skill_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const SKILL_ROLES: EdgeSpec = EdgeSpec {
        table: "role_skill",
        parent_col: "skill_id",
        child: Some(("role", "role_id")),
        sort_col: "slug",
        attrs: true,
    };
    pub const ROLE_SKILLS: EdgeSpec = EdgeSpec {
        table: "role_skill",
        parent_col: "role_id",
        child: Some(("skill", "skill_id")),
        sort_col: "slug",
        attrs: true,
    };
    pub const FRAMEWORK_ROLES: EdgeSpec = EdgeSpec {
        table: "role_framework",
        parent_col: "framework_id",
        child: Some(("role", "role_id")),
        sort_col: "slug",
        attrs: true,
    };
    pub const ROLE_ALIASES: EdgeSpec = EdgeSpec {
        table: "role_alias",
        parent_col: "role_id",
        child: None,
        sort_col: "alias",
        attrs: false,
    };
    pub const ROLE_RELATED: EdgeSpec = EdgeSpec {
        table: "role_related",
        parent_col: "role_id",
        child: Some(("role", "related_id")),
        sort_col: "slug",
        attrs: false,
    };
    pub const ROLE_FRAMEWORKS: EdgeSpec = EdgeSpec {
        table: "role_framework",
        parent_col: "role_id",
        child: Some(("framework", "framework_id")),
        sort_col: "slug",
        attrs: true,
    };
}
