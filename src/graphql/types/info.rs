//! What `info` says about the server.
use async_graphql::{Enum, SimpleObject};

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
