//! Keyset pages over the graph: top-level lists and nested edge lists fetched for a whole batch
//! of parents with one statement (a window function numbers each parent's rows).
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::{
    db::{id_list_value, in_id_list, stmt},
    error::{AppError, AppResult},
};

/// Largest page a client may ask for, and the page size when it does not say.
pub const MAX_PAGE: u64 = 100;
pub const DEFAULT_PAGE: u64 = 25;

/// What a list is ordered by; ties are always broken by id, so the order is total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Slug,
    Name,
    /// Creation order (ids grow with creation time).
    Created,
    /// How many roles require (skills) or use (frameworks) the item.
    Popularity,
    /// A job posting's posted date (ISO text).
    Posted,
    /// A job posting's annualised salary midpoint (-1 without a salary).
    Salary,
}

impl SortKey {
    fn tag(self) -> &'static str {
        match self {
            SortKey::Slug => "s",
            SortKey::Name => "n",
            SortKey::Created => "c",
            SortKey::Popularity => "p",
            SortKey::Posted => "d",
            SortKey::Salary => "m",
        }
    }
    fn from_tag(t: &str) -> Option<Self> {
        Some(match t {
            "s" => SortKey::Slug,
            "n" => SortKey::Name,
            "c" => SortKey::Created,
            "p" => SortKey::Popularity,
            "d" => SortKey::Posted,
            "m" => SortKey::Salary,
            _ => return None,
        })
    }
    fn is_text(self) -> bool {
        matches!(self, SortKey::Slug | SortKey::Name | SortKey::Posted)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Order {
    pub key: SortKey,
    pub desc: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            key: SortKey::Slug,
            desc: false,
        }
    }
}

/// A position in a list: the sort value of a row and its id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub key: SortKey,
    pub text: Option<String>,
    pub number: Option<i64>,
    pub id: i64,
}

impl Cursor {
    /// `key|id|value`: the key tag lets a cursor from another ordering be refused.
    pub fn encode(&self) -> String {
        let value = match (&self.text, self.number) {
            (Some(t), _) => t.clone(),
            (None, Some(n)) => n.to_string(),
            (None, None) => String::new(),
        };
        format!("{}|{}|{}", self.key.tag(), self.id, value)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let mut parts = s.splitn(3, '|');
        let key = SortKey::from_tag(parts.next()?)?;
        let id: i64 = parts.next()?.parse().ok()?;
        let value = parts.next()?;
        let (text, number) = match key {
            SortKey::Slug | SortKey::Name | SortKey::Posted => (Some(value.to_owned()), None),
            SortKey::Popularity | SortKey::Salary => (None, Some(value.parse().ok()?)),
            SortKey::Created => (None, None),
        };
        Some(Cursor {
            key,
            text,
            number,
            id,
        })
    }
}

/// What page to fetch: `limit` rows after the cursor (forward, first/after) or before it
/// (backward, last/before), in the given order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub limit: u64,
    pub cursor: Option<Cursor>,
    pub backward: bool,
    pub order: Order,
}

impl PageArgs {
    pub fn first(limit: u64) -> Self {
        PageArgs {
            limit,
            cursor: None,
            backward: false,
            order: Order::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items: Vec::new(),
            has_next: false,
            has_previous: false,
        }
    }
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` rows fetched in query order.
    fn from_rows(mut items: Vec<T>, args: &PageArgs) -> Self {
        let more = items.len() as u64 > args.limit;
        items.truncate(args.limit as usize);
        if args.backward {
            items.reverse();
            Page {
                items,
                has_next: args.cursor.is_some(),
                has_previous: more,
            }
        } else {
            Page {
                items,
                has_next: more,
                has_previous: args.cursor.is_some(),
            }
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
    pub cursor: Cursor,
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

/// Ordering that is the same on both engines (bytewise), so keyset cursors agree with ORDER BY.
fn collate(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => " COLLATE \"C\"",
        _ => "",
    }
}

/// A filter on a top-level list, as SQL conditions over the table aliased `t`.
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

/// How a top-level table computes its sort keys.
#[derive(Clone, Copy, Debug)]
pub struct ListSpec {
    pub table: &'static str,
    /// SQL counting what makes a row popular, over `t`; None when the list has no popularity.
    pub popularity: Option<&'static str>,
}

fn sort_expr(
    backend: DbBackend,
    alias: &str,
    key: SortKey,
    text_col: &str,
    popularity: Option<&str>,
) -> String {
    let c = collate(backend);
    match key {
        SortKey::Slug => format!("{alias}.{text_col}{c}"),
        SortKey::Name => format!("{alias}.name{c}"),
        SortKey::Created => format!("{alias}.id"),
        SortKey::Popularity => popularity
            .map(str::to_owned)
            .unwrap_or_else(|| "0".to_owned()),
        SortKey::Posted => format!("{alias}.posted_date{c}"),
        SortKey::Salary => format!("{alias}.salary_sort"),
    }
}

/// `ORDER BY` and the keyset condition for a page in one direction.
fn keyset(
    sort: &str,
    alias: &str,
    args: &PageArgs,
    values: &mut Vec<Value>,
) -> AppResult<(String, String)> {
    let asc = args.order.desc == args.backward;
    let dir = if asc { "ASC" } else { "DESC" };
    let order_by = if sort == format!("{alias}.id") {
        format!("{alias}.id {dir}")
    } else {
        format!("{sort} {dir}, {alias}.id {dir}")
    };
    let cond = match &args.cursor {
        None => String::new(),
        Some(c) => {
            if c.key != args.order.key {
                return Err(AppError::Validation(
                    "cursor belongs to another ordering".into(),
                ));
            }
            let cmp = if asc { ">" } else { "<" };
            if args.order.key == SortKey::Created {
                values.push(c.id.into());
                format!("{alias}.id {cmp} ?")
            } else {
                let v: Value = if args.order.key.is_text() {
                    c.text.clone().unwrap_or_default().into()
                } else {
                    c.number.unwrap_or(0).into()
                };
                values.push(v);
                values.push(c.id.into());
                format!("({sort}, {alias}.id) {cmp} (?, ?)")
            }
        }
    };
    Ok((order_by, cond))
}

fn read_cursor(row: &sea_orm::QueryResult, key: SortKey) -> AppResult<Cursor> {
    let id: i64 = row.try_get("", "sg_id")?;
    let (text, number) = match key {
        SortKey::Slug | SortKey::Name | SortKey::Posted => {
            (Some(row.try_get::<String>("", "sg_sort")?), None)
        }
        SortKey::Popularity | SortKey::Salary => (None, Some(row.try_get::<i64>("", "sg_sort")?)),
        SortKey::Created => (None, None),
    };
    Ok(Cursor {
        key,
        text,
        number,
        id,
    })
}

/// One page of a top-level list.
pub async fn list_page<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    spec: &ListSpec,
    filter: &Filter,
    args: &PageArgs,
) -> AppResult<Page<EdgeRow<M>>> {
    let backend = db.get_database_backend();
    if args.order.key == SortKey::Popularity && spec.popularity.is_none() {
        return Err(AppError::Validation(format!(
            "{} cannot be ordered by popularity",
            spec.table
        )));
    }
    let mut conditions = filter.conditions.clone();
    let mut values = filter.values.clone();
    let sort = sort_expr(backend, "t", args.order.key, "slug", spec.popularity);
    let (order_by, cond) = keyset(&sort, "t", args, &mut values)?;
    if !cond.is_empty() {
        conditions.push(cond);
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    values.push(Value::from((args.limit + 1) as i64));
    let sql = format!(
        "SELECT t.*, t.id AS sg_id, {sort} AS sg_sort FROM {table} t{where_sql} ORDER BY {order_by} LIMIT ?",
        table = spec.table
    );
    let rows = db.query_all_raw(stmt(backend, &sql, values)).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(EdgeRow {
            node: M::from_query_result(row, "")?,
            attrs: None,
            cursor: read_cursor(row, args.order.key)?,
        });
    }
    Ok(Page::from_rows(items, args))
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

/// One page of edges for each parent, all parents in one statement. Nested lists are ordered by
/// the node's sort column (slug, or an alias's text), then id.
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
        "SELECT * FROM (SELECT {node_alias}.*, e.{parent} AS sg_parent{attrs}, \
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
        .query_all_raw(stmt(backend, &sql, vec![id_list_value(backend, ids)]))
        .await?;
    for row in &rows {
        let m = M::from_query_result(row, "")?;
        out.insert(id_of(&m), m);
    }
    Ok(out)
}

/// An alias of a skill or framework, as nested lists return it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct AliasRow {
    pub id: i64,
    pub alias: String,
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
    pub const FRAMEWORK_ALIASES: EdgeSpec = EdgeSpec {
        table: "framework_alias",
        parent_col: "framework_id",
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

    pub const SKILL_POSTINGS: EdgeSpec = EdgeSpec {
        table: "posting_skill",
        parent_col: "skill_id",
        child: Some(("job_posting", "posting_id")),
        sort_col: "posted_date",
        attrs: false,
    };
    pub const FRAMEWORK_POSTINGS: EdgeSpec = EdgeSpec {
        table: "posting_framework",
        parent_col: "framework_id",
        child: Some(("job_posting", "posting_id")),
        sort_col: "posted_date",
        attrs: false,
    };
    /// A posting names its role itself: the row is both edge and node.
    pub const ROLE_POSTINGS: EdgeSpec = EdgeSpec {
        table: "job_posting",
        parent_col: "role_id",
        child: None,
        sort_col: "posted_date",
        attrs: false,
    };
}
