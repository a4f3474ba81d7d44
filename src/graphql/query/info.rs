use crate::graphql::ContextExt;
use async_graphql::{Context, Object};
use sea_orm::DbBackend;

use crate::graphql::types::info::{Backend, ServerInfo};

#[derive(Default)]
pub struct InfoQuery;

#[Object]
impl InfoQuery {
    /// The server's version and database engine.
    async fn info(&self, ctx: &Context<'_>) -> async_graphql::Result<ServerInfo> {
        let backend = match ctx.state()?.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        Ok(ServerInfo {
            version: env!("CARGO_PKG_VERSION"),
            backend,
        })
    }
}
