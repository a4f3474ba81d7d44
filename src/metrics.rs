//! Process metrics exposed at `/metrics` (Prometheus text format, through the `prometheus`
//! crate, one registry per instance): request durations per operation, errors by code, SQL
//! statements and errors, pool use, cache rebuilds. Every label set is bounded: a client
//! choosing operation names cannot grow the registry (each new series is kept until exit).
use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use sea_orm::DatabaseConnection;

use crate::store::answers::Answers;

pub struct Metrics {
    registry: Registry,
    pub sql_statements: IntCounter,
    pub sql_errors: IntCounter,
    /// Of the statements, those whose rows were read in place (SQLite, [`crate::store::lite`]).
    pub sql_in_place: IntCounter,
    /// Reads answered by the answer cache, and reads it had to run ([`crate::store::answers`]).
    pub answer_hits: IntCounter,
    pub answer_misses: IntCounter,
    pub graphql_requests: IntCounter,
    /// GraphQL request duration (seconds) by operation name (`-` when anonymous).
    pub request_duration: HistogramVec,
    /// Errors sent to clients, by `extensions.code`.
    pub errors: IntCounterVec,
    /// Requests that found no database connection in time (or no database at all).
    pub pool_timeouts: IntCounter,
    pub pool_in_use: IntGauge,
    pub pool_idle: IntGauge,
    /// Rebuilds of the search index and of the skill extractor.
    pub cache_rebuilds: IntCounterVec,
    /// HTTP responses by status class, every route.
    pub http_responses: IntCounterVec,
    /// The operation names that have a series of their own (at most [`MAX_OPERATION_LABELS`]).
    operations: Mutex<HashSet<String>>,
}

/// Distinct operation names given a duration series of their own; later names count as
/// `other`. Each series is 16 numbers kept for the life of the process, and the names are the
/// client's choice: 100,000 distinct names used to make 100,000 series.
pub const MAX_OPERATION_LABELS: usize = 200;

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn counter(name: &str, help: &str) -> IntCounter {
    // Names and help texts are constants of this file: creation cannot fail.
    IntCounter::new(name, help).unwrap_or_else(|_| unreachable!("metric {name}"))
}

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let sql_statements = counter("skillgraph_sql_statements_total", "SQL statements run");
        let sql_in_place = counter(
            "skillgraph_sql_statements_in_place_total",
            "SQLite statements whose rows were read in place (process-wide)",
        );
        let answer_hits = counter(
            "skillgraph_answer_cache_hits_total",
            "Lookups and list pages answered from memory (PostgreSQL)",
        );
        let answer_misses = counter(
            "skillgraph_answer_cache_misses_total",
            "Lookups and list pages the answer cache ran while serving",
        );
        let sql_errors = counter(
            "skillgraph_sql_errors_total",
            "SQL statements that failed, and requests that found no database",
        );
        let graphql_requests = counter(
            "skillgraph_graphql_requests_total",
            "GraphQL requests executed",
        );
        let pool_timeouts = counter(
            "skillgraph_db_pool_timeouts_total",
            "Requests that got no database connection (pool timeout or database down)",
        );
        let request_duration = HistogramVec::new(
            HistogramOpts::new(
                "skillgraph_graphql_request_duration_seconds",
                "GraphQL request duration by operation name",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["operation"],
        )
        .unwrap_or_else(|_| unreachable!("histogram"));
        let errors = IntCounterVec::new(
            Opts::new(
                "skillgraph_errors_total",
                "Errors sent to clients, by extensions.code",
            ),
            &["code"],
        )
        .unwrap_or_else(|_| unreachable!("errors"));
        let cache_rebuilds = IntCounterVec::new(
            Opts::new(
                "skillgraph_cache_rebuilds_total",
                "Rebuilds of the in-memory search index and skill extractor",
            ),
            &["cache"],
        )
        .unwrap_or_else(|_| unreachable!("cache"));
        let http_responses = IntCounterVec::new(
            Opts::new(
                "skillgraph_http_responses_total",
                "HTTP responses by status code",
            ),
            &["status"],
        )
        .unwrap_or_else(|_| unreachable!("http"));
        let pool_in_use = IntGauge::new(
            "skillgraph_db_pool_connections_in_use",
            "Database connections in use",
        )
        .unwrap_or_else(|_| unreachable!("gauge"));
        let pool_idle = IntGauge::new(
            "skillgraph_db_pool_connections_idle",
            "Idle database connections",
        )
        .unwrap_or_else(|_| unreachable!("gauge"));
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(sql_statements.clone()),
            Box::new(sql_errors.clone()),
            Box::new(sql_in_place.clone()),
            Box::new(answer_hits.clone()),
            Box::new(answer_misses.clone()),
            Box::new(graphql_requests.clone()),
            Box::new(pool_timeouts.clone()),
            Box::new(request_duration.clone()),
            Box::new(errors.clone()),
            Box::new(cache_rebuilds.clone()),
            Box::new(http_responses.clone()),
            Box::new(pool_in_use.clone()),
            Box::new(pool_idle.clone()),
        ];
        for c in collectors {
            if let Err(e) = registry.register(c) {
                tracing::error!(error = %e, "cannot register a metric");
            }
        }
        Metrics {
            registry,
            sql_statements,
            sql_errors,
            sql_in_place,
            answer_hits,
            answer_misses,
            graphql_requests,
            request_duration,
            errors,
            pool_timeouts,
            pool_in_use,
            pool_idle,
            cache_rebuilds,
            http_responses,
            operations: Mutex::new(HashSet::new()),
        }
    }
}

impl Metrics {
    /// Records a GraphQL request's duration under its operation's label, and returns the label:
    /// the operation's name when it is a plain short name and one of the first
    /// [`MAX_OPERATION_LABELS`] seen, `-` when anonymous, `other` for anything else.
    pub fn observe_request(&self, name: Option<&str>, took: Duration) -> String {
        let label = match name {
            None => "-".to_owned(),
            Some(n)
                if n.len() <= 48
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && self.admit_operation(n) =>
            {
                n.to_owned()
            }
            Some(_) => "other".to_owned(),
        };
        self.request_duration
            .with_label_values(&[label.as_str()])
            .observe(took.as_secs_f64());
        label
    }

    fn admit_operation(&self, name: &str) -> bool {
        let Ok(mut seen) = self.operations.lock() else {
            return false;
        };
        if seen.contains(name) {
            return true;
        }
        if seen.len() >= MAX_OPERATION_LABELS {
            return false;
        }
        seen.insert(name.to_owned());
        true
    }

    /// Counts every statement the connection runs from now on (those read in place too, see
    /// [`crate::store::lite`]).
    pub fn instrument(self: &Arc<Self>, db: &mut DatabaseConnection) {
        let m = Arc::clone(self);
        crate::store::observe(db, move |info| {
            m.sql_statements.inc();
            if info.failed {
                m.sql_errors.inc();
            }
        });
    }

    /// Brings a monotonic total kept elsewhere (a cache's rebuild count) into a counter.
    pub fn sync_counter(counter: &IntCounter, total: u64) {
        let now = counter.get();
        if total > now {
            counter.inc_by(total - now);
        }
    }

    /// Samples the pool and the answer cache, and renders every metric.
    pub fn render(&self, db: &DatabaseConnection, answers: &Answers) -> String {
        Self::sync_counter(&self.answer_hits, answers.hits());
        Self::sync_counter(&self.answer_misses, answers.misses());
        let (size, idle) = pool_sizes(db);
        self.pool_in_use.set(size.saturating_sub(idle));
        self.pool_idle.set(idle);
        Self::sync_counter(
            &self.sql_in_place,
            crate::store::lite::statements_read_in_place(),
        );
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "cannot render metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// (connections open, connections idle) of the pool.
fn pool_sizes(db: &DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (i64::from(p.size()), p.num_idle() as i64)
        }
        _ => {
            let p = db.get_sqlite_connection_pool();
            (i64::from(p.size()), p.num_idle() as i64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded() {
        let m = Metrics::default();
        for i in 0..MAX_OPERATION_LABELS + 50 {
            m.observe_request(Some(&format!("Op{i}")), Duration::from_millis(1));
        }
        assert_eq!(
            m.observe_request(Some("Op0"), Duration::ZERO),
            "Op0",
            "a name seen early keeps its series"
        );
        assert_eq!(m.observe_request(Some("Late"), Duration::ZERO), "other");
        assert_eq!(
            m.observe_request(Some("bad name!"), Duration::ZERO),
            "other"
        );
        assert_eq!(m.observe_request(None, Duration::ZERO), "-");
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&m.registry.gather(), &mut text)
            .expect("encode");
        let series = String::from_utf8_lossy(&text)
            .lines()
            .filter(|l| l.starts_with("skillgraph_graphql_request_duration_seconds_count{"))
            .count();
        assert_eq!(series, MAX_OPERATION_LABELS + 2);
    }
}
