//! The one error type of the service. It knows nothing of GraphQL: how clients see it is
//! `crate::graphql::error`'s business.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display`
//! error into a GraphQL error carrying its message verbatim and no code, so with `Display` a
//! stray `?` would leak database messages. Without it, the only way into a GraphQL error is the
//! one `From<AppError>` in `crate::graphql::error`, which adds `extensions.code` and hides
//! internal causes.
use sea_orm::{DbErr, SqlErr};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    Validation(String),
    Conflict(String),
    Unauthenticated(String),
    /// Authenticated, but without the scope the operation needs.
    Forbidden(String),
    Db(DbErr),
    Internal(String),
    /// A client error (`1`) about one input, named by `0`: a dotted path relative to the
    /// operation's inputs (`slug`, `aliases.2`, `level`, `role`), so an API can point its caller
    /// at what to fix. Code, message and internality are those of the error inside.
    Field(String, Box<AppError>),
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        AppError::Db(e)
    }
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Validation(_) => "VALIDATION",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            // No connection in time, or no database: the client may retry later.
            AppError::Db(DbErr::ConnectionAcquire(_)) => "UNAVAILABLE",
            AppError::Db(_) | AppError::Internal(_) => "INTERNAL",
            AppError::Field(_, e) => e.code(),
        }
    }

    /// Names the input at fault, unless one was named already (the innermost name is the most
    /// precise). Internal errors are nobody's input: they stay as they are.
    pub fn at(self, field: impl Into<String>) -> Self {
        match self {
            AppError::Field(..) => self,
            e if e.is_internal() => e,
            e => AppError::Field(field.into(), Box::new(e)),
        }
    }

    /// The error without the input it names.
    pub fn untagged(self) -> Self {
        match self {
            AppError::Field(_, e) => *e,
            e => e,
        }
    }

    /// The input at fault, when the error names one (see [`AppError::at`]).
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Field(f, _) => Some(f),
            _ => None,
        }
    }

    /// Whether the cause is ours (database, bug) rather than the client's: its message must not
    /// reach a client.
    pub fn is_internal(&self) -> bool {
        match self {
            AppError::Field(_, e) => e.is_internal(),
            e => matches!(e, AppError::Db(_) | AppError::Internal(_)),
        }
    }

    /// The full message, internal causes included: for logs and the command line only.
    pub fn detail(&self) -> String {
        match self {
            AppError::NotFound(m)
            | AppError::Validation(m)
            | AppError::Conflict(m)
            | AppError::Unauthenticated(m)
            | AppError::Forbidden(m) => m.clone(),
            AppError::Db(e) => format!("database error: {e}"),
            AppError::Internal(m) => format!("internal error: {m}"),
            AppError::Field(_, e) => e.detail(),
        }
    }

    pub fn not_found(what: &str, key: impl std::fmt::Display) -> Self {
        AppError::NotFound(format!("{what} {key} not found"))
    }

    /// Turns constraint violations into the client's mistake they are; anything else stays a
    /// database error.
    pub fn from_db(err: DbErr, what: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict(format!("{what} already exists"))
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => AppError::Conflict(format!(
                "{what} is still referenced or refers to something missing"
            )),
            _ => AppError::Db(err),
        }
    }
}
