//! How an [`AppError`] is shown to GraphQL clients: a message and `extensions.code`, internal
//! causes logged and replaced by "internal error". This is the only conversion from `AppError`
//! to a GraphQL error, so a stray `?` cannot leak a database message.
use async_graphql::ErrorExtensions;

use crate::error::AppError;

/// The error as a client sees it. A trait (rather than only `From`) so loader errors, which
/// come as `Arc<AppError>`, convert with `.map_err(|e| e.to_graphql())`.
pub trait ToGraphql {
    fn to_graphql(&self) -> async_graphql::Error;
}

impl ToGraphql for AppError {
    fn to_graphql(&self) -> async_graphql::Error {
        let code = self.code();
        let message = if self.is_internal() {
            // The cause goes to the log, never to the client.
            tracing::error!(error = %self.detail(), "internal error while serving a request");
            "internal error".to_owned()
        } else {
            self.detail()
        };
        async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.to_graphql()
    }
}
