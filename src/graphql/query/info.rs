use async_graphql::{Context, Enum, Object, SimpleObject};
use sea_orm::DbBackend;

use crate::state::AppState;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// About this server.
#[derive(SimpleObject)]
pub struct ServerInfo {
    pub version: &'static str,
    pub backend: Backend,
}

#[derive(Default)]
pub struct InfoQuery;

#[Object]
impl InfoQuery {
    /// The server's version and database engine.
    async fn info(&self, ctx: &Context<'_>) -> async_graphql::Result<ServerInfo> {
        let backend = match ctx.data::<AppState>()?.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        Ok(ServerInfo {
            version: env!("CARGO_PKG_VERSION"),
            backend,
        })
    }
}
