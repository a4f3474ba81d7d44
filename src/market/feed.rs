//! The live feed of new postings. On PostgreSQL an insert sends `NOTIFY job_posting_added` in
//! its own transaction (delivered only on commit) and every instance runs one LISTEN task that
//! fans the ids out to its subscribers, so a posting written through any instance reaches
//! subscribers on all of them. On SQLite (one process) a tokio broadcast channel does it.
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend};
use tokio::sync::{broadcast, watch};

use crate::{
    error::AppResult,
    store::{notify::listening, stmt},
};

pub const CHANNEL: &str = "job_posting_added";

pub struct Feed {
    tx: broadcast::Sender<i64>,
    postgres: bool,
    ready: watch::Receiver<bool>,
    ready_tx: watch::Sender<bool>,
}

impl Feed {
    /// A feed for this backend; on PostgreSQL call [`Feed::listen`] to start receiving.
    pub fn new(backend: DbBackend) -> Feed {
        let (tx, _) = broadcast::channel(1024);
        let postgres = backend == DbBackend::Postgres;
        let (ready_tx, ready) = watch::channel(!postgres);
        Feed {
            tx,
            postgres,
            ready,
            ready_tx,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    /// Sends the notification inside the writer's transaction (PostgreSQL only).
    pub async fn notify_in(&self, db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
        if self.postgres {
            db.execute_raw(stmt(
                DbBackend::Postgres,
                "SELECT pg_notify(?, ?)",
                vec![CHANNEL.into(), id.to_string().into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// After commit: on SQLite, tells this process's subscribers (PostgreSQL's listener does it
    /// for every instance, this one included).
    pub fn published_locally(&self, id: i64) {
        if !self.postgres {
            // No subscriber is not an error.
            let _ = self.tx.send(id);
        }
    }

    /// Waits (up to `timeout`) until the listener is listening; true when it is.
    pub async fn ready(&self, timeout: Duration) -> bool {
        let mut r = self.ready.clone();
        tokio::time::timeout(timeout, r.wait_for(|v| *v))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Starts this instance's LISTEN task (PostgreSQL), reconnecting with a pause after errors.
    pub fn listen(self: &std::sync::Arc<Self>, database_url: &str) {
        if !self.postgres {
            return;
        }
        let feed = std::sync::Arc::downgrade(self);
        let url = database_url.to_owned();
        tokio::spawn(async move {
            loop {
                let wanted = || feed.strong_count() > 0;
                let Some(mut listener) = listening(&url, CHANNEL, "posting feed", wanted).await
                else {
                    return;
                };
                match feed.upgrade() {
                    Some(f) => {
                        let _ = f.ready_tx.send(true);
                    }
                    None => return,
                }
                loop {
                    match listener.recv().await {
                        Ok(n) => {
                            let Some(f) = feed.upgrade() else { return };
                            if let Ok(id) = n.payload().parse::<i64>() {
                                let _ = f.tx.send(id);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "posting feed: connection lost, reconnecting");
                            break;
                        }
                    }
                }
            }
        });
    }
}
