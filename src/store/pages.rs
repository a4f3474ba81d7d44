//! Keyset pages over top-level lists: orderings, cursors and the one statement per page.
//! (Nested edge lists, fetched for a whole batch of parents, are in [`super::edges`].)
use sea_orm::{ConnectionTrait, DbBackend, Value};

use crate::error::{AppError, AppResult};

use super::{
    answers,
    columns::{select_list, Columns, Node, Reader},
    db::stmt,
    lite::{self, RowSource},
};
// Re-exported so `pages::X` keeps naming every paging type.
pub use super::{
    by_ids,
    edges::{edge_counts, edge_pages, AliasRow, EdgeAttrs, EdgeSpec, Importance},
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

    /// The rows a page statement reads (for each parent): the page and one more, which tells
    /// whether another page follows. The limit is a validated page size.
    pub(super) fn rows_read(&self) -> usize {
        usize::try_from(self.limit).map_or(0, |l| l.saturating_add(1))
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
    pub(super) fn from_rows(mut items: Vec<T>, args: &PageArgs) -> Self {
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

#[derive(Clone, Debug)]
pub struct EdgeRow<M> {
    pub node: M,
    pub attrs: Option<EdgeAttrs>,
    pub cursor: Cursor,
}

/// Ordering that is the same on both engines (bytewise), so keyset cursors agree with ORDER BY.
pub(super) fn collate(backend: DbBackend) -> &'static str {
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

pub(super) fn sort_expr(
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
pub(super) fn keyset(
    sort: &str,
    alias: &str,
    args: &PageArgs,
    values: &mut Vec<Value>,
) -> AppResult<(String, String)> {
    keyset_by(sort, &format!("{alias}.id"), args, values)
}

/// [`keyset`] with the tie-breaking id given as an expression (an edge row's node id column).
pub(super) fn keyset_by(
    sort: &str,
    id: &str,
    args: &PageArgs,
    values: &mut Vec<Value>,
) -> AppResult<(String, String)> {
    let asc = args.order.desc == args.backward;
    let dir = if asc { "ASC" } else { "DESC" };
    let order_by = if sort == id {
        format!("{id} {dir}")
    } else {
        format!("{sort} {dir}, {id} {dir}")
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
                format!("{id} {cmp} ?")
            } else {
                let v: Value = if args.order.key.is_text() {
                    c.text.clone().unwrap_or_default().into()
                } else {
                    c.number.unwrap_or(0).into()
                };
                values.push(v);
                values.push(c.id.into());
                format!("({sort}, {id}) {cmp} (?, ?)")
            }
        }
    };
    Ok((order_by, cond))
}

/// The cursor of a row from the reader's position on: the node's id, then its sort key (always
/// a column, read only for the orderings whose cursors carry it).
pub(super) fn read_cursor(r: &mut Reader<'_>, key: SortKey) -> AppResult<Cursor> {
    let id: i64 = r.req()?;
    let (text, number) = match key {
        SortKey::Slug | SortKey::Name | SortKey::Posted => (Some(r.req::<String>()?), None),
        SortKey::Popularity | SortKey::Salary => (None, Some(r.req::<i64>()?)),
        SortKey::Created => {
            r.skip();
            (None, None)
        }
    };
    Ok(Cursor {
        key,
        text,
        number,
        id,
    })
}

/// One page of a top-level list.
pub async fn list_page<M: Node + Clone + Send + Sync + 'static>(
    db: &impl RowSource,
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
    // By position: the id and sort key of the cursor, then the row's columns. The LIMIT is in
    // the text, not bound: SQLite plans with a bound LIMIT's value and so prepared the
    // statement again on every run.
    let sql = format!(
        "SELECT t.id AS sg_id, {sort} AS sg_sort, {columns} FROM {table} t{where_sql} ORDER BY {order_by} LIMIT {limit}",
        limit = args.limit + 1,
        table = spec.table,
        columns = select_list::<M>("t", Columns::ALL),
    );
    // On PostgreSQL a read-only request may be answered from `answers`, by the statement.
    answers::through(
        // The arguments too: a backward page in one order runs the statement of a forward
        // page in the other, and makes another page of its rows.
        || format!("{sql}\n{values:?}\n{args:?}"),
        |page: &Page<EdgeRow<M>>| page.items.len(),
        async {
            let st = stmt(backend, &sql, values.clone());
            let mut items = Vec::with_capacity(args.rows_read());
            lite::each_row(db, st, M::BY_POSITION, |r| {
                let cursor = read_cursor(r, args.order.key)?;
                items.push(EdgeRow {
                    node: M::read(r, Columns::ALL)?,
                    attrs: None,
                    cursor,
                });
                Ok(())
            })
            .await?;
            Ok(Page::from_rows(items, args))
        },
    )
    .await
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
