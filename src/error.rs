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
        }
    }

    /// Whether the cause is ours (database, bug) rather than the client's: its message must not
    /// reach a client.
    pub fn is_internal(&self) -> bool {
        matches!(self, AppError::Db(_) | AppError::Internal(_))
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
