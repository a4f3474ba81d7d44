//! Which columns of a node table a page reads, and rows decoded by position.
//!
//! A nested query reads thousands of rows and shows a few of their fields. SQLite copies every
//! selected value of a row out of the statement (an allocation each, freed with the row), and
//! SeaORM's `FromQueryResult` finds each column by hashing its name into sqlx's column map: in a
//! profile of Q1 on SQLite the copies and their frees were 23 % of the instructions and decoding
//! by name 13 %. So pages select only the columns the query's fields read, in a fixed order, and
//! read them back by position; the columns left out get neutral values in the model, which no
//! selected field shows.
use chrono::{DateTime, Utc};
use entity::{company, framework, job_posting, role, skill, source};
use sea_orm::{sqlx, FromQueryResult, QueryResult};

use crate::error::{AppError, AppResult};

use super::edges::AliasRow;

/// A set of a node table's columns: bit `i` is the `i`-th of its model's [`Node::COLUMNS`].
/// The id is always read, whatever the set says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Columns(u64);

impl Columns {
    /// Every column.
    pub const ALL: Columns = Columns(u64::MAX);
    /// None beyond the keys (the id).
    pub const NONE: Columns = Columns(0);

    /// The columns of `table` (a model's [`Node::COLUMNS`]) named in `names`; evaluated at
    /// compile time, a name that is not a column fails the build.
    pub const fn named(table: &[&str], names: &[&str]) -> Columns {
        let mut bits = 0u64;
        let mut i = 0;
        while i < names.len() {
            bits |= 1 << index_of(table, names[i]);
            i += 1;
        }
        Columns(bits)
    }

    pub const fn union(self, other: Columns) -> Columns {
        Columns(self.0 | other.0)
    }

    pub const fn is_all(self) -> bool {
        self.0 == u64::MAX
    }

    pub const fn has(self, i: usize) -> bool {
        i < 64 && self.0 & (1 << i) != 0
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn index_of(table: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < table.len() {
        if same(table[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("not a column of the table")
}

/// The values of one row, read in order from a position on. Values are decoded from the
/// driver's row by index, with NULL as `None` (SeaORM's `Option` decoding builds and drops an
/// error with a formatted message for every NULL).
pub struct Reader<'a> {
    row: Row<'a>,
    at: usize,
}

/// A row from SeaORM, or one read in place from a SQLite statement ([`super::lite`]).
enum Row<'a> {
    Driver(&'a QueryResult),
    InPlace(&'a rusqlite::Row<'a>),
}

/// A value type the readers take: decodable by sqlx from either engine's rows, and by
/// rusqlite from a SQLite statement.
pub trait Cell:
    sqlx::Type<sqlx::Sqlite>
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + rusqlite::types::FromSql
{
}

impl<T> Cell for T where
    T: sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + rusqlite::types::FromSql
{
}

impl<'a> Reader<'a> {
    pub fn new(row: &'a QueryResult, at: usize) -> Self {
        Reader {
            row: Row::Driver(row),
            at,
        }
    }

    pub(super) fn in_place(row: &'a rusqlite::Row<'a>) -> Self {
        Reader {
            row: Row::InPlace(row),
            at: 0,
        }
    }

    /// SeaORM's row, for a type read by name; None for a row read in place (which only
    /// readers by position get, see [`super::lite::rows`]).
    pub fn row(&self) -> Option<&'a QueryResult> {
        match self.row {
            Row::Driver(row) => Some(row),
            Row::InPlace(_) => None,
        }
    }

    /// Passes over the next value.
    pub fn skip(&mut self) {
        self.at += 1;
    }

    /// The next value, None for NULL.
    pub fn opt<T: Cell>(&mut self) -> AppResult<Option<T>> {
        let i = self.at;
        self.at += 1;
        let value = match self.row {
            Row::InPlace(row) => return in_place(row, i),
            Row::Driver(row) => {
                if let Some(row) = row.try_as_sqlite_row() {
                    decode::<_, T>(row, i)
                } else if let Some(row) = row.try_as_pg_row() {
                    decode::<_, T>(row, i)
                } else {
                    return Err(AppError::Internal("rows of an unknown driver".into()));
                }
            }
        };
        value.map_err(|e| AppError::Internal(format!("column {i}: {e}")))
    }

    /// The next value, which must not be NULL.
    pub fn req<T: Cell>(&mut self) -> AppResult<T> {
        let i = self.at;
        self.opt()?
            .ok_or_else(|| AppError::Internal(format!("column {i} is NULL")))
    }

    /// The next value when `cols` has column `c`, else `T`'s neutral value (nothing read).
    fn pick<T: Cell + Default>(&mut self, cols: Columns, c: usize) -> AppResult<T> {
        if cols.has(c) {
            self.req()
        } else {
            Ok(T::default())
        }
    }

    /// [`Reader::pick`] for a nullable column.
    fn pick_opt<T: Cell>(&mut self, cols: Columns, c: usize) -> AppResult<Option<T>> {
        if cols.has(c) {
            self.opt()
        } else {
            Ok(None)
        }
    }
}

/// Column `i` of `row`, None for NULL.
///
/// The readers select their columns themselves, by position, from tables whose types the
/// migrations fix, so release builds decode without sqlx's check that the column's type is
/// compatible with `T`: on PostgreSQL that check cost about 400 instructions per value, a sixth
/// of Q1's (10,600 values). A mismatch still fails to decode (integers are read by their
/// length, text is checked UTF-8), and debug builds, which the tests run, keep the check.
fn decode<'r, R, T>(row: &'r R, i: usize) -> Result<Option<T>, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    T: sqlx::Type<R::Database> + sqlx::Decode<'r, R::Database>,
{
    if cfg!(debug_assertions) {
        row.try_get::<Option<T>, usize>(i)
    } else {
        row.try_get_unchecked::<Option<T>, usize>(i)
    }
}

/// Column `i` of a row read in place, None for NULL.
fn in_place<T: Cell>(row: &rusqlite::Row<'_>, i: usize) -> AppResult<Option<T>> {
    let value = row
        .get_ref(i)
        .map_err(|e| AppError::Internal(format!("column {i}: {e}")))?;
    if let rusqlite::types::ValueRef::Null = value {
        return Ok(None);
    }
    T::column_result(value)
        .map(Some)
        .map_err(|e| AppError::Internal(format!("column {i}: {e}")))
}

/// A row type pages and lookups return.
pub trait Node: FromQueryResult + Sized {
    /// Its columns in the order [`Node::read`] takes them (the id first); empty for a type read
    /// whole and by name (`alias.*`, [`FromQueryResult`]).
    const COLUMNS: &'static [&'static str] = &[];

    /// Read by position ([`Node::COLUMNS`] given), so its rows may be read in place.
    const BY_POSITION: bool = !Self::COLUMNS.is_empty();

    /// The row from the columns `cols` selected (in [`Node::COLUMNS`] order, from the reader's
    /// position on); the others get neutral values.
    fn read(r: &mut Reader<'_>, cols: Columns) -> AppResult<Self> {
        let _ = cols;
        let row = r
            .row()
            .ok_or_else(|| AppError::Internal("a row read by name was read in place".into()))?;
        Ok(Self::from_query_result(row, "")?)
    }
}

/// The select list of `cols` of `M`'s table aliased `alias`, in [`Node::COLUMNS`] order
/// (`alias.*` for a type read by name).
pub fn select_list<M: Node>(alias: &str, cols: Columns) -> String {
    if M::COLUMNS.is_empty() {
        return format!("{alias}.*");
    }
    let mut out = String::new();
    for (i, name) in M::COLUMNS.iter().enumerate() {
        if i == 0 || cols.has(i) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(alias);
            out.push('.');
            out.push_str(name);
        }
    }
    out
}

impl Node for skill::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "slug",
        "name",
        "kind",
        "description",
        "esco_uri",
        "onet_name",
        "first_release_year",
        "license",
        "homepage",
        "reuse_level",
        "onet_element_id",
        "source_id",
        "created_at",
        "updated_at",
    ];

    fn read(r: &mut Reader<'_>, c: Columns) -> AppResult<Self> {
        Ok(skill::Model {
            id: r.req()?,
            slug: r.pick(c, 1)?,
            name: r.pick(c, 2)?,
            kind: r.pick(c, 3)?,
            description: r.pick_opt(c, 4)?,
            esco_uri: r.pick_opt(c, 5)?,
            onet_name: r.pick_opt(c, 6)?,
            first_release_year: r.pick_opt(c, 7)?,
            license: r.pick_opt(c, 8)?,
            homepage: r.pick_opt(c, 9)?,
            reuse_level: r.pick_opt(c, 10)?,
            onet_element_id: r.pick_opt(c, 11)?,
            source_id: r.pick_opt(c, 12)?,
            created_at: r.pick::<DateTime<Utc>>(c, 13)?,
            updated_at: r.pick::<DateTime<Utc>>(c, 14)?,
        })
    }
}

impl Node for role::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "slug",
        "name",
        "description",
        "esco_uri",
        "onet_soc_code",
        "isco_code",
        "source_id",
        "created_at",
        "updated_at",
    ];

    fn read(r: &mut Reader<'_>, c: Columns) -> AppResult<Self> {
        Ok(role::Model {
            id: r.req()?,
            slug: r.pick(c, 1)?,
            name: r.pick(c, 2)?,
            description: r.pick_opt(c, 3)?,
            esco_uri: r.pick_opt(c, 4)?,
            onet_soc_code: r.pick_opt(c, 5)?,
            isco_code: r.pick_opt(c, 6)?,
            source_id: r.pick_opt(c, 7)?,
            created_at: r.pick::<DateTime<Utc>>(c, 8)?,
            updated_at: r.pick::<DateTime<Utc>>(c, 9)?,
        })
    }
}

impl Node for framework::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "slug",
        "name",
        "description",
        "language_id",
        "category",
        "first_release_year",
        "license",
        "homepage",
        "esco_uri",
        "onet_name",
        "created_at",
        "updated_at",
    ];

    fn read(r: &mut Reader<'_>, c: Columns) -> AppResult<Self> {
        Ok(framework::Model {
            id: r.req()?,
            slug: r.pick(c, 1)?,
            name: r.pick(c, 2)?,
            description: r.pick_opt(c, 3)?,
            language_id: r.pick(c, 4)?,
            category: r.pick(c, 5)?,
            first_release_year: r.pick_opt(c, 6)?,
            license: r.pick_opt(c, 7)?,
            homepage: r.pick_opt(c, 8)?,
            esco_uri: r.pick_opt(c, 9)?,
            onet_name: r.pick_opt(c, 10)?,
            created_at: r.pick::<DateTime<Utc>>(c, 11)?,
            updated_at: r.pick::<DateTime<Utc>>(c, 12)?,
        })
    }
}

impl Node for AliasRow {
    const COLUMNS: &'static [&'static str] = &["id", "alias"];

    fn read(r: &mut Reader<'_>, c: Columns) -> AppResult<Self> {
        Ok(AliasRow {
            id: r.req()?,
            alias: r.pick(c, 1)?,
        })
    }
}

/// Read whole and by name: postings are paged a few dozen at a time, sources and companies
/// looked up by id.
impl Node for job_posting::Model {}
impl Node for source::Model {}
impl Node for company::Model {}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{IdenStatic, Iterable};

    fn names<C: Iterable + IdenStatic>() -> Vec<&'static str> {
        C::iter().map(|c| c.as_str()).collect()
    }

    /// The positional decoders follow the entities' column order.
    #[test]
    fn columns_are_the_entities_columns_in_order() {
        assert_eq!(skill::Model::COLUMNS, names::<skill::Column>());
        assert_eq!(role::Model::COLUMNS, names::<role::Column>());
        assert_eq!(framework::Model::COLUMNS, names::<framework::Column>());
    }

    #[test]
    fn named_sets_the_bits_of_the_names() {
        let c = Columns::named(skill::Model::COLUMNS, &["name", "updated_at"]);
        assert!(c.has(2) && c.has(14));
        assert!(!c.has(1) && !c.has(4));
        assert_eq!(
            select_list::<skill::Model>("n", c),
            "n.id, n.name, n.updated_at"
        );
        assert_eq!(select_list::<skill::Model>("n", Columns::NONE), "n.id");
        assert!(Columns::ALL.has(63) && Columns::ALL.is_all());
    }
}
