//! What `info` says about the server.
use async_graphql::{Enum, SimpleObject};

/// The database engine the server runs on.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// About this server.
#[derive(SimpleObject)]
pub struct ServerInfo {
    /// The server's version.
    pub version: &'static str,
    /// The database engine.
    pub backend: Backend,
}
