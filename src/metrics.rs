//! Process counters exposed at `/metrics` (Prometheus text format): what the benchmark reads to
//! report SQL statements per request, and what an operator scrapes.
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use sea_orm::DatabaseConnection;

#[derive(Debug, Default)]
pub struct Metrics {
    pub sql_statements: AtomicU64,
    pub sql_errors: AtomicU64,
    pub graphql_requests: AtomicU64,
}

impl Metrics {
    /// Counts every statement the connection runs from now on.
    pub fn instrument(self: &Arc<Self>, db: &mut DatabaseConnection) {
        let m = Arc::clone(self);
        db.set_metric_callback(move |info| {
            m.sql_statements.fetch_add(1, Ordering::Relaxed);
            if info.failed {
                m.sql_errors.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, v) in [
            (
                "skillgraph_sql_statements_total",
                "SQL statements run",
                &self.sql_statements,
            ),
            (
                "skillgraph_sql_errors_total",
                "SQL statements that failed",
                &self.sql_errors,
            ),
            (
                "skillgraph_graphql_requests_total",
                "GraphQL requests executed",
                &self.graphql_requests,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        out
    }
}
